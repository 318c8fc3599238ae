"""geflow.load_library: a generated model library as an Executable.

geflow-compile --emit=lib (or Executable.export_library) writes lib<name>.so
holding the .gfm executable in a read-only section; load_library loads that
executable (through <name>_executable, one of the library's documented
functions) and returns the same Executable a .gfm gives: inputs, outputs,
gears, run, run_async.
"""
import ctypes
import os

from ._geflow import load
from .errors import InvalidArgumentError, NotFoundError

__all__ = ["load_library"]


def _library_name(path):
    base = os.path.basename(path)
    stem = base.split(".so")[0] if ".so" in base else os.path.splitext(base)[0]
    return stem[3:] if stem.startswith("lib") and len(stem) > 3 else stem


def load_library(path, device_id=0, name=None):
    """Loads the model of the generated library at `path` (lib<name>.so) on
    device `device_id`. `name` is the library's C prefix when the file was
    renamed (default: from the file name)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise NotFoundError(f"load_library: '{path}' does not exist")
    name = name or _library_name(path)
    try:
        lib = ctypes.CDLL(os.path.abspath(path), mode=os.RTLD_LOCAL)
    except OSError as e:
        raise InvalidArgumentError(f"load_library: cannot load '{path}': {e}") from None
    try:
        fn = getattr(lib, name + "_executable")
    except AttributeError:
        raise InvalidArgumentError(
            f"load_library: '{path}' is not a geflow model library named '{name}' "
            f"(no {name}_executable; pass name= if the file was renamed)") from None
    fn.restype = ctypes.c_void_p
    fn.argtypes = [ctypes.POINTER(ctypes.c_size_t)]
    size = ctypes.c_size_t()
    address = fn(ctypes.byref(size))
    return load(ctypes.string_at(address, size.value), device_id)
