"""GE options as the compiler's option registry takes them: {name: text}."""
import numbers
import reprlib
from collections.abc import Mapping

from .errors import ArgumentTypeError, InvalidArgumentError

__all__ = ["options_dict"]


def _dim(name, d):
    """``d`` as an integer's text; a float must be integral (1.5 is not a
    batch size or a dim, and int() would silently truncate it)."""
    if isinstance(d, bool) or not isinstance(d, numbers.Real):
        raise InvalidArgumentError(
            f"option '{name}' has the element {d!r} of type {type(d).__name__}; "
            "expected integers")
    if not isinstance(d, numbers.Integral) and not float(d).is_integer():
        raise InvalidArgumentError(
            f"option '{name}' has the non-integral value {d!r}; expected integers")
    return str(int(d))


def _option_value(name, value):
    """An option value as the registry's text: bools as true/false, lists as
    "1,2,4", lists of lists as "1,224;8,448", dicts (input_shape) as
    "x:1,3,224,224;y:1,8"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, dict):
        return ";".join(f"{k}:{','.join(_dim(name, d) for d in v)}"
                        for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (list, tuple)) for v in value):
            return ";".join(",".join(_dim(name, d) for d in v) for v in value)
        return ",".join(_dim(name, v) for v in value)
    raise InvalidArgumentError(
        f"option '{name}' has a value of type {type(value).__name__}; use a str, "
        "int, bool, list of ints or (input_shape) a dict of shapes")


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = 8


def _short(value):
    """A bounded repr for messages (values may be huge)."""
    return _REPR.repr(value)


def _shape_dim(input_name, index, d):
    """Dim ``index`` of ``input_name`` in input_shape, checked: an integer
    (an integral float is one) that is positive or -1 (dynamic)."""
    where = f"option 'input_shape' gives input '{input_name}'"
    if isinstance(d, bool) or not isinstance(d, numbers.Real):
        raise InvalidArgumentError(
            f"{where} the dim {_short(d)} of type {type(d).__name__} at index {index}; "
            "dims are integers (-1 for a dynamic dim)")
    if not isinstance(d, numbers.Integral) and not float(d).is_integer():
        raise InvalidArgumentError(
            f"{where} the non-integral value {d!r} at index {index}; dims are integers")
    d = int(d)
    if d < -1 or d == 0:
        raise InvalidArgumentError(
            f"{where} the dim {d} at index {index}; dims are positive, or -1 for a "
            "dynamic dim")
    return str(d)


def _input_shape_value(value):
    """input_shape as the registry's text: GE's "x:1,3,224,224;y:1,8" as it
    is, or a dict {input name: shape} checked dim by dim."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(
            f"option 'input_shape' takes a dict {{input name: shape}} or GE's text "
            f"\"x:1,3,224,224;y:1,8\"; got {type(value).__name__} {_short(value)}")
    entries = []
    for input_name, shape in value.items():
        if not isinstance(input_name, str):
            raise ArgumentTypeError(
                f"option 'input_shape' has the key {_short(input_name)} of type "
                f"{type(input_name).__name__}; keys are input names")
        if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
            raise ArgumentTypeError(
                f"option 'input_shape' gives input '{input_name}' the shape "
                f"{_short(shape)} of type {type(shape).__name__}; a shape is a list of "
                "ints such as [1, 3, 224, 224]")
        dims = [_shape_dim(input_name, i, d) for i, d in enumerate(shape)]
        entries.append(f"{input_name}:{','.join(dims)}")
    return ";".join(entries)


def options_dict(options=None, soc=None):
    """``options`` (GE names) as the {name: text} map the registry checks;
    ``soc`` is soc_version."""
    if isinstance(options, str):
        name, _, value = options.partition("=")
        hint = (f" (write options={{{name.strip()!r}: {value.strip()!r}}})"
                if name.strip() and value.strip() and "," not in options else "")
        raise ArgumentTypeError(
            f"options must be a dict {{GE option name: value}}, got the str "
            f"{_short(options)}{hint}")
    if options is not None and not isinstance(options, Mapping):
        raise ArgumentTypeError(
            "options must be a dict {GE option name: value}, got "
            f"{type(options).__name__} {_short(options)}")
    out = {}
    for name, value in (options or {}).items():
        if str(name) == "input_shape":
            out["input_shape"] = _input_shape_value(value)
        else:
            out[str(name)] = _option_value(name, value)
    if soc is not None:
        if "soc_version" in out and out["soc_version"] != str(soc):
            raise InvalidArgumentError(
                f"soc={soc!r} contradicts option soc_version={out['soc_version']!r}")
        out["soc_version"] = str(soc)
    return out
