"""Dates and settings in article text: exact offsets, values resolved against the article date."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest

from ledger.resolve import dates
from ledger.resolve.dates import DateMention, find_dates, find_setting, resolve_date, utterance_date

TRT = ("Iran's Revolutionary Guard Corps launched a barrage of drones and missiles at Israel late on Saturday "
       "in response to the April 1 attack on the Iranian consulate in Damascus.")
KIRBY = "On Tuesday, Kirby said that Iran could strike this week."


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """The offsets of the nth occurrence of part in text."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(part, i + 1)
    return i, i + len(part)


def found(text: str, article_date: str | None) -> list[tuple[str, str | None, str | None]]:
    mentions = find_dates(text, article_date=article_date)
    for m in mentions:
        assert text[m.start:m.end] == m.text
    return [(m.text, m.value, m.granularity) for m in mentions]


# 2024-04-14 is a Sunday
FIND_CASES = [
    (TRT, "2024-04-14", [("late on Saturday", "2024-04-13", "day"), ("April 1", "2024-04-01", "day")]),
    (KIRBY, "2024-04-14", [("On Tuesday", "2024-04-09", "day"), ("this week", "2024-W15", "week")]),
    ("The talks were held on July 31 and resumed on Aug. 5, 2024, in Doha.", "2024-08-10",
     [("on July 31", "2024-07-31", "day"), ("on Aug. 5, 2024", "2024-08-05", "day")]),
    ("The accord, signed 31 July 2024, took effect in April 2025.", None,
     [("31 July 2024", "2024-07-31", "day"), ("in April 2025", "2025-04", "month")]),
    ("The ministry said earlier this month that exports fell last month and would recover next week.", "2024-04-14",
     [("earlier this month", "2024-04", "month"), ("last month", "2024-03", "month"),
      ("next week", "2024-W16", "week")]),
    ("The envoy arrived yesterday, met officials today and leaves tonight.", "2024-04-14",
     [("yesterday", "2024-04-13", "day"), ("today", "2024-04-14", "day"), ("tonight", "2024-04-14", "day")]),
    ("In 2016, the group moved to Beirut, and it has operated there since 2019.", None,
     [("In 2016", "2016", "year"), ("2019", "2019", "year")]),
    ("The vote was held in August; the count ended at the beginning of August.", "2024-04-14",
     [("in August", "2023-08", "month"), ("at the beginning of August", "2023-08", "month")]),
    ("The vote was held in August; the count ended at the beginning of August.", "2024-09-01",
     [("in August", "2024-08", "month"), ("at the beginning of August", "2024-08", "month")]),
    ("Talks resumed on Monday morning after a pause last Friday; envoys meet this Sunday, as they did Tuesday night.",
     "2024-04-14",
     [("on Monday morning", "2024-04-08", "day"), ("last Friday", "2024-04-12", "day"),
      ("this Sunday", "2024-04-14", "day"), ("Tuesday night", "2024-04-09", "day")]),
    ("Shelling resumed early Tuesday and stopped late last week, officials said.", "2024-04-14",
     [("early Tuesday", "2024-04-09", "day"), ("late last week", "2024-W14", "week")]),
    ("The filing, dated 2024-04-14, was released on Saturday, April 13.", "2024-04-20",
     [("2024-04-14", "2024-04-14", "day"), ("on Saturday, April 13", "2024-04-13", "day")]),
    ("The plant closed two weeks ago; it opened Twenty-five years ago, in mid-April.", "2024-04-14",
     [("two weeks ago", "2024-W13", "week"), ("Twenty-five years ago", "1999", "year"),
      ("in mid-April", "2024-04", "month")]),
    ("Ankara wants a deal by the end of 2025, and talks may run until May.", "2024-06-01",
     [("the end of 2025", "2025", "year"), ("May", "2024-05", "month")]),
    ("The attack on Sept. 11, 2001 changed the region.", None, [("on Sept. 11, 2001", "2001-09-11", "day")]),
]


@pytest.mark.parametrize("text,article_date,expected", FIND_CASES)
def test_find_dates(text, article_date, expected):
    assert found(text, article_date) == expected


def test_the_required_trt_mention_exactly():
    assert find_dates(TRT, article_date="2024-04-14")[0] == DateMention(
        start=TRT.index("late on Saturday"), end=TRT.index("late on Saturday") + len("late on Saturday"),
        text="late on Saturday", value="2024-04-13", granularity="day")


def test_no_article_date_no_guessing():
    # a relative or year-less expression stays unresolved; one with its own year does not need the article
    assert found(TRT, None) == [("late on Saturday", None, None), ("April 1", None, None)]
    assert found(KIRBY, None) == [("On Tuesday", None, None), ("this week", None, None)]
    text = "Envoys met yesterday, on July 31, and on July 31, 2024, and in August, and in 2016."
    assert found(text, None) == [("yesterday", None, None), ("on July 31", None, None),
                                 ("on July 31, 2024", "2024-07-31", "day"), ("in August", None, None),
                                 ("in 2016", "2016", "year")]


@pytest.mark.parametrize("text", [
    "Iran launched 300 drones and 1,000 missiles at 2024 targets.",
    "Iran may strike, officials warned.",
    "Thousands joined a protest march in the capital.",
    "The Sun reported the story first, and the Wed. edition followed.",
    # a show, a newspaper, a peace accord: names, not dates
    "He hosted Saturday Night Live twice and wrote for the Sunday Times.",
    "The Good Friday Agreement ended the conflict.",
    # named days ("Good Friday", "Super Tuesday") are not the weekday dateparser would give: not found
    "Pilgrims marked Good Friday quietly before Super Tuesday.",
    "USA Today and ABC's “This Week” covered the story, as did NBC’s “Today” programme.",
    "May said the talks would continue in May's cabinet room.",
    "The veterans of the Long March were honoured.",
    "1 Donald Trump. 2 Ted Cruz. 3 Marco Rubio.",
    # a year is only a date after in/since/by/of/...: "the 2016 election" names an election
    "The 2016 election changed everything, and room 2019 was booked.",
    "The drones flew at 10:30 on a heading of 270 degrees, up 20% on the month.",
])
def test_no_dates(text):
    assert find_dates(text, article_date="2024-04-14") == []


def test_trigger_scan_finds_what_the_full_grammar_finds():
    # find_dates only tries the grammar near trigger words; a word list edited without its trigger or
    # starter would silently lose expressions that a plain scan of the whole text finds
    text = " ".join(case[0] for case in FIND_CASES) + " Twenty-five years ago; at the end of May; this past Friday."
    fast = [(m.start(), m.end()) for m in dates._scan(text, 0, len(text))]
    full = [(m.start(), m.end()) for m in dates._scanner().finditer(text) if dates._keep(m.lastgroup, text, m)]
    assert fast == full and len(fast) > 30


def test_find_dates_window_keeps_full_text_offsets():
    text = "It began on Friday. " + KIRBY
    start = text.index("On Tuesday")
    mentions = find_dates(text, start, article_date="2024-04-14")
    assert [m.text for m in mentions] == ["On Tuesday", "this week"]
    assert mentions[0].start == start and text[mentions[1].start:mentions[1].end] == "this week"
    assert [m.text for m in find_dates(text, 0, start, "2024-04-14")] == ["on Friday"]


@pytest.mark.parametrize("expression,article_date,expected", [
    ("late on Saturday", "2024-04-14", ("2024-04-13", "day")),
    ("On Tuesday", "2024-04-14", ("2024-04-09", "day")),
    # same-weekday rule: "on Sunday" in an article dated Sunday is that Sunday, not a week before
    ("on Sunday", "2024-04-14", ("2024-04-14", "day")),
    ("Sunday", "2024-04-14", ("2024-04-14", "day")),
    ("last Sunday", "2024-04-14", ("2024-04-07", "day")),
    ("last Friday", "2024-04-12", ("2024-04-05", "day")),
    ("April 14", "2024-04-14", ("2024-04-14", "day")),
    ("July 31", "2024-04-14", ("2023-07-31", "day")),  # like dateparser's PREFER_DATES_FROM past
    ("in 2016", None, ("2016", "year")),
    ("2024-04-14", None, ("2024-04-14", "day")),
    ("this week", None, (None, None)),
    ("yesterday", None, (None, None)),
    ("Saturday", None, (None, None)),
    ("last week", "2024-01-03", ("2023-W52", "week")),  # ISO weeks cross the year
    ("this week", "2024-12-30", ("2025-W01", "week")),
    ("last month", "2024-01-15", ("2023-12", "month")),
    ("in August", "2024-08-20", ("2024-08", "month")),
    ("last August", "2024-08-20", ("2023-08", "month")),
    ("next August", "2024-08-20", ("2025-08", "month")),
    ("February 30, 2024", None, (None, None)),  # fails to parse: nothing
    ("2024-02-30", "2024-04-14", (None, None)),
    ("the day after tomorrow", "2024-04-14", (None, None)),  # not "tomorrow": no guessing from a longer phrase
    ("soon", "2024-04-14", (None, None)),
    ("July 31", "not a date", (None, None)),
])
def test_resolve_date(expression, article_date, expected):
    assert resolve_date(expression, article_date) == expected


def test_calendar_arithmetic_agrees_with_dateparser():
    """_day_of replaces dateparser (~1000x faster); dateparser stays the oracle: every weekday
    (bare, last, this, next) and month-day, against article dates over more than a year."""
    import dateparser

    def oracle(core, article_date):
        base = date.fromisoformat(article_date)
        parsed = dateparser.parse(core, languages=["en"], settings={
            "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
            "RELATIVE_BASE": datetime(base.year, base.month, base.day)})
        return parsed.date() if parsed else None

    cores = [f"{r} {w}".strip() for r in ("", "last", "this", "next") for w in calendar.day_name]
    cores += [f"{m} {d}" for m in calendar.month_name[1:] for d in (1, 13, 29, 30, 31)
              if d <= calendar.monthrange(2024, list(calendar.month_name).index(m))[1]]
    cores += ["February 29, 2024", "April 13, 2019"]
    checked = 0
    for offset in range(0, 400, 9):
        article_date = (date(2023, 12, 20) + timedelta(days=offset)).isoformat()
        for core in cores:
            if core in calendar.day_name and date.fromisoformat(article_date).strftime("%A") == core:
                continue  # a bare weekday on its own day is the article's day (news convention), not dateparser's
            assert dates._day_of(core, article_date) == oracle(core, article_date), (core, article_date)
            checked += 1
    assert checked > 3500  # the loop really ran over every date and form


# --- utterance dates -------------------------------------------------------------------------------

def utter(text, content, cue, article_date="2024-04-14", speaker=None, nth_cue=0):
    frags = [span(text, c) for c in content] if isinstance(content, list) else span(text, content)
    return utterance_date(text, (0, len(text)), frags, span(text, cue, nth_cue), article_date,
                          span(text, speaker) if speaker else None)


def test_utterance_date_before_the_subject():
    m = utter(KIRBY, "Iran could strike this week", "said", speaker="Kirby")
    assert (m.text, m.value, m.granularity) == ("On Tuesday", "2024-04-09", "day")
    assert KIRBY[m.start:m.end] == "On Tuesday"


def test_utterance_date_after_the_cue():
    text = "Kirby said on July 31 that Iran could strike."
    m = utter(text, "Iran could strike", "said", "2024-08-02", speaker="Kirby")
    assert (m.text, m.value) == ("on July 31", "2024-07-31")


def test_utterance_date_at_the_end_of_the_sentence():
    text = "“We will respond,” the commander said late on Saturday."
    m = utter(text, "We will respond,", "said", speaker="the commander")
    assert (m.text, m.value) == ("late on Saturday", "2024-04-13")


def test_utterance_date_not_inside_content():
    text = "Kirby said Iran could strike on Monday."
    assert utter(text, "Iran could strike on Monday", "said", speaker="Kirby") is None


def test_utterance_date_with_a_split_quote():
    text = "“We are ready,” Fidan said on Monday, “and we will mediate next week.”"
    m = utter(text, ["We are ready,", "and we will mediate next week."], "said", speaker="Fidan")
    assert (m.text, m.value) == ("on Monday", "2024-04-08")


def test_utterance_date_not_across_the_content():
    text = "The talks collapsed last week: “We will not return,” the envoy said."
    assert utter(text, "We will not return,", "said", speaker="the envoy") is None


def test_utterance_date_not_from_another_clause():
    text = "Iran attacked on Saturday, and on Sunday Kirby said that talks would go on."
    m = utter(text, "talks would go on", "said", speaker="Kirby")
    assert (m.text, m.value) == ("on Sunday", "2024-04-14")
    text = "Iran struck on Saturday and Kirby said that talks would go on."
    assert utter(text, "talks would go on", "said", speaker="Kirby") is None
    text = "“We are ready,” Kirby said, adding that talks would resume on Monday."
    assert utter(text, "We are ready,", "said", speaker="Kirby") is None


def test_utterance_date_not_about_the_speaker():
    text = "Kirby, who took office in 2016, said Iran could strike."
    assert utter(text, "Iran could strike", "said", speaker="Kirby") is None
    text = "“Iran could strike,” said John Kirby, a spokesman since 2021."
    assert utter(text, "Iran could strike,", "said", speaker="John Kirby") is None
    text = "Kirby on Tuesday said Iran could strike."
    assert utter(text, "Iran could strike", "said", speaker="Kirby").text == "on Tuesday"


def test_utterance_date_nearest_the_cue():
    text = "Late on Friday, Kirby told CNN on Saturday that Iran could strike."
    m = utter(text, "Iran could strike", "told", speaker="Kirby")
    assert (m.text, m.value) == ("on Saturday", "2024-04-13")


def test_utterance_date_without_article_date_is_found_but_unresolved():
    m = utter(KIRBY, "Iran could strike this week", "said", article_date=None, speaker="Kirby")
    assert (m.text, m.value, m.granularity) == ("On Tuesday", None, None)


# --- settings --------------------------------------------------------------------------------------

FLAKE = ("Flake, whose term as the US Ambassador to Turkey is ending soon, said during a press conference in "
         "Istanbul, \"We want Iran to lower the tension.\"")


@pytest.mark.parametrize("text,content,expected", [
    (FLAKE, "We want Iran to lower the tension.", "during a press conference in Istanbul"),
    ("Kirby said at a news conference in Ankara on Monday that talks would go on.", "talks would go on",
     "at a news conference in Ankara"),
    ("“We will respond,” Erdogan said in an interview with CNN.", "We will respond,", "in an interview with CNN"),
    ("Speaking at the UN General Assembly, Erdogan said Turkey was ready.", "Turkey was ready",
     "Speaking at the UN General Assembly"),
    ("“Enough,” he said in a speech to parliament.", "Enough,", "in a speech to parliament"),
    ("Biden said at a rally in Ohio that jobs were back.", "jobs were back", "at a rally in Ohio"),
    ("“No,” she said at a briefing.", "No,", "at a briefing"),
    ("The ministry said in a statement that the strike was legal.", "the strike was legal", "in a statement"),
    ("“We want peace,” Flake said during a visit to Istanbul.", "We want peace,", "during a visit to Istanbul"),
    ("He said in a speech in the U.S. that trade would grow.", "trade would grow", "in a speech in the U.S."),
    ("“We are ready,” Fidan said in a televised address, “and we will mediate.”",
     ["We are ready,", "and we will mediate."], "in a televised address"),
    # inside the content, or no event at all: no setting
    ("He said the statement at the meeting in Paris was false.", "the statement at the meeting in Paris was false",
     None),
    ("“I said at a rally in Ohio that we would win,” Trump said.", "I said at a rally in Ohio that we would win,",
     None),
    ("Iran, in a show of force, said it was ready.", "it was ready", None),
    ("“It is over,” a spokesman told reporters at the Washington Post.", "It is over,", None),
])
def test_find_setting(text, content, expected):
    frags = [span(text, c) for c in content] if isinstance(content, list) else span(text, content)
    got = find_setting(text, (0, len(text)), frags)
    assert (text[got[0]:got[1]] if got else None) == expected


def test_find_setting_offsets_are_in_the_full_text():
    text = "Earlier, talks stalled. " + FLAKE
    sentence = (text.index("Flake"), len(text))
    got = find_setting(text, sentence, span(text, "We want Iran to lower the tension."))
    assert got == span(text, "during a press conference in Istanbul")
