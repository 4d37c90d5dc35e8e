"""Where sentences break, without a parser: enough to tell a multi-sentence quote and to show
the sentence around a span. A break is a sentence-final mark (. ! ? …), any closing quotes or
brackets, whitespace, then an uppercase letter or an opening quote; a full stop after a known
abbreviation ("Mr.", "Sept."), an initial ("J.") or a dotted acronym ("U.S.") is no break."""
from __future__ import annotations

import re

BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=[A-Z\"“„«‘'])")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "gen", "gens", "sen", "sens", "rep",
    "reps", "gov", "lt", "col", "sgt", "capt", "cmdr", "adm", "pres", "mt", "ft", "no", "vs", "etc",
    "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
}
_WORD_BEFORE = re.compile(r"[\w.]*$")
_ACRONYM = re.compile(r"(?:\w\.)+\w")


def breaks(text: str, start: int = 0, end: int | None = None):
    """The sentence breaks in text[start:end], as regex matches (the mark through the spaces)."""
    for m in BREAK.finditer(text, start, len(text) if end is None else end):
        if text[m.start()] == ".":
            word = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start()).group().lower()
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or _ACRONYM.fullmatch(word):
                continue
        yield m


def is_multi_sentence(text: str, parts: list[tuple[int, int]]) -> bool:
    """Does any part (a content span, or each fragment of a split quote) hold a sentence break?
    The words between fragments ("said Caddell.") are not part of the content, so a quote
    split by its attribution is not counted as two sentences for that reason alone."""
    return any(next(breaks(text, s, e), None) is not None for s, e in parts)


def around(text: str, start: int, end: int, width: int = 300) -> str:
    """The sentence(s) or line holding text[start:end], on one line, the span itself between
    ⟦ ⟧, trimmed to about `width` characters: the words just before and after the span and
    both its ends are kept (where boundary errors show), a long middle is elided."""
    s = text.rfind("\n", 0, start) + 1
    for m in breaks(text, s, start + 1):  # + 1: the capital after a break is what marks it
        if m.end() <= start:
            s = m.end()
    nl = text.find("\n", end)
    e = len(text) if nl == -1 else nl
    for m in breaks(text, max(s, end - 3), e):
        if m.end() > end:
            e = m.end()
            break
    before, inside, after = (" ".join(text[a:b].split()) for a, b in ((s, start), (start, end), (end, e)))
    side = width // 4
    if len(before) > side:
        before = "…" + before[-side:].lstrip()
    if len(after) > side:
        after = after[:side].rstrip() + "…"
    room = max(width - len(before) - len(after), 40)
    if len(inside) > room:
        inside = inside[:room // 2].rstrip() + " … " + inside[-(room // 2):].lstrip()
    gap_before = " " if start > s and text[start - 1].isspace() else ""
    gap_after = " " if e > end and text[end].isspace() else ""
    return f"{before}{gap_before}⟦{inside}⟧{gap_after}{after}".strip()
