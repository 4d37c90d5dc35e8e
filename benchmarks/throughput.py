#!/usr/bin/env python3
"""Throughput, in words per second, of the stages of `ledger` over one set of texts, all in
the same run and pinned to one core (except --workers):

  (a) the bare spaCy tokenizer (spacy.blank("en").tokenizer, nothing else);
  (b) extract_claims (the full rule pipeline, claims built and checked);
  (c) a full ingest (read + extract + write) into a new ledger, with a new (cold) pipeline,
      as `ledger ingest` runs, each run paired with a tokenizer pass made just before it
      (their ratio drifts less than either time); (c') the same with the warm pipeline of
      (b), which has read the corpus before, as an archive's later articles meet it (the
      like-for-like comparison with the tokenizer's warm best); (d) (c) plus linking the ledger;
  (e) the ingest with --workers processes extracting;
  (f) the ledger's writes beside a raw executemany of the same rows into the same tables;
  (g) with --memory: peak memory of a fresh process ingesting 1x and 4x the corpus, and
      after linking.

Every figure is the best of --repeat runs (noise on a shared machine only ever adds time);
(a) and (b) also show their first, cold pass.

    python benchmarks/throughput.py [DOCS.jsonl] [--limit N] [--repeat N] [--workers N] [--memory]

DOCS.jsonl holds one {"id", "text"} document per line (default: ../shared/eval/
polnear-train.jsonl next to the repository). Words are whitespace-split tokens. spaCy's own
tokens (about 1.2 per word: punctuation and clitics split off) are printed beside them for (a)
and (c), since a tokenizer's speed is often quoted in tokens.
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


def paired(tokenize, run, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds of `repeat` runs of run(k), each paired with a tokenizer pass made just before it,
    and the ratios tokenizer/run: the machine's speed drifts over minutes here, and the ratio
    of two passes made together drifts much less than either."""
    times, ratios = [], []
    for k in range(max(1, repeat)):
        t_tok = passes(tokenize, 1)[0]
        times.append(run(k))
        ratios.append(t_tok / times[-1])
    return times, ratios


def ingest_once(db_path: Path, docs_path: Path, workers: int = 1, nlp=None) -> float:
    """Seconds for read + extract + write of docs_path into a new ledger (no linking), as
    `ledger ingest` does it: a pipeline built for the run (cold: no word seen before), loaded
    by the process that extracts (each worker, with --workers). With `nlp`, that pipeline
    instead (warm: it has read the corpus before, as the tokenizer's best pass has)."""
    import ledger.store as store
    from ledger.extract import extract_claims, load_pipeline
    from ledger.extract.parallel import prepared_in_workers
    from ledger.models import EXTRACTOR_VERSION
    from ledger.read import iter_articles

    if nlp is None:
        load_pipeline.cache_clear()  # the earlier stages' pipeline has seen every word of the corpus
    t0 = time.perf_counter()
    db = store.open_ledger(db_path, create=True)
    items = iter_articles([docs_path])
    if workers > 1:
        items = prepared_in_workers(items, workers, extractor=EXTRACTOR_VERSION)
    stats = store.ingest_batch(db, items, extract=lambda a: extract_claims(a, nlp if nlp is not None else load_pipeline()),
                               extractor=EXTRACTOR_VERSION, paths=[str(docs_path)])
    db.close()
    if stats.errors:
        print(f"  ingest reported {len(stats.errors)} errors, first: {stats.errors[0]}", file=sys.stderr)
    return time.perf_counter() - t0


def link_once(db_path: Path) -> float:
    import sqlite_utils

    from ledger.store.link import link_ledger

    t0 = time.perf_counter()
    link_ledger(sqlite_utils.Database(db_path))
    return time.perf_counter() - t0


def writes(articles, nlp, repeat: int) -> tuple[float, float, int]:
    """(ledger write seconds, raw executemany seconds, rows) for the same prepared rows, each into
    a fresh ledger with the same tables and indexes, each with its full-text index filled; the
    best of `repeat` runs of each."""
    from ledger.extract import extract_claims
    from ledger.store.prepare import prepare

    prepared = [prepare(a, extract_claims(a, nlp)) for a in articles]
    return (min(_ledger_writes(prepared) for _ in range(max(1, repeat))),
            *min(_raw_writes(prepared) for _ in range(max(1, repeat))))


def _ledger_writes(prepared) -> float:
    import ledger.store as store
    from ledger.store.batch import Group
    from ledger.store.bulk import ReadIndexes

    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_ledger(Path(tmp) / "ledger.db", create=True)
        t0 = time.perf_counter()
        group, read_indexes, written = Group(db), ReadIndexes(db), 0  # as ingest_batch writes
        for p in prepared:
            group.write(p, "new")
            written += len(p.claims)
            if group.due():
                group.commit()
            read_indexes.grown(written)
        group.commit()
        read_indexes.restore()
        t_ledger = time.perf_counter() - t0
        db.close()
    return t_ledger


def _raw_writes(prepared) -> tuple[float, int]:
    import ledger.store as store
    from ledger.store.fts import catch_up, defer_fts
    from ledger.store.schema import TABLES

    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_ledger(Path(tmp) / "raw.db", create=True)
        tables = {"articles": [p.article for p in prepared],
                  "speakers": [{"id": f"{p.article['id']}/{s['local_id']}", **s} for p in prepared for s in p.speakers],
                  "claims": [{**c, "speaker_id": None} for p in prepared for c in p.claims],
                  "article_speakers": [{**s, "article_id": p.article["id"]} for p in prepared for s in p.speakers],
                  "date_mentions": [d for p in prepared for d in p.dates]}
        sql = {t: (f"insert into [{t}] ({', '.join(f'[{c}]' for c in TABLES[t].columns)}) "
                   f"values ({', '.join('?' * len(TABLES[t].columns))})") for t in tables}
        t0 = time.perf_counter()
        with db.conn:
            # the best plain SQLite does: no per-row FTS triggers, the index built once at the end
            deferred = defer_fts(db.conn)
            for t, rows in tables.items():
                db.conn.executemany(sql[t], [[r.get(c) for c in TABLES[t].columns] for r in rows])
            catch_up(db.conn, deferred, [p.article["id"] for p in prepared])
        t_raw = time.perf_counter() - t0
        db.close()
    return t_raw, sum(len(r) for r in tables.values())


def peak_memory_mb(docs_path: Path, copies: int, tmp: Path) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process ingesting `copies` copies of the corpus (new ids) as
    `ledger ingest` does: after the ingest itself, and after linking the ledger too."""
    import subprocess

    src = tmp / f"docs-x{copies}.jsonl"
    with src.open("w", encoding="utf-8") as out, docs_path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                for k in range(copies):
                    out.write(json.dumps({**d, "id": f"{d['id']}-{k}"}) + "\n")
    probe = """
import sys
import ledger.store as store
from ledger.extract import extract_claims, load_pipeline
from ledger.models import EXTRACTOR_VERSION
from ledger.scale.shards import iter_inputs
from ledger.store.link import link_ledger
def peak():  # VmHWM: this program's own high-water mark (ru_maxrss keeps the forking parent's)
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
db = store.open_ledger(sys.argv[1], create=True)
store.ingest_batch(db, iter_inputs(sys.argv[2:]), extract=lambda a: extract_claims(a, load_pipeline()),
                   extractor=EXTRACTOR_VERSION)
print(peak())
link_ledger(db)
print(peak())
"""
    done = subprocess.run([sys.executable, "-c", probe, str(tmp / f"mem-x{copies}.db"), str(src)],
                          capture_output=True, text=True, check=True)
    ingest, linked = map(float, done.stdout.split()[-2:])
    return ingest, linked


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", type=Path, default=DEFAULT, help="JSONL of {id, text} documents")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--repeat", type=int, default=3,
                    help="passes of the tokenizer and of extract (the best is kept); default 3")
    ap.add_argument("--workers", type=int, default=2, help="also ingest with N worker processes (default 2; 1: skip)")
    ap.add_argument("--memory", action="store_true", help="also measure peak memory of `ledger ingest` at 1x and 4x")
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

    n_tokens = 0

    def tokenize():
        nonlocal n_tokens
        n_tokens = sum(len(tokenizer(text)) for _, text in docs)

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
          f"{n_tokens / t_tok:,.0f} spaCy tokens/s; cold first pass {tok_times[0]:.2f} s = "
          f"{words / tok_times[0]:,.0f} words/s)")
    print(f"(b) extract    {words / t_ext:>12,.0f} words/s  ({t_ext:.2f} s {best}, {n_claims:,} claims; "
          f"cold first pass {ext_times[0]:.2f} s = {words / ext_times[0]:,.0f} words/s)")

    src = args.docs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.limit:  # ingest exactly the documents the other stages saw
            src = tmp / "docs.jsonl"
            src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in docs), encoding="utf-8")
        # each ingest into a new ledger with a new pipeline; the best of --repeat (noise only adds)
        ing_times, ratios = paired(tokenize, lambda k: ingest_once(tmp / f"one{k}.db", src), args.repeat)
        t_ing = min(ing_times)
        t_link = link_once(tmp / "one0.db")
        size = (tmp / "one0.db").stat().st_size
        print(f"(c) ingest     {words / t_ing:>12,.0f} words/s  ({t_ing:.2f} s: read + extract + write, one process, "
              f"cold pipeline; {n_tokens / t_ing:,.0f} spaCy tokens/s; {t_tok / t_ing:.3f} of the tokenizer's best, "
              f"{tok_times[0] / t_ing:.3f} of its cold first pass; db {size / 1e6:.1f} MB)")
        print(f"    paired with a tokenizer pass just before each run: {sorted(ratios)[len(ratios) // 2]:.3f} of the "
              f"tokenizer (median; runs {', '.join(f'{r:.3f}' for r in ratios)}; ingest runs "
              f"{', '.join(f'{t:.2f}' for t in ing_times)} s)")
        # An archive's later articles meet a pipeline that has read many before: its steady
        # state is the warm pipeline's, compared with the tokenizer's warm best as like with like.
        warm_times, warm_ratios = paired(tokenize, lambda k: ingest_once(tmp / f"warm{k}.db", src, nlp=nlp),
                                         args.repeat)
        t_warm = min(warm_times)
        print(f"(c') ingest    {words / t_warm:>12,.0f} words/s  ({t_warm:.2f} s: the same with the warm pipeline of (b), "
              f"an archive's steady state; {t_tok / t_warm:.3f} of the tokenizer's best; paired: "
              f"{sorted(warm_ratios)[len(warm_ratios) // 2]:.3f} (median; runs "
              f"{', '.join(f'{r:.3f}' for r in warm_ratios)}))")
        print(f"(d) + link     {words / (t_ing + t_link):>12,.0f} words/s  (link {t_link:.2f} s: speakers across "
              f"articles and claim clusters, rebuilt over the whole ledger)")
        if args.workers > 1:
            if hasattr(os, "sched_setaffinity"):  # the workers may use every core
                os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
            t_par = min(ingest_once(tmp / f"par{k}.db", src, workers=args.workers) for k in range(max(1, args.repeat)))
            print(f"(e) ingest --workers {args.workers} {words / t_par:>9,.0f} words/s  ({t_par:.2f} s, all cores; "
                  f"{t_ing / t_par:.2f}x one process)")
            pin_one_core()
        t_led, t_raw, n_rows = writes(articles, nlp, args.repeat)
        print(f"(f) writes     {n_rows / t_led:>12,.0f} rows/s  (ledger: {t_led:.2f} s) vs raw executemany "
              f"{n_rows / t_raw:,.0f} rows/s ({t_raw:.2f} s): {t_raw / t_led:.2f} of raw")
        if args.memory:
            (i1, l1), (i4, l4) = peak_memory_mb(src, 1, tmp), peak_memory_mb(src, 4, tmp)
            print(f"(g) peak RSS   ingest: 1x corpus {i1:,.0f} MB, 4x {i4:,.0f} MB ({i4 / i1:.2f}x); "
                  f"with linking: 1x {l1:,.0f} MB, 4x {l4:,.0f} MB ({l4 / l1:.2f}x)")

    print(f"extract/tokenizer: {t_ext / t_tok:.1f}x the time ({(words / t_ext) / (words / t_tok):.3f} of its speed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
