"""The plugin's pages through datasette.client (in-process): claim, article, speaker, cluster
and search pages, links from tables and queries, escaping of untrusted article text, and
every page kind within two clicks of the home page. The same pages in a real browser:
test_browser.py."""
from __future__ import annotations

import asyncio
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlite_utils
from click.testing import CliRunner

from ledger.cli import cli
from ledger.export.citation import cite
from ledger.publish.config import make_datasette
from ledger.publish.highlight import CLOSE, OPEN, Mark, marked_html, pieces
from ledger.publish.links import cell_target, page_path, web_url

ROOT = Path(__file__).resolve().parent.parent
CROSSCHECK = ROOT / "tests" / "fixtures" / "crosscheck"
XSS = ('<script>window.pwned = 1</script>Markup test\n'
       'The minister said "<b>we</b> will <img src=x onerror="window.pwned=2">never give up" on Monday.')


def ingest(db: Path, *paths) -> Path:
    result = CliRunner().invoke(cli, ["ingest", str(db), *map(str, paths)])
    assert result.exit_code == 0, result.output
    return db


def fetch(db: Path, *paths):
    async def run():
        ds = make_datasette(db)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]
    return asyncio.run(run())


def page(db: Path, path: str) -> str:
    [response] = fetch(db, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.text


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    return ingest(tmp_path_factory.mktemp("pages") / "ledger.db", ROOT / "seeds")


@pytest.fixture(scope="module")
def crosscheck_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crosscheck")
    shutil.copytree(CROSSCHECK, folder / "articles")
    return ingest(folder / "ledger.db", ROOT / "seeds", folder / "articles")


def one_claim(db: Path, where: str = "1") -> dict:
    return next(sqlite_utils.Database(db).query(f"select * from claims where {where} order by article_id, content_start"))


# --- pure parts ----------------------------------------------------------------------------

def test_pieces_cut_at_every_mark_and_keep_the_text():
    text = "Flake said \"we want calm\" today."
    marks = [Mark(11, 25, "content", href="/c/1", number=1), Mark(0, 5, "speaker"), Mark(6, 10, "cue"),
             Mark(12, 14, "content", href="/c/2", number=2)]  # a claim inside another
    got = pieces(text, marks)
    assert "".join(p.text for p in got) == text
    by_text = {p.text: p for p in got}
    assert by_text["Flake"].classes == "hl-speaker" and by_text["said"].classes == "hl-cue"
    assert by_text["we"].link.href == "/c/2"  # the innermost claim wins the click
    assert [m.number for m in by_text["\""].starts] == [1]
    assert by_text[" want calm\""].link.href == "/c/1" and not by_text[" want calm\""].starts
    assert by_text[" today."].marks == ()


def test_pieces_of_a_sentence_use_article_offsets_and_clip():
    text = "0123456789" * 3
    sentence = text[10:20]
    got = pieces(sentence, [Mark(5, 15, "content"), Mark(18, 40, "cue"), Mark(25, 28, "cue"),
                            Mark(12, 12, "cue")], offset=10)
    assert [(p.text, p.classes) for p in got] == [
        ("01234", "hl-content"), ("567", ""), ("89", "hl-cue")]


def test_marked_html_escapes_first_and_restores_only_the_marks():
    raw = f"<script>x</script> {OPEN}tension{CLOSE} & {OPEN}<b>calm</b>{CLOSE}"
    assert marked_html(raw) == ("&lt;script&gt;x&lt;/script&gt; <mark>tension</mark> &amp; "
                                "<mark>&lt;b&gt;calm&lt;/b&gt;</mark>")
    # stray or unbalanced markers never leave an element open or close one that is not
    assert marked_html(f"a{CLOSE}b{OPEN}c") == "ab<mark>c</mark>"
    assert marked_html(f"{OPEN}{OPEN}x{CLOSE}{CLOSE}") == "<mark>x</mark>"
    assert marked_html(None) == ""


def test_only_web_urls_are_linked():
    assert web_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "", None, "example.org"):
        assert web_url(bad) is None


def test_cells_that_link_to_pages():
    assert cell_target("claims", "content_text") == ("claim", "id")
    assert cell_target("claims", "speaker") == ("speaker", "speaker_id")
    assert cell_target(None, "claim_id") == ("claim", "claim_id")  # a canned query's column
    assert cell_target("speakers", "aliases") is None and cell_target("claims", "kind") is None
    assert page_path("/ledger", "article", "a b/é") == "/ledger/-/article/a%20b%2F%C3%A9"


def test_citation_says_what_kind_of_words_and_what_is_unknown():
    claim = {"kind": "direct", "content_text": '"We want\n calm."', "speaker": "Jeff Flake",
             "speaker_role": "US ambassador", "cue_text": "said", "article_id": "a1", "article_title": "Talks",
             "outlet": "TRT World", "date": "2024-04-14", "article_url": "https://trt.example/t"}
    assert cite(claim, "http://x/ledger/-/claim/1") == (
        "“We want calm.” — Jeff Flake, US ambassador. Source: TRT World, 2024-04-14, “Talks”, "
        "https://trt.example/t. Ledger: http://x/ledger/-/claim/1")
    reported = cite({**claim, "kind": "indirect", "content_text": "that talks go on", "outlet": None,
                     "date": None, "article_title": None, "article_url": None, "speaker": None,
                     "speaker_role": None, "utterance_date": "2024-04-10"})
    assert reported == ("Unattributed, said (reported speech, not verbatim): that talks go on [said 2024-04-10]. "
                        "Source: outlet unknown, date unknown, untitled article a1.")


# --- pages ---------------------------------------------------------------------------------

def test_claim_page_shows_the_claim_in_its_article(seeds_db):
    claim = one_claim(seeds_db, "speaker = 'Jeff Flake' and kind = 'direct'")
    html = page(seeds_db, f"/ledger/-/claim/{claim['id']}")
    sentence = html.split('<blockquote class="sentence">')[1].split("</blockquote>")[0]
    marked = dict((cls, unescape(t)) for cls, t in re.findall(r'<mark class="hl ([^"]+)"[^>]*>([^<]*)</mark>', sentence))
    assert marked["hl-content"] == claim["content_text"]
    assert marked["hl-speaker"] == claim["speaker_mention_text"] and marked["hl-cue"] == claim["cue_text"]
    article_text = html.split('id="article-text">')[1].split("</div>")[0]
    assert unescape(re.sub(r"<[^>]+>", "", article_text)) == one_article(seeds_db, claim["article_id"])["text"]
    links = hrefs(html)
    for target in ("/ledger/-/speaker/jeff-flake", f"/ledger/-/article/{claim['article_id']}",
                   f"/ledger/claims/{claim['id']}.json"):
        assert target in links
    assert "US Ambassador to Turkey" in html and "not reviewed" in html and "neutral" in html


def one_article(db: Path, id: str) -> dict:
    return sqlite_utils.Database(db)["articles"].get(id)


def test_claim_page_shows_review_and_other_versions(crosscheck_db):
    db = sqlite_utils.Database(crosscheck_db)
    member = next(db.query("select m.claim_id, m.cluster_id from cluster_members m "
                           "join claim_clusters c on c.id = m.cluster_id where not m.is_first limit 1"))
    result = CliRunner().invoke(cli, ["review", str(crosscheck_db), member["claim_id"], "--status", "confirmed",
                                      "--note", "checked <against> the wire"])
    assert result.exit_code == 0, result.output
    html = page(crosscheck_db, f"/ledger/-/claim/{member['claim_id']}")
    assert "review-confirmed" in html and "checked &lt;against&gt; the wire" in html
    assert f"/ledger/-/cluster/{member['cluster_id']}" in hrefs(html)
    others = [m["claim_id"] for m in db["cluster_members"].rows_where("cluster_id = ?", [member["cluster_id"]])]
    for other in set(others) - {member["claim_id"]}:
        assert f"/ledger/-/claim/{other}" in hrefs(html)  # one click to each other outlet's version


def test_article_page_links_every_claim_in_reading_order(seeds_db):
    article = "002_5bdcfbadbaa5bb7e"
    html = page(seeds_db, f"/ledger/-/article/{article}")
    ids = [r["id"] for r in sqlite_utils.Database(seeds_db).query(
        "select id from claims where article_id = ? order by content_start, content_end", [article])]
    text = html.split('<div class="article-text">')[1].split("</div>")[0]
    linked = re.findall(r'href="/ledger/-/claim/([^"]+)"', text)
    assert list(dict.fromkeys(linked)) == ids
    assert re.findall(r'<sup class="claim-number">(\d+)</sup>', text) == [str(i) for i in range(1, len(ids) + 1)]
    assert "Blinken calls Turkey&#39;s Fidan" in html


def test_untitled_article_is_named_by_its_first_words(seeds_db):
    html = page(seeds_db, "/ledger/-/article/000_ac3a93ca44e0a098")
    assert "<h1>Untitled: The assassination attempt on Hamas&#39; political leader Ismail Haniyeh, backed…</h1>" in html


def test_speaker_page(crosscheck_db):
    db = sqlite_utils.Database(crosscheck_db)
    speaker = next(db.query("select speaker_id, count(distinct coalesce(outlet, '')) n from claims where speaker_id is not null "
                            "and speaker_id in (select speaker_id from cluster_members) "
                            "group by speaker_id order by n desc limit 1"))
    html = page(crosscheck_db, f"/ledger/-/speaker/{speaker['speaker_id']}")
    claims = [r["id"] for r in db["claims"].rows_where("speaker_id = ?", [speaker["speaker_id"]])]
    assert {f"/ledger/-/claim/{c}" for c in claims} <= set(hrefs(html))
    for alias in db.query("select distinct alias from speaker_aliases where speaker_id = ?", [speaker["speaker_id"]]):
        assert f'<span class="alias">{alias["alias"]}</span>' in unescape(html)
    outlets = html.split('<table class="outlets">')[1].split("</table>")[0]
    assert outlets.count("<tr>") == 1 + speaker["n"]
    assert "/ledger/-/cluster/" in html and "Roles over time" in html


def test_cluster_page_lists_every_version(crosscheck_db):
    db = sqlite_utils.Database(crosscheck_db)
    cluster = next(db.query("select * from claim_clusters where drift = 1 order by outlet_count desc limit 1"))
    html = page(crosscheck_db, f"/ledger/-/cluster/{cluster['id']}")
    members = list(db["cluster_members"].rows_where("cluster_id = ?", [cluster["id"]]))
    assert len(members) == cluster["size"] and "drift:" in html
    for m in members:
        assert f"/ledger/-/claim/{m['claim_id']}" in hrefs(html)


def test_search_highlights_matches(seeds_db):
    html = page(seeds_db, "/ledger/-/search?q=tension")
    results = html.split('<ul class="results">')[1].split("</ul>")[0]
    assert re.findall(r"<mark>([^<]+)</mark>", results) and {
        m.lower() for m in re.findall(r"<mark>([^<]+)</mark>", results)} == {"tension"}
    assert "/ledger/-/speaker/jeff-flake" in hrefs(results)
    assert "No claim matches" in page(seeds_db, "/ledger/-/search?q=%22unbalanced")  # FTS syntax escaped
    assert "claims</h2>" not in page(seeds_db, "/ledger/-/search")


def test_missing_things_are_404(seeds_db, tmp_path):
    for path in ("/ledger/-/claim/nope", "/ledger/-/article/nope", "/ledger/-/speaker/nope",
                 "/ledger/-/cluster/nope", "/nodb/-/claim/x"):
        [response] = fetch(seeds_db, path)
        assert response.status_code == 404, path
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["claims"].insert({"id": 1})
    async def run():
        from datasette.app import Datasette
        ds = Datasette([str(seeds_db), str(other)])
        await ds.invoke_startup()
        return (await ds.client.get("/other/-/claim/1")).status_code, (await ds.client.get("/other/claims")).text
    status, table = asyncio.run(run())
    assert status == 404 and "/other/-/claim/" not in table  # no links into a database that is not a ledger


def test_tables_and_queries_link_to_the_pages(seeds_db):
    claim = one_claim(seeds_db, "speaker = 'Hakan Fidan'")
    claims_table = page(seeds_db, "/ledger/claims?speaker_id=hakan-fidan")
    links = hrefs(claims_table)
    assert f"/ledger/-/claim/{claim['id']}" in links and "/ledger/-/speaker/hakan-fidan" in links
    assert f"/ledger/-/article/{claim['article_id']}" in links
    exports = claims_table.split('<p class="ledger-exports">')[1].split("</p>")[0]
    assert [h.split("?")[0] for h in hrefs(exports)] == ["/ledger/claims.csv", "/ledger/claims.json"]
    assert all("_labels=on" in h and "speaker_id=hakan-fidan" in h for h in hrefs(exports))
    assert "/ledger/-/speaker/hakan-fidan" in hrefs(page(seeds_db, "/ledger/speakers"))
    assert f"/ledger/-/article/{claim['article_id']}" in hrefs(page(seeds_db, "/ledger/articles"))
    row = page(seeds_db, f"/ledger/claims/{claim['id']}")
    assert f"/ledger/-/claim/{claim['id']}" in hrefs(row)
    query = page(seeds_db, "/ledger/speaker_timeline?speaker=Fidan")  # canned queries link by column name
    assert f"/ledger/-/claim/{claim['id']}" in hrefs(query)
    assert f"/ledger/-/article/{claim['article_id']}" in hrefs(query)
    several = page(seeds_db, "/ledger/speakers_in_several_articles")
    assert "/ledger/-/speaker/jeff-flake" not in hrefs(several)  # seeds: Flake is in one article only


def test_untrusted_article_text_is_shown_as_text(tmp_path):
    src = tmp_path / "xss.txt"
    src.write_text(XSS)
    (tmp_path / "manifest.json").write_text('{"xss.txt": {"title": "<i>T</i>", "outlet": "<b>O</b>", '
                                            '"url": "javascript:window.pwned=3"}}')
    db = ingest(tmp_path / "xss.db", tmp_path)
    [claim] = sqlite_utils.Database(db)["claims"].rows
    assert "<b>we</b>" in claim["content_text"]  # the quote really carries the markup
    for path in (f"/xss/-/claim/{claim['id']}", "/xss/-/article/xss", f"/xss/-/speaker/{claim['speaker_id']}",
                 "/xss/-/search?q=never", "/xss/-/search?q=minister", "/", "/xss/claims", "/xss/articles"):
        html = page(db, path)
        assert "<script>window.pwned" not in html and "<b>we</b>" not in html and "<img src=x" not in html, path
        assert "<i>T</i>" not in html and "<b>O</b>" not in html and 'href="javascript:' not in html, path
    html = page(db, "/xss/-/article/xss")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html and "&lt;b&gt;we&lt;/b&gt;" in html
    assert "<h1>&lt;i&gt;T&lt;/i&gt;</h1>" in html and "&lt;b&gt;O&lt;/b&gt;" in html


def test_every_page_kind_within_two_clicks_of_home(crosscheck_db):
    """Breadth-first from / over links and the search form: each kind of page within 2 steps."""
    async def crawl():
        ds = make_datasette(crosscheck_db)
        await ds.invoke_startup()
        seen, frontier, reached = {"/"}, ["/"], {}
        for depth in (1, 2):
            nxt = []
            for path in frontier:
                html = (await ds.client.get(path)).text
                steps = hrefs(html) + [a + "?q=Flake" for a in re.findall(r'<form class="ledger-search" action="([^"]+)"', html)]
                for href in steps:
                    url = urljoin("http://localhost" + path, href)
                    target = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
                    if urlsplit(url).netloc != "localhost" or target in seen:
                        continue
                    seen.add(target)
                    kind = re.match(r"/ledger/-/(claim|article|speaker|cluster|search)\b", target)
                    if kind:
                        reached.setdefault(kind.group(1), (depth, target))
                    if depth == 1 and not target.endswith((".json", ".csv", ".db")) and "/-/static" not in target:
                        nxt.append(target)
            frontier = nxt
        return reached
    reached = asyncio.run(crawl())
    assert set(reached) == {"claim", "article", "speaker", "cluster", "search"}, reached
    assert all(depth <= 2 for depth, _ in reached.values())
