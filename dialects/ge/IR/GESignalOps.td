//===- GESignalOps.td - Fourier transforms, filter banks, ranges -*- tablegen -*-===//
#ifndef GEFLOW_GE_SIGNALOPS
#define GEFLOW_GE_SIGNALOPS

include "dialects/ge/IR/GEValueShapedOps.td"

// ONNX's signal ops (opset 17) and the ops whose run-time scalars decide
// a length. The device kernel library has none of them: each runs on the
// host CPU engine (mix_compile_mode), computing in double. Complex tensors
// are float tensors whose last dim 2 holds (real, imaginary), as in ONNX.

def GE_DFTOp : GE_ValueShapedOp<"DFT"> {
  let summary = "Discrete Fourier transform along an axis (host kernel only)";
  let description = [{
    ONNX `DFT`-17: x is [batch, n1, ..., nN, 1] (real) or [..., 2]
    (complex); the transform runs along `axis` (in [1, rank - 2]) over
    `dft_length` points (an int32/int64 scalar read at run time: the
    signal is cut or zero-padded to it). y is complex, [..., 2]: along
    `axis`, `dft_length` bins, or `dft_length / 2 + 1` when `onesided`
    (real input only). `inverse` computes the inverse transform, scaled by
    1 / dft_length. Radix-2 FFT for powers of two, Bluestein's chirp-z
    transform for other lengths.
  }];
  let arguments = (ins GE_FloatTensor:$x, GE_IndexTensor:$dft_length,
                   I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$inverse,
                   DefaultValuedAttr<BoolAttr, "false">:$onesided);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $dft_length attr-dict `:` functional-type(operands, results)
  }];
}

def GE_STFTOp : GE_ValueShapedOp<"STFT"> {
  let summary = "Short-time Fourier transform (host kernel only)";
  let description = [{
    ONNX `STFT`-17: signal is [batch, length, 1] (real) or [..., 2]
    (complex); frames of `frame_length` samples start every `frame_step`
    (int32/int64 scalars read at run time), each multiplied by `window`
    (when given: `frame_length` floats) and transformed. y is [batch,
    frames, bins, 2] with frames = 1 + (length - frame_length) / frame_step
    and bins = frame_length, or frame_length / 2 + 1 when `onesided` (real
    signals only).
  }];
  let arguments = (ins GE_FloatTensor:$signal, GE_IndexTensor:$frame_step,
                   GE_IndexTensor:$frame_length,
                   Optional<GE_FloatTensor>:$window,
                   DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs GE_FloatTensor:$y);
  let assemblyFormat = [{
    $signal `,` $frame_step `,` $frame_length (`,` $window^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_MelWeightMatrixOp : GE_ValueShapedOp<"MelWeightMatrix"> {
  let summary = "Triangular mel filter bank (host kernel only)";
  let description = [{
    ONNX `MelWeightMatrix`-17: a [dft_length / 2 + 1, num_mel_bins] matrix
    of triangles with peak 1, spaced evenly on the mel scale
    mel(f) = 2595 log10(1 + f / 700) between `lower_edge_hertz` and
    `upper_edge_hertz`, each edge rounded down to a spectrogram bin
    (ONNX's reference algorithm). `num_mel_bins`, `dft_length` and
    `sample_rate` are integer scalars, the edges float scalars, all read at
    run time.
  }];
  let arguments = (ins GE_IndexTensor:$num_mel_bins,
                   GE_IndexTensor:$dft_length, GE_IndexTensor:$sample_rate,
                   GE_FloatTensor:$lower_edge_hertz,
                   GE_FloatTensor:$upper_edge_hertz);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def GE_RangeOp : GE_ValueShapedOp<"Range"> {
  let summary = "start, start + delta, ... up to limit (host kernel only)";
  let description = [{
    GE `Range` (ONNX `Range` whose bounds are computed at run time; constant
    bounds fold to a constant at import): the max(0, ceil((limit - start) /
    delta)) values start + i * delta, of the scalars' type. The length is
    the result's; a run whose bounds give another length fails.
  }];
  let arguments = (ins GE_Tensor:$start, GE_Tensor:$limit, GE_Tensor:$delta);
  let results = (outs GE_Tensor:$y);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:`
    functional-type(operands, results)
  }];
}

def GE_DropoutOp : GE_ValueShapedOp<"Dropout"> {
  let summary = "Dropout whose ratio or training mode is a run-time value (host kernel only)";
  let description = [{
    ONNX `Dropout`-12/13 with a `ratio` (float scalar) or `training_mode`
    (bool scalar) computed at run time. y = x and `mask` all true when
    training_mode is false or the ratio is 0: the deterministic cases.
    Training with a positive ratio draws a random mask that no test or
    model output can rely on, so such a run fails with an error saying so.
  }];
  let arguments = (ins GE_Tensor:$x, GE_FloatTensor:$ratio,
                   GE_BoolTensor:$training_mode);
  let results = (outs GE_Tensor:$y, GE_BoolTensor:$mask);
  let assemblyFormat = [{
    $x `,` $ratio `,` $training_mode attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // GEFLOW_GE_SIGNALOPS
