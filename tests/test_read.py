"""Readers: .txt (with metadata lines), .json (one or a list), .jsonl, folders, and bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.extract import extract_claims, load_pipeline
from ledger.models import Article
from ledger.read import ReadError, iter_articles


def read(*paths: Path) -> list[Article | ReadError]:
    return list(iter_articles(paths))


def only_article(path: Path) -> Article:
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_error(path: Path) -> ReadError:
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], ReadError), items
    return items[0]


def assert_one_line_naming(err: ReadError, path: Path):
    msg = str(err)
    assert "\n" not in msg and msg.strip() == msg
    assert path.name in msg


# --- .txt ----------------------------------------------------------------------------------

TXT = (" date 2024-04-14 TÜRKİYE\n"
       "Harbour to reopen after storm repairs\n"
       "The harbour will reopen next week, the mayor said on Friday.\n"
       "\n"
       "“We are ready,” Maria Lopez said.\n"
       "\n"
       "SOURCE:Anadolu Agency\n")


def test_txt_metadata_lines(tmp_path):
    p = tmp_path / "harbour.txt"
    p.write_text(TXT, encoding="utf-8")
    a = only_article(p)
    assert a.id == "harbour"
    assert a.text == TXT  # exactly as read: nothing stripped, so offsets index the file
    assert a.date == "2024-04-14"
    assert a.outlet == "Anadolu Agency"
    assert a.title == "Harbour to reopen after storm repairs"
    assert a.sha256 == Article.hash_text(TXT)
    assert a.path == str(p)


def test_txt_month_dateline(tmp_path):
    p = tmp_path / "dateline.txt"
    p.write_text("Talks resume in Ankara\nApril 14, 2024\n\nThe talks resumed on Sunday.\n", encoding="utf-8")
    a = only_article(p)
    assert a.date == "2024-04-14"
    assert a.title == "Talks resume in Ankara"


def test_txt_without_metadata_leaves_it_unknown(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("The talks resumed on Sunday. Lopez said that they went well.\n", encoding="utf-8")
    a = only_article(p)
    assert (a.title, a.date, a.outlet, a.url) == (None, None, None, None)


def test_txt_first_line_sentence_is_not_a_title(tmp_path):
    p = tmp_path / "sentence.txt"
    p.write_text("The talks resumed on Sunday.\nLopez said that they went well.\n", encoding="utf-8")
    assert only_article(p).title is None


def test_txt_manifest_overrides(tmp_path):
    (tmp_path / "a.txt").write_text(TXT, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"a.txt": {"title": "From the manifest", "date": "2024-05-01", "outlet": "Daily Sabah"}}))
    items = read(tmp_path)
    assert len(items) == 1  # the manifest itself is not an article
    a = items[0]
    assert (a.title, a.date, a.outlet) == ("From the manifest", "2024-05-01", "Daily Sabah")


# --- .json ---------------------------------------------------------------------------------

def test_json_single(tmp_path):
    doc = {"id": "doc-1", "text": "Lopez said that the harbour would reopen.", "title": "Harbour",
           "date": "2024-04-14", "outlet": "TRT World", "url": "https://example.org/1"}
    p = tmp_path / "one.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    a = only_article(p)
    assert (a.id, a.text, a.title, a.date, a.outlet, a.url) == (
        "doc-1", doc["text"], "Harbour", "2024-04-14", "TRT World", "https://example.org/1")


def test_json_list(tmp_path):
    docs = [{"id": "x", "text": "First article."}, {"id": "y", "text": "Second article.", "date": "14 April 2024"}]
    p = tmp_path / "many.json"
    p.write_text(json.dumps(docs), encoding="utf-8")
    items = read(p)
    assert [a.id for a in items] == ["x", "y"]
    assert [a.text for a in items] == ["First article.", "Second article."]
    assert items[1].date == "2024-04-14"
    assert items[0].date is None


def test_json_unreadable_date_is_unknown_not_guessed(tmp_path):
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"id": "d", "text": "Some text.", "date": "sometime last spring"}))
    assert only_article(p).date is None


# --- .jsonl --------------------------------------------------------------------------------

JSONL_DOCS = [
    {"id": "n-1", "text": "  At the café, Maria Lopez said that “business is back,” adding that prices rose.\n\nMore text.",
     "outlet": "Le Monde"},
    {"id": "n-2", "text": "\"The harbour is safe,\" Lopez said, \"and the dock workers are coming back.\""},
    {"id": "n-3", "text": "🚢 Ships. Fidan told Blinken that Ankara opposed any escalation."},
]


def test_jsonl_ids_and_text(tmp_path):
    p = tmp_path / "docs.jsonl"
    p.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in JSONL_DOCS) + "\n", encoding="utf-8")
    items = read(p)
    assert [a.id for a in items] == ["n-1", "n-2", "n-3"]
    assert [a.text for a in items] == [d["text"] for d in JSONL_DOCS]
    assert items[0].outlet == "Le Monde"


def test_jsonl_offsets_index_the_text_exactly(tmp_path):
    p = tmp_path / "docs.jsonl"
    p.write_text("\n".join(json.dumps(d) for d in JSONL_DOCS) + "\n", encoding="utf-8")  # \u escapes
    nlp = load_pipeline()
    total = 0
    for a in read(p):
        assert isinstance(a, Article)
        for c in extract_claims(a, nlp):
            total += 1
            assert c.article_id == a.id
            for name in ("content", "cue", "speaker_mention", "addressee_mention", "sentence"):
                span = getattr(c, name)
                for part in [span, *(span.fragments or [])] if span else []:
                    assert a.text[part.start:part.end] == part.text, (a.id, name, part)
    assert total >= 3


def test_jsonl_blank_lines_are_skipped(tmp_path):
    p = tmp_path / "gaps.jsonl"
    p.write_text('\n{"id": "a", "text": "One."}\n\n{"id": "b", "text": "Two."}\n', encoding="utf-8")
    assert [a.id for a in read(p)] == ["a", "b"]


# --- bad input -----------------------------------------------------------------------------

def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert_one_line_naming(only_error(p), p)


def test_whitespace_only_file(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n\t\n")
    assert_one_line_naming(only_error(p), p)


def test_binary_file_with_nul(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    err = only_error(p)
    assert_one_line_naming(err, p)
    assert "binary" in str(err).lower()


def test_not_utf8(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Le café a dit que tout va bien.".encode("latin-1"))
    err = only_error(p)
    assert_one_line_naming(err, p)
    assert "utf-8" in str(err).lower()


def test_malformed_json_names_the_line(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{\n  "id": "a",\n  "text": "One."\n  "title": "missing comma"\n}\n')
    err = only_error(p)
    assert_one_line_naming(err, p)
    assert err.line == 4
    assert f"{p}:4" in str(err) or ":4" in str(err)


def test_malformed_jsonl_line_keeps_the_others(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_text('{"id": "a", "text": "One."}\n{"id": "b", "text": \n{"id": "c", "text": "Three."}\n')
    items = read(p)
    assert [type(i).__name__ for i in items] == ["Article", "ReadError", "Article"]
    err = items[1]
    assert_one_line_naming(err, p)
    assert err.line == 2 and ":2" in str(err)


@pytest.mark.parametrize("doc, missing", [
    ({"text": "No id here."}, "id"),
    ({"id": "no-text"}, "text"),
    ({"id": "", "text": "Empty id."}, "id"),
    ({"id": "blank", "text": "   "}, "text"),
], ids=["no-id", "no-text", "empty-id", "blank-text"])
def test_jsonl_doc_missing_id_or_text(tmp_path, doc, missing):
    p = tmp_path / "docs.jsonl"
    p.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n" + json.dumps(doc) + "\n")
    items = read(p)
    assert isinstance(items[0], Article) and items[0].id == "ok"
    err = items[1]
    assert isinstance(err, ReadError), items
    assert_one_line_naming(err, p)
    assert err.line == 2
    assert missing in str(err)


def test_jsonl_non_object_line(tmp_path):
    p = tmp_path / "arr.jsonl"
    p.write_text('["not", "an", "object"]\n')
    assert_one_line_naming(only_error(p), p)


def test_missing_path(tmp_path):
    p = tmp_path / "nowhere.txt"
    assert_one_line_naming(only_error(p), p)


def test_folder_with_a_bad_file_yields_the_good_ones(tmp_path):
    (tmp_path / "a_good.txt").write_text("Lopez said that the harbour would reopen.\n", encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "d_docs.jsonl").write_text('{"id": "j1", "text": "One."}\n{"text": "no id"}\n'
                                           '{"id": "j2", "text": "Two."}\n', encoding="utf-8")
    (tmp_path / "e_bad.json").write_text("{not json", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "f_nested.json").write_text(json.dumps({"id": "nested", "text": "Deep."}), encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not an article format")
    items = read(tmp_path)
    good = [i.id for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, ReadError)]
    assert sorted(good) == ["a_good", "j1", "j2", "nested"]
    assert len(bad) == 4
    for err in bad:
        assert "\n" not in str(err)
    named = " ".join(str(e) for e in bad)
    for name in ("b_empty.txt", "c_binary.txt", "d_docs.jsonl", "e_bad.json"):
        assert name in named


def test_order_is_stable(tmp_path):
    for name in ("b.txt", "a.txt", "c.txt"):
        (tmp_path / name).write_text(f"Text of {name}.\n")
    assert [a.id for a in read(tmp_path)] == ["a", "b", "c"]
    assert [a.id for a in read(tmp_path)] == ["a", "b", "c"]


def test_jsonl_is_read_line_by_line_and_a_bad_line_costs_only_itself(tmp_path):
    p = tmp_path / "docs.jsonl"
    good = [json.dumps({"id": f"d{i}", "text": f"Lopez said the port {i} was open."}) for i in range(3)]
    bad = '{"id": "latin", "text": "caf\xe9"}'.encode("latin-1")
    # a byte-order mark, CRLF line ends, a blank line and one line that is not UTF-8
    data = b"\xef\xbb\xbf" + good[0].encode() + b"\r\n" + bad + b"\n\n" + good[1].encode() + b"\n" + good[2].encode()
    p.write_bytes(data)
    items = list(iter_articles([p]))
    assert [a.id for a in items if not isinstance(a, ReadError)] == ["d0", "d1", "d2"]
    [error] = [e for e in items if isinstance(e, ReadError)]
    offset = data.index(b"\xe9")
    assert str(error) == f"{p}:2: not UTF-8 text (byte 0xe9 at offset {offset})"
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n")
    assert [str(e) for e in iter_articles([tmp_path / "blank.jsonl"])] == [f"{tmp_path / 'blank.jsonl'}: empty file"]
