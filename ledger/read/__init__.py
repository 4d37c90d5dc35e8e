"""read: article files (.txt, .json, .jsonl, folders of them) → `Article` models.

`iter_articles` yields an `Article` or a `ReadError` per document, so one bad file never
costs the rest of a batch.
"""
from .errors import ReadError
from .files import iter_articles, read_path

__all__ = ["ReadError", "iter_articles", "read_path"]
