"""ONNX sequence and optional inputs and outputs of an Executable.

geflow compiles sequences and optionals statically (docs/onnx-frontend.md,
"Sequences and optionals"): the program takes each tensor as an input of its
own ("x[0]", "x[1]", ...). run_values passes a sequence as a list of arrays
and an optional holding none as None, and returns sequence outputs as lists.
"""
from .errors import InvalidArgumentError


def _holds_sequence(sig):
    return sig["kind"] == "sequence" or sig["holds_sequence"]


def flatten_inputs(exe, inputs):
    """{input name: array} for Executable.run from {name: array, list of
    arrays (a sequence) or None (an optional holding none)}."""
    flat = dict(inputs)
    for sig in exe.composite_inputs:
        name = sig["name"]
        if name not in flat:
            raise InvalidArgumentError(f"input '{name}' is missing")
        value = flat.pop(name)
        where = f"input '{name}'"
        if value is None:
            if sig["kind"] == "sequence":
                raise InvalidArgumentError(
                    f"{where} is a sequence: give a list of arrays, not None")
            if sig["present"]:
                raise InvalidArgumentError(
                    f"{where} is an optional compiled holding a value "
                    "(input_sequence_shape), but None was given")
            continue
        if sig["kind"] == "optional" and not sig["present"]:
            raise InvalidArgumentError(
                f"{where} is an optional compiled holding none "
                "(input_sequence_shape), but a value was given")
        if not _holds_sequence(sig):
            flat[sig["tensors"][0]] = value
            continue
        if not isinstance(value, (list, tuple)):
            raise InvalidArgumentError(
                f"{where} is a sequence: give a list of arrays")
        if len(value) != len(sig["tensors"]):
            raise InvalidArgumentError(
                f"{where} is a sequence compiled for {len(sig['tensors'])} "
                f"element(s) (input_sequence_shape), but {len(value)} were "
                "given; compile once per length")
        flat.update(zip(sig["tensors"], value))
    return flat


def run_values(exe, inputs):
    """Runs `exe` on {name: value} (arrays, lists for sequences, None for an
    optional holding none) and returns {output name: value} likewise."""
    results = exe.run(flatten_inputs(exe, inputs), as_dict=True)
    for sig in exe.composite_outputs:
        tensors = [results.pop(t) for t in sig["tensors"]]
        if sig["kind"] == "optional" and not sig["present"]:
            value = None
        elif _holds_sequence(sig):
            value = tensors
        else:
            value = tensors[0]
        results[sig["name"]] = value
    return results
