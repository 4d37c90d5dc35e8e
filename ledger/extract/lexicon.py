"""The word lists the rules read, loaded once from the package's data files."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..wordlists import data_path, read_lines, read_tsv


@dataclass(frozen=True)
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
    longest_cue: int = field(init=False)  # the most words in a cue
    # the starts of "Read more:" lines, as str.startswith takes them (is_heading asks per sentence)
    read_more_prefixes: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        self.longest_cue = max(map(max, self.cue_widths.values()), default=0)
        self.read_more_prefixes = tuple(self.g.get("read_more_prefixes", ()))


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
