"""Characters as code points in numpy, for the rules that test one character of many tokens
or of a whole text: one array operation per document instead of a Python test per character."""
from __future__ import annotations

import numpy


def code_points(text: str) -> numpy.ndarray:
    # numpy.array copies a str's characters as code points: a view of them as integers costs
    # a third of text.encode("utf-32")
    return numpy.array([text]).view(numpy.uint32)


def code_table(chars) -> numpy.ndarray:
    """A look-up table of code points: True at each of `chars`, and False in its last entry,
    where `in_table` sends every code point past the table."""
    table = numpy.zeros(max(map(ord, chars)) + 2, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def in_table(codes: numpy.ndarray, table: numpy.ndarray) -> numpy.ndarray:
    return table.take(codes, mode="clip")  # (one pass: no array of clipped codes in between)
