"""Speaker rows from claims: one per speaker id, with every alias and role seen."""
from __future__ import annotations

from typing import Iterable

from ..models import Claim, Speaker
from .pronouns import is_pronoun


def build_speakers(claims: Iterable[Claim]) -> list[Speaker]:
    speakers: dict[str, Speaker] = {}
    for c in claims:
        if not c.speaker_id:
            continue
        # every speaker_id gets a row, so a claim's foreign key always resolves
        sp = speakers.setdefault(c.speaker_id, Speaker(id=c.speaker_id, name=c.speaker or c.speaker_id,
                                                       type=c.speaker_type))
        for alias in (c.speaker, c.speaker_mention.text if c.speaker_mention else None):
            if alias and not is_pronoun(alias) and alias not in sp.aliases:
                sp.aliases.append(alias)
        if c.speaker_role and c.speaker_role not in sp.roles:
            sp.roles.append(c.speaker_role)
    return list(speakers.values())
