"""Create (or bring up to date) the ledger's tables, and open existing ledgers safely."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from .migrations import apply_shape, migrate
from .schema import TABLES, VIEWS

# The writer's page cache, in KiB (SQLite's default is 2 MB): a group of articles touches
# more pages than that (every index of the claims table), and each one evicted was written
# to the log and read back again. Bounded, so memory stays flat however large the ledger.
CACHE_KIB = 16_384

# sqlite3 looks up an adapter for every bound value that is not an int, float, str or bytes.
# For None the search ends in two failed attribute look-ups on types, each raising (and
# clearing) a formatted AttributeError: ~3k instructions per empty cell, and a claim row has
# several. An adapter registered for None, returning None ({}.get(None)), is found at once
# and binds NULL as before.
sqlite3.register_adapter(type(None), {}.get)


class LedgerError(Exception):
    """A problem to report in one line (no traceback)."""


def ensure_db(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Bring the ledger to the current shape through its migrations (store/migrations.py),
    each recorded in `_sqlite_migrations`; safe to run on every open (nothing pending,
    nothing written).

    New model fields become new columns on an existing ledger, so a schema change never
    needs the ledger rebuilt.
    """
    if not db.conn.in_transaction:
        # Enforced per connection; a claim must point at a stored article and speaker.
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        use_wal(db)
    migrate(db)
    if not up_to_date(db):
        apply_shape(db)  # tables or columns dropped by hand since the migrations ran: put back
    return db


def use_wal(db: sqlite_utils.Database) -> None:
    """Write-ahead logging: readers (Datasette) never block the writer (ingest) nor wait for
    it, and see only committed transactions. WAL is a property of the file, so set once it
    holds for every later connection; synchronous is per connection."""
    if db.memory:
        return
    try:
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError:  # another connection holds it: stays as it is for now
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if mode == "wal":
        # NORMAL in WAL mode syncs at checkpoints, not at each commit. A commit is in the WAL
        # file (the OS's page cache) once COMMIT returns, so a killed process loses nothing
        # committed; only an OS crash or power cut can lose the last commits, and never
        # leaves a torn ledger. In rollback-journal mode NORMAL is weaker: left at FULL there.
        db.execute("PRAGMA synchronous = NORMAL")


def up_to_date(db: sqlite_utils.Database) -> bool:
    """Every table, column, index and view is there (read only: a served, read-only file passes)."""
    return shape_current(db) and indexes_current(db)


def shape_current(db: sqlite_utils.Database) -> bool:
    """Every table, column and view: what a ledger from an older version may lack."""
    tables, views = set(db.table_names()), set(db.view_names())
    if not set(TABLES) <= tables or not set(VIEWS) <= views:
        return False
    return all({c.name for c in db.table(name).columns} >= set(spec.columns) for name, spec in TABLES.items())


def indexes_current(db: sqlite_utils.Database) -> bool:
    """Every index TABLES asks for: a large batch sets the readers' ones aside while it runs,
    and one that was killed leaves them out (store/bulk.py)."""
    return all({tuple(i.columns) for i in db.table(name).indexes} >= {tuple(c) for c in spec.all_indexes}
               for name, spec in TABLES.items() if db.table(name).exists())


def open_ledger(path: str | Path, *, create: bool = False, read_only: bool = False) -> sqlite_utils.Database:
    """A Database for `path`; raises LedgerError (one line) when it is missing or not a ledger.

    Opened for writing, a ledger from an older version is migrated in place. `read_only`
    opens it with mode=ro, as Datasette does: never migrated, never written.
    """
    path = Path(path)
    if path.is_dir():
        raise LedgerError(f"{path}: is a folder, expected a SQLite database file")
    if (read_only or not create) and not path.exists():
        raise LedgerError(f"{path}: no such database (create it with `ledger ingest {path} PATHS`)")
    try:
        if read_only:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            db = sqlite_utils.Database(conn)
        else:
            db = sqlite_utils.Database(path)
        if not create and not db.table("claims").exists():
            raise LedgerError(f"{path}: not a ledger database (no claims table)")
        if not read_only:
            ensure_db(db)  # an older ledger is migrated; an up-to-date one is not written to
    except sqlite3.DatabaseError as e:
        raise LedgerError(f"{path}: {e}") from None
    return db


def checkpoint(path: str | Path) -> None:
    """Move what the write-ahead log holds into the file itself, so that a reader that ignores
    the log (Datasette's immutable mode) sees every committed article. Content is not changed;
    a ledger still being written to is refused (LedgerError)."""
    wal = Path(f"{path}-wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        return
    conn = sqlite3.connect(path, timeout=2)  # waits that long for a writer to finish
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as e:
        raise LedgerError(f"{path}: {e}") from None
    finally:
        conn.close()
    if busy:
        raise LedgerError(f"{path}: is being written to; serve it without --immutable until the ingest ends")
