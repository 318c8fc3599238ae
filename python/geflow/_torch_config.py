"""geflow.torch's ``config`` argument: TorchAir's CompilerConfig, the part
an export reads.

    config = geflow.torch.CompilerConfig()
    config.export.experimental.auto_atc_config_generated = True
    config.export.experimental.enable_record_nn_module_stack = True

As in TorchAir, setting an option that does not exist, or a value outside
its allowed ones, raises at once (InvalidArgumentError, naming the options
that do exist). A dict of dotted names is accepted too:
``{"export.experimental.auto_atc_config_generated": True}``. geflow
extensions: ``export.rank`` and ``export.world_size`` give the multi-rank
layout without an initialized process group. See docs/air.md.
"""
from .errors import ArgumentTypeError, InvalidArgumentError, UnsupportedError

__all__ = ["CompilerConfig"]


def _is_bool(v):
    return isinstance(v, bool)


def _is_rank(v):
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)


def _is_world(v):
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1)


class _OptionGroup:
    """Named options with allowed values; any other name is refused."""

    _options = {}  # name -> (default, check, what it accepts)
    _groups = {}   # name -> option group class

    def __init__(self):
        for name, (default, _, _) in self._options.items():
            object.__setattr__(self, name, default)
        for name, cls in self._groups.items():
            object.__setattr__(self, name, cls())

    def _names(self):
        return sorted(list(self._options) + list(self._groups))

    def __setattr__(self, key, value):
        if key in self._groups:
            raise InvalidArgumentError(f"{type(self).__name__}.{key} is an option group; "
                                       f"set its options ({key}.<name>)")
        if key not in self._options:
            raise InvalidArgumentError(f"{type(self).__name__} has no option {key!r}; "
                                       f"options: {self._names()}")
        _, check, accepts = self._options[key]
        if not check(value):
            raise InvalidArgumentError(f"{type(self).__name__}.{key} must be {accepts}, "
                                       f"got {value!r}")
        object.__setattr__(self, key, value)


class ExperimentalExportConfig(_OptionGroup):
    """``config.export.experimental`` (TorchAir's names)."""

    _options = {
        # ATC json templates for the multi-rank export (rank 0 writes them).
        "auto_atc_config_generated": (False, _is_bool, "True or False"),
        # Each op's nn_module_stack (its module path) as a node attribute.
        "enable_record_nn_module_stack": (False, _is_bool, "True or False"),
        # TorchAir's weight-less export for a later-loaded checkpoint:
        # refused at export if True (geflow always writes the weights).
        "enable_lite_export": (False, _is_bool, "True or False"),
    }


class ExportConfig(_OptionGroup):
    """``config.export``: ``experimental`` and geflow's ``rank`` /
    ``world_size`` (the multi-rank layout without a process group)."""

    _options = {
        "rank": (None, _is_rank, "None or an int >= 0"),
        "world_size": (None, _is_world, "None or an int >= 1"),
    }
    _groups = {"experimental": ExperimentalExportConfig}


class CompilerConfig(_OptionGroup):
    """TorchAir's ``CompilerConfig``, as far as an export reads it:
    ``export``. Other TorchAir groups (``debug``, ``aoe_config``, ...) tune
    NPU compiles and are not options here."""

    _groups = {"export": ExportConfig}


def resolve_config(config):
    """``config`` (None, a CompilerConfig or a dict of dotted names) as a
    CompilerConfig, every name and value checked."""
    if config is None:
        return CompilerConfig()
    if isinstance(config, CompilerConfig):
        out = config
    elif isinstance(config, dict):
        out = CompilerConfig()
        for dotted, value in config.items():
            if not isinstance(dotted, str) or not dotted:
                raise InvalidArgumentError(f"config key {dotted!r} is not a dotted option name")
            *path, last = dotted.split(".")
            target = out
            for part in path:
                if part not in getattr(target, "_groups", {}):
                    raise InvalidArgumentError(
                        f"config key {dotted!r}: {type(target).__name__} has no option "
                        f"group {part!r}; options: {target._names()}")
                target = getattr(target, part)
            setattr(target, last, value)
    else:
        raise ArgumentTypeError("config must be None, a geflow.torch.CompilerConfig or a dict "
                                f"of dotted option names, got {type(config).__name__}")
    if out.export.experimental.enable_lite_export:
        raise UnsupportedError("config.export.experimental.enable_lite_export: geflow always "
                               "writes the weights with the graph")
    if (out.export.rank is None) != (out.export.world_size is None):
        raise InvalidArgumentError("config.export.rank and config.export.world_size go "
                                   "together (or leave both unset to use the process group)")
    if out.export.rank is not None and out.export.rank >= out.export.world_size:
        raise InvalidArgumentError(f"config.export.rank {out.export.rank} is not below "
                                   f"world_size {out.export.world_size}")
    return out
