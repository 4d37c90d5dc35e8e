"""Create (or bring up to date) the ledger's tables, and open existing ledgers safely."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from .schema import FTS_TOKENIZE, TABLES, VIEWS


class LedgerError(Exception):
    """A problem to report in one line (no traceback)."""


def ensure_db(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Create tables, foreign keys, indexes and FTS; safe to run on every open.

    New model fields become new columns on an existing ledger, so a schema change never
    needs the ledger rebuilt.
    """
    # Enforced per connection; a claim must point at a stored article and speaker.
    if not db.conn.in_transaction:
        db.execute("PRAGMA foreign_keys = ON")
    with db.atomic():
        for name, spec in TABLES.items():  # dict order puts referenced tables first
            table = db.table(name)
            columns = {c.name: c.type for c in spec.columns.values()}
            if not table.exists():
                table.create(columns, pk=spec.pk, foreign_keys=spec.foreign_keys,
                             not_null=spec.not_null, column_order=list(columns))
            else:
                have = {c.name for c in table.columns}
                for col, col_type in columns.items():
                    if col not in have:
                        table.add_column(col, col_type)
            for index in spec.indexes:
                table.create_index(index, if_not_exists=True)
        for name, spec in TABLES.items():
            if spec.fts:
                # replace=True is a no-op when the index already matches, and rebuilds it
                # (triggers included) when the FTS columns change.
                db.table(name).enable_fts(spec.fts, create_triggers=True, tokenize=FTS_TOKENIZE,
                                          replace=True)
        for name, sql in VIEWS.items():
            if name in db.table_names():
                db[name].drop()  # ledgers before 0.3 kept speaker_aliases as a table
            db.create_view(name, sql, replace=True)
        db.index_foreign_keys()
    return db


def up_to_date(db: sqlite_utils.Database) -> bool:
    """Every table, column and view is there (read only: a served, read-only file passes)."""
    tables, views = set(db.table_names()), set(db.view_names())
    if not set(TABLES) <= tables or not set(VIEWS) <= views:
        return False
    return all({c.name for c in db.table(name).columns} >= set(spec.columns) for name, spec in TABLES.items())


def open_ledger(path: str | Path, *, create: bool = False) -> sqlite_utils.Database:
    """A Database for `path`; raises LedgerError (one line) when it is missing or not a ledger."""
    path = Path(path)
    if path.is_dir():
        raise LedgerError(f"{path}: is a folder, expected a SQLite database file")
    if not create and not path.exists():
        raise LedgerError(f"{path}: no such database (create it with `ledger ingest {path} PATHS`)")
    try:
        db = sqlite_utils.Database(path)
        if create:
            ensure_db(db)
        elif not db.table("claims").exists():
            raise LedgerError(f"{path}: not a ledger database (no claims table)")
        elif not up_to_date(db):
            ensure_db(db)  # a ledger from an older version gains the tables and columns it lacks
    except sqlite3.DatabaseError as e:
        raise LedgerError(f"{path}: {e}") from None
    return db
