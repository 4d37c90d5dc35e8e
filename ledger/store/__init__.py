"""store: the SQLite ledger — its shape (as data, from the models) and how articles get in."""
from .db import LedgerError, ensure_db, open_ledger
from .ingest import IngestResult, article_status, ingest_article, refresh_speakers
from .prepare import check_claims
from .runs import RunStats, finish_run, start_run
from .schema import TABLES, Column, TableSpec, from_row, to_row

__all__ = ["TABLES", "Column", "IngestResult", "LedgerError", "RunStats", "TableSpec",
           "article_status", "check_claims", "ensure_db", "finish_run", "from_row",
           "ingest_article", "open_ledger", "refresh_speakers", "start_run", "to_row"]
from .batch import ingest_batch  # noqa: E402  (after the modules it builds on)

__all__ += ["ingest_batch"]
