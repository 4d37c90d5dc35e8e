"""`ledger extract-shards`: input files → claim shards, on dask (registered by ledger.cli)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..extract import ModelNotFound
from .dask_map import LOCAL_SCHEDULERS, DaskMissing, extract_shards


@click.command("extract-shards")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the claim shards (<input stem>.claims.jsonl) to")
@click.option("--scheduler", type=click.Choice(LOCAL_SCHEDULERS), default="processes", show_default=True,
              help="dask's local scheduler (ignored with --scheduler-address)")
@click.option("--workers", "num_workers", type=click.IntRange(min=1), default=None,
              help="Local processes or threads [default: one per CPU]")
@click.option("--model", default=None, help="An installed spaCy pipeline to use as the base")
@click.option("--scheduler-address", default=None, metavar="HOST:PORT",
              help="A dask.distributed scheduler to run on instead (needs `distributed`)")
def extract_shards_command(inputs, out_dir, scheduler, num_workers, model, scheduler_address):
    """Extract the articles of INPUTS (files, or folders of them) into one claim shard per
    file, in parallel on dask; `ledger ingest` then merges the shards."""
    started = time.perf_counter()
    client = _client(scheduler_address) if scheduler_address else None
    try:
        results = extract_shards(list(inputs), out_dir, model=model, scheduler=client or scheduler,
                                 num_workers=num_workers)
    except (DaskMissing, ModelNotFound, ValueError, OSError) as e:
        # from a worker process dask appends the remote traceback to the message
        raise click.ClickException(str(e).splitlines()[0] if str(e) else type(e).__name__)
    finally:
        if client is not None:
            client.close()
    articles = claims = errors = 0
    for r in results:
        click.echo(f"{r.in_path} → {r.out_path}: {r.articles} articles, {r.claims} claims, "
                   f"{len(r.errors)} errors")
        for line in r.errors:
            click.echo(f"error: {line}", err=True)
        articles, claims, errors = articles + r.articles, claims + r.claims, errors + len(r.errors)
    click.echo(f"total: {len(results)} shards, {articles} articles, {claims} claims, {errors} errors "
               f"in {time.perf_counter() - started:.1f}s")
    if errors:
        sys.exit(1)


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise click.ClickException(str(DaskMissing(
            "dask.distributed (for --scheduler-address)", "pip install 'dask[distributed]'"))) from None
    try:
        return Client(address)
    except OSError as e:
        raise click.ClickException(f"cannot reach the dask scheduler at {address}: {e}")
