"""Claims in different articles that report the same statement, and where they drift apart.

Two claims from different articles are the same statement when
- the same speaker is given and their words overlap: most of the shorter one's three-word
  runs are in the other, or most of its content words (a paraphrase); or
- different speakers are given but the quoted words are nearly the same: a quote
  attributed to two people, which is itself worth flagging.
A cluster's first appearance is the claim in the earliest dated article. Members are
compared with it word by word: changed words inside the stretch both quote are drift; a
shorter excerpt of the same quote is not.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..extract.quotes import CLOSING, OPENING, STRAIGHT
from ..wordlists import read_lines
from .unionfind import DisjointSets

SHINGLE = 3
SAME_SPEAKER_OVERLAP = 0.5  # of the shorter claim's three-word runs
PARAPHRASE_OVERLAP = 0.6  # of the shorter claim's content words
PARAPHRASE_MIN_WORDS = 4
QUOTE_OVERLAP = 0.8  # quoted words given to two different speakers
QUOTE_MIN_SHINGLES = 3
COMMON_WORD = 100  # a word or run in more claims than this never suggests a pair

QUOTE_CHARS = set(OPENING + CLOSING + STRAIGHT)
NEGATIONS = {"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "cannot"}
WORD = re.compile(r"[\w'’-]+")


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
    """The words inside quotation marks, joined; the whole text when nothing is quoted."""
    parts, inside, buf = [], False, []
    for ch in text:
        if ch in QUOTE_CHARS:
            if inside and buf:
                parts.append("".join(buf))
            inside, buf = not inside, []
        elif inside:
            buf.append(ch)
    if inside and buf:
        parts.append("".join(buf))  # a quotation still open at the end of the claim
    return " ".join(parts) if parts else text


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _stem(word: str) -> str:
    # enough to pair "wants" with "want", "allies" with "ally": no stemmer needed for that
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ing", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


def _shingles(ws: list[str]) -> set[tuple[str, ...]]:
    return {tuple(ws[i:i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1)} or ({tuple(ws)} if ws else set())


def _content_words(ws: list[str]) -> set[str]:
    stop = stopwords()
    return {_stem(w) for w in ws if w not in stop and not w.isdigit()}


@dataclass
class _Features:
    words: list[str]
    quoted: list[str]
    shingles: set
    quoted_shingles: set
    content: set[str]


def _features(c: ClaimRecord) -> _Features:
    ws = words(c.content)
    qs = words(quoted_words(c.content)) if c.kind != "indirect" else []
    return _Features(ws, qs, _shingles(ws), _shingles(qs), _content_words(ws))


def _containment(a: set, b: set) -> tuple[float, int]:
    shared = len(a & b)
    return (shared / min(len(a), len(b)) if a and b else 0.0), shared


def same_statement(a: ClaimRecord, fa: _Features, b: ClaimRecord, fb: _Features) -> bool:
    if a.speaker_id and a.speaker_id == b.speaker_id:
        if _containment(fa.shingles, fb.shingles)[0] >= SAME_SPEAKER_OVERLAP:
            return True
        share, n = _containment(fa.content, fb.content)
        return share >= PARAPHRASE_OVERLAP and n >= PARAPHRASE_MIN_WORDS
    if fa.quoted and fb.quoted:
        share, n = _containment(fa.quoted_shingles, fb.quoted_shingles)
        return share >= QUOTE_OVERLAP and n >= QUOTE_MIN_SHINGLES
    return False


def cluster_claims(claims: list[ClaimRecord]) -> list[Cluster]:
    """Clusters of two or more claims from at least two articles, first appearance first."""
    feats = [_features(c) for c in claims]
    # candidates share a three-word run or rarer content words: a word most claims use
    # ("Trump", "said") never proposes a pair, which keeps this near linear
    index: dict = defaultdict(list)
    for i, f in enumerate(feats):
        for key in f.content | f.shingles:
            index[key].append(i)
    sets = DisjointSets(len(claims))

    for i, f in enumerate(feats):
        shared: dict[int, int] = {}
        for key in f.content | f.shingles:
            posting = index[key]
            if len(posting) <= COMMON_WORD:
                weight = 2 if type(key) is tuple else 1  # a shared three-word run counts as two words
                for j in posting[bisect_right(posting, i):]:  # postings are in claim order
                    shared[j] = shared.get(j, 0) + weight
        for j, n in shared.items():
            if n < 2 or claims[j].article_id == claims[i].article_id or sets.find(i) == sets.find(j):
                continue
            if same_statement(claims[i], f, claims[j], feats[j]):
                sets.union(i, j)

    out = []
    for idx in sets.groups().values():
        if len({claims[i].article_id for i in idx}) < 2:
            continue
        idx.sort(key=lambda i: (claims[i].date or "9999", claims[i].article_id, claims[i].start))
        out.append(_describe([claims[i] for i in idx]))
    out.sort(key=lambda cl: (cl.first.claim.date or "9999", cl.first.claim.article_id, cl.first.claim.start))
    return out


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
