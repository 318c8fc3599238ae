# lit configuration for geflow's FileCheck tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "geflow"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.geflow_obj_root, "test", "lit")

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%geflow_src", config.geflow_src_root))
# The built geflow package (its generated ge_ir_pb2 writes .air test inputs).
config.substitutions.append(("%geflow_python", os.path.join(config.geflow_obj_root, "python")))

tool_dirs = [config.geflow_bin_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["geflow-opt", "geflow-compile", "geflow-run"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.geflow_bin_dir, append_path=True)
