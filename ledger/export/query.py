"""Which claims an export holds: all of them, or those of a speaker, an article, a search."""
from __future__ import annotations

from typing import Iterator

import sqlite_utils
from datasette.utils import escape_fts

from ..store.queries import CLAIMS_WITH_ARTICLE, READING_ORDER, SEARCH_MATCH, SPEAKER_MATCH


def select_claims(db: sqlite_utils.Database, *, speaker: str | None = None, article: str | None = None,
                  search: str | None = None, whole_clusters: bool = False) -> Iterator[dict]:
    """Claim rows (with article_title, article_url and cluster columns) in reading order.
    With `whole_clusters`, the filters pick clusters and every member of them comes back
    (a cluster shown without its first appearance would mislead)."""
    # The same function Datasette registers, so `--search` and the search_claims canned
    # query agree on what a term matches.
    db.conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    where, params = [], {}
    if speaker:
        where.append(SPEAKER_MATCH)
        params["speaker"] = speaker
    if article:
        where.append("claims.article_id = :article")
        params["article"] = article
    if search:
        where.append(SEARCH_MATCH)
        params["q"] = search
    condition = " and ".join(where) if where else "1"
    if whole_clusters:
        condition = ("claims.id in (select claim_id from cluster_members where cluster_id in ("
                     "select m.cluster_id from claims join cluster_members m on m.claim_id = claims.id "
                     f"where {condition}))")
    sql = f"{CLAIMS_WITH_ARTICLE} where {condition} {READING_ORDER}"
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))
