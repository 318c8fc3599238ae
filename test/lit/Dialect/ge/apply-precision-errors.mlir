// Every error of ge-apply-precision: config files (with file:line:col),
// op-info rules (naming the op), and names that match no op.
// RUN: rm -rf %t && split-file %s %t && cd %t
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|modify_mixlist = "trailing.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=NOTMIXED
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "missing.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "trailing.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "array.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=ROOT
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "key.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "listarr.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "editkey.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=EDIT
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "notarray.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=ARRAY
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "notstring.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=STRING
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "unknown.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=OPTYPE
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "two.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "addremove.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=ADDREMOVE
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "notonlist.json"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=NOTON
// RUN: sed -e 's|MODE|allow_mix_precision|' -e 's|CONFIG|modify_mixlist = "blackpool.json", soc = "Ascend310P3"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=BLACKNOF32
// RUN: sed -e 's|MODE|must_keep_origin_dtype|' -e 's|CONFIG|soc = "Ascend310P3"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=MUSTKEEP
// RUN: sed -e 's|MODE|allow_mix_precision_bf16|' -e 's|CONFIG|soc = "Ascend310P3"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=MIXBF16
// RUN: sed -e 's|MODE|allow_fp32_to_bf16|' -e 's|CONFIG|soc = "Ascend310P3"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=TOBF16
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|soc = "Ascend910"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=SOC
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|soc = "Ascend310P3", keep_tensors_dtypes = ["conv"]|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KEEPNOF32
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|keep_tensors_dtypes = ["cnov"]|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KEEPNAME
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|keep_dtype = "k1.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KDTYPE
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|keep_dtype = "k2.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KDNAME
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|keep_dtype = "nofile"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KDFILE
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c1.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST1
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c2.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST2
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c3.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST3
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c4.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST4
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c5.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST5
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c6.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST6
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c7.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST7
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c8.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST8
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c9.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUST9
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c10.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTCOUNT
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c11.cfg", soc = "Ascend310P3"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTSOC
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c12.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTNAME
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c13.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTCOL
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "nofile.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTFILE
// Binary files: where the text stops, never the bytes themselves.
// RUN: printf 'relu\n\001\002junk\n' > k3.cfg
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|keep_dtype = "k3.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=KDBINARY --implicit-check-not=junk
// RUN: printf 'relu::\377\376junk' > c14.cfg
// RUN: sed -e 's|MODE|force_fp16|' -e 's|CONFIG|customize_dtypes = "c14.cfg"|' g.mlir | not geflow-opt --ge-apply-precision 2>&1 | FileCheck %s --check-prefix=CUSTBINARY --implicit-check-not=junk

// NOTMIXED: error: modify_mixlist needs a mixed precision mode (precision_mode allow_mix_precision, allow_mix_precision_fp16 or allow_mix_precision_bf16, or precision_mode_v2 mixed_float16 or mixed_bfloat16); the mode is 'force_fp16'
// NOFILE: error: modify_mixlist: cannot read 'missing.json': {{.*}}
// JSON: error: modify_mixlist: trailing.json:1:38: invalid JSON: Expected object key
// ROOT: error: modify_mixlist: array.json:1:1: expected a JSON object with black-list, white-list or gray-list
// KEY: error: modify_mixlist: key.json:2:3: unknown key 'blacklist' (did you mean 'black-list'?); expected black-list, white-list or gray-list
// LIST: error: modify_mixlist: listarr.json:1:2: 'white-list' must be an object with to-add and/or to-remove
// EDIT: error: modify_mixlist: editkey.json:1:17: unknown key 'to-ad' in 'white-list' (did you mean 'to-add'?); expected to-add or to-remove
// ARRAY: error: modify_mixlist: notarray.json:1:17: 'white-list.to-add' must be an array of op type names
// STRING: error: modify_mixlist: notstring.json:1:29: 'white-list.to-add' must hold only strings (op type names)
// OPTYPE: error: modify_mixlist: unknown.json:1:28: unknown op type 'Rlu' in white-list.to-add (did you mean 'Relu'?); the op-info of soc host has no such op type
// TWO: error: modify_mixlist: two.json:2:28: op 'Relu' is added to both black-list and white-list
// ADDREMOVE: error: modify_mixlist: addremove.json:1:51: op 'Relu' is both added to and removed from white-list
// NOTON: error: modify_mixlist: notonlist.json:1:31: white-list.to-remove names 'Softmax', which is on the black-list, not the white-list
// BLACKNOF32: error: {{.*}}allow_mix_precision: MaxPool 'pool' is on the black list, which keeps float32, but has no float32 implementation on soc Ascend310P3 (its op-info supports float16); take MaxPool off the black list with modify_mixlist
// MUSTKEEP: error: {{.*}}must_keep_origin_dtype: Conv2D 'conv' is float32 but has no float32 implementation on soc Ascend310P3 (its op-info supports float16); must_keep_origin_dtype never lowers precision, choose a mode that may (allow_fp32_to_fp16, force_fp16 or a mixed mode)
// MIXBF16: error: {{.*}}allow_mix_precision_bf16: Conv2D 'conv' has no bfloat16 or float32 implementation on soc Ascend310P3 (its op-info supports float16)
// TOBF16: error: {{.*}}allow_fp32_to_bf16: Conv2D 'conv' has no bfloat16 or float32 implementation on soc Ascend310P3 (its op-info supports float16)
// SOC: error: unknown soc 'Ascend910' (profiles: Ascend310P3, host)
// KEEPNOF32: error: {{.*}}keep_tensors_dtypes keeps Conv2D 'conv' in float32, but soc Ascend310P3 has no float32 implementation of Conv2D (its op-info supports float16)
// KEEPNAME: error: keep_tensors_dtypes names 'cnov' (did you mean 'conv'?), which is no op of graph 'g'; ops folded by earlier passes (e.g. BatchNorm into Conv2D) no longer exist
// KDTYPE: error: keep_dtype: k1.cfg:2:9: unknown op type 'Rleu' (did you mean 'Relu'?); the op-info of soc host has no such op type
// KDNAME: error: keep_dtype (k2.cfg:1) names 'rleu' (did you mean 'relu'?), which is no op of graph 'g'; ops folded by earlier passes (e.g. BatchNorm into Conv2D) no longer exist
// KDFILE: error: keep_dtype: cannot read 'nofile': {{.*}}
// CUST1: error: customize_dtypes: c1.cfg:1:1: expected 'OpName::InputDtype:...,OutputDtype:...' or 'OpType::TypeName:InputDtype:...,OutputDtype:...'
// CUST2: error: customize_dtypes: c2.cfg:1:9: expected 'OpType::TypeName:InputDtype:...'
// CUST3: error: customize_dtypes: c3.cfg:2:9: unknown op type 'Rleu' (did you mean 'Relu'?); the op-info of soc host has no such op type
// CUST4: error: customize_dtypes: c4.cfg:1:1: the op name before '::' is empty
// CUST5: error: customize_dtypes: c5.cfg:1:26: 'InputDtype' appears twice
// CUST6: error: customize_dtypes: c6.cfg:1:7: expected InputDtype: or OutputDtype: before 'float16'
// CUST7: error: customize_dtypes: c7.cfg:1:18: unknown dtype 'foat16' (known: float, float16, bfloat16, int8, uint8, int32, int64, bool)
// CUST8: error: customize_dtypes: c8.cfg:1:1: expected InputDtype: and/or OutputDtype:
// CUST9: error: customize_dtypes: c9.cfg:2:1: op 'relu' is customized twice (first at c9.cfg:1)
// CUSTCOUNT: error: {{.*}}customize_dtypes (c10.cfg:1) gives 3 input dtype(s), but Conv2D 'conv' has 2
// CUSTSOC: error: {{.*}}customize_dtypes (c11.cfg:1): soc Ascend310P3 has no implementation of Conv2D 'conv' with inputs (bfloat16, bfloat16) and outputs (bfloat16) (its op-info supports float16)
// KDBINARY: error: keep_dtype: k3.cfg:2:1: not a text file: byte 5 is 0x01 (a control character or not UTF-8)
// CUSTBINARY: error: customize_dtypes: c14.cfg:1:7: not a text file: byte 6 is 0xFF (a control character or not UTF-8)
// CUSTNAME: error: customize_dtypes (c12.cfg:1) names 'rleu' (did you mean 'relu'?), which is no op of graph 'g'; ops folded by earlier passes (e.g. BatchNorm into Conv2D) no longer exist
// CUSTCOL: error: {{.*}}customize_dtypes (c13.cfg:1): soc host has no implementation of Relu 'relu' with inputs (float16) and outputs (bfloat16) (its op-info supports float32, float16, bfloat16)
// CUSTFILE: error: customize_dtypes: cannot read 'nofile.cfg': {{.*}}

//--- g.mlir
func.func @g(%x: tensor<1x4x8x8xf32> {ge.name = "x"}) -> tensor<1x8x4x4xf32>
    attributes {ge.precision_mode = "MODE", ge.precision_config = {CONFIG}} {
  %w = ge.Const dense<0.25> : tensor<8x4x3x3xf32> loc("w")
  %c = ge.Conv2D %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32> loc("conv")
  %r = ge.Relu %c : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> loc("relu")
  %p = ge.MaxPool %r {ksize = array<i64: 1, 1, 2, 2>, strides = array<i64: 1, 1, 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> loc("pool")
  return %p : tensor<1x8x4x4xf32>
}
//--- trailing.json
{"black-list": {"to-add": ["Relu"]},}
//--- array.json
["Relu"]
//--- key.json
{
  "blacklist": {"to-add": ["Relu"]}
}
//--- listarr.json
{"white-list": ["Relu"]}
//--- editkey.json
{"white-list": {"to-ad": ["Relu"]}}
//--- notarray.json
{"white-list": {"to-add": "Relu"}}
//--- notstring.json
{"white-list": {"to-add": ["Relu", 3]}}
//--- unknown.json
{"white-list": {"to-add": ["Rlu"]}}
//--- two.json
{"white-list": {"to-add": ["Relu"]},
 "black-list": {"to-add": ["Relu"]}}
//--- addremove.json
{"white-list": {"to-add": ["Relu"], "to-remove": ["Relu"]}}
//--- notonlist.json
{"white-list": {"to-remove": ["Softmax"]}}
//--- blackpool.json
{"black-list": {"to-add": ["MaxPool"]}}
//--- k1.cfg
# by type
OpType::Rleu
//--- k2.cfg
rleu
//--- c1.cfg
relu:InputDtype:float16
//--- c2.cfg
OpType::Relu
//--- c3.cfg
# comment
OpType::Rleu:InputDtype:float16
//--- c4.cfg
::InputDtype:float16
//--- c5.cfg
relu::InputDtype:float16,InputDtype:float16
//--- c6.cfg
relu::float16
//--- c7.cfg
relu::InputDtype:foat16
//--- c8.cfg
relu::
//--- c9.cfg
relu::InputDtype:float16
relu::OutputDtype:float16
//--- c10.cfg
conv::InputDtype:float16,float16,float16
//--- c11.cfg
conv::InputDtype:bfloat16,bfloat16,OutputDtype:bfloat16
//--- c12.cfg
rleu::InputDtype:float16
//--- c13.cfg
relu::InputDtype:float16,OutputDtype:bfloat16
