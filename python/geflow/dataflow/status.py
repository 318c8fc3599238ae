"""DataFlow's return codes and its exception, with GE's values.

GE's DataFlow returns codes from ``feed_data`` and ``fetch_data`` and raises
``DfException`` (``error_code``, ``message``) from the graph-building calls.
geflow returns a :class:`Status`: an ``int`` (compare it with 0 or the
constants below as GE code does) that also carries the message.
"""
import logging

from ..errors import Error

__all__ = [
    "SUCCESS", "PARAM_INVALID", "NOT_INIT", "SHAPE_INVALID", "DATATYPE_INVALID",
    "INNER_ERROR", "FAILED", "MODEL_EXECUTE_TIMEOUT", "QUEUE_FULL", "Status",
    "DfException",
]

# GE's DataFlow error codes (DataFlow错误码).
SUCCESS = 0
PARAM_INVALID = 145000
NOT_INIT = 145001
SHAPE_INVALID = 145021
DATATYPE_INVALID = 145022
INNER_ERROR = 545000
FAILED = 0xFFFFFFFF
# What GE's FetchDataFlowGraph returns when nothing arrives within the timeout
# (ACL_ERROR_GE_MODEL_EXECUTE_TIMEOUT), and aclError's queue-full code for a
# feed that finds no room within its timeout (ACL_ERROR_RT_QUEUE_FULL).
MODEL_EXECUTE_TIMEOUT = 545601
QUEUE_FULL = 207014

_NAMES = {
    SUCCESS: "SUCCESS", PARAM_INVALID: "PARAM_INVALID", NOT_INIT: "NOT_INIT",
    SHAPE_INVALID: "SHAPE_INVALID", DATATYPE_INVALID: "DATATYPE_INVALID",
    INNER_ERROR: "INNER_ERROR", FAILED: "FAILED",
    MODEL_EXECUTE_TIMEOUT: "MODEL_EXECUTE_TIMEOUT", QUEUE_FULL: "QUEUE_FULL",
}

log = logging.getLogger("geflow.dataflow")


class Status(int):
    """A DataFlow return code (an ``int``) with its ``message``; ``0`` is
    success. ``name`` is GE's name of the code."""

    def __new__(cls, code=SUCCESS, message=""):
        self = super().__new__(cls, code)
        self.message = message
        return self

    @property
    def name(self):
        return _NAMES.get(int(self), str(int(self)))

    def __repr__(self):
        if self == SUCCESS:
            return "Status(SUCCESS)"
        return f"Status({self.name}, {self.message!r})"

    __str__ = __repr__


def failed(code, message):
    """A failure Status, logged as GE logs the errors its calls return."""
    log.error("%s", message)
    return Status(code, message)


class DfException(Error):
    """GE's DataFlow exception: ``error_code`` (a code above) and
    ``message``; raised by the graph-building calls."""

    def __init__(self, error_code, message):
        super().__init__(message)
        self.error_code = error_code
        self.message = message
