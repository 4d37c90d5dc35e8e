"""The faster scans of dates.py find exactly what the plainer ones they replaced found: compared on
random strings made of the grammar's own words, and on the PolNeAR texts when they are checked out
next to the repository (../shared/eval; skipped otherwise, e.g. in CI on a clean clone)."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from re import _compiler, _parser

import pytest

from ledger.resolve import dates

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-train.jsonl"
CACHED = (dates._parts, dates._grammar, dates._scanner, dates._full, dates._trigger, dates._number_tests,
          dates._setting_pattern, dates._clause_break)


def polnear_texts(n: int = 300) -> list[str]:
    if not TRAIN.is_file():
        pytest.skip("needs ../shared/eval (PolNeAR)")
    with TRAIN.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line, _ in zip(f, range(n)) if line.strip()]


def random_texts(n: int = 400, seed: int = 7) -> list[str]:
    """Strings of the grammar's and the settings' words, capitalised or not, with digits,
    punctuation and a few non-ASCII letters and digits between them."""
    w = dates._words()
    vocab = [p for key, v in w.items() for p in (v if isinstance(v, list) else list(v))]
    vocab += list(dates.WEEKDAYS) + list(dates.MONTHS) + list(dates.MONTH_ABBREVIATIONS)
    vocab += ["said", "the", "In", "At", "On", "Speaking", "Istanbul", "CNN", "UN", "press", "conference", "2016",
              "5", "31st", "1999", "ſpeaking", "İn", "ıt", "٣", "²", "é", "Ankara", "Post", "Mr.", "x",
              "in a statement", "during a press conference in Istanbul", "speaking to reporters in Paris",
              "at the UN General Assembly", "in an interview with CNN", "on a visit to Ankara", "addressing the nation"]
    seps = [" ", " ", " ", ", ", ". ", "-", "\n", "“", "”", "'", "(", ")", ";", "_", ""]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(vocab) for _ in range(rng.randint(1, 30))]
        words = [x.capitalize() if rng.random() < 0.2 else x for x in words]
        out.append("".join(x + rng.choice(seps) for x in words))
    return out


def clear_caches():
    for f in CACHED:
        f.cache_clear()


def old_alt(phrases) -> str:
    """dates._alt as it was: every node's alternatives in a group of their own."""
    trie: dict = {}
    for phrase in set(phrases):
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}
    return "(?:" + old_branches(trie) + ")"


def old_branches(node: dict) -> str:
    parts = [(r"\s+" if ch == " " else re.escape(ch)) + old_branches(child) for ch, child in sorted(node.items()) if ch]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in node else body


def old_ci(phrases) -> str:
    return "(?i:" + old_alt({p.lower() if p.isascii() else p for p in phrases}) + ")"


def patterns() -> list[str]:
    clear_caches()
    return ([dates._scanner().pattern, dates._trigger().pattern, dates._setting_pattern().pattern,
             dates._clause_break().pattern] + [p.pattern for p in dates._full().values()]
            + [p.pattern for p in dates._number_tests()])


def test_tries_without_doubled_groups_compile_to_the_same_code(monkeypatch):
    # the same compiled program: the same matches, in every text
    try:
        new = patterns()
        with monkeypatch.context() as m:
            m.setattr(dates, "_alt", old_alt)
            m.setattr(dates, "_ci", old_ci)
            old = patterns()
        assert [len(p) for p in new] != [len(p) for p in old]  # the patterns did change
        for a, b in zip(old, new):
            assert _compiler._code(_parser.parse(a, 0), 0) == _compiler._code(_parser.parse(b, 0), 0)
    finally:
        clear_caches()


def old_anchors(text: str, start: int, end: int) -> list[int]:
    """dates._anchors as it was: the trigger words with no first-character test before them."""
    w = dates._words()
    names = list(dates.WEEKDAYS) + list(dates.MONTHS) + list(dates.MONTH_ABBREVIATIONS)
    last = {p.split()[-1] for p in w["relative"]} | {"ago"}
    word = rf"(?:{dates._alt(names + sorted(last) + sorted(x.capitalize() for x in last))}\b|\d)"
    found = [0] if start == 0 and re.compile(word).match(text, 0, end) else []
    after_break = re.compile(rf"{dates._BREAK}\b{word}")
    return found + [m.start() + 1 for m in after_break.finditer(text, max(start - 1, 0), end)]


@pytest.mark.parametrize("source", ["random", "polnear"])
def test_trigger_first_character_test_finds_the_same_anchors(source):
    texts = random_texts() if source == "random" else polnear_texts()
    for text in texts:
        for start, end in ((0, len(text)), (1, len(text)), (len(text) // 3, len(text) - 1)):
            assert list(dates._anchors(text, start, end)) == old_anchors(text, start, end), (text, start, end)


def old_setting_patterns() -> tuple[re.Pattern, re.Pattern]:
    """dates._setting_pattern as it was: the tail in each alternative, and a second pattern for
    the setting at the start of the text."""
    alt, ci, w = dates._alt, dates._ci, dates._words()
    names = alt(list(dates.WEEKDAYS) + list(dates.MONTHS) + list(dates.MONTH_ABBREVIATIONS))
    cap = rf"(?!{names}\b)[A-Z][\w.&’'-]*"
    place = rf"{cap}(?:\s+(?:(?:of|on|for|and|the|de|del|al)\s+)?{cap})*"
    np = rf"(?:(?:(?i:the)\s+)?{place}|{ci(w['setting_audiences'])}\b)"
    tail = rf"(?:\s+{alt(w['setting_tail_preps'])}\s+{np})*"
    modifier = rf"(?:(?!{alt(w['setting_stop'])}\b)[a-z][a-z-]*|{cap})"
    det = ci(w["setting_determiners"])
    events = (rf"(?:{det}\s+(?:{modifier}\s+){{0,3}}{alt(w['setting_events'])}s?"
              rf"|(?:{modifier}\s+){{0,2}}{alt(w['setting_bare_events'])})\b")
    on_events = rf"{det}\s+(?:{modifier}\s+){{0,3}}{alt(w['setting_on_events'])}s?\b"
    speaking = ci(w["setting_speaking"])
    keys = ("setting_speaking", "setting_leads", "setting_addressing")
    openers = {p.split()[0] for key in keys for p in w[key]} | {"on"}
    starts = {p[0].lower() for p in openers}
    first = re.escape("".join(sorted(starts | {c.upper() for c in starts})))
    setting = (rf"(?=[{first}])(?={ci(openers)}\s)\b(?:(?:{speaking}\s+)?{ci(w['setting_leads'])}\s+{events}{tail}"
               rf"|(?:{speaking}\s+)?(?i:on)\s+{on_events}{tail}"
               rf"|{speaking}\s+{ci(w['setting_speaking_preps'])}\s+{np}{tail}"
               rf"|{ci(w['setting_addressing'])}\s+{np}{tail})")
    return re.compile(rf"({setting})"), re.compile(rf"{dates._BREAK}({setting})")


def setting_texts(source: str) -> list[str]:
    if source == "random":
        return random_texts(600, seed=11)
    # PolNeAR: stretches of 200 characters, each searched with its own end
    return [t[i:i + 200] for t in polnear_texts(150) for i in range(0, len(t), 90)]


@pytest.mark.parametrize("source", ["random", "polnear"])
def test_factored_setting_pattern_finds_the_same_settings(source):
    alone, after_break = old_setting_patterns()
    n = 0
    for text in setting_texts(source):
        for s0 in (0, 1, len(text) // 2):
            s1 = len(text)
            old = (s0 == 0 and alone.match(text, 0, s1)) or after_break.search(text, max(s0 - 1, 0), s1)
            old_span = old.span(1) if old else None
            new = find_setting_segment(text, s0, s1)
            assert new == old_span, (text, s0)
            n += old is not None
    assert n > 20  # enough settings were found to compare


def find_setting_segment(text: str, s0: int, s1: int):
    """The untrimmed span find_setting's search gives for one segment."""
    after_break = dates._setting_pattern()
    if s0 == 0:
        m = dates._match_at_start(after_break, text, s1)
        if m:
            return m.start(1) - 1, m.end(1) - 1
    m = after_break.search(text, max(s0 - 1, 0), s1)
    return m.span(1) if m else None
