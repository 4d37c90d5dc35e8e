"""Migrations (issue 7, item 6): ledgers written by older versions (tests/fixtures/old_ledgers/,
built by old commits of this repository) upgrade in place through the migrations recorded in
`_sqlite_migrations`, keeping review marks and speaker corrections; applying them again does
nothing; serving a ledger never migrates it."""
from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
from pathlib import Path

import sqlite_utils
import uvicorn
from click.testing import CliRunner

from ledger.cli import cli
from ledger.publish.config import make_datasette
from ledger.resolve.dating import first_day
from ledger.store import TABLES, Column, TableSpec, ensure_db, open_ledger
from ledger.store import migrations
from ledger.store.db import up_to_date
from ledger.store.schema import VIEWS

ROOT = Path(__file__).resolve().parent.parent
OLD = Path(__file__).resolve().parent / "fixtures" / "old_ledgers"
SEEDS = ROOT / "seeds"
CROSSCHECK = Path(__file__).resolve().parent / "fixtures" / "crosscheck"
TRT = "001_38f1a92d52f135e4"  # the seed that quotes Amirabdollahian and "Iranian government officials"
ALL_MIGRATIONS = [m.name for m in migrations.MIGRATIONS._migrations]


def run(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def old_ledger(tmp_path: Path, name: str) -> Path:
    """A copy of an old ledger (the fixture itself is never opened for writing)."""
    path = tmp_path / "ledger.db"
    shutil.copyfile(OLD / name, path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def marks(path: Path) -> tuple[list, list]:
    return (query(path, "select claim_id, status, note, reviewed_at from reviews order by claim_id"),
            query(path, "select id, action, speaker, name, article_id, created from speaker_corrections order by id"))


def assert_current_shape(path: Path) -> None:
    db = sqlite_utils.Database(path)
    assert up_to_date(db)
    for name, spec in TABLES.items():
        assert set(spec.columns) <= set(db[name].columns_dict), name
    assert set(VIEWS) <= set(db.view_names()) and not set(VIEWS) & set(db.table_names())
    assert [r["name"] for r in db["_sqlite_migrations"].rows_where(order_by="id")] == ALL_MIGRATIONS
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("pragma foreign_key_check").fetchall() == []
    for name, spec in TABLES.items():  # the indexes it asks for, and none made redundant by them
        have = {tuple(i.columns) for i in db[name].indexes}
        assert {tuple(i) for i in spec.all_indexes} <= have, name
    assert migrations.covered_indexes(db) == []
    db.close()


def corrections_in_effect(path: Path) -> None:
    """The 0.3 fixture's merge (Amirabdollahian is "Iranian government officials") and split
    (Gulf Wire's "Flake" is not Jeff Flake) as the links show them."""
    [(merged,)] = query(path, "select count(distinct speaker_id) from claims where article_id = ? and speaker in "
                              "('Hossein Amirabdollahian', 'Iranian government officials')", [TRT])
    assert merged == 1
    [(gulf,)] = query(path, "select speaker_id from article_speakers where article_id = '102_gulf_wire' "
                            "and name = 'Flake'")
    assert gulf != "jeff-flake"


def test_fixtures_are_old_and_small():
    for name in ("0.2.0.db", "0.3.0-6181fa1.db"):
        assert (OLD / name).stat().st_size < 1_000_000
        db = sqlite_utils.Database(sqlite3.connect(f"{(OLD / name).resolve().as_uri()}?mode=ro", uri=True))
        assert "_sqlite_migrations" not in db.table_names() and not up_to_date(db)
        db.close()


def test_a_0_3_ledger_upgrades_in_place_keeping_reviews_and_corrections(tmp_path):
    path = old_ledger(tmp_path, "0.3.0-6181fa1.db")
    reviews, corrections = marks(path)
    assert len(reviews) == 3 and [c[1] for c in corrections] == ["merge", "split"]
    dated = query(path, "select id, utterance_date from claims where utterance_date is not null")
    assert dated and "utterance_date_first_day" not in {c[1] for c in query(path, "pragma table_info(claims)")}

    run("speakers", "list", path)  # any command that opens the ledger for writing upgrades it

    assert_current_shape(path)
    assert marks(path) == (reviews, corrections)
    assert query(path, "select id, utterance_date_first_day from claims where utterance_date is not null "
                       "order by id") == sorted((id, first_day(value)) for id, value in dated)
    assert query(path, "select count(*) from claim_clusters where drift_negation is null") == [(0,)]
    assert query(path, "select count(*) from claim_clusters") == [(3,)]
    corrections_in_effect(path)
    assert query(path, "select count(*) from reviewed_claims where content_text is not null") == [(3,)]

    # a re-ingest (with a new article, so linking runs again) keeps every mark and correction
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "105_new.txt").write_text('Talks go on\n"We will keep talking," Hakan Fidan told reporters.\n',
                                       encoding="utf-8")
    out = run("ingest", path, SEEDS, CROSSCHECK, extra)
    assert "8 read: 1 new" in out and "0 failed" in out and "linked:" in out
    after_reviews, after_corrections = marks(path)
    assert after_corrections == corrections
    if "7 unchanged" in out:  # same extractor as the fixture's: nothing re-extracted, marks as they were
        assert after_reviews == reviews
    else:  # a newer extractor re-extracts: each mark is kept, following its claim if it moved
        assert sorted(r[1] for r in after_reviews) == sorted(r[1] for r in reviews)
    corrections_in_effect(path)
    reviewed, stored = (query(path, sql) for sql in ("select claim_id from reviews", "select id from claims"))
    assert set(reviewed) <= set(stored)  # each mark still on its claim
    assert_current_shape(path)


def ledger_rows(path: Path) -> dict[str, list]:
    """Column names (an upgraded table keeps them in another order), then the rows."""
    con = sqlite3.connect(path)
    out = {}
    for table in ("articles", "claims", "speakers", "article_speakers", "date_mentions", "claim_clusters",
                  "cluster_members"):
        cols = sorted(r[1] for r in con.execute(f"pragma table_info({table})") if r[1] != "ingested_at")
        out[table] = [cols] + sorted(con.execute(f"select {', '.join(cols)} from {table}").fetchall(), key=repr)
    con.close()
    return out


def test_a_0_2_ledger_upgrades_and_a_reingest_gives_what_a_new_ledger_holds(tmp_path):
    path = old_ledger(tmp_path, "0.2.0.db")
    aliases = query(path, "select speaker_id, alias, article_id from speaker_aliases order by 1, 2, 3")
    assert query(path, "select type from sqlite_master where name = 'speaker_aliases'") == [("table",)]

    open_ledger(path).close()

    assert_current_shape(path)
    # the 0.2 aliases moved into article_speakers, and the speaker_aliases view still lists them
    assert query(path, "select speaker_id, alias, article_id from speaker_aliases order by 1, 2, 3") == aliases
    assert query(path, "select count(*) from claims where speaker_id is not null and speaker_key is null") == [(0,)]
    flake = query(path, "select id from claims where speaker_id = 'jeff-flake' order by id limit 1")[0][0]
    run("review", path, flake, "--status", "confirmed", "--note", "marked after the upgrade")
    run("speakers", "merge", path, "Iranian government officials", "Hossein Amirabdollahian")
    kept = marks(path)

    out = run("ingest", path, SEEDS)  # 0.2's extractor differs: every article is extracted again
    assert "3 changed" in out
    assert marks(path)[1] == kept[1]
    [(claim_id, status)] = query(path, "select claim_id, status from reviews")
    assert status == "confirmed" and query(path, "select count(*) from claims where id = ?", [claim_id]) == [(1,)]

    fresh = tmp_path / "fresh.db"
    run("ingest", fresh, SEEDS)
    run("speakers", "merge", fresh, "Iranian government officials", "Hossein Amirabdollahian")
    assert ledger_rows(path) == ledger_rows(fresh)


def test_migrating_twice_is_a_no_op(tmp_path):
    path = old_ledger(tmp_path, "0.3.0-6181fa1.db")
    open_ledger(path).close()
    upgraded, schema = sha256(path), query(path, "select type, name, sql from sqlite_master order by name")
    db = open_ledger(path)
    assert migrations.pending(db) == [] and migrations.migrate(db) == []
    ensure_db(db)
    assert db.conn.total_changes == 0  # nothing written by this connection
    db.close()
    assert sha256(path) == upgraded
    assert query(path, "select type, name, sql from sqlite_master order by name") == schema
    assert [r[0] for r in query(path, "select name from _sqlite_migrations order by id")] == ALL_MIGRATIONS


def test_a_new_ledger_records_every_migration(tmp_path):
    db = open_ledger(tmp_path / "new.db", create=True)
    assert [r["name"] for r in db["_sqlite_migrations"].rows_where(order_by="id")] == ALL_MIGRATIONS
    assert migrations.pending(db) == []
    db.close()


def test_a_shape_change_is_a_new_migration(monkeypatch):
    before = migrations.shape_fingerprint()
    speakers = TABLES["speakers"]
    monkeypatch.setattr(speakers, "description", "another description")
    assert migrations.shape_fingerprint() == before  # words for readers are not the shape
    monkeypatch.setitem(TABLES, "speakers", TableSpec(
        columns={**speakers.columns, "wikidata": Column("wikidata", str, "Wikidata id")}, pk=speakers.pk,
        indexes=speakers.indexes))
    assert migrations.shape_fingerprint() != before
    assert f"shape {before}" in ALL_MIGRATIONS


def test_serving_a_ledger_without_its_readers_indexes_says_so_and_link_builds_them(tmp_path, monkeypatch):
    from ledger.store import bulk

    path = tmp_path / "ledger.db"
    run("ingest", path, SEEDS)
    db = sqlite_utils.Database(path)
    bulk.ReadIndexes(db).grown(10**9)  # a large ingest is running, or was killed before its end
    db.close()
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    result = CliRunner().invoke(cli, ["serve", str(path)])
    assert result.exit_code == 0, result.output
    assert "lacks some of the indexes" in result.stderr and "older ledger" not in result.stderr
    run("link", path)
    assert up_to_date(sqlite_utils.Database(path))
    assert "warning" not in CliRunner().invoke(cli, ["serve", str(path)]).stderr


def test_serving_an_old_ledger_never_migrates_it(tmp_path, monkeypatch):
    path = old_ledger(tmp_path, "0.3.0-6181fa1.db")
    before = sha256(path)
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["serve", str(path)])
    assert result.exit_code == 0, result.output
    assert "written by an older ledger" in result.stderr and started["host"] == "127.0.0.1"

    async def browse():
        ds = make_datasette(path)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in ("/", "/ledger/claims", "/ledger/reviews", "/ledger/-/search?q=Flake",
                                                 "/ledger/-/speaker/jeff-flake", "/ledger/-/claim/1b981835a0f42a5f")]
    responses = asyncio.run(browse())
    assert responses[0].status_code == 200 and responses[2].status_code == 200
    assert sha256(path) == before
    assert query(path, "select count(*) from sqlite_master where name = '_sqlite_migrations'") == [(0,)]
    assert query(path, "pragma journal_mode") == [("delete",)]


def test_serving_a_current_ledger_says_nothing(ledger_path, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    before = sha256(ledger_path)
    result = CliRunner().invoke(cli, ["serve", str(ledger_path)])
    assert result.exit_code == 0 and "older" not in result.stderr
    assert sha256(ledger_path) == before
