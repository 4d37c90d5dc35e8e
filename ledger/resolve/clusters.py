"""Claims in different articles that report the same statement, and where they drift apart.

Two claims from different articles are the same statement when
- the same speaker is given and their words overlap: most of the shorter one's three-word
  runs are in the other, or most of its content words (a paraphrase); or
- different speakers are given but the quoted words are nearly the same: a quote
  attributed to two people, which is itself worth flagging.
Only claims that share a rarer three-word run or rarer words are compared (candidates.py),
which keeps this near linear, and its memory flat however large the ledger.
A cluster's first appearance is the claim in the earliest dated article. Members are
compared with it word by word: changed words inside the stretch both quote are drift; a
shorter excerpt of the same quote is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterable, Iterator

from ..extract.quotes import CLOSING, OPENING, STRAIGHT
from ..wordlists import read_lines
from .candidates import CandidateIndex
from .unionfind import DisjointSets

SHINGLE = 3
SAME_SPEAKER_OVERLAP = 0.5  # of the shorter claim's three-word runs
PARAPHRASE_OVERLAP = 0.6  # of the shorter claim's content words
PARAPHRASE_MIN_WORDS = 4
QUOTE_OVERLAP = 0.8  # quoted words given to two different speakers
QUOTE_MIN_SHINGLES = 3
COMMON_WORD = 100  # a word or run in more claims than this never suggests a pair
FEATURE_CACHE = 256  # claims whose words are kept at hand while pairs are checked

QUOTE_CHARS = set(OPENING + CLOSING + STRAIGHT)
NEGATIONS = {"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "cannot"}
WORD = re.compile(r"[\w'’-]+")
_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(QUOTE_CHARS))) + "]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(read_lines("stopwords.txt"))


@dataclass
class ClaimRecord:
    id: str
    article_id: str
    speaker_id: str | None
    kind: str
    content: str
    date: str | None = None
    outlet: str | None = None
    start: int = 0


@dataclass
class Member:
    claim: ClaimRecord
    words: str  # what is compared: the quoted words, or the reported content
    diff: str = ""
    similarity: float | None = None  # against the first quotation; None when not compared
    is_first: bool = False


@dataclass
class Cluster:
    id: str
    members: list[Member]
    drift_words: bool = False
    drift_speakers: bool = False
    drift_paraphrase: bool = False
    drift_negation: bool = False

    @property
    def first(self) -> Member:
        return self.members[0]

    @property
    def drift(self) -> bool:
        return self.drift_words or self.drift_speakers or self.drift_paraphrase or self.drift_negation


def quoted_words(text: str) -> str:
    """The words inside quotation marks, joined; the whole text when nothing is quoted. Every
    mark toggles in and out of a quotation, so the pieces between marks alternate, outside
    first; a quotation still open at the end of the claim counts."""
    parts = [p for p in _QUOTE_MARK.split(text)[1::2] if p]
    return " ".join(parts) if parts else text


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


@lru_cache(maxsize=65_536)  # a ledger's words repeat: each is stemmed once
def _stem(word: str) -> str:
    # enough to pair "wants" with "want", "allies" with "ally": no stemmer needed for that
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ing", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


def _shingles(ws: list[str]) -> set[str]:
    # runs joined by a space (words have none): the same runs as the word tuples, in less memory
    return {" ".join(ws[i:i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1)} or ({" ".join(ws)} if ws else set())


def _content_words(ws: list[str]) -> set[str]:
    stop = stopwords()
    return {_stem(w) for w in ws if w not in stop and not w.isdigit()}


@dataclass
class _Features:
    shingles: set[str]
    quoted_shingles: set[str]  # of its quoted words (quoted_words); none for an indirect claim
    content: set[str]

    def keys(self) -> dict[str, set[str]]:
        """Per family, as the candidate index takes them (candidates.py)."""
        return {"s": self.shingles, "c": self.content, "q": self.quoted_shingles}


def _features(c: ClaimRecord) -> _Features:
    ws = words(c.content)
    qs = words(quoted_words(c.content)) if c.kind != "indirect" else []
    return _Features(_shingles(ws), _shingles(qs), _content_words(ws))


def _overlap(a: set, b: set) -> tuple[int, int]:
    """(keys both have, keys of the one with fewer)."""
    return len(a & b), min(len(a), len(b))


def _share(shared: int, least: int) -> float:
    return shared / least if least else 0.0


def same_statement(a: ClaimRecord, fa: _Features, b: ClaimRecord, fb: _Features) -> bool:
    return _same(bool(a.speaker_id) and a.speaker_id == b.speaker_id, *_overlap(fa.shingles, fb.shingles),
                 *_overlap(fa.content, fb.content), *_overlap(fa.quoted_shingles, fb.quoted_shingles))


def _same(same_speaker: bool, runs: int, fewest_runs: int, content: int, fewest_content: int,
          quoted: int, fewest_quoted: int) -> bool:
    """The rule, from how many three-word runs, content words and quoted runs two claims
    share, and how many the one with fewer has (_overlap). It only ever gets truer as they
    share more: counts known to lie between two bounds settle it when both bounds agree."""
    if same_speaker:
        if _share(runs, fewest_runs) >= SAME_SPEAKER_OVERLAP:
            return True
        return _share(content, fewest_content) >= PARAPHRASE_OVERLAP and content >= PARAPHRASE_MIN_WORDS
    # nothing quoted on one side: nothing to share (fewest_quoted is 0)
    return _share(quoted, fewest_quoted) >= QUOTE_OVERLAP and quoted >= QUOTE_MIN_SHINGLES


def cluster_claims(claims: Iterable[ClaimRecord]) -> Iterator[Cluster]:
    """Clusters of two or more claims from at least two articles, first appearance first.
    The claims of an article come one after another.

    The claims and their words go to a scratch file (candidates.py) as they come; memory
    holds a few integers per claim, the words of a few claims being compared, and one
    cluster at a time."""
    with CandidateIndex() as index:
        for c in claims:
            index.add(c, _features(c).keys())
        index.build(COMMON_WORD)

        @lru_cache(maxsize=FEATURE_CACHE)
        def read(i: int) -> tuple[ClaimRecord, _Features]:
            fields, keys = index.claim(i)
            return ClaimRecord(*fields), _Features(shingles=keys["s"], quoted_shingles=keys["q"], content=keys["c"])

        sets = DisjointSets(len(index))
        for i, candidates in index.pairs():
            for j, shared in candidates:
                # the counts settle most pairs (most fail even if every common key were shared);
                # the words of the others are read back
                if _same(*index.overlaps(i, j, shared, most=True)) and sets.find(i) != sets.find(j) and (
                        _same(*index.overlaps(i, j, shared, most=False)) or same_statement(*read(j), *read(i))):
                    sets.union(j, i)
        # pairs are always of two articles: every group of two or more spans two articles
        for group in index.groups(sets.find(i) for i in range(len(index))):
            yield _describe([ClaimRecord(*fields) for fields in group])


def _compared(c: ClaimRecord) -> str:
    return " ".join(quoted_words(c.content).split()) if c.kind != "indirect" else " ".join(c.content.split())


def _describe(claims: list[ClaimRecord]) -> Cluster:
    members = [Member(c, _compared(c)) for c in claims]
    members[0].is_first = True
    cl = Cluster("cl-" + claims[0].id, members)
    # words are compared with the first quotation of it (a paraphrase has no words to drift)
    ref = next((m for m in members if m.claim.kind != "indirect"), members[0])
    base = words(ref.words)
    ref.similarity = 1.0
    for m in members:
        if m is ref:
            continue
        diff, changed, similarity = word_diff(base, words(m.words))
        # "would help" and "would not help" share nearly every word and say the opposite; a
        # negation only outside the stretch both report (a shorter excerpt) is no difference
        cl.drift_negation |= negated(changed)
        if m.claim.kind == "indirect" or ref.claim.kind == "indirect":
            continue  # a paraphrase is flagged as such; its words were never the speaker's
        m.diff, m.similarity = diff, similarity
        cl.drift_words |= bool(changed)
    cl.drift_speakers = len({c.speaker_id for c in claims}) > 1
    cl.drift_paraphrase = len({c.kind != "indirect" for c in claims}) > 1
    return cl


def negated(ws: list[str]) -> bool:
    return any(w in NEGATIONS or w.endswith("n't") for w in ws)


def word_diff(a: list[str], b: list[str]) -> tuple[str, list[str], float]:
    """b against a, over the stretch both share: "[-convince-] {+persuade+}". A shorter
    excerpt (words missing only at either end) is not a change."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    ops = sm.get_opcodes()
    while ops and ops[0][0] != "equal":
        ops.pop(0)
    while ops and ops[-1][0] != "equal":
        ops.pop()
    out, changed = [], []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
            changed.extend(a[i1:i2])
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
            changed.extend(b[j1:j2])
    return " ".join(out), changed, round(sm.ratio(), 3)
