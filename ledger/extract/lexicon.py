"""The word lists the rules read, loaded once from the package's data files."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..wordlists import data_path, read_lines, read_tsv


# (slots: as NP in extract/speakers.py)
@dataclass(frozen=True, slots=True)
class Cue:
    form: str  # lower-cased, possibly several words ("according to")
    lemma: str
    cls: str  # speech | belief | intention | according | perception | other | passive
    precision: float = 1.0  # in the training data: how often the word is a cue where it occurs


@dataclass
class Lexicon:
    cues: dict[str, Cue]
    cue_widths: dict[str, tuple[int, ...]]  # first word → widths of the cues it starts, longest first
    titles: set[str]  # lower-cased, possibly several words
    title_words: set[str]  # the one-word titles
    source_nouns: dict[str, str]  # lower-cased head noun → anonymous | group
    org_words: set[str]  # lower-cased
    g: dict = field(default_factory=dict)  # grammar.json, lists turned into sets
    # the starts of "Read more:" lines and of the author's own voice ("It is worth noting"), as
    # str.startswith takes them (is_heading and _sentence ask per sentence)
    read_more_prefixes: tuple[str, ...] = field(init=False)
    read_more_chars: int | None = field(init=False)
    author_voice_prefixes: tuple[str, ...] = field(init=False)
    # the last words of the titles of several words ("spokesperson" of "state department
    # spokesperson"): split_role joins the words before one only where it is such a word
    title_ends: set[str] = field(init=False)
    # the word classes that speakers.py asks about together, as one set each: a look-up per
    # word, not one per class
    name_words: set[str] = field(init=False)  # may stand in a name, not capitalised
    head_words: set[str] = field(init=False)  # may head a speaker's phrase, not capitalised
    not_heads: set[str] = field(init=False)  # never head a speaker's phrase

    def __post_init__(self):
        self.read_more_prefixes = tuple(self.g.get("read_more_prefixes", ()))
        # how much of a line decides whether it starts with one of them, lower-cased: str.lower
        # maps each character by itself, but for Σ (never to ASCII), so for ASCII prefixes the
        # line's first characters do (and lower-casing a whole paragraph per sentence was slow)
        ascii_prefixes = all(map(str.isascii, self.read_more_prefixes))
        self.read_more_chars = max(map(len, self.read_more_prefixes), default=0) if ascii_prefixes else None
        self.author_voice_prefixes = tuple(self.g.get("author_voice", ()))
        # every part of a title after one of its spaces: a token may itself hold a space
        self.title_ends = {t[i + 1:] for t in self.titles for i, c in enumerate(t) if c == " "}
        g = self.g
        common = self.title_words | self.source_nouns.keys() | g.get("quantity_heads", set()) | self.org_words
        self.name_words = common | g.get("np_modifiers", set())
        self.head_words = common | g.get("inanimate_sources", set())
        never = ("not_speakers", "determiners", "np_connectors", "not_names")
        self.not_heads = set().union(*(g.get(k, ()) for k in never))


@lru_cache(maxsize=1)
def load() -> Lexicon:
    grammar = json.loads(data_path("grammar.json").read_text("utf-8"))
    g = {k: (set(v) if isinstance(v, list) else v) for k, v in grammar.items() if not k.startswith("_")}
    cues: dict[str, Cue] = {}
    for row in read_tsv("cues.tsv") + read_tsv("cues_hand.tsv"):
        form = (row.get("form") or "").strip().lower()
        if form:
            cues[form] = Cue(form, (row.get("lemma") or form).strip().lower(), (row.get("class") or "speech").strip(),
                             float(row.get("precision") or 1.0))
    not_cues = {w.lower() for w in read_lines("not_cues.txt")}
    for cue in list(cues.values()):
        for form in _inflections(cue.lemma):
            if form not in cues and form not in not_cues and cue.cls in ("speech", "belief", "intention"):
                cues[form] = Cue(form, cue.lemma, cue.cls, cue.precision)
    for form in g.get("passive_cues", ()):
        cues.setdefault(form, Cue(form, form, "passive"))
    titles = {t.lower() for t in read_lines("titles.txt")}
    title_words = {t for t in titles if " " not in t}
    source_nouns: dict[str, str] = {}
    for line in read_lines("anonymous.txt"):
        parts = line.split("\t")
        source_nouns[parts[0].lower()] = parts[1].strip() if len(parts) > 1 else "anonymous"
    for phrase, kind in list(source_nouns.items()):
        # "a person familiar with" → no head; "senior officials" → "officials"
        last = phrase.split()[-1]
        if last.isalpha() and last not in g["np_connectors"] and last not in ("with", "about", "at", "by"):
            source_nouns.setdefault(last, kind)
    org_words = {w.lower() for w in read_lines("organization_words.txt")}
    widths: dict[str, set[int]] = {}
    for form in cues:
        words = form.split(" ")
        widths.setdefault(words[0], set()).add(len(words))
    cue_widths = {w: tuple(sorted(n, reverse=True)) for w, n in widths.items()}
    return Lexicon(cues, cue_widths, titles, title_words, source_nouns, org_words, g)


def _inflections(lemma: str) -> list[str]:
    """-ed and -ing forms of a regular one-word verb ("indicate" → indicated, indicating); the
    -s form is left out on purpose: it is too often a noun ("states", "reports", "claims")."""
    if " " in lemma or not lemma.isalpha() or len(lemma) < 3:
        return []
    if lemma.endswith("ie"):
        return [lemma + "d", lemma[:-2] + "ying"]
    if lemma.endswith("e"):
        return [lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma[:-1] + "ied", lemma + "ing"]
    return [lemma + "ed", lemma + "ing"]
