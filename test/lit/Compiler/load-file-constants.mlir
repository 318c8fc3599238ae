// The weights of ge.FileConstant are read from the model directory
// (ge.model_dir) into ge.Const; errors name the op and the file.
// RUN: rm -rf %t && mkdir -p %t/weights
// RUN: %python -c "import struct,sys; open(sys.argv[1],'wb').write(b'pad!' + struct.pack('<3f', 1.5, -2.0, 4.25))" %t/weights/w.bin
// RUN: sed 's|MODEL_DIR|%t|' %s > %t/m.mlir
// RUN: geflow-opt %t/m.mlir -split-input-file -ge-load-file-constants -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @load
// CHECK-NOT: ge.FileConstant
// CHECK: ge.Const dense<[1.500000e+00, -2.000000e+00, 4.250000e+00]> : tensor<3xf32>
module attributes {ge.model_dir = "MODEL_DIR"} {
func.func @load() -> tensor<3xf32> {
  %0 = ge.FileConstant {file_path = "weights/w.bin", offset = 4, length = 12, shape = array<i64: 3>, dtype = f32} : tensor<3xf32>
  return %0 : tensor<3xf32>
}
}

// -----

module attributes {ge.model_dir = "MODEL_DIR"} {
func.func @short() -> tensor<4xf32> {
  // expected-error @+1 {{'ge.FileConstant' op weight file 'weights/w.bin' has 16 bytes; 'tensor<4xf32>' needs 16 bytes at offset 4}}
  %0 = ge.FileConstant {file_path = "weights/w.bin", offset = 4, length = 16, shape = array<i64: 4>, dtype = f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
}

// -----

module attributes {ge.model_dir = "MODEL_DIR"} {
func.func @missing() -> tensor<2xf32> {
  // expected-error @+1 {{cannot open weight file 'weights/none.bin': No such file or directory}}
  %0 = ge.FileConstant {file_path = "weights/none.bin", shape = array<i64: 2>, dtype = f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}
}

// -----

// An in-memory graph has no model directory.
func.func @no_dir() -> tensor<2xf32> {
  // expected-error @+1 {{external weights need the model's directory; compile the model from its file}}
  %0 = ge.FileConstant {file_path = "weights/w.bin", shape = array<i64: 2>, dtype = f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}
