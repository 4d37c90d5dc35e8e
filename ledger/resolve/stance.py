"""A cue's lemma → the stance it reports with (neutral, strong, distancing, hedged)."""
from __future__ import annotations

from functools import lru_cache

from ..wordlists import read_tsv

NEUTRAL = "neutral"


@lru_cache(maxsize=1)
def stances() -> dict[str, str]:
    return {row["lemma"].strip().lower(): row["stance"].strip() for row in read_tsv("stances.tsv")}


def stance(cue_lemma: str | None) -> str | None:
    """None without a cue: nothing says how it was reported."""
    if not cue_lemma:
        return None
    return stances().get(cue_lemma.lower(), NEUTRAL)
