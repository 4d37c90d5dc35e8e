"""Which pairs of claims are worth comparing, found through an inverted index of their words
kept in a scratch SQLite file, not in memory: linking a ledger four times the size takes a
few more integers per claim, not four times the words.

Every claim is written to the file with its keys, each tagged with its family by a first
letter: "s" a three-word run, "c" a content word, "q" a three-word run of its quoted words.
Two claims of different articles are a candidate pair when they share a three-word run or
two content words, counting only keys in at most `common_word` claims (a word most claims
use never proposes a pair). Quoted runs never propose a pair; they are counted for the pairs
proposed, as are, per claim, the keys too common to be indexed: with the sizes of the
claims' key sets, these counts settle most pairs without their words (`overlaps`).

Keys are kept and compared as text, never hashed: two keys are one only when they are the
same words, so the pairs are exactly those an index in memory would give. SQLite sorts them
(the inverted index); the pairs are then added up one block of claims at a time, from what
the index wrote for each block. The file is private to the index and deleted when it is
closed.
"""
from __future__ import annotations

import json
import re
import sqlite3
from array import array
from itertools import groupby
from typing import Iterable, Iterator

FAMILIES = "scq"
STRIDE = 2 * len(FAMILIES)  # numbers per claim in CandidateIndex.counts
NUMBER = re.compile(r"\d+")
# the claim fields stored and given back, in the order ClaimRecord takes them
FIELDS = ("id", "article_id", "speaker_id", "kind", "content", "date", "outlet", "start")
BATCH = 1000  # claims written to the file at a time
BLOCK = 256  # claims (whole articles) whose pairs are added up together: their sums are held
SPILL = 1 << 20  # numbers held for the blocks (4 MB) before they are written to the file
# The keys a pair shares, one count per family packed in one int (a claim has far fewer than
# 2**32 keys): cheaper to add up than a list per pair, over millions of pairs. Packed so,
# n >> 32 = runs * 2**32 + content words, which is 2 or more exactly when the pair shares a
# run (counting as two words) or two content words: the candidate rule.
SHIFT = {"s": 64, "c": 32, "q": 0}
MASK = (1 << 32) - 1
PAIR_WEIGHT = 2


class CandidateIndex:
    """`add` every claim, `build`, then `pairs`; `claim` and `groups` read claims back."""

    def __init__(self) -> None:
        # "": a private temporary file. SQLite keeps only its page cache (2 MB) in memory,
        # and its sorts spill to temporary files past that.
        self.db = sqlite3.connect("")
        self.db.execute("pragma journal_mode = off")  # scratch: nothing to roll back or recover
        self.db.execute("pragma synchronous = off")
        self.db.execute(f"create table claim(i integer primary key, keys text, {', '.join(FIELDS)})")
        # per claim: its number of keys in each family (s, c, q), then how many of those are
        # too common to index (filled by build)
        self.counts = array("i")
        self.first = array("i")  # each claim's article, as the number of its first claim
        self.speaker = array("i")  # each claim's speaker, numbered; 0: none given
        self._pending: list[tuple] = []
        self._article = None

    def __enter__(self) -> CandidateIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()  # deletes the file

    def __len__(self) -> int:
        return len(self.first)

    def add(self, claim, keys: dict[str, set[str]]) -> None:
        """The next claim (an object with FIELDS), numbered in the order added, with its keys
        per family. The claims of an article come one after another."""
        i = len(self)
        if not i or claim.article_id != self._article:
            self._article = claim.article_id
            self.first.append(i)
        else:
            self.first.append(self.first[-1])
        self.counts.extend([len(keys[f]) for f in FAMILIES] + [0] * len(FAMILIES))
        tagged = json.dumps([f + k for f in FAMILIES for k in keys[f]], ensure_ascii=False)
        self._pending.append((i, tagged, *(getattr(claim, name) for name in FIELDS)))
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany(f"insert into claim values ({', '.join('?' * (len(FIELDS) + 2))})", self._pending)
        self._pending = []

    def build(self, common_word: int) -> None:
        """Index the claims added. A key in 2..common_word claims is written down, for each of
        them but those of its first article, with the claims of earlier articles that have it
        (what `pairs` adds up); a key in more is counted in `common`; a key in one claim
        proposes nothing."""
        self._flush()
        if self.db.execute("select count(*) from (select 1 from claim group by article_id "
                           "having max(i) - min(i) + 1 > count(*))").fetchone()[0]:
            raise ValueError("the claims of an article must come one after another")
        self.db.execute("create table earlier(block int, records blob)")
        blocks: dict[int, array] = {}
        held = 0
        for key, n, claims in self.db.execute(
                "select k.value, count(*), group_concat(c.i) from claim c, json_each(c.keys) k "
                "group by k.value having count(*) > 1"):
            if n > common_word:
                self._count_common(key[0], claims)
                continue
            held += self._record(blocks, key[0], sorted(map(int, claims.split(","))))
            if held > SPILL:
                self._spill(blocks)
                held = 0
        self._spill(blocks)
        # numbers, not names, to tell speakers apart in memory
        self.speaker.extend(sp for sp, in self.db.execute(
            "select case when speaker_id is null or speaker_id = '' then 0 "
            "else dense_rank() over (order by speaker_id) end from claim order by i"))

    def _count_common(self, family: str, claims: str) -> None:
        # read number by number: a common key's list of claims may be long
        counts, at = self.counts, len(FAMILIES) + FAMILIES.index(family)
        for i in NUMBER.finditer(claims):
            counts[STRIDE * int(i.group()) + at] += 1

    def _record(self, blocks: dict[int, array], family: str, ids: list[int]) -> int:
        """Write down a key's claims (ids, in order) in the blocks of the claims concerned, an
        article at a time: (family, k, m, the k claims of earlier articles, the article's m
        claims). Returns how many numbers were written."""
        code, held, k = FAMILIES.index(family), 0, 0
        for article, claims in groupby(ids, key=self.first.__getitem__):  # an article's claims are together
            claims = list(claims)
            if k:
                block = blocks.get(article // BLOCK)
                if block is None:
                    block = blocks[article // BLOCK] = array("i")
                block.extend((code, k, len(claims)))
                block.extend(ids[:k])
                block.extend(claims)
                held += 3 + k + len(claims)
            k += len(claims)
        return held

    def _spill(self, blocks: dict[int, array]) -> None:
        self.db.executemany("insert into earlier values (?, ?)", ((b, a.tobytes()) for b, a in blocks.items()))
        blocks.clear()

    def pairs(self) -> Iterator[tuple[int, list[tuple[int, int]]]]:
        """For each claim i that has candidates, in order: the candidates j < i, each with the
        number of indexed keys they share per family, packed (see SHIFT)."""
        steps = [1 << SHIFT[f] for f in FAMILIES]
        rows = self.db.execute("select block, records from earlier order by block, rowid")
        for _, spilled in groupby(rows, key=lambda row: row[0]):
            sums: dict[int, dict[int, int]] = {}
            for _, records in spilled:
                a = array("i", records)
                pos, end = 0, len(a)
                while pos < end:
                    step, k, m = steps[a[pos]], a[pos + 1], a[pos + 2]
                    pos += 3
                    earlier = a[pos:pos + k]
                    for i in a[pos + k:pos + k + m]:
                        shared = sums.get(i)
                        if shared is None:
                            shared = sums[i] = {}
                        for j in earlier:
                            shared[j] = shared.get(j, 0) + step
                    pos += k + m
            for i in sorted(sums):
                yield i, [(j, n) for j, n in sums[i].items() if n >> SHIFT["c"] >= PAIR_WEIGHT]

    def overlaps(self, i: int, j: int, shared: int, *, most: bool) -> tuple[bool, int, int, int, int, int, int]:
        """Whether claims i and j have the same speaker, then for each family (s, c, q): the
        keys they share and the keys of the one with fewer. They share at least the indexed
        keys counted (`shared`, packed), at most those and as many common keys as the one
        with fewer has."""
        a, x, y, sp = self.counts, STRIDE * i, STRIDE * j, self.speaker[i]
        s, c, q = shared >> SHIFT["s"], shared >> SHIFT["c"] & MASK, shared & MASK
        if most:
            s += a[x + 3] if a[x + 3] < a[y + 3] else a[y + 3]
            c += a[x + 4] if a[x + 4] < a[y + 4] else a[y + 4]
            q += a[x + 5] if a[x + 5] < a[y + 5] else a[y + 5]
        return (sp != 0 and sp == self.speaker[j], s, a[x] if a[x] < a[y] else a[y],
                c, a[x + 1] if a[x + 1] < a[y + 1] else a[y + 1], q, a[x + 2] if a[x + 2] < a[y + 2] else a[y + 2])

    def claim(self, i: int) -> tuple[tuple, dict[str, set[str]]]:
        """Claim i's fields (FIELDS) and its keys per family, as added."""
        keys, *fields = self.db.execute(f"select keys, {', '.join(FIELDS)} from claim where i = ?", [i]).fetchone()
        out: dict[str, set[str]] = {f: set() for f in FAMILIES}
        for k in json.loads(keys):
            out[k[0]].add(k[1:])
        return tuple(fields), out

    def groups(self, roots: Iterable[int]) -> Iterator[list[tuple]]:
        """The claims of each group of two or more (roots: each claim's group, as the number of
        its lowest claim, in order), as fields, each group ordered by (date, article, start),
        the groups by their first claim's then by root; a claim without a date comes after the
        dated ones."""
        self.db.execute("create table grp(i integer primary key, root int)")
        self.db.executemany("insert into grp values (?, ?)", enumerate(roots))
        rows = self.db.execute(f"""
            select root, {', '.join('c.' + name for name in FIELDS)} from (
                select g.root, c.i, count(*) over (partition by g.root) as n,
                       first_value(c.i) over (partition by g.root order by {_order('c')}, c.i) as first
                from grp g join claim c on c.i = g.i) m
            join claim c on c.i = m.i
            join claim f on f.i = m.first
            where m.n > 1
            order by {_order('f')}, root, {_order('c')}, c.i""")
        for _, group in groupby(rows, key=lambda row: row[0]):
            yield [tuple(row[1:]) for row in group]


def _order(alias: str) -> str:
    # as cluster_claims orders claims: (date or "9999", article, start)
    return f"coalesce(nullif({alias}.date, ''), '9999'), {alias}.article_id, {alias}.start"
