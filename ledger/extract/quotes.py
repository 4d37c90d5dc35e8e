"""Quotation spans in raw text: curly and straight marks, one level deep, per paragraph."""
from __future__ import annotations

import re

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
DOUBLE_APOSTROPHE = "''"  # some wires write a quotation mark as two apostrophes
QUOTE_MARKS = set(OPENING + CLOSING + STRAIGHT) | {DOUBLE_APOSTROPHE}
# Any mark, or two apostrophes (a lone one matches nothing). Written as a character class and
# a test after it, not as `''|[…]`: a pattern that opens with a class lets the regex engine skip
# straight to the next candidate character, which more than halves find_quotes' time.
_MARKS = re.compile(r"[\"“”«»„\n'](?:(?<!')|')")


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
    for m in _MARKS.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
        ch = m.group()
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
            nxt = text[m.end()] if m.end() < n else " "
            if ch == STRAIGHT and nxt.isspace() and i > 0 and not text[i - 1].isspace():
                continue  # a straight mark that can only close: stray
            open_at = i
            straight_close = -1
        else:
            if ch in OPENING and text[open_at] in OPENING:
                # a nested opening mark (we track the outer quotation only), or one typed for a
                # closing mark (`…here,“ said Clyburn`): kept as a closing mark to fall back on
                if straight_close < 0 and i > 0 and not text[i - 1].isspace() \
                        and (m.end() >= n or not text[m.end()].isalnum()):
                    straight_close = m.end() - 1
                continue
            if ch == STRAIGHT and text[open_at] in OPENING:
                # an inner straight mark inside a curly quotation, or its closing mark
                if straight_close < 0 and i > 0 and not text[i - 1].isspace() \
                        and (m.end() >= n or not text[m.end()].isalnum()):
                    straight_close = m.end() - 1
                continue
            spans.append((open_at, m.end()))
            open_at = straight_close = -1
    if open_at >= 0 and straight_close >= 0:
        spans.append((open_at, straight_close + 1))
    return spans
