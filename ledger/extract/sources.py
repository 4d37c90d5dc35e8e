"""Attributions whose source is named by a phrase or a layout rather than a speaker with a
cue verb: `according to X`, `As X observed, …`, `In a … poll, …`, `Name: “…”`, transcript
turns, and a bare `X said.` beside a quotation."""
from __future__ import annotations

from bisect import bisect_left

from .lexicon import Cue, Lexicon
from .speakers import (
    MAX_NP, NP, loose_subject, np_before, skip_adverbs, speaker_before_cue, split_role,
)
from .tokens import SENT_END, Toks
from .spans import NP_FRAME_MIN_PRECISION, Attribution, _only_quote, _trim, _span, _content_end
from .frames import _inverted_np


MAX_OPENING_PHRASE = 16  # words in "In a … poll released Monday,"
MAX_TURN_NAME = 4  # words in a transcript speaker's name ("JAKE TAPPER:")
DASHES_AND_BREAKS = {"-", "—", "–", ":", ";", ".", "|"}


def _transcript_turn(t: Toks, lex: Lexicon, a: int) -> Attribution | None:
    """`PENCE: Well, look, …` opening a paragraph: a speaker's turn in a transcript, whose
    content is the rest of the paragraph."""
    if a > 0 and a not in t.breaks:
        return None  # not the start of a paragraph
    i = a + 1 if a < t.n and t.is_quote_mark(a) else a
    j = i
    while j < t.n and j - i < MAX_TURN_NAME and t.txt[j].isalpha() and t.txt[j].isupper() and len(t.txt[j]) > 1:
        j += 1
    if j == i or j >= t.n or t.txt[j] != ":" or any(t.low[x] in lex.g["not_turn_names"] for x in range(i, j)):
        return None  # not a name, or a label: "SOURCE: TRT World", "UPDATE: …"
    nl = t.text.find("\n", t.end[j])
    end_char = len(t.text) if nl < 0 else nl
    e = bisect_left(t.start, end_char, j + 1)
    frags = _span(t, j + 1, e)
    if not frags:
        return None
    return Attribution(frags, (a, e), (j, j + 1), None, speaker=NP(i, j), pattern="transcript")


def _bare(t: Toks, lex: Lexicon, k: int, a: int, b: int, cues, prev_free: bool) -> list[Attribution]:
    """A sentence that is only a speaker and a cue takes the quotation beside it:
    `“… missing.” Trump said.` (the one before) and `Bystrom agreed: “…”` / `Bystrom agreed.
    “…”` (the one after)."""
    if len(cues) != 1 or (cues[0][2].cls not in ("speech", "belief") and cues[0][2].precision < NP_FRAME_MIN_PRECISION):
        return []
    cs, ce, cue = cues[0]
    end = b - 1 if t.txt[b - 1] in SENT_END or t.txt[b - 1] == ":" else b
    if end - ce > 6 or any(t.qid[i] >= 0 for i in range(a, b)) or (ce < end and t.low[ce] not in lex.g["tail_followers"]):
        return []
    speaker = speaker_before_cue(t, cs, a, lex)
    if speaker is None or speaker.start != a:
        speaker = loose_subject(t, cs, a, lex)
    if speaker is None or speaker.start > a + 1:
        return []
    colon = t.txt[b - 1] == ":"
    if not colon and prev_free and _only_quote(t, *t.sents[k - 1]):
        other = t.sents[k - 1]
    elif k + 1 < len(t.sents) and _only_quote(t, *t.sents[k + 1]):
        other = t.sents[k + 1]
    else:
        return []
    q = t.quotes[t.qid[other[0]]]
    return [Attribution([q], (min(a, other[0]), max(b, other[1])), (cs, ce), cue, speaker=split_role(t, speaker, lex),
                        pattern="direct-bare")]


def _as_source(t: Toks, lex: Lexicon, a: int, b: int, cs: int, ce: int, cue: Cue) -> Attribution | None:
    """`As Joel Pollak observed, the biggest victor was …` and `…, as Clinton supporters point
    out.`: "as" opens the attribution and a comma parts it from the content."""
    if cue.cls not in ("speech", "belief", "perception") or "as" not in t.low[max(a, cs - MAX_NP - 1):cs]:
        return None  # (the words the walk below may reach hold no "as")
    i = cs
    while i - 1 >= a and i > cs - MAX_NP and t.low[i - 1] != "as" and t.qid[i - 1] < 0 \
            and t.txt[i - 1] not in (",", ";", ":") and t.txt[i - 1] not in SENT_END:
        i -= 1
    if i - 1 < a or t.low[i - 1] != "as" or i == cs:
        return None
    as_at = i - 1
    speaker = NP(i, skip_adverbs(t, cs, i, lex))
    if speaker.end <= speaker.start:
        return None
    k = ce
    while k < b and t.low[k] in ("out", "before", "earlier", "previously", "recently", "last", "week", "year", "month"):
        k += 1
    if as_at == a or (as_at > a and t.txt[as_at - 1] == "," and all(t.qid[x] < 0 for x in range(a, as_at)) and as_at - a <= 4):
        # "As X observed, …" (maybe after "Of course,"): the content follows the comma
        if k >= b or t.txt[k] != ",":
            return None
        frags = _span(t, k + 1, _content_end(t, lex, k + 1, b))
    elif as_at > a and t.txt[as_at - 1] == "," and (k >= b or t.txt[k] in SENT_END):
        frags = _span(t, a, as_at - 1)  # "…, as Clinton supporters point out."
    else:
        return None
    if not frags:
        return None
    return Attribution(frags, (a, b), (cs, ce), cue, speaker=split_role(t, speaker, lex), pattern="as")


def _colon_source(t: Toks, lex: Lexicon, a: int, b: int) -> Attribution | None:
    """`… - Michael P. McDonald: “At long last …”`: a name, a colon, a quotation (digests,
    round-ups, transcripts)."""
    if t.text.find(":", t.start[a], t.end[b - 1]) < 0:
        return None  # most sentences have no colon: no need to look at each word
    for c in range(a + 1, b - 1):
        if t.txt[c] != ":" or t.qid[c] >= 0 or not t.is_open_quote(c + 1):
            continue
        np = np_before(t, c, a, lex)
        if np is None or np.pronoun or not t.is_title(np.end - 1):
            return None
        cut = max((x for x in range(np.start, np.end) if t.txt[x] in DASHES_AND_BREAKS), default=-1)
        if cut >= 0:  # "HEADLINE - Michael P. McDonald": the name starts after the dash
            np = NP(cut + 1, np.end)
        lead = np.start - 1
        if np.start >= np.end or (lead >= a and t.txt[lead] not in DASHES_AND_BREAKS):
            return None  # "The statement said one thing: “…”" is no name before a colon
        return Attribution([t.quotes[t.qid[c + 1]]], (a, b), (c, c + 1), None, speaker=split_role(t, np, lex),
                           pattern="direct-colon")
    return None


def _in_source(t: Toks, lex: Lexicon, a: int, b: int) -> Attribution | None:
    """`In a Quinnipiac poll released Monday, 50 percent chose Clinton`: a document or survey
    named in an opening phrase is the source of the rest."""
    if t.low[a] != "in" or t.qid[a] >= 0:
        return None
    j = a + 1
    while j < b and j - a <= MAX_OPENING_PHRASE and not (t.txt[j] == "," and t.qid[j] < 0):
        j += 1
    if j >= b or j - a > MAX_OPENING_PHRASE or not any(t.low[x] in lex.g["document_sources"] for x in range(a + 1, j)):
        return None
    frags = _span(t, j + 1, _content_end(t, lex, j + 1, b))
    if not frags:
        return None
    return Attribution(frags, (a, b), (a, a + 1), None, speaker=NP(a + 1, j), pattern="in-source")


def _according(t, lex, a, b, cs, ce, cue) -> Attribution | None:
    """`…, according to X.` and `According to X, …`."""
    # whatever follows "according to" is the source, named or not ("the summary", "early returns")
    np = _inverted_np(t, lex, ce, b)
    if np is None:
        return None
    np_end = np.end
    # the source may carry an apposition: "according to Miller, a spokesman,"
    if cs - a >= 3:
        # "(93 percent were white, according to exit polls)": the brackets hold the claim
        opened = next((x for x in range(cs - 1, a - 1, -1) if t.txt[x] in ("(", ")") and t.qid[x] < 0), None)
        left = opened + 1 if opened is not None and t.txt[opened] == "(" else a
        frags = _span(t, left, cs)
        # "One of the decisions, according to a person close to it, is to turn …": both sides
        j = np_end
        while j < b and t.txt[j] != "," and t.txt[j] not in SENT_END and j - np_end < 12:
            j += 1
        rest = _trim(t, j + 1, b) if j < b and t.txt[j] == "," else None
        if rest and cs > a and t.txt[cs - 1] == "," and rest[1] - rest[0] > 6 \
                and not any(t.low[x] in lex.title_words for x in range(*rest)):
            frags = frags + _span(t, j + 1, b)  # (not an apposition: "…, a State Department spokesperson")
    else:
        j = np_end
        while j < b and t.txt[j] != "," and j - np_end < 12:
            j += 1
        frags = _span(t, j + 1, b) if j < b else []
    if not frags:
        return None
    return Attribution(frags, (a, b), (cs, ce), cue, speaker=split_role(t, np, lex), pattern="according")
