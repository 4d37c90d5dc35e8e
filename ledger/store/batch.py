"""A batch of read documents → the ledger, one article at a time, recorded in ingest_runs.

The extractor is passed in, so the store never depends on how claims are found.
"""
from __future__ import annotations

import gc
import sqlite3
import time
from contextlib import contextmanager
from typing import Callable, Iterable

import sqlite_utils
from pydantic import ValidationError

from ..models import Article, Claim
from ..read import ReadError, one_line
from .bulk import ReadIndexes
from .db import LedgerError
from .ingest import IngestResult, Status, article_status, refresh_speakers, row_status, write_prepared
from .fts import catch_up, defer_fts
from .prepare import Failed, Prepared, Unchanged, prepare
from .runs import RunStats, finish_run, start_run

Extract = Callable[[Article], list[Claim]]

# Articles are committed in groups: one commit per article cost more than writing it. Each
# article still lands whole or not at all (a savepoint), and a group is at most this big/old.
GROUP_ARTICLES = 500
GROUP_SECONDS = 2.0
GC_THRESHOLD = 10_000


class Group:
    """The open transaction of a batch: articles written under savepoints, committed together,
    with their full-text index entries added in one go before the commit (store/fts.py)."""

    def __init__(self, db: sqlite_utils.Database, on_commit: Callable[[], None] = lambda: None):
        self.on_commit = on_commit  # bookkeeping that must land with the articles it counts
        self.db, self.started, self.touched, self.written, self.deferred = db, 0.0, set(), [], []

    def write(self, prepared: Prepared, status: Status) -> None:
        conn = self.db.conn
        if not conn.in_transaction:
            # Each article's savepoint keeps the pages it changes as they were, to roll back
            # to: in memory (one article's pages, dropped at its RELEASE) rather than written
            # to a temporary file, which cost a system call per page. Set outside the group's
            # transaction (SQLite refuses it inside), undone at its commit.
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("BEGIN")
            self.started = time.monotonic()
            self.deferred = defer_fts(conn)
        conn.execute("SAVEPOINT article")
        try:
            touched = write_prepared(self.db, prepared, status)
        except BaseException:
            if conn.in_transaction:  # an error such as a full disk may have ended it already
                conn.execute("ROLLBACK TO article")
                conn.execute("RELEASE article")
            raise
        conn.execute("RELEASE article")
        self.touched |= touched
        self.written.append(prepared.article["id"])

    def due(self) -> bool:
        return len(self.written) >= GROUP_ARTICLES or time.monotonic() - self.started >= GROUP_SECONDS

    def commit(self) -> None:
        if self.db.conn.in_transaction:
            refresh_speakers(self.db, self.touched)
            catch_up(self.db.conn, self.deferred, self.written)
            self.on_commit()
            self.db.conn.execute("COMMIT")
            self.db.conn.execute("PRAGMA temp_store = DEFAULT")
        self.touched, self.written, self.deferred = set(), [], []


@contextmanager
def fewer_collections(threshold: int = GC_THRESHOLD):
    """Python's cycle collector runs a young-generation pass every 700 net new objects; a batch
    makes millions (tokens' lists, claims, rows), few of them in cycles, and those passes were
    3% of an ingest. Every GC_THRESHOLD instead, for the batch only (forked workers inherit it)."""
    old = gc.get_threshold()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


@fewer_collections()
def ingest_batch(db: sqlite_utils.Database, items: Iterable[Article | ReadError | Prepared | Unchanged | Failed],
                 *, extract: Extract, extractor: str, paths=(), model: str | None = None,
                 on_error: Callable[[str], None] = lambda line: None) -> RunStats:
    """Every article lands or is reported with one line; none can cost the rest of the batch.

    Items are articles to extract here, or what was done elsewhere: rows prepared by worker
    processes or read from claim shards, and the workers' verdicts (unchanged, failed)."""
    stats = RunStats()
    run_id = start_run(db, paths, extractor=extractor, model=model)
    seen: dict[str, str] = {}  # article id → where it was first read in this batch

    def fail(line: str) -> None:
        stats.errors.append(line)
        on_error(line)

    finished = False
    # the run's row counts what each commit wrote, so a killed run still says what it left
    group = Group(db, on_commit=lambda: finish_run(db, run_id, stats, finished=False))
    read_indexes = ReadIndexes(db)  # set aside once the batch is large (store/bulk.py)
    try:
        for item in items:
            stats.read += 1
            if isinstance(item, ReadError):
                fail(str(item))
                continue
            id, path = _identity(item)
            where = f"{path or '<input>'}: article '{id}'"
            if id in seen:
                # A second document with the same id would silently replace the first.
                fail(f"{where}: duplicate id, already read from {seen[id]}")
                continue
            seen[id] = path or "<input>"
            if isinstance(item, Unchanged):  # a worker found it stored as it is
                stats.unchanged += 1
                continue
            if isinstance(item, Failed):
                fail(f"{where}: {one_line(item.error)}")
                continue
            ready = isinstance(item, Prepared)  # extracted elsewhere: a worker or a claim shard
            # Check before extracting: extraction is the slow part.
            status = row_status(db, item.article, item.extractor) if ready else article_status(db, item, extractor)
            if status == "unchanged":
                stats.unchanged += 1
                continue
            if not ready:
                try:
                    claims = extract(item)
                except Exception as e:  # one article's extraction bug must not stop the batch
                    fail(f"{where}: extraction failed: {type(e).__name__}: {one_line(e)}")
                    continue
            try:
                prepared = item if ready else prepare(item, claims, extractor)
                group.write(prepared, status)
                stats.add(IngestResult(id, status, len(prepared.claims)))
                if group.due():
                    group.commit()
            except (LedgerError, ValidationError, sqlite3.Error, ValueError) as e:
                fail(f"{where}: not stored: {one_line(e)}")
            read_indexes.grown(stats.claims_written)  # between articles
        finished = True
    finally:
        group.commit()  # what was written whole is kept, even when the run is cut short
        # Each article lands whole or not at all, so an interrupted run leaves a consistent
        # ledger; its row says it did not finish.
        finish_run(db, run_id, stats, finished=finished)
        read_indexes.restore()
    return stats


def _identity(item) -> tuple[str, str | None]:
    if isinstance(item, Prepared):
        return item.article["id"], item.article.get("path")
    if isinstance(item, Failed):
        return item.article.id, item.article.path
    return item.id, item.path
