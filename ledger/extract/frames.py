"""A speaker and a cue verb around the content: `Kirby said that …` (head), `…, Flake said.`
(tail), `"…," said X` (inverted), and the participles and subjects around them."""
from __future__ import annotations

from .lexicon import Cue, Lexicon
from .pieces import past_inline_blanks
from .speakers import NP, loose_subject, np_after, split_role
from .tokens import SENT_END, Toks
from .spans import (
    NP_FRAME_MIN_PRECISION, Attribution, _trim, _span, _content_end, _after_comma, _is_tail_left,
    _tok_at, _before_marks, _all_quoted, _quote_after, _has_cue, _quote_before,
)


MAX_ASIDE = 12  # words between the commas of "says, win or lose on Tuesday, he is staying"
MAX_TAIL = 10  # tokens between the content's comma and the end of "…, the source added in a statement."
# cue classes whose speaker may be a subject found by `loose_subject`, and how reliable the cue
LOOSE_SUBJECT_CLASSES = ("speech", "belief", "intention", "perception", "other")
LOOSE_SUBJECT_MIN_PRECISION = 0.3
MAX_APPOSITION_WORDS = 12  # "Flake, the US Ambassador to Turkey, said": longer is a clause


def _tail(t, lex, a, b, cs, ce, cue, prior, np_left: NP | None, loose: dict) -> Attribution | None:
    """Content first: `…, Flake said.`, `"…," said X.`, `…, the source added in a statement.`
    `np_left` is `speaker_before_cue` at the cue and `loose` keeps its `loose_subject` (the
    caller finds them once for both frames)."""
    if cs - a < 3 or t.low[cs].endswith("ing"):
        return None
    closes_quote = _quote_just_before(t, np_left, a) or _closing_quote_at(t, cs - 1)
    if cue.cls not in ("speech", "belief", "intention") and not closes_quote:
        return None  # any cue may close a quotation ("…," he continued), only a speech cue a clause
    inverted = _inverted_speaker(t, lex, cs, ce, b, cue, closes_quote)
    if inverted is not None and np_left is not None and cs - np_left.end > MAX_APPOSITION_WORDS:
        # "In politics, it is unusual …, said Matt Latimer.": no apposition is that long, but
        # only a plain name closing the sentence (or before its own apposition) is trusted
        named = np_after(t, ce, b, lex)
        if named is not None and named.end == inverted.end and (named.end >= b or t.txt[named.end] in SENT_END | {","}):
            np_left = None
    if np_left is not None and not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
        # `"…," former presidential candidate Herman Cain said`: the name has words before it
        np_left = _loose_subject(t, lex, a, cs, loose) if _loose_ok(t, cs, cue) else None
        if np_left is None or not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
            return None
    elif np_left is None and _loose_ok(t, cs, cue) and not _is_tail_left(t, cs - 1):
        np_left = _loose_subject(t, lex, a, cs, loose)
        if np_left is not None and not (np_left.start - 1 >= a and _is_tail_left(t, np_left.start - 1)):
            np_left = None
    if np_left is not None:
        speaker, left, after = np_left, np_left.start - 1, ce
    elif inverted is not None:
        # "…," said X, a spokesman who …: whatever follows names the speaker
        speaker, left, after = inverted, cs - 1, b
    else:
        return None
    quoted_left = t.is_close_quote(left) and _before_marks(t.text, t.end[left]) in (",", "?", "!")
    # "…, Allen said he tends to …" is a speaker-first claim, not a tail; but after
    # ""…," he told cheering supporters" anything may follow
    if np_left is not None and not (cue.lemma in lex.g["tell_lemmas"] or quoted_left) and after < b \
            and not (t.txt[after] in SENT_END or t.txt[after] in (",", ";", "(", "—", "–")
                     or t.low[after] in lex.g["tail_followers"] or t.is_open_quote(after)):
        return None
    rest = after
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


def _loose_subject(t: Toks, lex: Lexicon, a: int, cs: int, memo: dict) -> NP | None:
    """`loose_subject` at the cue, kept in `memo`: both frames may ask for it."""
    if "np" not in memo:
        memo["np"] = loose_subject(t, cs, a, lex)
    return memo["np"]


def _opens_participle_clause(t: Toks, cs: int) -> bool:
    """`…, saying …`, `… – saying …`, `…, falsely suggesting …`: a participle after a comma or a
    dash, maybe with an adverb in between."""
    i = cs
    if i - 1 >= 0 and t.low[i - 1].endswith("ly") and len(t.low[i - 1]) > 4:
        i -= 1
    return _after_comma(t, i) or (i >= 1 and t.txt[i - 1] in ("—", "–", "-", "--") and t.start[i - 1] > t.end[i - 2])


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
    nxt = np.end if np is not None else limit
    while nxt < limit and t.txt[nxt].isspace():
        nxt += 1  # "Sanders  has …": a doubled space is a token of its own
    if np is None or nxt >= limit or t.is_punct(nxt) or t.qid[np.start] >= 0 \
            or t.low[nxt] in lex.g["clause_blockers"]:
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
    if not ((cue.cls == "speech" or closes_quote) and _is_tail_left(t, cs - 1)):
        return None
    speaker = _inverted_np(t, lex, ce, b)
    if speaker is None:
        return None
    nxt = speaker.end
    if nxt < b and not (t.txt[nxt] in SENT_END or t.txt[nxt] in (",", "(", ";", "—", "–") or t.qid[nxt] >= 0
                        or t.low[nxt] in lex.g["tail_followers"] or t.low[nxt] in ("who", "whose")):
        return None
    return speaker


def _quote_just_before(t: Toks, np: NP | None, a: int) -> bool:
    """`"…," he continued`: a closing quotation (ending in , ? or !) then a short name or
    pronoun (`np`, from `speaker_before_cue`) right before the cue."""
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


def _head(t, lex, a, b, cs, ce, cue, prior, speaker: NP | None, loose: dict) -> Attribution | None:
    """Speaker first: `Kirby said that …`, `Fidan told Blinken that …`, `Flake said, "…"`,
    `Sanders vowed to …`, and participial continuations `…, adding that …`. `speaker` is
    `speaker_before_cue` at the cue."""
    pattern = None
    guessed = False  # the speaker is the sentence's subject, not a phrase next to the cue
    participle = t.low[cs].endswith("ing") and _opens_participle_clause(t, cs)
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
            head = t.low[subject.end - 1] if subject is not None else ""
            if subject is None or not (subject.pronoun or t.is_title(subject.end - 1) or head in lex.title_words
                                       or head in lex.source_nouns) \
                    or t.low[subject.start] in lex.g["pronoun_objects"] and not subject.pronoun:
                return None
            speaker, pattern = split_role(t, subject, lex), "coordinated"
    elif speaker is None and t.low[cs].endswith("ing") and cs - a <= 2 and (cs == a or t.low[a] in lex.g["participle_openers"]):
        pattern = "preposed"  # "While indicating that …, X warned …": see _link_preposed
    elif speaker is None:
        speaker = _loose_subject(t, lex, a, cs, loose) if _loose_ok(t, cs, cue) else None
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
    elif nxt in (":", ",") and (q := past_inline_blanks(t.txt, k + 1, b)) < b and t.is_open_quote(q):
        k = q  # `said,  “…”`: a doubled space (a token of its own) may stand before the quote
        kind = "quote"
    elif k < b and t.is_open_quote(k):
        kind = "quote"
    elif nxt == "," and lemma in lex.g["bare_clause_lemmas"] and (aside := _aside_then_clause(t, lex, k, b)) is not None:
        # "Rubio says, win or lose on Tuesday, he's staying", "I can now say, with hindsight, that …"
        k = aside
        kind = "clause"
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
        j, stop = k, min(b, k + 13)
        qid, txt, low = t.qid, t.txt, t.low
        while j < stop and qid[j] < 0 and txt[j] not in SENT_END and low[j] != "that":
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
    if kind is None or (kind == "clause" and t.low[k] in lex.g["pronoun_objects"] and _trim(t, k, b) == (k, k + 1)):
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


def _aside_then_clause(t: Toks, lex: Lexicon, comma: int, b: int) -> int | None:
    """After "says," an aside closed by a second comma, then the statement: where it starts
    (the "that" after the aside, else the aside itself, which PolNeAR counts in)."""
    j = comma + 1
    while j < b and j - comma <= MAX_ASIDE and not (t.txt[j] == "," and t.qid[j] < 0):
        if t.qid[j] >= 0 or t.txt[j] in SENT_END:
            return None
        j += 1
    if j >= b - 1 or t.txt[j] != "," or j == comma + 1:
        return None
    if t.low[j + 1] == "that":
        return j + 1
    return comma + 1 if _starts_clause(t, lex, j + 1) else None


def _clause_before_that(t: Toks, lex: Lexicon, k: int, j: int) -> bool:
    """"says the world has lost a voice that …", "says the movement that's sweeping …": the
    words before "that" are the content's own clause, not an adverbial like "in a statement"."""
    if t.low[j + 1:j + 2] in (["’s"], ["'s"]):
        return True  # "that's": a relative clause inside the content
    # a verb among those words ("says the world lost a voice that …"); one right before "that"
    # is left out: "what he talks about most is that …" starts the content at "that"
    return any(t.low[x] in lex.g["aux_verbs"] and t.txt[x] not in ("’s", "'s") for x in range(k, j - 1))


def _starts_clause(t: Toks, lex: Lexicon, k: int) -> bool:
    """A bare complement clause after "said": anything but an adverbial, punctuation or a quote."""
    w = t.low[k]
    if t.qid[k] >= 0 or t.is_punct(k) or w in lex.g["clause_blockers"]:
        return False
    return True
