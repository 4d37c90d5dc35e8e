"""Metadata lines at the top and bottom of plain-text articles (` date 2024-04-14 …`,
`SOURCE:…`, a dateline, a headline first line)."""
from __future__ import annotations

import re
from datetime import date, datetime

DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.I)
SOURCE_LINE = re.compile(r"^\s*SOURCE\s*:\s*(.+?)\s*$")
MONTH_DATE = re.compile(
    r"^\s*(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s+(\d{4})\s*$")
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# A headline is short and does not end like a sentence.
HEADLINE_MAX = 200


def parse_txt_metadata(text: str) -> dict:
    meta: dict = {"title": None, "date": None, "outlet": None}
    lines = text.splitlines()
    for line in lines:
        if meta["date"] is None and (m := DATE_LINE.match(line) or MONTH_DATE.match(line)):
            meta["date"] = normalise_date(line.strip() if m.re is MONTH_DATE else m.group(1))
        if meta["outlet"] is None and (m := SOURCE_LINE.match(line)):
            meta["outlet"] = m.group(1)
    content = [line.strip() for line in lines if line.strip() and not is_metadata_line(line)]
    if len(content) > 1 and is_headline(content[0]):
        meta["title"] = content[0]
    return meta


def is_metadata_line(line: str) -> bool:
    return bool(DATE_LINE.match(line) or SOURCE_LINE.match(line) or MONTH_DATE.match(line))


def is_headline(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= HEADLINE_MAX and line[-1] not in ".!?\"”'’:»“›"


def normalise_date(value) -> str | None:
    """An ISO date (YYYY-MM-DD) or None: a date we cannot read is left unknown, never guessed."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    value = str(value).strip()
    if m := ISO_DATE.match(value):
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            return None
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            pass
    return None
