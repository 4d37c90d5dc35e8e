"""A processed Doc → `Claim` models, with every offset checked against the text."""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from spacy.tokens import Doc

from ..models import Article, Claim, span_fields
from ..resolve.dating import claim_dates
from ..resolve.ids import speaker_id
from ..resolve.names import HONORIFICS, fold
from ..resolve.stance import stance
from .spans import Attribution

CONFIDENCE = {"direct-head": 0.9, "direct-tail": 0.9, "according": 0.8, "head": 0.75, "tail": 0.7,
              "participle": 0.7, "preposed": 0.6, "passive": 0.5,
              "impersonal": 0.4, "transcript": 0.8}


@lru_cache(maxsize=4096)
def _honorific(role: str) -> bool:
    return fold(role) in HONORIFICS


def _kind(att: Attribution, quotes: list[tuple[int, int]], quote_ends: list[int]) -> str:
    inside = 0
    total = 0
    for s, e in att.fragments:
        total += e - s
        # quotations are sorted and disjoint: only those from the first one ending after s,
        # up to the last one starting before e, overlap the fragment
        q = bisect_right(quote_ends, s)
        while q < len(quotes) and quotes[q][0] < e:
            qs, qe = quotes[q]
            inside += max(0, min(e, qe) - max(s, qs))
            q += 1
    if inside == 0:
        return "indirect"
    return "direct" if inside >= total else "mixed"


@lru_cache(maxsize=None)
def _confidence(pattern: str, unresolved: bool) -> float:
    """A pattern's confidence, less when the speaker is named but not resolved to an entity:
    a few values in all, computed (and rounded) once each rather than once per claim."""
    return round(max(0.05, CONFIDENCE.get(pattern, 0.6) - (0.15 if unresolved else 0)), 2)


def doc_to_claims(doc: Doc, article: Article) -> list[Claim]:
    t = doc._.toks
    text, starts, ends, quotes = t.text, t.start, t.end, t.quotes
    quote_ends = [qe for _, qe in quotes]
    article_id, article_date = article.id, article.date
    claims = []
    for att, (who, to) in zip(doc._.attributions, doc._.speakers):
        s, e = att.start, att.end
        content = span_fields(text, s, e)
        parts = [(s, e)]
        if len(att.fragments) > 1:
            content["fragments"] = [span_fields(text, fs, fe) for fs, fe in att.fragments]
            parts = list(att.fragments)
        cue = (starts[att.cue[0]], ends[att.cue[1] - 1]) if att.cue else None
        sa, sb = att.sent
        sentence = (starts[sa], ends[sb - 1])
        ent = who.entity if who else None
        lemma = att.cue_info.lemma if att.cue_info else None
        fields = {
            "id": Claim.make_id(article_id, s, e),
            "article_id": article_id,
            "kind": _kind(att, quotes, quote_ends),
            "content": content,
            "cue": span_fields(text, *cue) if cue else None,
            "cue_lemma": lemma,
            "stance": stance(lemma) if lemma is not None else None,
            "speaker": ent.name if ent else (who.text if who else None),
            "speaker_id": speaker_id(ent.name if ent else who.text) if who else None,
            "speaker_mention": span_fields(text, who.start, who.end) if who else None,
            "speaker_type": ent.type if ent else "unknown",
            "speaker_role": ent.role if ent and not _honorific(ent.role or "") else None,
            "addressee": (to.entity.name if to.entity else to.text) if to else None,
            "addressee_mention": span_fields(text, to.start, to.end) if to else None,
            "sentence": span_fields(text, *sentence),
            "date": article_date,
            "outlet": article.outlet,
            "confidence": _confidence(att.pattern, who is not None and ent is None),
        }
        # the dating reads the same offsets, before any model is built
        dated = claim_dates(text, sentence, parts, cue, (who.start, who.end) if who else None, article_date)
        if dated:
            fields.update(dated)
        claims.append(Claim.model_validate(fields))  # one dict, validated as it is
    return claims
