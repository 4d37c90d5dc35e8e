#!/usr/bin/env python3
"""Latency of the published ledger's pages on a large synthetic ledger, over real HTTP.

  1. builds a synthetic ledger (default 1,000,000 claims, 50,000 articles, 20,000 speakers drawn)
     with exactly the ledger's schema (ledger.store.db.ensure_db), every claim's offsets
     pointing into its article's text; bulk-loaded in one transaction with the indexes and the
     FTS tables built afterwards;
  2. serves it as `ledger serve --immutable` does (ledger.publish.config.make_datasette(path,
     immutable=True) under uvicorn, in a subprocess, on 127.0.0.1 and a free port);
  3. requests each page sequentially over the loopback (--warmup requests, then --requests
     timed ones, rotating over ids or words) and prints p50 / p95 / max of the timed ones and
     "cold", the slowest warm-up request (each one a first visit: an immutable ledger keeps
     its row and facet counts once computed, so a page's first visit can cost more).

    python benchmarks/datasette_latency.py [--claims N] [--db PATH] [--requests N] [--warmup N] [--seed N]

With --db PATH the ledger is kept, and reused when it already holds N claims (reruns then skip
the build; ensure_db runs on it, so indexes added to the schema since are built). Without it,
the ledger goes to a temporary folder that is removed at the end. The database is served under
its file's stem (/ledger for ledger.db); the page labels say /ledger.
Not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# --- the synthetic ledger ----------------------------------------------------------------------

ARTICLES_PER_CLAIM = 0.05   # 1M claims → 50,000 articles (20 claims each on average)
SPEAKERS_PER_CLAIM = 0.02   # 1M claims → 20,000 speakers
STATEMENTS_PER_CLAIM = 0.01  # statements repeated across articles (the clusters)
FIRST_DAY, DAYS = date(2022, 1, 1), 3 * 365 + 1
EXTRACTOR = "ledger-rules/synthetic"

OUTLETS = [
    "Capitol Report", "Gulf Wire", "Ankara Daily Post", "TRT World", "Daily Sabah", "Morning Ledger",
    "Evening Standard Herald", "Coastal Times", "Northern Courier", "Valley Gazette", "Metro Observer",
    "Harbor Tribune", "Prairie Sentinel", "Summit Journal", "River City Press", "Global Dispatch",
    "Continental Review", "Atlantic Monitor", "Pacific Chronicle", "Desert Sun", "Highland News",
    "Lakeside Bulletin", "Capital Examiner", "Union Leader Daily", "Frontier Post", "Citizen Voice",
    "National Record", "World Affairs Today", "Policy Watch", "Market Street Journal", "Liberty Herald",
    "Federal Times", "State House News", "Borderland Reporter", "Island Packet", "Crescent Daily",
    "Meridian Wire", "Eastern Star", "Western Telegraph", "Central Press Agency",
]
# (form in the text, lemma, stance, weight); stance as ledger/data/stances.tsv gives it
CUES = [
    ("said", "say", "neutral", 40), ("told", "tell", "neutral", 8), ("added", "add", "neutral", 8),
    ("noted", "note", "neutral", 5), ("stated", "state", "neutral", 3), ("announced", "announce", "neutral", 3),
    ("explained", "explain", "neutral", 2), ("argued", "argue", "neutral", 2), ("warned", "warn", "strong", 5),
    ("stressed", "stress", "strong", 3), ("vowed", "vow", "strong", 2), ("insisted", "insist", "strong", 2),
    ("urged", "urge", "strong", 1), ("claimed", "claim", "distancing", 3), ("alleged", "allege", "distancing", 1),
    ("suggested", "suggest", "hedged", 2), ("hinted", "hint", "hedged", 1),
]
CUE_WEIGHTS = list(itertools.accumulate(c[3] for c in CUES))
KINDS = ["direct", "indirect", "mixed"]
KIND_WEIGHTS = [0.42, 0.40, 0.18]
def words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST_NAMES = words(
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret Donald "
    "Sandra Steven Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Dorothy Brian Carol "
    "George Amanda Edward Melissa Ronald Deborah Timothy Stephanie Jason Rebecca Jeffrey Sharon Ryan Laura "
    "Jacob Cynthia Gary Kathleen Nicholas Amy Eric Shirley Jonathan Angela Hakan Mevlut Recep Ayse Fatma "
    "Hossein Ali Reza Maryam Omar Layla Yusuf Amira Antony Mathew Olaf Ursula Emmanuel Giorgia Pedro Sanna "
    "Kaja Annalena Volodymyr Dmytro Sergei Maria Nikos Kyriakos Viktor Petr Andrzej Mette Jonas Ingrid Leo "
    "Chen Wei Li Na Hiroshi Yuki Kenji Aiko Min-jun Ji-woo Arjun Priya Rahul Ananya Kwame Amina Chidi Ngozi"
)
SURNAME_PARTS = words("ar bel cor dan el fa gor hal ith jen kor lam mor nev ol par quin ros sal tor ul ven wil "
                      "yar zan ber cal dor fen gal hem ker lor mar nor pel ran ser tal var")
SURNAME_ENDS = words("son man ley ton ford ski ez ova ian er ell berg stein ini as oglu zadeh")
ORG_WORDS = words("Ministry Agency Council Commission Institute Committee Bureau Office Authority Foundation "
                  "Party Union Association Group Bank Fund Network Alliance")
ROLES = words("Foreign Minister|Senator|spokesperson|Defense Secretary|Prime Minister|Governor|Ambassador|"
              "Mayor|analyst|professor|Interior Minister|chief executive|campaign manager|Representative|"
              "Secretary of State|National Security Adviser|economist|director|union leader|commander", "|")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Real news words at the head of the vocabulary, so the searches read naturally; the long tail
# is made of syllables. Their frequencies follow from their rank (Zipf).
NEWS_WORDS = words(
    "government president minister talks security war peace election economy border deal military "
    "country people officials week support plan policy region country's forces attack trade prices "
    "report agreement energy crisis vote leaders public health law court budget administration "
    "negotiations sanctions ceasefire inflation protest troops oil refugees climate alliance treaty "
    "investigation reform strike escalation diplomacy humanitarian corruption tariffs pipeline drought "
    "embargo referendum impeachment blockade insurgency mediation hostage")
FUNCTION_WORDS = words("the of and to a in that is for it on with as was be by this are not would will "
                       "have has we they our their from at an were been more can its all which there")
SYLLABLES = words("ba ka ta ma la ra na sa va da pe re te ne se le me ke de ve bi ri ti ni si li mi ki di vi "
                  "bo ro to no so lo mo ko do vo bu ru tu nu su lu mu ku du")


def zipf_cum(n: int, s: float = 1.0, q: float = 0.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (r + 1 + q) ** s for r in range(n)))


class Vocabulary:
    """Content words by Zipf rank (NEWS_WORDS first, then made-up ones) and function words."""

    def __init__(self, rng: random.Random, size: int = 12_000):
        words, seen = list(NEWS_WORDS), set(NEWS_WORDS)
        while len(words) < size:
            w = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
            if w not in seen:
                seen.add(w)
                words.append(w)
        self.words = words
        self.cum = zipf_cum(len(words), 1.0, 2.0)
        self.function_cum = zipf_cum(len(FUNCTION_WORDS), 0.8)

    def phrase(self, rng: random.Random, n: int) -> list[str]:
        # about one word in three is a function word, as in running English
        content = rng.choices(self.words, cum_weights=self.cum, k=n)
        glue = rng.choices(FUNCTION_WORDS, cum_weights=self.function_cum, k=n)
        return [g if rng.random() < 0.35 else c for c, g in zip(content, glue)]


def sentence_words(words: list[str]) -> str:
    return (words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:])) if words else ""


class Speakers:
    def __init__(self, rng: random.Random, n: int, id_of):
        self.rows = []
        seen = set()
        for i in range(n):
            kind = "organization" if rng.random() < 0.15 else "person"
            while True:
                surname = (rng.choice(SURNAME_PARTS) + rng.choice(SURNAME_PARTS) + rng.choice(SURNAME_ENDS)).capitalize()
                if kind == "person":
                    name = f"{rng.choice(FIRST_NAMES)} {surname}"
                else:
                    name = f"{surname} {rng.choice(ORG_WORDS)}"
                if name not in seen:
                    break
            seen.add(name)
            short = name.split()[-1] if kind == "person" else name
            roles = rng.sample(ROLES, rng.choice((0, 1, 1, 1, 2))) if kind == "person" else []
            self.rows.append({"id": id_of(name), "name": name, "type": kind, "short": short, "roles": roles})
        # claim counts fall off with rank (Zipf-Mandelbrot), the head not quite as steep as s=1
        self.cum = zipf_cum(n, 1.0, 8.0)

    def pick(self, rng: random.Random, k: int) -> list[int]:
        chosen = []
        while len(chosen) < k:
            i = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
            if i not in chosen:
                chosen.append(i)
        return chosen


class TextBuilder:
    """Appends pieces and says where each landed, so every span is text[start:end] by construction."""

    def __init__(self):
        self.parts, self.pos = [], 0

    def add(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def claim_counts(rng: random.Random, n_claims: int, n_articles: int) -> list[int]:
    mean = n_claims / n_articles
    raw = [rng.expovariate(1.0) * mean for _ in range(n_articles)]
    scale = n_claims / sum(raw)
    counts = [max(1, int(r * scale)) for r in raw]
    diff = n_claims - sum(counts)
    while diff != 0:
        i = rng.randrange(n_articles)
        if diff > 0:
            counts[i] += 1
            diff -= 1
        elif counts[i] > 1:
            counts[i] -= 1
            diff += 1
    return counts


def build_ledger(path: Path, n_claims: int, seed: int) -> dict:
    """Write the synthetic ledger to `path` (a new file); returns what was written."""
    import sqlite_utils

    from ledger.models import Article, Claim
    from ledger.resolve.ids import speaker_id
    from ledger.store.db import ensure_db
    from ledger.store.schema import TABLES

    rng = random.Random(seed)
    n_articles = max(1, round(n_claims * ARTICLES_PER_CLAIM))
    n_speakers = max(10, round(n_claims * SPEAKERS_PER_CLAIM))
    n_statements = max(5, round(n_claims * STATEMENTS_PER_CLAIM))
    vocab = Vocabulary(rng)
    speakers = Speakers(rng, n_speakers, speaker_id)
    statements = []  # (speaker index, quoted words)
    for _ in range(n_statements):
        statements.append((speakers.pick(rng, 1)[0], vocab.phrase(rng, rng.randint(9, 16))))
    statement_cum = zipf_cum(n_statements, 0.6)

    db = sqlite_utils.Database(path)
    ensure_db(db)
    # Bulk load: no FTS tables or triggers, no secondary indexes while the rows go in; ensure_db
    # puts them all back afterwards (it creates the indexes it misses, and a missing FTS table is
    # created and filled from its table in one pass, triggers included).
    for name, spec in TABLES.items():
        if spec.fts:
            db[name].disable_fts()
    for (index,) in db.execute("select name from sqlite_master where type = 'index' and sql is not null").fetchall():
        db.execute(f"drop index [{index}]")
    db.close()

    columns = {name: list(spec.columns) for name, spec in TABLES.items()}

    def insert_sql(table):
        cols = columns[table]
        return f"insert into [{table}] ({', '.join(f'[{c}]' for c in cols)}) values ({', '.join('?' * len(cols))})"

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a fresh file: nothing to roll back to
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("begin")
    claim_sql, article_sql = insert_sql("claims"), insert_sql("articles")
    as_sql, dm_sql = insert_sql("article_speakers"), insert_sql("date_mentions")
    claim_cols, article_cols = columns["claims"], columns["articles"]
    as_cols, dm_cols = columns["article_speakers"], columns["date_mentions"]

    spk_claims = [0] * n_speakers
    spk_articles = [0] * n_speakers
    spk_aliases = [set() for _ in range(n_speakers)]
    spk_roles = [set() for _ in range(n_speakers)]
    members: dict[int, list[dict]] = {}  # statement → its claims
    counts = claim_counts(rng, n_claims, n_articles)
    outlet_cum = zipf_cum(len(OUTLETS), 0.7)
    ingested = "2025-01-01T00:00:00+00:00"
    written = 0
    sample = []  # (claim row, article text) checked after the build
    claim_ids = set()

    for a_index, k in enumerate(counts):
        outlet = rng.choices(OUTLETS, cum_weights=outlet_cum)[0]
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        a_date = day.isoformat()
        article_id = f"{a_index:06d}_{outlet.lower().replace(' ', '_')}"
        n_local = max(1, min(k, 1 + round(k / 4 + rng.random() * 2)))
        local = speakers.pick(rng, n_local)
        # a repeated statement or two (a cluster) in about half the articles
        repeated = []
        if rng.random() < 0.55:
            for _ in range(rng.choice((1, 1, 2))):
                st = bisect.bisect_left(statement_cum, rng.random() * statement_cum[-1])
                if st not in repeated:
                    repeated.append(st)
                    if statements[st][0] not in local:
                        local.append(statements[st][0])
        local_claims = {s: 0 for s in local}
        mentioned = set()
        tb = TextBuilder()
        title = sentence_words(vocab.phrase(rng, rng.randint(6, 11)))
        tb.add(title + "\n\n")
        rows, dms = [], []
        slots = set(rng.sample(range(k), min(k, len(repeated))))
        rep_iter = iter(repeated)
        for c_index in range(k):
            if c_index and c_index % 4 == 0:
                tb.add("\n\n")
            if rng.random() < 0.35:  # a sentence of narration, no claim
                tb.add(sentence_words(vocab.phrase(rng, rng.randint(8, 22))) + ". ")
            st = next(rep_iter) if c_index in slots else None
            if st is not None:
                s_index = statements[st][0]
            else:
                # the article's first speakers are quoted most
                s_index = local[min(int(rng.expovariate(1.2)), len(local) - 1)]
            spk = speakers.rows[s_index]
            cue_form, cue_lemma, stance, _ = CUES[bisect.bisect_left(CUE_WEIGHTS, rng.random() * CUE_WEIGHTS[-1])]
            kind = "direct" if st is not None and rng.random() < 0.7 else rng.choices(KINDS, KIND_WEIGHTS)[0]
            role = None
            if s_index in mentioned:
                mention = spk["short"]
            elif spk["roles"] and rng.random() < 0.7:
                role = rng.choice(spk["roles"])
                mention = f"{role} {spk['name']}"
            else:
                mention = spk["name"]
            mentioned.add(s_index)
            words = list(statements[st][1]) if st is not None else vocab.phrase(rng, rng.randint(7, 20))
            if st is not None and rng.random() < 0.3:  # drift: one word changed
                words[rng.randrange(len(words))] = vocab.phrase(rng, 1)[0]
            said = sentence_words(words)
            row = dict.fromkeys(claim_cols)
            s0 = tb.pos
            if rng.random() < 0.1:  # "On Tuesday, X said …": an utterance date
                weekday_back = rng.randint(1, 6)
                u_day = day - timedelta(days=weekday_back)
                u_text = f"On {WEEKDAYS[u_day.weekday()]}"
                us, ue = tb.add(u_text)
                tb.add(", ")
                row.update(utterance_date=u_day.isoformat(), utterance_date_first_day=u_day.isoformat(),
                           utterance_date_mention_text=u_text, utterance_date_mention_start=us,
                           utterance_date_mention_end=ue)
                lead_mention = True
            else:
                lead_mention = False
            if kind == "direct" and not lead_mention and rng.random() < 0.5:
                cs, ce = tb.add(f"\u201c{said},\u201d")
                tb.add(" ")
                ms, me = tb.add(mention)
                tb.add(" ")
                qs, qe = tb.add(cue_form)
                tb.add(". ")
            else:
                ms, me = tb.add(mention)
                tb.add(" ")
                qs, qe = tb.add(cue_form)
                if cue_form == "told" and rng.random() < 0.6:
                    tb.add(" ")
                    addressee = rng.choice(("reporters", "journalists", "lawmakers", "the committee"))
                    a_s, a_e = tb.add(addressee)
                    row.update(addressee=addressee, addressee_mention_text=addressee,
                               addressee_mention_start=a_s, addressee_mention_end=a_e)
                if kind == "direct":
                    tb.add(": ")
                    cs, ce = tb.add(f"\u201c{said}.\u201d")
                    tb.add(" ")
                elif kind == "indirect":
                    tb.add(" ")
                    cs, ce = tb.add(f"that {' '.join(words)}")
                    tb.add(". ")
                else:
                    cut = max(2, len(words) // 2)
                    tb.add(" ")
                    cs, ce = tb.add(f"that {' '.join(words[:cut])} \u201c{' '.join(words[cut:])}.\u201d")
                    tb.add(" ")
            s1 = tb.pos - 1  # the sentence ends before its trailing space
            cid = Claim.make_id(article_id, cs, ce)
            if cid in claim_ids:  # a hash collision would break the primary key: skip the claim
                continue
            claim_ids.add(cid)
            row.update(id=cid, article_id=article_id, kind=kind, content_start=cs, content_end=ce,
                       cue_text=cue_form, cue_start=qs, cue_end=qe, cue_lemma=cue_lemma,
                       speaker=spk["name"], speaker_id=spk["id"], speaker_mention_text=mention,
                       speaker_mention_start=ms, speaker_mention_end=me, speaker_type=spk["type"],
                       speaker_role=role, sentence_start=s0, sentence_end=s1, stance=stance,
                       date=a_date, outlet=outlet, confidence=round(0.6 + 0.4 * rng.random(), 2),
                       extractor=EXTRACTOR, speaker_key=f"s{local.index(s_index) + 1}")
            rows.append(row)
            local_claims[s_index] += 1
            spk_aliases[s_index].add(mention if role is None else spk["name"])
            if role:
                spk_roles[s_index].add(role)
            if st is not None:
                members.setdefault(st, []).append(
                    {"claim_id": cid, "article_id": article_id, "speaker_id": spk["id"], "outlet": outlet,
                     "date": a_date, "kind": kind, "words": " ".join(words)})
        text = tb.text().rstrip()
        for row in rows:
            row["content_text"] = text[row["content_start"]:row["content_end"]]
            row["sentence_text"] = text[row["sentence_start"]:row["sentence_end"]]
            if row["utterance_date"]:
                dms.append(dict(zip(dm_cols, (
                    article_id, row["utterance_date_mention_text"], row["utterance_date_mention_start"],
                    row["utterance_date_mention_end"], row["utterance_date"], "day", row["id"], "utterance"))))
        if len(sample) < 2000 and rng.random() < 0.05:
            sample.extend((r, text) for r in rows[:3])
        article = {"id": article_id, "title": title, "date": a_date, "outlet": outlet,
                   "url": f"https://example.org/{outlet.lower().replace(' ', '-')}/{a_index}",
                   "path": None, "sha256": Article.hash_text(text), "text": text, "claim_count": len(rows),
                   "extractor": EXTRACTOR, "ingested_at": ingested}
        conn.execute(article_sql, [article[c] for c in article_cols])
        conn.executemany(claim_sql, ([r[c] for c in claim_cols] for r in rows))
        if dms:
            conn.executemany(dm_sql, ([d[c] for c in dm_cols] for d in dms))
        as_rows = []
        for n, s_index in enumerate(local, 1):
            if not local_claims[s_index]:
                continue
            spk = speakers.rows[s_index]
            spk_claims[s_index] += local_claims[s_index]
            spk_articles[s_index] += 1
            aliases = sorted({spk["name"], spk["short"]})
            as_rows.append({"article_id": article_id, "local_id": f"s{n}", "speaker_id": spk["id"],
                            "name": spk["name"], "type": spk["type"], "aliases": json.dumps(aliases),
                            "roles": json.dumps(spk["roles"]), "claim_count": local_claims[s_index]})
        conn.executemany(as_sql, ([r[c] for c in as_cols] for r in as_rows))
        written += len(rows)

    speaker_rows = []
    for i, spk in enumerate(speakers.rows):
        if not spk_claims[i]:
            continue
        speaker_rows.append({"id": spk["id"], "name": spk["name"], "type": spk["type"],
                             "aliases": json.dumps(sorted(spk_aliases[i] | {spk["name"]})),
                             "roles": json.dumps(sorted(spk_roles[i])), "claim_count": spk_claims[i],
                             "article_count": spk_articles[i]})
    conn.executemany(insert_sql("speakers"), ([r[c] for c in columns["speakers"]] for r in speaker_rows))

    cluster_rows, member_rows = [], []
    for st, ms in members.items():
        if len({m["article_id"] for m in ms}) < 2:
            continue
        ms.sort(key=lambda m: (m["date"], m["article_id"]))
        first = ms[0]
        base = first["words"].split()
        drift_words = any(m["words"] != first["words"] for m in ms)
        cluster_id = first["claim_id"]
        kinds = {m["kind"] for m in ms}
        cluster_rows.append({
            "id": cluster_id, "label": first["words"], "first_claim_id": first["claim_id"],
            "first_article_id": first["article_id"], "first_date": first["date"], "speaker_id": first["speaker_id"],
            "size": len(ms), "article_count": len({m["article_id"] for m in ms}),
            "outlet_count": len({m["outlet"] for m in ms}), "drift": int(drift_words or len(kinds) > 1),
            "drift_words": int(drift_words), "drift_speakers": 0,
            "drift_paraphrase": int("direct" in kinds and "indirect" in kinds), "drift_negation": 0})
        for i, m in enumerate(ms):
            words = m["words"].split()
            diff = " ".join(w if w == b else f"[-{b}-] {{+{w}+}}" for w, b in zip(words, base))
            same = sum(w == b for w, b in zip(words, base)) / max(len(base), 1)
            member_rows.append({**m, "cluster_id": cluster_id, "is_first": int(i == 0), "diff": diff,
                                "similarity": round(same, 3)})
    conn.executemany(insert_sql("claim_clusters"), ([r[c] for c in columns["claim_clusters"]] for r in cluster_rows))
    conn.executemany(insert_sql("cluster_members"),
                     ([r.get(c) for c in columns["cluster_members"]] for r in member_rows))

    reviewed = rng.sample(sorted(claim_ids), min(500, len(claim_ids)))
    conn.executemany(insert_sql("reviews"), ([cid, rng.choice(("confirmed", "wrong", "needs-check")), None,
                                              ingested] for cid in reviewed))
    run = dict.fromkeys(columns["ingest_runs"])
    run.update(id=1, started=ingested, finished=ingested, paths=json.dumps(["synthetic"]), extractor=EXTRACTOR,
               articles_read=n_articles, articles_new=n_articles, articles_changed=0, articles_unchanged=0,
               articles_skipped=0, claims_written=written, errors="[]", linked=ingested)
    conn.execute(insert_sql("ingest_runs"), [run[c] for c in columns["ingest_runs"]])
    conn.execute("commit")
    conn.close()

    # Indexes, FTS tables (filled in one pass) and triggers come back through the ledger's own code.
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA cache_size = -1000000")
    ensure_db(db)
    for name, spec in TABLES.items():
        if spec.fts:  # one b-tree per FTS index: the fastest to query
            db.execute(f"insert into [{name}_fts]([{name}_fts]) values('optimize')")
    db.conn.commit()
    db.execute("ANALYZE")
    db.execute("PRAGMA optimize")
    db.conn.commit()
    bad = sum(1 for r, text in sample
              if text[r["content_start"]:r["content_end"]] != r["content_text"]
              or text[r["cue_start"]:r["cue_end"]] != r["cue_text"]
              or text[r["speaker_mention_start"]:r["speaker_mention_end"]] != r["speaker_mention_text"]
              or not (r["sentence_start"] <= r["content_start"] < r["content_end"] <= r["sentence_end"]))
    journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    db.close()
    return {"claims": written, "articles": n_articles, "speakers": len(speaker_rows),
            "clusters": len(cluster_rows), "cluster_members": len(member_rows),
            "offsets_checked": len(sample), "offsets_bad": bad, "journal_mode": journal}


def bring_up_to_date(path: Path) -> list[str]:
    """ensure_db on a reused ledger: indexes added to the schema since it was built are created."""
    import sqlite_utils

    from ledger.store.db import ensure_db

    db = sqlite_utils.Database(path)
    indexes = "select name from sqlite_master where type = 'index'"
    before = {r[0] for r in db.execute(indexes).fetchall()}
    ensure_db(db)
    added = sorted({r[0] for r in db.execute(indexes).fetchall()} - before)
    if added:
        db.execute("ANALYZE")
        db.execute("PRAGMA optimize")
    db.conn.commit()
    db.close()
    return added


def ledger_counts(path: Path) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0]
                for t in ("claims", "articles", "speakers", "article_speakers", "claim_clusters",
                          "cluster_members", "date_mentions", "reviews")}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


# --- the server --------------------------------------------------------------------------------

def serve(path: str, port: int) -> None:
    """What `ledger serve --immutable` does, on the given port (run in the subprocess)."""
    import uvicorn

    from ledger.publish.config import make_datasette

    ds = make_datasette(path, immutable=True)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="on")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path) -> tuple[subprocess.Popen, str, float]:
    import httpx

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(path), "--port", str(port)], cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=5).status_code == 200:
                return proc, base, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not answer within 300 s")


# --- the requests ------------------------------------------------------------------------------

OTHER_TABLES = ("articles", "speakers", "article_speakers", "claim_clusters", "cluster_members", "date_mentions",
                "reviews", "speaker_corrections", "ingest_runs", "speaker_aliases", "speaker_roles",
                "reviewed_claims")

def pick_targets(path: Path, rng: random.Random, n: int, seed: int) -> dict:
    """Ids and words to rotate over, read from the ledger itself."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    max_rowid = conn.execute("select max(rowid) from claims").fetchone()[0]
    claims = []
    while len(claims) < n:
        row = conn.execute("select id, speaker_id, article_id from claims where rowid >= ? limit 1",
                           [rng.randint(1, max_rowid)]).fetchone()
        if row:
            claims.append(row)
    top = conn.execute("select id, name, claim_count from speakers order by claim_count desc limit 10").fetchall()
    outlets = [r[0] for r in conn.execute("select distinct outlet from articles")]
    searches = []
    vocab = Vocabulary(random.Random(seed))  # the build's first draw: the same words
    for word in ("government", "security", "sanctions", "escalation", "border deal", "peace talks",
                 vocab.words[2000], vocab.words[10000]):
        hits = conn.execute("select count(*) from claims_fts where claims_fts match ?",
                            [" ".join(f'"{w}"' for w in word.split())]).fetchone()[0]
        searches.append((word, hits))
    clusters = [r[0] for r in conn.execute("select id from claim_clusters order by id")]
    clusters = rng.sample(clusters, min(n, len(clusters)))
    # a reader's next click from the claims table: the largest value of each facet
    drill = [(col, conn.execute(f"select [{col}] from claims where [{col}] is not null group by [{col}] "
                                f"order by count(*) desc limit 1").fetchone()[0])
             for col in ("speaker", "kind", "stance", "cue_lemma", "outlet", "date")]
    total = conn.execute("select count(*) from claims").fetchone()[0]
    conn.close()
    return {"claims": claims, "top_speakers": top, "outlets": outlets, "searches": searches, "total": total,
            "clusters": clusters, "drill": drill}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(client, base: str, urls: list[str], n: int, warmup: int) -> dict:
    """`warmup` requests first (each a first visit to its URL: the slowest is reported as
    "cold"), then n timed ones, rotating over urls from the first one not warmed up: where
    there are more URLs than warm-up requests, the timed run holds first visits too."""
    warmup = max(1, warmup)
    cold = 0.0
    for url in urls[:warmup]:
        t0 = time.perf_counter()
        client.get(base + url)
        cold = max(cold, (time.perf_counter() - t0) * 1000)
    times, sizes, errors = [], [], 0
    for i in range(n):
        url = urls[(warmup + i) % len(urls)]
        t0 = time.perf_counter()
        r = client.get(base + url)
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(r.content))
        if r.status_code != 200:
            errors += 1
    return {"cold": cold, "p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "max": max(times),
            "kb": statistics.mean(sizes) / 1024, "errors": errors, "n": n}


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()} cores ({usable} usable){', ' + model if model else ''}; {platform.system()} {platform.release()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1_000_000, help="claims in the synthetic ledger (default 1,000,000)")
    ap.add_argument("--db", type=Path, help="build the ledger here and keep it; reused if it holds --claims claims")
    ap.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0

    import datasette
    import httpx

    from ledger.publish.config import database_name

    tmp = None
    if args.db:
        path = args.db
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="ledger-latency-"))
        path = tmp / "ledger.db"
    try:
        print(f"machine: {machine()}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
              f"Datasette {datasette.__version__}")
        have = ledger_counts(path) if path.exists() else {}
        if have.get("claims") == args.claims:
            added = bring_up_to_date(path)
            print(f"ledger: {path} reused (already holds {args.claims:,} claims"
                  + (f"; ensure_db added {', '.join(added)} and ANALYZE ran again)" if added else ")"))
        else:
            if path.exists():
                print(f"ledger: {path} holds {have.get('claims')} claims, not {args.claims:,}: rebuilt")
                path.unlink()
                for suffix in ("-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            t0 = time.perf_counter()
            built = build_ledger(path, args.claims, args.seed)
            took = time.perf_counter() - t0
            print(f"build: {took:.1f} s for {built['claims']:,} claims ({built['claims'] / took:,.0f} claims/s); "
                  f"offsets checked on {built['offsets_checked']} claims, {built['offsets_bad']} wrong; "
                  f"journal mode {built['journal_mode']}")
        counts = ledger_counts(path)
        size = path.stat().st_size
        print(f"ledger: {size / 2**20:,.0f} MiB; " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

        rng = random.Random(args.seed + 1)
        t = pick_targets(path, rng, max(args.requests, 50), args.seed)
        route = quote(database_name(path), safe="")  # Datasette names a database after its file
        proc, base, startup = start_server(path)
        print(f"server: make_datasette(immutable=True) under uvicorn at {base}, up in {startup:.1f} s; "
              f"{args.requests} sequential requests per page after {args.warmup} warm-up ones")
        try:
            claims = t["claims"]
            top_id, _, top_count = t["top_speakers"][0]
            outlets = t["outlets"]
            pages = [
                ("home page /", ["/"]),
                ("database page /ledger", [f"/{route}"]),
                ("claims table /ledger/claims (6 facets)", [f"/{route}/claims"]),
                ("claims JSON /ledger/claims.json (6 facets)", [f"/{route}/claims.json"]),
                ("search /ledger/-/search?q= (" + ", ".join(f"{w} {h:,}" for w, h in t["searches"]) + " hits)",
                 [f"/{route}/-/search?{urlencode({'q': w})}" for w, _ in t["searches"]]),
                ("table search /ledger/claims?_search= (the search page's 'all matching claims' link, same words)",
                 [f"/{route}/claims?{urlencode({'_search': w})}" for w, _ in t["searches"]]),
                ("claim page /ledger/-/claim/ID (random)",
                 ([f"/{route}/-/claim/{quote(c[0], safe='')}" for c in claims])),
                ("speaker filter /ledger/claims.json?speaker_id=ID&_shape=array (speaker of a random claim)",
                 ([f"/{route}/claims.json?speaker_id={quote(c[1], safe='')}&_shape=array" for c in claims])),
                ("outlet+kind /ledger/claims.json?outlet=X&kind=direct (all outlets)",
                 [f"/{route}/claims.json?{urlencode({'outlet': o, 'kind': 'direct'})}" for o in outlets]),
                ("article page /ledger/-/article/ID (random)",
                 ([f"/{route}/-/article/{quote(c[2], safe='')}" for c in claims])),
                (f"speaker page /ledger/-/speaker/{top_id} (most quoted, {top_count:,} claims)",
                 [f"/{route}/-/speaker/{quote(top_id, safe='')}"]),
                ("speaker page /ledger/-/speaker/ID (the 10 most quoted)",
                 [f"/{route}/-/speaker/{quote(s[0], safe='')}" for s in t["top_speakers"]]),
                ("cluster page /ledger/-/cluster/ID (random)",
                 ([f"/{route}/-/cluster/{quote(c, safe='')}" for c in t["clusters"]])),
                ("facet value /ledger/claims?COLUMN=VALUE (" + ", ".join(f"{c}={v}" for c, v in t["drill"]) + ")",
                 [f"/{route}/claims?{urlencode({c: v})}" for c, v in t["drill"]]),
                ("other tables and views /ledger/TABLE (" + ", ".join(OTHER_TABLES) + ")",
                 [f"/{route}/{name}" for name in OTHER_TABLES]),
            ]
            with httpx.Client(timeout=120) as client:
                for label, urls in pages:
                    m = measure(client, base, urls, args.requests, args.warmup)
                    err = f", {m['errors']} errors" if m["errors"] else ""
                    print(f"  p50 {m['p50']:6.1f}  p95 {m['p95']:6.1f}  max {m['max']:7.1f}  cold {m['cold']:7.1f} ms"
                          f"  {m['kb']:6.1f} KB  {label}{err}", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
