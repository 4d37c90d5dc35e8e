"""Attribution rules: link cues, speakers and content within a sentence unit.

Each rule is a small function over one sentence; `attribute` runs them in order and returns
`Attribution`s with token and character offsets (no names resolved yet: see resolve/).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .lexicon import Cue, Lexicon
from .sentences import is_heading
from .speakers import MAX_NP, NP, loose_subject, np_after, np_before, skip_adverbs, speaker_before_cue, split_role
from .tokens import SENT_END, Toks

MAX_TAIL = 10  # tokens between the content's comma and the end of "…, the source added in a statement."
ASKED_OPENERS = {"whether", "if", "what", "how", "why", "who", "which", "about", "when", "where"}
# A cue with any object ("endorsed Trump") makes a claim only when the word is reliably a cue
NP_FRAME_MIN_PRECISION = 0.4
# cue classes whose speaker may be a subject found by `loose_subject`
# ", adding that …", ", pointing to …" (any cue's participle) end the content before them;
# ", considering …" (no cue) belongs to it
PARTICIPLE_CUT_CLASSES = ("speech", "belief", "intention", "perception", "other")
LOOSE_SUBJECT_CLASSES = ("speech", "belief", "intention", "perception", "other")
LOOSE_SUBJECT_MIN_PRECISION = 0.3
MAX_OPENING_PHRASE = 16  # words in "In a … poll released Monday,"
MAX_APPOSITION_WORDS = 12  # "Flake, the US Ambassador to Turkey, said": longer is a clause
MAX_TURN_NAME = 4  # words in a transcript speaker's name ("JAKE TAPPER:")
DASHES_AND_BREAKS = {"-", "—", "–", ":", ";", ".", "|"}
CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}
# irregular and -s forms that are verbs after "and"/"but" ("and says he …"); -ed forms always are
COORD_VERBS = {"said", "says", "told", "tells", "wrote", "writes"}
# ", while Clinton leads …": a contrast the writer draws, after the content
CONTRAST_CUTS = {"while", "whereas", "though", "although", "compared"}
TRAILING = {",", ";", ":", "—", "–", "-", "(", "..."}


@dataclass
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


def find_cues(t: Toks, lex: Lexicon, a: int, b: int) -> list[tuple[int, int, Cue]]:
    """Longest cue match at each token, outside quotations."""
    out = []
    low, qid, widths, cues = t.low, t.qid, lex.cue_widths, lex.cues
    i = a
    while i < b:
        hit = None
        ws = widths.get(low[i])  # most tokens start no cue: one dict look-up each
        if ws is not None and qid[i] < 0:
            for width in ws:
                if i + width > b:
                    continue
                cue = cues.get(" ".join(low[i:i + width]))
                if cue is not None:
                    hit = (i, i + width, cue)
                    break
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
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
        if b <= a or is_heading(t, a, b, lex):
            prev = None
            continue
        here = _sentence(t, lex, a, b, [c for c in sent_cues if c[1] <= b])
        if not here and prev is not None and prev.speaker is not None and _only_quote(t, a, b):
            # a quotation standing alone right after an attributed sentence (in the same or the
            # next paragraph) continues that speaker
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


def _transcript_turn(t: Toks, lex: Lexicon, a: int) -> Attribution | None:
    """`PENCE: Well, look, …` opening a paragraph: a speaker's turn in a transcript, whose
    content is the rest of the paragraph."""
    if a > 0 and "\n" not in t.text[t.end[a - 1]:t.start[a]] and "\n" not in t.txt[a - 1]:
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


def found_in(found: list[Attribution], sent: tuple[int, int]) -> bool:
    return bool(found) and found[-1].sent[1] >= sent[1]


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


def _only_quote(t: Toks, a: int, b: int) -> bool:
    q = t.qid[a]
    return q >= 0 and all(t.qid[i] == q or t.is_punct(i) for i in range(a, b))


def _sentence(t: Toks, lex: Lexicon, a: int, b: int, cues) -> list[Attribution]:
    if not cues and t.low[a] != "in" and t.text.find(":", t.start[a], t.end[b - 1]) < 0:
        return []  # no cue, no "In a … poll," (_in_source), no "Name: “…”" (_colon_source)
    opening = t.text[t.start[a]:t.end[min(b, a + 6) - 1]].lower().replace("’", "'")
    if opening.startswith(tuple(lex.g["author_voice"])):
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
        if cs not in used and cue.lemma in lex.g["impersonal_lemmas"] and cue.precision >= NP_FRAME_MIN_PRECISION \
                and not (ce < b and t.low[ce] != "to" and t.low[ce] in lex.g["clause_blockers"]):  # "appeared in the draft"
            start = cs
            while start > a and not (t.qid[start - 1] < 0 and t.txt[start - 1] in CLAUSE_BREAKS):
                start -= 1
            frags = _span(t, start, _content_end(t, lex, ce, b))
            if frags and start < cs:
                out.append(Attribution(frags, (a, b), (cs, ce), cue, pattern="impersonal"))
                used.add(cs)
    # 3. "Asked whether …, 72 percent said …": the question put to someone
    if cues and cues[0][0] == a and t.low[a] == "asked" and a + 1 < b and t.low[a + 1] in ASKED_OPENERS:
        j = a + 1
        while j < b and not (t.txt[j] == "," and t.qid[j] < 0) and not t.is_close_quote(j):
            j += 1
        frags = _span(t, a + 1, j + 1 if j < b and t.is_close_quote(j) else j)
        if frags:
            out.append(Attribution(frags, (a, b), (a, a + 1), cues[0][2], pattern="asked"))
            used.add(a)
    # 4. a speaker with a cue, the content after it or before it
    for (cs, ce, cue) in cues:
        if cs in used or cue.cls in ("according", "passive"):
            continue
        att = _tail(t, lex, a, b, cs, ce, cue, out) or _head(t, lex, a, b, cs, ce, cue, out)
        if att:
            out.append(att)
            used.add(cs)
    for (cs, ce, cue) in cues:
        if cs not in used and not any(o.cue and o.cue[0] == cs for o in out):
            att = _as_source(t, lex, a, b, cs, ce, cue)
            if att:
                out = [o for o in out if not (o.cue and o.cue[0] == cs)]
                out.append(att)
    if not out:
        att = _in_source(t, lex, a, b) or _colon_source(t, lex, a, b)
        if att:
            out.append(att)
    out.sort(key=lambda x: x.start)
    return _drop_overlaps(_link_preposed(t, out))


def _as_source(t: Toks, lex: Lexicon, a: int, b: int, cs: int, ce: int, cue: Cue) -> Attribution | None:
    """`As Joel Pollak observed, the biggest victor was …` and `…, as Clinton supporters point
    out.`: "as" opens the attribution and a comma parts it from the content."""
    if cue.cls not in ("speech", "belief", "perception"):
        return None
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


def _link_preposed(t: Toks, atts: list[Attribution]) -> list[Attribution]:
    """"While indicating that …, X warned that …": the participle's speaker is the main
    clause's, and its content stops at the comma before that speaker."""
    out = []
    for i, att in enumerate(atts):
        if att.pattern != "preposed":
            out.append(att)
            continue
        main = next((m for m in atts[i + 1:] if m.speaker is not None and m.pattern != "preposed"), None)
        if main is None:
            continue
        stop = t.start[main.speaker.start if main.speaker.role is None else min(main.speaker.start, main.speaker.role[0])]
        s, e = _strip_chars(t.text, att.start, min(att.end, stop))
        if e > s:
            att.fragments = [(s, e)]
            att.speaker = main.speaker
            out.append(att)
    return out


def _drop_overlaps(atts: list[Attribution]) -> list[Attribution]:
    """Two claims never share content characters: keep the earlier-found, better-anchored one."""
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


def _trim(t: Toks, a: int, b: int) -> tuple[int, int] | None:
    """Token range [a, b) without leading/trailing punctuation that is not part of a quote."""
    while a < b and (t.txt[a].isspace() or (t.txt[a] in TRAILING | SENT_END | {","} and t.qid[a] < 0)):
        a += 1
    while b > a and (t.txt[b - 1].isspace() or (t.qid[b - 1] < 0 and (t.txt[b - 1] in TRAILING or t.txt[b - 1] in SENT_END))):
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
    i = k
    dash = -1
    while i < b:
        if t.qid[i] >= 0:
            i += 1
            continue
        w = t.low[i]
        if i > k and _after_comma(t, i):
            cue = lex.cues.get(w)
            if (cue and w.endswith("ing") and cue.cls in PARTICIPLE_CUT_CLASSES) or \
                    " ".join(t.low[i:i + 2]) == "according to" or _subjectless_but(t, lex, i, b) \
                    or w in CONTRAST_CUTS:
                return i
        if i > k and _dash(t, i):
            dash = i if dash == -1 else -2  # a pair of dashes encloses an aside inside the content
        if w in ("and", "but") and i + 1 < b and i > k + 2:
            cue = lex.cues.get(t.low[i + 1])
            if cue and cue.cls in ("speech", "intention") and _finite_verb(t.low[i + 1]) and t.low[i + 2:i + 3] != ["by"]:
                return i
        i += 1
    # "… — a proposal he has raised before.": a last, unpaired dash opens the writer's aside
    return dash if dash > k + 2 else b


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
    """Token i closes the content of a trailing attribution: a comma, or a closing quotation."""
    return (t.txt[i] == "," and t.qid[i] < 0) or t.is_close_quote(i)


def _tail(t, lex, a, b, cs, ce, cue, prior) -> Attribution | None:
    """Content first: `…, Flake said.`, `"…," said X.`, `…, the source added in a statement.`"""
    if cs - a < 3 or t.low[cs].endswith("ing"):
        return None
    closes_quote = _quote_just_before(t, cs, a, lex) or _closing_quote_at(t, cs - 1)
    if cue.cls not in ("speech", "belief", "intention") and not closes_quote:
        return None  # any cue may close a quotation ("…," he continued), only a speech cue a clause
    inverted = _inverted_speaker(t, lex, cs, ce, b, cue, closes_quote)
    np_left = speaker_before_cue(t, cs, a, lex)
    if inverted is not None and np_left is not None and cs - np_left.end > MAX_APPOSITION_WORDS:
        # "In politics, it is unusual …, said Matt Latimer.": no apposition is that long, but
        # only a plain name closing the sentence (or before its own apposition) is trusted
        named = np_after(t, ce, b, lex)
        if named is not None and named.end == inverted.end and (named.end >= b or t.txt[named.end] in SENT_END | {","}):
            np_left = None
    if np_left is not None and not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
        # `"…," former presidential candidate Herman Cain said`: the name has words before it
        np_left = loose_subject(t, cs, a, lex) if _loose_ok(t, cs, cue) else None
        if np_left is None or not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
            return None
    elif np_left is None and _loose_ok(t, cs, cue) and not _is_tail_left(t, cs - 1):
        np_left = loose_subject(t, cs, a, lex)
        if np_left is not None and not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
            np_left = None
    if np_left is not None:
        speaker, left = np_left, np_left.start - 1
        after = ce
        tells = cue.lemma in lex.g["tell_lemmas"]
        quoted = t.is_close_quote(left) and _before_marks(t.text, t.end[left]) in (",", "?", "!")
        # "…, Allen said he tends to …" is a speaker-first claim, not a tail; but after
        # ""…," he told cheering supporters" anything may follow
        if not (tells or quoted) and after < b and not (t.txt[after] in SENT_END or t.txt[after] in (",", ";", "(", "—", "–")
                              or t.low[after] in lex.g["tail_followers"] or t.is_open_quote(after)):
            return None
    elif inverted is not None:
        speaker = inverted
        left = cs - 1
        after = b  # "…," said X, a spokesman who …: whatever follows names the speaker
    else:
        return None
    rest = after
    quoted_left = t.is_close_quote(left) and _before_marks(t.text, t.end[left]) in (",", "?", "!")
    while rest < b and (quoted_left or rest - after <= MAX_TAIL) and t.txt[rest] not in SENT_END \
            and t.txt[rest] != "," and t.qid[rest] < 0 and (quoted_left or t.low[rest] != "that"):
        rest += 1
    if rest < b and not quoted_left and (t.low[rest] == "that" or rest - after > MAX_TAIL):
        return None
    if rest + 1 < b and t.txt[rest] in (",", ":") and t.is_open_quote(rest + 1) and not t.is_close_quote(left):
        return None  # "Referring to …, Flake said, "…"": the quotation is the content
    # content: from the end of the previous claim in this sentence (or its start) to `left`
    c_start = a
    for p in prior:
        if p.sent == (a, b) and t.start[a] <= p.end <= t.start[left]:
            c_start = max(c_start, _tok_at(t, p.end, a, b))
    if t.is_close_quote(left):
        q_open = t.quotes[t.qid[left]][0]
        lead = _tok_at(t, q_open, a, b)
        if lead - c_start <= 3:
            c_start = lead  # "Yet, "it is hard …," added X": the quotation alone
    content_end = left + 1 if t.is_close_quote(left) else left
    frags = _span(t, c_start, content_end)
    if not frags:
        return None
    opener = t.low[c_start] in lex.g["clause_blockers"] or t.low[c_start] in lex.g["participle_openers"]
    adverbial = opener and not t.is_close_quote(left) and (
        content_end - c_start <= 6 or (after < b and t.txt[after] not in SENT_END and t.txt[after] != ","
                                       and not t.low[after] in lex.g["tail_followers"]))
    # a second quotation after the attribution continues the same claim: "…," X said, "…"
    if rest < b and t.txt[rest] == "," and rest + 1 < b and t.is_open_quote(rest + 1):
        frags.append(t.quotes[t.qid[rest + 1]])
    elif rest + 1 < b and t.txt[rest] == "," and _continues(t, lex, rest + 1):
        # "The plan, an inside source said, is to have volunteers …": the sentence goes on
        frags.extend(_span(t, rest + 1, _content_end(t, lex, rest + 1, b)))
    elif adverbial:
        return None  # "In 2008, he wanted …": an adverbial, not the content
    speaker = split_role(t, speaker, lex)
    return Attribution(frags, (a, b), (cs, ce), cue, speaker=speaker,
                       pattern="direct-tail" if _all_quoted(t, frags) else "tail")


def _sentence_subject(t: Toks, lex: Lexicon, a: int, limit: int) -> NP | None:
    """The subject of the sentence's main clause, when it opens the sentence ("Trump …") or
    follows an introductory phrase and its comma ("In a press conference, Trump …"); it must be
    followed by a word, not a comma (so not an apposition or a list)."""
    start = a
    if t.low[a] in lex.g["clause_blockers"] or t.low[a] in lex.g["participle_openers"] or t.low[a] in ("but", "and", "yet"):
        start = next((i + 1 for i in range(a, min(limit, a + 15)) if t.txt[i] == "," and t.qid[i] < 0), -1)
        if start < 0:
            return None
    np = np_after(t, start, limit, lex)
    if np is None or np.end >= limit or t.is_punct(np.end) or t.qid[np.start] >= 0 \
            or t.low[np.end] in lex.g["clause_blockers"]:
        return None
    if np.pronoun and t.low[np.start] not in lex.g["pronoun_subjects"]:
        return None
    return np


def _loose_ok(t: Toks, cs: int, cue: Cue) -> bool:
    """A subject without a name is trusted only before a cue that is reliably a verb."""
    return cue.cls in LOOSE_SUBJECT_CLASSES and cue.precision >= LOOSE_SUBJECT_MIN_PRECISION \
        and (cue.cls == "speech" or not t.low[cs].endswith("ing"))


def _continues(t: Toks, lex: Lexicon, k: int) -> bool:
    """After "…, X said," the words at k carry on the statement (not a participle, a relative
    clause, "according to" or an apposition)."""
    w = t.low[k]
    if w == "that":
        return True  # "It's a reminder, Rogers said, that …"
    if t.qid[k] >= 0 or t.is_punct(k) or w in ("who", "which", "whose", "whom", "according") \
            or w in lex.g["subject_stops"] or w in lex.g["clause_blockers"]:
        return False
    cue = lex.cues.get(w)
    if cue is not None and w.endswith("ing"):
        return False
    return w not in lex.title_words and not (w in lex.g["determiners"] and k + 1 < t.n and t.low[k + 1] in lex.title_words)


def _inverted_speaker(t: Toks, lex: Lexicon, cs: int, ce: int, b: int, cue: Cue, closes_quote: bool) -> NP | None:
    """`…, said Matt Latimer, another speechwriter.`: the speaker after a cue that follows the
    content's comma or closing quotation — when nothing but an apposition or the sentence end
    comes after the name (`…, said Clinton didn't …` is a subject and its clause instead)."""
    if not (_is_tail_left(t, cs - 1) and (cue.cls == "speech" or closes_quote)):
        return None
    speaker = _inverted_np(t, lex, ce, b)
    if speaker is None:
        return None
    nxt = speaker.end
    if nxt < b and not (t.txt[nxt] in SENT_END or t.txt[nxt] in (",", "(", ";", "—", "–") or t.qid[nxt] >= 0
                        or t.low[nxt] in lex.g["tail_followers"] or t.low[nxt] in ("who", "whose")):
        return None
    return speaker


def _quote_just_before(t: Toks, cs: int, a: int, lex: Lexicon) -> bool:
    """`"…," he continued`: a closing quotation (ending in , ? or !) then a short name or
    pronoun right before the cue."""
    np = speaker_before_cue(t, cs, a, lex)
    return np is not None and np.start - 1 >= a and _closing_quote_at(t, np.start - 1)


def _closing_quote_at(t: Toks, i: int) -> bool:
    """Token i closes a quotation that ends in , ? or ! (so a tail attribution follows)."""
    return i >= 0 and t.is_close_quote(i) and _before_marks(t.text, t.end[i], "\"”'»“") in (",", "?", "!")


def _inverted_np(t: Toks, lex: Lexicon, start: int, b: int) -> NP | None:
    """The speaker after an inverted cue ("…," said a handful of Democrats who …): the words up
    to a comma, a relative pronoun or the sentence end."""
    np = np_after(t, start, b, lex)
    if np is not None:
        return np
    j = start
    while j < b and j - start < 12 and t.qid[j] < 0 and t.txt[j] not in SENT_END and t.txt[j] != "," \
            and t.low[j] not in ("who", "whose", "which", "that", "whom"):
        j += 1
    if j == start or t.low[start] in lex.g["clause_blockers"]:
        return None
    return NP(start, j)


def _tok_at(t: Toks, char: int, a: int, b: int) -> int:
    return bisect_left(t.start, char, a, b)


def _before_marks(text: str, end: int, marks: str = "\"”'»") -> str:
    """The character before the quote marks that end at `end` ("" at the start of the text);
    walking back instead of `text[:end].rstrip(…)`, which copies the article up to `end`."""
    while end > 0 and text[end - 1] in marks:
        end -= 1
    return text[end - 1:end]


def _all_quoted(t: Toks, frags) -> bool:
    spans = set(t.quotes)
    return all(f in spans or _within_quote(t, f) for f in frags)


def _within_quote(t: Toks, f) -> bool:
    return any(qs <= f[0] and f[1] <= qe for qs, qe in t.quotes)


def _head(t, lex, a, b, cs, ce, cue, prior) -> Attribution | None:
    """Speaker first: `Kirby said that …`, `Fidan told Blinken that …`, `Flake said, "…"`,
    `Sanders vowed to …`, and participial continuations `…, adding that …`."""
    pattern = None
    guessed = False  # the speaker is the sentence's subject, not a phrase next to the cue
    speaker = speaker_before_cue(t, cs, a, lex)
    participle = t.low[cs].endswith("ing") and _after_comma(t, cs)
    if speaker is None and participle:
        # ", adding that …": the speaker of the claim this clause continues
        main = next((p for p in reversed(prior) if p.sent == (a, b) and p.speaker is not None
                     and p.start < t.start[cs]), None)
        if main is not None:
            speaker, pattern = main.speaker, "participle"
        elif cue.cls == "speech" or cue.precision >= NP_FRAME_MIN_PRECISION:
            # "Trump launched an attack on Obama, calling him …": the sentence's subject
            speaker = _sentence_subject(t, lex, a, cs)
            if speaker is None:
                return None
            speaker, pattern = split_role(t, speaker, lex), "participle"
            guessed = True
        else:
            return None
    elif speaker is None and cs - 1 > a and t.low[cs - 1] in ("and", "but", "then") \
            and cue.cls in ("speech", "belief", "intention") and not t.low[cs].endswith("ing"):
        # "Flake stated that … and called for …": a second claim by the same speaker
        main = next((p for p in reversed(prior) if p.sent == (a, b) and p.speaker is not None
                     and p.end <= t.start[cs]), None)
        if main is not None:
            speaker, pattern = main.speaker, "coordinated"
        else:
            # "She greeted supporters … and told them that …": the sentence's subject
            subject = np_after(t, a, cs, lex)
            if subject is None or not (subject.pronoun or t.is_title(subject.end - 1)) \
                    or t.low[subject.start] in lex.g["pronoun_objects"] and not subject.pronoun:
                return None
            speaker, pattern = split_role(t, subject, lex), "coordinated"
    elif speaker is None and t.low[cs].endswith("ing") and cs - a <= 2 and (cs == a or t.low[a] in lex.g["participle_openers"]):
        pattern = "preposed"  # "While indicating that …, X warned …": see _link_preposed
    elif speaker is None:
        speaker = loose_subject(t, cs, a, lex) if _loose_ok(t, cs, cue) else None
        if speaker is None:
            return None
    if cue.lemma in lex.g["impersonal_lemmas"]:
        return None  # a hedge ("appeared to") or a sighting ("appeared on stage"), never a speaker's claim
    if ce < b and t.low[ce] in ("by", "as") and t.low[cs].endswith(("ed", "wn")):
        return None  # "projected by networks", "known as Super Tuesday": a passive or a name
    if speaker is not None and speaker.pronoun and t.low[speaker.start] == "it" and cue.cls != "speech":
        return None  # "it seems", "it appears": no one speaks
    k = ce
    addressee = None
    lemma = cue.lemma
    if lemma in lex.g["tell_lemmas"] or lemma.startswith("tell"):
        addressee = np_after(t, k, b, lex)
        if addressee is not None:
            k = addressee.end
    # skip a short adverbial before a quotation: `said during a press conference in Istanbul, "…"`
    kind = None
    nxt = t.low[k] if k < b else ""
    if nxt == "that":
        kind = "clause"
    elif nxt in (":", ",") and k + 1 < b and t.is_open_quote(k + 1):
        k += 1
        kind = "quote"
    elif k < b and t.is_open_quote(k):
        kind = "quote"
    elif nxt == ":" and k + 1 >= b:
        # "Breitbart News responded:" closing a paragraph, the quotation in the next one
        q = _quote_after(t, b)
        if q is None or speaker is None:
            return None
        return Attribution([q[0]], (a, q[1]), (cs, ce), cue, speaker=split_role(t, speaker, lex),
                           addressee=addressee, pattern="direct-head")
    elif nxt == ":":
        k += 1
        kind = "clause"
    elif nxt == "to" and (lemma in lex.g["infinitive_lemmas"] or cue.cls == "intention"):
        kind = "clause"
    else:
        j = k
        while j < b and j - k <= 12 and t.qid[j] < 0 and t.txt[j] not in SENT_END and t.low[j] != "that":
            j += 1
        if j < b and j > k and t.is_open_quote(j) and t.txt[j - 1] in (",", ":") and not _has_cue(t, lex, k, j):
            k = j
            kind = "quote"
        elif j < b and j > k and t.low[j] == "that" and t.txt[j - 1] != "," and j - k <= 6 and not _has_cue(t, lex, k, j) \
                and not _clause_before_that(t, lex, k, j):
            k = j  # "said in a statement that …", "told reporters on Tuesday that …"
            kind = "clause"
        elif k < b and (lemma in lex.g["bare_clause_lemmas"] or cue.cls == "belief") \
                and lemma not in lex.g["no_bare_clause_lemmas"] and _starts_clause(t, lex, k):
            kind = "clause"
        elif k < b and speaker is not None and not speaker.pronoun and cue.cls in ("perception", "speech", "belief") \
                and t.low[speaker.end - 1] in lex.g["inanimate_sources"] and _starts_clause(t, lex, k):
            kind = "clause"  # "FEC records show he backed …", "A new poll found Clinton ahead"
        elif k < b and lemma in lex.g["np_complement_lemmas"] and _quote_before(t, k, _content_end(t, lex, k, b)):
            kind = "clause"  # "Flake highlighted the "useful role" played by Turkey"
        elif k < b and lemma in lex.g["np_complement_free_lemmas"]:
            kind = "clause"
        elif k < b and cue.precision >= NP_FRAME_MIN_PRECISION and not t.is_punct(k) and speaker is not None \
                and (not guessed or _quote_before(t, k, _content_end(t, lex, k, b))) \
                and lemma not in lex.g["np_frame_excluded_lemmas"] and t.low[k] not in lex.g["reflexives"]:
            kind = "clause"  # "Christie endorsed Trump", "Sanders announced his resignation"
    if kind is None or (kind == "clause" and _trim(t, k, b) == (k, k + 1) and t.low[k] in lex.g["pronoun_objects"]):
        return None  # "Perez answered her": no content
    if kind == "quote":
        q = t.quotes[t.qid[k]]
        end = q[1]
        frags = [q]
        # stop at the quote unless the sentence goes on inside the same statement
        after = _tok_at(t, end, k, b)
        if after < b and t.txt[after] not in SENT_END and t.txt[after] != "," and t.low[after] not in ("which", "who") \
                and t.low[after] not in lex.g["subject_stops"]:  # "…,” when asked whether …"
            e = _content_end(t, lex, after, b)
            frags = _span(t, k, e)
    else:
        e = _content_end(t, lex, k, b)
        frags = _span(t, k, e)
    if not frags:
        return None
    if pattern is None:
        pattern = "direct-head" if _all_quoted(t, frags) else "head"
        speaker = split_role(t, speaker, lex)
    return Attribution(frags, (a, b), (cs, ce), cue, speaker=speaker, addressee=addressee, pattern=pattern)


def _clause_before_that(t: Toks, lex: Lexicon, k: int, j: int) -> bool:
    """"says the world has lost a voice that …", "says the movement that's sweeping …": the
    words before "that" are the content's own clause, not an adverbial like "in a statement"."""
    if t.low[j + 1:j + 2] in (["’s"], ["'s"]):
        return True  # "that's": a relative clause inside the content
    # a verb among those words ("says the world lost a voice that …"); one right before "that"
    # is left out: "what he talks about most is that …" starts the content at "that"
    return any(t.low[x] in lex.g["aux_verbs"] and t.txt[x] not in ("’s", "'s") for x in range(k, j - 1))


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


def _starts_clause(t: Toks, lex: Lexicon, k: int) -> bool:
    """A bare complement clause after "said": anything but an adverbial, punctuation or a quote."""
    w = t.low[k]
    if t.qid[k] >= 0 or t.is_punct(k) or w in lex.g["clause_blockers"]:
        return False
    return True


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
