"""Reviewers' marks on claims, keyed by the claim's stable id so they survive re-ingest."""
from __future__ import annotations

import sqlite_utils

from ..models import Claim, Review
from .db import LedgerError
from .ingest import utcnow
from .schema import from_row, to_row


def set_review(db: sqlite_utils.Database, claim_id: str, status: str, note: str | None = None) -> Review:
    if db.execute("select 1 from claims where id = ?", [claim_id]).fetchone() is None:
        raise LedgerError(f"no claim with id {claim_id!r} in the ledger")
    review = Review(claim_id=claim_id, status=status, note=note, reviewed_at=utcnow())
    with db.atomic():
        db.table("reviews").upsert(to_row(review), pk="claim_id")
    return review


def reviewed_documents(db: sqlite_utils.Database) -> list[dict]:
    """Each reviewed article with its marked claims: confirmed ones as gold attributions (in
    the format score.py reads) and wrong ones as claims that must not come out."""
    docs: dict[str, dict] = {}
    rows = db.execute_returning_dicts(
        "select r.status, a.text as article_text, c.* from reviews r join claims c on c.id = r.claim_id "
        "join articles a on a.id = c.article_id where r.status in ('confirmed', 'wrong') "
        "order by c.article_id, c.content_start")
    for row in rows:
        claim = from_row(Claim, row)
        doc = docs.setdefault(claim.article_id, {"id": claim.article_id, "text": row["article_text"],
                                                 "attributions": [], "wrong": []})
        item = {name: span.model_dump(exclude_none=True) if span else None
                for name, span in (("content", claim.content), ("source", claim.speaker_mention),
                                   ("cue", claim.cue))}
        item["speaker_name"] = claim.speaker
        doc["attributions" if row["status"] == "confirmed" else "wrong"].append(item)
    return list(docs.values())
