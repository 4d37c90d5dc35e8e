"""Write one article and its claims: idempotent (same text → nothing written) and atomic
(a failure leaves the ledger as it was before that article)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Literal

import sqlite_utils

from ..models import EXTRACTOR_VERSION, Article, Claim, Span, Speaker
from ..resolve.speakers import build_speakers
from .db import LedgerError
from .schema import to_row

Status = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class IngestResult:
    article_id: str
    status: Status
    claims_written: int = 0


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def article_status(db: sqlite_utils.Database, article: Article,
                   extractor: str = EXTRACTOR_VERSION) -> Status:
    """'unchanged' when the stored text hash and extractor match, so callers can skip extraction."""
    row = db.execute("select sha256, extractor from articles where id = ?", [article.id]).fetchone()
    if row is None:
        return "new"
    return "unchanged" if tuple(row) == (article.sha256, extractor) else "changed"


def check_claims(article: Article, claims: Iterable[Claim]) -> None:
    """Refuse claims whose offsets do not reproduce their text: the ledger promises they do."""
    seen: set[str] = set()
    for claim in claims:
        if claim.article_id != article.id:
            raise LedgerError(f"claim {claim.id} belongs to article '{claim.article_id}', not '{article.id}'")
        if claim.id in seen:
            raise LedgerError(f"two claims share the id {claim.id}")
        seen.add(claim.id)
        for name in ("content", "cue", "speaker_mention", "addressee_mention", "sentence"):
            span = getattr(claim, name)
            for part in [span, *(span.fragments or [])] if span else []:
                if not _reproduces(article.text, part):
                    raise LedgerError(f"claim {claim.id}: {name} offsets {part.start}-{part.end} "
                                      f"do not reproduce {part.text[:40]!r}")


def _reproduces(text: str, span: Span) -> bool:
    return span.start <= span.end <= len(text) and text[span.start:span.end] == span.text


def ingest_article(db: sqlite_utils.Database, article: Article, claims: list[Claim],
                   *, extractor: str = EXTRACTOR_VERSION) -> IngestResult:
    status = article_status(db, article, extractor)
    if status == "unchanged":
        return IngestResult(article.id, status)
    check_claims(article, claims)
    with db.atomic():
        before = _speaker_ids(db, article.id)
        # Replace, never merge: a changed article's old claims may no longer exist.
        db.execute("delete from speaker_aliases where article_id = ?", [article.id])
        db.execute("delete from claims where article_id = ?", [article.id])
        db.table("articles").upsert(
            {**to_row(article), "claim_count": len(claims), "extractor": extractor,
             "ingested_at": utcnow()}, pk="id")
        speakers = build_speakers(claims)
        _upsert_speakers(db, speakers)
        db.table("claims").insert_all((to_row(c) for c in claims), pk="id")
        db.table("speaker_aliases").insert_all(
            ({"speaker_id": s.id, "alias": a, "article_id": article.id} for s in speakers for a in s.aliases),
            pk=("speaker_id", "alias", "article_id"), ignore=True)
        refresh_speakers(db, before | {s.id for s in speakers})
    return IngestResult(article.id, status, len(claims))


def _speaker_ids(db: sqlite_utils.Database, article_id: str) -> set[str]:
    return {r[0] for r in db.execute(
        "select distinct speaker_id from claims where article_id = ? and speaker_id is not null",
        [article_id])}


def _upsert_speakers(db: sqlite_utils.Database, speakers: list[Speaker]) -> None:
    for sp in speakers:
        existing = db.execute("select type from speakers where id = ?", [sp.id]).fetchone()
        row = to_row(sp)
        # Another article may have told us more about who this is than this one did.
        if existing and sp.type == "unknown":
            row["type"] = existing[0]
        if existing:
            row.pop("aliases"), row.pop("roles")  # refresh_speakers recomputes them
        db.table("speakers").upsert(row, pk="id")


def refresh_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    """Recompute aliases, roles and counts from the rows that back them; drop speakers no
    claim points at any more. Ordered by first appearance, so merged lists stay stable."""
    for sid in speaker_ids:
        claims, articles = db.execute(
            "select count(*), count(distinct article_id) from claims where speaker_id = ?", [sid]).fetchone()
        if claims == 0:
            db.execute("delete from speaker_aliases where speaker_id = ?", [sid])
            db.execute("delete from speakers where id = ?", [sid])
            continue
        aliases = [r[0] for r in db.execute(
            "select alias from speaker_aliases where speaker_id = ? group by alias order by min(rowid)", [sid])]
        roles = [r[0] for r in db.execute(
            "select speaker_role from claims where speaker_id = ? and speaker_role is not null "
            "group by speaker_role order by min(rowid)", [sid])]
        db.execute(
            "update speakers set aliases = ?, roles = ?, claim_count = ?, article_count = ? where id = ?",
            [json.dumps(aliases, ensure_ascii=False), json.dumps(roles, ensure_ascii=False),
             claims, articles, sid])
