"""cluster_claims finds its candidate pairs through an index on disk (resolve/candidates.py)
and settles most of them from counts: it must group exactly as comparing every pair of
claims in memory does, with the same candidate rule and same_statement."""
from collections import Counter
from itertools import combinations

import pytest

from ledger.resolve import clusters
from ledger.resolve.candidates import SHIFT, CandidateIndex
from ledger.resolve.clusters import COMMON_WORD, ClaimRecord, cluster_claims, same_statement
from ledger.resolve.unionfind import DisjointSets


def reference(claims: list[ClaimRecord]) -> list:
    """Every pair compared: a candidate when it shares a three-word run, or two content words,
    among the keys in at most COMMON_WORD claims; the same statement by same_statement."""
    feats = [clusters._features(c) for c in claims]
    keys = [{("s", k) for k in f.shingles} | {("c", k) for k in f.content} for f in feats]
    claims_with = Counter(k for ks in keys for k in ks)
    sets = DisjointSets(len(claims))
    for i, j in combinations(range(len(claims)), 2):
        weight = sum(2 if family == "s" else 1 for family, k in keys[i] & keys[j]
                     if claims_with[family, k] <= COMMON_WORD)
        if claims[i].article_id != claims[j].article_id and weight >= 2 and same_statement(
                claims[i], feats[i], claims[j], feats[j]):
            sets.union(i, j)

    def order(c):
        return c.date or "9999", c.article_id, c.start

    groups = [sorted((claims[i] for i in g), key=order) for g in sets.groups().values()]
    out = [clusters._describe(g) for g in groups if len({c.article_id for c in g}) > 1]
    return sorted(out, key=lambda cl: order(cl.first.claim))


def claim(n, article, speaker, kind, text, date="2024-03-01", start=0):
    return ClaimRecord(f"c{n}", article, speaker, kind, text, date, f"outlet-{article[:1]}", start)


# each said in many articles, by a different speaker in each: the quote rule would join them
COMMON = ['"The economy is strong today," she said.', '"Prices are falling across the country," she said.']
RARE = '"Our navy patrols the narrow strait every night," he said.'


def fixture() -> list[ClaimRecord]:
    quote = '"We will defend our allies whatever it takes, and we will not back down."'
    claims = [
        # one quote, one speaker, three articles (one undated: it comes last)
        claim(1, "a1", "kirby", "direct", quote, "2024-03-02"),
        claim(2, "a2", "kirby", "direct", quote.replace("it takes", "it costs"), "2024-03-01"),
        claim(3, "a3", "kirby", "direct", quote, None),
        # the same words given to two speakers
        claim(4, "b1", "flake", "direct", '"Diplomacy is working and the talks will go on next week."'),
        claim(5, "b2", "kirby", "mixed", 'said "diplomacy is working and the talks will go on next week"'),
        # a paraphrase: same speaker, most content words (stemmed) shared, no run of three
        claim(6, "c1", "fidan", "indirect", "that Turkey wants to mediate between Iran and Israel soon"),
        claim(7, "c2", "fidan", "indirect", "that mediating between Israel and Iran is what Turkey want soon"),
        # a negation: near the same words, the opposite said
        claim(8, "d1", "biden", "indirect", "that the United States would help defend Israel"),
        claim(9, "d2", "biden", "indirect", "that the United States would not help defend Israel"),
        # same speaker, one rare run shared, the rest of each claim common: only the common
        # keys make them the same statement (the words must be read back to tell)
        claim(10, "e1", "yellen", "direct", '"The economy is strong today, zebra."'),
        claim(11, "e2", "yellen", "direct", '"The economy is strong today, zebra."'),
        # same speaker, two rare runs shared, the rest common but not the same common keys:
        # only reading the words back tells they are not the same statement
        claim(16, "e3", "powell", "direct", COMMON[0] + ' "Zebra quokka."'),
        claim(17, "e4", "powell", "direct", COMMON[1] + ' "Zebra quokka."'),
        # same speaker, a rare run shared but not most of either claim: not the same statement
        claim(12, "f1", "kirby", "direct", '"We will not back down from the ships in the Red Sea this month."'),
        claim(13, "f2", "kirby", "direct", '"Our sailors will not back down, whatever the Houthis fire at them."'),
        # two claims of one article never pair
        claim(14, "g1", "kirby", "direct", '"The harbour will reopen on Monday morning."', start=0),
        claim(15, "g1", "kirby", "direct", '"The harbour will reopen on Monday morning."', start=100),
    ]
    # in more than COMMON_WORD claims, every key of these is too common to propose a pair;
    # in exactly COMMON_WORD, a key still does
    for k, text in enumerate(COMMON):
        claims += [claim(1000 * (k + 1) + n, f"h{k}-{n:03d}", f"speaker-{n}", "direct", text)
                   for n in range(COMMON_WORD + 5)]
    claims += [claim(3000 + n, f"i-{n:03d}", f"speaker-{n}", "direct", RARE) for n in range(COMMON_WORD)]
    return sorted(claims, key=lambda c: (c.article_id, c.start))  # as the ledger lists them


def summary(clusters):
    return [[m.claim.id for m in cl.members] for cl in clusters]


def test_disk_index_groups_as_every_pair_compared():
    claims = fixture()
    expected = reference(claims)
    assert list(cluster_claims(claims)) == expected
    # the fixture is not vacuous: each case above is there
    assert summary(expected) == [["c2", "c1", "c3"], ["c4", "c5"], ["c6", "c7"], ["c8", "c9"], ["c10", "c11"],
                                 [f"c{3000 + n}" for n in range(COMMON_WORD)]]
    by_first = {cl.first.claim.id: cl for cl in expected}
    assert by_first["c2"].drift_words and by_first["c4"].drift_speakers and by_first["c8"].drift_negation


def test_count_bounds_hold_for_every_pair():
    """For any two claims, same_statement lies between the rule at the fewest and at the most
    keys they may share, as the index counts them (the bounds cluster_claims settles pairs by)."""
    claims = fixture()
    feats = [clusters._features(c) for c in claims]
    tagged = [{f + k for f, ks in ft.keys().items() for k in ks} for ft in feats]
    claims_with = Counter(k for ks in tagged for k in ks)
    with CandidateIndex() as index:
        for c, f in zip(claims, feats, strict=True):
            index.add(c, f.keys())
        index.build(COMMON_WORD)
        for i, j in combinations(range(len(claims)), 2):
            shared = sum(1 << SHIFT[k[0]] for k in tagged[i] & tagged[j] if claims_with[k] <= COMMON_WORD)
            exact = same_statement(claims[i], feats[i], claims[j], feats[j])
            assert clusters._same(*index.overlaps(i, j, shared, most=False)) <= exact
            assert exact <= clusters._same(*index.overlaps(i, j, shared, most=True))


def test_claims_of_an_article_come_together():
    claims = [claim(1, "a", "x", "direct", '"one two three four"'), claim(2, "b", "x", "direct", '"one two three"'),
              claim(3, "a", "x", "direct", '"five six seven"')]
    with pytest.raises(ValueError, match="one after another"):
        list(cluster_claims(claims))


def test_no_claims_no_clusters():
    assert list(cluster_claims([])) == []
