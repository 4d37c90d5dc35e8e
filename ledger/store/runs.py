"""Bookkeeping for one `ledger ingest`: counters, and its row in ingest_runs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from .ingest import IngestResult, utcnow


@dataclass
class RunStats:
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    claims_written: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.errors)

    def add(self, result: IngestResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.claims_written += result.claims_written

    def summary(self) -> str:
        claims = "claim" if self.claims_written == 1 else "claims"
        return (f"{self.read} read: {self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.skipped} failed; "
                f"{self.claims_written} {claims} written")

    def row(self) -> dict:
        return {"articles_read": self.read, "articles_new": self.new,
                "articles_changed": self.changed, "articles_unchanged": self.unchanged,
                "articles_skipped": self.skipped, "claims_written": self.claims_written,
                "errors": json.dumps(self.errors, ensure_ascii=False)}


def start_run(db: sqlite_utils.Database, paths, *, extractor: str, model: str | None = None) -> int:
    """Written first, so an interrupted run still shows up (with no `finished`)."""
    with db.atomic():
        table = db.table("ingest_runs").insert(
            {"started": utcnow(), "paths": json.dumps([str(p) for p in paths], ensure_ascii=False),
             "model": model, "extractor": extractor, **RunStats().row()})
    return table.last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, stats: RunStats, *, finished: bool = True) -> None:
    with db.atomic():
        db.table("ingest_runs").update(run_id, {**stats.row(), "finished": utcnow() if finished else None})
