"""Content spans: where a claim's words start and stop inside its sentence, and the
`Attribution` every rule returns."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .lexicon import Cue, Lexicon
from .pieces import is_inline_blank
from .speakers import NP
from .tokens import SENT_END, Toks


# A cue with any object ("endorsed Trump") makes a claim only when the word is reliably a cue
NP_FRAME_MIN_PRECISION = 0.4
# ", adding that …", ", pointing to …" (any cue's participle) end the content before them;
# ", considering …" (no cue) belongs to it
PARTICIPLE_CUT_CLASSES = ("speech", "belief", "intention", "perception", "other")
# irregular and -s forms that are verbs after "and"/"but" ("and says he …"); -ed forms always are
COORD_VERBS = {"said", "says", "told", "tells", "wrote", "writes"}
# ", while Clinton leads …": a contrast the writer draws, after the content
CONTRAST_CUTS = {"while", "whereas", "though", "although", "compared"}
TRAILING = {",", ";", ":", "—", "–", "-", "(", "..."}
LEADING = TRAILING | SENT_END | {","}  # what `_trim` strips before content (built once, not per word)
DASH_WORDS = {"—", "–", "--", "-"}  # the tokens `_dash` may accept


# (slots: no dict per instance, and quicker attribute reads; the rules make and read many)
@dataclass(slots=True)
class Attribution:
    fragments: list[tuple[int, int]]  # character spans of the content
    sent: tuple[int, int]  # token range of the sentence unit
    cue: tuple[int, int] | None = None  # token range
    cue_info: Cue | None = None
    speaker: NP | None = None
    addressee: NP | None = None
    pattern: str = ""

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


def _only_quote(t: Toks, a: int, b: int) -> bool:
    q = t.qid[a]
    if q < 0:
        return False
    # most often every token is inside: then no word needs a closer look
    return t.qid[a:b].count(q) == b - a or all(t.qid[i] == q or t.is_punct(i) for i in range(a, b))


def _trim(t: Toks, a: int, b: int) -> tuple[int, int] | None:
    """Token range [a, b) without leading/trailing punctuation that is not part of a quote."""
    txt, qid = t.txt, t.qid
    while a < b and (txt[a].isspace() or (txt[a] in LEADING and qid[a] < 0)):
        a += 1
    while b > a and (txt[b - 1].isspace() or (qid[b - 1] < 0 and (txt[b - 1] in TRAILING or txt[b - 1] in SENT_END))):
        b -= 1
    return (a, b) if b > a else None


def _strip_chars(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-"):
        e -= 1
    return s, e


def _span(t: Toks, a: int, b: int) -> list[tuple[int, int]]:
    r = _trim(t, a, b)
    return [(t.start[r[0]], t.end[r[1] - 1])] if r else []


def _content_end(t: Toks, lex: Lexicon, k: int, b: int) -> int:
    """Where content that starts at k stops: the sentence end, a participial continuation
    (", adding that …"), ", according to", a contrast (", while …"), the speaker's next act
    (", but did not …"), a coordinated cue verb (" and called for …", " but said …") or a
    last, unpaired dash (PolNeAR's content stops before all of these)."""
    dash = -1
    txt, low, qid = t.txt, t.low, t.qid
    for i in range(k + 1, b):  # nothing below stops the content at its first word
        if qid[i] >= 0:
            continue
        w = low[i]
        # most words follow no comma and are no dash: a look at the words themselves comes
        # before the full tests (this loop runs over every word of most contents)
        if (txt[i - 1] == "," or txt[i - 2] == ",") and _after_comma(t, i):
            cue = lex.cues.get(w)
            if (cue and w.endswith("ing") and cue.cls in PARTICIPLE_CUT_CLASSES) or \
                    " ".join(low[i:i + 2]) == "according to" or _subjectless_but(t, lex, i, b) \
                    or w in CONTRAST_CUTS:
                return i
        if txt[i] in DASH_WORDS and _dash(t, i):
            dash = i if dash == -1 else -2  # a pair of dashes encloses an aside inside the content
        if w in ("and", "but") and i + 1 < b and i > k + 2:
            cue = lex.cues.get(t.low[i + 1])
            if cue and cue.cls in ("speech", "intention") and _finite_verb(t.low[i + 1]) and t.low[i + 2:i + 3] != ["by"]:
                return i
            if t.txt[i - 1] == "," and _pronoun_then_cue(t, lex, i + 1, b):
                return i - 1  # "…, and she can now say that …": a second attribution of its own
    # "… — a proposal he has raised before.": a last, unpaired dash opens the writer's aside
    return dash if dash > k + 2 else b


def _pronoun_then_cue(t: Toks, lex: Lexicon, i: int, b: int) -> bool:
    """Token i starts "she (can now) say…": a subject pronoun, auxiliaries or adverbs, a speech cue."""
    if i >= b or t.low[i] not in lex.g["pronoun_subjects"]:
        return False
    j = i + 1
    while j < b and j - i <= 3 and t.low[j] in lex.g["skip_before_cue"]:
        j += 1
    cue = lex.cues.get(t.low[j]) if j < b else None
    return cue is not None and cue.cls == "speech" and not t.low[j].endswith("ing")


def _dash(t: Toks, i: int) -> bool:
    """Token i is a dash (a spaced hyphen, not one inside "pro-Trump")."""
    w = t.txt[i]
    return w in ("—", "–", "--") or (w == "-" and t.start[i] > t.end[i - 1])


def _subjectless_but(t: Toks, lex: Lexicon, i: int, b: int) -> bool:
    """", but did not recommend …", ", but declined to …": the speaker's own next act, not the
    content (", but the friction continues" has its own subject and stays)."""
    if t.low[i] != "but" or i + 1 >= b:
        return False
    w = t.low[i + 1]
    return w in lex.g["aux_verbs"] or (w.endswith("ed") and not t.is_title(i + 1))


def _finite_verb(w: str) -> bool:
    """A cue form that is a verb after "and" ("and said", "and says"), not a noun ("and claims")."""
    return w.endswith("ed") or w in COORD_VERBS


def _after_comma(t: Toks, i: int) -> bool:
    """Token i follows a comma, possibly one inside a closing quotation: `…region," adding`."""
    if i < 1:
        return False
    if t.txt[i - 1] == "," and t.qid[i - 1] < 0:
        return True
    return i >= 2 and t.is_close_quote(i - 1) and t.txt[i - 2] == ","


def _is_tail_left(t: Toks, i: int) -> bool:
    """Token i closes the content of a trailing attribution: a comma, or a closing quotation;
    also a stray closing mark after a comma (`…arrival,” Smith said`: its opening mark was
    lost) and a doubled space (a token of its own) after any of these."""
    w = t.txt[i]
    if i > 0 and w != "," and not w.isalnum() and is_inline_blank(w):  # (a blank is no word)
        i -= 1
    if i > 0 and t.qid[i] < 0 and t.is_quote_mark(i) and t.txt[i - 1] == "," and t.qid[i - 1] < 0:
        return True
    return (t.txt[i] == "," and t.qid[i] < 0) or t.is_close_quote(i)


def _tok_at(t: Toks, char: int, a: int, b: int) -> int:
    return bisect_left(t.start, char, a, b)


def _before_marks(text: str, end: int, marks: str = "\"”'»") -> str:
    """The character before the quote marks that end at `end` ("" at the start of the text);
    walking back instead of `text[:end].rstrip(…)`, which copies the article up to `end`."""
    while end > 0 and text[end - 1] in marks:
        end -= 1
    return text[end - 1:end]


def _all_quoted(t: Toks, frags) -> bool:
    for f in frags:  # (most often one: a loop, not a generator)
        if not _within_quote(t, f):
            return False
    return True


def _within_quote(t: Toks, f) -> bool:
    # quotations are sorted and disjoint: only the last one starting at or before f can hold
    # it (a scan of them all made a long article's extraction quadratic)
    q = bisect_right(t.quote_starts, f[0]) - 1
    return q >= 0 and f[1] <= t.quotes[q][1]


def _quote_after(t: Toks, b: int) -> tuple[tuple[int, int], int] | None:
    """The quotation that opens the sentence after token b, if one does, and the end token of
    that sentence."""
    while b < t.n and t.txt[b].isspace():
        b += 1
    if b >= t.n or not t.is_open_quote(b):
        return None
    return t.quotes[t.qid[b]], t.sents[t.sent_of[b]][1]


def _has_cue(t, lex, a, b) -> bool:
    return any(t.low[i] in lex.cues for i in range(a, b))


def _quote_before(t: Toks, a: int, b: int) -> bool:
    return any(t.qid[i] >= 0 for i in range(a, b))
