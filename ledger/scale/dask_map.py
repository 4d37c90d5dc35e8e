"""Claim shards on dask: one task per input file, each writing its own shard.

`scheduler` is one of dask's local schedulers ("synchronous", "threads", "processes") or a
`distributed.Client` (anything with `.get`); on a cluster every worker needs `ledger`
installed and must see the input and output paths (a shared filesystem).
"""
from __future__ import annotations

from pathlib import Path

from ..read.files import MANIFEST, SUFFIXES
from .shards import ShardResult, extract_shard, shard_name

LOCAL_SCHEDULERS = ("synchronous", "threads", "processes")


class DaskMissing(RuntimeError):
    """dask (or distributed) is an optional extra; the message says how to install it."""

    def __init__(self, what: str = "dask", how: str = "install the dask extra: pip install 'ledger[dask]'"):
        super().__init__(f"{what} is not installed: {how}")


def input_files(inputs: list[Path]) -> list[Path]:
    """Files as given, folders as the article files under them: each becomes one shard."""
    files: list[Path] = []
    for path in map(Path, inputs):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                                and p.name != MANIFEST))
        else:
            files.append(path)
    return files


def shard_plan(inputs: list[Path], out_dir: Path) -> list[tuple[Path, Path]]:
    """(input, shard) pairs; two inputs that would write the same shard are refused, not merged."""
    plan: dict[Path, Path] = {}
    for path in input_files(inputs):
        out = Path(out_dir) / shard_name(path)
        if out in plan:
            raise ValueError(f"{plan[out]} and {path} would both write {out}; rename one")
        plan[out] = path
    return [(src, out) for out, src in plan.items()]


def extract_shards(inputs: list[Path], out_dir: Path, *, model: str | None = None,
                   scheduler="processes", num_workers: int | None = None) -> list[ShardResult]:
    """Extract every input file into its shard under `out_dir`, in parallel; results in input order."""
    try:
        import dask
    except ImportError:
        raise DaskMissing() from None
    if isinstance(scheduler, str) and scheduler not in LOCAL_SCHEDULERS:
        raise ValueError(f"scheduler must be one of {', '.join(LOCAL_SCHEDULERS)} or a distributed.Client")
    plan = shard_plan(inputs, out_dir)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    # pure=False: a rerun must extract again, not reuse a cached result keyed on the arguments
    tasks = [dask.delayed(extract_shard, pure=False)(str(src), str(out), model) for src, out in plan]
    options = {"scheduler": scheduler}
    if isinstance(scheduler, str) and num_workers:
        options["num_workers"] = num_workers  # a Client has its own workers
    if scheduler == "processes":
        # dask hands a process up to 6 ready tasks at once; shards are few and long, one each
        options["chunksize"] = 1
    return list(dask.compute(*tasks, **options))
