"""Pure scoring: gold documents and predicted claim dicts in, the figures of
`../shared/eval/score.py` out (the same keys, the same rounding, the same numbers).

Every rule here mirrors score.py, including its quirks, because the point is that the two
agree to the last digit:
- claims are paired one-to-one with gold, greedily by content Dice, best first, ties broken
  by the higher claim index and then the higher gold index (score.py sorts (dice, i, j) in
  reverse); every gold takes part in the pairing, optional and out-of-subset gold included;
- a claim paired with optional or out-of-subset gold is ignored: neither right nor wrong;
- a claim whose offsets do not reproduce its text is a false positive for loose and strict,
  but not for full (score.py never adds it there);
- full counts a loose pair whose source is right, or whose gold has no source.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

LOOSE, STRICT = 0.5, 0.9
QUOTES = "\"“”„«»"
SUBSETS = ("all", "quoted")


def chars(span: dict) -> set[int]:
    """The character offsets a span covers; a split quote covers only its fragments."""
    s: set[int] = set()
    for f in span.get("fragments") or [span]:
        s.update(range(f["start"], f["end"]))
    return s


def dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def overlaps(a: dict | None, b: dict | None) -> bool:
    return a is not None and b is not None and a["start"] < b["end"] and b["start"] < a["end"]


def norm_name(s: str | None) -> str:
    s = re.sub(r"[^\w\s]", " ", (s or "").lower())
    return " ".join(t for t in s.split() if t not in {"the", "mr", "mrs", "ms", "dr"})


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def is_quoted(gold: dict) -> bool:
    return any(q in gold["content"]["text"] for q in QUOTES)


def reproduces(claim: dict, text: str) -> bool:
    span = claim.get("content") or {}
    st, en = span.get("start"), span.get("end")
    return isinstance(st, int) and isinstance(en, int) and text[st:en] == span.get("text")


def source_ok(gold: dict, claim: dict) -> bool:
    return gold.get("source") is None or overlaps(claim.get("speaker_mention"), gold["source"])


@dataclass
class DocMatch:
    """One gold document and its claims, paired: what the figures, the case breakdown and the
    error listing are all computed from."""

    doc: dict
    claims: list[dict]  # claims whose offsets reproduce their text, in prediction order
    bad: list[dict]  # claims whose offsets do not
    counted: list[bool]  # per gold attribution: does it count (not optional, in the subset)
    pairs: list[tuple[float, int, int]] = field(default_factory=list)  # (dice, claim i, gold j)

    @property
    def golds(self) -> list[dict]:
        return self.doc["attributions"]

    def pair_of_gold(self) -> dict[int, tuple[float, int]]:
        return {j: (s, i) for s, i, j in self.pairs}

    def pair_of_claim(self) -> dict[int, tuple[float, int]]:
        return {i: (s, j) for s, i, j in self.pairs}


def pair(claim_chars: list[set], gold_chars: list[set]) -> list[tuple[float, int, int]]:
    """Greedy one-to-one pairing at Dice >= 0.5, in score.py's order."""
    # score.py sorts every candidate and stops at the first below 0.5: the same order as
    # sorting only those at 0.5 or more.
    cand = sorted((t for t in ((dice(pc, gc), i, j) for i, pc in enumerate(claim_chars)
                               for j, gc in enumerate(gold_chars)) if t[0] >= LOOSE), reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for s, i, j in cand:
        if s < LOOSE:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((s, i, j))
    return pairs


def match_documents(gold_docs: list[dict], claims: list[dict], subset: str = "all"
                    ) -> tuple[list[DocMatch], int]:
    """Pair the claims of each gold document with its attributions. Returns the matches, in
    gold order, and the number of claims for documents not in the gold."""
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {SUBSETS}, not {subset!r}")
    gold = {d["id"]: d for d in gold_docs}  # a repeated id: the last line wins, as in score.py
    good: dict[str, list[dict]] = defaultdict(list)
    bad: dict[str, list[dict]] = defaultdict(list)
    unknown = 0
    for c in claims:
        doc = gold.get(str(c.get("article_id")))
        if doc is None:
            unknown += 1
        else:
            (good if reproduces(c, doc["text"]) else bad)[doc["id"]].append(c)
    matches = []
    for did, doc in gold.items():
        golds = doc["attributions"]
        m = DocMatch(doc=doc, claims=good.get(did, []), bad=bad.get(did, []),
                     counted=[not g.get("optional") and (subset == "all" or is_quoted(g)) for g in golds])
        m.pairs = pair([chars(p["content"]) for p in m.claims], [chars(g["content"]) for g in golds])
        matches.append(m)
    return matches, unknown


def score_matches(matches: list[DocMatch], subset: str = "all", unknown: int = 0) -> dict:
    """The figures, as score.py's JSON object (same keys, same order, same rounding)."""
    n: dict[str, int] = defaultdict(int)
    bad_offsets = 0
    for m in matches:
        bad_offsets += len(m.bad)
        n["fp_loose"] += len(m.bad)
        n["fp_strict"] += len(m.bad)
        n["gold"] += sum(m.counted)
        paired = set()
        for s, i, j in m.pairs:
            paired.add(i)
            if not m.counted[j]:
                continue  # paired with optional or out-of-subset gold: ignored
            g, p = m.golds[j], m.claims[i]
            n["tp_loose"] += 1
            n["tp_strict"] += s >= STRICT
            n["fp_strict"] += s < STRICT
            ok = source_ok(g, p)
            if g.get("source") is not None:
                n["src_total"] += 1
                n["src_ok"] += ok
            if g.get("cue") is not None:
                n["cue_total"] += 1
                n["cue_ok"] += overlaps(p.get("cue"), g["cue"])
            if g.get("speaker_name"):
                n["name_total"] += 1
                n["name_ok"] += norm_name(p.get("speaker")) == norm_name(g["speaker_name"])
            n["tp_full"] += ok
            n["fp_full"] += not ok
        unpaired = len(m.claims) - len(paired)
        n["fp_loose"] += unpaired
        n["fp_strict"] += unpaired
        n["fp_full"] += unpaired
    out = {"documents": len(matches), "gold_attributions": n["gold"], "subset": subset,
           "claims_with_bad_offsets": bad_offsets, "claims_for_unknown_documents": unknown}
    for k in ("loose", "strict", "full"):
        p, r, f = prf(n["tp_" + k], n["fp_" + k], n["gold"] - n["tp_" + k])
        out[k] = {"precision": round(100 * p, 1), "recall": round(100 * r, 1), "f1": round(100 * f, 1)}
    for k in ("src", "cue", "name"):
        out[k + "_accuracy"] = round(100 * n[k + "_ok"] / n[k + "_total"], 1) if n[k + "_total"] else None
    return out


def score(gold_docs: list[dict], claims: list[dict], subset: str = "all") -> dict:
    """score.py's figures for these gold documents and predicted claim dicts."""
    matches, unknown = match_documents(gold_docs, claims, subset)
    return score_matches(matches, subset, unknown)
