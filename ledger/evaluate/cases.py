"""The breakdown by case: which kinds of attribution we find and which we miss.

A case is a test on an attribution's content, source and cue. Gold attributions and our claims
go through the same tests (a claim's source is its speaker mention), so each row can show
recall over the gold of that case and precision over our claims of that case. An attribution
can be in several cases. Only gold that counts (not optional, in the subset) is in a row, and
claims are counted as the figures count them: a claim paired with gold that does not count
is left out, a claim whose offsets are wrong cannot be classified and is left out too.
"""
from __future__ import annotations

from collections import defaultdict

from .score import QUOTES, STRICT, DocMatch, source_ok
from .sentences import is_multi_sentence

CASES = {
    "direct": "every word of the content is inside quotation marks",
    "indirect": "no quotation mark in the content (score.py's test for the quoted subset)",
    "mixed": "quotation marks in the content, and words outside them",
    "according-to": "the cue starts with 'according'",
    "pronoun source": "the source is a personal pronoun (he, she, they, it, we, I, you, ...)",
    "no source": "no source span",
    "multi-sentence": "the content (or one of its fragments) holds a sentence break",
}
PRONOUNS = {"i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them"}
OPENING, CLOSING = "“„«", "”»"


def _parts(span: dict) -> list[tuple[int, int]]:
    return [(f["start"], f["end"]) for f in span.get("fragments") or [span]]


def _text(span: dict | None, text: str) -> str:
    if span is None:
        return ""
    t = span.get("text")
    return t if isinstance(t, str) else text[span["start"]:span["end"]]


def has_words_outside_quotes(s: str) -> bool:
    """Is a letter or digit of `s` outside quotation marks? Curly and guillemet marks open and
    close; a straight mark closes the straight mark that opened last, else opens one. A
    fragment that starts inside a quote without its opening mark counts as outside."""
    stack: list[str] = []
    for ch in s:
        if ch in OPENING:
            stack.append(ch)
        elif ch in CLOSING:
            if stack:
                stack.pop()
        elif ch == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append(ch)
        elif ch.isalnum() and not stack:
            return True
    return False


def quote_case(content: dict, text: str) -> str:
    if not any(q in content["text"] for q in QUOTES):
        return "indirect"
    # Each fragment on its own: the attribution between two fragments is not content.
    if any(has_words_outside_quotes(text[s:e]) for s, e in _parts(content)):
        return "mixed"
    return "direct"


def cases_of(content: dict, source: dict | None, cue: dict | None, text: str) -> list[str]:
    found = [quote_case(content, text)]
    if _text(cue, text).strip().lower().startswith("according"):
        found.append("according-to")
    if source is None:
        found.append("no source")
    elif _text(source, text).strip().strip(".,;:").lower() in PRONOUNS:
        found.append("pronoun source")
    if is_multi_sentence(text, _parts(content)):
        found.append("multi-sentence")
    return found


def gold_cases(gold: dict, text: str) -> list[str]:
    return cases_of(gold["content"], gold.get("source"), gold.get("cue"), text)


def claim_cases(claim: dict, text: str) -> list[str]:
    return cases_of(claim["content"], claim.get("speaker_mention"), claim.get("cue"), text)


def _pct(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None


def breakdown(matches: list[DocMatch]) -> list[dict]:
    """One row per case, in CASES order: gold count, loose and strict recall, source accuracy
    on the loose pairs, our claims of that case and their loose precision."""
    n = {case: defaultdict(int) for case in CASES}
    for m in matches:
        text = m.doc["text"]
        by_gold, by_claim = m.pair_of_gold(), m.pair_of_claim()
        for j, g in enumerate(m.golds):
            if not m.counted[j]:
                continue
            for case in gold_cases(g, text):
                r = n[case]
                r["gold"] += 1
                if j in by_gold:
                    s, i = by_gold[j]
                    r["loose"] += 1
                    r["strict"] += s >= STRICT
                    if g.get("source") is not None:
                        r["src_total"] += 1
                        r["src_ok"] += source_ok(g, m.claims[i])
        for i, c in enumerate(m.claims):
            if i in by_claim and not m.counted[by_claim[i][1]]:
                continue  # paired with optional or out-of-subset gold: ignored, as in the figures
            for case in claim_cases(c, text):
                n[case]["claims"] += 1
                n[case]["claims_paired"] += i in by_claim
    return [{"case": case, "gold": r["gold"], "loose_recall": _pct(r["loose"], r["gold"]),
             "strict_recall": _pct(r["strict"], r["gold"]),
             "source_accuracy": _pct(r["src_ok"], r["src_total"]),
             "claims": r["claims"], "loose_precision": _pct(r["claims_paired"], r["claims"])}
            for case, r in n.items()]
