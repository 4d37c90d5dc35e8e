"""Building the pipeline (extract/pipeline.py) costs less and changes nothing it gives: the
suffix regexes are compiled when first needed, and the blank pipeline's vocab has no
lexical-attribute getters from the start."""
from __future__ import annotations

import pickle

import spacy

from ledger.extract.pipeline import _SuffixSearch, load_pipeline


def _span(match):
    return match.span() if match is not None else None


def test_the_suffix_regexes_are_compiled_when_a_string_first_needs_one():
    from spacy.util import compile_suffix_regex

    pieces = spacy.blank("en").Defaults.suffixes
    full = compile_suffix_regex(pieces).search
    ours = _SuffixSearch(pieces)
    assert not ours.searches  # nothing compiled yet
    words = ["said,", "U.S.,", "(Flake)", "5km", "20%", "plain", "it.\n", "", "“quote”", "again,"]
    for word in words:
        assert _span(ours.search(word)) == _span(full(word))
    # one regex per choice of alternatives that a word needed ("again," shares "said,"'s)
    assert ours.searches.keys() == {ours.by_last.get(w[-1], ours.other) for w in words if w and w[-1] != "\n"}
    assert len(ours.searches) < len(set(ours.by_last.values()))
    copy = pickle.loads(pickle.dumps(ours))  # a worker's copy compiles its own
    assert not copy.searches and _span(copy.search("said,")) == (4, 5)


def test_the_blank_pipeline_makes_no_lexeme_attributes_not_even_for_its_special_cases():
    nlp = load_pipeline()
    assert nlp.vocab.lex_attr_getters == {}
    lexemes = list(nlp.vocab)  # those of the tokenizer's special cases ("don't", "a.m.", ":)")
    assert len(lexemes) > 500
    assert not any(lex.shape or lex.lower or lex.prefix or lex.suffix or lex.is_alpha or lex.is_punct or lex.like_num
                   for lex in lexemes)


def test_the_blank_pipeline_is_otherwise_spacys_blank_english():
    nlp, theirs = load_pipeline(), spacy.blank("en")
    assert nlp.lang == "en" and type(nlp.vocab.vectors) is type(theirs.vocab.vectors)
    assert nlp.vocab.vectors.shape == theirs.vocab.vectors.shape and nlp.vocab.vectors.mode == theirs.vocab.vectors.mode
    assert nlp.vocab.writing_system == theirs.vocab.writing_system
    assert nlp.vocab.get_noun_chunks is theirs.vocab.get_noun_chunks
    assert nlp.tokenizer.rules == theirs.tokenizer.rules
    for text in ["Don't go, Mr. Flake said at 5 a.m. :) — “Yes,” he said (U.S.).", "gonna 20% $5 e.g. it's\n\nHi"]:
        ours, want = nlp.make_doc(text), theirs.make_doc(text)
        assert [(t.text, t.idx, t.whitespace_) for t in ours] == [(t.text, t.idx, t.whitespace_) for t in want]
        # the norms that the special cases set on their tokens (no other token has one here)
        special = [(t.i, t.norm_) for t in ours if t.norm_]
        assert len(special) >= 2 and special == [(i, want[i].norm_) for i, _ in special]


def test_the_blank_pipeline_pickles_for_workers():
    nlp = load_pipeline()
    copy = pickle.loads(pickle.dumps(nlp))
    assert copy.vocab.lex_attr_getters == {}
    text = "“The harbour is safe,” Lopez said on Monday."
    assert [t.text for t in copy(text)] == [t.text for t in nlp(text)]
