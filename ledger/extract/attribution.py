"""Attribution: link cues, speakers and content within each sentence unit of a document.

Each rule is a small function over one sentence; `attribute` runs them in order and returns
`Attribution`s with token and character offsets (no names resolved yet: see resolve/).
"""
from __future__ import annotations

from .lexicon import Cue, Lexicon
from .sentences import is_heading
from .speakers import NP, np_after, speaker_before_cue, split_role
from .tokens import Toks
from .spans import (
    NP_FRAME_MIN_PRECISION, Attribution, _only_quote, _trim, _strip_chars, _span, _content_end,
)
from .frames import _tail, _head
from .sources import _transcript_turn, _bare, _as_source, _colon_source, _in_source, _according

__all__ = ["Attribution", "attribute", "find_cues"]


ASKED_OPENERS = {"whether", "if", "what", "how", "why", "who", "which", "about", "when", "where"}
ASKED_AFTER = {"when", "if", "after", "once", "was", "were", "is", "are", "being", "been"}
CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}


def find_cues(t: Toks, lex: Lexicon, a: int, b: int, starts: list[int] | None = None) -> list[tuple[int, int, Cue]]:
    """Longest cue match at each token, outside quotations. `starts`, when given, are the
    tokens of a..b whose word can start a cue, in order: the only ones worth a look."""
    out = []
    low, qid, widths, cues = t.low, t.qid, lex.cue_widths, lex.cues
    free = a  # the first token after the last match
    for i in range(a, b) if starts is None else starts:
        if i < free:
            continue
        ws = widths.get(low[i])  # most tokens start no cue: one dict look-up each
        if ws is None or qid[i] >= 0:
            continue
        for width in ws:
            if i + width > b:
                continue
            # (most cues are one word: no slice and join for those)
            cue = cues.get(low[i] if width == 1 else " ".join(low[i:i + width]))
            if cue is not None:
                out.append((i, i + width, cue))
                free = i + width
                break
    return out


def attribute(t: Toks, lex: Lexicon, cues: list[list] | None = None) -> list[Attribution]:
    """Claims of a document, given its cue matches per sentence unit (found here if not given)."""
    found: list[Attribution] = []
    prev: Attribution | None = None  # the claim of the sentence just before, if it had one
    turn_end = -1  # inside a transcript turn ("PENCE: …"), the token its paragraph ends at
    for k, (a, b) in enumerate(t.sents):
        if a < turn_end:
            continue
        turn = _transcript_turn(t, lex, a)
        if turn is not None:
            found.append(turn)
            prev, turn_end = turn, turn.sent[1]
            continue
        sent_cues = cues[k] if cues is not None else find_cues(t, lex, a, b)
        while b > a and t.txt[b - 1].isspace():
            b -= 1
        if b <= a:
            prev = None
            continue
        # a sentence with nothing to find yields nothing, heading or not: is_heading is not asked
        if (not sent_cues and not _may_name_source(t, a, b) and not _carries_on(t, prev, a, b)) \
                or is_heading(t, a, b, lex):
            prev = None
            continue
        # the cues within [a, b): cues end in order, so most often the last one is and no copy is made
        within = sent_cues if not sent_cues or sent_cues[-1][1] <= b else [c for c in sent_cues if c[1] <= b]
        here = _sentence(t, lex, a, b, within)
        if not here and _carries_on(t, prev, a, b):
            q = next(t.quotes[t.qid[i]] for i in range(a, b) if t.qid[i] >= 0)
            if q not in prev.fragments:
                prev.fragments.append(q)
            prev.sent = (prev.sent[0], b)
            continue
        if not here:
            here = _bare(t, lex, k, a, b, sent_cues, prev is None and k > 0 and not found_in(found, t.sents[k - 1]))
        found.extend(here)
        prev = here[-1] if here else None
    return found


def _carries_on(t: Toks, prev: Attribution | None, a: int, b: int) -> bool:
    """The sentence is a quotation standing alone right after an attributed sentence (in the same
    or the next paragraph): it continues that speaker's claim."""
    return prev is not None and prev.speaker is not None and _only_quote(t, a, b)


def found_in(found: list[Attribution], sent: tuple[int, int]) -> bool:
    return bool(found) and found[-1].sent[1] >= sent[1]


def _may_name_source(t: Toks, a: int, b: int) -> bool:
    """Without a cue, a sentence can still open with "In a … poll," (_in_source) or hold
    "Name: “…”" (_colon_source)."""
    return t.low[a] == "in" or t.text.find(":", t.start[a], t.end[b - 1]) >= 0


def _sentence(t: Toks, lex: Lexicon, a: int, b: int, cues) -> list[Attribution]:
    if not cues and not _may_name_source(t, a, b):
        return []
    opening = t.text[t.start[a]:t.end[min(b, a + 6) - 1]].lower().replace("’", "'")
    if opening.startswith(lex.author_voice_prefixes):
        return []  # the author's own voice: "It is worth noting that …"
    out: list[Attribution] = []
    used = set()
    # 1. "according to X" in any position
    for (cs, ce, cue) in cues:
        if cue.cls == "according":
            att = _according(t, lex, a, b, cs, ce, cue)
            if att:
                out.append(att)
                used.add(cs)
    # 2. passive hedges with no source: "Tehran is said to have fired …"
    for (cs, ce, cue) in cues:
        if cue.cls == "passive" and cs not in used:
            content = _trim(t, a, b)
            if content and content[0] < cs:
                frags = [f for f in ((t.start[content[0]], t.start[cs]), (t.end[ce - 1], t.end[content[1] - 1]))]
                frags = [_strip_chars(t.text, s, e) for s, e in frags]
                frags = [f for f in frags if f[1] > f[0]]
                if frags:
                    out.append(Attribution(frags, (a, b), (cs, ce), cue, pattern="passive"))
                    used.add(cs)
    # 2b. no one speaks, the writer hedges: "the Trump team appeared paralyzed", "X reportedly
    # considered a run": the clause is the content, with no source
    for (cs, ce, cue) in cues:
        followed_by_to = ce < b and t.low[ce] == "to"  # "appear to be", reliable whatever the form
        if cs not in used and cue.lemma in lex.g["impersonal_lemmas"] \
                and (cue.precision >= NP_FRAME_MIN_PRECISION or followed_by_to) \
                and not (ce < b and not followed_by_to and t.low[ce] in lex.g["clause_blockers"]):  # "appeared in the draft"
            start = _clause_start(t, a, cs)
            if start == cs and cs - 1 > a and t.txt[cs - 1] == ",":
                # "religion, not ethnicity, appeared to …": step over the aside to its subject
                start = _clause_start(t, a, _clause_start(t, a, cs - 1) - 1)
            frags = _span(t, start, _content_end(t, lex, ce, b))
            if frags and start < cs:
                out.append(Attribution(frags, (a, b), (cs, ce), cue, pattern="impersonal"))
                used.add(cs)
    # 3. "Asked whether …, 72 percent said …", "When asked specifically what …", "X was asked
    # about …": the question put to someone (no source: the asker is rarely named)
    for (cs, ce, cue) in cues:
        att = None if cs in used else _asked(t, a, b, cs, ce, cue)
        if att:
            out.append(att)
            used.add(cs)
    # 4. a speaker with a cue, the content after it or before it
    for (cs, ce, cue) in cues:
        if cs in used or cue.cls in ("according", "passive"):
            continue
        # both frames start from the phrase left of the cue: look once
        left, loose = speaker_before_cue(t, cs, a, lex), {}
        att = _tail(t, lex, a, b, cs, ce, cue, out, left, loose) or _head(t, lex, a, b, cs, ce, cue, out, left, loose)
        if att:
            out.append(att)
            used.add(cs)
    for (cs, ce, cue) in cues:
        if cs not in used:  # (every claim above marks its cue in `used`: none holds this one)
            att = _as_source(t, lex, a, b, cs, ce, cue)
            if att:
                out.append(att)
    if not out:
        att = _in_source(t, lex, a, b) or _colon_source(t, lex, a, b)
        if att:
            out.append(att)
    if not out:
        return out
    if len(out) > 1:
        out.sort(key=lambda x: x.start)
    return _drop_overlaps(_link_preposed(t, lex, out))


def _asked(t: Toks, a: int, b: int, cs: int, ce: int, cue: Cue) -> Attribution | None:
    if t.low[cs] != "asked" or not (cs == a or t.low[cs - 1] in ASKED_AFTER):
        return None
    k = ce
    if k < b and t.low[k].endswith("ly") and len(t.low[k]) > 4:
        k += 1  # "asked specifically what …"
    if k >= b or t.low[k] not in ASKED_OPENERS:
        return None
    j = k
    while j < b and not (t.txt[j] == "," and t.qid[j] < 0) and not t.is_close_quote(j):
        j += 1
    frags = _span(t, k, j + 1 if j < b and t.is_close_quote(j) else j)
    return Attribution(frags, (a, b), (cs, ce), cue, pattern="asked") if frags else None


def _clause_start(t: Toks, a: int, i: int) -> int:
    """The first token of the clause that token i ends: after the last comma, dash or bracket
    before it (outside quotations), or the sentence start."""
    while i > a and not (t.qid[i - 1] < 0 and t.txt[i - 1] in CLAUSE_BREAKS):
        i -= 1
    return max(i, a)


def _link_preposed(t: Toks, lex: Lexicon, atts: list[Attribution]) -> list[Attribution]:
    """"While indicating that …, X warned that …": the participle's speaker is the main
    clause's, and its content stops at the comma before that speaker."""
    out = []
    for i, att in enumerate(atts):
        if att.pattern != "preposed":
            out.append(att)
            continue
        main = next((m for m in atts[i + 1:] if m.speaker is not None and m.pattern != "preposed"), None)
        speaker = main.speaker if main is not None else _subject_after_comma(t, lex, att)
        if speaker is None:
            continue
        stop = t.start[speaker.start if speaker.role is None else min(speaker.start, speaker.role[0])]
        s, e = _strip_chars(t.text, att.start, min(att.end, stop))
        if e > s:
            att.fragments = [(s, e)]
            att.speaker = speaker
            out.append(att)
    return out


def _subject_after_comma(t: Toks, lex: Lexicon, att: Attribution) -> NP | None:
    """"After saying he was nervous, the man ended up …": with no claim in the main clause,
    its subject (right after the participle clause's comma) is the speaker."""
    a, b = att.sent
    comma = next((x for x in range(att.cue[1], b) if t.txt[x] == "," and t.qid[x] < 0), None)
    if comma is None:
        return None
    np = np_after(t, comma + 1, b, lex)
    if np is None or np.end >= b or t.is_punct(np.end) or t.low[np.end] in lex.g["clause_blockers"]:
        return None
    return split_role(t, np, lex)


def _drop_overlaps(atts: list[Attribution]) -> list[Attribution]:
    """Two claims never share content characters: keep the earlier-found, better-anchored one."""
    if len(atts) < 2:
        return atts
    kept: list[Attribution] = []
    for att in atts:
        clash = next((k for k in kept if att.start < k.end and k.start < att.end), None)
        if clash is None:
            kept.append(att)
        elif (att.end - att.start) < (clash.end - clash.start) and att.cue_info and clash.cue_info \
                and att.cue_info.cls == "speech" and att.pattern in ("head", "direct-head"):
            # nested claims ("X said that Y claimed that …"): the inner one is its own claim;
            # the outer content stops where the inner attribution starts
            kept.append(att)
        # otherwise drop the later one
    return kept
