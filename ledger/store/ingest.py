"""Write one article and its claims: idempotent (same text → nothing written) and atomic
(a failure leaves the ledger as it was before that article)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Literal

import sqlite_utils

from ..models import EXTRACTOR_VERSION, Article, Claim, Span, Speaker
from ..resolve.across import kind_of, scoped_id
from ..resolve.dating import article_dates
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
    row = db.execute("select sha256, extractor, title, date, outlet, url from articles where id = ?",
                     [article.id]).fetchone()
    if row is None:
        return "new"
    # a corrected date or outlet changes claims too (utterance dates, first appearances)
    now = (article.sha256, extractor, article.title, article.date, article.outlet, article.url)
    return "unchanged" if tuple(row) == now else "changed"


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
    """Write one article, its claims, its own speakers and its dates. Speakers get a
    provisional ledger-wide id here (the one their name was linked to before, else their
    own); `link_ledger` settles them across the ledger once the batch is in."""
    status = article_status(db, article, extractor)
    if status == "unchanged":
        return IngestResult(article.id, status)
    check_claims(article, claims)
    with db.atomic():
        before = _speaker_ids(db, article.id)
        marks = _marks(db, article.id)
        # Replace, never merge: a changed article's old claims may no longer exist.
        _drop_clusters(db, article.id)  # rebuilt by link_ledger once the batch is in
        for table in ("date_mentions", "article_speakers", "claims"):
            db.execute(f"delete from {table} where article_id = ?", [article.id])
        db.table("articles").upsert(
            {**to_row(article), "claim_count": len(claims), "extractor": extractor,
             "ingested_at": utcnow()}, pk="id")
        local = build_speakers(claims)
        ids = {sp.id: _provisional_id(db, sp, article.id) for sp in local}
        for sp in local:
            db.table("speakers").insert({**to_row(sp), "id": ids[sp.id]}, pk="id", ignore=True)
        db.table("claims").insert_all(
            ({**to_row(c), "speaker_id": ids.get(c.speaker_id), "speaker_key": c.speaker_id} for c in claims),
            pk="id")
        counts = Counter(c.speaker_id for c in claims)
        db.table("article_speakers").insert_all(
            ({"article_id": article.id, "local_id": sp.id, "speaker_id": ids[sp.id], "name": sp.name,
              "type": sp.type, "aliases": json.dumps(sp.aliases, ensure_ascii=False),
              "roles": json.dumps(sp.roles, ensure_ascii=False), "claim_count": counts[sp.id]}
             for sp in local), pk=("article_id", "local_id"))
        db.table("date_mentions").insert_all(
            (to_row(m) for m in article_dates(article, claims)), pk=("article_id", "mention_start", "mention_end"))
        _carry_marks(db, marks, claims)
        refresh_speakers(db, before | set(ids.values()))
    return IngestResult(article.id, status, len(claims))


def _marks(db: sqlite_utils.Database, article_id: str) -> list[tuple[str, str, str | None]]:
    return list(db.execute(
        "select r.claim_id, c.content_text, c.speaker_key from reviews r join claims c on c.id = r.claim_id "
        "where c.article_id = ?", [article_id]))


def _carry_marks(db: sqlite_utils.Database, marks, claims: list[Claim]) -> None:
    """A claim's id comes from its offsets, so an edit earlier in the article gives it a new
    one: its review mark follows it to the claim with the same words (and speaker)."""
    ids = {c.id for c in claims}
    for old_id, text, key in marks:
        if old_id in ids:
            continue
        same = [c for c in claims if c.content.text == text]
        same = [c for c in same if c.speaker_id == key] or same
        if len(same) != 1 or db.execute("select 1 from reviews where claim_id = ?", [same[0].id]).fetchone():
            continue  # gone, ambiguous or already marked: the mark stays with its old id
        db.execute("update reviews set claim_id = ?, note = trim(coalesce(note, '') || ' ' || ?) where claim_id = ?",
                   [same[0].id, f"[carried from claim {old_id} when the article changed]", old_id])


def _drop_clusters(db: sqlite_utils.Database, article_id: str) -> None:
    clusters = [r[0] for r in db.execute(
        "select distinct cluster_id from cluster_members where article_id = ?", [article_id])]
    for cid in clusters:
        db.execute("delete from cluster_members where cluster_id = ?", [cid])
        db.execute("delete from claim_clusters where id = ?", [cid])


def _provisional_id(db: sqlite_utils.Database, sp: Speaker, article_id: str) -> str:
    if kind_of(sp.name, sp.type) == "scoped":
        return scoped_id(sp.id, article_id)  # never borrowed from another article's sources
    row = db.execute("select speaker_id from article_speakers where name = ? and type = ? "
                     "and speaker_id is not null limit 1", [sp.name, sp.type]).fetchone()
    return row[0] if row else sp.id


def _speaker_ids(db: sqlite_utils.Database, article_id: str) -> set[str]:
    return {r[0] for r in db.execute(
        "select distinct speaker_id from claims where article_id = ? and speaker_id is not null",
        [article_id])}


def refresh_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    """Recompute aliases, roles and counts from the rows that back them; drop speakers no
    claim points at any more. Ordered by first appearance, so merged lists stay stable."""
    for sid in speaker_ids:
        claims, articles = db.execute(
            "select count(*), count(distinct article_id) from claims where speaker_id = ?", [sid]).fetchone()
        if claims == 0:
            db.execute("delete from speakers where id = ?", [sid])
            continue
        aliases = _first_seen(db, "aliases", sid)
        roles = _first_seen(db, "roles", sid)
        db.execute(
            "update speakers set aliases = ?, roles = ?, claim_count = ?, article_count = ? where id = ?",
            [json.dumps(aliases, ensure_ascii=False), json.dumps(roles, ensure_ascii=False),
             claims, articles, sid])


def _first_seen(db: sqlite_utils.Database, column: str, speaker_id: str) -> list[str]:
    # articles by date (undated last), then as stored: the order a reader would meet them
    rows = db.execute(
        f"select j.value from article_speakers s join json_each(s.{column}) j "
        f"join articles a on a.id = s.article_id where s.speaker_id = ? "
        f"order by coalesce(a.date, '9999'), s.rowid, j.key", [speaker_id])
    return list(dict.fromkeys(r[0] for r in rows))
