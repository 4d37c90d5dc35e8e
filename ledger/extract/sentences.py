"""Sentence units for attribution: split at sentence ends and line breaks, never inside a
quotation (a multi-sentence quote stays one unit), and after headings glued to the text; and
the pieces a very long text, or a very long run without spaces, is cut into first."""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import chain, compress
from operator import itemgetter

from ..models import Claim, Span
from .lexicon import Lexicon
from .quotes import QUOTE_MARKS
from .tokens import SENT_END, Toks

# what a sentence's last word ends with, and what may stand between it and the next sentence
_END_CHARS = frozenset(w[-1] for w in SENT_END)
_CLOSERS = QUOTE_MARKS | {")", "]", "’", "'"}


def split_sentences(t: Toks, lex: Lexicon) -> list[tuple[int, int]]:
    abbrev = lex.g["abbreviations"]
    starts = [0] if t.n else []
    starts += [i for i in _candidates(t) if _starts_sentence(t, i, abbrev)]
    return [(a, b) for a, b in zip(starts, starts[1:] + [t.n]) if a < b]


def _candidates(t: Toks) -> list[int]:
    """Tokens (after the first) that may start a sentence unit, in order: every token that
    `_starts_sentence` accepts, and a few more, found without a Python test per token. A unit
    starts after a line break, after a word that can end a sentence (".", "etc.", "?") or a
    word of an all-caps heading ("'S" is one too), each possibly followed by closing quotes and
    brackets. (Tokens are never empty: itemgetter(-1) is their last character.)"""
    n, txt = t.n, t.txt
    cand = set()
    seeds = chain(compress(range(n), map(_END_CHARS.__contains__, map(itemgetter(-1), txt))),
                  compress(range(n), map(str.isupper, txt)))
    for k in seeds:
        i = k + 1
        cand.add(i)
        while i < n and txt[i] in _CLOSERS:
            i += 1
            cand.add(i)
    # token i follows a line break when one lies in [start[i-1], start[i]): in the token before
    # it or in the gap between them
    nl = t.text.find("\n")
    while nl >= 0:
        cand.add(bisect_right(t.start, nl))
        nl = t.text.find("\n", nl + 1)
    return sorted(i for i in cand if 0 < i < n)


def _starts_sentence(t: Toks, i: int, abbrev: set) -> bool:
    """Whether token i (i > 0) starts a sentence unit."""
    text = t.text
    prev_end, cur_start = t.end[i - 1], t.start[i]
    gap = text[prev_end:cur_start]
    if t.txt[i].isspace():
        return False
    if "\n" in gap or "\n" in t.txt[i - 1]:
        return not (t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1])  # a quotation over paragraphs: one unit
    if _heading_ends_before(t, i):
        return True
    # the last real token before i, looking through closing quotes and brackets
    j = i - 1
    while j > 0 and (t.is_close_quote(j) or t.txt[j] in (")", "]", "’", "'")):
        j -= 1
    if not _ends_sentence(t, j, abbrev):
        return False
    if not gap:
        return False  # "3.5", "U.S." and the like: no space, no boundary
    if t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1] and not t.is_open_quote(i):
        return False  # inside one quotation
    nxt = t.txt[i]
    return bool(nxt[:1].isupper() or nxt[:1].isdigit() or t.is_open_quote(i) or nxt in ("(", "["))


def _ends_sentence(t: Toks, j: int, abbrev: set) -> bool:
    last = t.txt[j]
    if last in SENT_END:
        if last == "." and j > 0 and t.end[j - 1] == t.start[j]:
            w = t.low[j - 1]
            return not (w in abbrev or (len(w) == 1 and w.isalpha()))
        return True
    # the tokenizer keeps the period of "Sen." or "U.S." on the word: a sentence ends there
    # only when the word is not a known abbreviation ("etc.", "Washington.")
    if len(last) > 1 and last.endswith("."):
        base = last[:-1].lower()
        return base not in abbrev and "." not in base and len(base) > 2
    return False


def _heading_ends_before(t: Toks, i: int) -> bool:
    """An all-caps heading glued to the next sentence: `…EXCHANGE` + `Flake highlighted`."""
    if not (t.txt[i][:1].isupper() and t.txt[i][1:2].islower()):
        return False
    caps = 0
    j = i - 1
    while j >= 0 and caps < 3:
        w = t.txt[j]
        if t.is_quote_mark(j) or w in ("'S", "’S"):
            j -= 1
            continue
        if w.isupper() and any(c.isalpha() for c in w):
            caps += 1
            j -= 1
            continue
        break
    return caps >= 3


def is_heading(t: Toks, a: int, b: int, lex: Lexicon) -> bool:
    """Headlines, captions, "Read more:" lines and metadata: text in no one's voice but the page's."""
    line_start = t.text.rfind("\n", 0, t.start[a]) + 1
    line_end = t.text.find("\n", t.end[b - 1])
    line = t.text[line_start: len(t.text) if line_end < 0 else line_end].strip()
    if line.lower().startswith(tuple(lex.g["read_more_prefixes"])):  # any of them, in one call
        return True
    if _all_caps(t.txt, a, b):
        return True
    # a paragraph may end in any closing quotation mark: "»" (and German "“") too
    return bool(line) and line[-1] not in ".!?\"”'’:)…»“›"


def _all_caps(txt: list[str], a: int, b: int) -> bool:
    """At least two of the tokens a..b have letters, and all those are upper-case. Stops at the
    first one that is not: in running text, usually the first word."""
    words = 0
    for i in range(a, b):
        w = txt[i]
        if any(map(str.isalpha, w)):
            if not w.isupper():
                return False
            words += 1
    return words >= 2


# --- long and hostile texts: what the tokenizer is given ------------------------------------

# Longer texts are extracted in pieces of at most this many characters, cut at line breaks:
# three times the longest PolNeAR article, and small enough that the rules' per-article costs
# that grow with the square of the length stay small. A text this short is one piece, as before.
CHUNK_CHARS = 100_000
# spaCy's tokenizer takes time that grows faster than the square of a word's length when the
# word is punctuation it splits off character by character (20,000 "!?" took two minutes):
# runs without whitespace longer than this are tokenised in pieces of this length.
RUN_CHARS = 100
_LONG_RUN = re.compile(r"\s(\S{%d,})" % (RUN_CHARS + 1))


# Invisible marks that stand between words: zero-width space, direction marks, bidi embeddings
# and isolates, word joiner, byte-order mark. Glued to a word they hid it from the word lists
# ("said\u200f" was no cue) and stuck to speakers' names. (Zero-width joiners and soft hyphens
# sit inside words and are left alone.)
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def invisible_as_spaces(text: str) -> str:
    """`text` with the marks above as spaces, one for one, so every offset stays the same."""
    return _INVISIBLE.sub(" ", text) if not text.isascii() and _INVISIBLE.search(text) else text


def is_blank(word: str) -> bool:
    """A token of spaces (a doubled space is a token of its own) or of invisible marks, which
    tokenise as spaces (`invisible_as_spaces`) but keep their own text."""
    return word.isspace() or not _INVISIBLE.sub("", word).strip()


def text_chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces covering `text`, each at most `size` long, cut after the last line
    break in the second half of a piece, else after its last whitespace, else at `size`."""
    pieces, start, n = [], 0, len(text)
    while n - start > size:
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit) + 1
        if not cut:
            cut = max(text.rfind(" ", start + size // 2, limit), text.rfind("\t", start + size // 2, limit)) + 1
        cut = cut or limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


def run_cuts(text: str, size: int = RUN_CHARS) -> list[int]:
    """Offsets that cut every whitespace-free run longer than `size` into pieces of `size`."""
    cuts = []
    for m in _LONG_RUN.finditer(" " + text):  # the space: a run may open the text
        start, end = m.start(1) - 1, m.end(1) - 1
        cuts.extend(range(start + size, end, size))
    return cuts


def shift_claim(claim: Claim, by: int) -> Claim:
    """A claim found in a piece of a text that starts at `by`, with offsets (and so its id)
    into the whole text."""
    spans = {name: _shift(value, by) for name, value in claim if isinstance(value, Span)}
    content = spans["content"]
    return claim.model_copy(update={**spans, "id": Claim.make_id(claim.article_id, content.start, content.end)})


def _shift(span: Span, by: int) -> Span:
    fragments = [_shift(f, by) for f in span.fragments] if span.fragments else span.fragments
    return Span(text=span.text, start=span.start + by, end=span.end + by, fragments=fragments)
