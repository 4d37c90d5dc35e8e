"""Attribution patterns, one table: text → the claims the product should find.

Each expected claim lists only the fields that matter for its pattern; a field listed with
`None` must be None. Cases the rules do not handle yet are marked xfail(strict=True), so a fix
shows up as an XPASS failure and the mark must then be removed.

Conventions (as the claim schema and the seeds define them): a direct quotation's content
keeps its quotation marks (and the punctuation inside them); an indirect claim's content keeps
its "that"; a quotation split by its attribution is one claim whose content runs from the first
part to the last and lists the parts as `fragments`.
"""
from __future__ import annotations

import pytest

from ledger.extract import extract_claims, load_pipeline
from ledger.models import Article, Claim


def C(**fields) -> dict:
    return fields


def xfail(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


# (case id, text, expected claims in text order; [] = no claim at all)
CASES = [
    # --- direct quotations ------------------------------------------------------------------
    ("direct-after-straight",
     '"We will not back down from this fight," Lopez said.',
     [C(kind="direct", speaker="Lopez", mention="Lopez", cue="said", type="person",
        content='"We will not back down from this fight,"')]),
    ("direct-after-curly",
     "“We will not back down from this fight,” Lopez said.",
     [C(kind="direct", speaker="Lopez", mention="Lopez", cue="said",
        content="“We will not back down from this fight,”")]),
    ("direct-before-straight",
     'Lopez said, "The harbour will reopen next week."',
     [C(kind="direct", speaker="Lopez", mention="Lopez", cue="said",
        content='"The harbour will reopen next week."')]),
    ("direct-before-curly",
     "Lopez said, “The harbour will reopen next week.”",
     [C(kind="direct", speaker="Lopez", mention="Lopez", cue="said",
        content="“The harbour will reopen next week.”")]),
    ("direct-between-straight",
     '"The harbour is safe," Lopez said, "and the dock workers are coming back."',
     [C(kind="direct", speaker="Lopez", mention="Lopez", cue="said",
        content='"The harbour is safe," Lopez said, "and the dock workers are coming back."',
        fragments=['"The harbour is safe,"', '"and the dock workers are coming back."'])]),
    ("direct-between-curly",
     "“The harbour is safe,” Lopez said, “and the dock workers are coming back.”",
     [C(kind="direct", speaker="Lopez", cue="said",
        fragments=["“The harbour is safe,”", "“and the dock workers are coming back.”"])]),
    ("direct-inverted",
     '"The budget is balanced for the first time in a decade," said John Smith.',
     [C(kind="direct", speaker="John Smith", mention="John Smith", cue="said", type="person",
        content='"The budget is balanced for the first time in a decade,"')]),
    ("direct-inverted-curly",
     "“The budget is balanced,” said Maria Lopez.",
     [C(kind="direct", speaker="Maria Lopez", mention="Maria Lopez", cue="said",
        content="“The budget is balanced,”")]),
    ("direct-multi-sentence-before",
     'Lopez said, "The harbour is open. The ships are moving again. Nobody was hurt."',
     [C(kind="direct", speaker="Lopez", cue="said",
        content='"The harbour is open. The ships are moving again. Nobody was hurt."')]),
    ("direct-multi-sentence-after",
     "“The harbour is open. The ships are moving again,” Lopez said.",
     [C(kind="direct", speaker="Lopez", cue="said",
        content="“The harbour is open. The ships are moving again,”")]),
    ("direct-quote-continues-next-sentence",
     'Lopez said, "The harbour is open." "The ships are moving again."',
     [C(kind="direct", speaker="Lopez", cue="said",
        fragments=['"The harbour is open."', '"The ships are moving again."'])]),

    ("direct-after-pronoun",
     "Maria Lopez toured the docks on Friday. “We will rebuild every pier,” she said.",
     [C(kind="direct", speaker="Maria Lopez", mention="she", cue="said", type="person",
        content="“We will rebuild every pier,”")]),
    ("direct-inverted-role-before-name",
     '"The border is secure," said Defence Minister Yasar Guler.',
     [C(kind="direct", speaker="Yasar Guler", mention="Yasar Guler", cue="said",
        role="Defence Minister", content='"The border is secure,"')]),
    ("direct-inverted-role-apposition",
     '"The border is secure," said Yasar Guler, the defence minister.',
     [C(kind="direct", speaker="Yasar Guler", mention="Yasar Guler", cue="said",
        role="defence minister", content='"The border is secure,"')]),
    ("direct-after-in-a-statement",
     "“The strike was a mistake,” the ministry said in a statement.",
     [C(kind="direct", cue="said", content="“The strike was a mistake,”")]),
    ("direct-before-colon",
     "Lopez told reporters: “The harbour will reopen next week.”",
     [C(kind="direct", speaker="Lopez", cue="told", addressee="reporters",
        content="“The harbour will reopen next week.”")]),

    # --- indirect speech after a reporting verb ---------------------------------------------
    ("indirect-said-that",
     "Kirby said that the talks would resume on Monday.",
     [C(kind="indirect", speaker="Kirby", mention="Kirby", cue="said", type="person",
        content="that the talks would resume on Monday", addressee=None)]),
    ("indirect-stated-that",
     "Flake stated that the embassy would remain open through the summer.",
     [C(kind="indirect", speaker="Flake", mention="Flake", cue="stated",
        content="that the embassy would remain open through the summer")]),
    ("indirect-anonymous-reported-that",
     "In Idlib, field sources reported that the convoy had crossed the border at dawn.",
     [C(kind="indirect", speaker="field sources", mention="field sources", cue="reported",
        type="anonymous", content="that the convoy had crossed the border at dawn")]),
    ("indirect-told-addressee",
     "Fidan told Blinken that Ankara opposed any escalation in the region.",
     [C(kind="indirect", speaker="Fidan", mention="Fidan", cue="told", addressee="Blinken",
        content="that Ankara opposed any escalation in the region")]),
    ("indirect-said-no-that",
     "Lopez said the harbour would reopen next week.",
     [C(kind="indirect", speaker="Lopez", cue="said", content="the harbour would reopen next week")]),

    ("indirect-told-reporters",
     "Lopez told reporters on Tuesday that the harbour would reopen next week.",
     [C(kind="indirect", speaker="Lopez", cue="told", addressee="reporters",
        content="that the harbour would reopen next week")]),

    ("indirect-abbreviated-title",
     "Sen. John Smith said that the bill would pass by Friday.",
     [C(kind="indirect", speaker="John Smith", mention="John Smith", cue="said",
        content="that the bill would pass by Friday")]),
    ("indirect-passive-no-speaker",
     "The convoy is said to have crossed the border overnight.",
     [C(kind="indirect", speaker=None, mention=None, cue="is said to", type="unknown")]),

    # --- mixed: indirect speech with a quoted part --------------------------------------------
    ("mixed-organization",
     'Fox News claimed that "Tehran could strike within 24 hours."',
     [C(kind="mixed", speaker="Fox News", mention="Fox News", cue="claimed", type="organization",
        content='that "Tehran could strike within 24 hours."')]),
    ("mixed-curly-partial-quote",
     "Lopez said that the repairs were “almost finished” and would cost less than planned.",
     [C(kind="mixed", speaker="Lopez", cue="said",
        content="that the repairs were “almost finished” and would cost less than planned")]),

    # --- according to ------------------------------------------------------------------------
    ("according-to-end",
     "The ceasefire will hold until Friday, according to Foreign Ministry spokesperson Nasser Kanaani.",
     [C(kind="indirect", speaker="Nasser Kanaani", mention="Nasser Kanaani", cue="according to",
        role="Foreign Ministry spokesperson", type="person",
        content="The ceasefire will hold until Friday")]),
    ("according-to-start",
     "According to Lopez, the harbour will reopen next week.",
     [C(kind="indirect", speaker="Lopez", mention="Lopez", cue="According to",
        content="the harbour will reopen next week")]),
    ("according-to-start-organization",
     "According to the Interior Ministry, forty people were detained overnight.",
     [C(kind="indirect", speaker="Interior Ministry", cue="According to", type="organization",
        content="forty people were detained overnight")]),

    ("according-to-end-apposition",
     "The talks were postponed, according to Mathew Miller, a State Department spokesperson.",
     [C(kind="indirect", speaker="Mathew Miller", mention="Mathew Miller", cue="according to",
        role="State Department spokesperson", content="The talks were postponed")]),

    # --- participial continuations: the same speaker -----------------------------------------
    ("participle-adding",
     "Lopez said that the harbour would reopen, adding that the dock workers were safe.",
     [C(kind="indirect", speaker="Lopez", cue="said", content="that the harbour would reopen"),
      C(kind="indirect", speaker="Lopez", mention="Lopez", cue="adding",
        content="that the dock workers were safe")]),
    ("participle-noting",
     "Hakimi stated that prices would fall this year, noting that fuel costs had dropped.",
     [C(kind="indirect", speaker="Hakimi", cue="stated", content="that prices would fall this year"),
      C(kind="indirect", speaker="Hakimi", cue="noting", content="that fuel costs had dropped")]),

    # --- titles and roles split from names ---------------------------------------------------
    ("role-title-before-name",
     "White House National Security Spokesperson John Kirby said that the strike was expected soon.",
     [C(kind="indirect", speaker="John Kirby", mention="John Kirby", cue="said", type="person",
        role="White House National Security Spokesperson",
        content="that the strike was expected soon")]),
    ("role-apposition",
     "Jeff Flake, the US Ambassador to Turkey, said that the embassy would stay open.",
     [C(kind="indirect", speaker="Jeff Flake", mention="Jeff Flake", cue="said", type="person",
        role="US Ambassador to Turkey", content="that the embassy would stay open")]),
    ("role-short-title",
     "Defence Minister Yasar Guler said that the border was secure.",
     [C(kind="indirect", speaker="Yasar Guler", mention="Yasar Guler", cue="said",
        role="Defence Minister", content="that the border was secure")]),

    # --- in-document resolution --------------------------------------------------------------
    ("resolve-surname",
     "Maria Lopez, the mayor of Tampa, opened the session on Monday. "
     "Lopez said that the city would expand the harbour.",
     [C(kind="indirect", speaker="Maria Lopez", mention="Lopez", cue="said", type="person",
        content="that the city would expand the harbour")]),
    ("resolve-misspelled-speaker",
     "Antony Blinken landed in Ankara on Friday. Blinekn said that Washington wanted calm.",
     [C(kind="indirect", speaker="Antony Blinken", mention="Blinekn", cue="said",
        content="that Washington wanted calm")]),
    ("resolve-misspelled-addressee",
     "Antony Blinken landed in Ankara on Friday. Fidan told Blinekn that Turkey opposed any escalation.",
     [C(kind="indirect", speaker="Fidan", cue="told", addressee="Antony Blinken",
        content="that Turkey opposed any escalation")]),
    ("resolve-she",
     "Maria Lopez arrived at the harbour on Friday. She said that the repairs were finished.",
     [C(kind="indirect", speaker="Maria Lopez", mention="She", cue="said", type="person",
        content="that the repairs were finished")]),
    ("resolve-he-last-person",
     "Antony Blinken met Hakan Fidan in Ankara. He said that Turkey would host the next round.",
     [C(kind="indirect", speaker="Hakan Fidan", mention="He", cue="said",
        content="that Turkey would host the next round")]),
    ("resolve-he-after-quote",
     '"We are ready," Hakan Fidan said. He added that talks would begin on Monday.',
     [C(kind="direct", speaker="Hakan Fidan", cue="said", content='"We are ready,"'),
      C(kind="indirect", speaker="Hakan Fidan", mention="He", cue="added",
        content="that talks would begin on Monday")]),
    ("resolve-the-sources",
     "In Aleppo, field sources reported that the roads were closed. "
     "The sources said that more fighters had arrived overnight.",
     [C(kind="indirect", speaker="field sources", mention="field sources", type="anonymous",
        cue="reported", content="that the roads were closed"),
      C(kind="indirect", speaker="field sources", mention="The sources", type="anonymous",
        cue="said", content="that more fighters had arrived overnight")]),

    # --- speaker types ------------------------------------------------------------------------
    ("type-group",
     "In Tehran, Iranian government officials said that the operation had concluded.",
     [C(kind="indirect", speaker="Iranian government officials", mention="Iranian government officials",
        type="group", cue="said", content="that the operation had concluded")]),
    ("type-organization-reuters",
     "The Reuters news agency reported that the pipeline had been shut.",
     [C(kind="indirect", type="organization", cue="reported", content="that the pipeline had been shut")]),
    ("type-anonymous-official",
     "A senior official said that the deal was close.",
     [C(kind="indirect", type="anonymous", cue="said", content="that the deal was close")]),

    # --- negatives: no claim ------------------------------------------------------------------
    ("neg-authors-voice",
     "It is worth noting that the harbour was closed for three weeks.",
     []),
    ("neg-scare-quotes-straight",
     'The so-called "deal" collapsed.',
     []),
    ("neg-scare-quotes-curly",
     "The so-called “reform” never reached the parliament.",
     []),
    ("neg-read-more",
     "Read more: Lopez says the harbour will reopen next week.",
     []),
    ("neg-read-more-after-body",
     "The harbour was closed for three weeks after the storm.\n"
     "Read more: Iran says its retaliation has concluded",
     []),
    ("neg-headline",
     "Lopez says harbour will reopen\nThe harbour was closed for three weeks after the storm.",
     []),
    ("neg-word-mention",
     'The word "ceasefire" appeared in the draft only twice.',
     []),
    ("neg-all-caps-heading-quote",
     '"WE WANT CALM IN THE REGION"\nThe harbour was closed for three weeks after the storm.',
     []),
    # --- patterns measured on PolNeAR train (issue 3) -------------------------------------
    ("tail-words-before-name",
     '"Cruz and Rubio are moving up," former presidential candidate Herman Cain said.',
     [C(kind="direct", speaker="Herman Cain", cue="said", content='"Cruz and Rubio are moving up,"')]),
    ("head-loose-subject",
     "An earlier report in a local paper said that Sanders had used the images of veterans.",
     [C(kind="indirect", mention="An earlier report in a local paper", cue="said",
        content="that Sanders had used the images of veterans")]),
    ("head-but-said",
     "Lopez toured the harbour on Monday but said it would not reopen before June.",
     [C(speaker="Lopez", cue="said", content="it would not reopen before June")]),
    ("tail-mid-sentence",
     "The plan, an inside source said, is to reopen the harbour in June.",
     [C(kind="indirect", mention="an inside source", cue="said",
        fragments=["The plan", "is to reopen the harbour in June"])]),
    ("tail-long-adverbial-after-quote",
     '"We will rebuild," Lopez said at a town hall meeting in the port district on Monday evening.',
     [C(kind="direct", speaker="Lopez", cue="said", content='"We will rebuild,"')]),
    ("participle-sentence-subject",
     "Lopez attacked the council on Monday, calling its plan “a disgrace.”",
     [C(speaker="Lopez", cue="calling", content="its plan “a disgrace.”")]),
    ("bare-cue-takes-quote-before",
     "“We will rebuild the harbour.” Lopez said.",
     [C(kind="direct", speaker="Lopez", cue="said", content="“We will rebuild the harbour.”")]),
    ("bare-cue-takes-quote-after",
     'Lopez agreed. "The council has run out of time."',
     [C(kind="direct", speaker="Lopez", cue="agreed", content='"The council has run out of time."')]),
    ("colon-then-quote-paragraph",
     'The council met on Monday, and Lopez responded:\n\n"We will rebuild."',
     [C(kind="direct", speaker="Lopez", cue="responded", content='"We will rebuild."')]),
    ("quote-over-paragraphs",
     "“The harbour will reopen.\n\n“The council agreed on Monday,” Lopez said.",
     [C(kind="direct", speaker="Lopez", cue="said",
        content="“The harbour will reopen.\n\n“The council agreed on Monday,”")]),
    ("curly-closed-by-straight",
     '“The harbour will reopen," Lopez said.',
     [C(kind="direct", speaker="Lopez", content='“The harbour will reopen,"')]),
    ("curly-closed-by-wrong-curly",
     "“The harbour will reopen,“ Lopez said.",
     [C(kind="direct", speaker="Lopez", content="“The harbour will reopen,“")]),
    ("according-to-unnamed-document",
     "The harbour lost $3 million in March, according to the summary.",
     [C(kind="indirect", mention="the summary", cue="according to",
        content="The harbour lost $3 million in March")]),
    ("hedge-without-source",
     "After the vote, the council appeared paralyzed.",
     [C(speaker=None, mention=None, cue="appeared", content="the council appeared paralyzed")]),
    ("in-a-poll",
     "In a Quinnipiac poll released Monday, 50 percent of respondents chose Lopez.",
     [C(mention="a Quinnipiac poll released Monday", cue="In",
        content="50 percent of respondents chose Lopez")]),
    ("as-source-before",
     "As the harbour master observed, the storm was the worst in a decade.",
     [C(mention="the harbour master", cue="observed", content="the storm was the worst in a decade")]),
    ("as-source-after",
     "Reopening early carries risks, as the fishermen point out.",
     [C(mention="the fishermen", cue="point out", content="Reopening early carries risks")]),
    ("tail-mid-sentence-after-adverbial",
     "In her district, Lopez said, most boats are still out of the water.",
     [C(speaker="Lopez", cue="said", fragments=["In her district", "most boats are still out of the water"])]),
    ("tail-any-cue-after-quote",
     "“We will not reopen before June,” she continued.",
     [C(kind="direct", mention="she", cue="continued", content="“We will not reopen before June,”")]),
    ("name-colon-quote",
     "HARBOUR TO REOPEN - Maria Lopez: “We will reopen the harbour in June.”",
     [C(kind="direct", speaker="Maria Lopez", cue=":", content="“We will reopen the harbour in June.”")]),
    ("inverted-any-cue-after-quote",
     '"They told her not to do it, and she proved them wrong," remembered Roy Verley, her former spokesman.',
     [C(kind="direct", cue="remembered", speaker="Roy Verley",
        content='"They told her not to do it, and she proved them wrong,"')]),
    ("pronoun-gender",
     "Susan Sarandon met Tom Perez on Monday. Mr. Perez said the party was united. She said it was divided.",
     [C(speaker="Tom Perez", content="the party was united"),
      C(mention="She", speaker="Susan Sarandon", content="it was divided")]),
    ("neg-pronoun-object-only",
     "Mr. Perez answered her.",
     []),
    ("transcript-turns",
     "Chris Wallace interviewed Maria Lopez.\n\nWALLACE: Will the harbour reopen?\n\nLOPEZ: Yes. We expect it in June.\n",
     [C(speaker="Chris Wallace", cue=":", content="Will the harbour reopen"),
      C(speaker="Maria Lopez", cue=":", content="Yes. We expect it in June")]),
    ("apposition-after-brackets",
     "Rep. Maria Lopez (D-Fla.), chair of the harbour committee, said the council did not appear concerned.",
     [C(speaker="Maria Lopez", cue="said", content="the council did not appear concerned")]),
    ("neg-inverted-before-a-clause",
     "Lopez, chair of the harbour committee, said Clinton did not appear concerned.",
     [C(speaker="Lopez", content="Clinton did not appear concerned")]),
    ("head-after-opening-phrase-with-tell",
     "After the debate in Miami last week, Lopez told reporters she thought the plan had failed.",
     [C(speaker="Lopez", cue="told", addressee="reporters", content="she thought the plan had failed")]),
    ("inverted-after-long-content-with-comma",
     "In the world of harbours, it is highly unusual for a storm such as this one to close a port for a month, said Maria Lopez, the port spokeswoman.",
     [C(speaker="Maria Lopez", cue="said", role="port spokeswoman",
        content="In the world of harbours, it is highly unusual for a storm such as this one to close a port for a month")]),
    # --- content boundaries measured on PolNeAR train -----------------------------------------
    ("content-ends-before-and-says",
     "Lopez said the harbour would reopen in June and says she has asked the council for funds.",
     [C(speaker="Lopez", cue="said", content="the harbour would reopen in June"),
      C(speaker="Lopez", cue="says", content="she has asked the council for funds"),
      C(cue="asked")]),
    ("content-ends-before-but-said",
     "Lopez said the harbour was safe but said repairs would take a year.",
     [C(speaker="Lopez", cue="said", content="the harbour was safe"),
      C(speaker="Lopez", cue="said", content="repairs would take a year")]),
    ("content-ends-before-but-did-not",
     "Lopez said that the council had been careless, but did not call for a vote.",
     [C(speaker="Lopez", cue="said", content="that the council had been careless")]),
    ("content-keeps-but-with-subject",
     "Lopez said that the repairs are done, but the friction continues.",
     [C(speaker="Lopez", cue="said", content="that the repairs are done, but the friction continues")]),
    ("content-subject-before-relative-that",
     "Lopez says the port has lost a pier that cost millions.",
     [C(speaker="Lopez", cue="says", content="the port has lost a pier that cost millions")]),
    ("content-ends-before-any-cue-participle",
     "Lopez said the harbour would reopen in June, pointing to the repairs on the north pier.",
     [C(speaker="Lopez", cue="said", content="the harbour would reopen in June"),
      C(speaker="Lopez", cue="pointing")]),
    ("content-ends-before-last-dash",
     "Lopez said the harbour would reopen in June — a date the council has not confirmed.",
     [C(speaker="Lopez", cue="said", content="the harbour would reopen in June")]),
    ("content-keeps-paired-dashes",
     "Lopez said the harbour — closed since the storm — would reopen in June.",
     [C(speaker="Lopez", cue="said", content="the harbour — closed since the storm — would reopen in June")]),
    ("content-ends-before-while",
     "Lopez said the harbour would reopen in June, while the council has promised May.",
     [C(speaker="Lopez", cue="said", content="the harbour would reopen in June")]),
    ("hedge-subject-with-aside",
     "After the storm, the harbour, not the airport, appeared to suffer most.",
     [C(speaker=None, cue="appeared", content="the harbour, not the airport, appeared to suffer most")]),
    ("passive-were-expected-to",
     "The council members were expected to vote on the plan.",
     [C(speaker=None, cue="were expected to")]),
    ("asked-after-when",
     "When asked whether the harbour would reopen, Lopez said no.",
     [C(speaker=None, cue="asked", content="whether the harbour would reopen"),
      C(speaker="Lopez", cue="said", content="no")]),
    ("modal-and-contraction-before-cue",
     "Maria Lopez spoke on Monday. She’s predicted a quick reopening, and she can now say that the money is there.",
     [C(mention="She", speaker="Maria Lopez", cue="predicted", content="a quick reopening"),
      C(mention="she", speaker="Maria Lopez", cue="say", content="that the money is there")]),
    ("coordinated-and-then-said",
     "The judge rubbed his chin, and then said something very strange.",
     [C(mention="The judge", cue="said", content="something very strange")]),
    ("conjunction-is-no-name",
     "But Maria Lopez said the talks went well. Lopez added that more was needed.",
     [C(speaker="Maria Lopez"), C(mention="Lopez", speaker="Maria Lopez")]),
    ("participle-after-dash-and-adverb",
     "Lopez  has criticised the council, falsely suggesting that the money was gone – saying it was spent.",
     [C(speaker="Lopez", cue="suggesting", content="that the money was gone"),
      C(speaker="Lopez", cue="saying", content="it was spent")]),
    ("preposed-participle-main-subject",
     "After saying she was nervous, Maria Lopez walked to the stage.",
     [C(speaker="Maria Lopez", cue="saying", content="she was nervous")]),
    ("no-break-spaces",
     "The harbour will reopen in June, her\u00a0brother\u00a0added.",
     [C(mention="her\u00a0brother", cue="added", content="The harbour will reopen in June")]),
    ("name-in-apposition",
     "The mayor’s main rival, Sen. Maria Lopez, also praised the plan.",
     [C(speaker="Maria Lopez", cue="praised", content="the plan")]),
    ("stray-comma-after-brackets",
     "After the vote, Rep. Maria Lopez (D-Fla.), said, “We will rebuild.”",
     [C(speaker="Maria Lopez", cue="said", content="“We will rebuild.”")]),
    ("aside-after-cue-then-that",
     "Maria Lopez can now say, with the benefit of hindsight, that the plan worked.",
     [C(speaker="Maria Lopez", cue="say", content="that the plan worked")]),
    ("neg-seems-location",
     "Lopez appeared on the stage at noon.",
     []),
    ("neg-headline-with-quote",
     "“We will rebuild”: Lopez vows to reopen harbour\nThe harbour was closed for three weeks after the storm.",
     []),
    ("neg-title-of-work",
     'The documentary "Voices of the Harbour" premiered in Tampa on Friday.',
     []),
    ("neg-title-of-work-curly",
     "Lopez starred in “The Long Night” before she entered politics.",
     []),
]

# Cases the rules do not handle yet: case id → what goes wrong.
XFAIL: dict[str, str] = {
}

_NLP = None


def nlp():
    global _NLP
    if _NLP is None:
        _NLP = load_pipeline()
    return _NLP


def claims_for(case_id: str, text: str) -> list[Claim]:
    article = Article(id=case_id, text=text, sha256=Article.hash_text(text))
    return extract_claims(article, nlp())


def summary(c: Claim) -> dict:
    return {
        "kind": c.kind, "speaker": c.speaker,
        "mention": c.speaker_mention.text if c.speaker_mention else None,
        "cue": c.cue.text if c.cue else None, "content": c.content.text,
        "role": c.speaker_role, "addressee": c.addressee, "type": c.speaker_type,
        "fragments": [f.text for f in c.content.fragments] if c.content.fragments else None,
    }


def _params():
    for case_id, text, expected in CASES:
        marks = [xfail(XFAIL[case_id])] if case_id in XFAIL else []
        yield pytest.param(case_id, text, expected, id=case_id, marks=marks)


@pytest.mark.parametrize("case_id, text, expected", list(_params()))
def test_pattern(case_id, text, expected):
    got = [summary(c) for c in claims_for(case_id, text)]
    assert len(got) == len(expected), f"expected {len(expected)} claims, got {got}"
    for want, have in zip(expected, got):
        picked = {k: have[k] for k in want}
        assert picked == want, f"full claim: {have}"


def _spans(c: Claim):
    for name in ("content", "cue", "speaker_mention", "addressee_mention", "sentence"):
        span = getattr(c, name)
        if span is None:
            continue
        yield name, span
        for k, frag in enumerate(span.fragments or []):
            yield f"{name}.fragments[{k}]", frag


@pytest.mark.parametrize("case_id, text", [pytest.param(i, t, id=i) for i, t, _ in CASES])
def test_offsets_reproduce_text(case_id, text):
    for c in claims_for(case_id, text):
        assert c.article_id == case_id
        assert c.id == Claim.make_id(case_id, c.content.start, c.content.end)
        for name, span in _spans(c):
            assert 0 <= span.start <= span.end <= len(text), (name, span)
            assert text[span.start:span.end] == span.text, (name, span)
        # the content and the cue sit inside the claim's sentence
        for name in ("content", "cue"):
            span = getattr(c, name)
            if span is not None:
                assert c.sentence.start <= span.start and span.end <= c.sentence.end, (name, span)



# Generated hostile texts that once crashed the pipeline (found by a fuzz run during the speed
# work): each must give claims whose offsets reproduce their text.
HOSTILE = [
    'İstanbul  Clinton« ]\n3.5 Ⓐ \'\'\n( TENSION"Flakesays  - ²  Jeff Flake believes  „ Blinken Trump believes " officials\nbelieves  ”  İstanbul  the ministry\nTrump told\n« a\nWhite House Spokesperson John Kirby U.S.) heWashington. ! xxx 3.5\n:)\n;"  officials she ”\n) “ claimed\nthe ministry ] says\nAsked whether officials  BREAKING NEWS  Antony Blinken http://example.com/x\'s Asked whether don\'t…\nthe ministry\n?officials İstanbul he ’  EXCHANGEIn a Quinnipiac poll released Monday,(-:  \n \n\n«(\n” 3.5  ’ Mr. White House Spokesperson John Kirby  Jeff Flake etc.\nMr. EXCHANGEFlake’s EXCHANGE  EXCHANGEFlake\nⒶ BREAKING NEWS ! " she\n\'s  «  reportedly  ...e-mail  ] Clinton :)\n\na.m.\nEXCHANGEFlake \n\nWashington. :)\nBlinken  ” "\n\n  etc. \'s Σ\nA.B.C.Clinton says claimed \'s BREAKING NEWShe"\n—\nIn a Quinnipiac poll released Monday, Ⓐ \'  \n\n ] BREAKING NEWS 10a.m. BREAKING NEWS\ntold Clinton ? —UN  Antony Blinken the ministry NATO  2016\nthe(-: claimed  White House Spokesperson John Kirby  \'\' the ministry\n;  In a Quinnipiac poll released Monday, …  ',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_regressions(text):
    for c in claims_for("hostile", text):
        for name, span in _spans(c):
            assert text[span.start:span.end] == span.text, (name, span)
