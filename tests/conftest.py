"""Hand-built articles and claims whose offsets really reproduce their text."""
from __future__ import annotations

import pytest
import sqlite_utils

from ledger.models import Article, Claim, Span
from ledger.resolve.ids import speaker_id
from ledger.store import ensure_db

FLAKE_TEXT = (
    "Ankara talks\n"
    "“We want Iran to lower the tension,” said Jeff Flake, the US ambassador to Turkey. "
    "Flake said the talks would continue. "
    "“Diplomacy is working,” said John Kirby, a White House spokesperson."
)
FIDAN_TEXT = (
    "“Turkey is ready to mediate,” Hakan Fidan told reporters in Ankara. "
    "Jeff Flake said Washington welcomed the offer."
)


def make_article(id: str, text: str, **meta) -> Article:
    return Article(id=id, text=text, path=f"{id}.txt", sha256=Article.hash_text(text), **meta)


def span(text: str, needle: str, after: int = 0) -> Span:
    """`needle` at its first place after `after` (else its first place at all)."""
    start = text.find(needle, after)
    start = text.index(needle) if start == -1 else start
    return Span(text=needle, start=start, end=start + len(needle))


def sentence_around(text: str, start: int, end: int) -> Span:
    stop, newline = text.rfind(". ", 0, start), text.rfind("\n", 0, start)
    s = max(stop + 2 if stop != -1 else 0, newline + 1)
    e = text.find(". ", end)
    e = len(text) if e == -1 else e + 1
    return Span(text=text[s:e], start=s, end=e)


def make_claim(article: Article, content: str, *, speaker: str | None = None,
               mention: str | None = None, cue: str | None = None, role: str | None = None,
               kind: str = "direct", confidence: float = 0.9) -> Claim:
    text = article.text
    c = span(text, content)
    sentence = sentence_around(text, c.start, c.end)
    m = span(text, mention or speaker, sentence.start) if (mention or speaker) else None
    cue_span = span(text, cue, sentence.start) if cue else None
    return Claim(
        id=Claim.make_id(article.id, c.start, c.end), article_id=article.id, kind=kind, content=c,
        cue=cue_span, cue_lemma=cue and {"said": "say", "told": "tell"}.get(cue, cue),
        speaker=speaker, speaker_id=speaker_id(speaker) if speaker else None, speaker_mention=m,
        speaker_type="person" if speaker else "unknown", speaker_role=role,
        sentence=sentence, date=article.date, outlet=article.outlet,
        confidence=confidence)


@pytest.fixture
def flake_article() -> Article:
    return make_article("flake", FLAKE_TEXT, title="Ankara talks", date="2024-04-14", outlet="TRT World",
                        url="https://example.org/flake")


@pytest.fixture
def fidan_article() -> Article:
    return make_article("fidan", FIDAN_TEXT, title="Fidan offers to mediate", date="2024-04-15",
                        outlet="Daily Sabah")


def flake_claims(article: Article) -> list[Claim]:
    return [
        make_claim(article, "We want Iran to lower the tension", speaker="Jeff Flake", cue="said",
                   role="US ambassador to Turkey"),
        make_claim(article, "the talks would continue", speaker="Jeff Flake", mention="Flake",
                   cue="said", kind="indirect"),
        make_claim(article, "Diplomacy is working", speaker="John Kirby", cue="said",
                   role="White House spokesperson"),
    ]


def fidan_claims(article: Article) -> list[Claim]:
    return [
        make_claim(article, "Turkey is ready to mediate", speaker="Hakan Fidan", cue="told"),
        make_claim(article, "Washington welcomed the offer", speaker="Jeff Flake", cue="said",
                   kind="indirect"),
    ]


@pytest.fixture
def db() -> sqlite_utils.Database:
    return ensure_db(sqlite_utils.Database(memory=True))


@pytest.fixture
def fake_extract():
    """An extract_claims stand-in (the real extractor is still being written)."""
    def extract(article: Article, nlp=None) -> list[Claim]:
        if article.text == FLAKE_TEXT:
            return flake_claims(article)
        if article.text == FIDAN_TEXT:
            return fidan_claims(article)
        return []
    return extract


@pytest.fixture
def ledger_path(tmp_path, flake_article, fidan_article):
    """A ledger file holding both articles, for the CLI, export and Datasette."""
    from ledger.store import ingest_article

    path = tmp_path / "ledger.db"
    db = ensure_db(sqlite_utils.Database(path))
    ingest_article(db, flake_article, flake_claims(flake_article))
    ingest_article(db, fidan_article, fidan_claims(fidan_article))
    db.close()
    return path
