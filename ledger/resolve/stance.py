"""A cue's lemma → the stance it reports with (neutral, strong, distancing, hedged)."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

NEUTRAL = "neutral"


@lru_cache(maxsize=1)
def stances() -> dict[str, str]:
    text = (resources.files("ledger") / "data" / "stances.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if line.strip() and not line.startswith("#")),
                          delimiter="\t")
    return {row["lemma"].strip().lower(): row["stance"].strip() for row in rows}


def stance(cue_lemma: str | None) -> str | None:
    """None without a cue: nothing says how it was reported."""
    if not cue_lemma:
        return None
    return stances().get(cue_lemma.lower(), NEUTRAL)
