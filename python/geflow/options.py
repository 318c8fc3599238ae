"""GE options as the compiler's option registry takes them: {name: text}."""
import numbers

from .errors import InvalidArgumentError

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


def options_dict(options=None, soc=None):
    """``options`` (GE names) as the {name: text} map the registry checks;
    ``soc`` is soc_version."""
    out = {}
    for name, value in (options or {}).items():
        out[str(name)] = _option_value(name, value)
    if soc is not None:
        if "soc_version" in out and out["soc_version"] != str(soc):
            raise InvalidArgumentError(
                f"soc={soc!r} contradicts option soc_version={out['soc_version']!r}")
        out["soc_version"] = str(soc)
    return out
