"""A flat, read-only view of a Doc's tokens for the rules: plain lists are cheap to index."""
from __future__ import annotations

import weakref
from bisect import bisect_left

import numpy
from spacy.attrs import IDX, SPACY
from spacy.tokens import Doc

from .codes import code_points
from .quotes import QUOTE_MARKS

SENT_END = {".", "!", "?", "...", "…"}


class Toks:
    __slots__ = ("_doc", "text", "n", "txt", "low", "start", "end", "qid", "title", "quotes", "quote_starts",
                 "breaks", "sents", "sent_of", "ent_end", "ent_start", "ent_label", "first_code", "last_code")

    def __init__(self, doc: Doc, quotes: list[tuple[int, int]], text: str | None = None):
        # a weak reference: the Doc holds this view (doc._.toks), and a strong one back would
        # make every Doc a reference cycle, freed only by the cyclic garbage collector
        self._doc = weakref.ref(doc)
        # doc.text rebuilds the string token by token: take it once (or from the caller)
        self.text = text = doc.text if text is None else text
        self.n = len(doc)
        # one array read instead of a Token object per token per attribute (the pipeline's
        # largest cost otherwise); the columns are combined in numpy and each turned into a
        # list once: tolist() of the 2-D array builds a small list per token and was slower.
        # A token ends where the next begins, less its trailing space (SPACY): the Doc's text
        # is each token's text and its space in turn. SPACY is a token field and LENGTH one of
        # the lexeme, which to_array reads at twice the cost.
        arr = doc.to_array([IDX, SPACY]).astype("int64") if self.n else numpy.zeros((0, 2), dtype="int64")
        starts = arr[:, 0]
        ends = numpy.empty_like(starts)
        ends[:-1] = starts[1:] - arr[:-1, 1]
        if self.n:
            ends[-1] = starts[-1] + len(doc[-1])
        self.start: list[int] = starts.tolist()
        self.end: list[int] = ends.tolist()
        self.txt = [text[s:e] for s, e in zip(self.start, self.end)]
        self.low = list(map(str.lower, self.txt))
        # each token's first and last character, as code points, for the rules that test one
        # character of every token: in numpy, one operation per document, not one per token.
        # (Tokens are never empty.)
        codes = code_points(text)
        self.first_code, self.last_code = codes[starts], codes[ends - 1]
        # the tokens that follow a line break (one lies in [start[i-1], start[i]): in the token
        # before or in the gap), where sentence units and transcript turns start; all at once
        self.breaks = set(numpy.searchsorted(starts, numpy.flatnonzero(codes == ord("\n")), side="right").tolist())
        # is_title, once per token: the rules ask it of most tokens, often several times
        self.title = _titles(self.first_code)
        self.quotes = quotes
        self.quote_starts = [qs for qs, _ in quotes]  # (sorted: quotations never overlap)
        self.qid = _quote_ids(self.start, quotes)
        self.sents: list[tuple[int, int]] = []
        self.sent_of = [0] * self.n
        # named entities, when a trained base (`--model`) or an entity ruler set them; the
        # blank pipeline has none and these stay empty
        self.ent_end: dict[int, tuple[int, str]] = {}  # end token → (start token, label)
        self.ent_start: dict[int, tuple[int, str]] = {}  # start token → (end token, label)
        self.ent_label: dict[int, str] = {}  # token → label of the entity it lies in
        # (doc.ents is empty without them, and cheaper to ask than has_annotation)
        for e in doc.ents:
            self.ent_end[e.end] = (e.start, e.label_)
            self.ent_start[e.start] = (e.end, e.label_)
            for i in range(e.start, e.end):
                self.ent_label[i] = e.label_

    @property
    def doc(self) -> Doc | None:
        return self._doc()

    def set_sents(self, sents: list[tuple[int, int]]):
        self.sents = sents
        for k, (a, b) in enumerate(sents):
            self.sent_of[a:b] = [k] * (b - a)

    # --- token classes -------------------------------------------------------------------
    def is_title(self, i: int) -> bool:
        return self.title[i]

    def is_quote_mark(self, i: int) -> bool:
        return self.txt[i] in QUOTE_MARKS

    def is_open_quote(self, i: int) -> bool:
        q = self.qid[i]
        return q >= 0 and self.start[i] == self.quotes[q][0]

    def is_close_quote(self, i: int) -> bool:
        q = self.qid[i]
        return q >= 0 and self.end[i] == self.quotes[q][1] and self.is_quote_mark(i)

    def is_punct(self, i: int) -> bool:
        return not any(map(str.isalnum, self.txt[i]))

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.start[a]:self.end[b - 1]]


def _titles(first: numpy.ndarray) -> list[bool]:
    """Whether each token's first character is upper-case, from their code points. (No quote
    mark is: is_title need not exclude them.)"""
    title = (first >= ord("A")) & (first <= ord("Z"))
    other = numpy.flatnonzero(first > 127)  # the few outside ASCII, one by one
    title[other] = [chr(c).isupper() for c in first[other].tolist()]
    return title.tolist()


def _quote_ids(starts: list[int], quotes: list[tuple[int, int]]) -> list[int]:
    """qid[i]: index of the quotation token i starts in (marks included), or -1. The
    quotations are sorted and never overlap (see find_quotes): each covers one run of tokens."""
    qid = [-1] * len(starts)
    for q, (qs, qe) in enumerate(quotes):
        i, j = bisect_left(starts, qs), bisect_left(starts, qe)
        qid[i:j] = [q] * (j - i)
    return qid
