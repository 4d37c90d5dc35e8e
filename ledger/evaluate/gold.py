"""Read a gold file (one document per line, the format `score.py` reads) and check it, so that
bad input is one line naming the file and line instead of a traceback deep in the scorer."""
from __future__ import annotations

import json
from pathlib import Path


class GoldError(Exception):
    def __init__(self, path, problem: str, line: int | None = None):
        self.path, self.problem, self.line = str(path), problem, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"


def read_gold(path: str | Path, *, split: str | None = None, limit: int | None = None) -> list[dict]:
    """The gold documents of `path` in file order: only those of `split` when given, and only
    the first `limit` of them. Every line is checked, even past the limit, so that a bad file
    fails the same way whatever the options."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise GoldError(path, f"cannot read: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise GoldError(path, f"not UTF-8 text (byte 0x{data[e.start]:02x})", line) from None
    docs = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue  # score.py would choke on a blank line; we let it pass
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(path, f"malformed JSON: {e.msg} (column {e.colno})", lineno) from None
        problem = check_document(doc)
        if problem:
            raise GoldError(path, problem, lineno)
        if split and doc.get("split") != split:
            continue
        docs.append(doc)
    if not docs:
        raise GoldError(path, f"no documents of split '{split}'" if split else "no gold documents")
    return docs[:limit] if limit is not None else docs


def check_document(doc) -> str | None:
    """What is wrong with one gold line, or None: everything the scorer reads is checked."""
    if not isinstance(doc, dict):
        return "expected a JSON object with id, text and attributions"
    for key in ("id", "text", "attributions"):
        if key not in doc or doc[key] is None:
            return f"document has no '{key}'"
    # Predicted claims name their article by a string id; an int id would never match one.
    if not isinstance(doc["id"], str) or not doc["id"]:
        return "'id' is not a non-empty string"
    if not isinstance(doc["text"], str):
        return "'text' is not a string"
    if not isinstance(doc["attributions"], list):
        return "'attributions' is not a list"
    n = len(doc["text"])
    for k, att in enumerate(doc["attributions"], 1):
        where = f"attribution {k}"
        if not isinstance(att, dict):
            return f"{where} is not an object"
        problem = _check_span(att.get("content"), n, required=True)
        if problem:
            return f"{where}: content {problem}"
        for key in ("source", "cue"):
            problem = _check_span(att.get(key), n, required=False)
            if problem:
                return f"{where}: {key} {problem}"
        name = att.get("speaker_name")
        if name is not None and not isinstance(name, str):
            return f"{where}: speaker_name is not a string"
    return None


def _check_span(span, n: int, *, required: bool) -> str | None:
    if span is None:
        return "is missing" if required else None
    if not isinstance(span, dict):
        return "is not an object with start and end"
    parts = span.get("fragments") or [span]
    if not isinstance(parts, list):
        return "fragments is not a list"
    for part in [span, *parts]:
        if not isinstance(part, dict):
            return "has a fragment that is not an object"
        st, en = part.get("start"), part.get("end")
        if not (_is_int(st) and _is_int(en)):
            return "has no integer start and end"
        if not 0 <= st <= en <= n:
            return f"offsets {st}-{en} are outside the text ({n} characters)"
    # score.py reads the content's text (is it quoted?); the other spans' text is optional.
    if (required or "text" in span) and not isinstance(span.get("text"), str):
        return "has no text"
    return None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)
