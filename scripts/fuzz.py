"""Fuzz the extractor and the ledger with generated news-like and hostile texts.

    python scripts/fuzz.py [--n 10000] [--seed 0] [--batch 100]
    python scripts/fuzz.py --show 0:123      # print document 123 of seed 0, to reproduce it

Every document is checked for the properties of issue 7 (item 4):
  1. extraction never raises;
  2. every span of every claim (content and its fragments, cue, speaker and addressee mention,
     sentence, setting, date mention) reproduces its text from the article, and ids are unique;
  3. the same text gives the same claims: twice in one pipeline, and in a second pipeline
     that saw the documents in another order (so no cache or memo state leaks into results);
  4. in batches: ingesting a batch twice into a fresh ledger adds nothing the second time.
Prints the count and every failure (document seed and what failed); exits 1 on any failure.

The text generators are written against a small `Source` (choice, randint, text), so that
tests/test_properties.py drives the very same generators from hypothesis strategies.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from pathlib import Path
from typing import Protocol, Sequence

# --- building blocks ---------------------------------------------------------------------------

SPEAKERS = ["Jeff Flake", "Hakan Fidan", "John Kirby", "the ambassador", "officials", "He", "She",
            "The ministry", "a senior official", "Maria Lopez", "Dr. Maria Flake", "Sen. Lindsey Graham",
            "Zoe\u0301 Mu\u0308ller",  # combining acute and diaeresis
            "محمد علي",  # Arabic
            "יוסי כהן",  # Hebrew
            "Ηλίας Παπαδόπουλος", "Łukasz Żółć", "王毅"]
CUES = ["said", "says", "told reporters", "told Antony Blinken", "warned", "added", "claimed",
        "stressed", "noted", "vowed", "wrote", "is said to have said", "insisted"]
CONTENTS = ["the talks would continue", "We want Iran to lower the tension",
            "Tehran could strike within 24 hours", "the United States would help defend Israel",
            "Turkey is ready to mediate", "nothing has been decided yet",
            "we will respond to any attack", "the harbour would reopen on Tuesday",
            "prices rose by 3.5% in April", "سنرد على أي هجوم", "אנחנו נגיב", "the café's owner left"]
# (opening, closing) marks, including the unbalanced and the mismatched
QUOTES = [("“", "”"), ('"', '"'), ("'", "'"), ("‘", "’"), ("«", "»"), ("„", "“"), ("''", "''"),
          ("“", '"'), ("“", ""), ("", "”"), ('"', ""), ("«", "”"), ("”", "“"), ("‹", "›")]
PUNCTUATION = "!?.,;:\"'“”‘’«»„‹›()[]{}-—–…*&%$#@/\\|~`+=<>"
CONTROL = [chr(c) for c in range(0, 32) if chr(c) not in "\n"] + ["\x7f", "\x85", "\u2028", "\u2029"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
SPACES = ["\u00a0", "\u202f", "\u2007", "\u2009", "\u3000", "\u2003"]
BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069"]
COMBINING = ["\u0301", "\u0308", "\u0327", "\u0336", "\u20dd", "\u0489", "\u0651", "\u05b7"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "", "\r\n", "\t", "\n \n", "\r"]
TEMPLATES = [
    "{o}{content},{c} {speaker} {cue}.",
    "{speaker} {cue} that {content}.",
    "{speaker} {cue}: {o}{content}.{c}",
    "{speaker} {cue}, {o}{content}.{c}",
    "According to {speaker}, {content}.",
    "{o}{content}{c}",
    "{o}{content},{c} {cue} {speaker}, {o}{content2}.{c}",
    "{speaker} {cue} {o}{content}, {o2}{content2}{c2} today{c}.",  # nested
    "{speaker} {cue} the plan was {o}{content}",  # never closed
    "{o}{content}.\n\n{o}{content2},{c} {speaker} {cue}.",  # a quotation over paragraphs
    "{o}{o}{o}{content}{c}{c} {speaker} {cue}{c}",
]


class Source(Protocol):
    """Where the choices come from: random.Random-like, or hypothesis draws."""

    def choice(self, seq: Sequence): ...

    def randint(self, a: int, b: int) -> int: ...

    def text(self, max_size: int) -> str: ...


class RandomSource(random.Random):
    """A seeded random.Random that can also make any text (no surrogates: a str that came from
    a file never holds them)."""

    def text(self, max_size: int) -> str:
        return "".join(self._char() for _ in range(self.randint(0, max_size)))

    def _char(self) -> str:
        c = self.choice([self.randint(32, 0x7e), self.randint(0xa0, 0x2fff), self.randint(0x3000, 0xd7ff),
                         self.randint(0xe000, 0x10ffff)])
        return chr(c)


def sentence(src: Source) -> str:
    o, c = src.choice(QUOTES)
    o2, c2 = src.choice(QUOTES)
    return src.choice(TEMPLATES).format(o=o, c=c, o2=o2, c2=c2, speaker=src.choice(SPEAKERS),
                                        cue=src.choice(CUES), content=src.choice(CONTENTS),
                                        content2=src.choice(CONTENTS))


def hostile(src: Source) -> str:
    kind = src.randint(0, 10)
    if kind == 0:  # a run of punctuation, up to a few thousand characters
        return "".join(src.choice(PUNCTUATION) for _ in range(src.randint(1, 60))) * src.randint(1, 50)
    if kind == 1:
        return "".join(src.choice(CONTROL) for _ in range(src.randint(1, 8)))
    if kind == 2:
        return src.choice(ZERO_WIDTH) * src.randint(1, 5)
    if kind == 3:
        return src.choice(SPACES) * src.randint(1, 3)
    if kind == 4:
        return src.choice(BIDI)
    if kind == 5:  # stacked combining marks
        return "".join(src.choice(COMBINING) for _ in range(src.randint(1, 30)))
    if kind == 6:  # a very long token
        return src.choice(["a", "Ab", "x1", "ش", "—", "“", "\u200b"]) * src.randint(100, 3000)
    if kind == 7:
        return "\n" * src.randint(2, 6)
    if kind == 8:
        return src.choice(QUOTES)[src.randint(0, 1)] * src.randint(1, 5)
    return src.text(40)


def _inject(src: Source, s: str, piece: str) -> str:
    i = src.randint(0, len(s))
    return s[:i] + piece + s[i:]


def document(src: Source) -> str:
    """A news-like text with hostile pieces between and inside its sentences."""
    parts = []
    for _ in range(src.randint(0, 12)):
        roll = src.randint(0, 9)
        if roll < 5:
            parts.append(sentence(src))
        elif roll < 8:
            parts.append(_inject(src, sentence(src), hostile(src)))
        else:
            parts.append(hostile(src))
    out = ""
    for p in parts:
        out += p + src.choice(SEPARATORS)
    return out


# --- properties ------------------------------------------------------------------------------

SPANS = ("content", "cue", "speaker_mention", "addressee_mention", "sentence", "setting",
         "utterance_date_mention")


def span_failures(text: str, claims) -> list[str]:
    """Property 2: every span reproduces its text; fragments span the content; ids are unique
    and made from the content's offsets."""
    from ledger.models import Claim

    out, ids = [], set()
    for c in claims:
        if c.id in ids:
            out.append(f"claim {c.id}: id shared by two claims")
        ids.add(c.id)
        if c.id != Claim.make_id(c.article_id, c.content.start, c.content.end):
            out.append(f"claim {c.id}: id is not made from its content offsets")
        for name in SPANS:
            span = getattr(c, name)
            for part in [span, *(span.fragments or [])] if span else []:
                if not (0 <= part.start <= part.end <= len(text) and text[part.start:part.end] == part.text):
                    out.append(f"claim {c.id}: {name} {part.start}-{part.end} does not reproduce {part.text[:40]!r}")
        frags = c.content.fragments
        if frags and (frags[0].start, frags[-1].end) != (c.content.start, c.content.end):
            out.append(f"claim {c.id}: fragments do not span the content")
    return out


def dump(claims) -> list[dict]:
    return [c.model_dump() for c in claims]


def same_claims_failure(first, second, what: str) -> str | None:
    """Property 3: the same text gives the same claims (ids first, then every field)."""
    if [c.id for c in first] != [c.id for c in second]:
        return f"claim ids differ {what}"
    if dump(first) != dump(second):
        return f"claims differ {what} (same ids)"
    return None


def article(doc_id: str, text: str):
    from ledger.models import Article

    return Article(id=doc_id, text=text, path=f"{doc_id}.txt", sha256=Article.hash_text(text))


def ledger_state(db) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (ingest_runs records each run, so it is
    left out)."""
    state = {}
    for name in sorted(db.table_names()):
        if name == "ingest_runs":
            continue
        rows = sorted(repr(tuple(r)) for r in db.execute(f"select * from [{name}]"))
        state[name] = (len(rows), hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest())
    return state


def ingest_twice_failures(articles, nlp, folder: Path) -> list[str]:
    """Property 4: a batch ingested twice into a fresh ledger (as `ledger ingest` does it:
    ingest_batch, then link) adds nothing the second time and skips nothing either time."""
    from ledger.extract import extract_claims
    from ledger.models import EXTRACTOR_VERSION
    from ledger.store import ingest_batch, open_ledger
    from ledger.store.link import link_ledger, needs_link

    db = open_ledger(folder / "fuzz.db", create=True)
    out, states = [], []
    try:
        for run in (1, 2):
            stats = ingest_batch(db, list(articles), extract=lambda a: extract_claims(a, nlp),
                                 extractor=EXTRACTOR_VERSION)
            if needs_link(db):
                link_ledger(db)
            out += [f"ingest run {run}: {e}" for e in stats.errors]
            states.append(ledger_state(db))
            if run == 2 and (stats.new, stats.changed, stats.unchanged) != (0, 0, len(articles)):
                out.append(f"second ingest: {stats.new} new, {stats.changed} changed, {stats.unchanged} unchanged")
        for table in sorted(set(states[0]) | set(states[1])):
            if states[0].get(table) != states[1].get(table):
                out.append(f"table {table} changed on the second ingest: {states[0].get(table)} -> {states[1].get(table)}")
    finally:
        db.close()
        (folder / "fuzz.db").unlink(missing_ok=True)
    return out


# --- the run ---------------------------------------------------------------------------------

LONG_EVERY = 500  # every 500th document is repeated past CHUNK_CHARS: extracted in pieces


def doc_seed(seed: int, i: int) -> str:
    return f"{seed}:{i}"


def text_for(seed: int, i: int) -> str:
    """Document i of a run: reproducible from (seed, i) alone."""
    text = document(RandomSource(doc_seed(seed, i)))
    if i % LONG_EVERY == LONG_EVERY - 1 and text.strip():
        from ledger.extract.pieces import CHUNK_CHARS

        text = (text + "\n\n") * (CHUNK_CHARS // (len(text) + 2) + 2)
    return text


def extract_or_error(doc_id: str, text: str, nlp):
    """The claims, or the one-line error extraction raised (property 1)."""
    from ledger.extract import extract_claims

    try:
        return extract_claims(article(doc_id, text), nlp)
    except Exception as e:
        return f"extraction raised {type(e).__name__}: {' '.join(str(e).split())[:200]}"


def check_document(doc_id: str, text: str, nlp, other) -> tuple[list, list[str]]:
    """Properties 1-3 for one text, given what a second pipeline made of it (`other`): the
    claims (of `nlp`) and the failures."""
    claims, again = extract_or_error(doc_id, text, nlp), extract_or_error(doc_id, text, nlp)
    errors = [r for r in (claims, again, other) if isinstance(r, str)]
    if errors:
        return [], errors[:1]
    failures = span_failures(text, claims)
    failures += [f for f in (same_claims_failure(claims, again, "between two runs"),
                             same_claims_failure(claims, other, "in a second pipeline")) if f]
    return claims, failures


def run(n: int, seed: int, batch: int) -> int:
    from ledger.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    other_nlp = load_pipeline.__wrapped__()  # a second, uncached pipeline with memos of its own
    failures: list[str] = []
    claims_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for first in range(0, n, batch):
            ids = range(first, min(n, first + batch))
            texts = {i: text_for(seed, i) for i in ids}
            # the second pipeline takes the batch in reverse order, so its tokenizer caches
            # and memos hold other texts when it meets each one
            other = {i: extract_or_error(f"fuzz-{i}", texts[i], other_nlp) for i in reversed(ids)}
            for i in ids:
                claims, bad = check_document(f"fuzz-{i}", texts[i], nlp, other[i])
                claims_total += len(claims)
                failures += [f"document {doc_seed(seed, i)}: {b}" for b in bad]
            bad = ingest_twice_failures([article(f"fuzz-{i}", texts[i]) for i in ids], nlp, Path(tmp))
            failures += [f"batch {doc_seed(seed, ids[0])}..{ids[-1]}: {b}" for b in bad]
            print(f"{ids[-1] + 1} documents, {claims_total} claims, {len(failures)} failures", file=sys.stderr)
    for f in failures:
        print(f"FAIL {f}")
    print(f"{n} documents checked (seed {seed}), {claims_total} claims; {len(failures)} failures")
    return 1 if failures else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="documents to generate (default 10,000)")
    p.add_argument("--seed", type=int, default=0, help="the run's seed; document i is SEED:i")
    p.add_argument("--batch", type=int, default=100, help="documents per ingest-twice batch")
    p.add_argument("--show", metavar="SEED:I", help="print the text of one document and stop")
    args = p.parse_args(argv)
    if args.show:
        seed, i = map(int, args.show.split(":"))
        print(repr(text_for(seed, i)))
        return 0
    return run(args.n, args.seed, args.batch)


if __name__ == "__main__":
    sys.exit(main())
