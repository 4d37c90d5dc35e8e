"""In-document speaker resolution: a surname to the full name introduced earlier, near-miss
spellings, he/she to the last person, "the sources" to the sources introduced before, and a
type and role for every speaker."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

from rapidfuzz.distance import Levenshtein

from ..extract.lexicon import Lexicon
from ..extract.speakers import NP, split_role
from ..extract.tokens import Toks

FUZZY_MIN = 0.8  # normalised similarity for "Blinekn" ~ "Blinken"
NAME_LINKS = frozenset(("of", "al", "bin", "de", "van", "von"))  # lower-case words inside a name


# (slots: as NP in extract/speakers.py)
@dataclass(slots=True)
class Entity:
    name: str
    type: str
    role: str | None = None
    head: str = ""  # lower-cased head word, for "the sources" → "field sources"
    gender: str | None = None  # "m" | "f", from a title, a role word or a pronoun already resolved to it


# (slots: as NP in extract/speakers.py)
@dataclass(slots=True)
class Mention:
    start: int  # characters
    end: int
    text: str
    entity: Entity | None


class DocumentEntities:
    """Names introduced in one article, and the speakers resolved so far, in reading order."""

    def __init__(self, t: Toks, lex: Lexicon):
        self.t, self.lex = t, lex
        self.persons: list[tuple[int, Entity]] = []  # (char offset, entity) of full names
        self.seen: list[tuple[int, Entity]] = []  # resolved speakers, in order
        self._scan_names()
        # the full names by name (the first introduced) and by head word (in order), for
        # _person: a look-up per speaker, not a pass over every name in the article
        self._by_name: dict[str, Entity] = {}
        self._by_head: dict[str, list[tuple[int, Entity]]] = {}
        for off, ent in self.persons:
            self._by_name.setdefault(ent.name, ent)
            self._by_head.setdefault(ent.head, []).append((off, ent))

    # --- introductions -------------------------------------------------------------------
    def _scan_names(self):
        t, lex = self.t, self.lex
        n, title, low, txt, qid, sent_of = t.n, t.title, t.low, t.txt, t.qid, t.sent_of  # title[i] is t.is_title(i)
        title_words, org_words, g = lex.title_words, lex.org_words, lex.g
        not_names, pronouns = g["not_names"], g["pronoun_subjects"]
        determiners, not_speakers = g["determiners"], g["not_speakers"]
        nxt = 0  # a run of capitalised words is read once, from its first word
        # (the last token cannot start a run of two words)
        for i in compress(range(n - 1), title):
            if i < nxt:
                continue
            k = i + 1
            if not title[k] and low[k] not in title_words and low[k] not in NAME_LINKS:
                continue  # most capitalised words stand alone: no run, no name (the quick test first)
            if qid[i] >= 0 or low[i] in not_names or low[i] in pronouns:
                continue  # "But Trump said", "And I": a capitalised conjunction or pronoun starts no name
            j = i
            while j < n and sent_of[j] == sent_of[i] and (
                    title[j] or low[j] in title_words or
                    (low[j] in NAME_LINKS and j + 1 < n and title[j + 1])):
                j += 1
            nxt = max(j, i + 1)
            if sum(title[i:j]) < 2:
                continue  # a name needs two capitalised words, and split_role only drops words
            np = split_role(t, NP(i, j), lex)
            a, b = np.start, np.end
            words = list(compress(txt[a:b], title[a:b]))  # the capitalised ones
            if len(words) < 2 or low[a] in determiners or low[a] in not_speakers:
                continue  # (the cheap tests first)
            if not org_words.isdisjoint(map(str.lower, words)) or any(len(w) > 3 and w.isupper() for w in words):
                continue  # an organization's name, or a heading in capitals
            role = t.span_text(*np.role) if np.role else self._apposition_role(b)
            self.persons.append((t.start[a], Entity(t.span_text(a, b), "person", role, low[b - 1])))

    def _apposition_role(self, e: int) -> str | None:
        """"Jeff Flake, the US Ambassador to Turkey," → "US Ambassador to Turkey"."""
        t, lex = self.t, self.lex
        if e + 2 >= t.n or t.txt[e] != "," or t.low[e + 1] not in ("the", "a", "an"):
            return None
        k = e + 2
        while k < t.n and k - e < 14 and t.txt[k] not in (",", ".", ";", "(") and t.qid[k] < 0:
            k += 1
        if k < t.n and t.txt[k] in (",", ".") and any(t.low[x] in lex.title_words for x in range(e + 2, k)):
            return t.span_text(e + 2, k)
        return None

    def _gender(self, np: NP, role: str | None) -> str | None:
        """"Mrs. Clinton", "spokeswoman Jen Psaki", "Ms. Lopez, the party's chairwoman"."""
        t, g = self.t, self.lex.g
        words = [t.low[np.start - 1]] if np.start > 0 else []
        words += [t.low[x] for x in range(np.start, np.end)] + (role or "").lower().split()
        if not g["female_words"].isdisjoint(words):
            return "f"
        if not g["male_words"].isdisjoint(words):
            return "m"
        return None

    # --- resolution ----------------------------------------------------------------------
    def resolve(self, np: NP | None) -> Mention | None:
        if np is None:
            return None
        t = self.t
        s, e = t.start[np.start], t.end[np.end - 1]
        text = t.text[s:e]
        role = t.span_text(*np.role) if np.role else None
        ent = self._entity(np, s, text)
        if ent is not None and role and not ent.role:
            ent.role = role
        if ent is not None and ent.type == "person" and ent.gender is None:
            ent.gender = self._gender(np, role)
        m = Mention(s, e, text, ent)
        if ent is not None:
            self.seen.append((s, ent))
        if ent is not None and role:
            m.entity = Entity(ent.name, ent.type, role, ent.head)
        return m

    def _entity(self, np: NP, s: int, text: str) -> Entity | None:
        t, lex = self.t, self.lex
        low = text.lower()
        head = t.low[np.end - 1]
        if np.pronoun:
            want = "person" if low in ("he", "she", "him", "her", "i") else None
            gender = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(low)
            for off, ent in reversed(self.seen):  # the speakers before, the last first
                if off >= s:
                    continue
                if want is None and ent.type != "person" or want == ent.type and _agrees(ent, gender):
                    if gender and ent.gender is None:
                        ent.gender = gender  # "Sarandon … She said": later "he" is someone else
                    return ent
            if want == "person":
                # the last full name introduced before
                for off, ent in reversed(self.persons):
                    if off < s and _agrees(ent, gender):
                        if gender and ent.gender is None:
                            ent.gender = gender
                        return ent
            return None
        words = text.split()
        if not words:
            return None  # a phrase of spaces or marks names no one
        label = t.ent_label.get(np.end - 1)  # a trained base's named entity, when there is one
        kind = lex.g["entity_types"].get(label) if label else None
        if kind == "person":
            return self._person(np, s, text, head)
        if kind is not None:
            return Entity(text if words[0].lower() != "the" else " ".join(words[1:]) or text, kind, head=head)
        bare = " ".join(words[1:]) if words and words[0].lower() in ("the", "a", "an") and len(words) > 1 else text
        if head in lex.org_words or (t.is_title(np.end - 1) and
                                     any(t.low[x] in lex.org_words for x in range(np.start, np.end))):
            if words[0].lower() == "the" and not t.is_title(np.end - 1):
                # "the ministry", "the agency" again: the organization named before
                for _, ent in reversed(self.seen):
                    if ent.type == "organization" and head in ent.name.lower():
                        return ent
            return Entity(bare, "organization", head=head)
        if not t.is_title(np.end - 1):
            kind = lex.source_nouns.get(head)
            # "The sources" again: the sources this article introduced before
            if words[0].lower() == "the":
                for _, ent in reversed(self.seen):
                    if ent.head == head and ent.type in ("anonymous", "group"):
                        return ent
            if kind in ("anonymous", "group"):
                return Entity(bare, kind, head=head)
            if head in lex.title_words:
                for _, ent in reversed(self.seen):
                    if ent.type == "person" and ent.role and head in ent.role.lower():
                        return ent
                return Entity(bare, "person", head=head)
            return Entity(bare, "unknown", head=head)
        return self._person(np, s, bare, head)

    def _person(self, np: NP, s: int, name: str, head: str) -> Entity:
        if len(name.split()) >= 2:
            ent = self._by_name.get(name)
            return ent if ent is not None else Entity(name, "person", head=head)
        # a surname: the full name introduced earlier, else later (headlines come first)
        exact = self._by_head.get(head)
        if exact:
            before = [x for x in exact if x[0] <= s]
            return (before[-1] if before else exact[0])[1]
        # else the first name introduced whose surname is a near miss (only a long one can be)
        close = None if len(head) < 5 else next(
            (ent for _, ent in self.persons
             if ent.head[:1] == head[:1]
             and Levenshtein.normalized_similarity(ent.head, head, weights=(1, 1, 1)) >= FUZZY_MIN - 0.1
             and _transposition_close(ent.head, head)), None)
        return close if close is not None else Entity(name, "person", head=head)


def _agrees(ent: Entity, gender: str | None) -> bool:
    return gender is None or ent.gender is None or ent.gender == gender


def _transposition_close(a: str, b: str) -> bool:
    """Near-miss spellings: one edit, or two neighbouring letters swapped."""
    if Levenshtein.distance(a, b) <= 1:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return True
        # a letter moved one place: "blinekn" ~ "blinken"
        return len(diff) <= 3 and sorted(a) == sorted(b)
    return False
