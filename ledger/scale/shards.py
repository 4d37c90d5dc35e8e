"""One input file → one claim shard (`<stem>.claims.jsonl`, one `Prepared.to_json()` per
line), and back: `read_shard` checks every line before the ledger trusts it.

A shard is written under a temporary name and renamed when whole, so a shard that exists under
its own name is finished; a crashed worker leaves only a `.tmp` file nobody reads.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..extract import extract_claims, load_pipeline
from ..models import EXTRACTOR_VERSION, Article
from ..read import ReadError, iter_articles, one_line
from ..read.files import SHARD_SUFFIX, article_files
from ..store.prepare import Prepared, prepare

KEYS = ("article", "claims", "speakers", "dates", "extractor")
ROWS = ("claims", "speakers", "dates")
# Spans a claim row must have; the others (`cue_*`, `setting_*`, …) are checked when present.
REQUIRED_SPANS = ("content", "sentence")


class ShardLineError(ValueError):
    """A shard line that is JSON but not a whole, self-consistent `Prepared`."""


@dataclass
class ShardResult:
    """What one shard holds: plain values, so it travels back from any worker."""
    in_path: str
    out_path: str
    articles: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)


def shard_name(in_path: str | Path) -> str:
    return Path(in_path).stem + SHARD_SUFFIX


def extract_shard(in_path: str | Path, out_path: str | Path, model: str | None = None) -> ShardResult:
    """Extract every article of `in_path` into the shard `out_path`. A document that cannot be
    read, extracted or prepared is left out and reported with one line; a missing model or an
    unwritable `out_path` raises, as that would fail every document alike."""
    out_path = Path(out_path)
    result = ShardResult(str(in_path), str(out_path))
    # load_pipeline is cached per model in each process: one load per worker, not per shard
    nlp = load_pipeline(model)
    # not mkstemp: its 0600 mode would survive the rename and hide the shard from other users
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as out:
            for item in iter_articles([in_path]):
                line = _prepared_line(item, nlp, result)
                if line is not None:
                    out.write(line + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result


def _prepared_line(item: Article | ReadError, nlp, result: ShardResult) -> str | None:
    if isinstance(item, ReadError):
        result.errors.append(str(item))
        return None
    where = f"{item.path}: article '{item.id}'"
    try:
        claims = extract_claims(item, nlp)
    except Exception as e:  # one article's extraction bug must not cost the shard
        result.errors.append(f"{where}: extraction failed: {type(e).__name__}: {one_line(e)}")
        return None
    try:
        prepared = prepare(item, claims, EXTRACTOR_VERSION)
    except Exception as e:
        result.errors.append(f"{where}: not prepared: {one_line(e)}")
        return None
    result.articles += 1
    result.claims += len(claims)
    return json.dumps(prepared.to_json(), ensure_ascii=False)


def find_shards(paths: Iterable[str | Path]) -> list[Path]:
    """The finished shards among `paths` (files, or folders searched for `*.claims.jsonl`);
    temporary files of shards still being written never match."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SHARD_SUFFIX}") if p.is_file()))
        elif path.name.endswith(SHARD_SUFFIX):
            found.append(path)
    return found


def read_shard(path: str | Path) -> Iterator[Prepared | ReadError]:
    """Every article of a shard as `Prepared`, or a `ReadError` naming `path:line` for a line
    that is not JSON, lacks a key, or whose offsets do not reproduce the article's text."""
    try:
        f = open(path, "rb")
    except OSError as e:
        yield ReadError(path, f"cannot read: {e.strerror or e}")
        return
    with f:
        for lineno, raw in enumerate(f, 1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            try:
                yield Prepared.from_json(_check(json.loads(raw.decode("utf-8"))))
            except UnicodeDecodeError as e:
                yield ReadError(path, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at column {e.start + 1})", lineno)
            except json.JSONDecodeError as e:
                yield ReadError(path, f"malformed JSON: {e.msg} (column {e.colno})", lineno)
            except RecursionError:
                yield ReadError(path, "malformed JSON: nested too deeply", lineno)
            except ShardLineError as e:
                yield ReadError(path, str(e), lineno)


def _check(data) -> dict:
    """`data` unchanged if it is a whole, self-consistent `Prepared`, else ShardLineError."""
    if not isinstance(data, dict):
        raise ShardLineError("expected a JSON object with " + ", ".join(KEYS))
    if missing := [k for k in KEYS if k not in data]:
        raise ShardLineError(f"missing key(s): {', '.join(missing)}")
    if extra := sorted(set(data) - set(KEYS)):
        raise ShardLineError(f"unexpected key(s): {', '.join(extra)}")
    article = data["article"]
    if not isinstance(article, dict) or not isinstance(article.get("id"), str) or not article["id"] \
            or not isinstance(article.get("text"), str):
        raise ShardLineError("'article' is not an object with a string id and text")
    if not isinstance(data["extractor"], str):
        raise ShardLineError("'extractor' is not a string")
    for key in ROWS:
        if not isinstance(data[key], list) or not all(isinstance(r, dict) for r in data[key]):
            raise ShardLineError(f"'{key}' is not a list of objects")
    text, article_id = article["text"], article["id"]
    if article.get("sha256") != Article.hash_text(text):
        raise ShardLineError(f"article '{article_id}': sha256 does not match its text")
    for key, row in [("claims", r) for r in data["claims"]] + [("dates", r) for r in data["dates"]]:
        where = f"claim {row.get('id')}" if key == "claims" else "date mention"
        if row.get("article_id") != article_id:
            raise ShardLineError(f"{where}: belongs to article '{row.get('article_id')}', not '{article_id}'")
        if key == "claims" and (missing := [n for n in REQUIRED_SPANS if row.get(f"{n}_start") is None]):
            raise ShardLineError(f"{where}: no {missing[0]} span")
        _check_spans(text, row, where)
    return data


def _check_spans(text: str, row: dict, where: str) -> None:
    """Every `<name>_text/_start/_end` triple (and `<name>_fragments`) in `row` reproduces `text`."""
    for key in row:
        if not key.endswith("_start") or row[key] is None:
            continue
        name = key[: -len("_start")]
        _check_span(text, row.get(f"{name}_text"), row[key], row.get(f"{name}_end"), f"{where}: {name}")
        if frags := row.get(f"{name}_fragments"):
            try:
                parts = [(p["text"], p["start"], p["end"]) for p in json.loads(frags)]
            except (ValueError, TypeError, KeyError):
                raise ShardLineError(f"{where}: {name}_fragments is not a list of spans") from None
            for part in parts:
                _check_span(text, *part, f"{where}: {name} fragment")


def _check_span(text: str, span_text, start, end, where: str) -> None:
    if not (type(start) is int and type(end) is int and isinstance(span_text, str)):
        raise ShardLineError(f"{where}: offsets are not integers with a text")
    if not (0 <= start <= end <= len(text) and text[start:end] == span_text):
        raise ShardLineError(f"{where} offsets {start}-{end} do not reproduce {span_text[:40]!r}")


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Article | ReadError | Prepared]:
    """What `ledger ingest` reads: articles to extract, and claim shards extracted elsewhere
    (files ending .claims.jsonl, or found in folders), in the order given."""
    for path in map(Path, paths):
        shards = find_shards([path])
        if path.is_dir() and shards and not article_files(path):
            pass  # a folder of shards only
        elif not (path.is_file() and path.name.endswith(SHARD_SUFFIX)):
            yield from iter_articles([path])
        for shard in shards:
            yield from read_shard(shard)
