"""The ledger's own Datasette pages: a claim in its article, an article with all its claims, a
speaker, a cluster, and search. Each handler reads with Datasette's read-only connection and
renders a template that escapes everything it is given.
"""
from __future__ import annotations

import asyncio
import json
import weakref
from urllib.parse import quote, unquote

from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from ..export.citation import cite
from ..store.queries import CLAIMS_WITH_ARTICLE
from .highlight import CLOSE, OPEN, Mark, marked_html, pieces
from .links import page_path, search_path, web_url

SEARCH_LIMIT = 100
# Ranking costs FTS5 about a microsecond per match (bm25), so a word found in hundreds of
# thousands of claims is ranked among its RANK_WINDOW most recently stored matches; a search
# with fewer matches than that is ranked exactly as before.
RANK_WINDOW = 5_000
# A speaker's timeline shows their latest claims (by article date); the claims table has them all.
TIMELINE_LIMIT = 100
HOME_LIST = 10
LEAD_WORDS = 10
# Parts of a claim marked in its article, and the words that name them in the key.
CLAIM_PARTS = {"content": "what was said", "speaker_mention": "who", "cue": "cue",
               "addressee_mention": "to whom", "utterance_date_mention": "when", "setting": "where"}


def article_label(article: dict) -> str:
    """An article's title; an untitled one is named by its first words, marked as such."""
    if article.get("title"):
        return article["title"]
    words = " ".join((article.get("lead") or article.get("text") or "").split()[:LEAD_WORDS])
    return f"Untitled: {words}…" if words else article["id"]


async def ledger_database(datasette, route: str):
    """The served database at `route`, if it is a ledger; else 404."""
    try:
        db = datasette.get_database(route=tilde_decode(route))
    except KeyError:
        raise NotFound(f"No database {route!r}")
    if not await _has_ledger_tables(db):
        raise NotFound(f"{db.name} is not a ledger")
    return db


async def is_ledger(datasette, name: str | None) -> bool:
    db = datasette.databases.get(name) if name else None
    return bool(db) and await _has_ledger_tables(db)


# Databases found to be ledgers: render_cell asks for every linked cell, and a ledger stays one.
_LEDGERS: weakref.WeakSet = weakref.WeakSet()


async def _has_ledger_tables(db) -> bool:
    if db in _LEDGERS:
        return True
    if await db.table_exists("claims") and await db.table_exists("articles"):
        _LEDGERS.add(db)
        return True
    return False


async def _open(datasette, request) -> tuple:
    """(database, Pages, the id in the URL) for one of the ledger's pages."""
    db = await ledger_database(datasette, request.url_vars["database"])
    return db, Pages(datasette, request, db), unquote(request.url_vars.get("id", ""))


async def _article(db, id: str) -> dict:
    article = await one(db, "select * from articles where id = :id", {"id": id}, "article")
    article.update(href=web_url(article["url"]), label=article_label(article))
    return article


# Every article's version of one statement (a cluster's members), with the claim's words.
MEMBERS = """select m.*, c.speaker, c.content_text, c.cue_text, a.title as article_title
from cluster_members m join claims c on c.id = m.claim_id join articles a on a.id = m.article_id
where m.cluster_id = :cluster"""


async def rows(db, sql: str, params: dict | None = None) -> list[dict]:
    result = await db.execute(sql, params or {})
    return [dict(zip(result.columns, row)) for row in result.rows]


async def one(db, sql: str, params: dict, what: str) -> dict:
    found = await rows(db, sql, params)
    if not found:
        raise NotFound(f"No {what} {params.get('id')!r}")
    return found[0]


class Pages:
    """Links and rendering for one request on one ledger database."""

    def __init__(self, datasette, request, db):
        self.datasette, self.request, self.db = datasette, request, db
        self.base = datasette.urls.database(db.name)

    def url(self, page: str, id) -> str | None:
        return page_path(self.base, page, id) if id is not None else None

    async def render(self, template: str, **context) -> Response:
        context.update(database=self.db.name, ledger=self,
                       search_url=search_path(self.base), database_url=self.base)
        html = await self.datasette.render_template(template, context, request=self.request)
        return Response.html(html)


def claim_marks(claim: dict) -> list[Mark]:
    """The claim's parts as marks. Content split around its cue ("Tehran is said to have
    fired …") is marked fragment by fragment, so the cue between is not marked as content."""
    marks = []
    for part, title in CLAIM_PARTS.items():
        start, end = claim.get(f"{part}_start"), claim.get(f"{part}_end")
        if start is None or end is None:
            continue
        kind = part.removesuffix("_mention").replace("utterance_date", "date")
        for s, e in content_spans(claim) if part == "content" else [(start, end)]:
            marks.append(Mark(s, e, kind, title=title))
    return marks


def content_spans(claim: dict) -> list[tuple[int, int]]:
    fragments = json.loads(claim.get("content_fragments") or "[]")
    return [(f["start"], f["end"]) for f in fragments] or [(claim["content_start"], claim["content_end"])]


async def claim_page(datasette, request):
    db, pages, id = await _open(datasette, request)
    claim = await one(db, f"{CLAIMS_WITH_ARTICLE} where claims.id = :id", {"id": id}, "claim")
    article = await _article(db, claim["article_id"])
    review = (await rows(db, "select * from reviews where claim_id = :id", {"id": id}) or [None])[0]
    versions = []
    if claim.get("cluster_id"):
        versions = await rows(db, f"{MEMBERS} order by m.date is null, m.date, m.article_id",
                              {"cluster": claim["cluster_id"]})
    speaker_claims = 0
    if claim.get("speaker_id"):
        speaker_claims = (await db.execute("select count(*) from claims where speaker_id = :s",
                                           {"s": claim["speaker_id"]})).single_value()
    marks = claim_marks(claim)
    link = datasette.absolute_url(request, pages.url("claim", id))
    return await pages.render(
        "ledger_claim.html", claim=claim, article=article, review=review, versions=versions,
        speaker_claims=speaker_claims, citation=cite(claim, link), parts=CLAIM_PARTS,
        sentence=pieces(claim["sentence_text"], marks, offset=claim["sentence_start"]),
        text=pieces(article["text"], marks))


async def article_page(datasette, request):
    db, pages, id = await _open(datasette, request)
    article = await _article(db, id)
    claims = await rows(db, f"{CLAIMS_WITH_ARTICLE} where claims.article_id = :id "
                            "order by claims.content_start, claims.content_end", {"id": id})
    marks = []
    for number, claim in enumerate(claims, 1):
        claim["number"] = number
        title = f"{number}. {claim.get('speaker') or 'unattributed'} ({claim['kind']}, {claim.get('cue_text') or 'no cue'})"
        for i, (start, end) in enumerate(content_spans(claim)):
            marks.append(Mark(start, end, "content", href=pages.url("claim", claim["id"]), title=title,
                              number=None if i else number))
    return await pages.render("ledger_article.html", article=article, claims=claims,
                              text=pieces(article["text"], marks))


async def speaker_page(datasette, request):
    db, pages, id = await _open(datasette, request)
    speaker = await one(db, "select * from speakers where id = :id", {"id": id}, "speaker")
    params = {"id": id}
    # The queries are independent: run side by side on Datasette's read threads.
    aliases, roles, count, claims, outlets, clusters = await asyncio.gather(
        rows(db, """select alias, count(distinct article_id) as articles, min(date) as first_date
            from speaker_aliases where speaker_id = :id group by alias order by articles desc, alias""", params),
        # each role once, where it first appears: a speaker quoted in thousands of articles has
        # a few roles, not thousands of lines
        rows(db, """select role, article_id, date, outlet from (
              select role, article_id, date, outlet,
                row_number() over (partition by role order by date is null, date, article_id) as nth
              from speaker_roles where speaker_id = :id)
            where nth = 1 order by date is null, date, article_id""", params),
        db.execute("select count(*) from claims where speaker_id = :id", params),
        # the latest TIMELINE_LIMIT claims by article date (all of them for most speakers), in
        # the order they were said
        rows(db, f"""{CLAIMS_WITH_ARTICLE} where claims.rowid in (
              select rowid from claims where speaker_id = :id order by date desc limit :limit)
            order by coalesce(claims.utterance_date_first_day, claims.date) is null,
              coalesce(claims.utterance_date_first_day, claims.date), claims.article_id, claims.content_start""",
             {**params, "limit": TIMELINE_LIMIT}),
        rows(db, """select coalesce(outlet, '(outlet unknown)') as outlet, count(*) as claims,
            count(distinct article_id) as articles from claims where speaker_id = :id
            group by outlet order by claims desc, outlet""", params),
        rows(db, """select * from claim_clusters where id in
            (select cluster_id from cluster_members where speaker_id = :id)
            order by drift desc, outlet_count desc, first_date""", params))
    timeline: list[tuple[str, list[dict]]] = []
    for claim in claims:
        said = claim.get("utterance_date") or claim.get("date") or "undated"
        if not timeline or timeline[-1][0] != said:
            timeline.append((said, []))
        timeline[-1][1].append(claim)
    return await pages.render("ledger_speaker.html", speaker=speaker, aliases=aliases, roles=roles,
                              timeline=timeline, claim_count=count.single_value(), shown=len(claims),
                              all_claims=f"{datasette.urls.table(db.name, 'claims')}?speaker_id={quote(id)}",
                              outlets=outlets, clusters=clusters)


async def cluster_page(datasette, request):
    db, pages, id = await _open(datasette, request)
    cluster = await one(db, """select cl.*, speakers.name as speaker from claim_clusters cl
        left join speakers on speakers.id = cl.speaker_id where cl.id = :id""", {"id": id}, "cluster")
    members = await rows(db, f"{MEMBERS} order by m.is_first desc, m.date is null, m.date, m.article_id",
                         {"cluster": id})
    return await pages.render("ledger_cluster.html", cluster=cluster, members=members)


# The best :limit matches first (rowids only), then their rows and highlights: joining and
# highlighting every match before the limit costs as much as the matches number.
SEARCH_CLAIMS = """with hits as (
    select rowid, rank from (select rowid, rank from claims_fts where claims_fts match escape_fts(:q)
                             order by rowid desc limit :window)
    order by rank limit :limit)
  select claims.id, claims.article_id, claims.speaker_id, claims.kind,
    claims.cue_text, claims.outlet, claims.date, claims.speaker, articles.title as article_title,
    highlight(claims_fts, 0, :open, :close) as content_hl,
    highlight(claims_fts, 1, :open, :close) as speaker_hl
  from hits cross join claims_fts on claims_fts.rowid = hits.rowid
  join claims on claims.rowid = hits.rowid join articles on articles.id = claims.article_id
  where claims_fts match escape_fts(:q) order by hits.rank"""
SEARCH_ARTICLES = """with hits as (
    select rowid, rank from (select rowid, rank from articles_fts where articles_fts match escape_fts(:q)
                             order by rowid desc limit :window)
    order by rank limit :limit)
  select articles.id, articles.outlet, articles.date, articles.claim_count,
    highlight(articles_fts, 0, :open, :close) as title_hl
  from hits cross join articles_fts on articles_fts.rowid = hits.rowid
  join articles on articles.rowid = hits.rowid
  where articles_fts match escape_fts(:q) order by hits.rank"""
# Whether more claims match than were ranked: counted no further than that, so it stays cheap.
SEARCH_WINDOW = """select count(*) from (select 1 from claims_fts where claims_fts match escape_fts(:q)
  limit :window + 1)"""


async def search_page(datasette, request):
    db, pages, _ = await _open(datasette, request)
    q = (request.args.get("q") or "").strip()
    claims, articles, windowed = [], [], False
    if q:
        marks = {"open": OPEN, "close": CLOSE, "q": q, "limit": SEARCH_LIMIT, "window": RANK_WINDOW}
        claims, articles, matched = await asyncio.gather(
            rows(db, SEARCH_CLAIMS, marks), rows(db, SEARCH_ARTICLES, marks), db.execute(SEARCH_WINDOW, marks))
        windowed = matched.single_value() > RANK_WINDOW
        for row in claims:
            row["content_html"] = marked_html(row.pop("content_hl"))
            row["speaker_html"] = marked_html(row.pop("speaker_hl"))
        for row in articles:
            row["title_html"] = marked_html(row.pop("title_hl"))
    return await pages.render("ledger_search.html", q=q, claims=claims, articles=articles,
                              limit=SEARCH_LIMIT, windowed=windowed, window=RANK_WINDOW, table_search=f"{datasette.urls.table(db.name, 'claims')}")


async def home(datasette, name: str) -> dict:
    """What the home page shows of one ledger: counts, latest articles, most quoted speakers."""
    db = datasette.get_database(name)
    base = datasette.urls.database(name)
    # an immutable ledger's counts were taken once when it was opened (make_datasette)
    known = db.cached_table_counts if not db.is_mutable else None
    counts = {t: known[t] if known and known.get(t) is not None
              else (await db.execute(f"select count(*) from [{t}]")).single_value()
              for t in ("articles", "claims", "speakers", "claim_clusters")}
    # the latest dated articles, then undated ones: two queries, each able to walk the date index
    # (one ordered by `date is null` first sorts every article, reading its text)
    lead = "select id, title, substr(text, 1, 200) as lead, outlet, date, claim_count from articles"
    articles = await rows(db, f"{lead} where date is not null order by date desc, id limit :n", {"n": HOME_LIST})
    if len(articles) < HOME_LIST:
        articles += await rows(db, f"{lead} where date is null order by id limit :n",
                               {"n": HOME_LIST - len(articles)})
    speakers = await rows(db, "select id, name, claim_count, article_count from speakers "
                              "order by claim_count desc, name limit :n", {"n": HOME_LIST})
    for a in articles:
        a.update(url=page_path(base, "article", a["id"]), label=article_label(a))
    for s in speakers:
        s["url"] = page_path(base, "speaker", s["id"])
    return {"name": name, "counts": counts, "articles": articles, "speakers": speakers,
            "search_url": search_path(base),
            "tables": {t: datasette.urls.table(name, t) for t in ("claims", "articles", "speakers", "claim_clusters")}}
