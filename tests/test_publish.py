import asyncio
import json

import pytest
import sqlite_utils
import uvicorn
from click.testing import CliRunner
from conftest import make_article, make_claim

from ledger.cli import cli
from ledger.models import Claim
from ledger.publish import plugin
from ledger.publish.config import QUERIES, build_metadata, make_datasette


def fetch(ledger_path, *paths):
    """GET each path from a Datasette over the ledger, in-process (no network)."""
    async def run():
        ds = make_datasette(ledger_path)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]
    return asyncio.run(run())


def rows(response):
    assert response.status_code == 200, response.text
    return response.json()


def test_metadata_descriptions_come_from_the_models():
    meta = build_metadata("ledger")
    tables = meta["databases"]["ledger"]["tables"]
    assert tables["claims"]["columns"]["speaker"] == Claim.model_fields["speaker"].description
    assert tables["claims"]["columns"]["content_start"].startswith("content: where it starts")
    assert tables["claims"]["facets"] == ["speaker", "kind", "stance", "cue_lemma", "outlet", "date"]
    assert tables["articles"]["label_column"] == "title" and tables["speakers"]["label_column"] == "name"
    assert set(meta["databases"]["ledger"]["queries"]) == {
        "claims_by_speaker", "speakers_in_several_articles", "article_claims", "search_claims",
        "same_claim_in_several_outlets", "quote_drift", "speaker_timeline", "term_by_speaker",
        "claims_by_stance", "stance_by_outlet"}
    assert tables["speaker_roles"]["description"].startswith("Every role")


def test_claims_table_with_facets_and_labels(ledger_path):
    table, labelled = fetch(ledger_path, "/ledger/claims.json",
                            "/ledger/claims.json?_shape=array&_labels=on&article_id=fidan")
    data = rows(table)
    assert len(data["rows"]) == 5
    assert set(data["facet_results"]) == {"speaker", "kind", "stance", "cue_lemma", "outlet", "date"}
    speakers = {f["value"]: f["count"] for f in data["facet_results"]["speaker"]["results"]}
    assert speakers == {"Jeff Flake": 3, "Hakan Fidan": 1, "John Kirby": 1}
    first = rows(labelled)[0]
    assert first["article_id"] == {"value": "fidan", "label": "Fidan offers to mediate"}


def test_canned_queries(ledger_path):
    by_alias, several, reading, search, bad_search = fetch(
        ledger_path,
        "/ledger/claims_by_speaker.json?_shape=array&speaker=Flake",
        "/ledger/speakers_in_several_articles.json?_shape=array",
        "/ledger/article_claims.json?_shape=array&article_id=flake",
        "/ledger/search_claims.json?_shape=array&q=diplomacy",
        "/ledger/search_claims.json?_shape=array&q=%22unbalanced",
    )
    assert {r["speaker"] for r in rows(by_alias)} == {"Jeff Flake"} and len(rows(by_alias)) == 3
    assert [(r["speaker_id"], r["articles"], r["claims"]) for r in rows(several)] == [("jeff-flake", 2, 3)]
    starts = [r["content_start"] for r in rows(reading)]
    assert len(starts) == 3 and starts == sorted(starts)
    [hit] = rows(search)
    assert (hit["speaker"], hit["article_title"], hit["content_text"]) == (
        "John Kirby", "Ankara talks", "Diplomacy is working")
    assert rows(bad_search) == []


def test_every_canned_query_runs(ledger_path):
    params = "speaker=x&article_id=x&q=x&stance=x"
    for response in fetch(ledger_path, *(f"/ledger/{name}.json?{params}" for name in QUERIES)):
        assert response.status_code == 200, response.text


def test_plugin_renders_alias_lists(ledger_path):
    [page] = fetch(ledger_path, "/ledger/speakers")
    assert page.status_code == 200
    assert "Jeff Flake · Flake" in page.text
    assert str(plugin.alias_list('["<b>A</b>", "B"]')) == "&lt;b&gt;A&lt;/b&gt; · B"
    cell = dict(row={}, database="ledger", datasette=None)
    assert plugin.render_cell(value='["A"]', column="aliases", table="other_table", **cell) is None
    assert plugin.render_cell(value="not json", column="roles", table="speakers", **cell) is None


def test_metadata_command_prints_json_and_yaml(tmp_path):
    result = CliRunner().invoke(cli, ["metadata", str(tmp_path / "news.db")])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == build_metadata("news")
    yaml_out = CliRunner().invoke(cli, ["metadata", "news.db", "--yaml"]).stdout
    assert "claims_by_speaker:" in yaml_out


def test_serve_help():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "[default: 127.0.0.1]" in result.stdout and "[default: 8001" in result.stdout


def test_serve_starts_datasette_on_localhost(ledger_path, monkeypatch):
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["serve", str(ledger_path)])
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8001)
    assert started["app"] is not None


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.write_text("not a database" * 100)])
def test_serve_refuses_what_is_not_a_ledger(tmp_path, make):
    path = tmp_path / "x.db"
    make(path)
    result = CliRunner().invoke(cli, ["serve", str(path)])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output


def test_served_read_only(ledger_path):
    assert make_datasette(ledger_path).databases["ledger"].is_mutable  # opened mode=ro, sees new ingests
    assert not make_datasette(ledger_path, immutable=True).databases["ledger"].is_mutable
    [write] = fetch(ledger_path, "/ledger.json?sql=delete+from+claims")
    assert write.status_code == 400
    assert len(rows(fetch(ledger_path, "/ledger/claims.json?_shape=array")[0])) == 5


def fetch_immutable(ledger_path, *paths):
    """Like fetch, from a Datasette over the ledger as a published (immutable) copy."""
    async def run():
        ds = make_datasette(ledger_path, immutable=True)
        await ds.invoke_startup()
        return ds, [await ds.client.get(p) for p in paths]
    return asyncio.run(run())


def test_no_facet_suggestions_but_the_chosen_facets(ledger_path):
    # suggesting facets runs a GROUP BY over every column on every table page (a second per
    # page on a million claims)
    [table] = fetch(ledger_path, "/ledger/claims.json")
    data = rows(table)
    assert data["suggested_facets"] == []
    assert set(data["facet_results"]) == {"speaker", "kind", "stance", "cue_lemma", "outlet", "date"}


def test_immutable_ledger_counts_once_and_keeps_facet_counts(ledger_path, monkeypatch):
    from datasette.database import Database

    ran = []
    execute = Database.execute

    async def counting(self, sql, *args, **kwargs):
        ran.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", counting)
    ds, (first, again, home) = fetch_immutable(ledger_path, "/ledger/claims.json", "/ledger/claims.json", "/")
    assert ds.inspect_data["ledger"]["tables"]["claims"]["count"] == 5
    assert rows(first)["filtered_table_rows_count"] == 5  # from the counts taken at start
    assert not [sql for sql in ran if "count(*) from" in sql and "as count" not in sql]
    facet_sql = [sql for sql in ran if "as value, count(*) as count" in sql]
    assert len(facet_sql) == 6  # each facet once: the second page reused them
    [mutable] = fetch(ledger_path, "/ledger/claims.json")
    assert rows(first)["facet_results"] == rows(again)["facet_results"] == rows(mutable)["facet_results"]
    assert ">5 claims</a>" in home.text and ">2 articles</a>" in home.text


def test_immutable_ledger_remembers_a_facet_that_timed_out(ledger_path, monkeypatch):
    from datasette.database import Database, QueryInterrupted

    tried = []
    execute = Database.execute

    async def slow_speaker_facet(self, sql, *args, **kwargs):
        if "[speaker] as value" in sql or "speaker as value" in sql:
            tried.append(sql)
            raise QueryInterrupted(None, sql, None)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", slow_speaker_facet)
    _, (first, again) = fetch_immutable(ledger_path, "/ledger/claims.json", "/ledger/claims.json")
    for response in (first, again):
        assert set(rows(response)["facet_results"]) == {"kind", "stance", "cue_lemma", "outlet", "date"}
    assert len(tried) == 1  # not tried again on the second page


def test_speaker_timeline_shows_the_latest_claims(ledger_path, monkeypatch):
    from ledger.publish import pages

    monkeypatch.setattr(pages, "TIMELINE_LIMIT", 2)
    [page] = fetch(ledger_path, "/ledger/-/speaker/jeff-flake")
    assert page.status_code == 200
    assert "<p>3 claims in 2 articles" in page.text  # the count is of all the speaker's claims
    timeline = page.text.split('<ol class="timeline">')[1]
    assert timeline.count("/ledger/-/claim/") == 2
    assert "2024-04-15" in timeline  # the latest article (Fidan's) is in
    # and the page says it shows only the latest, with a link to them all
    assert "The latest 2 of 3 claims, by article date" in page.text
    assert 'href="/ledger/claims?speaker_id=jeff-flake"' in page.text


def test_search_says_when_it_ranked_only_the_latest_matches(ledger_path, monkeypatch):
    from ledger.publish import pages

    [full] = fetch(ledger_path, "/ledger/-/search?q=diplomacy")
    assert "claims match: these are the best among" not in full.text
    monkeypatch.setattr(pages, "RANK_WINDOW", 0)
    [windowed] = fetch(ledger_path, "/ledger/-/search?q=diplomacy")
    assert "More than 0 claims match: these are the best among the 0 stored last." in windowed.text
    assert "/ledger/claims?_search=diplomacy" in windowed.text


def test_facets_show_ten_values_and_link_to_the_rest(tmp_path):
    from ledger.store import ensure_db, ingest_article

    path = tmp_path / "ledger.db"
    db = ensure_db(sqlite_utils.Database(path))
    for k in range(12):  # twelve outlets, one claim each
        text = f"“Talks go on,” said Jeff Flake in report {k}."
        article = make_article(f"a{k}", text, date="2024-04-14", outlet=f"Outlet {k:02d}")
        ingest_article(db, article, [make_claim(article, "Talks go on", speaker="Jeff Flake", cue="said")])
    db.close()
    short, full, page = fetch(path, "/ledger/claims.json", "/ledger/claims.json?_facet_size=max",
                              "/ledger/claims")
    outlets = rows(short)["facet_results"]["outlet"]
    assert len(outlets["results"]) == 10 and outlets["truncated"]
    assert len(rows(full)["facet_results"]["outlet"]["results"]) == 12
    assert not rows(full)["facet_results"]["outlet"]["truncated"]
    assert "_facet_size=max" in page.text  # the "…" at the end of the outlet facet
