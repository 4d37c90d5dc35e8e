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
    "claims": {"facets": ["speaker", "kind", "stance", "cue_lemma", "outlet", "date"], "sort_desc": "date"},
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
VIEW_OPTIONS = {
    "speaker_aliases": {"description": "Every name a speaker goes by, with the article (and its date) that uses it.",
                        "facets": ["speaker_id"], "sort": "alias"},
    "speaker_roles": {"description": "Every role or title the articles give a speaker, with the article and date.",
                      "facets": ["speaker_id"], "sort": "date"},
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
SETTINGS = {"allow_download": True, "default_page_size": 50, "facet_time_limit_ms": 500}


def make_datasette(path: str | Path, *, immutable: bool = False):
    """A Datasette for one ledger. Mutable files are opened read-only, so an ingest running
    alongside shows up on reload; `immutable` suits a published copy (faster counts)."""
    from datasette.app import Datasette  # here, not at import: see publish/__init__.py

    path = str(path)
    files, immutables = ([], [path]) if immutable else ([path], [])
    return Datasette(files, immutables=immutables, metadata=build_metadata(database_name(path)),
                     settings=SETTINGS)
