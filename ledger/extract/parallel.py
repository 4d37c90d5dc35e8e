"""Extraction in worker processes (`ledger ingest --workers N`).

Articles (plain text and metadata) go to the workers; prepared rows (plain JSON-able dicts)
come back; the parent alone touches the ledger. spaCy's own `n_process` pickles whole Docs and
was slower than one process here. Workers never open the database: a SQLite connection made
in a forked child can wait forever on locks the parent's copied state says it holds.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from multiprocessing.pool import AsyncResult
from typing import Callable, Iterable, Iterator

from ..models import Article
from ..read import ReadError
from ..store.prepare import Failed, Prepared, Unchanged, prepare

AHEAD = 8  # articles queued per worker: enough to keep them busy while the parent writes

_worker: dict = {}


def _start(model: str | None, extractor: str) -> None:
    from .pipeline import load_pipeline

    _worker.update(nlp=load_pipeline(model), extractor=extractor)


def _work(article: Article) -> Prepared | Failed:
    from .pipeline import extract_claims

    try:
        claims = extract_claims(article, _worker["nlp"])
    except Exception as e:  # noqa: BLE001  one article's bug must not stop the batch
        return Failed(article, f"extraction failed: {type(e).__name__}: {e}")
    try:
        return prepare(article, claims, _worker["extractor"])
    except Exception as e:  # noqa: BLE001  offsets that do not reproduce: reported by the parent
        return Failed(article, f"not stored: {type(e).__name__}: {e}")


def prepared_in_workers(items: Iterable[Article | ReadError | Prepared], workers: int, *,
                        extractor: str, model: str | None = None,
                        unchanged: Callable[[Article], bool] = lambda a: False,
                        ) -> Iterator[Prepared | ReadError | Unchanged | Failed]:
    """`items` in the order given, every Article replaced by its prepared rows (or Unchanged,
    when `unchanged` says the ledger holds it as it is: checked here, in the parent)."""
    # fork shares the loaded modules; each worker builds its own pipeline
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_start, initargs=(model, extractor)) as pool:
        pending: deque = deque()
        for item in items:
            if isinstance(item, Article):
                item = Unchanged(item.id, item.path) if unchanged(item) else pool.apply_async(_work, (item,))
            pending.append(item)
            while pending and (len(pending) > AHEAD * workers or _ready(pending[0])):
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _ready(item) -> bool:
    return not isinstance(item, AsyncResult) or item.ready()


def _result(item):
    return item.get() if isinstance(item, AsyncResult) else item
