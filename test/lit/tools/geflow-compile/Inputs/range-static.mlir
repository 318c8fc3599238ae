func.func @fixed(%x: tensor<2x4xf32> {ge.name = "x"}) -> tensor<2x4xf32> {
  %r = ge.Relu %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
