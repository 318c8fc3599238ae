func.func @padded(%x: tensor<?x4xf32> {ge.name = "x"}) -> tensor<?x4xf32> {
  %p = ge.Pad %x {paddings = array<i64: 1, 1, 0, 0>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %p : tensor<?x4xf32>
}
