"""Files and folders → `Article`s (or `ReadError`s, one per bad document)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import ValidationError

from ..models import Article
from .errors import ReadError
from .metadata import normalise_date, parse_txt_metadata

SUFFIXES = (".txt", ".json", ".jsonl")
MANIFEST = "manifest.json"
# Claim shards (ledger extract-shards) are JSONL too, but hold extracted rows, not articles.
SHARD_SUFFIX = ".claims.jsonl"
# Twice spaCy's default limit and sixty times the longest PolNeAR article: a longer "article"
# is a dump or a mistake, and extracting it would take minutes (about 100,000 characters/s).
MAX_TEXT_CHARS = 2_000_000
BINARY_SNIFF = 8192  # bytes looked at to tell a binary file


def article_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and p.name != MANIFEST and not p.name.endswith(SHARD_SUFFIX))


def iter_articles(paths: Iterable[str | Path]) -> Iterator[Article | ReadError]:
    """Every article under `paths`, in a stable order; folders are walked for .txt/.json/.jsonl."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = article_files(path)
            if not files:
                yield ReadError(path, "folder holds no .txt, .json or .jsonl files")
            for f in files:
                yield from read_path(f)
        elif not path.exists():
            yield ReadError(path, "no such file or folder")
        else:
            yield from read_path(path)


def read_path(path: Path) -> Iterator[Article | ReadError]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":  # read line by line: an archive's JSONL is never held whole
        yield from _read_jsonl(path)
        return
    try:
        # a .txt file is one article: one too big to be one (a character is at most 4 bytes)
        # is refused unread, so that a stray multi-gigabyte file cannot exhaust memory
        text = _decode(path, max_bytes=4 * MAX_TEXT_CHARS if suffix == ".txt" else None)
    except ReadError as e:
        yield e
        return
    if suffix == ".json":
        yield from _read_json(path, text)
    else:
        yield _read_txt(path, text)


def _binary(data: bytes) -> bool:
    """A NUL byte near the start: no text format we read has one."""
    return b"\x00" in data[:BINARY_SNIFF]


def _decode(path: Path, max_bytes: int | None = None) -> str:
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise ReadError(path, f"file is {size:,} bytes, longer than the {MAX_TEXT_CHARS:,} characters "
                                  "an article may have")
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(path, f"cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise ReadError(path, "empty file")
    if _binary(data):
        raise ReadError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(path, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def _manifest_entry(path: Path) -> dict:
    """What the folder's manifest.json knows of this file: it overrides what the text says."""
    manifest = path.parent / MANIFEST
    if not manifest.is_file():
        return {}
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entry = entries.get(path.name) if isinstance(entries, dict) else None
    return entry if isinstance(entry, dict) else {}


def _read_txt(path: Path, text: str) -> Article | ReadError:
    if len(text) > MAX_TEXT_CHARS:  # before reading metadata from every line of it
        return ReadError(path, _too_long(text))
    meta = parse_txt_metadata(text)
    for key, value in _manifest_entry(path).items():
        if key in ("title", "date", "outlet", "url"):
            meta[key] = value
    return _article(path, None, {"id": path.stem, "text": text, **meta})


def _read_json(path: Path, text: str) -> Iterator[Article | ReadError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield ReadError(path, f"malformed JSON: {e.msg} (column {e.colno})", line=e.lineno)
        return
    docs = data if isinstance(data, list) else [data]
    for i, doc in enumerate(docs):
        if isinstance(doc, dict) and "id" not in doc and len(docs) == 1:
            doc = {**doc, "id": path.stem}
        yield _article(path, None, doc, where=f"document {i + 1}" if len(docs) > 1 else None)


def _read_jsonl(path: Path) -> Iterator[Article | ReadError]:
    """One document per line, read as the file is walked; a line that is not UTF-8 or not JSON
    is reported with its number and costs only itself."""
    try:
        f = path.open("rb")
    except OSError as e:
        yield ReadError(path, f"cannot read: {e.strerror or e}")
        return
    with f:
        try:
            if _binary(f.read(BINARY_SNIFF)):
                yield ReadError(path, "binary file, not text")
                return
            f.seek(0)
            offset, documents = 0, 0
            for lineno, raw in enumerate(f, 1):
                start, offset = offset, offset + len(raw)
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark
                    raw, start = raw[3:], 3
                if not raw.strip():
                    continue
                documents += 1
                try:
                    line = raw.decode("utf-8").rstrip("\r\n")  # so a column is counted on its own line
                except UnicodeDecodeError as e:
                    yield ReadError(path, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {start + e.start})",
                                    line=lineno)
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as e:
                    yield ReadError(path, f"malformed JSON: {e.msg} (column {e.colno})", line=lineno)
                    continue
                yield _article(path, lineno, doc)
        except OSError as e:
            yield ReadError(path, f"cannot read: {e.strerror or e}")
            return
    if not documents:
        yield ReadError(path, "empty file")


def _article(path: Path, line: int | None, doc, where: str | None = None) -> Article | ReadError:
    prefix = f"{where}: " if where else ""
    if not isinstance(doc, dict):
        return ReadError(path, f"{prefix}expected a JSON object with id and text", line)
    for key in ("id", "text"):
        if doc.get(key) in (None, ""):
            return ReadError(path, f"{prefix}document has no '{key}'", line)
    if not isinstance(doc["text"], str):
        return ReadError(path, f"{prefix}'text' is not a string", line)
    if not doc["text"].strip():
        return ReadError(path, f"{prefix}'text' is empty", line)
    if len(doc["text"]) > MAX_TEXT_CHARS:
        return ReadError(path, f"{prefix}{_too_long(doc['text'])}", line)
    try:
        return Article(
            id=str(doc["id"]),
            text=doc["text"],
            title=_opt_str(doc.get("title")),
            date=normalise_date(doc.get("date")),
            outlet=_opt_str(doc.get("outlet")),
            url=_opt_str(doc.get("url")),
            path=str(path),
            sha256=Article.hash_text(doc["text"]),
        )
    except ValidationError as e:
        first = e.errors()[0]
        return ReadError(path, f"{prefix}{'.'.join(map(str, first['loc']))}: {first['msg']}", line)


def _too_long(text: str) -> str:
    return f"text is {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} an article may have"


def _opt_str(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
