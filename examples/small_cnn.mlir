// A small CNN as the ONNX frontend would import it before shape inference:
// intermediate types are unknown (`?`), the flatten target comes from a
// Shape -> Gather -> Concat subgraph, and the BatchNorm parameters are
// constants. `make demo` runs shape inference and folding on it.
func.func @small_cnn(%image: tensor<1x3x32x32xf32>) -> tensor<?x?xf32> {
  %w1 = ge.Const dense<0.05> : tensor<16x3x3x3xf32>
  %b1 = ge.Const dense<0.1> : tensor<16xf32>
  %conv1 = ge.Conv2D %image, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<?x?x?x?xf32>
  %scale = ge.Const dense<1.0> : tensor<16xf32>
  %offset = ge.Const dense<0.0> : tensor<16xf32>
  %bn = ge.BatchNorm %conv1, %scale, %offset, %offset, %scale {epsilon = 1.0e-5 : f32}
      : (tensor<?x?x?x?xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x?x?xf32>
  %relu = ge.Relu %bn : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %pool = ge.MaxPool %relu {ksize = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 2, 2>}
      : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %w2 = ge.Const dense<0.02> : tensor<32x16x3x3xf32>
  %conv2 = ge.Conv2D %pool, %w2 {strides = array<i64: 1, 1, 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<?x?x?x?xf32>, tensor<32x16x3x3xf32>) -> tensor<?x?x?x?xf32>
  %act = ge.Relu %conv2 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %gap = ge.GlobalAvgPool %act : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  // Flatten to [batch, -1] with the batch dim read from the input's shape.
  %shape = ge.Shape %image {dtype = i64} : (tensor<1x3x32x32xf32>) -> tensor<4xi64>
  %zero = ge.Const dense<[0]> : tensor<1xi64>
  %batch = ge.GatherV2 %shape, %zero {axis = 0} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = ge.Const dense<[-1]> : tensor<1xi64>
  %target = ge.ConcatV2 %batch, %rest {concat_dim = 0} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %flat = ge.Reshape %gap, %target : (tensor<?x?x?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %wfc = ge.Const dense<0.01> : tensor<32x10xf32>
  %bfc = ge.Const dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<10xf32>
  %fc = ge.MatMulV2 %flat, %wfc, %bfc : (tensor<?x?xf32>, tensor<32x10xf32>, tensor<10xf32>) -> tensor<?x?xf32>
  %prob = ge.Softmax %fc : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %prob : tensor<?x?xf32>
}
