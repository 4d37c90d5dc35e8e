"""Bad input, file by file (issue 7, item 1): every kind of bad or odd input the issue lists,
each ingested with `ledger ingest` beside one good article. Each gives either correct claims
or a one-line error naming the file (and line), never a traceback; the good article still
lands; the exit code is 1 exactly when something was skipped; the summary line counts it all.

The odd texts are written to tmp_path at test time (the 50 MB article is generated, never
committed); the fixtures in tests/fixtures/bad/ are copied in by name.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import sqlite_utils
from click.testing import CliRunner

from ledger.cli import cli
from ledger.extract import extract_claims, load_pipeline
from ledger.extract.pieces import CHUNK_CHARS, shift_claim, text_chunks
from ledger.models import Article, Claim, Span
from ledger.read import ReadError, read_path
from ledger.read.files import MAX_TEXT_CHARS

BAD = Path(__file__).parent / "fixtures" / "bad"

GOOD = ("Harbour to reopen\n"
        "“The harbour will reopen on Monday,” said Maria Lopez, the port director. "
        "Lopez said that the repairs were finished.\n")
GOOD_CLAIM = ("good", "Maria Lopez", "“The harbour will reopen on Monday,”")
FILLER = "The committee met again on Tuesday and the weather was mild in the capital.\n\n"
LATE_QUOTE = "“The bridge will open in May,” said Omar Haddad, the city engineer.\n"


def fixture(name: str) -> Callable[[Path], None]:
    return lambda folder: shutil.copy(BAD / name, folder / name)


def text(name: str, content: str | bytes) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return write


def jsonl(name: str, *docs) -> Callable[[Path], None]:
    return text(name, "".join((d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs))


def huge(name: str, size: int) -> Callable[[Path], None]:
    """`size` bytes of plain news-like text, written in pieces (never held twice in memory)."""
    def write(folder: Path) -> None:
        block = (FILLER * ((1 << 20) // len(FILLER) + 1)).encode("utf-8")[: 1 << 20]
        with open(folder / name, "wb") as f:
            left = size
            while left:
                f.write(block[:min(left, len(block))])
                left -= min(left, len(block))
    return write


@dataclass
class Case:
    files: list[Callable[[Path], None]]
    errors: list[str] = field(default_factory=list)  # exact stderr lines; {d} is the folder
    ids: set[str] = field(default_factory=set)  # articles besides "good" that must land
    # (article id, speaker, words the content holds): a claim that must be found
    claims: list[tuple[str, str, str]] = field(default_factory=list)


TOO_LONG = f"more than the {MAX_TEXT_CHARS:,} an article may have"

CASES = {
    "empty file": Case([fixture("empty.txt")], ["error: {d}/empty.txt: empty file"]),
    "whitespace-only file": Case([text("blank.txt", " \n\t\n  \n")], ["error: {d}/blank.txt: empty file"]),
    "binary file": Case([fixture("binary.txt")], ["error: {d}/binary.txt: binary file, not text"]),
    # reported, not guessed: a cp1252/latin-1 fallback would turn any other encoding into
    # plausible-looking wrong text, and the ledger promises the text exactly as written
    "non-UTF-8 text": Case([fixture("latin1.txt")],
                           ["error: {d}/latin1.txt: not UTF-8 text (byte 0xe9 at offset 3)"]),
    "cp1252 quotes": Case([text("cp1252.txt", "Smith said, “We will win.”".encode("cp1252"))],
                          ["error: {d}/cp1252.txt: not UTF-8 text (byte 0x93 at offset 12)"]),
    # refused unread: no text file that big can hold an article of MAX_TEXT_CHARS characters
    "a 50 MB article": Case([huge("huge.txt", 50 * 2 ** 20)],
                            [f"error: {{d}}/huge.txt: file is {50 * 2 ** 20:,} bytes, longer than the "
                             f"{MAX_TEXT_CHARS:,} characters an article may have"]),
    "a 5 MB JSON article": Case([text("big.json", json.dumps({"id": "big", "text": "b " * 2 ** 21}))],
                                [f"error: {{d}}/big.json: text is {2 ** 22:,} characters, {TOO_LONG}"]),
    "an over-long JSONL document": Case(
        [jsonl("long.jsonl", {"id": "fine", "text": GOOD.replace("Lopez", "Ruiz")},
               {"id": "long", "text": "a " * (MAX_TEXT_CHARS // 2 + 1)})],
        [f"error: {{d}}/long.jsonl:2: text is {MAX_TEXT_CHARS + 2:,} characters, {TOO_LONG}"], ids={"fine"}),
    "an article past spaCy's 1,000,000 characters": Case(
        [text("long.txt", FILLER * (1_050_000 // len(FILLER)) + LATE_QUOTE)],
        ids={"long"}, claims=[("long", "Omar Haddad", "“The bridge will open in May,”")]),
    "malformed JSON": Case([fixture("malformed.json")],
                           ["error: {d}/malformed.json:2: malformed JSON: Expecting ',' delimiter (column 1)"]),
    "malformed JSONL": Case(
        [jsonl("docs.jsonl", {"id": "j1", "text": "Lopez said the port was open."}, '{"id": "j2", "text": ',
               {"id": "j3", "text": "Haddad said the bridge was safe."})],
        ["error: {d}/docs.jsonl:2: malformed JSON: Expecting value (column 22)"], ids={"j1", "j3"}),
    "JSONL document without id": Case([fixture("missing_id.jsonl")],
                                      ["error: {d}/missing_id.jsonl:2: document has no 'id'"], ids={"ok-1"}),
    "JSONL document without text": Case(
        [jsonl("no_text.jsonl", {"id": "t1", "title": "no text here"}, {"id": "t2", "text": "Haddad said so."})],
        ["error: {d}/no_text.jsonl:1: document has no 'text'"], ids={"t2"}),
    "duplicate ids in one file": Case(
        [jsonl("twins.jsonl", {"id": "twin", "text": "Lopez said the port was open."},
               {"id": "twin", "text": "Haddad said the bridge was safe."})],
        ["error: {d}/twins.jsonl: article 'twin': duplicate id, already read from {d}/twins.jsonl"], ids={"twin"}),
    "duplicate ids across files": Case(
        [text("zz_again.json", json.dumps({"id": "good", "text": "Someone else said this."}))],
        ["error: {d}/zz_again.json: article 'good': duplicate id, already read from {d}/good.txt"]),
    "nested quote marks": Case(
        [text("nested.txt", "Ana Ruiz said, “He told me ‘we are not leaving’ and I believed him.”\n\n"
                            "“The minister said \"no\" twice,” Omar Haddad told reporters.\n")],
        ids={"nested"}, claims=[("nested", "Ana Ruiz", "‘we are not leaving’"),
                                ("nested", "Omar Haddad", "\"no\" twice")]),
    "unbalanced quote marks": Case(
        [text("unbalanced.txt", '"We will win," said Tom Smith. "And then the rest "of it," he added "\n\n'
                                "The plan is dead on arrival,” Smith said.\n")],
        ids={"unbalanced"}, claims=[("unbalanced", "Tom Smith", '"We will win,"'),
                                    ("unbalanced", "Tom Smith", "The plan is dead on arrival")]),
    "a quotation never closed": Case(
        [text("unclosed.txt", 'Mr. Tom Smith said: "The plan is dead on arrival.\n\nThe council met on Monday.\n')],
        ids={"unclosed"}, claims=[("unclosed", "Tom Smith", "The plan is dead on arrival")]),
    "text made only of punctuation": Case(
        [text("punct.txt", "!!! ??? ... ,,, ;;; “” «» — – ' \" ()[]{}\n\n" + "!?.,;:“”«»" * 2_000 + "\n")],
        ids={"punct"}),
    "right-to-left text": Case(
        [text("arabic.txt", "قال الوزير: «سنرد على أي هجوم» في مؤتمر صحفي.\n\n"
                            "Foreign Minister Ali Hassan (علي حسن) said, \"We will respond.\"\n"),
         text("hebrew.txt", "\u202bיוסי כהן אמר: \"נגיב\"\u202c\n\n"
                            "“We will respond,” said Yossi Cohen\u200e.\n\nYossi Cohen said\u200f that Israel would respond.\n")],
        ids={"arabic", "hebrew"},
        claims=[("arabic", "Ali Hassan", '"We will respond."'), ("hebrew", "Yossi Cohen", "“We will respond,”"),
                ("hebrew", "Yossi Cohen", "that Israel would respond")]),
    "combining characters": Case(
        [text("combining.txt", "“Le vote e\u0301tait juste,” said Zoe\u0301 Mu\u0308ller.\n\n"
                               "Jose\u0301 Garci\u0301a said that the vote was fair.\n")],
        ids={"combining"}, claims=[("combining", "Zoe\u0301 Mu\u0308ller", "“Le vote e\u0301tait juste,”"),
                                   ("combining", "Jose\u0301 Garci\u0301a", "that the vote was fair")]),
}


def summary(read: int, new: int, failed: int, claims: int) -> str:
    return (f"{read} read: {new} new, 0 changed, 0 unchanged, {failed} failed; "
            f"{claims} {'claim' if claims == 1 else 'claims'} written")


def offsets_failures(db: sqlite_utils.Database) -> list[str]:
    """Every stored span that does not reproduce its text from the stored article."""
    texts = {r["id"]: r["text"] for r in db["articles"].rows}
    bad = []
    for c in db["claims"].rows:
        for name in ("content", "cue", "speaker_mention", "addressee_mention", "sentence"):
            if c[f"{name}_start"] is not None:
                if texts[c["article_id"]][c[f"{name}_start"]:c[f"{name}_end"]] != c[f"{name}_text"]:
                    bad.append(f"{c['id']} {name}")
        for f in json.loads(c["content_fragments"] or "[]"):
            if texts[c["article_id"]][f["start"]:f["end"]] != f["text"]:
                bad.append(f"{c['id']} fragment")
    return bad


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_matrix(name, tmp_path):
    case = CASES[name]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for make in case.files:
        make(folder)
    db_path = tmp_path / "ledger.db"
    result = CliRunner().invoke(cli, ["ingest", str(db_path), str(folder)])

    # (a) exactly the expected one-line errors, naming the file (and line)
    assert result.stderr.splitlines() == [e.format(d=folder) for e in case.errors], result.output
    # (b) no traceback: the command ended by its own exit, not an exception
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # (d) exit code 1 exactly when something was skipped
    assert result.exit_code == (1 if case.errors else 0), result.output
    db = sqlite_utils.Database(db_path)
    ids = {r["id"] for r in db["articles"].rows}
    # (c) the good article and every good document beside the bad ones landed
    assert ids == {"good"} | case.ids
    claims = list(db["claims"].rows)
    for article_id, speaker, words in [GOOD_CLAIM, *case.claims]:
        assert any(c["article_id"] == article_id and c["speaker"] == speaker and words in c["content_text"]
                   for c in claims), (article_id, speaker, words, [(c["speaker"], c["content_text"]) for c in claims])
    # (e) the summary line counts what was read, written and skipped
    assert result.stdout.splitlines()[0] == summary(len(ids) + len(case.errors), len(ids), len(case.errors),
                                                    len(claims))
    assert offsets_failures(db) == []


def test_rerun_of_a_mixed_folder_skips_the_same_files_and_writes_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    for name in ("empty.txt", "binary.txt", "latin1.txt", "malformed.json", "missing_id.jsonl"):
        fixture(name)(folder)
    db_path = tmp_path / "ledger.db"
    first = CliRunner().invoke(cli, ["ingest", str(db_path), str(folder)])
    second = CliRunner().invoke(cli, ["ingest", str(db_path), str(folder)])
    assert first.exit_code == second.exit_code == 1
    assert first.stderr == second.stderr and len(second.stderr.splitlines()) == 5
    assert second.stdout.splitlines()[0] == "7 read: 0 new, 0 changed, 2 unchanged, 5 failed; 0 claims written"


# --- the readers' limit, and what lies below it --------------------------------------------------

def test_an_article_over_the_limit_is_refused_before_its_metadata_is_read(tmp_path, monkeypatch):
    import ledger.read.files as files

    monkeypatch.setattr(files, "parse_txt_metadata", lambda text: pytest.fail("metadata read"))
    p = tmp_path / "dump.txt"
    p.write_text("x" * (MAX_TEXT_CHARS + 1), encoding="utf-8")
    [err] = read_path(p)
    assert isinstance(err, ReadError)
    assert str(err) == f"{p}: text is {MAX_TEXT_CHARS + 1:,} characters, {TOO_LONG}"


def test_an_article_at_the_limit_is_read(tmp_path):
    p = tmp_path / "long.json"
    p.write_text(json.dumps({"id": "long", "text": "y" * MAX_TEXT_CHARS}), encoding="utf-8")
    [article] = read_path(p)
    assert isinstance(article, Article) and len(article.text) == MAX_TEXT_CHARS


def test_text_chunks_cover_the_text_and_cut_at_line_breaks():
    txt = "".join(f"Paragraph {i} says something rather long about the harbour.\n" for i in range(40))
    pieces = text_chunks(txt, 300)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(txt)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < e - s <= 300 for s, e in pieces)
    assert all(txt[e - 1] == "\n" for s, e in pieces)
    # no line break: the last space, else a hard cut
    assert text_chunks("abc " * 100, 50)[0] == (0, 48)
    assert text_chunks("x" * 120, 50) == [(0, 50), (50, 100), (100, 120)]
    assert text_chunks("short", 50) == [(0, 5)]


def test_shift_claim_moves_every_span_and_the_id():
    whole = "Intro.\n“We will win,” said Tom Smith.\n"
    piece = whole[7:]
    [claim] = extract_claims(Article(id="a", text=piece, sha256=""))
    moved = shift_claim(claim, 7)
    assert moved.id == Claim.make_id("a", claim.content.start + 7, claim.content.end + 7)
    for name in ("content", "cue", "speaker_mention", "sentence"):
        span: Span = getattr(moved, name)
        assert whole[span.start:span.end] == span.text == getattr(claim, name).text


def test_long_text_in_pieces_gives_the_claims_of_the_whole(monkeypatch):
    """Past the pipeline's max_length a text is extracted piece by piece; paragraphs that stand
    alone give the same claims, with the same offsets and ids, as one pass over the whole."""
    paragraphs = [f"“Harbour {i} will reopen on Monday,” said Maria Lopez, the port director.\n"
                  f"Omar Haddad said that bridge {i} was safe.\n\n" for i in range(20)]
    article = Article(id="pieces", text="".join(paragraphs), sha256="")
    nlp = load_pipeline()
    whole = extract_claims(article, nlp)
    monkeypatch.setattr(nlp, "max_length", 400)
    pieces = extract_claims(article, nlp)
    assert len(article.text) > 400 * 5 and len(whole) == 40
    assert [c.model_dump() for c in pieces] == [c.model_dump() for c in whole]


def test_chunk_size_leaves_every_news_article_whole():
    # the pieces only start far past any real article (PolNeAR's longest is 33,672 characters)
    assert CHUNK_CHARS >= 100_000 and MAX_TEXT_CHARS > load_pipeline().max_length
