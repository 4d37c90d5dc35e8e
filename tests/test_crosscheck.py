"""Cross-checking across articles: the seeds plus tests/fixtures/crosscheck/, four short
articles written for these tests that quote the seeds' speakers again with small
differences (a drifted quote, a paraphrase, a wrong attribution, a namesake, a misspelling,
a weekday to resolve)."""
import asyncio
import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from ledger.cli import cli
from ledger.publish.config import make_datasette
from ledger.resolve.across import Correction, LocalSpeaker, link
from ledger.resolve.clusters import ClaimRecord, cluster_claims, quoted_words, word_diff

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crosscheck"
TRT = "001_38f1a92d52f135e4"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def build(folder: Path) -> Path:
    arts = folder / "articles"
    shutil.copytree(FIXTURES, arts)
    db_path = folder / "ledger.db"
    run("ingest", db_path, SEEDS, arts)
    return db_path


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    return build(tmp_path_factory.mktemp("crosscheck"))


@pytest.fixture
def own_ledger(tmp_path):
    """A ledger a test may change."""
    return build(tmp_path)


def speakers(db_path):
    db = sqlite_utils.Database(db_path)
    return {r["id"]: r for r in db.table("speakers").rows}


def claims_of(db_path, **where):
    db = sqlite_utils.Database(db_path)
    sql = " and ".join(f"{k} = ?" for k in where) or None
    return list(db.table("claims").rows_where(sql, list(where.values())))


# --- speakers across articles ------------------------------------------------------------

def test_flake_is_one_speaker_with_every_alias_and_role(ledger):
    flake = speakers(ledger)["jeff-flake"]
    assert flake["name"] == "Jeff Flake" and flake["type"] == "person"
    assert flake["article_count"] == 3  # the seed, the Ankara Daily Post and Gulf Wire's bare "Flake"
    aliases = set(json.loads(flake["aliases"]))
    assert {"Jeff Flake", "Flake", "Ambassador Flake", "US Ambassador Jeff Flake"} <= aliases
    assert {"US Ambassador to Turkey", "US Ambassador"} <= set(json.loads(flake["roles"]))
    db = sqlite_utils.Database(ledger)
    roles = {(r["role"], r["date"], r["outlet"]) for r in db["speaker_roles"].rows_where("speaker_id = ?", ["jeff-flake"])}
    assert ("US Ambassador", "2024-08-08", "Ankara Daily Post") in roles
    assert ("US Ambassador to Turkey", None, None) in roles  # the seed article has no date
    where = {(r["alias"], r["article_id"]) for r in db["speaker_aliases"].rows_where("speaker_id = ?", ["jeff-flake"])}
    assert ("Flake", "102_gulf_wire") in where and ("Ambassador Flake", "101_ankara_daily") in where


def test_every_claim_points_at_the_linked_speaker(ledger):
    gulf = claims_of(ledger, article_id="102_gulf_wire", speaker_key="flake")
    assert [(c["speaker_id"], c["speaker"]) for c in gulf] == [("jeff-flake", "Jeff Flake")]
    assert gulf[0]["speaker_mention_text"] == "Flake"  # what the article wrote is kept


def test_the_namesake_stays_apart(ledger):
    sp = speakers(ledger)
    assert sp["maria-flake"]["name"] == "Maria Flake" and sp["maria-flake"]["article_count"] == 1
    assert "Dr." not in json.loads(sp["maria-flake"]["roles"])  # an honorific is not a role
    assert all(c["speaker_id"] == "maria-flake" for c in claims_of(ledger, article_id="104_coastal_science"))


def test_a_misspelt_surname_merges_on_evidence(ledger):
    blinken = speakers(ledger)["antony-blinken"]
    assert {"Blinekn", "Antony Blinken"} <= set(json.loads(blinken["aliases"]))
    assert blinken["article_count"] == 2
    assert "blinekn" not in speakers(ledger)


def test_bare_surnames_and_groups(ledger):
    sp = speakers(ledger)
    assert sp["john-kirby"]["article_count"] == 3 and "kirby" not in sp
    assert sp["hakan-fidan"]["article_count"] == 2
    # one article's sources are not another's: their own id, never linked
    [sources] = [s for s in sp.values() if s["name"] == "field sources"]
    assert sources["id"].startswith("field-sources-") and sources["article_count"] == 1


def _local(article, name, type_="person", roles=(), cooccur=(), date="2024-01-01"):
    return LocalSpeaker(article, name.lower().replace(" ", "-"), name, type_, [name], list(roles), date, 1,
                        frozenset(cooccur))


def ids_of(groups):
    return {m.key: g.id for g in groups for m in g.members}


def test_link_rules():
    groups = link([
        _local("a", "Jeff Flake"), _local("b", "J. Flake"), _local("c", "Maria Flake"),
        _local("d", "Flake"),  # two Flakes, no evidence: left apart
        _local("e", "Sarah Johnson"), _local("f", "Johnston", cooccur={"smith"}),  # one letter off, no evidence
        _local("g", "sources", "anonymous"), _local("h", "sources", "anonymous"),
        _local("i", "The State Department", "organization"), _local("j", "State Department", "organization"),
    ])
    ids = ids_of(groups)
    assert ids[("a", "jeff-flake")] == ids[("b", "j.-flake")] == "jeff-flake"
    assert ids[("c", "maria-flake")] == "maria-flake"
    assert ids[("d", "flake")] == "flake"
    assert ids[("f", "johnston")] == "johnston"
    assert ids[("g", "sources")] != ids[("h", "sources")]
    assert ids[("i", "the-state-department")] == ids[("j", "state-department")]


def test_link_evidence_picks_the_namesake():
    groups = link([
        _local("a", "Jeff Flake", roles=["US Ambassador to Turkey"], cooccur={"kirby"}),
        _local("b", "Maria Flake", roles=["marine biologist"]),
        _local("c", "Flake", cooccur={"kirby"}),
        _local("d", "Flake", roles=["biologist"]),
        _local("e", "Johnsen", cooccur={"kirby"}), _local("f", "Sarah Johnson", cooccur={"kirby"}),
    ])
    ids = ids_of(groups)
    assert ids[("c", "flake")] == "jeff-flake"
    assert ids[("d", "flake")] == "maria-flake"
    assert ids[("e", "johnsen")] == "sarah-johnson"  # a one-letter slip with a shared companion


def test_link_corrections_win():
    local = [_local("a", "Jeff Flake"), _local("b", "Flake"), _local("c", "Jake Flake")]
    ids = ids_of(link(local))
    assert ids[("b", "flake")] == "flake"  # two candidates, no evidence
    ids = ids_of(link(local, [Correction("merge", "Jeff Flake", "Flake")]))
    assert ids[("b", "flake")] == "jeff-flake"
    ids = ids_of(link([_local("a", "Jeff Flake"), _local("b", "Flake")],
                      [Correction("split", "Jeff Flake", "Flake", "b")]))
    assert ids[("b", "flake")] == "flake" and ids[("a", "jeff-flake")] == "jeff-flake"


def test_a_split_takes_only_from_the_named_speaker_and_later_corrections_win():
    local = [_local("a", "Jeff Flake", cooccur={"kirby"}), _local("b", "Flake", cooccur={"kirby"}),
             _local("c", "Maria Flake", cooccur={"smith"}), _local("d", "Flake", cooccur={"smith"})]
    ids = ids_of(link(local))
    assert (ids[("b", "flake")], ids[("d", "flake")]) == ("jeff-flake", "maria-flake")
    ids = ids_of(link(local, [Correction("split", "jeff-flake", "Flake")]))
    assert (ids[("b", "flake")], ids[("d", "flake")]) == ("flake", "maria-flake")
    merged = [Correction("merge", "Maria Flake", "Jeff Flake")]
    assert len(set(ids_of(link(local, merged)).values())) == 1
    ids = ids_of(link(local, merged + [Correction("split", "jeff-flake", "Maria Flake")]))
    assert ids[("c", "maria-flake")] != ids[("a", "jeff-flake")]


def test_merge_and_split_commands_survive_reingest(own_ledger):
    arts = own_ledger.parent / "articles"
    out = run("speakers", "split", own_ledger, "jeff-flake", "Flake", "--article", "102_gulf_wire")
    assert "linked:" in out
    assert claims_of(own_ledger, article_id="102_gulf_wire", speaker_key="flake")[0]["speaker_id"] == "flake"
    run("speakers", "merge", own_ledger, "Maria Flake", "Jeff Flake")
    assert all(c["speaker_id"] == "jeff-flake" for c in claims_of(own_ledger, article_id="104_coastal_science"))
    # an edited article is re-extracted; the corrections still hold
    for name in ("102_gulf_wire.txt", "104_coastal_science.txt"):
        path = arts / name
        path.write_text(path.read_text(encoding="utf-8") + "\nMore to follow.\n", encoding="utf-8")
    assert "2 changed" in run("ingest", own_ledger, arts)
    assert claims_of(own_ledger, article_id="102_gulf_wire", speaker_key="flake")[0]["speaker_id"] == "flake"
    assert all(c["speaker_id"] == "jeff-flake" for c in claims_of(own_ledger, article_id="104_coastal_science"))
    db = sqlite_utils.Database(own_ledger)
    assert [r["action"] for r in db.table("speaker_corrections").rows] == ["split", "merge"]


def test_corrections_name_a_speaker_that_exists(own_ledger):
    result = CliRunner().invoke(cli, ["speakers", "merge", str(own_ledger), "Nobody Here", "Jeff Flake"])
    assert result.exit_code == 1 and "no speaker 'Nobody Here'" in result.output
    result = CliRunner().invoke(cli, ["speakers", "split", str(own_ledger), "jeff-flake", "Flake",
                                      "--article", "104_coastal_science"])
    assert result.exit_code == 1 and "names a speaker 'Flake'" in result.output


# --- the same claim across articles -------------------------------------------------------

def clusters(db_path):
    db = sqlite_utils.Database(db_path)
    out = {}
    for cl in db.table("claim_clusters").rows:
        members = list(db.table("cluster_members").rows_where("cluster_id = ?", [cl["id"]], order_by="rowid"))
        out[cl["label"]] = (cl, members)
    return out


def test_drifted_quotes_form_one_cluster_with_the_differing_words(ledger):
    cl, members = next(v for k, v in clusters(ledger).items() if k.startswith("We want all our allies"))
    assert (cl["first_article_id"], cl["first_date"]) == ("101_ankara_daily", "2024-08-08")
    assert cl["drift"] == cl["drift_words"] == cl["drift_paraphrase"] == 1 and cl["drift_speakers"] == 0
    assert cl["outlet_count"] == 2 and cl["article_count"] == 3
    seed = next(m for m in members if m["article_id"] == "000_ac3a93ca44e0a098" and m["kind"] == "direct")
    assert "[-persuade-] {+convince+}" in seed["diff"]
    paraphrase = next(m for m in members if m["article_id"] == "102_gulf_wire")
    assert paraphrase["kind"] == "indirect" and paraphrase["diff"] is None


def test_a_quote_given_to_another_speaker(ledger):
    cl, members = next(v for k, v in clusters(ledger).items() if k.startswith("They are doing their best"))
    assert cl["drift_speakers"] == 1
    assert {m["speaker_id"] for m in members} == {"jeff-flake", "john-kirby"}
    kirby = next(m for m in members if m["speaker_id"] == "john-kirby")
    assert kirby["diff"] == "they are doing their best to prevent {+the+} escalation"


def test_namesake_claims_do_not_cluster(ledger):
    assert all(m["article_id"] != "104_coastal_science" for _, ms in clusters(ledger).values() for m in ms)


def test_cluster_rules():
    def rec(id_, art, speaker, kind, text, date="2024-01-01"):
        return ClaimRecord(id_, art, speaker, kind, text, date)
    got = list(cluster_claims([
        rec("1", "a", "x", "direct", '"The economy is strong and getting stronger every day."'),
        rec("2", "b", "y", "direct", '"The economy is strong and getting stronger."'),  # another speaker, near-same words
        rec("3", "c", "x", "indirect", "that farmers need rain this spring"),  # same speaker, other statement
        rec("4", "d", "z", "direct", '"We need rain this spring for the farmers."'),  # other speaker, other words
    ]))
    assert [[m.claim.id for m in cl.members] for cl in got] == [["1", "2"]]
    assert got[0].drift_speakers and not got[0].drift_words  # a shorter excerpt is not drift
    assert not got[0].drift_negation
    assert word_diff(["a", "b", "c", "d"], ["b", "x", "d"])[0] == "b [-c-] {+x+} d"
    [opposite] = cluster_claims([rec("5", "a", "x", "indirect", "that the United States would help defend Israel"),
                                 rec("6", "b", "x", "indirect", "that the United States would not help defend Israel")])
    assert opposite.drift and opposite.drift_negation and not opposite.drift_words
    assert quoted_words('the "useful role" played by "Turkey') == "useful role Turkey"


# --- dates, setting, stance --------------------------------------------------------------

def test_late_on_saturday_in_the_trt_article(ledger):
    db = sqlite_utils.Database(ledger)
    rows = list(db.table("date_mentions").rows_where("article_id = ? and mention_text = ?", [TRT, "late on Saturday"]))
    assert [(r["value"], r["granularity"], r["role"]) for r in rows] == [("2024-04-13", "day", "article")]
    text = db.table("articles").get(TRT)["text"]
    assert text[rows[0]["mention_start"]:rows[0]["mention_end"]] == "late on Saturday"


def test_on_tuesday_gives_the_utterance_date(ledger):
    [kirby] = claims_of(ledger, article_id="103_capitol_report", speaker_id="john-kirby")
    assert (kirby["utterance_date"], kirby["utterance_date_mention_text"], kirby["date"]) == (
        "2024-04-09", "On Tuesday", "2024-04-14")


def test_dates_without_an_article_date_stay_unresolved(ledger):
    db = sqlite_utils.Database(ledger)
    [row] = db.table("date_mentions").rows_where("article_id = ? and mention_text = ?",
                                                 ["000_ac3a93ca44e0a098", "on July 31"])
    assert row["value"] is None  # the seed has no date: July 31 of which year?
    [kirby] = claims_of(ledger, article_id="000_ac3a93ca44e0a098", speaker_id="john-kirby")
    assert kirby["utterance_date"] is None
    inside = list(db.table("date_mentions").rows_where("claim_id = ?", [kirby["id"]]))
    assert [(r["mention_text"], r["role"]) for r in inside] == [("this week", "content")]


def test_setting(ledger):
    settings = {c["setting_text"] for c in claims_of(ledger, article_id="000_ac3a93ca44e0a098") if c["setting_text"]}
    assert settings == {"during a press conference in Istanbul"}


def test_weeks_sort_by_their_first_day_and_are_no_jsonld_date():
    from ledger.export.jsonld import quotation
    from ledger.resolve.dating import first_day

    assert [first_day(v) for v in ("2024-W14", "2024-04", "2024", "2024-04-12")] == [
        "2024-04-01", "2024-04-01", "2024-01-01", "2024-04-12"]
    row = {"id": "c", "content_text": "x", "article_id": "a", "utterance_date": "2024-W14", "date": "2024-04-14"}
    assert quotation(row)["dateCreated"] == "2024-04-14"


def test_stance(ledger):
    by_cue = {(c["cue_text"], c["stance"]) for c in claims_of(ledger)}
    assert {("claimed", "distancing"), ("warned", "strong"), ("vowed", "strong"), ("is said to", "hedged"),
            ("said", "neutral"), ("stressed", "strong")} <= by_cue


# --- review marks ------------------------------------------------------------------------

def test_review_marks_survive_reingest_and_feed_eval(own_ledger):
    arts = own_ledger.parent / "articles"
    [kirby] = claims_of(own_ledger, article_id="102_gulf_wire", kind="direct")
    [fidan] = claims_of(own_ledger, article_id="103_capitol_report", speaker_id="hakan-fidan")
    run("review", own_ledger, kirby["id"], "--status", "wrong", "--note", "Flake said this, not Kirby")
    run("review", own_ledger, fidan["id"], "--status", "confirmed")
    path = arts / "102_gulf_wire.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore to follow.\n", encoding="utf-8")
    run("ingest", own_ledger, arts)
    db = sqlite_utils.Database(own_ledger)
    marks = {r["claim_id"]: (r["status"], r["note"]) for r in db["reviewed_claims"].rows}
    assert marks == {kirby["id"]: ("wrong", "Flake said this, not Kirby"), fidan["id"]: ("confirmed", None)}
    assert db["reviewed_claims"].count == 2 and all(r["content_text"] for r in db["reviewed_claims"].rows)
    out = json.loads(run("eval", "--reviews", own_ledger, "--json"))["reviews"]
    # the extractor still makes both: the confirmed one is found, the wrong one is still made
    assert (out["confirmed"], out["confirmed_found"], out["wrong"], out["wrong_made"]) == (1, 1, 1, 1)
    assert out["precision"] == 50.0


def test_a_mark_follows_its_claim_when_an_edit_moves_it(own_ledger):
    arts = own_ledger.parent / "articles"
    [kirby] = claims_of(own_ledger, article_id="102_gulf_wire", kind="direct")
    run("review", own_ledger, kirby["id"], "--status", "wrong")
    path = arts / "102_gulf_wire.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Flake said", "Earlier on Friday, Flake said"), encoding="utf-8")
    run("ingest", own_ledger, arts)
    [moved] = claims_of(own_ledger, article_id="102_gulf_wire", kind="direct")
    assert moved["id"] != kirby["id"]
    db = sqlite_utils.Database(own_ledger)
    [mark] = db.table("reviews").rows
    assert mark["claim_id"] == moved["id"] and mark["status"] == "wrong"
    assert mark["note"] == f"[carried from claim {kirby['id']} when the article changed]"


def test_eval_reviews_on_a_ledger_without_marks(own_ledger):
    out = json.loads(run("eval", "--reviews", own_ledger, "--json"))["reviews"]
    assert (out["documents"], out["confirmed"], out["wrong"], out["precision"]) == (0, 0, 0, None)


def test_a_corrected_article_date_is_re_extracted(own_ledger):
    arts = own_ledger.parent / "articles"
    manifest = json.loads((arts / "manifest.json").read_text(encoding="utf-8"))
    manifest["103_capitol_report.txt"]["date"] = "2024-04-21"
    (arts / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "1 changed" in run("ingest", own_ledger, arts)
    [kirby] = claims_of(own_ledger, article_id="103_capitol_report", speaker_id="john-kirby")
    assert (kirby["date"], kirby["utterance_date"]) == ("2024-04-21", "2024-04-16")


def test_an_ambiguous_alias_names_nobody(ledger, own_ledger):
    # "Flake" is an alias of Jeff Flake and of his namesake Maria Flake
    assert json.loads(run("export", ledger, "--format", "json", "--speaker", "Flake")) == []
    assert len(json.loads(run("export", ledger, "--format", "json", "--speaker", "Jeff Flake"))) == 16
    assert len(json.loads(run("export", ledger, "--format", "json", "--speaker", "Ambassador Flake"))) == 16
    result = CliRunner().invoke(cli, ["speakers", "merge", str(own_ledger), "Flake", "John Kirby"])
    assert result.exit_code == 1 and "names several speakers" in result.output


def test_a_filtered_cluster_export_keeps_the_first_appearance(ledger):
    md = run("export", ledger, "--format", "markdown", "--group-by", "cluster", "--speaker", "John Kirby")
    assert md.count("\n## ") == 1 and "- first reported:" in md and "[attributed to John Kirby]" in md


def test_an_older_ledger_is_brought_up_to_date_on_open(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    db.execute("create table claims (id text primary key, content_text text)")
    out = run("export", tmp_path / "old.db", "--format", "csv")
    assert out.startswith("id,") and {"cluster_members", "article_speakers"} <= set(db.table_names())


def test_review_of_an_unknown_claim(own_ledger):
    result = CliRunner().invoke(cli, ["review", str(own_ledger), "nope", "--status", "wrong"])
    assert result.exit_code == 1 and "no claim with id 'nope'" in result.output


# --- Datasette canned queries and exports ------------------------------------------------

def fetch(db_path, *paths):
    async def go():
        ds = make_datasette(db_path)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]
    responses = asyncio.run(go())
    for r in responses:
        assert r.status_code == 200, r.text
    return [r.json() for r in responses]


def test_canned_queries(ledger):
    several, drift, timeline, term, distancing, by_outlet = fetch(
        ledger,
        "/ledger/same_claim_in_several_outlets.json?_shape=array",
        "/ledger/quote_drift.json?_shape=array",
        "/ledger/speaker_timeline.json?_shape=array&speaker=Kirby",
        "/ledger/term_by_speaker.json?_shape=array&q=escalation",
        "/ledger/claims_by_stance.json?_shape=array&stance=distancing",
        "/ledger/stance_by_outlet.json?_shape=array",
    )
    assert several[0]["outlet_count"] == 2 and several[0]["first_outlet"] == "Ankara Daily Post"
    assert set(several[0]["outlets"].split(",")) == {"Ankara Daily Post", "Gulf Wire"}
    assert {r["drift"] for r in drift} >= {"quoted words differ; quoted by one, paraphrased by another",
                                          "quoted words differ; different speakers"}
    assert any(r["diff"] and "{+convince+}" in r["diff"] for r in drift)
    # dated claims in the order said, the undated seed last
    assert [r["said"] for r in timeline] == ["2024-04-09", "2024-08-09", "2024-08-09", None]
    # the porter stemmer also finds Blinken's "de-escalation"
    assert {r["speaker"]: r["claims"] for r in term} == {"Jeff Flake": 2, "John Kirby": 1, "Antony Blinken": 1}
    assert [(r["speaker"], r["cue_text"]) for r in distancing] == [("Fox News", "claimed"), ("Hakan Fidan", "claimed")]
    assert {"outlet": "Gulf Wire", "stance": "neutral", "claims": 3} in by_outlet


def test_jsonld_export(ledger):
    doc = json.loads(run("export", ledger, "--format", "jsonld", "--article", "103_capitol_report"))
    assert doc["@context"] == "https://schema.org"
    kirby = next(q for q in doc["@graph"] if q.get("creator", {}).get("name") == "John Kirby")
    assert kirby["@type"] == "Quotation" and kirby["text"] == "that the United States would help defend Israel"
    assert kirby["spokenByCharacter"]["@id"] == "urn:ledger:speaker:john-kirby"
    assert kirby["dateCreated"] == "2024-04-09"  # when it was said, not when it was published
    part = kirby["isPartOf"]
    assert (part["@type"], part["datePublished"], part["publisher"]["name"], part["url"]) == (
        "NewsArticle", "2024-04-14", "Capitol Report", "https://example.org/capitol-report/answer-to-iran")
    props = {p["name"]: p["value"] for p in kirby["additionalProperty"]}
    assert props["cue"] == "said" and props["stance"] == "neutral"


def test_markdown_by_cluster(ledger):
    md = run("export", ledger, "--format", "markdown", "--group-by", "cluster")
    assert md.startswith("# Claims reported in several articles\n")
    assert md.count("\n## ") == 3
    assert "[attributed to John Kirby]" in md
    assert "  - words: we want all our allies who have relations with iran to [-persuade-] {+convince+}" in md


def test_link_on_a_missing_ledger_creates_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["link", str(tmp_path / "typo.db")])
    assert result.exit_code == 1 and "no such database" in result.output
    assert not (tmp_path / "typo.db").exists()
