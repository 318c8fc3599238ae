"""Ranks and communication groups for collectives (GE's HCCL on Open MPI).

Run a script under ``mpirun -np N python3 script.py``: every process is one
rank. :func:`init` sets the ranks up (MPI, arranged by GE's ``RANK_ID``,
``RANK_SIZE`` and rank table); :func:`rank` and :func:`size` call it on
first use. Without a launcher the process is rank 0 of 1 and collectives
are copies. See docs/distributed.md.
"""
from . import _geflow

__all__ = ["init", "rank", "size", "local_rank", "local_size", "backend",
           "create_group", "group_ranks", "WORLD_GROUP", "mpi_available"]

#: GE's default group: every rank.
WORLD_GROUP = "hccl_world_group"

_info = None


def init(options=None):
    """Sets up this process's rank once; returns it as a dict (rank, size,
    local_rank, local_size, backend). ``options`` are GE options:
    ``hccl_timeout`` (seconds a collective waits for the other ranks),
    ``rank_table_file``, ``local_rank_id``. Later calls return the first
    result (options included)."""
    global _info
    if _info is None:
        raw = {str(k): str(v).lower() if isinstance(v, bool) else str(v)
               for k, v in (options or {}).items()}
        _info = _geflow._init_distributed(raw)
    return dict(_info)


def rank():
    """This process's rank (GE's get_rank_id)."""
    return init()["rank"]


def size():
    """The number of ranks (GE's get_rank_size)."""
    return init()["size"]


def local_rank():
    """This process's rank on its server (GE's get_local_rank_id)."""
    return init()["local_rank"]


def local_size():
    """The number of ranks on this server (GE's get_local_rank_size)."""
    return init()["local_size"]


def backend():
    """"mpi" under an MPI launcher, "single" otherwise."""
    return init()["backend"]


def create_group(name, ranks):
    """Creates communication group ``name`` of the given world ranks (GE's
    create_group / HcomCreateGroup). Every rank calls it with the same
    arguments; models using the group must be loaded after it."""
    init()
    _geflow._create_group(str(name), [int(r) for r in ranks])


def group_ranks(name=WORLD_GROUP):
    """The world ranks of group ``name`` in group-rank order (this rank must
    be a member)."""
    init()
    return list(_geflow._group_ranks(str(name)))


def mpi_available():
    """Whether this geflow was built with Open MPI."""
    return bool(_geflow._mpi_built())
