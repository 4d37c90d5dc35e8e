"""Build the pipeline (blank English + our components, or an installed trained base)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from ..models import Article, Claim


class ModelNotFound(Exception):
    pass


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    if model:
        try:
            nlp = spacy.load(model)
        except OSError:
            raise ModelNotFound(
                f"spaCy pipeline '{model}' is not installed; install it as a package or pass a "
                "path to it, or leave out --model to use the built-in rules") from None
    else:
        nlp = spacy.blank("en")
    return nlp


def extract_claims(article: Article, nlp: Language | None = None) -> list[Claim]:
    nlp = nlp or load_pipeline()
    return []
