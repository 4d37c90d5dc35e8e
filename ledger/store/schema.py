"""The database shape, written once as data and derived from the pydantic models.

Every table is a `TableSpec`; model tables get their columns from the model's fields, so
adding a field to `Claim` adds a column, a Datasette column description and an export
field without touching this file. A `Span` field flattens to `<name>_text/_start/_end`.
"""
from __future__ import annotations

import json
import types
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..models import Article, Claim, DateMention, Review, Span, Speaker

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
    # Indexes only readers use (the published pages), never the ingest's own look-ups: a
    # large batch sets them aside and builds them once at its end (store/bulk.py).
    read_indexes: list[list[str]] = field(default_factory=list)
    description: str = ""

    @property
    def all_indexes(self) -> list[list[str]]:
        return self.indexes + self.read_indexes

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
        # id, date, outlet: joins that need an article's date and outlet read them from this
        # index, never from the row with its long text
        indexes=[["date"], ["outlet"], ["sha256"], ["id", "date", "outlet"]],
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
    "article_speakers": TableSpec(
        columns={c.name: c for c in [
            Column("article_id", str, "The article", not_null=True),
            Column("local_id", str, "The speaker as this article alone resolves them", not_null=True),
            Column("speaker_id", str, "The ledger-wide speaker they were linked to"),
            Column("name", str, "The name this article gives them"),
            Column("type", str, "person, organization, group, anonymous or unknown"),
            Column("aliases", str, "Every way this article names them", json=True),
            Column("roles", str, "The titles and roles this article gives them", json=True),
            Column("claim_count", int, "Claims this article attributes to them"),
        ]},
        pk=("article_id", "local_id"),
        foreign_keys=[("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        indexes=[["name"]],
        description="Each article's own speakers, and the ledger-wide speaker each was linked to.",
    ),
    "claims": TableSpec(
        columns=_with(model_columns(Claim),
                      Column("speaker_key", str, "The speaker as the article alone resolved them "
                                                 "(article_speakers.local_id)")),
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        fts=["content_text", "speaker", "cue_text"],
        # an article's claims and speakers (re-ingest, linking); a speaker's latest claims and
        # outlets for the published pages, which speaker counts read too
        indexes=[["article_id", "content_start"], ["article_id", "speaker_key"],
                 ["speaker_id", "date", "outlet", "article_id"]],
        # cue_lemma and outlet are searched through the compound indexes that start with them;
        # the last one counts the table page's facets from one narrow index rather than the
        # wide rows (benchmarks/datasette_latency.py, a million claims)
        read_indexes=[["speaker"], ["kind"], ["stance"], ["date"], ["utterance_date"], ["cue_lemma", "date"],
                      ["outlet", "date", "kind", "speaker", "stance", "cue_lemma"]],
        description="Who said what: one row per attributed claim, with character offsets into its article.",
    ),
    "speaker_corrections": TableSpec(
        columns={c.name: c for c in [
            Column("id", int, "Correction number; later ones are applied after earlier ones"),
            Column("action", str, "merge: SPEAKER and NAME are one; split: NAME is not SPEAKER", not_null=True),
            Column("speaker", str, "The speaker, by the name it had when corrected", not_null=True),
            Column("name", str, "The other speaker (merge) or the name to take apart (split)", not_null=True),
            Column("article_id", str, "split only: just this article's speaker of that name"),
            Column("created", str, "UTC, ISO 8601"),
        ]},
        pk="id",
        description="A reader's corrections to how speakers were linked; kept through every re-ingest.",
    ),
    "claim_clusters": TableSpec(
        columns={c.name: c for c in [
            Column("id", str, "Cluster id, from its first claim"),
            Column("label", str, "The words of the first appearance"),
            Column("first_claim_id", str, "The claim in the earliest dated article"),
            Column("first_article_id", str, "Where it first appeared"),
            Column("first_date", str, "The date of that article"),
            Column("speaker_id", str, "The speaker of the first appearance"),
            Column("size", int, "Claims in the cluster"),
            Column("article_count", int, "Articles that report it"),
            Column("outlet_count", int, "Outlets that report it"),
            Column("drift", int, "1 when the members disagree in any way below"),
            Column("drift_words", int, "1 when quoted words differ between members"),
            Column("drift_speakers", int, "1 when members name different speakers"),
            Column("drift_paraphrase", int, "1 when one outlet quotes what another paraphrases"),
            Column("drift_negation", int, "1 when some members say it with a negation and others without"),
        ]},
        pk="id",
        foreign_keys=[("first_claim_id", "claims", "id"), ("first_article_id", "articles", "id"),
                      ("speaker_id", "speakers", "id")],
        indexes=[["drift"], ["outlet_count"], ["first_date"]],
        description="Claims in different articles that report the same statement, with its first appearance.",
    ),
    "cluster_members": TableSpec(
        columns={c.name: c for c in [
            Column("claim_id", str, "The claim"),
            Column("cluster_id", str, "Its cluster"),
            Column("article_id", str, "Its article"),
            Column("speaker_id", str, "Who this article says said it"),
            Column("outlet", str, "The article's outlet"),
            Column("date", str, "The article's date"),
            Column("kind", str, "direct, indirect or mixed"),
            Column("is_first", int, "1 for the first appearance"),
            Column("words", str, "The quoted words (direct and mixed) or the reported content"),
            Column("diff", str, "Word diff against the first appearance: [-removed-] {+added+}"),
            Column("similarity", float, "Word overlap with the first appearance, 0 to 1"),
        ]},
        pk="claim_id",
        foreign_keys=[("claim_id", "claims", "id"), ("cluster_id", "claim_clusters", "id"),
                      ("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        description="Which claims report the same statement, and how each one's words differ from the first.",
    ),
    "date_mentions": TableSpec(
        columns=model_columns(DateMention),
        pk=("article_id", "mention_start", "mention_end"),
        foreign_keys=[("article_id", "articles", "id"), ("claim_id", "claims", "id")],
        read_indexes=[["value"]],
        description="Every date expression in the articles, as written and resolved against the article's date.",
    ),
    "reviews": TableSpec(
        columns=model_columns(Review),
        pk="claim_id",
        indexes=[["status"]],
        # no foreign key on purpose: a mark outlives a re-ingest that briefly removes its claim
        description="Reviewers' marks on claims (ledger review), kept through every re-ingest.",
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
            Column("linked", str, "When speakers and clusters were last rebuilt after this run (UTC)"),
        ]},
        pk="id",
        description="One row per `ledger ingest`, for provenance.",
    ),
}

# Views: aliases and roles with the article (and date) that gave them, read straight from
# the rows that back them, so they never disagree with the speakers table.
VIEWS: dict[str, str] = {
    "speaker_aliases": """select s.speaker_id, j.value as alias, s.article_id, a.date, a.outlet
from article_speakers s join json_each(s.aliases) j join articles a on a.id = s.article_id""",
    "speaker_roles": """select s.speaker_id, j.value as role, s.article_id, a.date, a.outlet
from article_speakers s join json_each(s.roles) j join articles a on a.id = s.article_id""",
    "reviewed_claims": """select r.status, r.note, r.reviewed_at, r.claim_id, c.speaker, c.kind,
  c.cue_text, c.content_text, c.article_id, c.outlet, c.date
from reviews r left join claims c on c.id = r.claim_id""",
}

# Full-text search tables get this tokenizer: "said" finds "says", "quoted" finds "quote".
FTS_TOKENIZE = "porter"


# json.dumps(value, ensure_ascii=False), without building an encoder for every value
json_text = json.JSONEncoder(ensure_ascii=False).encode
_quoted = json.encoder.encode_basestring  # a str as JSON, as json_text writes each one in a list


def json_strings(values: list[str]) -> str:
    """json_text of a list of strings, the same characters, written directly: encode() builds
    an encoder for each list, which costs more than short lists (aliases, roles) take to write."""
    return "[" + ", ".join(map(_quoted, values)) + "]"


def to_row(model: BaseModel) -> dict[str, Any]:
    """A model instance → a row of its table (spans flattened, lists as JSON)."""
    return _row_maker(type(model))(model.__dict__)  # pydantic keeps the field values in __dict__


def fields_row(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """The row `to_row` gives for a `model` with these field values (every field given; a
    span as any object with text, start and end), without building the model: for rows whose
    values our own code computed, as date mentions (their columns still follow the model)."""
    return _row_maker(model)(values)


def _is_scalar(annotation) -> bool:
    """A str, number, bool or Literal field (or Optional one): its validated value is the cell."""
    t = _unwrap_optional(annotation)
    return t in (str, int, float, bool) or get_origin(t) is Literal


def _json_value(value):
    return json_text(value) if isinstance(value, (list, dict)) else value


def _fragments_json(fragments: list[Span]) -> str:
    return json_text([_span_dict(f) for f in fragments])


def _span_dict(span: Span) -> dict[str, Any]:
    """span.model_dump(), field by field: pydantic's serializer cost more than the spans' JSON."""
    return {"text": span.text, "start": span.start, "end": span.end,
            "fragments": None if span.fragments is None else [_span_dict(f) for f in span.fragments]}


@lru_cache(maxsize=None)
def _row_maker(model: type[BaseModel]):
    """A function of a model's field values → its row. The columns are named once per model,
    not once per row (that was most of to_row's time), and each row starts as a copy of one
    with every column empty, in model order (one block copy, where a dict grown key by key is
    resized several times); a span fills its columns only when there is one."""
    plan, empty = [], {}
    for name, info in model.model_fields.items():
        if _is_span(info.annotation):
            columns = tuple(f"{name}_{part}" for part in SPAN_PARTS)
            fragments = f"{name}_fragments" if name in FRAGMENT_SPANS else None
            empty.update(dict.fromkeys((*columns, fragments) if fragments else columns))
            plan.append((name, columns, fragments, True))
        else:
            empty[name] = None
            plan.append((name, None, None, _is_scalar(info.annotation)))

    def row(values: dict[str, Any]) -> dict[str, Any]:
        out = empty.copy()
        for name, columns, fragments, scalar in plan:
            value = values[name]
            if columns is None:  # a str, number or bool is the cell itself; a list or dict, JSON
                out[name] = value if scalar else _json_value(value)
            elif value is not None:
                out[columns[0]], out[columns[1]], out[columns[2]] = value.text, value.start, value.end
                if fragments and value.fragments:
                    out[fragments] = _fragments_json(value.fragments)
        return out

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
