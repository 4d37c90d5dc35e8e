"""Sentence units for attribution: split at sentence ends and line breaks, never inside a
quotation (a multi-sentence quote stays one unit), and after headings glued to the text."""
from __future__ import annotations

from itertools import chain, compress

import numpy

from .codes import code_table, in_table
from .lexicon import Lexicon
from .quotes import QUOTE_MARKS
from .tokens import SENT_END, Toks

# what may stand between a sentence's last word and the next sentence
_CLOSERS = QUOTE_MARKS | {")", "]", "’", "'"}


def _ascii_lower(codes: numpy.ndarray) -> numpy.ndarray:
    return (codes >= ord("a")) & (codes <= ord("z"))


_END_TABLE = code_table({w[-1] for w in SENT_END})  # what a sentence's last word ends with
_CLOSER_TABLE = code_table({c for w in _CLOSERS for c in w})  # a closer's first and last character


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
    brackets."""
    n, txt, first, last = t.n, t.txt, t.first_code, t.last_code
    ends = numpy.flatnonzero(in_table(last, _END_TABLE)).tolist()
    # str.isupper is asked only of the tokens that neither start nor end with a lower-case
    # ASCII letter: most do
    maybe = numpy.flatnonzero(~_ascii_lower(first) & ~_ascii_lower(last)).tolist()
    caps = compress(maybe, map(str.isupper, map(txt.__getitem__, maybe)))
    cand = set(map((1).__add__, chain(ends, caps)))
    # through closing quotes and brackets: the closers in order, so that a run of them grows
    for i in numpy.flatnonzero(in_table(first, _CLOSER_TABLE) & in_table(last, _CLOSER_TABLE)).tolist():
        if i in cand and txt[i] in _CLOSERS:
            cand.add(i + 1)
    cand |= t.breaks  # after a line break (see Toks.breaks)
    return sorted(i for i in cand if 0 < i < n)


def _starts_sentence(t: Toks, i: int, abbrev: set) -> bool:
    """Whether token i (i > 0) starts a sentence unit."""
    nxt = t.txt[i]
    if nxt.isspace():
        return False
    if i in t.breaks:
        return not (t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1])  # a quotation over paragraphs: one unit
    if not (nxt[:1].isupper() or nxt[:1].isdigit() or t.is_open_quote(i) or nxt in ("(", "[")):
        return False  # no line break, and no word that starts a unit (a heading's next word is one too)
    if _heading_ends_before(t, i):
        return True
    # the last real token before i, looking through closing quotes and brackets
    j = i - 1
    while j > 0 and (t.is_close_quote(j) or t.txt[j] in (")", "]", "’", "'")):
        j -= 1
    if not _ends_sentence(t, j, abbrev):
        return False
    if t.end[i - 1] == t.start[i]:
        return False  # "3.5", "U.S." and the like: no space, no boundary
    if t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1] and not t.is_open_quote(i):
        return False  # inside one quotation
    return True


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
    # any of them, in one call; the line's first characters decide (see Lexicon.read_more_chars)
    if line[:lex.read_more_chars].lower().startswith(lex.read_more_prefixes):
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
