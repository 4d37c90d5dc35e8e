"""Dates for the ledger: each claim's utterance date and setting, and every date expression
in an article with its role (when a claim was made, inside a claim's words, elsewhere)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date

from ..models import Article, Claim, DateMention, Span, span_fields
from .dates import find_setting, text_dates, utterance_date


def _parts(span: Span) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in span.fragments] if span.fragments else [(span.start, span.end)]


def first_day(value: str | None) -> str | None:
    """2024-04-13 → itself; 2024-W15 → its Monday; 2024-04 → 2024-04-01; 2024 → 2024-01-01."""
    if not value:
        return None
    if "-W" in value:
        year, week = value.split("-W")
        return date.fromisocalendar(int(year), int(week), 1).isoformat()
    return (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]


def claim_dates(text: str, sentence: tuple[int, int], content: list[tuple[int, int]],
                cue: tuple[int, int] | None, speaker: tuple[int, int] | None, article_date: str | None) -> dict:
    """A claim's utterance date and setting, as Claim fields (spans as plain dicts), where its
    sentence gives them: from the offsets alone, so the Claim is built and validated once."""
    fields: dict = {}
    when = utterance_date(text, sentence, content, cue, article_date, speaker)
    if when is not None:
        fields["utterance_date"] = when.value
        fields["utterance_date_first_day"] = first_day(when.value)
        fields["utterance_date_mention"] = span_fields(text, when.start, when.end)
    where = find_setting(text, sentence, content)
    if where is not None:
        fields["setting"] = span_fields(text, *where)
    return fields


def article_dates(article: Article, claims: list[Claim]) -> list[DateMention]:
    return [DateMention(article_id=article.id, mention=span_fields(article.text, m.start, m.end),
                        value=m.value, granularity=m.granularity, claim_id=claim_id, role=role)
            for m, claim_id, role in date_roles(article, claims)]


def date_roles(article: Article, claims: list[Claim]):
    """Every date expression in the article (dates.DateMention, whose text, start and end are
    its mention's) with the claim it dates or sits in, if any, and its role."""
    uttered = {(c.utterance_date_mention.start, c.utterance_date_mention.end): c.id
               for c in claims if c.utterance_date_mention}
    holders = None  # built at the first date no claim was made on (many articles have none)
    for m in text_dates(article.text, article.date)[0]:
        claim_id, role = uttered.get((m.start, m.end)), "utterance"
        if claim_id is None:
            role = "article"
            if holders is None:
                holders = _Holders(claims)
            k = holders.first(m.start, m.end)
            if k is not None:
                claim_id, role = claims[k].id, "content"
        yield m, claim_id, role


class _Holders:
    """The claims' content parts by start, to find the first claim (in list order) whose
    content holds a date without testing every claim for every date (quadratic in a long text)."""

    def __init__(self, claims: list[Claim]):
        self.parts = sorted((s, e, k) for k, c in enumerate(claims) for s, e in _parts(c.content))
        self.starts = [s for s, _, _ in self.parts]
        self.longest = max((e - s for s, e, _ in self.parts), default=0)

    def first(self, start: int, end: int) -> int | None:
        # only a part starting at most `longest` before the date can hold it
        lo, hi = bisect_left(self.starts, start - self.longest), bisect_right(self.starts, start)
        return min((k for _, e, k in self.parts[lo:hi] if end <= e), default=None)
