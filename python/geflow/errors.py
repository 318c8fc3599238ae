"""Exceptions raised by geflow.

Every error from the compiler or the runtime is a :class:`Error` (a
``RuntimeError``) carrying the full message: for compile errors, every
diagnostic with its location. Subclasses also derive from the matching
built-in exception, so ``except ValueError`` catches bad options, bad inputs
and malformed models.

The extension module raises them by status code (``Error.code`` holds the
runtime's numeric code, the same values the C API returns).
"""

__all__ = [
    "Error", "InvalidArgumentError", "CompileError", "NotFoundError",
    "UnsupportedError", "OutOfMemoryError", "CorruptFileError", "FileError",
    "TaskFailedError", "ArgumentTypeError",
]


class Error(RuntimeError):
    """Base class of every geflow error; ``code`` is the runtime error code."""

    code = 0


class InvalidArgumentError(Error, ValueError):
    """A bad option name or value, input, shape, dtype or graph."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (``run(None)``, a string ``options``,
    a model that is neither a path nor bytes, ...); also a TypeError."""


class CompileError(InvalidArgumentError):
    """The model could not be imported or compiled (message: diagnostics)."""


class NotFoundError(Error, LookupError):
    """An unknown graph id, input name, ..."""


class UnsupportedError(Error, NotImplementedError):
    """Valid, but not supported by geflow (yet)."""


class OutOfMemoryError(Error, MemoryError):
    """The virtual device ran out of memory."""


class CorruptFileError(Error, ValueError):
    """A .gfm file or buffer failed validation."""


class FileError(Error, OSError):
    """A file could not be read or written."""


class TaskFailedError(Error):
    """A task (kernel, copy, callback) failed while running on a stream."""
