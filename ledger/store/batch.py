"""A batch of read documents → the ledger, one article at a time, recorded in ingest_runs.

The extractor is passed in, so the store never depends on how claims are found.
"""
from __future__ import annotations

import sqlite3
from typing import Callable, Iterable

import sqlite_utils
from pydantic import ValidationError

from ..models import Article, Claim
from ..read import ReadError
from .db import LedgerError
from .ingest import article_status, ingest_article
from .runs import RunStats, finish_run, start_run

Extract = Callable[[Article], list[Claim]]


def ingest_batch(db: sqlite_utils.Database, items: Iterable[Article | ReadError], *, extract: Extract,
                 extractor: str, paths=(), model: str | None = None,
                 on_error: Callable[[str], None] = lambda line: None) -> RunStats:
    """Every article lands or is reported with one line; none can cost the rest of the batch."""
    stats = RunStats()
    run_id = start_run(db, paths, extractor=extractor, model=model)
    seen: dict[str, str] = {}  # article id → where it was first read in this batch

    def fail(line: str) -> None:
        stats.errors.append(line)
        on_error(line)

    finished = False
    try:
        for item in items:
            stats.read += 1
            if isinstance(item, ReadError):
                fail(str(item))
                continue
            where = f"{item.path or '<input>'}: article '{item.id}'"
            if item.id in seen:
                # A second document with the same id would silently replace the first.
                fail(f"{where}: duplicate id, already read from {seen[item.id]}")
                continue
            seen[item.id] = item.path or "<input>"
            # Check before extracting: extraction is the slow part.
            if article_status(db, item, extractor) == "unchanged":
                stats.unchanged += 1
                continue
            try:
                claims = extract(item)
            except Exception as e:  # one article's extraction bug must not stop the batch
                fail(f"{where}: extraction failed: {type(e).__name__}: {_one_line(e)}")
                continue
            try:
                stats.add(ingest_article(db, item, claims, extractor=extractor))
            except (LedgerError, ValidationError, sqlite3.Error, ValueError) as e:
                fail(f"{where}: not stored: {_one_line(e)}")
        finished = True
    finally:
        # Per-article commits mean an interrupted run leaves a consistent ledger; say so.
        finish_run(db, run_id, stats, finished=finished)
    return stats


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:300] or type(e).__name__
