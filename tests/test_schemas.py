"""The committed JSON Schemas in schemas/ are what the models produce: regenerate them with
`ledger schemas` whenever a model changes."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ledger.cli import cli
from ledger.models import MODELS

COMMITTED = Path(__file__).resolve().parents[1] / "schemas"


def test_schemas_command_matches_committed_files(tmp_path):
    out = tmp_path / "schemas"
    result = CliRunner().invoke(cli, ["schemas", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.glob("*.json"))
    committed = sorted(p.name for p in COMMITTED.glob("*.json"))
    assert written == sorted(f"{name}.json" for name in MODELS)
    assert written == committed, "schemas/ holds other files than `ledger schemas` writes"
    stale = [name for name in written
             if (out / name).read_text(encoding="utf-8") != (COMMITTED / name).read_text(encoding="utf-8")]
    assert not stale, (f"schemas/{', '.join(stale)} differ from the models: "
                       "run `ledger schemas` and commit the result")


def test_committed_schemas_equal_the_models_json_schemas():
    for name, model in MODELS.items():
        schema = json.loads((COMMITTED / f"{name}.json").read_text(encoding="utf-8"))
        assert schema == json.loads(json.dumps(model.model_json_schema(), sort_keys=True))
        # a recursive model (Span) is a $ref to its own definition
        assert schema.get("title") == name or schema.get("$ref") == f"#/$defs/{name}"
