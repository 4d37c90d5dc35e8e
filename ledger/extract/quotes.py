"""Quotation spans in raw text: curly and straight marks, one level deep, per paragraph."""
from __future__ import annotations

import re

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"  # some wires write a quotation mark as two apostrophes
QUOTE_MARKS = set(OPENING + CLOSING + STRAIGHT) | {DOUBLE_APOSTROPHE}
_MARKS = re.compile(r"''|[\"“”«»„\n]")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of quotations, marks included.

    A straight mark opens when nothing is open and closes otherwise. A mark left open at the
    end of its paragraph makes no span: it is either a stray mark or a quotation that runs on
    into the next paragraph, and treating the rest of the paragraph as quoted would hide every
    cue in it.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    n = len(text)
    for m in _MARKS.finditer(text):
        i = m.start()
        ch = m.group()
        if ch == DOUBLE_APOSTROPHE:
            ch = STRAIGHT  # behaves like a straight mark
        if ch == "\n":
            open_at = -1
            continue
        if open_at < 0:
            if ch in CLOSING:
                continue  # a stray closing mark opens nothing
            nxt = text[m.end()] if m.end() < n else " "
            if ch == STRAIGHT and nxt.isspace() and i > 0 and not text[i - 1].isspace():
                continue  # a straight mark that can only close: stray
            open_at = i
        else:
            if ch in OPENING and text[open_at] in OPENING:
                continue  # nested opening curly mark: we track the outer quotation only
            if ch == STRAIGHT and text[open_at] in OPENING:
                continue  # an inner straight mark inside a curly quotation
            spans.append((open_at, m.end()))
            open_at = -1
    return spans
