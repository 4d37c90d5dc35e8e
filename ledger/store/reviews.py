"""Reviewers' marks on claims, keyed by the claim's stable id so they survive re-ingest."""
from __future__ import annotations

import json

import sqlite_utils

from ..models import Review
from .db import LedgerError
from .ingest import utcnow
from .schema import to_row


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
    rows = db.execute(
        "select a.id, a.text, r.status, c.content_start, c.content_end, c.content_text, c.content_fragments, "
        "c.speaker_mention_start, c.speaker_mention_end, c.speaker_mention_text, "
        "c.cue_start, c.cue_end, c.cue_text, c.speaker "
        "from reviews r join claims c on c.id = r.claim_id join articles a on a.id = c.article_id "
        "where r.status in ('confirmed', 'wrong') order by a.id, c.content_start")
    for (aid, text, status, cs, ce, ct, frags, ms, me, mt, qs, qe, qt, speaker) in rows:
        doc = docs.setdefault(aid, {"id": aid, "text": text, "attributions": [], "wrong": []})
        content = {"start": cs, "end": ce, "text": ct}
        if frags:
            content["fragments"] = json.loads(frags)
        item = {"content": content,
                "source": {"start": ms, "end": me, "text": mt} if ms is not None else None,
                "cue": {"start": qs, "end": qe, "text": qt} if qs is not None else None,
                "speaker_name": speaker}
        doc["attributions" if status == "confirmed" else "wrong"].append(item)
    return list(docs.values())
