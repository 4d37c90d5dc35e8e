"""Speed shortcuts in the rule components give what the plain code they stand in front of gives:
`run_cuts` with its numpy pre-check against the regular expression alone, over PolNeAR texts
(skipped without ../shared/eval) and generated texts with runs around the limit."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ledger.extract.pieces import _LONG_RUN, RUN_CHARS, _run_bound, run_cuts

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-train.jsonl"


def _run_cuts_regex(text: str, size: int = RUN_CHARS) -> list[int]:
    """run_cuts as it was before the pre-check: the regular expression over every text."""
    cuts = []
    for m in _LONG_RUN.finditer(" " + text):
        start, end = m.start(1) - 1, m.end(1) - 1
        cuts.extend(range(start + size, end, size))
    return cuts


def _generated(seed: int) -> str:
    rng = random.Random(seed)
    # whitespace the pre-check does not count as a break (tab, no-break and ideographic
    # spaces, line separator) as well as spaces and line breaks, and words around the limit
    seps = [" ", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\r\n", "  "]
    words = []
    for _ in range(rng.randint(0, 40)):
        n = rng.choice([1, 5, RUN_CHARS - 1, RUN_CHARS, RUN_CHARS + 1, 2 * RUN_CHARS + 3])
        words.append("".join(rng.choice("ab!?“”é—") for _ in range(n)))
        words.append(rng.choice(seps))
    return "".join(words[:-1] if rng.random() < 0.5 else words)


def test_run_cuts_as_the_regex_on_generated_texts():
    cut = 0
    for seed in range(300):
        text = _generated(seed)
        assert run_cuts(text) == _run_cuts_regex(text), seed
        assert run_cuts(text, 7) == _run_cuts_regex(text, 7), seed
        assert _run_bound(text) >= max(map(len, text.split()), default=0), seed
        cut += bool(_run_cuts_regex(text))
    assert cut > 100  # the texts do reach the regex, not only the shortcut


@pytest.mark.parametrize("text", ["", " ", "\n", "a", "a" * RUN_CHARS, "a" * (RUN_CHARS + 1),
                                  "x\t" + "y" * RUN_CHARS, " " + "b" * (RUN_CHARS + 1) + " ",
                                  "c" * 60 + "\u3000" + "d" * 60])
def test_run_cuts_as_the_regex_at_the_edges(text):
    assert run_cuts(text) == _run_cuts_regex(text)


def test_run_cuts_as_the_regex_on_polnear():
    if not TRAIN.is_file():
        pytest.skip("needs ../shared/eval (PolNeAR)")
    with TRAIN.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    for text in texts:
        assert run_cuts(text) == _run_cuts_regex(text)


@pytest.fixture(scope="module")
def nlp():
    from ledger.extract import load_pipeline
    return load_pipeline()


def test_attribute_drops_cues_past_the_trimmed_sentence(nlp):
    """`attribute` hands `_sentence` only the cues within the sentence less its trailing blanks
    (without a copy when the last one is): a cue on a trailing blank is never read."""
    from ledger.extract import lexicon
    from ledger.extract.attribution import attribute
    from ledger.extract.pipeline import process

    lex = lexicon.load()
    doc = process(nlp, "Kirby said that the talks would go on, Flake said.   ")
    t = doc._.toks
    blank = t.n - 1
    assert t.txt[blank].isspace() and t.sents == [(0, t.n)]
    cues = doc._.cues
    expected = attribute(t, lex, cues)
    assert expected  # the sentence makes a claim
    # a passive hedge there would make a second claim of the words before it, were it read
    passive = lex.cues["is reported to"]
    assert attribute(t, lex, [cues[0] + [(blank, blank + 1, passive)]]) == expected
