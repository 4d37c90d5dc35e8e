"""The claim schema, defined once: JSON Schemas, table columns and export fields derive from it."""
from __future__ import annotations

import hashlib
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from . import __version__

EXTRACTOR_VERSION = f"ledger-rules/{__version__}"

Kind = Literal["direct", "indirect", "mixed"]
SpeakerType = Literal["person", "organization", "group", "anonymous", "unknown"]
# How the outlet reports the statement, from the cue (ledger/data/stances.tsv).
Stance = Literal["neutral", "strong", "distancing", "hedged"]
Granularity = Literal["day", "week", "month", "year"]
ReviewStatus = Literal["confirmed", "wrong", "needs-check"]


class Span(BaseModel):
    """Characters `text == article.text[start:end]`; a quote split by its attribution
    ("“…,” Flake said, “…”") also lists its parts as `fragments`."""

    model_config = ConfigDict(extra="forbid")
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    fragments: Optional[list[Span]] = None


def span_fields(text: str, start: int, end: int) -> dict:
    """text[start:end] as a Span's fields: a plain dict, which the model holding it validates
    in the same call as its other fields (cheaper than building a Span for each)."""
    return {"text": text[start:end], "start": start, "end": end}


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="File stem for .txt files, the document's `id` for JSON/JSONL")
    text: str = Field(description="The article text exactly as read; every offset indexes into it")
    title: Optional[str] = None
    date: Optional[str] = Field(None, description="Publication date, ISO 8601 (YYYY-MM-DD), when known")
    outlet: Optional[str] = None
    url: Optional[str] = None
    path: Optional[str] = Field(None, description="The file it was read from")
    sha256: str = Field(description="Hash of the text; a changed article replaces its claims")

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Speaker(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    type: SpeakerType
    aliases: list[str] = Field(default_factory=list, description="Every way the articles name them")
    roles: list[str] = Field(default_factory=list, description="Titles and roles the articles give")


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="Deterministic: the same article and content span give the same id")
    article_id: str
    kind: Kind
    content: Span
    cue: Optional[Span] = None
    cue_lemma: Optional[str] = None
    speaker: Optional[str] = Field(None, description="Canonical display name of the speaker")
    speaker_id: Optional[str] = None
    speaker_mention: Optional[Span] = Field(None, description="The words that name the speaker here")
    speaker_type: SpeakerType = "unknown"
    speaker_role: Optional[str] = None
    addressee: Optional[str] = None
    addressee_mention: Optional[Span] = None
    sentence: Span
    stance: Optional[Stance] = Field(
        None, description="How the cue reports it: neutral (said), strong (warned), distancing (claimed), hedged (suggested)")
    date: Optional[str] = Field(None, description="The article's date")
    utterance_date: Optional[str] = Field(
        None, description="When it was said, where the sentence gives it, resolved against the article's date "
                          "(ISO 8601 at the expression's precision); empty when it cannot be resolved")
    utterance_date_first_day: Optional[str] = Field(
        None, description="The first day the utterance date covers (YYYY-MM-DD): a week or month sorts by it")
    utterance_date_mention: Optional[Span] = Field(None, description="The words that date the statement")
    setting: Optional[Span] = Field(None, description="Where it was said (\"during a press conference in Istanbul\")")
    outlet: Optional[str] = None
    confidence: float = Field(ge=0.0, le=1.0)
    extractor: str = EXTRACTOR_VERSION

    @staticmethod
    def make_id(article_id: str, start: int, end: int) -> str:
        return hashlib.sha1(f"{article_id}\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()[:16]


class DateMention(BaseModel):
    """A date expression in an article, raw as written and resolved where the text allows."""

    model_config = ConfigDict(extra="forbid")
    article_id: str
    mention: Span
    value: Optional[str] = Field(None, description="ISO 8601 at the expression's precision (2024-04-13, "
                                                   "2024-W15, 2024-04, 2024); empty when it cannot be resolved")
    granularity: Optional[Granularity] = None
    claim_id: Optional[str] = Field(None, description="The claim it dates or sits in, if any")
    role: Literal["utterance", "content", "article"] = Field(
        description="utterance: when a claim was made; content: inside a claim's words; article: elsewhere")


class Review(BaseModel):
    """A reviewer's mark on a claim, keyed by the claim's stable id so it survives re-ingest."""

    model_config = ConfigDict(extra="forbid")
    claim_id: str
    status: ReviewStatus
    note: Optional[str] = None
    reviewed_at: str = Field(description="UTC, ISO 8601")


MODELS = {"Span": Span, "Article": Article, "Speaker": Speaker, "Claim": Claim,
          "DateMention": DateMention, "Review": Review}


def json_schemas() -> dict[str, dict]:
    return {name: model.model_json_schema() for name, model in MODELS.items()}
