"""Our spaCy components. Each reads what the previous one left on the Doc and adds its own
layer; the rules themselves are plain functions in the sibling modules."""
from __future__ import annotations

from bisect import bisect_left
from itertools import compress

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..resolve.coref import DocumentEntities
from . import lexicon
from .attribution import attribute, find_cues
from .quotes import find_quotes
from .sentences import split_sentences
from .tokens import Toks

TEXT_KEY = "ledger_text"

for _name in ("quotes", "toks", "cues", "attributions", "speakers"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class _Quotes:
    def __call__(self, doc: Doc) -> Doc:
        # the caller may hand over the string it tokenised: doc.text rebuilds it token by token
        text = doc.user_data.pop(TEXT_KEY, None)
        if text is None or (len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text)):
            text = doc.text
        doc._.quotes = find_quotes(text)
        doc._.toks = Toks(doc, doc._.quotes, text)
        return doc


class _Sentences:
    def __init__(self, set_sent_starts: bool):
        self.set_sent_starts = set_sent_starts

    def __call__(self, doc: Doc) -> Doc:
        t = doc._.toks
        sents = split_sentences(t, lexicon.load())
        t.set_sents(sents)
        if self.set_sent_starts and t.n:
            # a trained parser sets its own boundaries; ours are for attribution units. One
            # array write: setting is_sent_start token by token rescans the Doc each time.
            starts = numpy.full((t.n, 1), -1, dtype="int64")
            starts[[a for a, _ in sents], 0] = 1
            doc.from_array([SENT_START], starts.astype("uint64"))
        return doc


class _Cues:
    def __call__(self, doc: Doc) -> Doc:
        # per sentence unit, so that a multi-word cue never spans two sentences
        lex, t = lexicon.load(), doc._.toks
        # the words that can start a cue, in one pass: find_cues need look at no other token
        firsts = list(compress(range(t.n), map(lex.cue_widths.__contains__, t.low)))
        cues = []
        for a, b in t.sents:
            k, end = bisect_left(firsts, a), bisect_left(firsts, b)
            cues.append(find_cues(t, lex, a, b, firsts[k:end]) if k < end else [])
        doc._.cues = cues
        return doc


class _Attribution:
    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = attribute(doc._.toks, lexicon.load(), doc._.cues)
        return doc


class _Resolver:
    def __call__(self, doc: Doc) -> Doc:
        ents = DocumentEntities(doc._.toks, lexicon.load())
        doc._.speakers = [(ents.resolve(a.speaker), ents.resolve(a.addressee)) for a in doc._.attributions]
        return doc


@Language.factory("ledger_quotes")
def make_quotes(nlp: Language, name: str):
    return _Quotes()


@Language.factory("ledger_sentences", default_config={"set_sent_starts": False})
def make_sentencizer(nlp: Language, name: str, set_sent_starts: bool):
    return _Sentences(set_sent_starts)


@Language.factory("ledger_cues")
def make_cues(nlp: Language, name: str):
    lexicon.load()  # a broken or missing word list shows when the pipeline is built
    return _Cues()


@Language.factory("ledger_attribution")
def make_attribution(nlp: Language, name: str):
    return _Attribution()


@Language.factory("ledger_resolver")
def make_resolver(nlp: Language, name: str):
    return _Resolver()
