"""Across the ledger: link each article's speakers into ledger-wide speakers, and group the
claims that report the same statement. Rebuilt from the stored rows (and a reader's
corrections) after every ingest, so the result never depends on the order articles came in."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator

import sqlite_utils

from ..resolve.across import Correction, GlobalSpeaker, LocalSpeaker, link
from ..resolve.clusters import ClaimRecord, Cluster, cluster_claims
from ..resolve.names import fold
from .ingest import utcnow

CLUSTER_BATCH = 500  # clusters written at a time


@dataclass(frozen=True)
class LinkStats:
    speakers: int
    clusters: int
    drifting: int


def link_ledger(db: sqlite_utils.Database) -> LinkStats:
    speakers = link(load_local_speakers(db), load_corrections(db))
    linked = len(speakers)
    with db.atomic():
        # clusters point at speakers: cleared first, rebuilt once the speakers are settled
        db.execute("delete from cluster_members")
        db.execute("delete from claim_clusters")
        _write_speakers(db, speakers)
        del speakers  # written: the clusters reuse its memory
        clusters, drifting = _write_clusters(db, cluster_claims(iter_claim_records(db)))
        db.execute("update ingest_runs set linked = ? where linked is null", [utcnow()])
    return LinkStats(linked, clusters, drifting)


def needs_link(db: sqlite_utils.Database) -> bool:
    """An ingest wrote articles (or was cut short) since the last link."""
    return db.execute("select count(*) from ingest_runs where linked is null and "
                      "(finished is null or articles_new + articles_changed > 0)").fetchone()[0] > 0


def load_local_speakers(db: sqlite_utils.Database) -> list[LocalSpeaker]:
    # one string object for a name, id or date however many speakers share it: all of a
    # ledger's speakers are held at once
    strings: dict[str, str] = {}

    def one(s: str | None) -> str | None:
        return s if s is None else strings.setdefault(s, s)

    # who else each article names (its speakers and the people they address): evidence
    # for telling namesakes apart
    named: dict[str, set[str]] = defaultdict(set)
    for article_id, name in db.execute(
            "select article_id, name from article_speakers union "
            "select article_id, addressee from claims where addressee is not null"):
        words = fold(name or "").split()
        if words:
            named[article_id].add(one(words[-1]))
    out = []
    for row in db.execute(
            "select s.article_id, s.local_id, s.name, s.type, s.aliases, s.roles, s.claim_count, a.date "
            "from article_speakers s join articles a on a.id = s.article_id"):
        article_id, local_id, name, type_, aliases, roles, n, date = row
        own = (fold(name or "").split() or [""])[-1]
        out.append(LocalSpeaker(one(article_id), one(local_id), one(name or local_id), one(type_ or "unknown"),
                                [one(a) for a in json.loads(aliases or "[]")],
                                [one(r) for r in json.loads(roles or "[]")], one(date), n or 1,
                                tuple(named[article_id] - {own})))
    return out


def load_corrections(db: sqlite_utils.Database) -> list[Correction]:
    return [Correction(action, speaker, name, article_id) for action, speaker, name, article_id in db.execute(
        "select action, speaker, name, article_id from speaker_corrections order by id")]


def add_correction(db: sqlite_utils.Database, action: str, speaker: str, name: str,
                   article_id: str | None = None) -> None:
    with db.atomic():
        db.table("speaker_corrections").insert(
            {"action": action, "speaker": speaker, "name": name, "article_id": article_id,
             "created": utcnow()}, pk="id")


def _write_speakers(db: sqlite_utils.Database, speakers: list[GlobalSpeaker]) -> None:
    db.table("speakers").upsert_all((_speaker_row(sp) for sp in speakers), pk="id")
    # rows already right are left alone (no write, no full-text trigger)
    db.conn.executemany("update article_speakers set speaker_id = ? where article_id = ? and local_id = ? "
                        "and speaker_id is not ?",
                        ([sp.id, m.article_id, m.local_id, sp.id] for sp in speakers for m in sp.members))
    db.conn.executemany("update claims set speaker_id = ?, speaker = ? where article_id = ? and speaker_key = ? "
                        "and (speaker_id is not ? or speaker is not ?)",
                        ([sp.id, sp.name, m.article_id, m.local_id, sp.id, sp.name]
                         for sp in speakers for m in sp.members))
    # provisional ids nobody points at any more
    db.execute("delete from speakers where id not in (select speaker_id from claims where speaker_id is not null)")


def _speaker_row(sp: GlobalSpeaker) -> dict:
    aliases = list(dict.fromkeys(a for m in sp.members for a in m.aliases))  # members come in date order
    roles = list(dict.fromkeys(r for m in sp.members for r in m.roles))
    return {"id": sp.id, "name": sp.name, "type": sp.type,
            "aliases": json.dumps(aliases, ensure_ascii=False), "roles": json.dumps(roles, ensure_ascii=False),
            "claim_count": sum(m.claims for m in sp.members),
            "article_count": len({m.article_id for m in sp.members})}


def iter_claim_records(db: sqlite_utils.Database) -> Iterator[ClaimRecord]:
    for row in db.execute(
            "select id, article_id, speaker_id, kind, content_text, date, outlet, content_start from claims "
            "order by article_id, content_start"):
        yield ClaimRecord(*row)


def _write_clusters(db: sqlite_utils.Database, clusters: Iterable[Cluster]) -> tuple[int, int]:
    """Written as they come, a batch at a time (never all held at once); (clusters, drifting)."""
    count = drifting = 0
    clusters = iter(clusters)
    while batch := list(islice(clusters, CLUSTER_BATCH)):
        db.table("claim_clusters").insert_all((_cluster_row(cl) for cl in batch), pk="id")
        db.table("cluster_members").insert_all(
            ({"claim_id": m.claim.id, "cluster_id": cl.id, "article_id": m.claim.article_id,
              "speaker_id": m.claim.speaker_id, "outlet": m.claim.outlet, "date": m.claim.date,
              "kind": m.claim.kind, "is_first": int(m.is_first), "words": m.words, "diff": m.diff or None,
              "similarity": m.similarity} for cl in batch for m in cl.members), pk="claim_id")
        count += len(batch)
        drifting += sum(cl.drift for cl in batch)
    return count, drifting


def _cluster_row(cl: Cluster) -> dict:
    first = cl.first.claim
    claims = [m.claim for m in cl.members]
    return {"id": cl.id, "label": cl.first.words, "first_claim_id": first.id,
            "first_article_id": first.article_id, "first_date": first.date, "speaker_id": first.speaker_id,
            "size": len(claims), "article_count": len({c.article_id for c in claims}),
            "outlet_count": len({c.outlet for c in claims if c.outlet}),
            "drift": int(cl.drift), "drift_words": int(cl.drift_words),
            "drift_speakers": int(cl.drift_speakers), "drift_paraphrase": int(cl.drift_paraphrase),
            "drift_negation": int(cl.drift_negation)}
