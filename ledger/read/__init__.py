"""read: article files (.txt, .json, .jsonl, folders of them) → `Article` models.

`iter_articles` yields an `Article` or a `ReadError` per document, so one bad file never
costs the rest of a batch.
"""
from .errors import ReadError, one_line
from .files import iter_articles, read_path

__all__ = ["ReadError", "iter_articles", "one_line", "read_path"]
