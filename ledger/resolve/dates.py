"""Date expressions and settings in article text, with exact character offsets.

Pure functions over plain text. One compiled regex finds the expressions; they are placed by plain
calendar arithmetic on the article date. Weekdays and month-days follow dateparser's rules (a
year-less "July 31" is the latest one not after the article; "next Monday" the first after it): a
test checks the two agree on every weekday and month-day over a year of article dates, while this
runs ~1000x faster than calling dateparser. Weeks, months, years and the fixed relative phrases
("last week", "earlier this month") are arithmetic too, because dateparser gives them back as days
("last week" → the date seven days back).
Nothing is guessed: without an article date a relative or year-less expression keeps value None.
"""
from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from ..wordlists import data_path

Granularity = Literal["day", "week", "month", "year"]
Span = tuple[int, int]


@dataclass(frozen=True)
class DateMention:
    start: int  # character offsets into the full text: text[start:end] == self.text
    end: int
    text: str  # the raw expression as written, qualifiers and a leading "on"/"in" included
    value: str | None  # ISO 8601 at the expression's precision: 2024-04-13, 2024-W15, 2024-04, 2024
    granularity: Granularity | None


@lru_cache(maxsize=1)
def _words() -> dict:
    data = json.loads(data_path("dates.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


# --- the grammar ---------------------------------------------------------------------------------

WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}  # Monday → 0, as date.weekday()
MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
MONTH_NAMES = {i: name for name, i in MONTHS.items()}  # as calendar.month_name, which formats a date per call
# AP-style abbreviations, accepted only before a day number ("Aug. 5"): alone they are names or words
MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
                       "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
KINDS = ("weekday", "monthday", "monthyear", "month", "iso", "year", "ago", "relative")


def _alt(phrases) -> str:
    """A non-capturing alternation that prefers the longest phrase ("this past" wins over
    "this"), written as a trie: phrases sharing a start share its pattern ("Ju(?:ne|ly)"), so
    the regex engine walks one branch at each position instead of trying every phrase. The
    branches at a node start with different characters, so at most one can match, and a
    phrase that ends where a longer one goes on makes the rest optional (greedy): the same
    matches, preferred in the same order, as a longest-first list of the phrases."""
    body, grouped = _trie(phrases)
    return body if grouped else f"(?:{body})"


def _trie(phrases) -> tuple[str, bool]:
    trie: dict = {}
    for phrase in set(phrases):
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return _branches(trie)


def _branches(node: dict) -> tuple[str, bool]:
    """A node's pattern, and whether it is one group already. No group is written twice
    ("(?:(?:a|b))?"): the compiled pattern is the same (a test checks it), and the large
    patterns built from these parse faster, which is most of their compile time."""
    parts = [(r"\s+" if ch == " " else re.escape(ch)) + _branches(child)[0] for ch, child in sorted(node.items()) if ch]
    if not parts:
        return "", False
    if len(parts) > 1:
        body, grouped = "(?:" + "|".join(parts) + ")", True
    else:
        body, grouped = parts[0], False
    if "" in node:
        # one character takes the ? as it is ("a(?:n)?" as "an?")
        return (f"{body}?" if grouped or (len(body) == 1 and body.isalnum()) else f"(?:{body})?"), False
    return body, grouped


def _ci(phrases) -> str:
    # one case per phrase: (?i) matches every case of it, and two branches differing only by
    # case could both match, which would break the trie's one-branch-matches rule
    body, grouped = _trie({p.lower() if p.isascii() else p for p in phrases})
    return "(?i:" + (body[3:-1] if grouped else body) + ")"  # its alternatives in the (?i:) group


@lru_cache(maxsize=1)
def _parts() -> dict[str, str]:
    """The month names and the numbers of the grammar, for _grammar and _number_tests."""
    month = _alt(MONTHS)
    return {
        "month": month,
        "any_month": f"(?:{month}\\b|{_alt(MONTH_ABBREVIATIONS)}(?:\\.|\\b))",  # not "Mar" of "3 Marco"
        # a day number is not part of a longer number, a percentage or a time ("May 2024", "March 15%")
        "day": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w%]|[.,:]\d)",
        "year": r"(?<![\w$£€.,/-])(?:19|20)\d\d(?![\w%]|[.,:/]\d|-\d)",
        "ago": r"\s+(?:day|week|month|year)s?\s+ago",  # after the count, case-insensitive
    }


@lru_cache(maxsize=1)
def _grammar() -> dict[str, str]:
    """Each kind's pattern; month, weekday and day names are case-sensitive (so "may" the verb never
    matches), the words around them are not ("On Tuesday", "Late last week")."""
    w = _words()
    weekday = _alt(WEEKDAYS)
    p = _parts()
    month, any_month, day, year = p["month"], p["any_month"], p["day"], p["year"]
    month_day = f"{any_month}\\s+{day}(?:,?\\s+{year})?"  # "July 31, 2024"
    # "31 July 2024", "the 5th of May"
    day_month = f"(?<![\\w$£€.,/-])(?:(?i:the)\\s+)?{day}\\s+(?:of\\s+)?{any_month}(?:,?\\s+{year})?"
    md = f"(?:{month_day}|{day_month})"
    day_pre = f"(?:{_ci(w['day_qualifiers'])}\\s+(?:(?i:on)\\s+)?|(?i:on)\\s+)"
    part = f"(?:{_ci(w['month_parts'])}(?:\\s*-\\s*|\\s+))"
    lead = f"(?:{_ci(w['month_leads'])}\\s+|{_ci(w['part_leads'])}\\s+(?={part}))"
    names_after = _alt(w["weekday_names_after"])
    number = f"(?:{_alt(w['tens'])}(?:-{_alt(w['numbers'])})?|{_alt(w['numbers'])}|\\d{{1,3}})"
    return {
        "weekday": (f"(?:{day_pre}|{_ci(w['weekday_relatives'])}\\s+)?{weekday}\\b(?!\\s+{names_after}\\b)"
                    f"(?:,?\\s+{month_day}|\\s+{day_month}|\\s+{_ci(w['day_parts'])}\\b)?"),
        "monthday": f"{day_pre}?{md}",
        "monthyear": f"{lead}?{part}?{any_month},?\\s+{year}",
        "month": f"{lead}?{part}?(?:{_ci(w['month_relatives'])}\\s+)?{month}(?![\\w'’-]|\\s*\\d|\\.\\d)",
        "iso": r"(?:(?i:on)\s+)?(?<![\w-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w-])",
        "year": f"{lead}?{part}?{year}",
        "ago": f"(?<![\\w-])(?i:{number}{p['ago']})\\b",  # not "five" of "twenty-five"
        "relative": f"(?:{_ci(w['day_qualifiers'])}\\s+)?{_ci(w['relative'])}\\b",  # "late last week"
    }


@lru_cache(maxsize=1)
def _scanner() -> re.Pattern:
    # one alternation, tried in this order at each word start: the leftmost match wins, and at a
    # given start the earlier kind ("July 31, 2024" before "July 31"... before "July")
    g = _grammar()
    return re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{g[k]})" for k in KINDS) + ")")


@lru_cache(maxsize=1)
def _full() -> dict[str, re.Pattern]:
    return {k: re.compile(p) for k, p in _grammar().items()}


# Opens the patterns that search for word starts: any character but an ASCII word character,
# with a \b after it (so exactly the non-word characters, as \W). A pattern opening with a
# class is tried only where the class matches, one opening with \b or a look-ahead at every
# position; and an ASCII class is a bitmap test, cheaper than the Unicode test of \W.
_BREAK = "[^0-9A-Za-z_]"


def _match_at_start(after_break: re.Pattern, text: str, end: int) -> re.Match | None:
    """The match of a pattern opening with _BREAK at the start of text[:end], where no character
    stands before the first word: matched after a space put before the text, so its offsets are
    one too far. One compiled pattern serves both places; a second one for the start alone
    would double the compile time (the setting pattern is large)."""
    return after_break.match(" " + text[:end])


@lru_cache(maxsize=1)
def _trigger() -> re.Pattern:
    """The words every expression contains: a weekday or month name, a digit, or the last word of a
    relative phrase ("week", "yesterday", "ago"). Cheap to search for; the full grammar runs only here.
    The word with the non-word character before it, which is how _anchors searches: a pattern
    that opens with a character class lets the engine skip the word characters in a tight loop,
    where an opening look-behind ("not after a word character") makes it try the pattern at
    every position."""
    w = _words()
    names = list(WEEKDAYS) + list(MONTHS) + list(MONTH_ABBREVIATIONS)
    last = {p.split()[-1] for p in w["relative"]} | {"ago"}
    # both cases spelled out: an inline (?i:) group makes the search several times slower
    words = names + sorted(last) + sorted(x.capitalize() for x in last)
    # the words' first characters, tested once before the alternation walks its branches: most
    # word starts ("the", "said") fail here
    first = re.escape("".join(sorted({x[0] for x in words})))
    return re.compile(rf"{_BREAK}(?=[\d{first}])\b(?:{_alt(words)}\b|\d)")


def _anchors(text: str, start: int, end: int):
    """Where a trigger word starts in text[start:end]: at the start of a word only."""
    after_break = _trigger()
    if start == 0 and _match_at_start(after_break, text, end):
        yield 0
    # from the character before start: it may be the one that opens the first word
    for m in after_break.finditer(text, max(start - 1, 0), end):
        yield m.start() + 1


@lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    """Lower-cased words an expression may start with before its trigger word ("late" in "late on Saturday")."""
    w = _words()
    lists = ("day_qualifiers", "weekday_relatives", "month_leads", "part_leads", "month_parts", "month_relatives",
             "numbers", "tens", "relative")
    return frozenset(p.split()[0].lower() for key in lists for p in w[key]) | {"on", "the"}


_WORD = re.compile(r"\b\w+")


@lru_cache(maxsize=1)
def _number_tests() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The grammar takes a number only as a year (an ISO date's too), a day beside its month, or
    the count of an "ago". Three patterns: what may follow from the number on ("2024", "5 June",
    "5 days ago"), a day number, and a month name ending just before the spaces before a day
    ("June 5")."""
    p = _parts()
    own = rf"{p['year']}|(?:19|20)\d\d-|{p['day']}\s+(?:of\s+)?{p['any_month']}|(?i:\d{{1,3}}{p['ago']})"
    month_before = rf"(?:{p['month']}|{_alt(MONTH_ABBREVIATIONS)}\.?)\Z"
    return re.compile(own), re.compile(p["day"]), re.compile(month_before)


def _may_be_in_date(text: str, a: int, end: int) -> bool:
    """False where the number at a (a digit after a non-word character) can be part of no date
    expression in text[:end], so the grammar need not be tried there: most numbers in news are
    counts, sums and shares. A necessary test, never a sufficient one; the month and day of an
    ISO date, after a hyphen, are left to the grammar."""
    if a and text[a - 1] == "-":
        return True
    own, day, month_before = _number_tests()
    if own.match(text, a, end):
        return True
    if not day.match(text, a, end):
        return False
    k = a  # "June 5": the month, then spaces, then the day
    while k and text[k - 1].isspace():
        k -= 1
    return k < a and month_before.search(text, max(k - 10, 0), k) is not None


def _scan(text: str, start: int, end: int):
    """Leftmost, non-overlapping grammar matches that pass _keep, found from the trigger words: the
    grammar is tried at the trigger and at the few words before it that can open an expression."""
    scanner, starters = _scanner(), _starters()
    pos = start
    for a in _anchors(text, start, end):
        if a < pos or (text[a].isdigit() and not _may_be_in_date(text, a, end)):
            continue
        tries = [x.start() for x in _WORD.finditer(text, max(pos, a - 40), a)
                 if x.group()[0].isdigit() or x.group().lower() in starters]
        for i in tries + [a]:
            m = scanner.match(text, i, end)
            if m and m.end() > a and _keep(m.lastgroup, text, m):
                yield m
                pos = m.end()
                break


_PREV_WORD = re.compile(r"([A-Za-z]+)\s+\Z")
_SENTENCE_OPENERS = set(".!?\"“”‘’'(:;—–-\n")
_OPEN_QUOTES = set("\"“‘'")
_CLOSE_QUOTES = set("\"”’'")


def _prev_word(text: str, i: int) -> str:
    m = _PREV_WORD.search(text, max(0, i - 30), i)
    return m.group(1) if m else ""


def _starts_sentence(text: str, i: int) -> bool:
    before = text[max(0, i - 20):i].rstrip()
    return not before or before[-1] in _SENTENCE_OPENERS


def _keep(kind: str, text: str, m: re.Match) -> bool:
    """Reject the matches that are names or numbers, not dates."""
    w = _words()
    expr = m.group()
    if kind == "weekday":
        # "Good Friday", "Super Tuesday": named days, not the weekday dateparser would give
        return _prev_word(text, m.start()) not in w["weekday_names_before"]
    if kind == "month" and expr in MONTHS:
        # a bare month name is a date only in a date context: "since August", not "Long March", "May said"
        return _prev_word(text, m.start()).lower() in w["month_context"]
    if kind == "year" and expr.isdigit():
        return _prev_word(text, m.start()).lower() in w["year_context"]
    if kind == "relative" and expr[0].isupper():
        # "USA Today", ABC's “This Week”, NBC's “Today”: titles, not dates
        if any(word[0].isupper() for word in expr.split()[1:]):
            return False
        opened = text[m.start() - 1:m.start()] in _OPEN_QUOTES
        closed = text[m.end():m.end() + 2].lstrip(",.")[:1] in _CLOSE_QUOTES
        return _starts_sentence(text, m.start()) and not (opened and closed)
    return True


# --- resolution ----------------------------------------------------------------------------------

def _base(article_date: str | None) -> date | None:
    try:
        return date.fromisoformat(article_date[:10]) if article_date else None
    except ValueError:
        return None


def _day_of(core: str, article_date: str | None) -> date | None:
    """A date for "Month D[, YYYY]", "[last|this|next] Weekday": dateparser's answer (settings
    PREFER_DATES_FROM past, RELATIVE_BASE the article date), without dateparser."""
    base = _base(article_date)
    words = core.replace(",", " ").split()
    if words[0] in MONTHS:
        month, day = MONTHS[words[0]], int(words[1])
        if len(words) == 3:
            return date(int(words[2]), month, day)
        if base is None:
            return None
        for year in range(base.year, base.year - 8, -1):  # the latest not after the article (Feb 29 too)
            try:
                d = date(year, month, day)
            except ValueError:
                continue
            if d <= base:
                return d
        return None
    if base is None:
        return None
    relative, name = words if len(words) == 2 else ("", words[0])
    weekday = WEEKDAYS[name]
    ahead = (weekday - base.weekday()) % 7
    if relative == "next":
        return base + timedelta(days=ahead or 7)
    if relative == "this":
        return base + timedelta(days=ahead)
    return base - timedelta(days=(7 - ahead) % 7 or 7)  # "last Monday", or a bare "Monday": gone by


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_month(d: date, months: int) -> str:
    index = d.year * 12 + d.month - 1 + months
    return f"{index // 12}-{index % 12 + 1:02d}"


def _month_number(word: str) -> int:
    word = word.rstrip(".")
    return MONTHS.get(word) or MONTH_ABBREVIATIONS[word]


def _find_month(expr: str) -> int:
    # the month is the only capitalised word made of a month name in any expression the grammar takes
    for word in re.findall(r"[A-Z][a-z]+\.?", expr):
        if word.rstrip(".") in MONTHS or word.rstrip(".") in MONTH_ABBREVIATIONS:
            return _month_number(word)
    raise ValueError(expr)


def _find_year(expr: str) -> int | None:
    m = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", expr)
    return int(m.group()) if m else None


def _resolve_monthday(expr: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    month = _find_month(expr)
    day = int(re.search(r"(?<![\d-])(?:3[01]|[12]\d|0?[1-9])(?!\d)", re.sub(r"(?:19|20)\d\d", "", expr)).group())
    year = _find_year(expr)
    core = f"{MONTH_NAMES[month]} {day}" + (f", {year}" if year else "")
    if year is None and _base(article_date) is None:
        return None, None
    d = _day_of(core, None if year else article_date)
    return (d.isoformat(), "day") if d else (None, None)


def _resolve_weekday(expr: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    w = _words()
    md = re.search(r",?\s+(.*\d.*)$", expr)
    if md:  # "Saturday, April 13": the month-day is the more precise half
        return _resolve_monthday(md.group(1), article_date)
    base = _base(article_date)
    if base is None:
        return None, None
    name = next(n for n in WEEKDAYS if n in expr)
    before = " ".join(expr[:expr.index(name)].lower().split())
    relative = w["weekday_relatives"].get(before)
    if relative:
        d = _day_of(f"{relative} {name}", article_date)
    elif WEEKDAYS[name] == base.weekday():
        # news convention: "on Sunday" in an article dated Sunday is that day (wire copy is written the
        # day it happens; a week-old Sunday would be "last Sunday"); dateparser would go back a week
        d = base
    else:
        d = _day_of(name, article_date)
    return (d.isoformat(), "day") if d else (None, None)


@lru_cache(maxsize=1)
def _month_relatives() -> list[tuple[str, int]]:
    return sorted(_words()["month_relatives"].items(), key=lambda kv: -len(kv[0]))  # "this past" before "this"


def _resolve_month(expr: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    base = _base(article_date)
    if base is None:
        return None, None
    month = _find_month(expr)
    words = " ".join(expr.lower().split())
    shift = next((v for k, v in _month_relatives()
                  if re.search(rf"\b{k}\s+{MONTH_NAMES[month].lower()}\b", words)), None)
    if shift is None:  # like PREFER_DATES_FROM past: the latest such month not after the article's
        year = base.year if month <= base.month else base.year - 1
    elif shift < 0:
        year = base.year if month < base.month else base.year - 1
    elif shift > 0:
        year = base.year if month > base.month else base.year + 1
    else:
        year = base.year
    return f"{year}-{month:02d}", "month"


def _resolve_kind(kind: str, expr: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    w = _words()
    base = _base(article_date)
    if kind == "weekday":
        return _resolve_weekday(expr, article_date)
    if kind == "monthday":
        return _resolve_monthday(expr, article_date)
    if kind == "monthyear":
        return f"{_find_year(expr)}-{_find_month(expr):02d}", "month"
    if kind == "month":
        return _resolve_month(expr, article_date)
    if kind == "iso":
        try:
            return date.fromisoformat(expr.split()[-1]).isoformat(), "day"
        except ValueError:
            return None, None
    if kind == "year":
        return str(_find_year(expr)), "year"
    if base is None:
        return None, None
    if kind == "ago":
        count, unit = expr.lower().split()[:2]
        n = int(count) if count.isdigit() else sum({**w["numbers"], **w["tens"]}[x] for x in count.split("-"))
        unit = unit.rstrip("s")
        offset = -n
    else:  # relative
        words = expr.lower().split()
        phrase = " ".join(words)
        # a qualifier keeps the precision: "late last week" is last week
        unit, offset = w["relative"][phrase if phrase in w["relative"] else " ".join(words[1:])]
    if unit == "day":
        return (base + timedelta(days=offset)).isoformat(), "day"
    if unit == "week":
        return _week(base + timedelta(weeks=offset)), "week"
    if unit == "month":
        return _shift_month(base, offset), "month"
    return str(base.year + offset), "year"


@lru_cache(maxsize=8192)
def resolve_date(expression: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    """The ISO value and precision of one date expression, e.g. ("2024-04-13", "day") for
    "late on Saturday" in an article dated 2024-04-14; (None, None) when it cannot be resolved or is
    not exactly one expression of the grammar find_dates uses."""
    expr = expression.strip().rstrip(".,;:")
    for kind, pattern in _full().items():
        if pattern.fullmatch(expr):
            return _resolve_cached(kind, expr, article_date)
    # no guessing from a longer phrase: "the day after tomorrow" is not tomorrow
    return None, None


# --- finding -------------------------------------------------------------------------------------

def find_dates(text: str, start: int = 0, end: int | None = None, article_date: str | None = None) -> list[DateMention]:
    """Every date expression inside text[start:end], in order and non-overlapping, resolved against
    article_date ("YYYY-MM-DD" or None)."""
    end = len(text) if end is None else end
    out = []
    for m in _scan(text, start, end):
        value, granularity = _resolve_cached(m.lastgroup, m.group(), article_date)
        out.append(DateMention(m.start(), m.end(), m.group(), value, granularity))
    return out


@lru_cache(maxsize=8192)
def _resolve_cached(kind: str, expr: str, article_date: str | None) -> tuple[str | None, Granularity | None]:
    try:
        return _resolve_kind(kind, expr, article_date)
    except (ValueError, KeyError, AttributeError, StopIteration):
        return None, None  # a form the grammar let through but arithmetic cannot place: say nothing


@lru_cache(maxsize=4)
def text_dates(text: str, article_date: str | None = None) -> tuple[tuple[DateMention, ...], list[int]]:
    """find_dates over the whole text, with the mentions' starts for bisection: scanned once
    for a text's claims (utterance dates) and its stored dates (dating.article_dates).
    Keyed by the string itself, whose hash CPython computes once."""
    found = tuple(find_dates(text, 0, len(text), article_date))
    return found, [m.start for m in found]


def _sentence_dates(text: str, start: int, end: int, article_date: str | None) -> tuple[DateMention, ...]:
    """find_dates(text, start, end): the whole text's mentions inside [start, end) (the claims of
    one sentence share them). Where a mention of the whole text crosses either end, the
    sentence alone may hold a shorter one: it is scanned on its own."""
    found, starts = text_dates(text, article_date)
    i, j = bisect_left(starts, start), bisect_left(starts, end)
    if (i and found[i - 1].end > start) or (j > i and found[j - 1].end > end):
        return _scan_alone(text, start, end, article_date)
    return found[i:j]


@lru_cache(maxsize=64)
def _scan_alone(text: str, start: int, end: int, article_date: str | None) -> tuple[DateMention, ...]:
    # the claims of one sentence share it; the cache is only for these few sentences, most
    # take the whole text's mentions (a lookup costs more than the bisection)
    return tuple(find_dates(text, start, end, article_date))


def _fragments(content: Span | list[Span]) -> list[Span]:
    if not content:
        return []
    if isinstance(content, tuple) and len(content) == 2 and isinstance(content[0], int):
        return [content]
    return [tuple(c) for c in content]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@lru_cache(maxsize=1)
def _clause_break() -> re.Pattern:
    return re.compile(rf"\b{_ci(_words()['clause_breaks'])}\b|;")


def utterance_date(text: str, sentence: Span, content: Span | list[Span], cue: Span | None,
                   article_date: str | None, speaker: Span | None = None) -> DateMention | None:
    """The date the statement was made, when the sentence gives one outside the content and the speaker:
    "On Tuesday, X said ...", "X said on July 31 that ...", "X said late on Saturday." The one nearest
    the cue, in the cue's own clause; a date with value None is still returned (known date, unresolved)."""
    mentions = _sentence_dates(text, sentence[0], sentence[1], article_date)
    if not mentions:  # most sentences
        return None
    frags = _fragments(content)
    blocked = frags + ([speaker] if speaker else [])
    anchor = cue or speaker or ((min(f[0] for f in frags), max(f[1] for f in frags)) if frags else None)
    best: tuple[int, int, DateMention] | None = None
    for m in mentions:
        span = (m.start, m.end)
        if any(_overlaps(span, b) for b in blocked):
            continue
        if anchor is not None:
            if _overlaps(span, anchor):
                continue
            after = m.start >= anchor[1]
            lo, hi = (anchor[1], m.start) if after else (m.end, anchor[0])
            # a content fragment between date and cue: the date belongs to another clause
            if any(lo <= f[0] and f[1] <= hi for f in frags):
                continue
            distance = hi - lo
            # when the speaker stands between, the date only has to reach the speaker
            if speaker and lo <= speaker[0] and speaker[1] <= hi:
                lo, hi = (speaker[1], hi) if after else (lo, speaker[0])
            gap = text[lo:hi]
            if _clause_break().search(gap):
                continue
            if after and re.search(r",\s*\w", gap):
                continue  # "said John Kirby, spokesman since 2021": an apposition, not the saying
            if (speaker and not after and speaker[1] <= m.start and m.end <= anchor[0]
                    and re.search(r"\w", text[speaker[1]:m.start])):
                continue  # "Kirby, who took office in 2016, said": a clause about the speaker
        else:
            distance = 0
        if best is None or (distance, m.start) < best[:2]:
            best = (distance, m.start, m)
    return best[2] if best else None


# --- settings ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _setting_pattern() -> re.Pattern:
    """The setting (group 1) after the character before it, as _trigger's pattern, which is how
    find_setting searches."""
    w = _words()
    names = _alt(list(WEEKDAYS) + list(MONTHS) + list(MONTH_ABBREVIATIONS))
    # a capitalised word that is not a date ("in Ankara on Monday" stops before "Monday")
    cap = rf"(?!{names}\b)[A-Z][\w.&’'-]*"
    place = rf"{cap}(?:\s+(?:(?:of|on|for|and|the|de|del|al)\s+)?{cap})*"
    np = rf"(?:(?:(?i:the)\s+)?{place}|{_ci(w['setting_audiences'])}\b)"
    tail = rf"(?:\s+{_alt(w['setting_tail_preps'])}\s+{np})*"
    modifier = rf"(?:(?!{_alt(w['setting_stop'])}\b)[a-z][a-z-]*|{cap})"
    det = _ci(w["setting_determiners"])
    # event nouns are lower-case only: "at the Washington Post" is a newspaper, not a post
    events = (rf"(?:{det}\s+(?:{modifier}\s+){{0,3}}{_alt(w['setting_events'])}s?"
              rf"|(?:{modifier}\s+){{0,2}}{_alt(w['setting_bare_events'])})\b")
    on_events = rf"{det}\s+(?:{modifier}\s+){{0,3}}{_alt(w['setting_on_events'])}s?\b"
    speaking = _ci(w["setting_speaking"])
    # the words a setting can open with, and before them their first letters in either case:
    # most word starts fail the letter, most of the rest the word, in one cheap test before
    # the alternatives below try theirs one by one
    keys = ("setting_speaking", "setting_leads", "setting_addressing")
    openers = {p.split()[0] for key in keys for p in w[key]} | {"on"}
    starts = {p[0].lower() for p in openers}
    first = re.escape("".join(sorted(starts | {c.upper() for c in starts})))
    # the shared ends written once ("(?:a t|b t)" as "(?:a|b)t": the same matches, tried in the
    # same order), which halves the pattern and its compile time
    setting = (rf"(?=[{first}])(?={_ci(openers)}\s)\b(?:(?:{speaking}\s+)?{_ci(w['setting_leads'])}\s+{events}"
               rf"|(?:{speaking}\s+)?(?i:on)\s+{on_events}"
               rf"|(?:{speaking}\s+{_ci(w['setting_speaking_preps'])}|{_ci(w['setting_addressing'])})\s+{np}"
               rf"){tail}")
    return re.compile(rf"{_BREAK}({setting})")


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1] in " \t\n,;:!?)\"”’'":
        end -= 1
    phrase = text[start:end]
    if phrase.endswith((".",)) and "." not in phrase.split()[-1][:-1]:
        end -= 1  # "in Istanbul." loses the full stop; "in the U.S." keeps it
    m = re.search(r"['’]s\Z", text[start:end])
    if m:
        end -= 2  # "with Trump's" ends on the name
    return start, end


def find_setting(text: str, sentence: Span, content: Span | list[Span]) -> Span | None:
    """Where it was said, when the sentence gives it outside the content: "during a press conference in
    Istanbul", "in an interview with CNN", "speaking at the UN General Assembly", "in a statement".
    Character offsets of the first such phrase, from its preposition to the end of its place or name."""
    frags = sorted(f for f in _fragments(content) if _overlaps(f, sentence))
    # scan only the stretches between content fragments, so that no setting reaches into a quote
    segments, pos = [], sentence[0]
    for f0, f1 in frags:
        if f0 > pos:
            segments.append((pos, f0))
        pos = max(pos, f1)
    if pos < sentence[1]:
        segments.append((pos, sentence[1]))
    after_break = _setting_pattern()
    for s0, s1 in segments:
        # a setting starts at a word: at the start of the text, or after a break character
        # (from the one before s0)
        if s0 == 0:
            m = _match_at_start(after_break, text, s1)
            if m:
                return _trim(text, m.start(1) - 1, m.end(1) - 1)
        m = after_break.search(text, max(s0 - 1, 0), s1)
        if m:
            return _trim(text, m.start(1), m.end(1))
    return None
