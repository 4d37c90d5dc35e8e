"""Run our extractor over the gold documents and pair its claims with the gold."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..extract import extract_claims
from ..models import Article, Claim
from .cases import breakdown
from .errors import worst_false_claims, worst_misses
from .score import DocMatch, match_documents, score_matches


def gold_article(doc: dict) -> Article:
    """The article `ledger extract` would read from the same JSONL line (id and text are what
    extraction uses; metadata does not change the claims' offsets)."""
    return Article(id=doc["id"], text=doc["text"], sha256=Article.hash_text(doc["text"]))


def predict(docs: list[dict], nlp=None, extract: Callable[..., list[Claim]] = extract_claims) -> list[dict]:
    """Our claims for every gold document, as the dicts `ledger extract --jsonl` prints, in
    the same order (the order breaks ties in the pairing)."""
    return [c.model_dump(mode="json") for doc in docs for c in extract(gold_article(doc), nlp)]


@dataclass
class Evaluation:
    matches: list[DocMatch]
    figures: dict  # score.py's JSON object

    def breakdown(self) -> list[dict]:
        return breakdown(self.matches)

    def misses(self, n: int) -> list[dict]:
        return worst_misses(self.matches, n)

    def false_claims(self, n: int) -> list[dict]:
        return worst_false_claims(self.matches, n)


def evaluate(docs: list[dict], claims: list[dict], subset: str = "all") -> Evaluation:
    matches, unknown = match_documents(docs, claims, subset)
    return Evaluation(matches, score_matches(matches, subset, unknown))
