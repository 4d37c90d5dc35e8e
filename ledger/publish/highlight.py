"""Article text cut into marked pieces, and search matches made safe: pure functions.

Article text is untrusted. Pages never build HTML from it: `pieces` returns plain strings that
the templates escape (Jinja autoescape), and `marked_html` escapes a search result first and
only then turns the sentinel characters SQLite put around each match into <mark> elements.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

# What FTS `highlight()`/`snippet()` put around a match: control characters that do not occur
# in news text, so the text around them can be escaped without touching the markers.
OPEN, CLOSE = "\x02", "\x03"
_MARKERS = re.compile(f"([{OPEN}{CLOSE}])")


@dataclass(frozen=True)
class Mark:
    """A stretch of the text to mark: `kind` names its part (content, cue, speaker …)."""
    start: int
    end: int
    kind: str
    href: str | None = None
    title: str | None = None
    number: int | None = None  # the claim's place in reading order, shown where it starts


@dataclass(frozen=True)
class Piece:
    text: str
    marks: tuple[Mark, ...] = ()
    starts: tuple[Mark, ...] = ()  # marks that begin at this piece

    @property
    def classes(self) -> str:
        return " ".join(sorted({f"hl-{m.kind}" for m in self.marks}))

    @property
    def link(self) -> Mark | None:
        """The innermost mark with a link: where a click on this piece should go."""
        linked = [m for m in self.marks if m.href]
        return min(linked, key=lambda m: (m.end - m.start, m.start)) if linked else None


def pieces(text: str, marks: list[Mark], offset: int = 0) -> list[Piece]:
    """`text` (which starts at `offset` in its article) cut where any mark starts or ends.

    Marks may overlap or nest; each piece lists every mark covering it, so overlapping claims
    never need nested links. Marks outside the text are clipped or dropped.
    """
    end_of_text = offset + len(text)
    kept = [m for m in marks if m.start < end_of_text and m.end > offset and m.end > m.start]
    cuts = sorted({offset, end_of_text}
                  | {max(offset, m.start) for m in kept} | {min(end_of_text, m.end) for m in kept})
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = tuple(m for m in kept if m.start <= a and m.end >= b)
        starting = tuple(m for m in covering if max(offset, m.start) == a)
        piece_text = text[a - offset:b - offset]
        if out and out[-1].marks == covering and not starting:
            out[-1] = Piece(out[-1].text + piece_text, covering, out[-1].starts)
        else:
            out.append(Piece(piece_text, covering, starting))
    return out


def marked_html(value: str | None) -> Markup:
    """A `highlight()`/`snippet()` result as HTML: all of it escaped, the matches in <mark>.

    Markers are paired as they come; a stray one (unbalanced) is dropped rather than
    trusted, so the result is always well-formed.
    """
    out, depth = [], 0
    for part in _MARKERS.split(value or ""):
        if part == OPEN:
            if depth == 0:
                out.append("<mark>")
            depth += 1
        elif part == CLOSE:
            if depth == 1:
                out.append("</mark>")
            depth = max(0, depth - 1)
        else:
            out.append(str(escape(part)))
    if depth:
        out.append("</mark>")
    return Markup("".join(out))
