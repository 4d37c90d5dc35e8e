"""A large batch builds the readers' indexes once, at its end, instead of row by row.

Each claim costs an entry in every index on the claims table, and the indexes that only the
published pages read (TableSpec.read_indexes: facets, sorting by date) cost about a fifth of
a batch's write time, rebuilding them once at the end included (benchmarks/throughput.py). Once a batch has written as many claims as the ledger held when it began (and
at least BULK_MIN_CLAIMS), it drops them, and builds them again when it ends: rebuilding
then costs at most about what the batch has already written, so it never dominates, and a
small batch into a large ledger never drops anything. The indexes the ingest itself reads
(an article's claims, a speaker's counts) and every unique index stay throughout.

They are dropped between two articles, inside the open group's transaction, so the drop
lands with that group's commit. A batch killed after that leaves the ledger without those
indexes: every answer is the same, only slower, and the next command that opens it for
writing builds them again (db.up_to_date sees they are missing).
"""
from __future__ import annotations

import sqlite_utils

from .schema import TABLES

BULK_MIN_CLAIMS = 2_000


def read_index_names(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(table, index name) of the readers' indexes the ledger has now."""
    out = []
    for name, spec in TABLES.items():
        wanted = {tuple(cols) for cols in spec.read_indexes}
        if wanted and db.table(name).exists():
            out += [(name, i.name) for i in db.table(name).indexes if tuple(i.columns) in wanted and not i.unique]
    return out


def build_read_indexes(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        for cols in spec.read_indexes:
            db.table(name).create_index(cols, if_not_exists=True)


class ReadIndexes:
    """Set aside the readers' indexes once a batch is large against the ledger (`grown`,
    between articles); `restore` builds them again."""

    def __init__(self, db: sqlite_utils.Database):
        self.db, self.dropped = db, False
        held = db.execute("select count(*) from claims").fetchone()[0] if db.table("claims").exists() else 0
        self.threshold = max(held, BULK_MIN_CLAIMS)

    def grown(self, written_claims: int) -> None:
        if self.dropped or written_claims < self.threshold:
            return
        with self.db.atomic():
            for _, index in read_index_names(self.db):
                self.db.execute(f"drop index [{index}]")
        self.dropped = True

    def restore(self) -> None:
        if self.dropped:
            with self.db.atomic():
                build_read_indexes(self.db)
            self.dropped = False
