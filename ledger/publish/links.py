"""Where the ledger's own pages live, and which table cells link to them.

Pages sit under the database: /ledger/-/claim/<id>, /ledger/-/article/<id>,
/ledger/-/speaker/<id>, /ledger/-/cluster/<id>, /ledger/-/search?q=…
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

PAGES = ("claim", "article", "speaker", "cluster")

# A column of these names holds an id of that page's kind, whatever table or query shows it.
ID_COLUMNS = {
    "claim_id": "claim", "first_claim_id": "claim",
    "article_id": "article", "first_article_id": "article",
    "speaker_id": "speaker",
    "cluster_id": "cluster",
}
# Columns that stand for their row in one table: (table, column) → (page, column with the id).
ROW_COLUMNS = {
    ("claims", "id"): ("claim", "id"), ("claims", "content_text"): ("claim", "id"),
    ("claims", "speaker"): ("speaker", "speaker_id"),
    ("articles", "id"): ("article", "id"), ("articles", "title"): ("article", "id"),
    ("speakers", "id"): ("speaker", "id"), ("speakers", "name"): ("speaker", "id"),
    ("claim_clusters", "id"): ("cluster", "id"), ("claim_clusters", "label"): ("cluster", "id"),
    ("article_speakers", "name"): ("speaker", "speaker_id"),
}


def page_path(database_path: str, page: str, id: str) -> str:
    """`database_path` is Datasette's own (datasette.urls.database), so base_url holds."""
    return f"{database_path}/-/{page}/{quote(str(id), safe='')}"


def web_url(url: str | None) -> str | None:
    """An article's URL, if it is one a link may point at (never javascript: or data:)."""
    return url if url and url.strip().lower().startswith(("http://", "https://")) else None


def search_path(database_path: str, q: str | None = None) -> str:
    return f"{database_path}/-/search" + (f"?{urlencode({'q': q})}" if q else "")


def cell_target(table: str | None, column: str) -> tuple[str, str] | None:
    """(page, id column) for a cell that should link to one of the ledger's pages."""
    if (table, column) in ROW_COLUMNS:
        return ROW_COLUMNS[(table, column)]
    if column in ID_COLUMNS:
        return ID_COLUMNS[column], column
    return None
