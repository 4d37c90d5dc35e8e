"""`ledger eval`: the scorer (against claims built by hand), the case breakdown, the error
listing, the command end to end, and agreement with ../shared/eval/score.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.cli import cli
from ledger.evaluate import GoldError, evaluate, predict, read_gold, score
from ledger.evaluate.cases import gold_cases, has_words_outside_quotes
from ledger.evaluate.errors import worst_false_claims, worst_misses
from ledger.evaluate.report import figures_lines
from ledger.evaluate.score import chars, dice
from ledger.evaluate.sentences import around, is_multi_sentence
from ledger.extract import load_pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD_FILE = FIXTURES / "gold.jsonl"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SCORE_PY = SHARED / "score.py"
DEV = SHARED / "polnear-dev.jsonl"


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return read_gold(GOLD_FILE)


def doc(gold, doc_id) -> dict:
    return next(d for d in gold if d["id"] == doc_id)


def claim(d: dict, start: int, end: int, *, mention: str | None = None, cue: str | None = None,
          speaker: str | None = None, fragments: list[tuple[int, int]] | None = None) -> dict:
    """A predicted claim over d's text; mention and cue are found in the text."""
    text = d["text"]

    def find(needle):
        if needle is None:
            return None
        s = text.index(needle)
        return {"start": s, "end": s + len(needle), "text": needle}

    c = {"article_id": d["id"], "content": {"start": start, "end": end, "text": text[start:end]},
         "speaker": speaker if speaker is not None else mention, "speaker_mention": find(mention),
         "cue": find(cue)}
    if fragments:
        c["content"]["fragments"] = [{"start": s, "end": e, "text": text[s:e]} for s, e in fragments]
    return c


def from_gold(d: dict, j: int, **kw) -> dict:
    """A claim that reproduces gold attribution j of d exactly (content, source, cue, name)."""
    g = d["attributions"][j]
    c = g["content"]
    frags = [(f["start"], f["end"]) for f in c["fragments"]] if c.get("fragments") else None
    args = {"mention": g["source"]["text"] if g["source"] else None,
            "cue": g["cue"]["text"] if g["cue"] else None, "speaker": g.get("speaker_name"), **kw}
    out = claim(d, c["start"], c["end"], fragments=frags, **args)
    if g["source"] and "mention" not in kw:  # the exact gold span, not the first occurrence
        out["speaker_mention"] = dict(g["source"])
    if g["cue"] and "cue" not in kw:
        out["cue"] = dict(g["cue"])
    return out


def all_exact(gold) -> list[dict]:
    return [from_gold(d, j) for d in gold for j in range(len(d["attributions"]))]


# --- the fixture itself -------------------------------------------------------------------

def test_fixture_offsets_reproduce_their_text(gold):
    assert [d["id"] for d in gold] == ["talks", "mediate", "split", "hidden"]
    for d in gold:
        for g in d["attributions"]:
            for name in ("content", "source", "cue"):
                span = g[name]
                for part in [span, *(span.get("fragments") or [])] if span else []:
                    assert d["text"][part["start"]:part["end"]] == part["text"], (d["id"], name)


# --- the scorer on hand-made claims -------------------------------------------------------

def test_exact_claims_score_100(gold):
    out = score(gold, all_exact(gold))
    assert out["documents"] == 4
    assert out["gold_attributions"] == 9  # 10 in the file, one optional
    for k in ("loose", "strict", "full"):
        assert out[k] == {"precision": 100.0, "recall": 100.0, "f1": 100.0}
    assert (out["src_accuracy"], out["cue_accuracy"], out["name_accuracy"]) == (100.0, 100.0, 100.0)
    assert (out["claims_with_bad_offsets"], out["claims_for_unknown_documents"]) == (0, 0)


def test_no_claims_score_zero(gold):
    out = score(gold, [])
    assert out["loose"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert out["src_accuracy"] is None and out["name_accuracy"] is None


@pytest.mark.parametrize("keep, loose, strict", [(36, True, True), (20, True, False), (12, False, False)])
def test_partial_overlap_thresholds(gold, keep, loose, strict):
    talks = doc(gold, "talks")
    g = talks["attributions"][1]["content"]  # "that the talks would continue next week", 39 chars
    c = claim(talks, g["start"], g["start"] + keep, mention="He", cue="said")
    d = dice(chars(c["content"]), chars(g))
    # 36 of 39 chars: Dice 0.96; 20: 0.68; 12: 0.47
    assert (d >= 0.5, d >= 0.9) == (loose, strict)
    out = score([talks], [c])
    assert out["gold_attributions"] == 3
    assert out["loose"]["precision"] == (100.0 if loose else 0.0)
    assert out["loose"]["recall"] == (33.3 if loose else 0.0)
    assert out["strict"]["precision"] == (100.0 if strict else 0.0)
    assert out["strict"]["recall"] == (33.3 if strict else 0.0)
    assert out["src_accuracy"] == (100.0 if loose else None)


def test_two_claims_on_one_gold_pair_one_to_one(gold):
    split = doc(gold, "split")
    exact = from_gold(split, 0)
    first_quote = claim(split, 0, 22, mention="Flake", cue="said")  # only the first fragment
    assert dice(chars(first_quote["content"]), chars(split["attributions"][0]["content"])) > 0.5
    out = score([split], [first_quote, exact])
    # the exact claim takes the gold; the other overlaps it at Dice > 0.5 but is a false claim
    assert out["gold_attributions"] == 1
    assert out["loose"] == {"precision": 50.0, "recall": 100.0, "f1": 66.7}
    assert out["strict"] == {"precision": 50.0, "recall": 100.0, "f1": 66.7}


def test_equal_dice_ties_go_to_the_later_claim_as_in_score_py(gold):
    talks = doc(gold, "talks")
    right = from_gold(talks, 1)
    wrong = from_gold(talks, 1, mention="Jeff Flake")
    # same content, so the same Dice; score.py sorts (dice, i, j) in reverse: the later wins
    assert score([talks], [right, wrong])["src_accuracy"] == 0.0
    assert score([talks], [wrong, right])["src_accuracy"] == 100.0


def test_optional_gold_neither_rewards_nor_penalises(gold):
    split = doc(gold, "split")
    on_optional = from_gold(split, 1)
    assert split["attributions"][1]["optional"] is True
    out = score([split], [on_optional])
    assert out["gold_attributions"] == 1
    assert out["loose"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}  # no claim counted at all
    out = score([split], [on_optional, from_gold(split, 0)])
    assert out["loose"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0}


def test_quoted_subset_ignores_claims_paired_with_other_gold(gold):
    claims = all_exact(gold)
    out = score(gold, claims, subset="quoted")
    assert out["subset"] == "quoted"
    assert out["gold_attributions"] == 4  # Flake's quote, Fidan's two, the split quote
    assert out["loose"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0}
    # a claim that pairs with nothing is still false in the quoted subset
    hidden = doc(gold, "hidden")
    weather = hidden["text"].index("the weather was cold")
    out = score(gold, claims + [claim(hidden, weather, weather + 20, mention="Reporters")], subset="quoted")
    assert out["loose"]["precision"] == 80.0


def test_source_cue_and_name_accuracy(gold):
    talks, mediate = doc(gold, "talks"), doc(gold, "mediate")
    claims = [
        from_gold(talks, 0, speaker="Mr. Jeff Flake"),  # name right after normalising
        from_gold(talks, 1, mention="Jeff Flake"),  # source wrong
        from_gold(talks, 2, cue="reopen"),  # cue wrong
        from_gold(mediate, 0, speaker="Fidan"),  # name wrong
        from_gold(mediate, 2, mention="reporters"),  # gold has no source: full still counts
    ]
    out = score([talks, mediate], claims)
    assert out["gold_attributions"] == 7
    assert out["loose"]["precision"] == 100.0 and out["loose"]["recall"] == 71.4
    assert out["src_accuracy"] == 75.0  # 3 of the 4 pairs whose gold has a source
    assert out["cue_accuracy"] == 80.0  # 4 of 5
    assert out["name_accuracy"] == 50.0  # 1 of the 2 gold that name a speaker
    assert out["full"] == {"precision": 80.0, "recall": 57.1, "f1": 66.7}


def test_bad_offsets_and_unknown_documents(gold):
    talks = doc(gold, "talks")
    good = from_gold(talks, 0)
    bad = from_gold(talks, 1)
    bad["content"]["text"] = "that the talks would NOT continue"
    stray = dict(from_gold(talks, 2), article_id="elsewhere")
    out = score([talks], [good, bad, stray])
    assert (out["claims_with_bad_offsets"], out["claims_for_unknown_documents"]) == (1, 1)
    assert out["loose"]["precision"] == 50.0 and out["strict"]["precision"] == 50.0
    # score.py never counts a bad-offset claim against full
    assert out["full"]["precision"] == 100.0


# --- the case breakdown ---------------------------------------------------------------------

def test_cases_of_the_fixture_gold(gold):
    found = {(d["id"], j): gold_cases(g, d["text"]) for d in gold for j, g in enumerate(d["attributions"])}
    assert found[("talks", 0)] == ["direct"]
    assert found[("talks", 1)] == ["indirect", "pronoun source"]
    assert found[("talks", 2)] == ["indirect", "according-to"]
    assert found[("mediate", 0)] == ["direct", "multi-sentence"]
    assert found[("mediate", 1)] == ["mixed"]
    assert found[("mediate", 2)] == ["indirect", "no source"]
    assert found[("split", 0)] == ["direct"]  # the attribution between the fragments is not content


def test_quote_and_sentence_tests():
    assert not has_words_outside_quotes("“We won,”")
    assert has_words_outside_quotes("that we “won”")
    assert not has_words_outside_quotes('"He said “no” twice."')  # nested quotes
    assert is_multi_sentence("He left. She stayed.", [(0, 20)])
    assert not is_multi_sentence("Mr. Smith met U.S. officials on Sept. 3 in St. Louis.", [(0, 53)])
    assert is_multi_sentence("It rose 3. “Then it fell.”", [(0, 26)])


def test_breakdown_rows(gold):
    talks = doc(gold, "talks")
    g = talks["attributions"][2]["content"]  # "The embassy will reopen in May", 30 chars
    # every gold found exactly, except "He said that ..." (missed) and the according-to
    # content (found loosely, Dice 0.8, with the wrong source)
    skip = {("talks", 1), ("talks", 2)}
    claims = [from_gold(d, j) for d in gold for j in range(len(d["attributions"])) if (d["id"], j) not in skip]
    claims.append(claim(talks, g["start"], g["start"] + 20, mention="Ankara", cue="according to"))
    rows = {r["case"]: r for r in evaluate(gold, claims).breakdown()}
    assert list(rows) == ["direct", "indirect", "mixed", "according-to", "pronoun source", "no source",
                          "multi-sentence"]
    assert rows["direct"] == {"case": "direct", "gold": 3, "loose_recall": 100.0, "strict_recall": 100.0,
                              "source_accuracy": 100.0, "claims": 3, "loose_precision": 100.0}
    # indirect (5 gold): He-said missed, according-to loose only, the other three exact
    assert rows["indirect"]["gold"] == 5
    assert rows["indirect"]["loose_recall"] == 80.0 and rows["indirect"]["strict_recall"] == 60.0
    assert rows["according-to"] == {"case": "according-to", "gold": 1, "loose_recall": 100.0,
                                    "strict_recall": 0.0, "source_accuracy": 0.0, "claims": 1,
                                    "loose_precision": 100.0}
    assert rows["pronoun source"]["gold"] == 1 and rows["pronoun source"]["loose_recall"] == 0.0
    assert rows["pronoun source"]["claims"] == 0 and rows["pronoun source"]["loose_precision"] is None
    assert rows["no source"]["source_accuracy"] is None  # nothing to be right about
    assert rows["multi-sentence"]["gold"] == 1 and rows["multi-sentence"]["loose_recall"] == 100.0


def test_breakdown_leaves_out_claims_on_out_of_subset_gold(gold):
    rows = {r["case"]: r for r in evaluate(gold, all_exact(gold), subset="quoted").breakdown()}
    assert rows["indirect"]["gold"] == 0 and rows["indirect"]["claims"] == 0
    assert rows["direct"]["gold"] + rows["mixed"]["gold"] == 4


# --- the error listing ----------------------------------------------------------------------

def test_worst_misses_and_false_claims(gold):
    talks, mediate = doc(gold, "talks"), doc(gold, "mediate")
    g = mediate["attributions"][1]["content"]  # Fidan's mixed content, 74 chars
    short = claim(mediate, g["start"], g["start"] + 15, mention="Fidan", cue="told")  # Dice 0.34
    weather_doc = doc(gold, "hidden")
    w = weather_doc["text"].index("the weather")
    weather = claim(weather_doc, w, w + 20, mention="Reporters", cue="said")
    ev = evaluate([talks, mediate, weather_doc], [from_gold(talks, 0), short, weather])
    misses = ev.misses(3)
    # longest first: Fidan's mixed content (74 chars), the bridge (57), "that the talks ..." (39)
    lengths = [m["length"] for m in misses]
    assert lengths == sorted(lengths, reverse=True) and len(misses) == 3
    assert misses[0]["doc"] == "mediate" and misses[0]["start"] == g["start"]
    assert misses[0]["best_dice"] == round(dice(chars(short["content"]), chars(g)), 2) == 0.34
    assert misses[0]["best_claim"] == "that Ankara was"
    assert misses[0]["context"] == ('Fidan told reporters ⟦that Ankara was "against any development that '
                                    'would increase instability."⟧')
    bridge = next(m for m in ev.misses(10) if m["doc"] == "hidden")
    assert bridge["best_claim"] is None and bridge["best_dice"] == 0.0
    assert bridge["source"] == "Mayor Jane Doe" and bridge["cue"] == "For"
    assert len(ev.misses(10)) == 7  # 8 gold in these documents, one paired

    false = ev.false_claims(5)
    assert [f["content"] for f in false] == ["the weather was cold", "that Ankara was"]
    assert false[0]["context"] == "Reporters said ⟦the weather was cold⟧."
    assert false[0]["best_gold"] is None and false[1]["best_dice"] == 0.34
    assert (false[0]["source"], false[0]["cue"]) == ("Reporters", "said")


def test_false_claims_list_bad_offsets(gold):
    talks = doc(gold, "talks")
    bad = from_gold(talks, 1)
    bad["content"]["text"] = "something else"
    from ledger.evaluate.score import match_documents
    matches, _ = match_documents([talks], [bad])
    false = worst_false_claims(matches, 5)
    assert len(false) == 1 and false[0]["bad_offsets"] is True
    assert len(worst_misses(matches, 5)) == 3


def test_context_is_the_enclosing_sentence_trimmed():
    text = "First one. " + "Officials said that " + "x" * 400 + " yes. Last one."
    s = text.index("x")
    ctx = around(text, s, s + 400)
    assert ctx.startswith("Officials said that ⟦xxx") and ctx.endswith("xxx⟧ yes.")
    assert " … " in ctx and len(ctx) <= 310


# --- reading gold -----------------------------------------------------------------------

def test_read_gold_split_and_limit():
    assert [d["id"] for d in read_gold(GOLD_FILE, split="dev")] == ["talks", "mediate"]
    assert [d["id"] for d in read_gold(GOLD_FILE, split="test", limit=1)] == ["split"]
    with pytest.raises(GoldError, match="no documents of split 'train'"):
        read_gold(GOLD_FILE, split="train")


# --- the command, with the real extractor ------------------------------------------------

def run(*args):
    return CliRunner().invoke(cli, ["eval", *map(str, args)])


def test_eval_command_on_the_fixture():
    result = run(GOLD_FILE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "documents 4  gold attributions 9  subset all"
    # Flake said "...", He said that ..., according to officials, Fidan's quotes, the split
    # quote: all found exactly; the cue-less bridge sentence is missed and "Reporters said the
    # weather was cold" has no gold.
    assert lines[1] == "loose   P  88.9  R  88.9  F1  88.9"
    assert lines[2] == "strict  P  88.9  R  88.9  F1  88.9"
    assert "source accuracy on loose pairs: 100.0" in lines
    direct = next(line for line in lines if line.startswith("direct "))
    assert direct.split() == ["direct", "3", "100.0", "100.0", "100.0", "3", "100.0"]


def test_eval_json_matches_the_text_and_the_scorer(gold):
    result = run(GOLD_FILE, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    nlp = load_pipeline()
    assert out == score(gold, predict(gold, nlp))
    assert figures_lines(out) == run(GOLD_FILE).stdout.splitlines()[:7]


def test_eval_options():
    out = json.loads(run(GOLD_FILE, "--json", "--subset", "quoted").stdout)
    # the four quotes found; the weather claim pairs with nothing, so it still counts against
    assert (out["gold_attributions"], out["loose"]["precision"], out["loose"]["recall"]) == (4, 80.0, 100.0)
    out = json.loads(run(GOLD_FILE, "--json", "--split", "dev").stdout)
    assert (out["documents"], out["gold_attributions"], out["loose"]["f1"]) == (2, 7, 100.0)
    out = json.loads(run(GOLD_FILE, "--json", "--limit", "1").stdout)
    assert (out["documents"], out["gold_attributions"]) == (1, 3)


def test_eval_errors_option():
    result = run(GOLD_FILE, "--errors", "1")
    assert result.exit_code == 0, result.output
    text = result.stdout
    miss = text[text.index("worst misses"):text.index("worst false claims")]
    assert "hidden  20-77  best claim Dice 0.00" in miss
    assert "context: For Mayor Jane Doe, ⟦the new bridge over the river will certainly open in June⟧." in miss
    assert "source:  Mayor Jane Doe   cue: For" in miss
    assert "(no claim overlaps it)" in miss
    false = text[text.index("worst false claims"):]
    assert "claim:   the weather was cold" in false and "cue: said" in false
    # with --json, stdout stays one JSON object and the listing goes to stderr
    result = run(GOLD_FILE, "--json", "--errors", "1")
    json.loads(result.stdout)
    assert "worst misses" in result.stderr


@pytest.mark.parametrize("name, message", [
    ("bad_json.jsonl", "bad_json.jsonl:2: malformed JSON"),
    ("no_attributions.jsonl", "no_attributions.jsonl:2: document has no 'attributions'"),
    ("bad_offsets.jsonl", "bad_offsets.jsonl:1: attribution 1: content offsets 5-99 are outside the text"),
    ("missing.jsonl", "missing.jsonl: cannot read: No such file or directory"),
])
def test_eval_bad_gold_is_one_line(name, message):
    result = run(FIXTURES / name)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# --- agreement with score.py ------------------------------------------------------------

def score_py(gold_path: Path, pred_path: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(SCORE_PY), str(gold_path), str(pred_path), "--json", *args],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_same_figures_as_score_py_on_hand_made_claims(gold, tmp_path):
    if not SCORE_PY.is_file():
        pytest.skip(f"needs {SCORE_PY} (../shared/eval)")
    talks, mediate = doc(gold, "talks"), doc(gold, "mediate")
    bad = from_gold(talks, 1)
    bad["content"]["text"] = "not the text"
    claims = [*all_exact(gold)[:5], from_gold(talks, 0, mention="He"), bad,
              claim(mediate, 72, 90, mention="Fidan"), dict(from_gold(mediate, 3), article_id="nowhere")]
    pred = write_jsonl(tmp_path / "pred.jsonl", claims)
    for subset in ("all", "quoted"):
        assert score(gold, claims, subset) == score_py(GOLD_FILE, pred, "--subset", subset)
    dev = [d for d in gold if d.get("split") == "dev"]
    assert score(dev, claims) == score_py(GOLD_FILE, pred, "--split", "dev")


def test_same_figures_as_score_py_on_polnear_dev(tmp_path):
    if not (SCORE_PY.is_file() and DEV.is_file()):
        pytest.skip(f"needs {SCORE_PY} and {DEV} (../shared/eval)")
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(DEV.read_text(encoding="utf-8").splitlines(keepends=True)[:10]),
                         encoding="utf-8")
    docs = read_gold(gold_path)
    claims = predict(docs, load_pipeline())
    assert len(docs) == 10 and len(claims) > 10
    pred = write_jsonl(tmp_path / "pred.jsonl", claims)
    for subset in ("all", "quoted"):
        expected = score_py(gold_path, pred, "--subset", subset)
        assert score(docs, claims, subset) == expected
        result = run(gold_path, "--json", "--subset", subset)
        assert json.loads(result.stdout) == expected
