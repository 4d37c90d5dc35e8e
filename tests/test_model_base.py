"""`--model`: a trained spaCy pipeline as the base. No model can be downloaded here, so the
test builds a small one: a blank English pipeline whose entity ruler marks names the way a
trained NER would, saved to disk and loaded by path like any installed pipeline."""
from __future__ import annotations

import spacy
from click.testing import CliRunner

from ledger.cli import cli
from ledger.extract import ModelNotFound, extract_claims, load_pipeline
from ledger.models import Article

TEXT = ("Doctors without Borders said the clinic was hit twice.\n\n"
        "“We will not leave,” said maria de la cruz, who runs the clinic.")


def make_model(path):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    # patterns after any initialisation: nlp.initialize() would clear them
    ruler.add_patterns([
        {"label": "ORG", "pattern": "Doctors without Borders"},
        {"label": "PERSON", "pattern": [{"LOWER": "maria"}, {"LOWER": "de"}, {"LOWER": "la"}, {"LOWER": "cruz"}]},
    ])
    nlp.to_disk(path)
    return str(path)


def claims(nlp):
    return extract_claims(Article(id="m", text=TEXT, sha256=Article.hash_text(TEXT)), nlp)


def test_entities_of_the_base_name_the_speakers(tmp_path):
    base = load_pipeline(make_model(tmp_path / "base"))
    assert base.pipe_names[0] == "entity_ruler"
    got = [(c.speaker, c.speaker_type, c.speaker_mention.text, c.content.text) for c in claims(base)]
    assert got == [
        ("Doctors without Borders", "organization", "Doctors without Borders", "the clinic was hit twice"),
        ("maria de la cruz", "person", "maria de la cruz", "“We will not leave,”"),
    ]


def test_the_rules_alone_see_less():
    # the same text through the default pipeline: the organisation's name is cut short, and
    # the lower-case name is taken for the words after "said", with no type
    got = [(c.speaker, c.speaker_type) for c in claims(load_pipeline())]
    assert got == [("Borders", "person"), ("maria de la cruz", "unknown")]


def test_missing_model_is_one_clear_line(tmp_path):
    try:
        load_pipeline(str(tmp_path / "no-such-model"))
    except ModelNotFound as e:
        assert "is not installed" in str(e)
    else:
        raise AssertionError("a missing model must raise ModelNotFound")
    result = CliRunner().invoke(cli, ["extract", "--model", str(tmp_path / "no-such-model"), str(tmp_path)])
    assert result.exit_code != 0
    assert "is not installed" in result.output and "Traceback" not in result.output


def test_cli_extract_with_model(tmp_path):
    model = make_model(tmp_path / "base")
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--model", model, str(doc)])
    assert result.exit_code == 0, result.output
    assert "Doctors without Borders\tsaid" in result.output
