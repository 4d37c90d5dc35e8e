"""An article and its claims → the rows the ledger stores for them: a pure function.

Everything that needs no database is done here, so it can run in another process (`ingest
--workers`) or on another machine (claim shards), and what travels is plain JSON-able rows,
never spaCy Docs or model objects.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable

from ..models import EXTRACTOR_VERSION, Article, Claim, DateMention
from ..resolve.dating import date_roles
from ..resolve.speakers import speaker_fields
from .db import LedgerError
from .schema import fields_row, json_strings, to_row


@dataclass
class Prepared:
    """One article's rows. Claims and speakers carry the article's own speaker ids
    (`speaker_key`/`local_id`); the ledger-wide ids are given when they are written."""
    article: dict
    claims: list[dict]
    speakers: list[dict]
    dates: list[dict]
    extractor: str = EXTRACTOR_VERSION

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Prepared":
        return cls(**data)


@dataclass(frozen=True)
class Unchanged:
    """Found already stored as it is (by a worker): nothing to extract or write."""
    id: str
    path: str | None


@dataclass(frozen=True)
class Failed:
    """Extraction or preparing failed elsewhere (in a worker): "extraction failed: …" or
    "not stored: …", reported by the batch like bad input."""
    article: Article
    error: str


def prepare(article: Article, claims: list[Claim], extractor: str = EXTRACTOR_VERSION) -> Prepared:
    check_claims(article, claims)
    counts = Counter(c.speaker_id for c in claims)
    return Prepared(
        article={**to_row(article), "claim_count": len(claims), "extractor": extractor},
        claims=[{**to_row(c), "speaker_key": c.speaker_id} for c in claims],
        speakers=[{"local_id": sp["id"], "name": sp["name"], "type": sp["type"],
                   "aliases": json_strings(sp["aliases"]), "roles": json_strings(sp["roles"]),
                   "claim_count": counts[sp["id"]]}
                  for sp in speaker_fields(claims)],
        # rows straight from the date expressions found (whose text is the article's at
        # their offsets): a DateMention model for each would only be flattened again
        dates=[fields_row(DateMention, {"article_id": article.id, "mention": m, "value": m.value,
                                        "granularity": m.granularity, "claim_id": claim_id, "role": role})
               for m, claim_id, role in date_roles(article, claims)],
        extractor=extractor)


def check_claims(article: Article, claims: Iterable[Claim]) -> None:
    """Refuse claims whose offsets do not reproduce their text: the ledger promises they do."""
    seen: set[str] = set()
    text = article.text
    size = len(text)
    for claim in claims:
        if claim.article_id != article.id:
            raise LedgerError(f"claim {claim.id} belongs to article '{claim.article_id}', not '{article.id}'")
        if claim.id in seen:
            raise LedgerError(f"two claims share the id {claim.id}")
        seen.add(claim.id)
        values = claim.__dict__  # the field values, without a getattr each
        for name in CHECKED_SPANS:
            span = values[name]
            if span is None:
                continue
            for part in (span, *span.fragments) if span.fragments else (span,):
                start, end = part.start, part.end
                if not (start <= end <= size and text[start:end] == part.text):
                    raise LedgerError(f"claim {claim.id}: {name} offsets {start}-{end} "
                                      f"do not reproduce {part.text[:40]!r}")


CHECKED_SPANS = ("content", "cue", "speaker_mention", "addressee_mention", "sentence")
