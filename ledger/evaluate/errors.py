"""The worst errors, to read rather than count.

Misses are gold attributions (that count) with no loose pair; false claims are our claims
with no loose pair (and claims whose offsets do not reproduce their text). Both are ranked
longest content first: a long attribution is a whole statement lost or invented, and ties
keep document order. A miss also shows the best Dice any claim reached on it, and that
claim's text, which tells a boundary error (a claim of the wrong extent, or one taken by
another gold attribution) from no claim at all; a false claim shows the best Dice any gold
reached on it.
"""
from __future__ import annotations

from .score import DocMatch, chars, dice
from .sentences import around


def _best(target: set[int], candidates: list[set[int]]) -> tuple[float, int | None]:
    best, best_k = 0.0, None
    for k, c in enumerate(candidates):
        d = dice(target, c)
        if d > best:
            best, best_k = d, k
    return best, best_k


def _text(span: dict | None, text: str) -> str | None:
    if not span:
        return None
    t = span.get("text")  # optional on gold sources and cues: then the document says it
    return t if isinstance(t, str) else text[span["start"]:span["end"]]


def worst_misses(matches: list[DocMatch], n: int) -> list[dict]:
    found = []
    for m in matches:
        paired = m.pair_of_gold()
        claim_chars = [chars(c["content"]) for c in m.claims]
        for j, g in enumerate(m.golds):
            if not m.counted[j] or j in paired:
                continue
            gc = chars(g["content"])
            best, k = _best(gc, claim_chars)
            found.append({"doc": m.doc["id"], "start": g["content"]["start"], "end": g["content"]["end"],
                          "length": len(gc), "content": g["content"]["text"],
                          "source": _text(g.get("source"), m.doc["text"]),
                          "cue": _text(g.get("cue"), m.doc["text"]),
                          "best_dice": round(best, 2),
                          "best_claim": m.claims[k]["content"]["text"] if k is not None else None,
                          "context": around(m.doc["text"], g["content"]["start"], g["content"]["end"])})
    return _top(found, n)


def worst_false_claims(matches: list[DocMatch], n: int) -> list[dict]:
    found = []
    for m in matches:
        paired = m.pair_of_claim()
        gold_chars = [chars(g["content"]) for g in m.golds]
        for i, c in enumerate(m.claims):
            if i in paired:
                continue
            cc = chars(c["content"])
            best, k = _best(cc, gold_chars)
            found.append(_claim_row(m, c, len(cc), best_dice=round(best, 2),
                                    best_gold=m.golds[k]["content"]["text"] if k is not None else None))
        for c in m.bad:
            content = c.get("content") or {}
            found.append(_claim_row(m, c, len(str(content.get("text") or "")), bad_offsets=True))
    return _top(found, n)


def _claim_row(m: DocMatch, c: dict, length: int, **extra) -> dict:
    content = c.get("content") or {}
    st, en, text = content.get("start"), content.get("end"), m.doc["text"]
    ok = isinstance(st, int) and isinstance(en, int) and 0 <= st <= en <= len(text)
    return {"doc": m.doc["id"], "start": content.get("start"), "end": content.get("end"),
            "length": length, "content": content.get("text"), "speaker": c.get("speaker"),
            "source": _text(c.get("speaker_mention"), text), "cue": _text(c.get("cue"), text),
            "bad_offsets": False, **extra, "context": around(text, st, en) if ok else None}


def _top(found: list[dict], n: int) -> list[dict]:
    return sorted(found, key=lambda e: -e["length"])[:n]  # stable: ties keep document order
