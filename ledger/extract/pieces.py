"""What the tokenizer is given, for long and hostile texts: pieces of a text too long to
extract whole, cuts in runs without spaces, invisible marks read as spaces; and the claims
found in a piece shifted back into the whole text."""
from __future__ import annotations

import re

import numpy

from ..models import Claim, Span
from .codes import code_points

# Longer texts are extracted in pieces of at most this many characters, cut at line breaks:
# three times the longest PolNeAR article, and small enough that the rules' per-article costs
# that grow with the square of the length stay small. A text this short is one piece, as before.
CHUNK_CHARS = 100_000
# spaCy's tokenizer takes time that grows faster than the square of a word's length when the
# word is punctuation it splits off character by character (20,000 "!?" took two minutes):
# runs without whitespace longer than this are tokenised in pieces of this length.
RUN_CHARS = 100
_LONG_RUN = re.compile(r"\s(\S{%d,})" % (RUN_CHARS + 1))


# Invisible marks that stand between words: zero-width space, direction marks, bidi embeddings
# and isolates, word joiner, byte-order mark. Glued to a word they hid it from the word lists
# ("said\u200f" was no cue) and stuck to speakers' names. (Zero-width joiners and soft hyphens
# sit inside words and are left alone.)
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def invisible_as_spaces(text: str) -> str:
    """`text` with the marks above as spaces, one for one, so every offset stays the same."""
    return _INVISIBLE.sub(" ", text) if not text.isascii() and _INVISIBLE.search(text) else text


def is_blank(word: str) -> bool:
    """A token of spaces (a doubled space is a token of its own) or of invisible marks, which
    tokenise as spaces (`invisible_as_spaces`) but keep their own text."""
    # the marks are not ASCII: an ASCII word is blank only if it is spaces
    return word.isspace() or (not word.isascii() and not _INVISIBLE.sub("", word).strip())


def is_inline_blank(word: str) -> bool:
    """A blank token within a line (a doubled space, a direction mark): never a line break."""
    return is_blank(word) and "\n" not in word


def past_inline_blanks(words: list[str], i: int, end: int) -> int:
    """The first of words[i:end] that is not an inline blank (`end` when all are)."""
    while i < end and is_inline_blank(words[i]):
        i += 1
    return i


def text_chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces covering `text`, each at most `size` long, cut after the last line
    break in the second half of a piece, else after its last whitespace, else at `size`."""
    pieces, start, n = [], 0, len(text)
    while n - start > size:
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit) + 1
        if not cut:
            cut = max(text.rfind(" ", start + size // 2, limit), text.rfind("\t", start + size // 2, limit)) + 1
        cut = cut or limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


def run_cuts(text: str, size: int = RUN_CHARS) -> list[int]:
    """Offsets that cut every whitespace-free run longer than `size` into pieces of `size`."""
    # most texts: the regular expression (it finds runs longer than RUN_CHARS, whatever `size`),
    # which enters its matcher at every space, is not run
    if _run_bound(text) <= RUN_CHARS:
        return []
    cuts = []
    for m in _LONG_RUN.finditer(" " + text):  # the space: a run may open the text
        start, end = m.start(1) - 1, m.end(1) - 1
        cuts.extend(range(start + size, end, size))
    return cuts


def _run_bound(text: str) -> int:
    """At least the length of the longest run without whitespace: the longest without a space or a
    line break (rarer whitespace only makes runs shorter), counted in numpy."""
    codes = code_points(" " + text + " ")  # (every run then lies between two breaks)
    breaks = numpy.flatnonzero((codes == ord(" ")) | (codes == ord("\n")))
    return int(numpy.diff(breaks).max()) - 1


def shift_claim(claim: Claim, by: int) -> Claim:
    """A claim found in a piece of a text that starts at `by`, with offsets (and so its id)
    into the whole text."""
    spans = {name: _shift(value, by) for name, value in claim if isinstance(value, Span)}
    content = spans["content"]
    return claim.model_copy(update={**spans, "id": Claim.make_id(claim.article_id, content.start, content.end)})


def _shift(span: Span, by: int) -> Span:
    fragments = [_shift(f, by) for f in span.fragments] if span.fragments else span.fragments
    return Span(text=span.text, start=span.start + by, end=span.end + by, fragments=fragments)
