"""The database shape, written once as data and derived from the pydantic models.

Every table is a `TableSpec`; model tables get their columns from the model's fields, so
adding a field to `Claim` adds a column, a Datasette column description and an export
field without touching this file. A `Span` field flattens to `<name>_text/_start/_end`.
"""
from __future__ import annotations

import json
import types
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..models import Article, Claim, Span, Speaker

SPAN_PARTS = ("text", "start", "end")
# Only a quote's content is ever split around its attribution, so only it keeps fragments
# (as JSON); giving every span a fragments column would add four columns that stay empty.
FRAGMENT_SPANS = {"content"}


@dataclass(frozen=True)
class Column:
    name: str
    type: type
    description: str | None = None
    json: bool = False  # stored as a JSON string, decoded on the way out
    not_null: bool = False


@dataclass
class TableSpec:
    columns: dict[str, Column]
    pk: str | tuple[str, ...]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)
    description: str = ""

    @property
    def not_null(self) -> set[str]:
        return {c.name for c in self.columns.values() if c.not_null}


def _unwrap_optional(annotation):
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _is_span(annotation) -> bool:
    t = _unwrap_optional(annotation)
    return isinstance(t, type) and issubclass(t, Span)


def _sql_type(annotation) -> tuple[type, bool]:
    """(python type for sqlite-utils, stored-as-JSON?) for one field annotation."""
    t = _unwrap_optional(annotation)
    if get_origin(t) is Literal:
        return str, False
    if get_origin(t) in (list, dict) or t in (list, dict):
        return str, True
    if t is bool:
        return int, False
    if t in (int, float, str):
        return t, False
    return str, False


def model_columns(model: type[BaseModel]) -> dict[str, Column]:
    """The columns a model flattens to, in field order, with the Field descriptions."""
    columns: dict[str, Column] = {}
    for name, info in model.model_fields.items():
        desc = info.description
        # A required, non-Optional field can never be empty in the table either.
        required = info.is_required() and _unwrap_optional(info.annotation) is info.annotation
        if _is_span(info.annotation):
            what = desc or name.replace("_", " ")
            columns[f"{name}_text"] = Column(f"{name}_text", str, f"{what}: the words", not_null=required)
            columns[f"{name}_start"] = Column(f"{name}_start", int,
                                              f"{what}: where it starts in articles.text (characters)",
                                              not_null=required)
            columns[f"{name}_end"] = Column(f"{name}_end", int,
                                            f"{what}: where it ends in articles.text (exclusive)",
                                            not_null=required)
            if name in FRAGMENT_SPANS:
                columns[f"{name}_fragments"] = Column(
                    f"{name}_fragments", str,
                    f"{what}: the parts of a quote split by its attribution, as JSON spans", json=True)
        else:
            sql_type, is_json = _sql_type(info.annotation)
            columns[name] = Column(name, sql_type, desc, json=is_json, not_null=required)
    return columns


def _text_last(columns: dict[str, Column]) -> dict[str, Column]:
    """Long text after the short columns, so Datasette's table view stays readable."""
    return {**{k: v for k, v in columns.items() if k != "text"}, "text": columns["text"]}


def _with(columns: dict[str, Column], *extra: Column) -> dict[str, Column]:
    return {**columns, **{c.name: c for c in extra}}


TABLES: dict[str, TableSpec] = {
    "articles": TableSpec(
        columns=_with(
            _text_last(model_columns(Article)),
            Column("claim_count", int, "Claims found in this article"),
            Column("extractor", str, "The extractor that found the claims; a new one re-extracts"),
            Column("ingested_at", str, "When the article was last written (UTC, ISO 8601)"),
        ),
        pk="id",
        fts=["title"],
        indexes=[["date"], ["outlet"], ["sha256"]],
        description="One row per article read, with its full text: every claim offset indexes into it.",
    ),
    "speakers": TableSpec(
        columns=_with(
            model_columns(Speaker),
            Column("claim_count", int, "Claims attributed to this speaker"),
            Column("article_count", int, "Articles this speaker is quoted in"),
        ),
        pk="id",
        indexes=[["name"], ["type"]],
        description="One row per resolved speaker, with every alias and role the articles give.",
    ),
    "speaker_aliases": TableSpec(
        columns={
            "speaker_id": Column("speaker_id", str, "The speaker"),
            "alias": Column("alias", str, "A way an article names the speaker"),
            "article_id": Column("article_id", str, "The article that names them so"),
        },
        pk=("speaker_id", "alias", "article_id"),
        foreign_keys=[("speaker_id", "speakers", "id"), ("article_id", "articles", "id")],
        indexes=[["alias"]],
        description="Every name a speaker goes by, per article, so aliases can be searched and faceted.",
    ),
    "claims": TableSpec(
        columns=model_columns(Claim),
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        fts=["content_text", "speaker", "cue_text"],
        indexes=[["speaker"], ["kind"], ["cue_lemma"], ["date"], ["outlet"],
                 ["article_id", "content_start"]],
        description="Who said what: one row per attributed claim, with character offsets into its article.",
    ),
    "ingest_runs": TableSpec(
        columns={c.name: c for c in [
            Column("id", int, "Run number"),
            Column("started", str, "UTC, ISO 8601"),
            Column("finished", str, "UTC, ISO 8601; empty while running or if interrupted"),
            Column("paths", str, "The files and folders given, as JSON", json=True),
            Column("model", str, "The spaCy base pipeline given with --model, if any"),
            Column("extractor", str, "Extractor version"),
            Column("articles_read", int, "Documents read, including ones that failed"),
            Column("articles_new", int, "Articles not in the ledger before"),
            Column("articles_changed", int, "Articles whose text (or extractor) changed: claims replaced"),
            Column("articles_unchanged", int, "Articles already in the ledger as they are: nothing written"),
            Column("articles_skipped", int, "Documents that could not be read, extracted or stored"),
            Column("claims_written", int, "Claims written in this run"),
            Column("errors", str, "One line per skipped document, as JSON", json=True),
        ]},
        pk="id",
        description="One row per `ledger ingest`, for provenance.",
    ),
}

# Full-text search tables get this tokenizer: "said" finds "says", "quoted" finds "quote".
FTS_TOKENIZE = "porter"


def to_row(model: BaseModel) -> dict[str, Any]:
    """A model instance → a row of its table (spans flattened, lists as JSON)."""
    row: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if _is_span(info.annotation):
            for part in SPAN_PARTS:
                row[f"{name}_{part}"] = getattr(value, part) if value is not None else None
            if name in FRAGMENT_SPANS:
                frags = value.fragments if value is not None else None
                row[f"{name}_fragments"] = (
                    json.dumps([f.model_dump() for f in frags], ensure_ascii=False) if frags else None)
        elif isinstance(value, (list, dict)):
            row[name] = json.dumps(value, ensure_ascii=False)
        else:
            row[name] = value
    return row


def from_row(model: type[BaseModel], row: dict[str, Any]):
    """A row (extra columns ignored) → the model instance it was made from."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if _is_span(info.annotation):
            if row.get(f"{name}_start") is None:
                data[name] = None
                continue
            span = {part: row[f"{name}_{part}"] for part in SPAN_PARTS}
            frags = row.get(f"{name}_fragments")
            span["fragments"] = json.loads(frags) if frags else None
            data[name] = span
        elif name in row:
            value = row[name]
            if _sql_type(info.annotation)[1] and isinstance(value, str):
                value = json.loads(value)
            data[name] = value
    return model.model_validate(data)


def claim_columns() -> list[str]:
    return list(TABLES["claims"].columns)
