"""Reviewers' marks as extra gold: do we still find the claims marked confirmed, and do we
still make the ones marked wrong? Unmarked claims are neither, so they are not counted."""
from __future__ import annotations

from collections import defaultdict

from .score import chars, pair, source_ok


def check_reviews(docs: list[dict], claims: list[dict]) -> dict:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["article_id"]].append(c)
    n = dict.fromkeys(("confirmed", "confirmed_found", "confirmed_source_ok", "wrong", "wrong_made"), 0)
    for doc in docs:
        mine = [chars(c["content"]) for c in by_doc.get(doc["id"], [])]
        confirmed, wrong = doc["attributions"], doc.get("wrong", [])
        found = pair(mine, [chars(g["content"]) for g in confirmed])
        n["confirmed"] += len(confirmed)
        n["confirmed_found"] += len(found)
        n["confirmed_source_ok"] += sum(source_ok(confirmed[j], by_doc[doc["id"]][i]) for _, i, j in found)
        n["wrong"] += len(wrong)
        n["wrong_made"] += len(pair(mine, [chars(g["content"]) for g in wrong]))
    kept = n["confirmed_found"] + n["wrong_made"]
    return {"documents": len(docs), **n,
            "recall": round(100 * n["confirmed_found"] / n["confirmed"], 1) if n["confirmed"] else None,
            "precision": round(100 * n["confirmed_found"] / kept, 1) if kept else None}


def review_lines(fig: dict) -> list[str]:
    return [f"reviewed documents {fig['documents']}: confirmed claims found {fig['confirmed_found']}/"
            f"{fig['confirmed']} (source right {fig['confirmed_source_ok']}), claims marked wrong still made "
            f"{fig['wrong_made']}/{fig['wrong']}; precision on marked claims {fig['precision']}, "
            f"recall {fig['recall']}"]
