"""One speaker entity across the whole ledger, from the speakers each article resolved alone.

Each article's speakers ("local" speakers) are linked by rules a reader can check:
- a full name links to the same full name, or to one written with an initial ("J. Flake");
  a surname one letter off ("Blinekn") only with the same first name;
- a bare surname ("Flake") links to the one person of that surname, and when several
  people share it (a namesake) to the one the article gives evidence for: a shared role
  word, or another person both are quoted beside; with no evidence it is left apart;
- a surname one letter off needs that evidence too, even when only one person is near;
- organisations link by name; groups and anonymous sources ("field sources", "officials")
  never link: the sources of one article are not those of another.
A reader's corrections (`ledger speakers merge/split`) are applied last, so they win.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .ids import speaker_id
from .names import first_names_agree, fold, person_name, role_words, surnames_close
from .unionfind import DisjointSets

SCOPED_TYPES = {"group", "anonymous"}


@dataclass(slots=True)  # a ledger's speakers are all held at once while linking
class LocalSpeaker:
    article_id: str
    local_id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    date: str | None = None
    claims: int = 1
    # folded surnames of the others named in the article: a tuple takes a fifth of a set's memory
    cooccur: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return self.article_id, self.local_id


@dataclass(frozen=True)
class Correction:
    action: str  # "merge": `speaker` and `name` are one; "split": locals named `name` are not `speaker`
    speaker: str
    name: str
    article_id: str | None = None


@dataclass
class GlobalSpeaker:
    id: str
    name: str
    type: str
    members: list[LocalSpeaker]


def scoped_id(local_id: str, article_id: str) -> str:
    """The sources of one article: an id of their own, the same on every rebuild."""
    return f"{local_id}-{hashlib.sha1(article_id.encode('utf-8')).hexdigest()[:6]}"


def kind_of(name: str, type_: str) -> str:
    """person | name (an unknown type written as a name) | organization | scoped (linked
    within its own article only)."""
    if type_ in SCOPED_TYPES:
        return "scoped"
    if type_ in ("person", "organization"):
        return type_
    words = name.split()
    return "name" if words and all(w[:1].isupper() for w in words) else "scoped"


def _org_key(name: str) -> str:
    words = fold(name).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def link(local: list[LocalSpeaker], corrections: list[Correction] = ()) -> list[GlobalSpeaker]:
    """Group local speakers into ledger-wide speakers, with stable ids."""
    local = sorted(local, key=lambda s: (s.date or "9999", s.article_id, s.local_id))
    sets = DisjointSets(len(local))
    kinds = [kind_of(s.name, s.type) for s in local]

    by_key: dict[str, int] = {}
    for i, sp in enumerate(local):
        if kinds[i] == "scoped" or _bare(sp, kinds[i]):
            continue  # a bare surname is linked by evidence below, never by spelling alone
        key = _org_key(sp.name) if kinds[i] in ("organization", "name") else " ".join(person_name(sp.name).words)
        if key in by_key:
            sets.union(by_key[key], i)
        else:
            by_key[key] = i
    _link_people(local, kinds, sets)
    groups = [sorted(g) for g in sets.groups().values()]
    for c in corrections:  # in the order they were made: a later one can undo an earlier one
        groups = _correct(local, groups, c)
    return _name_groups(local, kinds, groups)


def _bare(sp: LocalSpeaker, kind: str) -> bool:
    return kind in ("person", "name") and len(person_name(sp.name).words) == 1


def _link_people(local: list[LocalSpeaker], kinds: list[str], sets: DisjointSets) -> None:
    full = [i for i, k in enumerate(kinds) if k == "person" and person_name(local[i].name).full]
    bare = [i for i, k in enumerate(kinds) if _bare(local[i], k)]
    by_last: dict[str, list[int]] = defaultdict(list)
    for i in full:
        by_last[person_name(local[i].name).last].append(i)
    # surnames one letter apart share a first letter and differ in length by one at most
    by_shape: dict[tuple[str, int], list[str]] = defaultdict(list)
    for last in by_last:
        by_shape[(last[:1], len(last))].append(last)

    def near(last: str) -> list[str]:
        return [other for n in (len(last) - 1, len(last), len(last) + 1)
                for other in by_shape.get((last[:1], n), ()) if surnames_close(last, other)]

    # full names: an initial agrees with the first name; a slip in the surname needs the
    # same first name written out
    for i in full:
        ni = person_name(local[i].name)
        for last in near(ni.last):
            group = by_last[last]
            for j in group:
                if j >= i:
                    break
                nj = person_name(local[j].name)
                exact = last == ni.last
                if exact and first_names_agree(ni.first, nj.first) or (
                        not exact and ni.first == nj.first and len(ni.first or "") > 1):
                    sets.union(j, i)

    # the full-name people, as linked so far: the evidence for a bare surname is theirs alone,
    # so which bare mention is read first changes nothing
    root_of = {j: sets.find(j) for j in full}  # fixed now: a bare mention joining may move a root
    people: dict[int, list[LocalSpeaker]] = defaultdict(list)
    for j in full:
        people[root_of[j]].append(local[j])
    alone: dict[str, int] = {}  # surname → the bare mentions of a surname no full name has
    for i in bare:
        last = person_name(local[i].name).last
        exact = {root_of[j] for j in by_last.get(last, ())}
        close = {root_of[j] for other in near(last) if other != last for j in by_last[other]}
        target = _choose(local[i], people, exact, need_evidence=len(exact) > 1) if exact else \
            _choose(local[i], people, close, need_evidence=True)
        if target is not None:
            sets.union(target, i)
        elif not exact:
            # "Kirby" in two articles and no first name anywhere: one person as far as we can tell
            sets.union(alone.setdefault(last, i), i)


def _choose(sp: LocalSpeaker, people: dict[int, list[LocalSpeaker]], roots: set[int], *,
            need_evidence: bool) -> int | None:
    """The one candidate person the evidence points to, or None when it does not decide."""
    if not roots:
        return None
    if len(roots) == 1 and not need_evidence:
        return next(iter(roots))
    scored = sorted(((_evidence(sp, people[r]), r) for r in roots), reverse=True)
    best, root = scored[0]
    if best == 0 or len(scored) > 1 and scored[1][0] == best:
        return None  # a namesake with nothing to tell them apart stays apart
    return root


def _evidence(sp: LocalSpeaker, group: list[LocalSpeaker]) -> int:
    """Shared role words count one; each other person both are quoted beside counts one."""
    roles = set().union(*(role_words(r) for r in sp.roles)) if sp.roles else set()
    their_roles = set().union(*(role_words(r) for m in group for r in m.roles))
    beside = set().union(*(m.cooccur for m in group)).intersection(sp.cooccur)
    return (1 if roles & their_roles else 0) + len(beside)


def _matches(sp: LocalSpeaker, ref: str) -> bool:
    """The name the article resolved them to (not every alias: "Flake" is also an alias of
    the "Jeff Flake" an article introduced in full)."""
    f = fold(ref)
    return bool(f) and (fold(sp.name) == f or speaker_id(sp.name) == ref)


def _refers(local: list[LocalSpeaker], group: list[int], ref: str) -> bool:
    """A group is named by its canonical name or id, or by any of its members' names."""
    canonical = _canonical([local[i] for i in group])
    return fold(canonical) == fold(ref) or speaker_id(canonical) == ref or any(
        _matches(local[i], ref) for i in group)


def _correct(local: list[LocalSpeaker], groups: list[list[int]], c: Correction) -> list[list[int]]:
    """merge: the groups named `speaker` and `name` become one. split: the members of the
    group named `speaker` that are called `name` (in `article_id`, if given) leave it, as a
    group of their own. A correction naming nobody present changes nothing."""
    named = [g for g in groups if _refers(local, g, c.speaker)]
    if c.action == "merge":
        others = [g for g in groups if g not in named and _refers(local, g, c.name)]
        if not named or not others:
            return groups
        joined = sorted(i for g in named[:1] + others for i in g)
        return [g for g in groups if g is not named[0] and g not in others] + [joined]
    out = []
    for g in groups:
        leaving = [i for i in g if g in named and _matches(local[i], c.name)
                   and (c.article_id is None or local[i].article_id == c.article_id)]
        if leaving and len(leaving) < len(g):
            out += [[i for i in g if i not in leaving], leaving]
        else:
            out.append(g)
    return out


def _canonical(members: list[LocalSpeaker]) -> str:
    """The fullest name the articles give, the most quoted first, then the earliest."""
    weight: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for n, sp in enumerate(members):
        weight[sp.name] += sp.claims
        first_seen.setdefault(sp.name, n)
    return min(weight, key=lambda name: (-len(person_name(name).words), -weight[name], first_seen[name]))


def _name_groups(local: list[LocalSpeaker], kinds: list[str], groups: list[list[int]]) -> list[GlobalSpeaker]:
    out: list[GlobalSpeaker] = []
    taken: Counter[str] = Counter()
    for idx in sorted(sorted(g) for g in groups):  # earliest member first: ids do not depend on input order
        members = [local[i] for i in idx]
        name = _canonical(members)
        types = Counter(m.type for m in members if m.type != "unknown")
        type_ = types.most_common(1)[0][0] if types else "unknown"
        base = speaker_id(name)
        if all(kinds[i] == "scoped" for i in idx):
            base = scoped_id(base, members[0].article_id)
        taken[base] += 1
        sid = base if taken[base] == 1 else f"{base}-{taken[base]}"  # a namesake written alike
        out.append(GlobalSpeaker(sid, name, type_, members))
    return out
