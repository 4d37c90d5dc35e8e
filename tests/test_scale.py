"""Claim shards on dask: shards hold what direct extraction gives, bad shard lines are named,
half-written shards are never taken for finished ones, and the CLI end to end."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask")

from click.testing import CliRunner  # noqa: E402

from ledger.extract import extract_claims, load_pipeline  # noqa: E402
from ledger.read import ReadError, iter_articles  # noqa: E402
from ledger.scale import shards  # noqa: E402
from ledger.scale.cli import extract_shards_command  # noqa: E402
from ledger.scale.dask_map import extract_shards  # noqa: E402
from ledger.scale.shards import SHARD_SUFFIX, extract_shard, find_shards, read_shard  # noqa: E402
from ledger.store.prepare import Prepared, prepare  # noqa: E402

DOCS = {
    "ankara": [
        {"id": "ankara-1", "title": "Ankara talks", "date": "2024-04-14", "outlet": "Wire",
         "text": "“We want Iran to lower the tension,” said Jeff Flake, the US ambassador to Turkey. "
                 "Flake said on Friday that the talks would continue."},
        {"id": "ankara-2", "date": "2024-04-15",
         "text": "“Turkey is ready to mediate,” Hakan Fidan told reporters in Ankara. "
                 "Jeff Flake said Washington welcomed the offer."},
    ],
    "harbour": [
        {"id": "harbour-1", "url": "https://example.org/harbour",
         "text": "The harbour will reopen next week, the mayor said on Friday. "
                 "\"We want calm,\" said Jeff Flake, the US ambassador."},
    ],
    "kirby": [
        {"id": "kirby-1",
         "text": "“Diplomacy is working,” said John Kirby, a White House spokesperson. "
                 "According to the ministry, the border will stay closed."},
        {"id": "kirby-2", "text": "No one was quoted in this short item about the weather."},
    ],
}


def write_inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, docs in DOCS.items():
        path = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        paths.append(path)
    return paths


def direct(paths: list[Path]) -> list[dict]:
    """What extraction in this process gives, as shard rows."""
    nlp = load_pipeline()
    return [prepare(a, extract_claims(a, nlp)).to_json() for a in iter_articles(paths)]


def shard_rows(out: Path) -> list[dict]:
    rows = []
    for path in find_shards([out]):
        for item in read_shard(path):
            assert isinstance(item, Prepared), item
            rows.append(item.to_json())
    return rows


@pytest.mark.parametrize("scheduler", ["synchronous", "processes"])
def test_shards_hold_what_direct_extraction_gives(tmp_path, scheduler):
    inputs = write_inputs(tmp_path / "in")
    results = extract_shards(inputs, tmp_path / "out", scheduler=scheduler, num_workers=2)
    assert [Path(r.in_path) for r in results] == inputs
    assert [Path(r.out_path).name for r in results] == [p.stem + SHARD_SUFFIX for p in inputs]
    assert all(r.errors == [] for r in results)
    expected = direct(inputs)
    assert [r.articles for r in results] == [2, 1, 2]
    assert sum(r.claims for r in results) == sum(len(e["claims"]) for e in expected) >= 5
    # shards are listed by name, which here is input order
    assert shard_rows(tmp_path / "out") == expected


def test_a_client_is_used_through_its_get(tmp_path):
    import dask

    class FakeClient:  # what dask.compute asks of a distributed.Client
        calls = 0
        asynchronous = False

        def get(self, dsk, keys, **kwargs):
            FakeClient.calls += 1
            return dask.get(dsk, keys, **kwargs)

    inputs = write_inputs(tmp_path / "in")
    results = extract_shards(inputs, tmp_path / "out", scheduler=FakeClient(), num_workers=4)
    assert FakeClient.calls == 1 and sum(r.articles for r in results) == 5
    assert shard_rows(tmp_path / "out") == direct(inputs)


def test_processes_get_one_shard_at_a_time(tmp_path, monkeypatch):
    # dask's processes scheduler hands a worker up to 6 ready tasks at once by default, which
    # put all of a few long shards on one process
    import dask

    seen = {}
    real = dask.compute

    def compute(*tasks, **options):
        seen.update(options)
        return real(*tasks, scheduler="synchronous")

    monkeypatch.setattr(dask, "compute", compute)
    extract_shards(write_inputs(tmp_path / "in"), tmp_path / "out", scheduler="processes", num_workers=2)
    assert seen == {"scheduler": "processes", "num_workers": 2, "chunksize": 1}


def test_read_and_extraction_errors_are_counted_not_written(tmp_path, monkeypatch):
    src = tmp_path / "mixed.jsonl"
    good = DOCS["harbour"][0]
    src.write_text("\n".join([json.dumps(good), "{not json", json.dumps({"id": "x"}),
                              json.dumps({"id": "boom", "text": "The mayor said it would boom."})]) + "\n")
    real = shards.extract_claims

    def flaky(article, nlp):
        if article.id == "boom":
            raise RuntimeError("tokenizer\nfell over")
        return real(article, nlp)

    monkeypatch.setattr(shards, "extract_claims", flaky)
    result = extract_shard(src, tmp_path / ("mixed" + SHARD_SUFFIX))
    assert result.articles == 1 and result.claims == 2
    assert result.errors == [
        f"{src}:2: malformed JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{src}:3: document has no 'text'",
        f"{src}: article 'boom': extraction failed: RuntimeError: tokenizer fell over",
    ]
    assert [p.article["id"] for p in read_shard(tmp_path / ("mixed" + SHARD_SUFFIX))] == ["harbour-1"]


def test_read_shard_names_bad_lines_and_keeps_the_good(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    extract_shards(inputs[:1], tmp_path / "out", scheduler="synchronous")
    shard = tmp_path / "out" / ("ankara" + SHARD_SUFFIX)
    first, second = shard.read_text(encoding="utf-8").splitlines()
    lying = json.loads(second)
    lying["claims"][0]["content_start"] += 1  # the text no longer sits at these offsets
    cue_lies = json.loads(second)
    cue_lies["claims"][0]["cue_text"] = "shouted"
    no_claims = json.loads(first)
    del no_claims["claims"]
    edited = json.loads(first)
    edited["article"]["text"] += " (updated)"  # the hash no longer matches
    lines = [first, '{"article": {"id": "a1"', json.dumps(lying), "", json.dumps(cue_lies), json.dumps(no_claims),
             json.dumps(edited), "[1, 2]", second]
    shard.write_text("\n".join(lines) + "\n", encoding="utf-8")

    items = list(read_shard(shard))
    assert [type(i).__name__ for i in items] == ["Prepared"] + ["ReadError"] * 6 + ["Prepared"]
    assert [i.article["id"] for i in items if isinstance(i, Prepared)] == ["ankara-1", "ankara-2"]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.line for e in errors] == [2, 3, 5, 6, 7, 8]
    claim_id = lying["claims"][0]["id"]
    assert [str(e) for e in errors] == [
        f"{shard}:2: malformed JSON: Expecting ',' delimiter (column 24)",
        f"{shard}:3: claim {claim_id}: content offsets {lying['claims'][0]['content_start']}-"
        f"{lying['claims'][0]['content_end']} do not reproduce "
        f"{lying['claims'][0]['content_text'][:40]!r}",
        f"{shard}:5: claim {claim_id}: cue offsets {cue_lies['claims'][0]['cue_start']}-"
        f"{cue_lies['claims'][0]['cue_end']} do not reproduce 'shouted'",
        f"{shard}:6: missing key(s): claims",
        f"{shard}:7: article 'ankara-1': sha256 does not match its text",
        f"{shard}:8: expected a JSON object with article, claims, speakers, dates, extractor",
    ]
    assert all("\n" not in str(e) for e in errors)


def test_read_shard_never_raises_on_bytes_or_missing_files(tmp_path):
    shard = tmp_path / ("odd" + SHARD_SUFFIX)
    shard.write_bytes(b'\xff\xfe{"a": 1}\n' + json.dumps({"article": 1, "claims": [], "speakers": [], "dates": [],
                                                         "extractor": "x"}).encode() + b"\n")
    assert [str(e) for e in read_shard(shard)] == [
        f"{shard}:1: not UTF-8 text (byte 0xff at column 1)",
        f"{shard}:2: 'article' is not an object with a string id and text",
    ]
    missing = list(read_shard(tmp_path / "gone.claims.jsonl"))
    assert len(missing) == 1 and isinstance(missing[0], ReadError) and "cannot read" in str(missing[0])


def test_a_half_written_shard_is_never_taken_for_finished(tmp_path, monkeypatch):
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    real = shards.prepare
    calls = []

    def dies_midway(*args, **kwargs):  # the worker is stopped after its first article
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(shards, "prepare", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        extract_shard(inputs[0], out / ("ankara" + SHARD_SUFFIX))
    assert list(out.iterdir()) == [] and find_shards([out]) == []

    # a worker killed outright leaves its temporary file behind: still no shard
    leftover = out / f".ankara{SHARD_SUFFIX}.4242-deadbeef.tmp"
    leftover.write_text(json.dumps(direct(inputs[:1])[0]) + "\n{\"article\": {", encoding="utf-8")
    assert find_shards([out]) == []
    monkeypatch.setattr(shards, "prepare", real)
    extract_shards(inputs, out, scheduler="synchronous")
    assert [p.name for p in find_shards([out])] == [p.stem + SHARD_SUFFIX for p in inputs]
    assert find_shards([out / ("kirby" + SHARD_SUFFIX), leftover]) == [out / ("kirby" + SHARD_SUFFIX)]


def test_two_inputs_with_one_shard_name_are_refused(tmp_path):
    a, b = tmp_path / "a" / "x.jsonl", tmp_path / "b" / "x.jsonl"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text(json.dumps(DOCS["harbour"][0]) + "\n")
    with pytest.raises(ValueError, match="would both write"):
        extract_shards([a, b], tmp_path / "out", scheduler="synchronous")
    assert not (tmp_path / "out").exists()


def test_cli_end_to_end(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(extract_shards_command, [str(tmp_path / "in"), "--out", str(out),
                                                         "--scheduler", "processes", "--workers", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    expected = direct(inputs)
    assert lines[:3] == [
        f"{p} → {out / (p.stem + SHARD_SUFFIX)}: {n} articles, "
        f"{sum(len(e['claims']) for e in expected if e['article']['path'] == str(p))} claims, 0 errors"
        for p, n in zip(inputs, [2, 1, 2])]
    assert lines[3].startswith(f"total: 3 shards, 5 articles, {sum(len(e['claims']) for e in expected)} claims, "
                               "0 errors in ")
    assert result.stderr == ""
    assert shard_rows(out) == expected


def test_cli_reports_errors_on_stderr_and_exits_1(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps(DOCS["harbour"][0]) + "\n" + json.dumps({"text": "no id"}) + "\n")
    result = CliRunner().invoke(extract_shards_command, [str(src), "--out", str(tmp_path / "out"),
                                                         "--scheduler", "synchronous"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {src}:2: document has no 'id'\n"
    assert result.stdout.splitlines()[-1].startswith("total: 1 shards, 1 articles, 2 claims, 1 errors")


def test_cli_one_line_errors_for_missing_pieces(tmp_path, monkeypatch):
    src = write_inputs(tmp_path / "in")[1]
    out = ["--out", str(tmp_path / "out")]
    for scheduler in ("synchronous", "processes"):  # from a worker process too
        result = CliRunner().invoke(extract_shards_command, [str(src), *out, "--scheduler", scheduler,
                                                             "--model", "no_such_model"])
        assert result.exit_code == 1 and result.stderr.startswith("Error: spaCy pipeline 'no_such_model'")
        assert result.stderr.count("\n") == 1

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = CliRunner().invoke(extract_shards_command, [str(src), *out, "--scheduler-address", "127.0.0.1:8786"])
    assert result.exit_code == 1
    assert result.stderr == ("Error: dask.distributed (for --scheduler-address) is not installed: "
                             "pip install 'dask[distributed]'\n")

    monkeypatch.setitem(sys.modules, "dask", None)
    result = CliRunner().invoke(extract_shards_command, [str(src), *out])
    assert result.exit_code == 1
    assert result.stderr == "Error: dask is not installed: install the dask extra: pip install 'ledger[dask]'\n"


# --- ledger ingest merges shards ---------------------------------------------------------------

def ledger_tables(db_path: Path) -> dict[str, list]:
    """Every row the ledger holds, but for when it was ingested and run bookkeeping."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    out = {}
    for table in ("articles", "claims", "speakers", "article_speakers", "date_mentions", "claim_clusters"):
        rows = [{k: v for k, v in r.items() if k != "ingested_at"} for r in db[table].rows]
        out[table] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


def test_ingest_merges_shards_like_direct_ingest_and_idempotently(tmp_path):
    from ledger.cli import cli

    inputs = write_inputs(tmp_path / "in")
    extract_shards(inputs, tmp_path / "shards", scheduler="synchronous")
    run = CliRunner()
    direct_db, merged_db = tmp_path / "direct.db", tmp_path / "merged.db"
    assert run.invoke(cli, ["ingest", str(direct_db), *map(str, inputs)]).exit_code == 0
    first = run.invoke(cli, ["ingest", str(merged_db), str(tmp_path / "shards")])
    assert first.exit_code == 0, first.output
    assert "5 read: 5 new" in first.output
    assert ledger_tables(merged_db) == ledger_tables(direct_db)
    again = run.invoke(cli, ["ingest", str(merged_db), str(tmp_path / "shards")])
    assert "5 read: 0 new, 0 changed, 5 unchanged" in again.output
    # the articles themselves, after their shards: nothing to extract again
    assert "5 unchanged" in run.invoke(cli, ["ingest", str(merged_db), *map(str, inputs)]).output


def test_a_bad_shard_line_costs_only_its_article(tmp_path):
    from ledger.cli import cli

    inputs = write_inputs(tmp_path / "in")
    [result, *_] = extract_shards(inputs[:1], tmp_path / "shards", scheduler="synchronous")
    shard = Path(result.out_path)
    lines = shard.read_text(encoding="utf-8").splitlines()
    shard.write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["ingest", str(tmp_path / "l.db"), str(shard)])
    assert out.exit_code == 1
    assert f"error: {shard}:2: " in out.stderr and "Traceback" not in out.output
    assert "2 read: 1 new" in out.stdout


def test_ingest_with_two_workers_writes_what_one_does(tmp_path):
    from ledger.cli import cli

    inputs = write_inputs(tmp_path / "in")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    run = CliRunner()
    assert run.invoke(cli, ["ingest", str(one), *map(str, inputs)]).exit_code == 0
    result = run.invoke(cli, ["ingest", str(two), *map(str, inputs), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert ledger_tables(two) == ledger_tables(one)
    assert "5 unchanged" in run.invoke(cli, ["ingest", str(two), *map(str, inputs), "--workers", "2"]).output


def test_an_article_that_fails_in_a_worker_costs_only_itself(tmp_path, monkeypatch):
    from ledger.cli import cli
    from ledger.extract import pipeline

    real = pipeline.extract_claims

    def flaky(article, nlp=None):
        if article.id == "harbour-1":
            raise RuntimeError("boom")
        return real(article, nlp)

    monkeypatch.setattr(pipeline, "extract_claims", flaky)  # the forked workers inherit it
    inputs = write_inputs(tmp_path / "in")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "l.db"), *map(str, inputs), "--workers", "2"])
    assert result.exit_code == 1
    assert "article 'harbour-1': extraction failed: RuntimeError: boom" in result.stderr
    assert "5 read: 4 new, 0 changed, 0 unchanged, 1 failed" in result.stdout
