"""Speaker noun phrases around a cue, found without a parser: names, titles, source nouns,
pronouns, and the appositions and relative clauses between a speaker and its verb."""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon
from .pieces import is_blank, is_inline_blank, past_inline_blanks
from .quotes import QUOTE_MARKS
from .tokens import Toks

MAX_NP = 12
MAX_APPOSITION = 25
MAX_BRACKETS = 8  # tokens in an aside like "(D-Md.)" between a name and what follows
MAX_SUBJECT = 14  # words in a subject found by `loose_subject`
DASHES = ("—", "–", "--")
SUBJECT_BREAKS = {",", ";", ":", "(", ")", ".", "!", "?", *DASHES}  # marks a loose subject never spans


# (slots: no dict per instance, and quicker attribute reads; the rules make and read many)
@dataclass(slots=True)
class NP:
    start: int  # token range of the words that name the speaker
    end: int
    role: tuple[int, int] | None = None  # token range of a role or title, when given
    pronoun: bool = False


def _is_name_token(t: Toks, i: int, lex: Lexicon) -> bool:
    low = t.low[i]
    if t.is_title(i):
        return low not in lex.g["not_names"]
    # a title word, source noun, modifier, quantity or organisation word (lex.name_words), a number
    return low in lex.name_words or low[:1].isdigit()


def _is_head(t: Toks, i: int, lex: Lexicon) -> bool:
    low = t.low[i]
    if low in lex.not_heads:  # not a speaker, a determiner, a connector, not a name
        return False
    # capitalised, a source noun, title word, inanimate source, quantity or organisation word, a number
    return t.is_title(i) or low in lex.head_words or low[:1].isdigit()


def np_before(t: Toks, end: int, lo: int, lex: Lexicon) -> NP | None:
    """The noun phrase that ends at token `end` (exclusive), not reaching before `lo`; with a
    trained base, a named entity ending there widens it ("Doctors without Borders")."""
    np = _np_before_rules(t, end, lo, lex)
    ent = t.ent_end.get(end)
    if ent is None or ent[1] not in lex.g["entity_types"] or ent[0] < lo or (np is not None and np.pronoun):
        return np
    return NP(ent[0] if np is None else min(np.start, ent[0]), end)


def _np_before_rules(t: Toks, end: int, lo: int, lex: Lexicon) -> NP | None:
    i = end - 1
    if i < lo:
        return None
    low = t.low[i]
    if low in lex.g["pronoun_subjects"]:
        return NP(i, i + 1, pronoun=True)
    if t.qid[i] >= 0 or not _is_head(t, i, lex):
        return None
    j = i
    lows, qid, determiners, connectors = t.low, t.qid, lex.g["determiners"], lex.g["np_connectors"]
    while j - 1 >= lo and end - (j - 1) <= MAX_NP:
        k = j - 1
        lk = lows[k]
        if qid[k] >= 0:
            break
        if lk in determiners:
            j = k
            break
        if _is_name_token(t, k, lex) or (lk in connectors and k - 1 >= lo and _is_name_token(t, k - 1, lex)):
            j = k
            continue
        break
    while j < i and lows[j] in connectors and lows[j] != "the":
        j += 1
    if t.txt[j] in ("’s", "'s"):
        return None
    return NP(j, i + 1)


def skip_adverbs(t: Toks, i: int, lo: int, lex: Lexicon) -> int:
    """Step left over auxiliaries and adverbs between a speaker and its cue ("has also
    repeatedly said", "famously responded")."""
    low, skip = t.low, lex.g["skip_before_cue"]
    while i - 1 >= lo:
        w = low[i - 1]
        if w in skip or (len(w) > 4 and w.endswith("ly") and w.isalpha() and not t.is_title(i - 1)) \
                or (not w.isalnum() and is_inline_blank(w)):  # "Cohen  said": a doubled space (never a word)
            i -= 1
        else:
            break
    return i


def speaker_before_cue(t: Toks, cue: int, lo: int, lex: Lexicon) -> NP | None:
    """The speaker left of a cue: `Flake (also) said`, `Jeff Flake, the US Ambassador to Turkey,
    expressed`, `officials who vowed`, `Flake, whose term … is ending soon, said`."""
    i = skip_adverbs(t, cue, lo, lex)
    if i - 1 >= lo and t.low[i - 1] in ("who", "which"):
        i -= 1
        if i - 1 >= lo and t.txt[i - 1] == ",":
            i -= 1  # "Flake, who …" rarely: keep the comma out
    if i - 2 >= lo and t.txt[i - 1] == "," and t.txt[i - 2] == ")":
        # "Gov. John Kasich (R-OH), said": a stray comma after the bracketed party and state
        np = np_before(t, _before_brackets(t, i - 1, lo), lo, lex)
        if np is not None and not np.pronoun and t.is_title(np.end - 1):
            return np
    if i - 1 >= lo and t.txt[i - 1] == "," and t.qid[i - 1] < 0:
        # an apposition or relative clause closed by this comma: find the comma that opens it
        k = i - 2
        txt, qid = t.txt, t.qid
        while k >= lo and i - k <= MAX_APPOSITION and not (txt[k] == "," and qid[k] < 0):
            if txt[k] in (".", ";", ":") or txt[k] in QUOTE_MARKS:  # (t.is_quote_mark)
                k = lo - 1
                break
            k -= 1
        if k >= lo and t.txt[k] == ",":
            np = np_before(t, _before_brackets(t, k, lo), lo, lex)
            if np is not None and not np.pronoun:
                seg = (k + 1, i - 1)
                if _role_apposition(t, seg, lex):
                    a = seg[0] + (1 if t.low[seg[0]] in ("the", "a", "an") else 0)
                    np.role = (a, seg[1])
                return np
            if np is None:
                # "Clinton's Democratic opponent, Vermont Sen. Bernie Sanders, praised": the
                # name is the apposition itself
                named = np_after(t, k + 1, i - 1, lex)
                if named is not None and not named.pronoun and named.end == i - 1 and t.is_title(named.end - 1):
                    return split_role(t, named, lex)
        return None
    return np_before(t, _before_brackets(t, i, lo), lo, lex)


def _before_brackets(t: Toks, end: int, lo: int) -> int:
    """`Sen. Ted Cruz (R-Texas) said`: the phrase ends before a short bracketed aside."""
    if end - 1 < lo or t.txt[end - 1] != ")":
        return end
    k = end - 2
    while k >= lo and end - k <= MAX_BRACKETS and t.txt[k] != "(":
        k -= 1
    return k if k >= lo and t.txt[k] == "(" else end


def _role_apposition(t: Toks, seg: tuple[int, int], lex: Lexicon) -> bool:
    a, b = seg
    if b - a < 1 or t.low[a] in ("who", "whose", "which", "whom", "where", "when"):
        return False
    return any(t.low[x] in lex.title_words for x in range(a, b))


def np_after(t: Toks, start: int, hi: int, lex: Lexicon) -> NP | None:
    """The noun phrase that starts at token `start`: `said Sen. John Smith`, `according to
    State Department spokesperson Mathew Miller`, `told Blinken`; with a trained base, a named
    entity starting there (after a determiner) widens it."""
    start = past_inline_blanks(t.txt, start, hi)  # "said  Yossi Cohen": no part of the name
    np = _np_after_rules(t, start, hi, lex)
    if start >= hi or (np is not None and np.pronoun):
        return np
    first = start + 1 if t.low[start] in lex.g["determiners"] else start
    ent = t.ent_start.get(first)
    if ent is None or ent[1] not in lex.g["entity_types"] or ent[0] > hi:
        return np
    return NP(start, ent[0] if np is None else max(np.end, ent[0]))


def _np_after_rules(t: Toks, start: int, hi: int, lex: Lexicon) -> NP | None:
    i = start
    if i >= hi:
        return None
    low = t.low[i]
    if low in lex.g["pronoun_objects"] or low in lex.g["pronoun_subjects"]:
        return NP(i, i + 1, pronoun=low not in ("reporters", "journalists", "lawmakers", "supporters", "viewers", "listeners"))
    j = i
    if low in lex.g["determiners"]:
        j += 1
    last_head = -1
    while j < hi and j - i < MAX_NP and t.qid[j] < 0:
        lj = t.low[j]
        if _is_name_token(t, j, lex) or lj in lex.g["inanimate_sources"]:
            if _is_head(t, j, lex):
                last_head = j
            j += 1
            continue
        if lj in lex.g["np_connectors"] and j + 1 < hi and _is_name_token(t, j + 1, lex) and last_head >= 0:
            j += 1
            continue
        if lj in ("’s", "'s") and j + 1 < hi and t.is_open_quote(j + 1) and last_head >= 0:
            # "ABC’s “Good Morning America”": a programme's title in quotation marks
            q = t.qid[j + 1]
            k = j + 1
            while k < hi and t.qid[k] == q:
                k += 1
            last_head = k - 1
            j = k
            break
        break
    if last_head < 0:
        return None
    return NP(i, last_head + 1)


def split_role(t: Toks, np: NP, lex: Lexicon) -> NP:
    """`White House National Security Spokesperson John Kirby` → role `White House National
    Security Spokesperson`, name `John Kirby`: the name follows the last title word."""
    if np.pronoun:
        return np
    last_title = -1
    low, title_words, titles, title_ends = t.low, lex.title_words, lex.titles, lex.title_ends
    for x in range(np.start, np.end):
        w = low[x]
        if w in title_words or (w.endswith(".") and w.rstrip(".") in title_words):
            last_title = x
            continue
        if w not in title_ends:
            continue  # no title of several words ends with it
        for k in range(1, min(3, x - np.start) + 1):  # a title of two to four words ending at x
            if " ".join(low[x - k:x + 1]) in titles:
                last_title = x
                break
    if last_title < 0 or last_title + 1 >= np.end:
        return np
    name_start = last_title + 1
    if not t.is_title(name_start):
        return np
    role_start = np.start + (1 if t.low[np.start] in lex.g["determiners"] else 0)
    return NP(name_start, np.end, role=np.role or (role_start, last_title + 1))


def loose_subject(t: Toks, cue: int, lo: int, lex: Lexicon) -> NP | None:
    """Fallback when `speaker_before_cue` finds no name-like phrase: the words between the
    clause's opening (sentence start, a comma, a conjunction) and the cue, when they look like a
    noun phrase — "An earlier report in a New Hampshire paper said", "Even the organizer of a
    pro-Trump rally said", "Insiders in the next two states — Nevada and South Carolina —
    said". A dashed or bracketed aside just before the cue is stepped over."""
    i = skip_adverbs(t, cue, lo, lex)
    end = i
    if i - 1 >= lo and (t.txt[i - 1] in DASHES or t.txt[i - 1] == ")"):
        opener = "(" if t.txt[i - 1] == ")" else t.txt[i - 1]
        k = i - 2
        while k >= lo and i - k <= MAX_APPOSITION and t.txt[k] != opener:
            k -= 1
        if k < lo or t.txt[k] != opener:
            return None
        i = end = k
    j = i
    stops, txt, qid = lex.g["subject_stops"], t.txt, t.qid
    while j - 1 >= lo and end - (j - 1) <= MAX_SUBJECT:
        k = j - 1
        if qid[k] >= 0 or txt[k] in SUBJECT_BREAKS or t.low[k] in stops \
                or txt[k] in QUOTE_MARKS:  # a stray mark (`…arrival,” Smith said`) is no one's name
            break
        j = k
    else:
        if j - 1 >= lo:
            return None  # ran out of room: too long to be a subject
    while j < end and is_blank(t.txt[j]):
        j += 1  # a doubled space before the subject is a token of its own
    if j >= end or t.low[j] in lex.g["clause_blockers"] or t.low[j] in lex.g["not_speakers"] \
            or (t.low[j].endswith("ing") and t.low[j] in lex.cues):
        return None  # "…, saying his campaign does not want": a participle's clause, no subject
    determiners, inanimate = lex.g["determiners"], lex.g["inanimate_sources"]
    if not any(t.low[x] in determiners or t.low[x] in inanimate or _is_name_token(t, x, lex)
               for x in range(j, end)):
        return None
    if t.is_punct(end - 1) or t.low[end - 1] in lex.g["np_connectors"]:
        return None
    aux = lex.g["aux_verbs"]
    if any(t.low[x] in aux and t.txt[x] not in ("’s", "'s") for x in range(j, end)):
        return None  # "the poll was conducted", "has at times been …": a clause, not a subject
    return NP(j, end)
