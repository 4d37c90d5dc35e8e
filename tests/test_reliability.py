"""Crash safety and concurrency, with real processes: `ledger ingest` killed with SIGKILL in the
middle of a large batch, and `ledger ingest` writing while Datasette reads the same file (WAL).

The batches are generated news articles (two speakers, a quote, a date each), written as JSONL
in tmp_path. Subprocesses inherit this process's CPU affinity.
"""
from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from ledger.cli import cli
from ledger.publish.config import make_datasette

LEDGER = [sys.executable, "-c", "from ledger.cli import cli; cli(prog_name='ledger')"]
# Generous: only there so a broken run fails instead of hanging.
PROCESS_TIMEOUT = 600

NAMES = ["Jeff Flake", "Hakan Fidan", "John Kirby", "Antony Blinken", "Maria Lopez", "Ahmed Karim",
         "Olena Petrenko", "David Chen", "Sara Novak", "Tomas Berg"]
ROLES = ["the foreign minister", "a White House spokesperson", "the ambassador", "the mayor", "a senior official"]
TOPICS = ["ceasefire", "grain", "border", "energy", "trade", "water", "election", "refugee"]
WORDS = ("steady careful urgent fragile modest broad narrow quiet sudden costly lasting early late open "
         "closed local regional national shared joint").split()
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
OUTLETS = ["Ankara Daily Post", "Gulf Wire", "Capitol Report", "Harbour Times"]


def news(i: int, rng: random.Random, prefix: str = "gen") -> dict:
    a, b = rng.sample(NAMES, 2)
    topic, w = rng.choice(TOPICS), rng.sample(WORDS, 4)
    text = (f"{topic.title()} talks, round {i}\n"
            f"{a}, {rng.choice(ROLES)}, said on {rng.choice(DAYS)} that the {topic} talks were {w[0]} and {w[1]}. "
            f"\"We want a {w[2]} {topic} deal before round {i + 1},\" {b} told reporters. "
            f"The {w[3]} plan was agreed last week.")
    return {"id": f"{prefix}-{i:05d}", "text": text, "title": f"{topic.title()} talks, round {i}",
            "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "outlet": OUTLETS[i % len(OUTLETS)]}


def write_batch(path: Path, n: int, prefix: str = "gen") -> list[str]:
    rng = random.Random(7)
    docs = [news(i, rng, prefix) for i in range(n)]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return [d["id"] for d in docs]


def start_ingest(db: Path, src: Path, log: Path) -> subprocess.Popen:
    out = log.open("w")  # a file, not a pipe: a full pipe would stall the writer
    return subprocess.Popen([*LEDGER, "ingest", str(db), str(src)], stdout=out, stderr=subprocess.STDOUT)


def ingest(db: Path, src: Path, log: Path) -> str:
    proc = start_ingest(db, src, log)
    assert proc.wait(timeout=PROCESS_TIMEOUT) == 0, log.read_text()
    return log.read_text()


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)


def committed_articles(db: Path) -> int:
    """Articles a separate reader sees as committed (0 while the ledger is being created)."""
    if not db.exists():
        return 0
    try:
        con = read_only(db)
        try:
            return con.execute("select count(*) from articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # no tables yet
        return 0


def rows(con: sqlite3.Connection, table: str, drop=(), where: str = "1", params=()) -> list[tuple]:
    """A table's rows as sorted tuples, without the columns in `drop`."""
    cols = [r[1] for r in con.execute(f"pragma table_info([{table}])") if r[1] not in drop]
    sql = f"select {', '.join(f'[{c}]' for c in cols)} from [{table}] where {where}"
    return sorted(con.execute(sql, params).fetchall(), key=repr)


def content_tables(con: sqlite3.Connection) -> list[str]:
    """Every table of the ledger but FTS internals and bookkeeping (runs, migrations)."""
    names = [r[0] for r in con.execute("select name from sqlite_master where type = 'table' order by name")]
    fts = {n for n in names if "_fts" in n}
    return [n for n in names if n not in fts and n not in ("ingest_runs", "_sqlite_migrations")]


def indexes(con: sqlite3.Connection) -> list[tuple]:
    return con.execute("select tbl_name, name, sql from sqlite_master where type = 'index' order by name").fetchall()


def searches(con: sqlite3.Connection) -> dict[str, list[str]]:
    """What full-text search finds: the index must hold exactly the stored rows."""
    out = {}
    for term in ("ceasefire", "told", "Flake", "plan", "round"):
        out[f"claims:{term}"] = sorted(r[0] for r in con.execute(
            "select c.id from claims_fts join claims c on c.rowid = claims_fts.rowid where claims_fts match ?", [term]))
        out[f"articles:{term}"] = sorted(r[0] for r in con.execute(
            "select a.id from articles_fts join articles a on a.rowid = articles_fts.rowid "
            "where articles_fts match ?", [term]))
    return out


# --- item 2: SIGKILL in the middle of a batch ------------------------------------------------

def kill_mid_batch(tmp_path: Path, n: int):
    """Start an ingest of n articles, SIGKILL it as soon as a reader sees committed articles.
    Returns (input ids, ledger, articles seen before the kill, exit status)."""
    src = tmp_path / f"batch-{n}.jsonl"
    ids = write_batch(src, n)
    db = tmp_path / f"killed-{n}.db"
    proc = start_ingest(db, src, tmp_path / f"killed-{n}.log")
    seen = 0
    try:
        deadline = time.monotonic() + PROCESS_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            seen = committed_articles(db)
            if seen:
                proc.send_signal(signal.SIGKILL)  # no chance to clean up: like a power cut to the process
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None and not seen:
            proc.kill()
        proc.wait(timeout=PROCESS_TIMEOUT)
    return src, ids, db, seen, proc.returncode


def test_sigkill_mid_batch_keeps_whole_articles_and_a_rerun_finishes_it(tmp_path):
    for n in (1200, 4000, 12000):  # a faster machine may finish a small batch before the kill lands
        src, ids, db, seen, status = kill_mid_batch(tmp_path, n)
        stored = committed_articles(db)
        if status == -signal.SIGKILL and 0 < stored < n:
            break
    else:
        pytest.fail(f"could not kill the ingest mid-batch (last: exit {status}, {stored} of {n} stored)")
    assert stored >= seen  # nothing a reader saw committed is lost

    reference = tmp_path / "reference.db"  # the same batch, never interrupted
    ingest(reference, src, tmp_path / "reference.log")
    ref = sqlite3.connect(reference)

    con = sqlite3.connect(db)  # read-write: recovers what the killed writer left in the WAL
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert con.execute("pragma foreign_key_check").fetchall() == []
    # exactly the articles of the groups committed before the kill: the first ones of the batch
    got = [r[0] for r in con.execute("select id from articles")]
    assert sorted(got) == sorted(ids[:stored])
    # each one whole: its claims, its own speakers and its dates, as the uninterrupted run wrote them
    assert con.execute("select count(*) from articles a where claim_count != "
                       "(select count(*) from claims c where c.article_id = a.id)").fetchone()[0] == 0
    assert con.execute("select count(*) from claims").fetchone()[0] > stored  # generated articles have claims
    keep = ",".join("?" * stored)
    where = f"article_id in ({keep})"
    linked = {"claims": ("speaker_id", "speaker"), "article_speakers": ("speaker_id",)}  # set by linking, later
    for table in ("claims", "article_speakers", "date_mentions"):
        assert rows(con, table, linked.get(table, ()), where, ids[:stored]) == \
            rows(ref, table, linked.get(table, ()), where, ids[:stored]), table
    assert rows(con, "articles", ("ingested_at",)) == rows(ref, "articles", ("ingested_at",), f"id in ({keep})",
                                                           ids[:stored])
    # the full-text index holds exactly the stored rows, and its triggers are in place
    for table in ("articles", "claims"):
        assert con.execute(f"select count(*) from {table}_fts_docsize").fetchone()[0] == \
            con.execute(f"select count(*) from {table}").fetchone()[0]
        assert {r[0] for r in con.execute("select name from sqlite_master where type = 'trigger' and tbl_name = ?",
                                          [table])} == {f"{table}_ai", f"{table}_ad", f"{table}_au"}
        con.execute(f"insert into {table}_fts ({table}_fts) values ('integrity-check')")  # FTS5's own check
    [(finished,)] = con.execute("select finished from ingest_runs").fetchall()
    assert finished is None  # the run says it did not finish
    con.close()

    out = ingest(db, src, tmp_path / "rerun.log")
    assert f"{n} read: {n - stored} new, 0 changed, {stored} unchanged, 0 failed" in out
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert content_tables(con) == content_tables(ref)
    for table in content_tables(ref):  # row for row, no duplicates, links and clusters included
        drop = ("ingested_at",) if table == "articles" else ()
        assert rows(con, table, drop) == rows(ref, table, drop), table
    assert searches(con) == searches(ref)
    # and every index: a run killed while it had set the readers' indexes aside (store/bulk.py)
    # leaves them to the next write, which builds them again
    assert indexes(con) == indexes(ref)
    [killed, rerun] = con.execute("select finished is not null, articles_new from ingest_runs order by id").fetchall()
    assert rerun == (1, n - stored)
    # the killed run stays unfinished; its counts are the ones it started with (0), or the
    # ones of its last commit if the run row is updated with each group
    assert killed[0] == 0 and killed[1] in (0, stored)


# --- item 3: ingest while Datasette serves the same file ------------------------------------

SNAPSHOT = """select (select count(*) from articles) as articles, (select count(*) from claims) as claims,
  (select coalesce(sum(claim_count), 0) from articles) as expected,
  (select count(*) from articles a where a.claim_count != (select count(*) from claims c where c.article_id = a.id))
    as broken,
  (select count(*) from claims c where not exists (select 1 from articles a where a.id = c.article_id)) as orphans"""


def test_ledgers_are_written_in_wal_mode_and_whole_in_their_file_after_ingest(tmp_path):
    src = tmp_path / "few.jsonl"
    write_batch(src, 3)
    ingest(tmp_path / "l.db", src, tmp_path / "ingest.log")
    con = read_only(tmp_path / "l.db")  # WAL is a property of the file: every reader sees it
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()
    # the writer checkpointed on exit: the .db file alone (copied, committed) holds the ledger
    wal = tmp_path / "l.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    (tmp_path / "copy.db").write_bytes((tmp_path / "l.db").read_bytes())
    con = sqlite3.connect(tmp_path / "copy.db")
    assert con.execute("select count(*) from articles").fetchone()[0] == 3
    assert con.execute("select count(*) from claims").fetchone()[0] > 3
    con.close()


class ImpatientReader(threading.Thread):
    """Reads the ledger in a loop with no busy timeout: any lock in its way is an error."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.stop, self.reads, self.errors = db, threading.Event(), 0, []

    def run(self):
        con = sqlite3.connect(f"{self.db.resolve().as_uri()}?mode=ro", uri=True, timeout=0,
                              check_same_thread=False)
        try:
            while not self.stop.is_set():
                try:
                    articles, claims, expected, broken, orphans = con.execute(SNAPSHOT).fetchone()
                    if (broken, orphans) != (0, 0) or claims != expected:
                        self.errors.append(("half an article", articles, claims, expected, broken, orphans))
                    self.reads += 1
                except sqlite3.OperationalError as e:  # "database is locked"
                    self.errors.append(str(e))
                time.sleep(0.001)
        finally:
            con.close()


def test_readers_never_see_half_an_article_nor_a_lock_while_ingest_writes(tmp_path):
    db = tmp_path / "ledger.db"
    first = tmp_path / "first.jsonl"
    write_batch(first, 5, prefix="first")
    result = CliRunner().invoke(cli, ["ingest", str(db), str(first)])  # the ledger exists before serving
    assert result.exit_code == 0, result.output
    n = 1200
    src = tmp_path / "batch.jsonl"
    write_batch(src, n)

    async def read_while_writing():
        ds = make_datasette(db)  # as `ledger serve` does: the file opened mode=ro
        await ds.invoke_startup()
        proc = start_ingest(db, src, tmp_path / "ingest.log")
        snapshots, problems, rounds = [], [], 0
        sql = "/ledger.json?" + urlencode({"sql": SNAPSHOT, "_shape": "array"})
        pages = ["/", "/ledger/-/search?q=talks", "/ledger/articles.json?_size=5", "/ledger/claims?_size=20",
                 "/ledger/speakers.json", "/ledger/claim_clusters.json"]
        try:
            deadline = time.monotonic() + PROCESS_TIMEOUT
            while time.monotonic() < deadline:
                done = proc.poll() is not None  # one more round after the writer exits
                response = await ds.client.get(sql)
                if response.status_code != 200:
                    problems.append((sql, response.status_code, response.text[:300]))
                else:
                    snapshots.append(response.json()[0])
                page = pages[rounds % len(pages)]
                response = await ds.client.get(page)
                if response.status_code != 200 or "database is locked" in response.text:
                    problems.append((page, response.status_code, response.text[:300]))
                rounds += 1
                if done:
                    break
                await asyncio.sleep(0.02)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=PROCESS_TIMEOUT)
        return proc.returncode, snapshots, problems

    # Beside Datasette (whose connections wait up to 5 s for a lock), a reader that never waits
    # reads as fast as it can: in WAL mode no read needs a lock the writer holds.
    impatient = ImpatientReader(db)
    impatient.start()
    try:
        status, snapshots, problems = asyncio.run(read_while_writing())
    finally:
        impatient.stop.set()
        impatient.join(timeout=PROCESS_TIMEOUT)
    assert status == 0, (tmp_path / "ingest.log").read_text()
    assert problems == []
    assert impatient.errors == [] and impatient.reads > 0
    for snap in snapshots:  # whole articles only, in every snapshot
        assert (snap["broken"], snap["orphans"]) == (0, 0), snap
        assert snap["claims"] == snap["expected"], snap
    for before, after in zip(snapshots, snapshots[1:]):  # counts only grow
        assert after["articles"] >= before["articles"] and after["claims"] >= before["claims"], (before, after)
    assert snapshots[-1]["articles"] == n + 5
    during = {s["articles"] for s in snapshots if 5 < s["articles"] < n + 5}
    assert during, "no read landed while the batch was being written"
