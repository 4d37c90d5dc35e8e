"""Person names compared across articles: folded words, first name and surname, and the
tests for "the same name written another way" ("J. Flake", "Blinekn")."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "sir", "dame", "the"}
# A one-letter slip ("Blinekn") is only believed in a surname this long: short ones
# ("Kim", "Kin") differ by one letter too often between real people.
FUZZY_MIN_LEN = 6


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: "Erdoğan's" → "erdogan"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class PersonName:
    words: tuple[str, ...]  # folded, without titles, honorifics and suffixes

    @property
    def first(self) -> str | None:
        return self.words[0] if len(self.words) > 1 else None

    @property
    def last(self) -> str:
        return self.words[-1] if self.words else ""

    @property
    def full(self) -> bool:
        return len(self.words) > 1


@lru_cache(maxsize=65_536)
def person_name(name: str) -> PersonName:
    from ..extract.lexicon import load  # here: the lexicon module pulls in the extractor package

    titles = load().title_words
    words = fold(name).split()
    # titles only at the front: "Ambassador Flake", but "Martin Luther King" keeps "King"
    while len(words) > 1 and (words[0] in HONORIFICS or words[0] in titles):
        words.pop(0)
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return PersonName(tuple(words))


def first_names_agree(a: str | None, b: str | None) -> bool:
    """Unknown agrees with anything; "j" (an initial) with "jeff"; "jeff" not with "maria"."""
    if a is None or b is None or a == b:
        return True
    return len(a) == 1 and b.startswith(a) or len(b) == 1 and a.startswith(b)


def surnames_close(a: str, b: str) -> bool:
    """One transposed, dropped or changed letter in a long surname with the same first letter."""
    if a == b:
        return True
    return (min(len(a), len(b)) >= FUZZY_MIN_LEN and a[0] == b[0]
            and DamerauLevenshtein.distance(a, b) <= 1)


def role_words(role: str | None) -> set[str]:
    """The content words of a role, for "Secretary of State" ~ "United States Secretary of State"."""
    return {w for w in fold(role or "").split() if len(w) > 2 and w not in {"the", "and", "for"}}
