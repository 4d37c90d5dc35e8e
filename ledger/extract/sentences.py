"""Sentence units for attribution: split at sentence ends and line breaks, never inside a
quotation (a multi-sentence quote stays one unit), and after headings glued to the text."""
from __future__ import annotations

from .lexicon import Lexicon
from .tokens import SENT_END, Toks


def split_sentences(t: Toks, lex: Lexicon) -> list[tuple[int, int]]:
    abbrev = lex.g["abbreviations"]
    starts = [0] if t.n else []
    text = t.text
    for i in range(1, t.n):
        prev_end, cur_start = t.end[i - 1], t.start[i]
        gap = text[prev_end:cur_start]
        if t.txt[i].isspace():
            continue
        if "\n" in gap or "\n" in t.txt[i - 1]:
            if not (t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1]):  # a quotation over paragraphs: one unit
                starts.append(i)
            continue
        if _heading_ends_before(t, i):
            starts.append(i)
            continue
        # the last real token before i, looking through closing quotes and brackets
        j = i - 1
        while j > 0 and (t.is_close_quote(j) or t.txt[j] in (")", "]", "’", "'")):
            j -= 1
        if not _ends_sentence(t, j, abbrev):
            continue
        if not gap:
            continue  # "3.5", "U.S." and the like: no space, no boundary
        if t.qid[i] >= 0 and t.qid[i] == t.qid[i - 1] and not t.is_open_quote(i):
            continue  # inside one quotation
        nxt = t.txt[i]
        if not (nxt[:1].isupper() or nxt[:1].isdigit() or t.is_open_quote(i) or nxt in ("(", "[")):
            continue
        starts.append(i)
    return [(a, b) for a, b in zip(starts, starts[1:] + [t.n]) if a < b]


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
    low = line.lower()
    if any(low.startswith(p) for p in lex.g["read_more_prefixes"]):
        return True
    words = [w for w in t.txt[a:b] if any(c.isalpha() for c in w)]
    if len(words) >= 2 and all(w.isupper() for w in words):
        return True
    return bool(line) and line[-1] not in ".!?\"”'’:)…"
