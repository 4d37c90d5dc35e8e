"""A flat, read-only view of a Doc's tokens for the rules: plain lists are cheap to index."""
from __future__ import annotations

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from .quotes import QUOTE_MARKS

SENT_END = {".", "!", "?", "...", "…"}


class Toks:
    __slots__ = ("doc", "text", "n", "txt", "low", "start", "end", "qid", "quotes", "sents", "sent_of")

    def __init__(self, doc: Doc, quotes: list[tuple[int, int]], text: str | None = None):
        self.doc = doc
        # doc.text rebuilds the string token by token: take it once (or from the caller)
        self.text = text = doc.text if text is None else text
        self.n = len(doc)
        # one array read instead of a Token object per token per attribute (the pipeline's
        # largest cost otherwise)
        arr = doc.to_array([IDX, LENGTH]).tolist() if self.n else []
        self.start = [r[0] for r in arr]
        self.end = [r[0] + r[1] for r in arr]
        self.txt = [text[s:e] for s, e in zip(self.start, self.end)]
        self.low = [w.lower() for w in self.txt]
        self.quotes = quotes
        # qid[i]: index of the quotation token i lies in (marks included), or -1
        self.qid = [-1] * self.n
        q = 0
        for i in range(self.n):
            s = self.start[i]
            while q < len(quotes) and quotes[q][1] <= s:
                q += 1
            if q < len(quotes) and quotes[q][0] <= s < quotes[q][1]:
                self.qid[i] = q
        self.sents: list[tuple[int, int]] = []
        self.sent_of = [0] * self.n

    def set_sents(self, sents: list[tuple[int, int]]):
        self.sents = sents
        for k, (a, b) in enumerate(sents):
            for i in range(a, b):
                self.sent_of[i] = k

    # --- token classes -------------------------------------------------------------------
    def is_title(self, i: int) -> bool:
        t = self.txt[i]
        return t[:1].isupper() and not self.is_quote_mark(i)

    def is_quote_mark(self, i: int) -> bool:
        return self.txt[i] in QUOTE_MARKS

    def is_open_quote(self, i: int) -> bool:
        q = self.qid[i]
        return q >= 0 and self.start[i] == self.quotes[q][0]

    def is_close_quote(self, i: int) -> bool:
        q = self.qid[i]
        return q >= 0 and self.end[i] == self.quotes[q][1] and self.is_quote_mark(i)

    def is_punct(self, i: int) -> bool:
        t = self.txt[i]
        return not any(c.isalnum() for c in t)

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.start[a]:self.end[b - 1]]
