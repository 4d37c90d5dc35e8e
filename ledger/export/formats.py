"""Claim rows → CSV, JSON (the claim schema) or Markdown grouped by speaker."""
from __future__ import annotations

import csv
import json
from typing import IO, Iterable

from ..models import Claim
from .jsonld import write_jsonld
from ..store.schema import TABLES, from_row

# CSV columns: the claims table (itself derived from Claim) plus where each claim is from.
CSV_FIELDS = [*TABLES["claims"].columns, "article_title", "article_url"]
NO_SPEAKER = "(no speaker)"


def write_csv(rows: Iterable[dict], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
    return n


def write_json(rows: Iterable[dict], out: IO[str]) -> int:
    """A JSON array of claims exactly in the Claim schema, like `ledger extract --jsonl`."""
    claims = [from_row(Claim, row).model_dump(mode="json") for row in rows]
    json.dump(claims, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(claims)


def write_markdown(rows: Iterable[dict], out: IO[str], group_by: str = "speaker") -> int:
    """By speaker: one section per speaker (most quoted first). By cluster: one section per
    statement reported in several articles, first appearance first, with each version's
    word diff. Every quote carries its outlet, date and article."""
    if group_by == "cluster":
        return _markdown_clusters(rows, out)
    groups: dict[str, list[dict]] = {}
    for row in rows:  # rows arrive in reading order, and stay in it within a speaker
        groups.setdefault(row.get("speaker") or NO_SPEAKER, []).append(row)
    ordered = sorted(groups.items(), key=lambda g: (g[0] == NO_SPEAKER, -len(g[1]), g[0].lower()))
    out.write("# Claims\n")
    for name, items in ordered:
        out.write(f"\n## {name} ({len(items)})\n\n")
        for row in items:
            out.write(f"- {_quote(row)} — {_source(row)}\n")
    return sum(len(items) for items in groups.values())


def _markdown_clusters(rows: Iterable[dict], out: IO[str]) -> int:
    clusters: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("cluster_id"):
            clusters.setdefault(row["cluster_id"], []).append(row)
    out.write("# Claims reported in several articles\n")
    n = 0
    for items in clusters.values():
        # first appearance first, then by date (undated last)
        items.sort(key=lambda r: (not r.get("cluster_first"), r.get("date") is None, r.get("date") or ""))
        first = items[0]
        out.write(f"\n## {first.get('speaker') or NO_SPEAKER}: {_short(first['content_text'])}\n\n")
        for row in items:
            mark = "first reported" if row.get("cluster_first") else "also"
            who = "" if row.get("speaker") == first.get("speaker") else f" [attributed to {row.get('speaker') or NO_SPEAKER}]"
            out.write(f"- {mark}: {_quote(row)}{who} — {_source(row)}\n")
            diff = row.get("cluster_diff") or ""
            if "[-" in diff or "{+" in diff:  # a diff with no change says nothing
                out.write(f"  - words: {row['cluster_diff']}\n")
            n += 1
    return n


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def _quote(row: dict) -> str:
    # the article's own words and marks, only line breaks folded: a report quotes what was read
    quote = " ".join(row["content_text"].split())
    cue = row.get("cue_text")
    return f"{quote} ({cue})" if cue else quote


def _source(row: dict) -> str:
    article = row.get("article_title") or row["article_id"]
    if row.get("article_url"):
        article = f"[{article}]({row['article_url']})"
    else:
        article = f"*{article}*"
    where = [part for part in (row.get("outlet"), row.get("date")) if part]
    return ", ".join([*where, article])


FORMATS = {"csv": write_csv, "json": write_json, "jsonld": write_jsonld, "markdown": write_markdown}
