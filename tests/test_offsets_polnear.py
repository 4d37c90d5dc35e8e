"""Every claim over the PolNeAR training documents has offsets that reproduce its text.

Needs the evaluation data checked out next to the repository (../shared/eval); skipped
otherwise, e.g. in CI on a clean clone.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.extract import extract_claims, load_pipeline
from ledger.models import Article, Claim

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-train.jsonl"
SPANS = ("content", "cue", "speaker_mention", "addressee_mention", "sentence")


def test_offsets_reproduce_text_over_polnear_train():
    if not TRAIN.is_file():
        pytest.skip("needs ../shared/eval (PolNeAR)")
    nlp = load_pipeline()
    docs = claims = 0
    bad: list[str] = []
    with TRAIN.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc["text"]
            article = Article(id=str(doc["id"]), text=text, sha256=Article.hash_text(text))
            docs += 1
            ids = set()
            for c in extract_claims(article, nlp):
                claims += 1
                assert c.id == Claim.make_id(article.id, c.content.start, c.content.end)
                if c.id in ids:
                    bad.append(f"{article.id} {c.id}: two claims share this id")
                ids.add(c.id)
                for name in SPANS:
                    span = getattr(c, name)
                    for part in [span, *(span.fragments or [])] if span else []:
                        if not (0 <= part.start <= part.end <= len(text)
                                and text[part.start:part.end] == part.text):
                            bad.append(f"{article.id} {c.id} {name} {part.start}-{part.end} {part.text[:40]!r}")
                if c.content.fragments:
                    frags = c.content.fragments
                    if (frags[0].start, frags[-1].end) != (c.content.start, c.content.end):
                        bad.append(f"{article.id} {c.id} fragments do not span the content")
    assert docs >= 800, f"only {docs} documents in {TRAIN}"
    assert claims > docs, f"suspiciously few claims: {claims} over {docs} documents"
    assert not bad, f"{len(bad)} spans do not reproduce their text, e.g.\n" + "\n".join(bad[:20])
