"""export: claims out of the ledger as CSV, JSON or Markdown."""
from .formats import CSV_FIELDS, FORMATS, write_csv, write_json, write_markdown
from .query import select_claims

__all__ = ["CSV_FIELDS", "FORMATS", "select_claims", "write_csv", "write_json", "write_markdown"]
