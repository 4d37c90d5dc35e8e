"""An article's own speakers, from its claims: one per speaker id, with every alias and role."""
from __future__ import annotations

from typing import Iterable

from ..models import Claim, Speaker
from .pronouns import is_pronoun

TITLE_MAX_WORDS = 3


def build_speakers(claims: Iterable[Claim]) -> list[Speaker]:
    return [Speaker(**fields) for fields in speaker_fields(claims)]


def speaker_fields(claims: Iterable[Claim]) -> list[dict]:
    """build_speakers' speakers as their fields, in a plain dict each: what `prepare` stores,
    without validating models whose every value comes from validated claims."""
    speakers: dict[str, dict] = {}
    for c in claims:
        if not c.speaker_id:
            continue
        # every speaker_id gets a row, so a claim's foreign key always resolves (named and
        # typed by the speaker's first claim)
        sp = speakers.get(c.speaker_id)
        if sp is None:
            sp = speakers[c.speaker_id] = {"id": c.speaker_id, "name": c.speaker or c.speaker_id,
                                           "type": c.speaker_type, "aliases": [], "roles": []}
        aliases = sp["aliases"]
        for alias in (c.speaker, c.speaker_mention.text if c.speaker_mention else None, _titled(c)):
            if alias and alias not in aliases and not is_pronoun(alias):
                aliases.append(alias)
        if c.speaker_role and c.speaker_role not in sp["roles"]:
            sp["roles"].append(c.speaker_role)
    return list(speakers.values())


def _titled(c: Claim) -> str | None:
    """"Ambassador Flake": the mention with a short title written right before it, as one alias
    (a long role before a full name is a description, not a way of naming them)."""
    m, role, sent = c.speaker_mention, c.speaker_role, c.sentence
    if not (m and role) or len(role.split()) > TITLE_MAX_WORDS or not sent.start <= m.start <= sent.end:
        return None
    before = sent.text[:m.start - sent.start]
    return f"{role} {m.text}" if before.endswith(role + " ") else None
