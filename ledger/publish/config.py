"""Everything Datasette is told about a ledger, in one place.

Datasette 0.65 takes this as `metadata`; 1.0 splits it into datasette.yaml (facets, queries,
sort orders) and metadata (descriptions) — that move is a change to this module only.
Descriptions come from the store's TableSpecs, which take them from the pydantic models.
"""
from __future__ import annotations

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

# What a reader browses by; Datasette 0.65 reads these from table metadata.
TABLE_OPTIONS = {
    "claims": {"facets": ["speaker", "kind", "cue_lemma", "outlet", "date"], "sort_desc": "date"},
    "articles": {"facets": ["outlet", "date"], "sort_desc": "date", "label_column": "title"},
    "speakers": {"facets": ["type"], "sort_desc": "claim_count", "label_column": "name"},
    "speaker_aliases": {"facets": ["speaker_id"], "sort": "alias"},
    "ingest_runs": {"sort_desc": "id"},
}

CLAIM_COLUMNS = ("claims.id, claims.speaker, claims.kind, claims.cue_text, claims.content_text, "
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
        "sql": "select speakers.id, speakers.name, speakers.type,\n"
               "  count(distinct claims.article_id) as articles, count(*) as claims\n"
               "from speakers join claims on claims.speaker_id = speakers.id\n"
               "group by speakers.id having count(distinct claims.article_id) > 1\n"
               "order by articles desc, claims desc, speakers.name",
    },
    "article_claims": {
        "title": "The claims of one article, in reading order",
        "sql": "select claims.content_start, claims.content_end, claims.speaker, claims.kind,\n"
               "  claims.cue_text, claims.content_text, claims.confidence, claims.id\n"
               "from claims where claims.article_id = :article_id order by claims.content_start",
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
                "tables": {name: table_metadata(name) for name in TABLES},
                "queries": QUERIES,
            }
        },
    }


# Served for reading only: no SQL writes, and the ledger is never altered by serving it.
SETTINGS = {"allow_download": True, "default_page_size": 50, "facet_time_limit_ms": 500}


def make_datasette(path: str | Path, *, immutable: bool = False):
    """A Datasette for one ledger. Mutable files are opened read-only, so an ingest running
    alongside shows up on reload; `immutable` suits a published copy (faster counts)."""
    from datasette.app import Datasette  # here, not at import: see publish/__init__.py

    path = str(path)
    files, immutables = ([], [path]) if immutable else ([path], [])
    return Datasette(files, immutables=immutables, metadata=build_metadata(database_name(path)),
                     settings=SETTINGS)
