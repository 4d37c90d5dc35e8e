import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from ledger import cli as cli_module
from ledger.cli import cli

from conftest import FIDAN_TEXT, FLAKE_TEXT

BAD = Path(__file__).parent / "fixtures" / "bad"


@pytest.fixture
def runner(monkeypatch, fake_extract):
    # The real extractor is still being written: ingest through a fake with known claims.
    monkeypatch.setattr(cli_module, "extract_claims", fake_extract)
    monkeypatch.setattr(cli_module, "load_pipeline", lambda model=None: object())
    return CliRunner()


@pytest.fixture
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "flake.txt").write_text(FLAKE_TEXT, encoding="utf-8")
    (folder / "fidan.txt").write_text(FIDAN_TEXT, encoding="utf-8")
    return folder


def table_counts(path):
    db = sqlite_utils.Database(path)
    return {t: db.table(t).count for t in ("articles", "claims", "speakers", "ingest_runs")}


def test_ingest_writes_the_ledger(runner, articles, tmp_path):
    db_path = tmp_path / "ledger.db"
    result = runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2 read: 2 new, 0 changed, 0 unchanged, 0 failed; 5 claims written",
        "linked: 3 speakers; 0 statements reported in several articles, 0 with drift"]
    assert table_counts(db_path) == {"articles": 2, "claims": 5, "speakers": 3, "ingest_runs": 1}
    db = sqlite_utils.Database(db_path)
    assert db.table("articles").get("flake")["path"] == str(articles / "flake.txt")
    run = db.table("ingest_runs").get(1)
    assert run["finished"] and (run["articles_new"], run["claims_written"]) == (2, 5)


def test_ingest_twice_changes_nothing(runner, articles, tmp_path):
    db_path = tmp_path / "ledger.db"
    runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    first = table_counts(db_path)
    result = runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    assert result.exit_code == 0
    assert "0 new, 0 changed, 2 unchanged" in result.stdout
    assert table_counts(db_path) == {**first, "ingest_runs": 2}


def test_changed_file_replaces_its_claims(runner, articles, tmp_path):
    db_path = tmp_path / "ledger.db"
    runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    (articles / "flake.txt").write_text("Nobody said anything here today.", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    assert "0 new, 1 changed, 1 unchanged" in result.stdout
    db = sqlite_utils.Database(db_path)
    assert db.table("claims").count_where("article_id = 'flake'") == 0
    assert {r["id"] for r in db.table("speakers").rows} == {"hakan-fidan", "jeff-flake"}


def test_bad_files_are_reported_and_the_rest_lands(runner, articles, tmp_path):
    for f in BAD.iterdir():
        shutil.copy(f, articles / f.name)
    db_path = tmp_path / "ledger.db"
    result = runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    expected = {"empty.txt": "empty file", "binary.txt": "binary file", "latin1.txt": "not UTF-8",
                "malformed.json": "malformed JSON", "missing_id.jsonl": "no 'id'"}
    assert len(errors) == len(expected)
    for name, problem in expected.items():
        [line] = [e for e in errors if name in e]
        assert line.startswith(f"error: {articles / name}") and problem in line
    assert "missing_id.jsonl:2:" in result.stderr and "malformed.json:2:" in result.stderr
    # The good files and the good line of the JSONL file landed.
    db = sqlite_utils.Database(db_path)
    assert {r["id"] for r in db.table("articles").rows} == {"flake", "fidan", "ok-1"}
    assert db.table("claims").count == 5
    assert "5 failed" in result.stdout
    assert len(json.loads(db.table("ingest_runs").get(1)["errors"])) == 5


def test_extraction_failure_skips_only_that_article(runner, articles, tmp_path, monkeypatch, fake_extract):
    def flaky(article, nlp=None):
        if article.id == "fidan":
            raise IndexError("token index out of range\nsecond line")
        return fake_extract(article)

    monkeypatch.setattr(cli_module, "extract_claims", flaky)
    db_path = tmp_path / "ledger.db"
    result = runner.invoke(cli, ["ingest", str(db_path), str(articles)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {articles / 'fidan.txt'}: article 'fidan': extraction failed: "
                             "IndexError: token index out of range second line\n")
    assert [r["id"] for r in sqlite_utils.Database(db_path).table("articles").rows] == ["flake"]


def test_duplicate_ids_in_one_batch_are_refused(runner, articles, tmp_path):
    (articles / "more.jsonl").write_text(json.dumps({"id": "flake", "text": "Someone else said this."}) + "\n")
    result = runner.invoke(cli, ["ingest", str(tmp_path / "ledger.db"), str(articles)])
    assert result.exit_code == 1
    assert "article 'flake': duplicate id, already read from" in result.stderr
    assert sqlite_utils.Database(tmp_path / "ledger.db").table("articles").get("flake")["text"] == FLAKE_TEXT


def test_ingest_into_something_that_is_not_a_database(runner, articles, tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("just some notes, not SQLite\n" * 100)
    result = runner.invoke(cli, ["ingest", str(not_db), str(articles)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_progress_bar_only_on_a_terminal(monkeypatch, articles):
    class Tty:
        def isatty(self):
            return True

        def write(self, s):
            pass

        def flush(self):
            pass

    assert cli_module._progress(iter([]), [str(articles)]) is None  # pytest's stderr is no tty
    monkeypatch.setattr(cli_module.sys, "stderr", Tty())
    bar = cli_module._progress(iter([]), [str(articles)])
    assert bar is not None and bar.delay == 2.0  # two files: shown only if it turns out slow
    bar.close()
    monkeypatch.setattr(cli_module, "PROGRESS_MIN_FILES", 2)
    bar = cli_module._progress(iter([]), [str(articles)])
    assert bar.delay == 0
    bar.close()


def test_missing_model_fails_before_touching_the_ledger(articles, tmp_path):
    db_path = tmp_path / "ledger.db"
    result = CliRunner().invoke(cli, ["ingest", str(db_path), str(articles), "--model", "no_such_pipeline_xyz"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: spaCy pipeline 'no_such_pipeline_xyz' is not installed")
    assert not db_path.exists()


SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_ingest_seeds_with_the_real_extractor_and_db_option(tmp_path):
    db_path = tmp_path / "ledger.db"
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    names = {r["name"] for r in db.table("speakers").rows}
    assert {"Jeff Flake", "John Kirby", "Fox News", "Hakan Fidan", "Antony Blinken", "Mathew Miller",
            "Hossein Amirabdollahian", "Iranian government officials", "field sources"} == names
    flake = db.table("speakers").get("jeff-flake")
    assert "Flake" in json.loads(flake["aliases"]) and "US Ambassador to Turkey" in json.loads(flake["roles"])
    for row in db.query("select c.content_text, c.content_start, c.content_end, a.text from claims c "
                        "join articles a on a.id = c.article_id"):
        assert row["text"][row["content_start"]:row["content_end"]] == row["content_text"]
    again = CliRunner().invoke(cli, ["ingest", str(db_path), str(SEEDS)])
    assert again.exit_code == 0 and "3 unchanged" in again.output
    assert db.table("claims").count == int(result.output.split(";")[1].split()[0])


def test_ingest_without_a_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "ledger.db")])
    assert result.exit_code == 2 and "at least one path" in result.output


def test_extract_reports_a_failing_article_and_prints_the_rest(runner, articles, monkeypatch, fake_extract):
    def flaky(article, nlp=None):
        if article.id == "fidan":
            raise IndexError("token index out of range\nsecond line")
        return fake_extract(article)

    monkeypatch.setattr(cli_module, "extract_claims", flaky)
    result = runner.invoke(cli, ["extract", "--jsonl", str(articles)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {articles / 'fidan.txt'}: article 'fidan': extraction failed: "
                             "IndexError: token index out of range second line\n")
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert printed and {c["article_id"] for c in printed} == {"flake"}
