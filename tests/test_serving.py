"""Serving safely (issue 7, item 5): `ledger serve` listens on 127.0.0.1 unless told otherwise,
the published ledger cannot be changed through any page, slow queries are stopped, big results
capped, and what readers type (search words, ids in page URLs) is shown as text."""
from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner

from ledger.cli import cli
from ledger.publish.config import QUERIES, SETTINGS, build_metadata, make_datasette

LEDGER = [sys.executable, "-c", "from ledger.cli import cli; cli(prog_name='ledger')"]
TIMEOUT = 120  # only there so a broken run fails instead of hanging


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(path: Path) -> list[str]:
    """Everything SQLite reads from the ledger (schema and rows), through a fresh connection:
    a write that only reached the WAL shows up here even when the main file is unchanged."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def run_client(db: Path, requests):
    """Send (method, path, data) requests to a Datasette over db, in-process; the responses."""
    async def go():
        ds = make_datasette(db)
        await ds.invoke_startup()
        out = []
        for method, path, data in requests:
            if method == "GET":
                out.append(await ds.client.get(path, follow_redirects=True))
            else:
                out.append(await ds.client.post(path, data=data))
        return out
    return asyncio.run(asyncio.wait_for(go(), TIMEOUT))


# --- where it listens ----------------------------------------------------------------------

def test_serve_listens_on_localhost_by_default():
    params = {p.name: p for p in cli.commands["serve"].params}
    assert params["host"].default == "127.0.0.1"


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp* gives them) with a socket listening on port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_a_real_ledger_serve_listens_on_127_0_0_1_only(ledger_path, tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([*LEDGER, "serve", str(ledger_path), "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ledger/claims.json?_shape=array",
                                            timeout=5) as response:
                    assert len(json.load(response)) == 5
                break
            except OSError:
                assert time.monotonic() < deadline, "ledger serve never answered"
                time.sleep(0.2)
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no wildcard or IPv6 socket
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)
        log.close()


# --- nothing writes ------------------------------------------------------------------------

def test_no_write_plugins_no_write_queries_and_limits_set(ledger_path):
    queries = build_metadata("ledger")["databases"]["ledger"]["queries"]
    assert queries == QUERIES and not any(q.get("write") for q in queries.values())
    assert all(q["sql"].lstrip().lower().startswith(("select", "with")) for q in queries.values())
    assert SETTINGS["sql_time_limit_ms"] <= 1000 and SETTINGS["max_returned_rows"] <= 1000
    plugins, settings, databases = run_client(ledger_path, [
        ("GET", "/-/plugins.json", None), ("GET", "/-/settings.json", None), ("GET", "/-/databases.json", None)])
    # only our plugin (its pages read through Datasette's read-only connection, see below)
    assert [p["name"] for p in plugins.json()] == ["ledger"]
    assert {k: settings.json()[k] for k in SETTINGS} == SETTINGS
    [db] = databases.json()
    assert db["is_mutable"] and not db["is_memory"]  # opened from the file with mode=ro: reads only


WRITES = [
    "insert into reviews (claim_id, status, reviewed_at) values ('flake', 'wrong', 'now')",
    "update claims set content_text = 'changed'",
    "delete from claims",
    "drop table claims",
    "create table evil (x)",
    "replace into speakers (id, name, type) values ('x', 'x', 'person')",
    "attach database '{tmp}/evil.db' as evil",
    "pragma writable_schema = 1",
    "pragma journal_mode = delete",
    "vacuum",
    "vacuum into '{tmp}/copy.db'",
    "reindex",
    "analyze",
    "begin immediate",
    "insert into claims_fts (claims_fts) values ('rebuild')",
    # a statement starting with WITH passes Datasette's check: the read-only connection stops it
    "with x as (select 1) delete from claims",
    "with x as (select 1) update claims set speaker = 'changed'",
    "with x as (select 1) insert into reviews select id, 'wrong', null, 'now' from claims",
    "with x as (select 1) insert into claims_fts (claims_fts) values ('delete-all')",
    "select 1; delete from claims",
    "select * from pragma_writable_schema",
    "select load_extension('{tmp}/evil')",
    "explain delete from claims",
]


def test_sql_through_the_pages_cannot_change_the_file(ledger_path, tmp_path):
    before_bytes, before_rows = sha256(ledger_path), contents(ledger_path)
    files_before = {p.name for p in ledger_path.parent.iterdir()}
    con = sqlite3.connect(ledger_path)
    claim_id = con.execute("select id from claims order by id limit 1").fetchone()[0]
    con.close()
    gets = [("GET", "/ledger.json?" + urlencode({"sql": sql.format(tmp=tmp_path)}), None) for sql in WRITES]
    gets += [("GET", "/ledger?" + urlencode({"sql": sql.format(tmp=tmp_path)}), None) for sql in WRITES[:4]]
    gets += [
        ("GET", "/ledger/claims.json?" + urlencode({"_where": "1); delete from claims; --"}), None),
        ("GET", "/ledger/claims.json?" + urlencode({"_where": "id in (select id from claims); drop table claims"}),
         None),
    ]
    bound = [  # canned query parameters are bound, never spliced into the SQL: harmless reads
        ("GET", "/ledger/claims_by_speaker.json?" + urlencode({"speaker": "x'); delete from claims; --"}), None),
        ("GET", "/ledger/search_claims.json?" + urlencode({"q": "x'); drop table claims; --"}), None),
    ]
    # every route Datasette 0.65 and the plugin answer, POSTed to with SQL in the body
    posts = ["/", "/ledger", "/ledger.json", "/ledger/claims", "/ledger/claims.json", f"/ledger/claims/{claim_id}",
             "/ledger.db", "/-/messages", "/-/permissions", "/-/allow-debug", "/-/auth-token", "/-/logout",
             "/ledger/-/search", f"/ledger/-/claim/{claim_id}", "/ledger/-/article/flake",
             "/ledger/-/speaker/jeff-flake"] + [f"/ledger/{name}" for name in QUERIES]
    body = {"sql": "delete from claims", "speaker": "x", "q": "x", "article_id": "x", "stance": "x"}
    responses = run_client(ledger_path, gets + bound + [("POST", path, body) for path in posts])
    for (_, path, _), response in zip(gets, responses):  # refused (a few with 500: still refused)
        assert response.status_code >= 400, (path, response.status_code, response.text[:300])
    for (_, path, _), response in zip(bound, responses[len(gets):]):
        assert response.status_code == 200 and response.json()["rows"] == [], path
    # every other method is refused before Datasette sees it (left to itself, Datasette 0.65
    # answers some POSTs with a 500)
    for path, response in zip(posts, responses[len(gets) + len(bound):]):
        assert response.status_code == 405, (path, response.status_code, response.text[:300])
    assert sha256(ledger_path) == before_bytes
    assert contents(ledger_path) == before_rows
    new_files = {p.name for p in ledger_path.parent.iterdir()} - files_before
    assert new_files <= {"ledger.db-wal", "ledger.db-shm"}  # a reader's WAL index, nothing else
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "evil.db").exists()


def test_a_slow_query_is_stopped_and_a_huge_result_capped(ledger_path):
    forever = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
    huge = "with recursive r(i) as (select 1 union all select i + 1 from r limit 100000) select i from r"
    slow, big, table = run_client(ledger_path, [
        ("GET", "/ledger.json?" + urlencode({"sql": forever}), None),  # never ends unless interrupted
        ("GET", "/ledger.json?" + urlencode({"sql": huge}), None),
        ("GET", "/ledger/claims.json?_size=max", None),
    ])
    assert slow.status_code == 400 and "SQL query took too long" in slow.text
    assert big.status_code == 200
    assert big.json()["truncated"] is True and len(big.json()["rows"]) == SETTINGS["max_returned_rows"]
    assert table.status_code == 200 and len(table.json()["rows"]) == 5


# --- what readers type is shown as text ----------------------------------------------------

PAYLOAD = '"><script>window.pwned=5</script><b>x</b>'
ATTRIBUTE = 'x" autofocus onfocus="window.pwned=6'


def test_search_words_are_escaped_in_every_search(ledger_path):
    pages = [f"/ledger/-/search?{urlencode({'q': q})}" for q in (PAYLOAD, ATTRIBUTE, "said " + PAYLOAD)]
    pages += [f"/ledger/claims?{urlencode({'_search': PAYLOAD})}", f"/ledger/claims?{urlencode({'speaker': PAYLOAD})}",
              f"/ledger/search_claims?{urlencode({'q': PAYLOAD})}",
              f"/ledger/claims_by_speaker?{urlencode({'speaker': ATTRIBUTE})}"]
    for (_, path, _), response in zip([("GET", p, None) for p in pages],
                                      run_client(ledger_path, [("GET", p, None) for p in pages])):
        html = response.text
        assert response.status_code == 200, path
        assert "<script>window.pwned" not in html and "<b>x</b>" not in html, path
        assert 'onfocus="window.pwned' not in html, path
    search = run_client(ledger_path, [("GET", pages[0], None)])[0].text
    assert "&lt;script&gt;window.pwned=5&lt;/script&gt;" in search  # shown, as text


def test_ids_in_page_urls_are_escaped(ledger_path):
    pages = [f"/ledger/-/{page}/{quote(PAYLOAD, safe='')}" for page in ("claim", "article", "speaker", "cluster")]
    for path, response in zip(pages, run_client(ledger_path, [("GET", p, None) for p in pages])):
        assert response.status_code == 404, path
        assert "<script>window.pwned" not in response.text and "<b>x</b>" not in response.text, path


def test_an_article_whose_id_is_markup_is_shown_as_text(tmp_path):
    src = tmp_path / "markup.jsonl"
    doc_id = "<script>window.pwned=7</script>"
    src.write_text(json.dumps({"id": doc_id, "title": "Calm", "text":
                               'Calm\n"We want calm," John Kirby said on Tuesday.'}) + "\n", encoding="utf-8")
    db = tmp_path / "ledger.db"
    result = CliRunner().invoke(cli, ["ingest", str(db), str(src)])
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(db)
    [(claim_id,)] = con.execute("select id from claims where article_id = ?", [doc_id]).fetchall()
    con.close()
    pages = ["/", "/ledger/articles", "/ledger/claims", f"/ledger/-/article/{quote(doc_id, safe='')}",
             f"/ledger/-/claim/{claim_id}", "/ledger/-/speaker/john-kirby", "/ledger/-/search?q=calm",
             f"/ledger/article_claims?{urlencode({'article_id': doc_id})}"]
    for path, response in zip(pages, run_client(db, [("GET", p, None) for p in pages])):
        assert response.status_code == 200, path
        assert "<script>window.pwned" not in response.text, path
    article, table = (r.text for r in run_client(db, [("GET", pages[3], None), ("GET", pages[1], None)]))
    assert "We want calm" in article  # the id went through the page URL and back
    assert "&lt;script&gt;window.pwned=7&lt;/script&gt;" in article and "&lt;script&gt;window.pwned=7" in table


def test_only_the_ledgers_own_datasette_refuses_other_methods(ledger_path):
    # the plugin is installed into Datasette itself: someone else's Datasette (with a write
    # plugin of its own, say) must keep its methods
    from datasette.app import Datasette

    async def post(ds):
        await ds.invoke_startup()
        return await ds.client.post("/ledger/claims", data={"x": "1"})

    ours = asyncio.run(post(make_datasette(ledger_path)))
    theirs = asyncio.run(post(Datasette([str(ledger_path)])))
    assert ours.status_code == 405 and ours.headers["allow"] == "GET, HEAD"
    assert theirs.status_code != 405


def test_immutable_serving_first_empties_the_write_ahead_log_into_the_file(ledger_path):
    from ledger.store import LedgerError
    from ledger.store.db import checkpoint

    writer = sqlite3.connect(ledger_path)  # left open, so closing it cannot checkpoint for us
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    claim_id = writer.execute("select id from claims limit 1").fetchone()[0]
    writer.execute("insert into reviews (claim_id, status, reviewed_at) values (?, 'confirmed', 'now')", [claim_id])
    writer.commit()
    wal = ledger_path.parent / "ledger.db-wal"
    assert wal.stat().st_size > 0

    def immutable_reviews():  # how Datasette's immutable mode reads the file: the log unread
        con = sqlite3.connect(f"{ledger_path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            return con.execute("select count(*) from reviews").fetchone()[0]
        finally:
            con.close()

    assert immutable_reviews() == 0
    checkpoint(ledger_path)
    assert immutable_reviews() == 1 and wal.stat().st_size == 0
    writer.execute("delete from reviews")
    writer.commit()  # in the log, not yet in the file
    writer.execute("begin immediate")  # and an ingest in the middle of a group
    writer.execute("insert into reviews (claim_id, status, reviewed_at) values (?, 'wrong', 'now')", [claim_id])
    with pytest.raises(LedgerError, match="is being written to"):
        checkpoint(ledger_path)
    writer.rollback()
    writer.close()
