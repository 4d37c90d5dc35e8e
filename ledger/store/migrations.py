"""Schema changes as sqlite-utils migrations, each recorded in the ledger (`_sqlite_migrations`).

The shape itself stays data (schema.py TABLES, VIEWS). One migration brings any ledger to
that shape: it creates the tables, columns, indexes, full-text indexes and views it lacks, and
is named after a fingerprint of the shape, so a change to the data (a new model field is a new
column) is a new pending migration, applied once and recorded. Steps the shape cannot express
(moving rows, filling a new column from old ones) are named migrations, in the order the
project made them. Nothing here deletes a reader's work: `reviews` and `speaker_corrections`
are only ever created or widened.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .schema import FTS_TOKENIZE, TABLES, VIEWS

MIGRATIONS = Migrations("ledger")


def shape_fingerprint() -> str:
    """What the shape migration can build: tables, column names and types, indexes, FTS, views."""
    shape = {
        "tables": {name: {"columns": [[c.name, c.type.__name__] for c in spec.columns.values()],
                          "indexes": spec.all_indexes, "fts": spec.fts}
                   for name, spec in TABLES.items()},
        "views": VIEWS, "fts_tokenize": FTS_TOKENIZE,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]


def ensure_table(db: sqlite_utils.Database, name: str) -> None:
    """The table as TABLES describes it: created if missing, else given the columns it lacks."""
    spec = TABLES[name]
    table = db.table(name)
    columns = {c.name: c.type for c in spec.columns.values()}
    if not table.exists():
        table.create(columns, pk=spec.pk, foreign_keys=spec.foreign_keys,
                     not_null=spec.not_null, column_order=list(columns))
    else:
        have = {c.name for c in table.columns}
        for col, col_type in columns.items():
            if col not in have:
                table.add_column(col, col_type)
    for index in spec.all_indexes:
        table.create_index(index, if_not_exists=True)


def apply_shape(db: sqlite_utils.Database) -> None:
    """Create what the ledger lacks of TABLES and VIEWS; what is there already is left alone."""
    for name in TABLES:  # dict order puts referenced tables first
        ensure_table(db, name)
    for name, spec in TABLES.items():
        if spec.fts:
            # replace=True is a no-op when the index already matches, and rebuilds it
            # (triggers included) when the FTS columns change.
            db.table(name).enable_fts(spec.fts, create_triggers=True, tokenize=FTS_TOKENIZE, replace=True)
    for name, sql in VIEWS.items():
        if name in db.table_names():
            db[name].drop()  # a table by a view's name: what a named step should have moved
        db.create_view(name, sql, replace=True)  # left alone when its SQL is the same
    index_foreign_keys(db)


def index_foreign_keys(db: sqlite_utils.Database) -> None:
    """An index for every foreign key no index starts with already. (sqlite-utils' own adds a
    one-column index beside a compound one that serves as well: one more to write per row.)"""
    for name in TABLES:
        table = db.table(name)
        starts = {tuple(index.columns[:n]) for index in table.indexes for n in range(1, len(index.columns) + 1)}
        for fk in table.foreign_keys:
            if tuple(fk.columns) not in starts:
                table.create_index(fk.columns, find_unique_name=True)


def covered_indexes(db: sqlite_utils.Database) -> list[str]:
    """Our tables' indexes whose columns begin a longer index: that one answers their look-ups."""
    out = []
    for name in TABLES:
        indexes = [i for i in db.table(name).indexes if not i.name.startswith("sqlite_autoindex") and not i.unique]
        for index in indexes:
            if any(other.columns[:len(index.columns)] == index.columns and len(other.columns) > len(index.columns)
                   for other in indexes):
                out.append(index.name)
    return out


# --- 0.3.0: each article's own speakers (article_speakers); speaker_aliases becomes a view ---
@MIGRATIONS(name="0.3.0 article_speakers from the speaker_aliases table")
def article_speakers_from_aliases_table(db: sqlite_utils.Database) -> None:
    """0.1 and 0.2 kept `speaker_aliases` as a table (speaker, alias, article); 0.3 keeps each
    article's speakers in `article_speakers` and derives speaker_aliases from it. The old
    rows move over, so an upgraded ledger's speakers keep their aliases (and the links and
    pages that read them work) before any re-ingest."""
    if "speaker_aliases" not in db.table_names():
        return
    ensure_table(db, "article_speakers")
    ensure_table(db, "claims")  # claims.speaker_key, the article's own speaker
    aliases = defaultdict(list)
    for speaker_id, alias, article_id in db.execute(
            "select speaker_id, alias, article_id from speaker_aliases order by rowid"):
        aliases[(article_id, speaker_id)].append(alias)
    groups: dict[tuple, dict] = {}
    for article_id, speaker_id, role, name, type_ in db.execute(
            "select c.article_id, c.speaker_id, c.speaker_role, s.name, s.type from claims c "
            "join speakers s on s.id = c.speaker_id order by c.rowid"):
        row = groups.setdefault((article_id, speaker_id), {
            "article_id": article_id, "local_id": speaker_id, "speaker_id": speaker_id, "name": name,
            "type": type_, "aliases": aliases.get((article_id, speaker_id)) or [name], "roles": [],
            "claim_count": 0})
        row["claim_count"] += 1
        if role and role not in row["roles"]:
            row["roles"].append(role)
    db.table("article_speakers").insert_all(
        ({**r, "aliases": json.dumps(r["aliases"], ensure_ascii=False),
          "roles": json.dumps(r["roles"], ensure_ascii=False)} for r in groups.values()), ignore=True)
    db.execute("update claims set speaker_key = speaker_id where speaker_key is null and speaker_id is not null")
    db["speaker_aliases"].drop()


# --- the current shape (see the module docstring) ----------------------------------------
MIGRATIONS(name=f"shape {shape_fingerprint()}")(apply_shape)


# --- 0.3.0, later: utterance_date_first_day and drift_negation (35396ed) --------------------
@MIGRATIONS(name="0.3.0 utterance_date_first_day filled from utterance_date")
def fill_utterance_first_day(db: sqlite_utils.Database) -> None:
    """Timelines sort by the first day an utterance date covers; claims written before the
    column existed have the date but not its first day, and an unchanged article is never
    re-extracted to fill it."""
    from ..resolve.dating import first_day

    rows = list(db.execute("select id, utterance_date from claims "
                           "where utterance_date is not null and utterance_date_first_day is null"))
    db.conn.executemany("update claims set utterance_date_first_day = ? where id = ?",
                        [(first_day(value), id) for id, value in rows])


@MIGRATIONS(name="0.3.0 clusters re-linked for drift_negation")
def relink_for_negation_drift(db: sqlite_utils.Database) -> None:
    """Clusters made before negation drift was checked have no drift_negation; linking again
    fills it (and applies the corrections in order, as linking does since). Only such ledgers
    are re-linked: the links are rebuilt from the stored rows and corrections, nothing is lost."""
    if db.execute("select count(*) from claim_clusters where drift_negation is null").fetchone()[0] == 0:
        return
    from .link import link_ledger

    link_ledger(db)


# --- 0.4.0: compound indexes for the published pages (issue 6) -----------------------------
@MIGRATIONS(name="0.4.0 indexes covered by a compound one dropped")
def drop_covered_indexes(db: sqlite_utils.Database) -> None:
    """claims(cue_lemma), claims(outlet) and the one-column foreign-key indexes are served by
    the compound indexes that start with the same column: keeping both only slows ingest."""
    for name in covered_indexes(db):
        db.execute(f"drop index [{name}]")


def pending(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations this ledger has not had (read only)."""
    return [m.name for m in MIGRATIONS.pending(db)]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations, each in its own transaction with its record; returns their
    names. Nothing pending, nothing written."""
    names = pending(db)
    if names:
        MIGRATIONS.apply(db)
    return names
