"""Speed shortcuts in the in-document resolver give what the plain look-ups they replaced gave,
over PolNeAR training documents: a pronoun's speaker found walking back through those seen,
and a surname's near miss taken at the first match.

Needs the evaluation data checked out next to the repository (../shared/eval); skipped
otherwise, e.g. in CI on a clean clone.
"""
from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from ledger.extract import lexicon, load_pipeline
from ledger.extract.pipeline import TEXT_KEY, _plain_spaces, invisible_as_spaces
from ledger.resolve.coref import (
    FUZZY_MIN,
    DocumentEntities,
    Entity,
    _agrees,
    _transposition_close,
)

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-train.jsonl"
DOCS = 300  # enough for every rule path; the whole set takes a minute more


@pytest.fixture(scope="module")
def docs():
    if not TRAIN.is_file():
        pytest.skip("needs ../shared/eval (PolNeAR)")
    nlp = load_pipeline()
    out = []
    with TRAIN.open(encoding="utf-8") as f:
        for line in islice((x for x in f if x.strip()), DOCS):
            text = json.loads(line)["text"]
            doc = nlp.make_doc(invisible_as_spaces(_plain_spaces(text)))
            doc.user_data[TEXT_KEY] = text
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            out.append(doc)
    return out


class _PlainEntities(DocumentEntities):
    """The resolver's look-ups as they were, before their shortcuts."""

    def _entity(self, np, s, text):
        if not np.pronoun:
            return super()._entity(np, s, text)
        low = text.lower()
        want = "person" if low in ("he", "she", "him", "her", "i") else None
        gender = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(low)
        for _, ent in reversed([x for x in self.seen if x[0] < s]):
            if want is None and ent.type != "person" or want == ent.type and _agrees(ent, gender):
                if gender and ent.gender is None:
                    ent.gender = gender
                return ent
        if want == "person":
            for off, ent in reversed(self.persons):
                if off < s and _agrees(ent, gender):
                    if gender and ent.gender is None:
                        ent.gender = gender
                    return ent
        return None

    def _person(self, np, s, name, head):
        if len(name.split()) >= 2 or self._by_head.get(head):
            return super()._person(np, s, name, head)
        close = [(off, ent) for off, ent in self.persons
                 if len(head) >= 5 and ent.head[:1] == head[:1]
                 and Levenshtein.normalized_similarity(ent.head, head, weights=(1, 1, 1)) >= FUZZY_MIN - 0.1
                 and _transposition_close(ent.head, head)]
        if close:
            return close[0][1]
        return Entity(name, "person", head=head)


def _resolved(ents, atts):
    out = []
    for att in atts:
        for np in (att.speaker, att.addressee):
            m = ents.resolve(np)
            out.append(None if m is None else (m.start, m.end, m.text, None if m.entity is None else (
                m.entity.name, m.entity.type, m.entity.role, m.entity.head, m.entity.gender)))
    return out


def test_the_resolver_resolves_as_its_plain_look_ups_do(docs):
    lex = lexicon.load()
    pronouns = 0
    for doc in docs:
        t, atts = doc._.toks, doc._.attributions
        new, old = DocumentEntities(t, lex), _PlainEntities(t, lex)
        assert _resolved(new, atts) == _resolved(old, atts)
        pronouns += sum(1 for a in atts if a.speaker is not None and a.speaker.pronoun)
    assert pronouns > 100  # the pronoun walk was exercised
