"""Claims as schema.org `Quotation` items (JSON-LD), for tools that read linked data."""
from __future__ import annotations

import json
from typing import IO, Iterable

CONTEXT = "https://schema.org"
URN = "urn:ledger:"
SPEAKER_TYPES = {"person": "Person", "organization": "Organization"}


def quotation(row: dict) -> dict:
    """One claim row (with article_title/article_url) → a Quotation."""
    item: dict = {
        "@type": "Quotation",
        "@id": f"{URN}claim:{row['id']}",
        "text": row["content_text"],
        "isPartOf": _article(row),
        "additionalProperty": [
            {"@type": "PropertyValue", "name": name, "value": row[key]}
            for name, key in (("cue", "cue_text"), ("kind", "kind"), ("stance", "stance"),
                              ("contentStart", "content_start"), ("contentEnd", "content_end"))
            if row.get(key) is not None],
    }
    # dateCreated is a Date: a week or month of utterance ("last week") is not one
    said = row.get("utterance_date")
    when = said if said and len(said) == 10 else row.get("date")
    if when:
        item["dateCreated"] = when
    if row.get("speaker"):
        who = {"@type": SPEAKER_TYPES.get(row.get("speaker_type"), "Thing"), "name": row["speaker"]}
        if row.get("speaker_id"):
            who["@id"] = f"{URN}speaker:{row['speaker_id']}"
        if row.get("speaker_role") and who["@type"] == "Person":
            who["jobTitle"] = row["speaker_role"]
        item["creator"] = who
        if who["@type"] == "Person":  # schema.org gives spokenByCharacter a Person only
            item["spokenByCharacter"] = who
    if row.get("setting_text"):
        item["locationCreated"] = {"@type": "Place", "description": row["setting_text"]}
    return item


def _article(row: dict) -> dict:
    article: dict = {"@type": "NewsArticle", "@id": row.get("article_url") or f"{URN}article:{row['article_id']}",
                     "identifier": row["article_id"]}
    if row.get("article_title"):
        article["headline"] = row["article_title"]
    if row.get("article_url"):
        article["url"] = row["article_url"]
    if row.get("date"):
        article["datePublished"] = row["date"]
    if row.get("outlet"):
        article["publisher"] = {"@type": "Organization", "name": row["outlet"]}
    return article


def write_jsonld(rows: Iterable[dict], out: IO[str]) -> int:
    graph = [quotation(row) for row in rows]
    json.dump({"@context": CONTEXT, "@graph": graph}, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(graph)
