"""The tokenizer's speed changes (extract/pipeline.py) keep spaCy's results: the special cases
it is built with are checked as spaCy checks them, and its tokens are spaCy's."""
from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import NORM, ORTH, TAG
from spacy.tokenizer import Tokenizer

from ledger.extract.pipeline import _Tokenizer, create_tokenizer

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def _error(tokenizer, chunk, substrings):
    try:
        tokenizer._validate_special_case(chunk, substrings)
    except Exception as e:  # the same kind and message as spaCy's own check, or none
        return type(e), str(e)
    return None


@pytest.fixture(scope="module")
def pair():
    """Our tokenizer and spaCy's, built from the same rules and functions."""
    nlp = spacy.blank("en")
    ours = create_tokenizer()(nlp)
    theirs = Tokenizer(nlp.vocab, rules=nlp.Defaults.tokenizer_exceptions, prefix_search=ours.prefix_search,
                       suffix_search=ours.suffix_search, infix_finditer=ours.infix_finditer,
                       token_match=ours.token_match, url_match=ours.url_match)
    return ours, theirs


def test_the_special_cases_are_checked_as_spacy_checks_them(pair):
    ours, theirs = pair
    assert isinstance(ours, _Tokenizer) and ours.rules == theirs.rules
    cases = list(spacy.blank("en").Defaults.tokenizer_exceptions.items()) + [
        ("ab", [{ORTH: "a"}]), ("ab", [{ORTH: "ab", TAG: "X"}]), ("ab", [{"ORTH": "ab"}]), ("ab", [{"F": "ab"}]),
        ("ab", [{ORTH: "a"}, {ORTH: "b", NORM: "be"}]), ("ab", [{NORM: "ab"}]), ("ab", [{ORTH: 5}]),
        ("ab", [{ORTH: "ab", "tag": "X"}]), ("", []), ("a", [{ORTH: "a", 12345: "x"}])]
    for chunk, substrings in cases:
        assert _error(ours, chunk, [dict(s) for s in substrings]) == _error(theirs, chunk, [dict(s) for s in substrings])


WORDS = st.lists(st.one_of(
    st.sampled_from(["don't", "Mr.", "U.S.", "(U.S.)", "can't.", "—", "\n", "\n\n", "  ", "e.g.,", ":)", "a.m.",
                     "it's", "’s", "Trump's", "5km", "gonna", "\t", "said,", "“Yes”"]),
    st.text(st.sampled_from("aZ.,'’\"”-:/()$%&0 \n"), min_size=1, max_size=8)), max_size=40).map(" ".join)


@settings(FAST)
@given(st.one_of(WORDS, st.text(max_size=80)))
def test_our_tokenizer_gives_spacys_tokens(pair, text):
    ours, theirs = pair
    got, want = ours(text), theirs(text)
    assert [(t.text, t.idx, t.whitespace_, t.norm_) for t in got] == [(t.text, t.idx, t.whitespace_, t.norm_) for t in want]


def test_our_tokenizer_gives_spacys_tokens_over_polnear(pair):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-dev.jsonl"
    if not path.exists():
        pytest.skip("needs ../shared/eval (PolNeAR)")
    ours, theirs = pair
    for line in path.open(encoding="utf-8"):
        text = json.loads(line)["text"]
        for _ in range(2):  # the second time from the tokenizer's cache and our memos
            got, want = ours(text), theirs(text)
            assert [(t.text, t.idx, t.whitespace_, t.norm_) for t in got] == [
                (t.text, t.idx, t.whitespace_, t.norm_) for t in want]


def test_the_affix_memos_follow_the_affix_functions_and_pickle():
    import pickle
    import re

    nlp = spacy.blank("en")
    ours = create_tokenizer()(nlp)
    assert [t.text for t in ours("(x-y)")] == ["(", "x", "-", "y", ")"]
    assert {"find_prefix", "find_suffix", "find_infix"} <= ours.__dict__.keys()  # the memos are used
    ours.prefix_search = re.compile(r"^[x(]").search  # new functions: their memos start empty
    ours.infix_finditer = re.compile(r"y").finditer
    theirs = Tokenizer(nlp.vocab, rules=ours.rules, prefix_search=ours.prefix_search, suffix_search=ours.suffix_search,
                       infix_finditer=ours.infix_finditer, token_match=ours.token_match, url_match=ours.url_match)
    texts = ["(x-y)", "x-y-z", "(xa)", "x1y2", "don't (U.S.)"]
    assert ours.find_prefix("(x-y)") == 1 and ours.find_prefix("-y") == 0
    for tokenizer in (ours, pickle.loads(pickle.dumps(ours))):
        assert type(tokenizer) is _Tokenizer and "find_prefix" in tokenizer.__dict__
        for text in texts:
            assert [t.text for t in tokenizer(text)] == [t.text for t in theirs(text)]
    assert [t.text for t in ours("x1y2")] == ["x", "1", "y", "2"]


@settings(FAST)
@given(st.one_of(WORDS, st.text(max_size=20)))
def test_the_affix_memos_answer_as_spacys_methods(pair, text):
    ours, _ = pair
    for word in text.split() + [text]:
        for _ in range(2):  # a new string, then a remembered one
            for name in ("find_prefix", "find_suffix"):
                assert getattr(ours, name)(word) == getattr(Tokenizer, name)(ours, word)
            assert [m.span() for m in ours.find_infix(word)] == [m.span() for m in Tokenizer.find_infix(ours, word)]
