"""The package's data files (word lists, tables, JSON), read the same way by every module."""
from __future__ import annotations

import csv
from importlib import resources


def data_path(name: str):
    path = resources.files("ledger") / "data" / name
    if not path.is_file():
        # rules without their word lists find almost nothing: refuse to run instead
        raise FileNotFoundError(f"ledger's data file {name} is missing from the installed package")
    return path


def read_lines(name: str) -> list[str]:
    """Non-empty lines of a data file, without '#' comments; its first line is a header."""
    out = []
    for line in data_path(name).read_text(encoding="utf-8").splitlines()[1:]:
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_tsv(name: str) -> list[dict]:
    """The rows of a tab-separated data file with a header line; '#' lines are comments."""
    lines = [x for x in data_path(name).read_text(encoding="utf-8").splitlines()
             if x.strip() and not x.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))
