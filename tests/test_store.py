import json

import pytest
import sqlite_utils

from ledger.models import Claim
from ledger.store import (TABLES, LedgerError, RunStats, ensure_db, finish_run, from_row,
                          ingest_article, start_run, to_row)
from ledger.store import ingest as ingest_module

from conftest import FLAKE_TEXT, fidan_claims, flake_claims, make_article, make_claim


def counts(db):
    return {t: db[t].count for t in ("articles", "claims", "speakers", "speaker_aliases", "article_speakers")}


def test_schema_derives_from_models():
    claim_cols = TABLES["claims"].columns
    for col in ("content_text", "content_start", "content_end", "content_fragments", "cue_text",
                "cue_start", "cue_end", "speaker_mention_text", "sentence_start", "sentence_end",
                "cue_lemma", "confidence", "extractor"):
        assert col in claim_cols
    assert "content" not in claim_cols
    assert claim_cols["speaker"].description == Claim.model_fields["speaker"].description
    assert TABLES["speakers"].columns["aliases"].json


def test_ensure_db_is_idempotent(db):
    schema = db.schema
    ensure_db(db)
    assert db.schema == schema
    assert {"claims_fts", "articles_fts"} <= set(db.table_names())
    fks = {(fk.column, fk.other_table) for fk in db.table("claims").foreign_keys}
    assert fks == {("article_id", "articles"), ("speaker_id", "speakers")}
    # every foreign key is the first column of an index, and no index merely repeats the start
    # of a longer one (one more index to write for every claim)
    starts = {i.columns[0] for i in db.table("claims").indexes}
    assert {"article_id", "speaker_id"} <= starts
    from ledger.store.migrations import covered_indexes
    assert covered_indexes(db) == []


def test_ensure_db_adds_columns_for_new_fields(db):
    db.table("speakers").transform(drop={"article_count"})
    ensure_db(db)
    assert "article_count" in db.table("speakers").columns_dict


def test_claim_rows_round_trip(flake_article):
    claim = flake_claims(flake_article)[0]
    split = claim.model_copy(update={"content": claim.content.model_copy(
        update={"fragments": [claim.content.model_copy()]})})
    for c in (claim, split):
        row = to_row(c)
        assert row["content_text"] == c.content.text
        assert from_row(Claim, row) == c


def test_ingest_writes_article_claims_and_speakers(db, flake_article):
    result = ingest_article(db, flake_article, flake_claims(flake_article))
    assert (result.status, result.claims_written) == ("new", 3)
    article = db.table("articles").get("flake")
    assert article["claim_count"] == 3 and article["sha256"] == flake_article.sha256
    flake = db.table("speakers").get("jeff-flake")
    assert json.loads(flake["aliases"]) == ["Jeff Flake", "Flake"]
    assert json.loads(flake["roles"]) == ["US ambassador to Turkey"]
    assert flake["claim_count"] == 2 and flake["article_count"] == 1
    row = db.table("claims").get(flake_claims(flake_article)[0].id)
    assert FLAKE_TEXT[row["content_start"]:row["content_end"]] == row["content_text"]


def test_ingest_twice_writes_nothing(db, flake_article):
    ingest_article(db, flake_article, flake_claims(flake_article))
    before = counts(db)
    ingested_at = db.table("articles").get("flake")["ingested_at"]
    result = ingest_article(db, flake_article, flake_claims(flake_article))
    assert result.status == "unchanged" and result.claims_written == 0
    assert counts(db) == before
    assert db.table("articles").get("flake")["ingested_at"] == ingested_at


def test_changed_article_replaces_its_claims(db, flake_article):
    ingest_article(db, flake_article, flake_claims(flake_article))
    edited = make_article("flake", FLAKE_TEXT.replace(" Flake said the talks would continue.", ""),
                          title="Ankara talks")
    claims = [make_claim(edited, "We want Iran to lower the tension", speaker="Jeff Flake", cue="said")]
    result = ingest_article(db, edited, claims)
    assert (result.status, result.claims_written) == ("changed", 1)
    assert [r["content_text"] for r in db.table("claims").rows] == ["We want Iran to lower the tension"]
    # Kirby lost his only claim, Flake lost an alias and a role.
    assert [r["id"] for r in db.table("speakers").rows] == ["jeff-flake"]
    flake = db.table("speakers").get("jeff-flake")
    assert json.loads(flake["aliases"]) == ["Jeff Flake"] and json.loads(flake["roles"]) == []


def test_new_extractor_counts_as_changed(db, flake_article):
    ingest_article(db, flake_article, flake_claims(flake_article))
    result = ingest_article(db, flake_article, flake_claims(flake_article), extractor="other/2")
    assert result.status == "changed"
    assert db.table("articles").get("flake")["extractor"] == "other/2"


def test_speakers_merge_across_articles(db, flake_article, fidan_article):
    ingest_article(db, flake_article, flake_claims(flake_article))
    ingest_article(db, fidan_article, fidan_claims(fidan_article))
    flake = db.table("speakers").get("jeff-flake")
    assert flake["article_count"] == 2 and flake["claim_count"] == 3
    assert json.loads(flake["aliases"]) == ["Jeff Flake", "Flake"]
    aliases = {(r["alias"], r["article_id"]) for r in db["speaker_aliases"].rows_where(
        "speaker_id = ?", ["jeff-flake"])}
    assert aliases == {("Jeff Flake", "flake"), ("Flake", "flake"), ("Jeff Flake", "fidan")}


def test_failure_mid_article_leaves_ledger_as_before(db, flake_article, fidan_article, monkeypatch):
    ingest_article(db, flake_article, flake_claims(flake_article))
    before = counts(db)
    claim_rows = list(db.table("claims").rows)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # Fails after the article, speakers and claims rows are written, before commit.
    monkeypatch.setattr(ingest_module, "refresh_speakers", boom)
    with pytest.raises(RuntimeError):
        ingest_article(db, fidan_article, fidan_claims(fidan_article))
    edited = make_article("flake", FLAKE_TEXT + " More.", title="Ankara talks")
    with pytest.raises(RuntimeError):
        ingest_article(db, edited, [])
    assert counts(db) == before
    assert list(db.table("claims").rows) == claim_rows
    assert db.table("articles").get("flake")["sha256"] == flake_article.sha256
    assert not db.conn.in_transaction
    # Search still agrees with the table after the rollback.
    assert db.execute("select count(*) from claims_fts where claims_fts match 'Turkey'").fetchone()[0] == 0


def test_claims_whose_offsets_lie_are_refused(db, flake_article):
    claim = flake_claims(flake_article)[0]
    bad = claim.model_copy(update={"content": claim.content.model_copy(update={"start": 0})})
    with pytest.raises(LedgerError, match="do not reproduce"):
        ingest_article(db, flake_article, [bad])
    with pytest.raises(LedgerError, match="share the id"):
        ingest_article(db, flake_article, [claim, claim])
    assert db.table("articles").count == 0


def test_fts_triggers_keep_search_current(db, flake_article):
    def search(term):
        return [r["content_text"] for r in db.table("claims").search(term)]

    ingest_article(db, flake_article, flake_claims(flake_article))
    assert search("diplomacy") == ["Diplomacy is working"]
    assert search("Kirby") == ["Diplomacy is working"]  # speaker is indexed too
    edited = make_article("flake", FLAKE_TEXT.replace("Diplomacy is working", "Diplomacy is failing"),
                          title="Ankara talks")
    ingest_article(db, edited, [make_claim(edited, "Diplomacy is failing", speaker="John Kirby")])
    assert search("working") == []
    assert search("failing") == ["Diplomacy is failing"]
    assert [r["id"] for r in db.table("articles").search("ankara")] == ["flake"]


def test_ingest_runs_row(db, flake_article):
    run_id = start_run(db, ["seeds/"], extractor="ledger-rules/test", model=None)
    row = db.table("ingest_runs").get(run_id)
    assert row["started"] and row["finished"] is None
    stats = RunStats(read=2, claims_written=3, errors=["bad.json: malformed JSON"])
    stats.add(ingest_article(db, flake_article, flake_claims(flake_article)))
    finish_run(db, run_id, stats)
    row = db.table("ingest_runs").get(run_id)
    assert row["finished"] and json.loads(row["paths"]) == ["seeds/"]
    assert (row["articles_new"], row["articles_skipped"], row["claims_written"]) == (1, 1, 6)
    assert json.loads(row["errors"]) == ["bad.json: malformed JSON"]


def test_speaker_id_of_a_name_without_ascii_is_stable_across_processes():
    import subprocess
    import sys

    from ledger.resolve.ids import speaker_id

    code = "from ledger.resolve.ids import speaker_id; print(speaker_id('Эрдоган'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == speaker_id("Эрдоган")
    assert out.startswith("speaker-") and out != speaker_id("''")


def test_a_batch_indexes_for_search_once_per_group_and_keeps_the_triggers(db, flake_article, fidan_article):
    from ledger.store import ingest_batch
    from ledger.store.fts import FTS_TABLES

    triggers = set(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall())
    ingest_article(db, flake_article, flake_claims(flake_article))  # indexed before the batch
    edited = make_article("flake", FLAKE_TEXT.replace("Diplomacy is working", "Diplomacy is failing"),
                          title="Ankara talks")
    broken = make_article("broken", "Someone said “this will not be stored”.")
    claims = {"flake": [make_claim(edited, "Diplomacy is failing", speaker="John Kirby")],
              "fidan": fidan_claims(fidan_article),
              "broken": [make_claim(broken, "this will not be stored", speaker="Someone").model_copy(
                  update={"article_id": "elsewhere"})]}  # refused by check_claims, rolled back alone
    stats = ingest_batch(db, [edited, broken, fidan_article], extract=lambda a: claims[a.id],
                         extractor="ledger-rules/test")
    assert (stats.new, stats.changed, stats.skipped) == (1, 1, 1)
    # the insert triggers are back, exactly as sqlite-utils made them
    assert set(db.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall()) == triggers
    for table in FTS_TABLES:  # FTS5's own check that the index matches its content table
        db.execute(f"insert into [{table}_fts] ([{table}_fts]) values ('integrity-check')")
    # every stored claim is found by its words, and nothing else is
    for row in db.table("claims").rows:
        found = db.execute("select rowid from claims_fts where claims_fts match ?",
                           ['"' + row["content_text"].split()[-1] + '"']).fetchall()
        assert (db.execute("select rowid from claims where id = ?", [row["id"]]).fetchone()[0],) in found
    assert [r["content_text"] for r in db.table("claims").search("failing")] == ["Diplomacy is failing"]
    assert list(db.table("claims").search("working")) == []
    assert list(db.table("claims").search("stored")) == []
    assert [r["id"] for r in db.table("articles").search("ankara")] == ["flake"]


# --- a large batch builds the readers' indexes at its end (store/bulk.py) -------------------

def _index_shape(db):
    return {name: sorted(tuple(i.columns) for i in db[name].indexes) for name in TABLES}


def _batch_seeing_indexes(db, articles, claims, monkeypatch, min_claims):
    """Ingest one article per group; returns, for each article, how many of the readers'
    indexes the ledger had when it was extracted."""
    from ledger.store import batch, bulk, ingest_batch

    monkeypatch.setattr(batch, "GROUP_ARTICLES", 1)
    monkeypatch.setattr(bulk, "BULK_MIN_CLAIMS", min_claims)
    seen = []

    def extract(article):
        seen.append(len(bulk.read_index_names(db)))
        return claims[article.id]

    stats = ingest_batch(db, articles, extract=extract, extractor="ledger-rules/test")
    assert stats.skipped == 0
    return seen


def _claim_rows(db):
    return [tuple(r.values()) for r in db.table("claims").rows_where(order_by="id")]


def test_a_large_batch_sets_the_readers_indexes_aside_and_builds_them_at_its_end(db, flake_article, fidan_article,
                                                                                 monkeypatch):
    from ledger.store.bulk import read_index_names

    shape, wanted = _index_shape(db), len(read_index_names(db))
    assert wanted == sum(len(spec.read_indexes) for spec in TABLES.values())
    claims = {"flake": flake_claims(flake_article), "fidan": fidan_claims(fidan_article)}
    # an empty ledger: once the first group is in, the batch is larger than the ledger was
    seen = _batch_seeing_indexes(db, [flake_article, fidan_article], claims, monkeypatch, min_claims=1)
    assert seen == [wanted, 0]
    assert _index_shape(db) == shape  # all back, as ensure_db makes them
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"

    kept = ensure_db(sqlite_utils.Database(memory=True))  # the same batch, indexes kept throughout
    assert _batch_seeing_indexes(kept, [flake_article, fidan_article], claims, monkeypatch,
                                 min_claims=10**9) == [wanted, wanted]
    assert _claim_rows(db) == _claim_rows(kept)


def test_a_small_batch_into_a_larger_ledger_keeps_every_index(db, flake_article, fidan_article, monkeypatch):
    from ledger.store.bulk import read_index_names

    ingest_article(db, flake_article, flake_claims(flake_article))  # 3 claims held
    wanted = len(read_index_names(db))
    seen = _batch_seeing_indexes(db, [fidan_article], {"fidan": fidan_claims(fidan_article)}, monkeypatch,
                                 min_claims=1)
    assert seen == [wanted] and len(read_index_names(db)) == wanted  # 2 claims written < 3 held


def test_a_ledger_left_without_its_readers_indexes_gets_them_back_on_the_next_write(db):
    from ledger.store import bulk
    from ledger.store.db import up_to_date

    shape = _index_shape(db)
    bulk.ReadIndexes(db).grown(10**9)  # and the process is killed before restore()
    assert bulk.read_index_names(db) == [] and not up_to_date(db)
    ensure_db(db)  # what opening it for writing does
    assert _index_shape(db) == shape and up_to_date(db)


def test_a_batch_collects_garbage_less_often_and_puts_the_setting_back(db, flake_article):
    import gc

    from ledger.store import batch, ingest_batch

    before, seen = gc.get_threshold(), []
    ingest_batch(db, [flake_article], extract=lambda a: seen.append(gc.get_threshold()) or flake_claims(a),
                 extractor="ledger-rules/test")
    assert seen == [(batch.GC_THRESHOLD, *before[1:])] and batch.GC_THRESHOLD > before[0]
    assert gc.get_threshold() == before


def test_a_batch_keeps_its_rollback_pages_in_memory_and_puts_the_setting_back(db, flake_article, fidan_article):
    from ledger.store import ingest_batch
    from ledger.store.db import CACHE_KIB

    assert db.execute("pragma cache_size").fetchone()[0] == -CACHE_KIB  # bounded: memory stays flat
    seen = []

    def extract(article):
        seen.append((db.conn.in_transaction, db.execute("pragma temp_store").fetchone()[0]))
        return {"flake": flake_claims, "fidan": fidan_claims}[article.id](article)

    stats = ingest_batch(db, [flake_article, fidan_article], extract=extract, extractor="ledger-rules/test")
    assert stats.new == 2
    # the second article is extracted while the group that holds the first is open: its
    # savepoints' pages in memory (2), and the default (0) once the group has committed
    assert seen == [(False, 0), (True, 2)]
    assert db.execute("pragma temp_store").fetchone()[0] == 0


def test_none_binds_as_null_through_the_registered_adapter():
    # store/db.py registers an adapter for None (a speed-up): it must still store NULL
    import sqlite3

    import ledger.store.db  # noqa: F401  (registers it)
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (a, b)")
    conn.execute("insert into t values (?, ?)", (None, 1))
    conn.executemany("insert into t values (:a, :b)", [{"a": None, "b": None}])
    assert conn.execute("select typeof(a), typeof(b) from t").fetchall() == [("null", "integer"), ("null", "null")]


def test_fragment_spans_are_written_as_their_model_dump():
    from ledger.models import Span
    from ledger.store.schema import _span_dict

    inner = [Span(text="ab", start=0, end=2), Span(text="d", start=3, end=4)]
    for span in (Span(text="ab", start=0, end=2), Span(text="ab d", start=0, end=4, fragments=inner),
                 Span(text="x", start=9, end=10, fragments=[Span(text="x", start=9, end=10, fragments=inner)])):
        assert _span_dict(span) == span.model_dump()
