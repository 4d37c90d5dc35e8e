"""Everything Datasette is told about a ledger, in one place.

Datasette 0.65 takes this as `metadata`; 1.0 splits it into datasette.yaml (facets, queries,
sort orders) and metadata (descriptions) — that move is a change to this module only.
Descriptions come from the store's TableSpecs, which take them from the pydantic models.
"""
from __future__ import annotations

import copy
import gc
import hashlib
import re
import sqlite3
import time
from collections import OrderedDict
from functools import cache
from pathlib import Path

from .. import __version__
from ..store.queries import SEARCH_MATCH, SPEAKER_MATCH
from ..store.schema import TABLES

TITLE = "ledger: who said what"
DESCRIPTION = ("Attributed claims found in news articles: who said what, the words that say so, "
               "and character offsets into every source text.")
SOURCE_NOTE = ("Article texts belong to their publishers; each claim quotes its article and links "
               "back to it by id and URL.")
CODE_LICENSE = "Apache-2.0"
CODE_LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"

# What a reader browses by; Datasette 0.65 reads these from table metadata. Claims have 39
# columns: 25 rows a page keeps the table page's HTML (one template call per cell) quick.
TABLE_OPTIONS = {
    "claims": {"facets": ["speaker", "kind", "stance", "cue_lemma", "outlet", "date"], "sort_desc": "date",
               "size": 25},
    "articles": {"facets": ["outlet", "date"], "sort_desc": "date", "label_column": "title"},
    "speakers": {"facets": ["type"], "sort_desc": "claim_count", "label_column": "name"},
    "article_speakers": {"facets": ["type", "speaker_id"], "sort": "article_id"},
    "claim_clusters": {"facets": ["drift", "drift_words", "drift_speakers", "drift_paraphrase", "drift_negation"],
                       "sort_desc": "outlet_count", "label_column": "label"},
    "cluster_members": {"facets": ["kind", "outlet"], "sort": "cluster_id"},
    "date_mentions": {"facets": ["role", "granularity"], "sort": "article_id"},
    "reviews": {"facets": ["status"], "sort_desc": "reviewed_at"},
    "speaker_corrections": {"sort": "id"},
    "ingest_runs": {"sort_desc": "id"},
}
# No default sort on the alias and role views: they are built row by row from JSON lists, so a
# sorted first page reads and sorts every row of the view (half a second at a million claims);
# unsorted, a page reads just its rows. A click on a column still sorts.
VIEW_OPTIONS = {
    "speaker_aliases": {"description": "Every name a speaker goes by, with the article (and its date) that uses it.",
                        "facets": ["speaker_id"]},
    "speaker_roles": {"description": "Every role or title the articles give a speaker, with the article and date.",
                      "facets": ["speaker_id"]},
    "reviewed_claims": {"description": "Claims a reviewer marked (ledger review), with the claim.",
                        "facets": ["status"]},
}

DRIFT_WHAT = ("trim(case when cl.drift_words then 'quoted words differ; ' else '' end"
              " || case when cl.drift_speakers then 'different speakers; ' else '' end"
              " || case when cl.drift_paraphrase then 'quoted by one, paraphrased by another; ' else '' end"
              " || case when cl.drift_negation then 'negated by some, not by others' else '' end, '; ')")

CLAIM_COLUMNS = ("claims.id as claim_id, claims.speaker, claims.kind, claims.cue_text, claims.content_text, "
                 "claims.article_id, articles.title as article_title, claims.outlet, claims.date")

QUERIES = {
    "claims_by_speaker": {
        "title": "Claims by a speaker",
        "description": "Everything one speaker is reported as saying; give a name, id or alias.",
        "sql": f"select {CLAIM_COLUMNS} from claims join articles on articles.id = claims.article_id\n"
               f"where {SPEAKER_MATCH}\norder by claims.date, claims.article_id, claims.content_start",
    },
    "speakers_in_several_articles": {
        "title": "Speakers quoted in more than one article",
        "sql": "select speakers.id as speaker_id, speakers.name, speakers.type,\n"
               "  count(distinct claims.article_id) as articles, count(*) as claims\n"
               "from speakers join claims on claims.speaker_id = speakers.id\n"
               "group by speakers.id having count(distinct claims.article_id) > 1\n"
               "order by articles desc, claims desc, speakers.name",
    },
    "article_claims": {
        "title": "The claims of one article, in reading order",
        "sql": "select claims.content_start, claims.content_end, claims.speaker, claims.kind,\n"
               "  claims.cue_text, claims.content_text, claims.confidence, claims.id as claim_id\n"
               "from claims where claims.article_id = :article_id order by claims.content_start",
    },
    "same_claim_in_several_outlets": {
        "title": "The same claim in several articles and outlets",
        "description": "Statements reported by more than one article (most outlets first), with where and when "
                       "each first appeared.",
        "sql": "select cl.id as cluster_id, cl.label, speakers.name as speaker, cl.first_date,\n"
               "  first.outlet as first_outlet, cl.first_article_id, cl.article_count, cl.outlet_count,\n"
               "  (select group_concat(distinct m.outlet) from cluster_members m where m.cluster_id = cl.id) as outlets,\n"
               f"  {DRIFT_WHAT} as drift\n"
               "from claim_clusters cl join articles first on first.id = cl.first_article_id\n"
               "left join speakers on speakers.id = cl.speaker_id\n"
               "order by cl.outlet_count desc, cl.article_count desc, cl.first_date is null, cl.first_date",
    },
    "quote_drift": {
        "title": "Quote drift",
        "description": "Clusters whose members disagree: other words inside the quotation, another speaker, "
                       "or a quotation that another outlet paraphrases. diff is against the first quotation.",
        "sql": f"select m.cluster_id, {DRIFT_WHAT} as drift, m.is_first, speakers.name as speaker, m.kind,\n"
               "  m.outlet, m.date, m.words, m.diff, m.claim_id, m.article_id\n"
               "from cluster_members m join claim_clusters cl on cl.id = m.cluster_id\n"
               "left join speakers on speakers.id = m.speaker_id\n"
               "where cl.drift = 1\n"
               "order by cl.first_date is null, cl.first_date, m.cluster_id, m.is_first desc, m.date is null, m.date",
    },
    "speaker_timeline": {
        "title": "A speaker's timeline",
        "description": "What one speaker is reported as saying, in the order it was said (the utterance date "
                       "where the article gives one, else the article's date); give a name, id or alias.",
        "sql": "select coalesce(claims.utterance_date, claims.date) as said, claims.utterance_date_mention_text,\n"
               "  claims.speaker, claims.speaker_role, claims.kind, claims.stance, claims.cue_text, claims.content_text,\n"
               "  claims.setting_text, claims.outlet, claims.date as article_date, claims.article_id, claims.id as claim_id\n"
               f"from claims where {SPEAKER_MATCH}\n"
               "order by coalesce(claims.utterance_date_first_day, claims.date) is null,\n"
               "  coalesce(claims.utterance_date_first_day, claims.date), claims.article_id, claims.content_start",
    },
    "term_by_speaker": {
        "title": "Who said what about a term",
        "description": "Claims whose words match a search term, counted by speaker, with the outlets that report them.",
        "sql": "select speakers.name as speaker, claims.speaker_id, count(*) as claims,\n"
               "  count(distinct claims.article_id) as articles, group_concat(distinct claims.outlet) as outlets,\n"
               "  min(claims.date) as first_date, max(claims.date) as last_date\n"
               "from claims left join speakers on speakers.id = claims.speaker_id\n"
               f"where {SEARCH_MATCH}\n"
               "group by claims.speaker_id order by claims desc, speaker",
    },
    "claims_by_stance": {
        "title": "Claims by reporting stance",
        "description": "Claims an outlet reported neutrally (said), strongly (warned), with distance "
                       "(claimed, alleged) or hedged (suggested, is said to).",
        "sql": "select claims.stance, claims.cue_text, claims.speaker, claims.content_text, claims.outlet,\n"
               "  claims.date, claims.article_id, claims.id as claim_id\nfrom claims where claims.stance = :stance\n"
               "order by claims.outlet, claims.date, claims.article_id, claims.content_start",
    },
    "stance_by_outlet": {
        "title": "Reporting stance by outlet",
        "description": "How often each outlet reports with each stance.",
        "sql": "select coalesce(outlet, '(unknown outlet)') as outlet, stance, count(*) as claims\n"
               "from claims where stance is not null group by outlet, stance order by outlet, claims desc",
    },
    "search_claims": {
        "title": "Search claims",
        "description": "Claims whose words, speaker or cue match a search term, with their article.",
        "sql": f"select {CLAIM_COLUMNS}, articles.url as article_url\n"
               f"from claims join articles on articles.id = claims.article_id\nwhere {SEARCH_MATCH}\n"
               "order by claims.date desc, claims.article_id, claims.content_start",
    },
}


def database_name(path: str | Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(path).stem


def table_metadata(name: str) -> dict:
    spec = TABLES[name]
    meta = {"description": spec.description,
            "columns": {c.name: c.description for c in spec.columns.values() if c.description}}
    meta.update(TABLE_OPTIONS.get(name, {}))
    return meta


def build_metadata(db_name: str = "ledger") -> dict:
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE_NOTE,
        "license": f"Code {CODE_LICENSE}; article texts © their publishers",
        "license_url": CODE_LICENSE_URL,
        "about": f"ledger {__version__}",
        "databases": {
            db_name: {
                "description": DESCRIPTION,
                "tables": {**{name: table_metadata(name) for name in TABLES}, **VIEW_OPTIONS},
                "queries": QUERIES,
            }
        },
    }


# Served for reading only: no SQL writes, and the ledger is never altered by serving it.
# suggest_facets is off: suggesting facets runs a GROUP BY over every column of the table on
# every table page (about a second per page on a million claims); the facets we chose are in
# TABLE_OPTIONS. A facet that takes longer than facet_time_limit_ms is listed as timed out
# rather than holding the page (on a mutable ledger; an immutable one keeps its facet counts,
# below); sql_time_limit_ms bounds every other query a reader can send.
# The time and row limits are Datasette's defaults, pinned here so no upgrade loosens them.
# Ten values a facet, not Datasette's 30: each value is a link built and rendered on every
# table page, and six facets of 30 took about a fifth of the claims page's time at a million
# claims. A facet cut short ends in "…", a link to all its values (?_facet_size=max).
SETTINGS = {"allow_download": True, "default_page_size": 50, "suggest_facets": False, "default_facet_size": 10,
            "facet_time_limit_ms": 500, "sql_time_limit_ms": 1000, "max_returned_rows": 1000}

# Aggregates Datasette runs on table pages: row counts and facet counts. On an immutable file
# their answer never changes, so each distinct one is computed once and kept (small results
# only). Being kept, it is given sql_time_limit_ms rather than facet_time_limit_ms: the first
# reader of a large selection waits once, and every later one gets the facet instead of a
# facet that times out on every visit. One that times out even so is reported as timed out,
# without running, for TIMED_OUT_RETRY_S. Reads of the schema (sqlite_master, and a table's
# columns, keys and FTS table: SCHEMA_METHODS) are kept alike: Datasette asks for them
# again on every page, a hundred times on the home and database pages.
AGGREGATE_SQL = re.compile(r"\s*select\s+(?:count\(\*\)\s+from\s|.{1,200}?\s+as\s+value,\s*count\(\*\)\s+as\s+count\s+from\s+\()",
                           re.IGNORECASE | re.DOTALL)
SCHEMA_SQL = re.compile(r"\s*select\s[^;]*?\sfrom\s+sqlite_master\s[^;]*$", re.IGNORECASE)
SCHEMA_METHODS = ("table_columns", "table_column_details", "primary_keys", "fts_table", "foreign_keys_for_table")
AGGREGATES_KEPT = 2000
AGGREGATE_ROWS_KEPT = 1000
TIMED_OUT_RETRY_S = 600


def inspect_file(path: str | Path) -> dict | None:
    """What `datasette inspect` records for one file: table row counts, size and a fingerprint
    (None for a file SQLite cannot read: Datasette then reports the problem as it would).

    With it Datasette takes an immutable ledger's table counts from here instead of running
    `count(*)` per table (its own fallback gives up after 10 ms a table and then shows none).
    The fingerprint (ETag, index page) is the file's size and modification time, not a hash of
    a file that can be gigabytes: it changes whenever the file does."""
    path = Path(path)
    stat = path.stat()
    counts = {}
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        for (table,) in conn.execute("select name from sqlite_master where type = 'table'").fetchall():
            try:
                counts[table] = conn.execute(f"select count(*) from [{table}]").fetchone()[0]
            except sqlite3.OperationalError:  # e.g. an FTS table whose tokenizer is not loaded
                counts[table] = None
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    fingerprint = hashlib.sha256(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()
    return {database_name(path): {"hash": fingerprint, "size": stat.st_size, "file": str(path),
                                  "tables": {t: {"count": n} for t, n in counts.items()}}}


@cache
def _immutable_database_class():
    # here, not at import: see publish/__init__.py
    from datasette.database import Database, QueryInterrupted

    class ImmutableLedger(Database):
        """A Datasette database over a file that cannot change: its aggregate queries (row and
        facet counts; AGGREGATE_SQL) and schema reads are answered from memory after the first time."""

        def __init__(self, ds, path):
            super().__init__(ds, path=path, is_mutable=False)
            # (sql, params, …) → Results, or (when it timed out, the QueryInterrupted)
            self._aggregates: OrderedDict = OrderedDict()

        def _keep(self, key, value):
            self._aggregates[key] = value
            self._aggregates.move_to_end(key)
            if len(self._aggregates) > AGGREGATES_KEPT:
                self._aggregates.popitem(last=False)

        async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                          log_sql_errors=True):
            def run(time_limit):
                return super(ImmutableLedger, self).execute(
                    sql, params, truncate=truncate, custom_time_limit=time_limit, page_size=page_size,
                    log_sql_errors=log_sql_errors)

            if not (AGGREGATE_SQL.match(sql) or SCHEMA_SQL.match(sql)):
                return await run(custom_time_limit)
            frozen = tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params or ())
            key = (sql, frozen, truncate, page_size)
            kept = self._aggregates.get(key)
            if isinstance(kept, tuple):
                when, error = kept
                if time.monotonic() - when < TIMED_OUT_RETRY_S:
                    raise error
            elif kept is not None:
                self._aggregates.move_to_end(key)
                return kept
            try:
                results = await run(None)  # sql_time_limit_ms, not the facet limit: see AGGREGATE_SQL
            except QueryInterrupted as error:
                self._keep(key, (time.monotonic(), error))
                raise
            if len(results.rows) <= AGGREGATE_ROWS_KEPT:
                self._keep(key, results)
            return results

    def kept_schema(name):
        read = getattr(Database, name)

        async def method(self, table):
            key = (name, table)
            if key not in self._aggregates:
                self._keep(key, await read(self, table))
            value = self._aggregates[key]
            return copy.deepcopy(value) if isinstance(value, (list, dict)) else value
        return method

    for name in SCHEMA_METHODS:
        setattr(ImmutableLedger, name, kept_schema(name))
    return ImmutableLedger


def make_datasette(path: str | Path, *, immutable: bool = False):
    """A Datasette for one ledger. Mutable files are opened read-only, so an ingest running
    alongside shows up on reload; `immutable` suits a published copy: table counts are taken
    once at start (as `datasette inspect` would), row and facet counts are kept once computed,
    and the objects made so far are frozen out of Python's garbage collection (gc.freeze:
    they live as long as the server process does)."""
    from datasette.app import Datasette  # here, not at import: see publish/__init__.py

    path = str(path)
    files, immutables = ([], [path]) if immutable else ([path], [])
    inspect_data = inspect_file(path) if immutable and Path(path).is_file() else None
    ds = Datasette(files, immutables=immutables, metadata=build_metadata(database_name(path)),
                   settings=SETTINGS, inspect_data=inspect_data)
    ds.ledger_read_only = True  # the plugin then refuses anything but GET and HEAD (405)
    if immutable:
        # the same database, kept in its place, with aggregates remembered
        ledger = _immutable_database_class()(ds, path)
        databases = OrderedDict()
        for name, db in ds.databases.items():
            if db.path == path and not db.is_mutable:
                ledger.name, ledger.route = db.name, db.route
                db = ledger
            databases[name] = db
        ds.databases = databases
        # Python's full collections come every few dozen requests and scan every object: about
        # 50 ms on a table page, the slowest twentieth of requests. Frozen, the long-lived
        # objects (Datasette, plugins, metadata) are no longer scanned; garbage is collected first.
        gc.collect()
        gc.freeze()
    return ds
