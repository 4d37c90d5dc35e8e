"""Union-find over the indexes 0..n-1: speakers linked into one, claims into one cluster."""
from __future__ import annotations

from array import array
from collections import defaultdict


class DisjointSets:
    def __init__(self, n: int):
        self.parent = array("i", range(n))  # four bytes an index: a ledger's claims all fit

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)  # the earlier one stays the root: stable order

    def groups(self) -> dict[int, list[int]]:
        """root → its members, in index order."""
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return out
