"""A claim as a ready citation: the words, who said them in what role, where and when."""
from __future__ import annotations

UNKNOWN_OUTLET = "outlet unknown"
UNDATED = "date unknown"


def cite(claim: dict, link: str | None = None) -> str:
    """One paragraph a reporter can paste. Direct and mixed claims keep the article's own
    quotation marks; reported speech says it is not verbatim. Unknowns are said, not hidden."""
    words = " ".join(claim["content_text"].split())
    who = claim.get("speaker") or "Unattributed"
    if claim.get("speaker_role"):
        who = f"{who}, {claim['speaker_role']}"
    if claim.get("kind") == "direct":
        said = f"“{words.strip(chr(34) + '“”')}” — {who}"
    elif claim.get("kind") == "mixed":
        said = f"{who}, {claim.get('cue_text') or 'said'}: {words}"
    else:
        said = f"{who}, {claim.get('cue_text') or 'said'} (reported speech, not verbatim): {words}"
    when = claim.get("utterance_date")
    if when and when != claim.get("date"):
        said += f" [said {when}]"
    title = f"“{claim['article_title']}”" if claim.get("article_title") else f"untitled article {claim['article_id']}"
    source = f"{claim.get('outlet') or UNKNOWN_OUTLET}, {claim.get('date') or UNDATED}, {title}"
    parts = [said + ".", f"Source: {source}" + (f", {claim['article_url']}" if claim.get("article_url") else "") + "."]
    if link:
        parts.append(f"Ledger: {link}")
    return " ".join(parts)
