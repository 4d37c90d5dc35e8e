"""Quotation spans in raw text: curly and straight marks, one level deep, per paragraph."""
from __future__ import annotations

import numpy

from .codes import code_points, code_table, in_table

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"  # some wires write a quotation mark as two apostrophes
QUOTE_MARKS = set(OPENING + CLOSING + STRAIGHT) | {DOUBLE_APOSTROPHE}
_MARK_TABLE = code_table(OPENING + CLOSING + STRAIGHT + "\n'")  # what may start a mark, or a line break


def _marks(text: str) -> list[tuple[int, str]]:
    """(offset, mark) of each quotation mark and line break in `text`, in order: a character of
    OPENING, CLOSING or STRAIGHT, a line break, or two apostrophes (a lone one is no mark). The
    characters to look at are found in numpy, one table look-up per character for the text
    (a regex tried at every character took twice as long)."""
    out = []
    free = 0  # past the last mark: an apostrophe pair is read once, from its first
    for i in numpy.flatnonzero(in_table(code_points(text), _MARK_TABLE)).tolist():
        if i < free:
            continue
        mark = text[i]
        if mark == "'":
            if text[i + 1:i + 2] != "'":
                continue
            mark = DOUBLE_APOSTROPHE
        out.append((i, mark))
        free = i + len(mark)
    return out


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of quotations, marks included.

    A straight mark opens when nothing is open and closes otherwise. A quotation still open at
    the end of its paragraph runs on when the next paragraph opens with a quotation mark (the
    newspaper convention for a quotation of several paragraphs); a curly quotation closed by a
    straight or a wrongly typed opening mark (`“…," he said`, `“…,“ he said`) closes there; anything else left open makes no span: it
    is a stray mark, and treating the rest of the paragraph as quoted would hide every cue in it.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    straight_close = -1  # inside a curly quotation: the first other mark that could close it
    skip_to = -1
    n = len(text)
    for i, ch in _marks(text):
        if i < skip_to:
            continue
        end = i + len(ch)
        if ch == DOUBLE_APOSTROPHE:
            ch = STRAIGHT  # behaves like a straight mark
        if ch == "\n":
            if open_at < 0:
                continue
            j = i
            while j < n and text[j].isspace():
                j += 1
            nxt = text[j:j + 2]
            if j < n and (nxt[:1] in OPENING or nxt[:1] == STRAIGHT or nxt == DOUBLE_APOSTROPHE) \
                    and (straight_close < 0 or text[open_at] == STRAIGHT):
                skip_to = j + (2 if nxt == DOUBLE_APOSTROPHE else 1)  # the quotation runs on
                continue
            if straight_close >= 0:
                spans.append((open_at, straight_close + 1))
            open_at = straight_close = -1
            continue
        if open_at < 0:
            if ch in CLOSING:
                continue  # a stray closing mark opens nothing
            nxt = text[end] if end < n else " "
            if ch == STRAIGHT and nxt.isspace() and i > 0 and not text[i - 1].isspace():
                continue  # a straight mark that can only close: stray
            open_at = i
            straight_close = -1
        else:
            if ch in OPENING and text[open_at] in OPENING:
                # a nested opening mark (we track the outer quotation only), or one typed for a
                # closing mark (`…here,“ said Clyburn`): kept as a closing mark to fall back on
                if straight_close < 0 and i > 0 and not text[i - 1].isspace() \
                        and (end >= n or not text[end].isalnum()):
                    straight_close = end - 1
                continue
            if ch == STRAIGHT and text[open_at] in OPENING:
                # an inner straight mark inside a curly quotation, or its closing mark
                if straight_close < 0 and i > 0 and not text[i - 1].isspace() \
                        and (end >= n or not text[end].isalnum()):
                    straight_close = end - 1
                continue
            spans.append((open_at, end))
            open_at = straight_close = -1
    if open_at >= 0 and straight_close >= 0:
        spans.append((open_at, straight_close + 1))
    return spans
