#!/usr/bin/env python3
"""Throughput, in words per second, of the stages of `ledger` over one set of texts:

  (a) the bare spaCy tokenizer (spacy.blank("en").tokenizer, nothing else),
  (b) extract_claims (the full rule pipeline, claims built and checked),
  (c) a full ingest (read + extract + write) into a temporary SQLite ledger, when
      ledger.store exposes one,

all in the same run and process, pinned to one core; plus the ratio extract/tokenizer.
(a) and (b) are timed alike, as the best of --repeat passes (warm caches), and each line also
shows its first, cold pass; (c) runs once.

    python benchmarks/throughput.py [DOCS.jsonl] [--limit N] [--repeat N]

DOCS.jsonl holds one {"id", "text"} document per line (default: ../shared/eval/
polnear-train.jsonl next to the repository). Words are whitespace-split tokens.
Not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "eval" / "polnear-train.jsonl"


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity here)"


def load_docs(path: Path, limit: int | None) -> list[tuple[str, str]]:
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((str(d["id"]), d["text"]))
                if limit and len(docs) >= limit:
                    break
    return docs


def timed(fn, repeat: int) -> float:
    return min(passes(fn, repeat))


def passes(fn, repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` runs of fn, in order: the first is the cold one."""
    times = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def find_ingest():
    """(description, function(path, docs_path) -> None) for a full ingest, or None."""
    try:
        import ledger.store as store
    except ImportError:
        return None
    if hasattr(store, "ingest_batch") and hasattr(store, "open_ledger"):
        from ledger.extract import extract_claims, load_pipeline
        from ledger.models import EXTRACTOR_VERSION
        from ledger.read import iter_articles

        def run(db_path: Path, docs_path: Path) -> None:
            nlp = load_pipeline()
            db = store.open_ledger(db_path, create=True)
            stats = store.ingest_batch(db, iter_articles([docs_path]), extract=lambda a: extract_claims(a, nlp),
                                       extractor=EXTRACTOR_VERSION, paths=[str(docs_path)])
            db.close()
            if stats.errors:
                print(f"  ingest reported {len(stats.errors)} errors, first: {stats.errors[0]}", file=sys.stderr)

        return "ledger.store.ingest_batch (read + extract + write)", run
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT, help="JSONL of {id, text} documents")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--repeat", type=int, default=3,
                    help="passes of the tokenizer and of extract (the best is kept); default 3")
    args = ap.parse_args(argv)
    if not args.docs.is_file():
        print(f"no such file: {args.docs} (pass a JSONL of {{id, text}} documents)", file=sys.stderr)
        return 2

    pinned = pin_one_core()
    import spacy

    from ledger.extract import extract_claims, load_pipeline
    from ledger.models import Article

    docs = load_docs(args.docs, args.limit)
    words = sum(len(text.split()) for _, text in docs)
    chars = sum(len(text) for _, text in docs)
    articles = [Article(id=i, text=t, sha256=Article.hash_text(t)) for i, t in docs]
    print(f"{args.docs}: {len(docs)} documents, {words:,} words, {chars:,} characters; {pinned}")

    tokenizer = spacy.blank("en").tokenizer
    nlp = load_pipeline()
    extract_claims(articles[0], nlp)  # warm up: lexicon, caches

    def tokenize():
        for _, text in docs:
            tokenizer(text)

    n_claims = 0

    def extract():
        nonlocal n_claims
        n_claims = sum(len(extract_claims(a, nlp)) for a in articles)

    # both timed alike: best of --repeat passes (warm caches), the first pass shown as well
    tok_times = passes(tokenize, args.repeat)
    ext_times = passes(extract, args.repeat)
    t_tok, t_ext = min(tok_times), min(ext_times)
    best = f"best of {len(tok_times)}"
    print(f"(a) tokenizer  {words / t_tok:>12,.0f} words/s  ({t_tok:.2f} s {best}, spacy.blank('en').tokenizer; "
          f"cold first pass {tok_times[0]:.2f} s = {words / tok_times[0]:,.0f} words/s)")
    print(f"(b) extract    {words / t_ext:>12,.0f} words/s  ({t_ext:.2f} s {best}, {n_claims:,} claims; "
          f"cold first pass {ext_times[0]:.2f} s = {words / ext_times[0]:,.0f} words/s)")

    ingest = find_ingest()
    if ingest is None:
        print("(c) ingest: not available yet")
    else:
        what, run = ingest
        src = args.docs
        with tempfile.TemporaryDirectory() as tmp:
            if args.limit:  # ingest exactly the documents the other stages saw
                src = Path(tmp) / "docs.jsonl"
                src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in docs), encoding="utf-8")
            db_path = Path(tmp) / "ledger.db"
            t_ing = timed(lambda: run(db_path, src), 1)
            size = db_path.stat().st_size if db_path.exists() else 0
        print(f"(c) ingest     {words / t_ing:>12,.0f} words/s  ({t_ing:.2f} s, {what}; db {size / 1e6:.1f} MB)")

    print(f"extract/tokenizer: {t_ext / t_tok:.1f}x the time ({(words / t_ext) / (words / t_tok):.3f} of its speed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
