"""Write one article and its claims: idempotent (same text → nothing written) and atomic
(a failure leaves the ledger as it was before that article)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Literal

import sqlite_utils

from ..models import EXTRACTOR_VERSION, Article, Claim
from ..resolve.across import kind_of, scoped_id
from .prepare import Prepared, prepare
from .schema import TABLES, json_strings

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
    return row_status(db, {"id": article.id, "sha256": article.sha256, "title": article.title,
                           "date": article.date, "outlet": article.outlet, "url": article.url}, extractor)


def row_status(db: sqlite_utils.Database, article: dict, extractor: str) -> Status:
    """article_status for an article row (prepared elsewhere)."""
    row = db.execute("select sha256, extractor, title, date, outlet, url from articles where id = ?",
                     [article["id"]]).fetchone()
    if row is None:
        return "new"
    # a corrected date or outlet changes claims too (utterance dates, first appearances)
    now = (article["sha256"], extractor, article.get("title"), article.get("date"), article.get("outlet"),
           article.get("url"))
    return "unchanged" if tuple(row) == now else "changed"


def ingest_article(db: sqlite_utils.Database, article: Article, claims: list[Claim],
                   *, extractor: str = EXTRACTOR_VERSION) -> IngestResult:
    """Write one article, its claims, its own speakers and its dates (see `write_prepared`)."""
    status = article_status(db, article, extractor)
    if status == "unchanged":
        return IngestResult(article.id, status)
    prepared = prepare(article, claims, extractor)
    with db.atomic():
        touched = write_prepared(db, prepared, status)
        refresh_speakers(db, touched)
    return IngestResult(article.id, status, len(claims))


def write_prepared(db: sqlite_utils.Database, p: Prepared, status: Status) -> set[str]:
    """Write one prepared article inside the caller's transaction; returns the ledger-wide
    speaker ids whose counts and aliases need `refresh_speakers`.

    Speakers get a provisional ledger-wide id here (the one their name was linked to before,
    else their own); `link_ledger` settles them across the ledger once the batch is in.
    Rows go in through prepared statements: sqlite-utils' insert_all looks the table up again
    on every call, which cost more than the writing itself at one call per article.
    """
    article_id = p.article["id"]
    before: set[str] = set()
    marks: list = []
    if status == "changed":  # replace, never merge: the old claims may no longer exist
        before, marks = _speaker_ids(db, article_id), _marks(db, article_id)
        _drop_clusters(db, article_id)  # rebuilt by link_ledger once the batch is in
        for table in ("date_mentions", "article_speakers", "claims"):
            db.execute(f"delete from {table} where article_id = ?", [article_id])
        db.execute("delete from articles where id = ?", [article_id])  # a delete, so FTS triggers see it
    _insert(db, "articles", [{**p.article, "ingested_at": utcnow()}])
    ids = {sp["local_id"]: _provisional_id(db, sp, article_id) for sp in p.speakers}
    _insert(db, "speakers", [{"id": ids[sp["local_id"]], "name": sp["name"], "type": sp["type"],
                              "aliases": sp["aliases"], "roles": sp["roles"]} for sp in p.speakers], ignore=True)
    _insert(db, "claims", p.claims, speaker_id=[ids.get(c["speaker_key"]) for c in p.claims])
    _insert(db, "article_speakers", p.speakers, article_id=[article_id] * len(p.speakers),
            speaker_id=[ids[sp["local_id"]] for sp in p.speakers])
    _insert(db, "date_mentions", p.dates)
    if marks:
        _carry_marks(db, marks, p.claims)
    return before | set(ids.values())


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict], *, ignore: bool = False,
            **given: list) -> None:
    """`given`: a column's values, one per row, in place of the rows' own (no copy of each row)."""
    if not rows:
        return
    columns = list(TABLES[table].columns)
    verb = "insert or ignore" if ignore else "insert"
    sql = _SQL.get((table, verb))
    if sql is None:
        sql = _SQL[(table, verb)] = (f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                                     f"values ({', '.join('?' * len(columns))})")
    values = [list(map(row.get, columns)) for row in rows]
    for column, column_values in given.items():
        i = columns.index(column)
        for row_values, value in zip(values, column_values, strict=True):
            row_values[i] = value
    db.conn.executemany(sql, values)


_SQL: dict[tuple[str, str], str] = {}


def _marks(db: sqlite_utils.Database, article_id: str) -> list[tuple[str, str, str | None]]:
    return list(db.execute(
        "select r.claim_id, c.content_text, c.speaker_key from reviews r join claims c on c.id = r.claim_id "
        "where c.article_id = ?", [article_id]))


def _carry_marks(db: sqlite_utils.Database, marks, claims: list[dict]) -> None:
    """A claim's id comes from its offsets, so an edit earlier in the article gives it a new
    one: its review mark follows it to the claim with the same words (and speaker)."""
    ids = {c["id"] for c in claims}
    for old_id, text, key in marks:
        if old_id in ids:
            continue
        same = [c for c in claims if c["content_text"] == text]
        same = [c for c in same if c["speaker_key"] == key] or same
        new_id = same[0]["id"] if len(same) == 1 else None
        if new_id is None or db.execute("select 1 from reviews where claim_id = ?", [new_id]).fetchone():
            continue  # gone, ambiguous or already marked: the mark stays with its old id
        db.execute("update reviews set claim_id = ?, note = trim(coalesce(note, '') || ' ' || ?) where claim_id = ?",
                   [new_id, f"[carried from claim {old_id} when the article changed]", old_id])


def _drop_clusters(db: sqlite_utils.Database, article_id: str) -> None:
    clusters = [r[0] for r in db.execute(
        "select distinct cluster_id from cluster_members where article_id = ?", [article_id])]
    for cid in clusters:
        db.execute("delete from cluster_members where cluster_id = ?", [cid])
        db.execute("delete from claim_clusters where id = ?", [cid])


def _provisional_id(db: sqlite_utils.Database, sp: dict, article_id: str) -> str:
    if kind_of(sp["name"], sp["type"]) == "scoped":
        return scoped_id(sp["local_id"], article_id)  # never borrowed from another article's sources
    row = db.execute("select speaker_id from article_speakers where name = ? and type = ? "
                     "and speaker_id is not null limit 1", [sp["name"], sp["type"]]).fetchone()
    return row[0] if row else sp["local_id"]


def _speaker_ids(db: sqlite_utils.Database, article_id: str) -> set[str]:
    return {r[0] for r in db.execute(
        "select distinct speaker_id from claims where article_id = ? and speaker_id is not null",
        [article_id])}


def refresh_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    """Recompute aliases, roles and counts from the rows that back them; drop speakers no
    claim points at any more. Ordered by first appearance, so merged lists stay stable.
    One query per column for all the speakers a group of articles touched, not one per speaker."""
    wanted = sorted(speaker_ids)
    ids = json.dumps(wanted)
    counts = {sid: (claims, articles) for sid, claims, articles in db.execute(
        "select speaker_id, count(*), count(distinct article_id) from claims "
        "where speaker_id in (select value from json_each(?)) group by speaker_id", [ids])}
    aliases, roles = _first_seen(db, "aliases", ids), _first_seen(db, "roles", ids)
    gone = [[sid] for sid in wanted if sid not in counts]
    db.conn.executemany("delete from speakers where id = ?", gone)
    db.conn.executemany(
        "update speakers set aliases = ?, roles = ?, claim_count = ?, article_count = ? where id = ?",
        [[json_strings(aliases.get(sid, [])), json_strings(roles.get(sid, [])), claims, articles, sid]
         for sid, (claims, articles) in counts.items()])


def _first_seen(db: sqlite_utils.Database, column: str, ids: str) -> dict[str, list[str]]:
    # articles by date (undated last), then as stored: the order a reader would meet them
    seen: dict[str, dict[str, None]] = {}
    for sid, value in db.execute(
            f"select s.speaker_id, j.value from article_speakers s join json_each(s.{column}) j "
            f"join articles a on a.id = s.article_id where s.speaker_id in (select value from json_each(?)) "
            f"order by s.speaker_id, coalesce(a.date, '9999'), s.rowid, j.key", [ids]):
        seen.setdefault(sid, {})[value] = None
    return {sid: list(values) for sid, values in seen.items()}
