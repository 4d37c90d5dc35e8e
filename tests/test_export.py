import csv
import io
import json

import pytest
import sqlite_utils
from click.testing import CliRunner

from ledger.cli import cli
from ledger.export import CSV_FIELDS, select_claims
from ledger.models import Claim

from conftest import fidan_claims, flake_claims


def export(ledger_path, *args):
    result = CliRunner().invoke(cli, ["export", str(ledger_path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_has_every_claim_field(ledger_path):
    rows = list(csv.DictReader(io.StringIO(export(ledger_path, "--format", "csv"))))
    assert len(rows) == 5
    assert list(rows[0]) == CSV_FIELDS
    flake = next(r for r in rows if r["content_text"] == "We want Iran to lower the tension")
    assert (flake["speaker"], flake["cue_text"], flake["article_title"]) == ("Jeff Flake", "said", "Ankara talks")


def test_json_is_claims_in_the_claim_schema(ledger_path, flake_article, fidan_article):
    claims = [Claim.model_validate(c) for c in json.loads(export(ledger_path, "--format", "json"))]
    expected = flake_claims(flake_article) + fidan_claims(fidan_article)
    assert sorted(claims, key=lambda c: c.id) == sorted(expected, key=lambda c: c.id)


def test_markdown_groups_by_speaker(ledger_path):
    md = export(ledger_path, "--format", "markdown")
    assert md.startswith("# Claims\n")
    sections = [line for line in md.splitlines() if line.startswith("## ")]
    assert sections == ["## Jeff Flake (3)", "## Hakan Fidan (1)", "## John Kirby (1)"]
    assert ("- We want Iran to lower the tension (said) — TRT World, 2024-04-14, "
            "[Ankara talks](https://example.org/flake)") in md
    assert "- Washington welcomed the offer (said) — Daily Sabah, 2024-04-15, *Fidan offers to mediate*" in md


@pytest.mark.parametrize("args, expected", [
    (["--speaker", "jeff flake"], 3),
    (["--speaker", "Flake"], 3),             # an alias
    (["--speaker", "john-kirby"], 1),        # an id
    (["--article", "fidan"], 2),
    (["--search", "tension"], 1),
    (["--search", "Kirby"], 1),              # speaker names are searchable
    (["--search", 'tension)* -'], 1),        # search terms are never FTS syntax
    (["--speaker", "Jeff Flake", "--article", "fidan"], 1),
    (["--speaker", "Nobody"], 0),
])
def test_filters(ledger_path, args, expected):
    assert len(json.loads(export(ledger_path, "--format", "json", *args))) == expected


def test_export_to_a_file(ledger_path, tmp_path):
    out = tmp_path / "claims.md"
    result = CliRunner().invoke(cli, ["export", str(ledger_path), "--format", "markdown", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr == f"5 claims written to {out}\n"
    assert out.read_text(encoding="utf-8").count("\n- ") == 5


def test_select_claims_in_reading_order(ledger_path):
    rows = list(select_claims(sqlite_utils.Database(ledger_path), article="flake"))
    assert [r["content_start"] for r in rows] == sorted(r["content_start"] for r in rows)


def test_export_from_a_missing_ledger(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "no such database" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "nope.db").exists()
