#!/usr/bin/env python3
"""Mine ledger's lexicon data files from the PolNeAR *training* split.

Usage:
    python3 scripts/mine_lexicon.py /path/to/polnear-train.jsonl [--out ledger/data] [--report]

Writes (tab-separated, UTF-8, one header line, sorted by descending train count):
    cues.tsv               form, lemma, class, count, precision
    titles.txt             title / role words that precede or describe a person
    anonymous.txt          phrase, type (anonymous | group)
    organization_words.txt head words / outlet names marking an organization
    not_cues.txt           form, count, occurrences, precision (look like cues, rarely are)

Only words, short phrases and counts are written -- never sentences from the texts.
Never run this on the held-out dev split.  Standard library only; deterministic.
"""
import argparse
import collections
import json
import os
import re
import sys

# ---------------------------------------------------------------- tokenising
LTOK = re.compile(r"[a-z]+(?:'[a-z]+)*")          # lowercased word tokens
STOK = re.compile(r"(?:[A-Z][a-z]{0,3}\.){1,3}(?=[\s,)]|$)|[A-Za-z][A-Za-z'\-]*|[^\sA-Za-z]")


def norm_quotes(s):
    return s.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")


def ltoks(s):
    """Lowercased word tokens with their offsets (offsets into s)."""
    s = norm_quotes(s).lower()
    return [(m.group(), m.start()) for m in LTOK.finditer(s)]


def stoks(s):
    """Case-preserving tokens of a short span (abbreviations like 'Sen.' kept whole)."""
    return STOK.findall(norm_quotes(s))


# ------------------------------------------------------- cue main-word choice
# Words never taken as the main word of a multiword cue span.
DROP = set("""
a an the this that these those he she they it we i you his her their its our my your him them us me
who whom which whose what has have had having be been being is was are were am 's 're 've 'd 'll
s re ve d ll m t do does did done doing will would can could may might must should shall ought to
not no never n't also just only even still already then now again later further first repeatedly
publicly privately recently previously earlier frequently often once always clearly openly directly
explicitly specifically simply actually really strongly widely largely long quickly immediately
initially finally officially formally increasingly especially regularly reportedly more most all yet
far as so and or but in on at by for with from of about into over out up off back down away there here
""".split())

# Forms that survive the count/precision filter but are not useful cue words.
EXCLUDE_FORMS = set("""evenly acutely seemingly routinely warily obvious""".split())

# ------------------------------------------------------------ lemmatisation
IRREG = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "writes": "write", "thought": "think", "knew": "know", "known": "know", "felt": "feel",
    "saw": "see", "seen": "see", "found": "find", "shown": "show", "sought": "seek",
    "spoke": "speak", "spoken": "speak", "gave": "give", "given": "give", "read": "read",
    "reads": "read", "laid": "lay", "lays": "lay", "put": "put", "puts": "put", "cast": "cast",
    "struck": "strike", "stuck": "stick", "understood": "understand", "forecast": "forecast",
    "took": "take", "taken": "take", "made": "make", "went": "go", "drew": "draw",
    "drawn": "draw", "held": "hold", "led": "lead", "meant": "mean", "heard": "hear",
    "swore": "swear", "sworn": "swear", "brought": "bring", "shot": "shoot", "foresee": "foresee",
    "foresaw": "foresee", "foreseen": "foresee", "according to": "according to",
    "taught": "teach", "rang": "ring", "set": "set", "upset": "upset", "bet": "bet",
    "news": "news", "press": "press", "focus": "focus", "focuses": "focus",
    "discuss": "discuss", "express": "express", "stress": "stress", "address": "address",
    "analysis": "analysis", "thesis": "thesis", "footage": "footage", "criticism": "criticism",
    "was": "be", "is": "be", "does": "do", "did": "do", "has": "have", "had": "have",
    "sees": "see", "uses": "use", "used": "use", "agreed": "agree", "agrees": "agree",
    "guess": "guess", "bless": "bless", "dismiss": "dismiss", "discussed": "discuss",
    "expressed": "express", "stressed": "stress", "addressed": "address", "dismisses": "dismiss",
    "dismissed": "dismiss", "dismissing": "dismiss", "bias": "bias",
}


def lemmatize(w, vocab):
    """Rule lemmatiser checked against the train vocabulary (deterministic)."""
    if w in IRREG:
        return IRREG[w]
    if " " in w:
        return w
    cands = []
    if w.endswith("ies") and len(w) > 4:
        cands.append(w[:-3] + "y")
    elif w.endswith("ied") and len(w) > 4:
        cands.append(w[:-3] + "y")
    elif w.endswith("ing") and len(w) > 5:
        st = w[:-3]
        cands += [st + "e", st]
        if len(st) > 2 and st[-1] == st[-2]:
            cands.append(st[:-1])
        if st.endswith("y") and False:
            pass
    elif w.endswith("ed") and len(w) > 4:
        st = w[:-2]
        cands += [w[:-1], st]
        if len(st) > 2 and st[-1] == st[-2]:
            cands.append(st[:-1])
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        cands += [w[:-1]]
        if w.endswith("es"):
            cands.append(w[:-2])
    for c in cands:
        if c in KNOWN_LEMMAS:
            return c
    for c in cands:
        if c in vocab:
            return c
    if w.endswith(("ied", "ies")) and cands:
        return cands[0]
    return w


# ------------------------------------------------ hand classification (lemmas)
CLASS_LEMMAS = {
    "according": """according to cite quote reportedly""",
    "speech": """say tell add write tweet retweet announce warn claim insist deny argue state
        ask call note report explain describe declare acknowledge admit suggest respond reply
        recall conclude urge praise criticize criticism accuse attack blast slam decry denounce
        condemn complain lament boast brag joke quip muse remark comment observe mention
        reiterate repeat stress emphasize highlight underscore assert contend maintain allege
        disclose confirm testify reaffirm caution concede counter charge promise pledge vow
        predict estimate project propose recommend reveal indicate imply hint signal speculate
        wonder question assure reassure inform notify threaten demand plead proclaim pronounce
        declare dismiss reject dispute contradict rebut refute chide rebuke lambast assail deride
        mock ridicule scoff label dub characterize portray paint describe refer reference allude
        invoke echo express voice shout yell chant cheer scream whisper exclaim interject
        answer post email publish release issue talk speak discuss address explain detail
        outline lay credit blame thank congratulate apologize applaud hail tout trumpet laud
        champion defend rip knock lash bemoan recount relate narrate elaborate clarify specify
        advise warn complain protest object decline refuse announce reading read reads retort
        snap fire assertion allegation complaint suggestion remark statement comment claim
        admission contention chant testimony accusation speculation rumor criticize attack
        compare liken contrast single billed bill cry title contend say confide divulge
        insinuate stipulate allege decry""",
    "belief": """believe think expect fear know feel doubt suspect worry consider view regard
        deem assume presume reckon guess imagine suppose understand realize recognize remember
        forget learn agree disagree convince convinced confident skeptical optimistic
        pessimistic nervous concerned worried hopeful unhappy glad scared wary adamant
        thrilled alarmed outraged startled enamored upset angered anxiety concern doubt
        certain sure aware insist prefer favor like dislike love hate enjoy trust distrust
        envision interpret see sense suspect speculate determined eager reluctance desire
        hostility revere disapprove approve shocked surprised frustrated puzzled posit
        surmise theorize concur""",
    "intention": """want plan hope intend aim seek vow pledge promise try attempt decide
        propose push pursue strive wish prefer mull contemplate weigh consider determine
        opt resolve refuse threaten eager look""",
    "perception": """show find appear seem look sound suggest reveal indicate demonstrate
        document discover notice observe spot watch display footage estimate project poll""",
}
# Precedence when a lemma is listed in several classes.
CLASS_ORDER = ["according", "speech", "belief", "intention", "perception"]
# Final overrides (lemma -> class).
CLASS_OVERRIDE = {
    "suggest": "speech", "reveal": "speech", "indicate": "speech", "promise": "speech",
    "pledge": "intention", "vow": "intention", "threaten": "intention", "refuse": "intention",
    "decline": "speech", "propose": "speech", "estimate": "perception", "project": "perception",
    "observe": "speech", "look": "perception", "consider": "belief", "prefer": "belief",
    "speculate": "speech", "insist": "speech", "doubt": "belief", "concern": "belief",
    "eager": "intention", "determined": "intention", "see": "perception", "find": "perception",
    "learn": "belief", "recognize": "belief", "favor": "belief",
}

# Reporting verbs added whatever their train frequency (all inflections).
EXTRA_LEMMAS = """say tell add write tweet announce warn claim insist deny argue state explain
    declare acknowledge admit respond reply recall conclude urge stress emphasize highlight
    reiterate express vow caution concede assert contend maintain allege disclose confirm
    testify reaffirm predict estimate promise pledge propose recommend reveal remark comment
    observe complain lament boast joke quip muse retort counter concur dispute elaborate
    clarify specify characterize describe mention note believe think expect fear know feel
    doubt suspect hope want plan intend aim seek wish worry assume reckon imply hint signal
    speculate theorize posit surmise assure reassure inform notify proclaim exclaim confide
    divulge acknowledge underscore insinuate stipulate decry denounce condemn criticize accuse
    question wonder ask cite quote report""".split()

IRREG_FORMS = {
    "say": ["say", "says", "said", "saying"], "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"],
    "think": ["think", "thinks", "thought", "thinking"], "know": ["know", "knows", "knew", "known", "knowing"],
    "feel": ["feel", "feels", "felt", "feeling"], "seek": ["seek", "seeks", "sought", "seeking"],
    "foresee": ["foresee", "foresees", "foresaw", "foreseen", "foreseeing"],
    "according to": ["according to"],
}
DOUBLE = set("admit regret commit plan stop drop rebut ban slam prefer refer occur confer compel "
             "abet control patrol rebel fret quip chat vet concur".split())


def inflect(lemma):
    if lemma in IRREG_FORMS:
        return IRREG_FORMS[lemma]
    v = "aeiou"
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        s3 = lemma + "es"
    elif lemma.endswith("y") and lemma[-2] not in v:
        s3 = lemma[:-1] + "ies"
    else:
        s3 = lemma + "s"
    if lemma in DOUBLE:
        past, ing = lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    elif lemma.endswith("e"):
        past = lemma + "d"
        ing = lemma + "ing" if lemma.endswith(("ee", "ye", "oe")) else lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2] not in v:
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    return [lemma, s3, past, ing]


def lemma_class(lemma):
    if lemma in CLASS_OVERRIDE:
        return CLASS_OVERRIDE[lemma]
    for cl in CLASS_ORDER:
        if lemma in CLASS_SETS[cl]:
            return cl
    return "other"


CLASS_SETS = {k: set(v.replace("according to", "according_to").split()) for k, v in CLASS_LEMMAS.items()}
CLASS_SETS["according"].add("according to")
KNOWN_LEMMAS = set().union(*CLASS_SETS.values()) | set(EXTRA_LEMMAS)

# ------------------------------------------------------------ source mining
PRONOUNS = set("""he she they it i we you who which that his her their its our my your him them us
me this these those one whom whose itself himself herself themselves someone somebody everyone
anyone nobody none each both all many some several others other most few another either neither
something what whoever""".split())

DETS = set("""the a an his her their its our my your this that these those some many several
other another any each every both few most all no one two three four five six seven eight nine
ten dozens hundreds thousands numerous various certain such own""".split())

MODIFIERS = set("""former then current acting outgoing incoming longtime veteran top senior
republican democratic democrat gop presidential conservative liberal independent
progressive american u.s. us late new fellow rival retired sitting embattled
prospective potential likely presumptive would-be leading future interim newly
then-presidential then-candidate ex longtime""".split())

TITLE_STOP = set("""the a an of and for to in at on with from by as or but s 's campaign
trump clinton obama sanders cruz rubio bush party hope will bill rand mike jeb ben
also who said says news times post press house white state states united""".split())

# Role words that may head an apposition or precede a name (seed, merged with mined).
TITLE_SEEDS = """President|Vice President|Sen.|Senator|Rep.|Representative|Gov.|Governor|
Lt. Gov.|Lieutenant Governor|Mayor|Secretary|Secretary of State|Attorney General|spokesman|
spokeswoman|spokesperson|press secretary|director|minister|ambassador|chairman|chairwoman|chair|
CEO|chief executive|adviser|advisor|aide|strategist|pollster|candidate|nominee|Mr.|Mrs.|Ms.|Dr.|
Prof.|Gen.|Rev.|judge|Justice|professor|Speaker|Majority Leader|Minority Leader|leader|lawyer|
attorney|analyst|economist|commissioner|official|manager|campaign manager|chief of staff|founder|
congressman|congresswoman|delegate|host|anchor|correspondent|reporter|editor|columnist|writer|
author|commentator|researcher|historian|sheriff|prosecutor|King|Queen|Prince|Pope|Chancellor|
Prime Minister|Sgt.|Col.|Capt.|Lt.|Adm.|Maj.|Sens.|Reps.|Govs.|Messrs.|Secretary of Defense|
Defense Secretary|Treasury Secretary|House Speaker|Senate Majority Leader|Senate Minority Leader|
White House press secretary|communications director|campaign chairman|executive director|
political director|national security adviser|senior adviser|chief strategist|spokesperson"""
TITLE_SEEDS = [t.strip() for t in TITLE_SEEDS.replace("\n", "").split("|") if t.strip()]
ROLE_SUFFIXES = ("man", "woman", "person", "er", "or", "ist", "ant", "ent", "ian", "ee", "ary")
ROLE_OK = set("""president senator governor mayor secretary speaker leader chairman chair ceo chief
judge justice nominee candidate aide host anchor delegate official minister ambassador attorney
general director adviser advisor analyst economist commissioner pastor dean rabbi bishop cardinal
king queen prince pope chancellor sheriff surrogate operative front-runner hopeful executive
staff deputy head co-host icon neurosurgeon""".split())
TITLE_JUNK = set("""center number other together super paper poll polls member supporter
supporters voter voters members people percent power former matter order water corner
recent prominent major government neither nor newspaper establishment investment department st.
judiciary committee""".split())

ANON_TYPES = {
    # anonymous: unnamed individual(s) deliberately not identified
    "source": "anonymous", "sources": "anonymous", "insider": "anonymous", "insiders": "anonymous",
    "person": "anonymous", "official": "anonymous", "aide": "anonymous", "adviser": "anonymous",
    "advisor": "anonymous", "spokesman": "anonymous", "spokeswoman": "anonymous",
    "spokesperson": "anonymous", "staffer": "anonymous", "someone": "anonymous",
    "individual": "anonymous", "whistleblower": "anonymous", "operative": "anonymous",
    "strategist": "anonymous", "confidant": "anonymous", "associate": "anonymous",
    "friend": "anonymous", "ally": "anonymous", "donor": "anonymous", "lawmaker": "anonymous",
    "diplomat": "anonymous", "officer": "anonymous", "employee": "anonymous",
    # group: collective unnamed sources
    "officials": "group", "aides": "group", "advisers": "group", "advisors": "group",
    "staffers": "group", "analysts": "group", "experts": "group", "critics": "group",
    "observers": "group", "witnesses": "group", "residents": "group", "voters": "group",
    "supporters": "group", "democrats": "group", "republicans": "group", "conservatives": "group",
    "liberals": "group", "progressives": "group", "economists": "group", "strategists": "group",
    "pollsters": "group", "activists": "group", "protesters": "group", "demonstrators": "group",
    "lawmakers": "group", "members": "group", "leaders": "group", "advocates": "group",
    "opponents": "group", "scholars": "group", "researchers": "group", "historians": "group",
    "scientists": "group", "investigators": "group", "prosecutors": "group", "americans": "group",
    "people": "group", "delegates": "group", "donors": "group", "operatives": "group",
    "allies": "group", "friends": "group", "associates": "group", "insiders_": "group",
    "candidates": "group", "participants": "group", "respondents": "group", "fans": "group",
    "commentators": "group", "pundits": "group", "journalists": "group", "reporters": "group",
    "attendees": "group", "organizers": "group", "officers": "group", "diplomats": "group",
    "employees": "group", "workers": "group", "students": "group", "parents": "group",
    "citizens": "group", "immigrants": "group", "evangelicals": "group", "independents": "group",
    "senators": "group", "governors": "group", "legislators": "group", "elites": "group",
    "skeptics": "group", "backers": "group", "defenders": "group", "detractors": "group",
    "groups": "group", "families": "group", "veterans": "group", "women": "group", "men": "group",
    "liberal": None,
}
ANON_SEEDS = [
    ("people familiar with", "anonymous"), ("a person familiar with", "anonymous"),
    ("a person close to", "anonymous"), ("people close to", "anonymous"),
    ("sources close to", "anonymous"), ("a source close to", "anonymous"),
    ("people with knowledge of", "anonymous"), ("a person with knowledge of", "anonymous"),
    ("sources familiar with", "anonymous"), ("a source familiar with", "anonymous"),
    ("officials familiar with", "anonymous"), ("an official", "anonymous"),
    ("a senior official", "anonymous"), ("senior officials", "group"),
    ("administration officials", "group"), ("campaign officials", "group"),
    ("a campaign official", "anonymous"), ("a source", "anonymous"), ("sources", "anonymous"),
    ("insiders", "anonymous"), ("officials", "group"), ("analysts", "group"),
    ("experts", "group"), ("critics", "group"), ("observers", "group"),
    ("witnesses", "group"), ("residents", "group"), ("democrats", "group"),
    ("republicans", "group"), ("voters", "group"), ("supporters", "group"),
    ("an aide", "anonymous"), ("aides", "group"), ("a spokesman", "anonymous"),
    ("a spokeswoman", "anonymous"), ("a spokesperson", "anonymous"),
]

ORG_STOP = set("""the of and for a an in on at to s 's trump clinton obama president
secretary senator sen. rep. gov. mr. mrs. ms. dr. leader chairman director spokesman
spokeswoman governor mayor candidate nominee speaker minister justice judge professor
analyst said says who which his her their its jr. sr. ii iii i
brown earnest stone boxer bash summers singer pike sharp shields waters slaughter flake blunt bump
hurt silver green black king dean sessions cash rising me minor side way worth star golden covert
viral color march life hedge tribe band pen sp svp hp ep ig ny bern tapper panel site survivors
supporters millennials backer decisions matter mavericks river valley island washington usa today
today's angeles los huffington atlantic street committeeman chief prince white bill art change
future local pollster principles presidential super states ceo""".split())

ORG_SEEDS = """News Times Post Journal Tribune Herald Globe Gazette Review Magazine Agency
Department Ministry Committee Campaign Party Council Commission Institute Foundation
Association Center Centre University College School Bureau Office Court Congress Senate
House Administration Network Press Group Board Service Union Coalition Federation
League Fund Alliance Company Corporation Corp. Inc. Co. LLC PAC Super PAC Caucus
Assembly Legislature Parliament Government Cabinet Police Army Navy Force Forces
Organization Society Trust Bank Reserve Project Initiative Research Studies Poll Survey
Watch Action Network Media Radio TV Television Channel Report Daily Weekly Times-Union
Reuters CNN MSNBC Fox News Politico Breitbart Associated Press AP Bloomberg BuzzFeed
Axios The Hill NPR PBS ABC CBS NBC BBC Gallup Quinnipiac Pew Rasmussen
The New York Times The Washington Post The Wall Street Journal Los Angeles Times
USA Today The Associated Press Fox Business CNBC Huffington Post The Atlantic
Vox Slate Salon National Review The Daily Beast Washington Examiner Daily Caller
Drudge Report Wikileaks FBI CIA DOJ FEC NSA GOP DNC RNC White House Pentagon
Kremlin""".split()
ORG_SEEDS = [w for w in ORG_SEEDS if w not in ("The", "New", "York", "Hill", "Associated", "Street",
                                               "Wall", "Fox", "USA", "Today", "Daily", "Beast")]

OUTLETS = """The Associated Press
Associated Press
The New York Times
New York Times
The Washington Post
Washington Post
The Wall Street Journal
Wall Street Journal
Los Angeles Times
USA Today
CNN
Fox News
Fox Business
MSNBC
CNBC
Reuters
Politico
Bloomberg
BuzzFeed
BuzzFeed News
The Hill
NPR
PBS
ABC News
CBS News
NBC News
BBC
Breitbart
Breitbart News
The Huffington Post
The Atlantic
National Review
The Daily Beast
Washington Examiner
The Daily Caller
Drudge Report
The Guardian
Axios
Vox
Slate
Salon
Gallup
Quinnipiac
Pew Research Center
Rasmussen
WikiLeaks
The Des Moines Register
The Boston Globe
Chicago Tribune""".split("\n")


def load(path):
    if "polnear-dev" in os.path.basename(path):
        sys.exit("refusing to mine the held-out dev split")
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                docs.append(json.loads(line))
    docs.sort(key=lambda d: d["id"])
    return docs


# ============================================================== cue mining
def cue_main(tk, single):
    """Pick the content-bearing word of a cue span: (form, offset) or None."""
    if not tk:
        return None
    ws = [t for t, _ in tk]
    for i in range(len(ws) - 1):
        if ws[i] == "according" and ws[i + 1] == "to" and all(w in DROP for w in ws[:i]):
            return ("according to", tk[i][1])
    cand = [(t, o) for t, o in tk if t not in DROP and "'" not in t]
    if not cand:
        return tk[0]
    best = max(single[t] for t, _ in cand)
    for t, o in cand:  # first candidate with the highest single-word cue count
        if single[t] == best:
            return (t, o)


def mine_cues(docs):
    tf = collections.Counter()
    for d in docs:
        tf.update(t for t, _ in ltoks(d["text"]))
    tf["according to"] = sum(len(re.findall(r"\baccording to\b", norm_quotes(d["text"]).lower()))
                             for d in docs)
    vocab = set(w for w, n in tf.items() if n >= 1)
    single = collections.Counter()
    spans = []
    for d in docs:
        seen = set()
        for a in d["attributions"]:
            c = a.get("cue")
            if not c or (c["start"], c["end"]) in seen:
                continue
            seen.add((c["start"], c["end"]))
            tk = ltoks(c["text"])
            if len(tk) == 1:
                single[tk[0][0]] += 1
            spans.append((d["id"], c["start"], tk))
    count = collections.Counter()
    positions = set()
    n_cues = 0
    for did, st, tk in spans:
        n_cues += 1
        m = cue_main(tk, single)
        if m is None:
            continue
        key = (did, st + m[1])
        if key in positions:      # same token is the main word of two cue spans
            continue
        positions.add(key)
        count[m[0]] += 1
    return tf, vocab, count


def build_cue_rows(tf, vocab, count):
    rows = {}
    for w, n in count.items():
        if w in EXCLUDE_FORMS or not tf[w]:
            continue
        p = n / tf[w]
        if n >= 3 and p >= 0.15:
            lem = lemmatize(w, vocab)
            rows[w] = (w, lem, lemma_class(lem), n, "%.3f" % min(p, 1.0))
    for lem in EXTRA_LEMMAS:
        for f in inflect(lem):
            if f in rows:
                continue
            n = count[f]
            if n >= 3:
                continue          # enough evidence: it already failed the precision test
            if tf[f] >= 20 and n / tf[f] < 0.05:
                continue          # frequent and rarely a cue (e.g. noun 'state', 'report')
            rows[f] = (f, lem, lemma_class(lem), n, "")
    return sorted(rows.values(), key=lambda r: (-r[3], r[0]))


def build_not_cues(tf, vocab, count, cue_forms):
    cand = set(count) | {f for lem in EXTRA_LEMMAS for f in inflect(lem)}
    out = []
    for w in cand:
        if w in cue_forms or w in DROP or tf[w] < 30:
            continue
        lem = lemmatize(w, vocab)
        if lemma_class(lem) == "other" and lem not in EXTRA_LEMMAS:
            continue
        p = count[w] / tf[w]
        if p < 0.05:
            out.append((w, count[w], tf[w], "%.3f" % p))
    return sorted(out, key=lambda r: (-r[1], -r[2], r[0]))


# ========================================================== source mining
def case_stats(docs):
    exact = collections.Counter()
    for d in docs:
        exact.update(stoks(d["text"]))
    lower = collections.Counter()
    total = collections.Counter()
    for t, n in exact.items():
        total[t.lower()] += n
        if t == t.lower():
            lower[t.lower()] += n
    return lower, total


def make_namelike(lower, total):
    def namelike(t):
        if not t[:1].isupper() or t.endswith("."):
            return False
        k = t.lower()
        return total[k] == 0 or lower[k] / total[k] < 0.1
    return namelike


def is_word(t):
    return bool(re.match(r"[A-Za-z]", t))


def sources(docs):
    for d in docs:
        seen = set()
        for a in d["attributions"]:
            s = a.get("source")
            if s and (s["start"], s["end"]) not in seen:
                seen.add((s["start"], s["end"]))
                yield s["text"]


def has_name(toks, namelike):
    return any(namelike(t) or (t.isupper() and len(t) > 1) for t in toks)


def mine_titles(docs, namelike):
    single = collections.Counter()
    phrase = collections.Counter()
    surface = collections.defaultdict(collections.Counter)
    for s in sources(docs):
        tk = stoks(s)
        for i, t in enumerate(tk):
            if not namelike(t) or (i > 0 and namelike(tk[i - 1])):
                continue
            j = i - 1
            run = []
            while j >= 0 and is_word(tk[j]) and not namelike(tk[j]) \
                    and tk[j].lower() not in DETS and not tk[j].lower().endswith("'s"):
                run.insert(0, tk[j])
                j -= 1
            while run and (run[0].lower() in MODIFIERS or run[0].lower() == "of"):
                run.pop(0)
            while run and run[-1].lower() == "of":
                run.pop()
            if not run or len(run) > 4:
                continue
            ph = " ".join(run)
            phrase[ph.lower()] += 1
            surface[ph.lower()][ph] += 1
            for w in run:
                if w.lower() not in MODIFIERS and w.lower() != "of":
                    single[w.lower()] += 1
                    surface[w.lower()][w] += 1
        # appositions: ", the|a|an <role...> (of|for|at|to|,|end)"
        for m in re.finditer(r",\s+(?:the|a|an)\s+([a-z][a-z\- ]{2,60}?)(?=\s+(?:of|for|at|to|in|on|with)\b|\s*,|\s*$)",
                             norm_quotes(s)):
            ws = m.group(1).split()
            ws = [w for w in ws if w not in MODIFIERS]
            if 0 < len(ws) <= 3:
                ph = " ".join(ws)
                phrase[ph] += 1
                surface[ph][ph] += 1
                single[ws[-1]] += 1
                surface[ws[-1]][ws[-1]] += 1
    out = {}
    for k, n in list(single.items()) + list(phrase.items()):
        if n < 3 or any(w in TITLE_STOP for w in k.split()) or k in MODIFIERS:
            continue
        if not re.fullmatch(r"[a-z][a-z.\- ]*", k) or re.fullmatch(r"[a-z]\.", k):
            continue
        last = k.split()[-1]
        if last in TITLE_JUNK or not (last in ROLE_OK or last.endswith(ROLE_SUFFIXES)
                                      or re.fullmatch(r"[a-z]{2,4}\.", last)):
            continue
        out[k] = max(out.get(k, 0), n)
    seeds = {t.lower(): t for t in TITLE_SEEDS}
    for k, t in seeds.items():
        if k not in out:
            out[k] = max(single.get(k, 0), phrase.get(k, 0))
            surface[k][t] += 0
    # keep only phrases whose every word is itself a known title word or connector
    titlewords = {k for k in out if " " not in k} | {"of", "general", "state", "staff", "house",
                                                    "white", "press", "campaign", "national"}
    res = []
    for k, n in out.items():
        if " " in k and not all(w in titlewords for w in k.split()):
            continue
        best = sorted(surface[k].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if surface[k] else k
        if k in seeds:
            best = seeds[k]
        res.append((best, n))
    # one line per case-insensitive title
    seen = set()
    final = []
    for t, n in sorted(res, key=lambda r: (-r[1], r[0].lower())):
        if t.lower() not in seen:
            seen.add(t.lower())
            final.append((t, n))
    return final


def head_of(ws):
    stop = {"with", "of", "close", "familiar", "who", "that", "in", "at", "for", "from", "on",
            "to", "which", "whose", "inside", "within", "around", "across", "near", ",", "(", "—", "-"}
    h = []
    for w in ws:
        if w in stop:
            break
        h.append(w)
    return h[-1] if h else None


def mine_anonymous(docs, namelike):
    heads = collections.Counter()
    phr = collections.Counter()
    for s in sources(docs):
        tk = stoks(s)
        if not tk:
            continue
        rest = tk[1:] if tk[0].lower() in DETS | PRONOUNS or not namelike(tk[0]) else tk
        if has_name([t for t in rest if is_word(t)], namelike) or any(t[:1].isupper() and t.endswith(".") for t in tk):
            continue
        ws = [t.lower() for t in tk]
        if all(w in PRONOUNS for w in ws if is_word(w)):
            continue
        h = head_of(ws)
        if not h:
            continue
        heads[h] += 1
        if len(ws) <= 5 and all(re.fullmatch(r"[a-z][a-z\-']*", w) for w in ws):
            phr[" ".join(ws)] += 1
    out = {}
    for h, n in heads.items():
        if ANON_TYPES.get(h):
            out[h] = (n, ANON_TYPES[h])
    for p, n in phr.items():
        h = head_of(p.split())
        if n >= 2 and ANON_TYPES.get(h) and p != h:
            ws = p.split()
            # allow determiners and short modifiers; type: singular → anonymous else head's type
            out[p] = (n, ANON_TYPES[h])
    for p, t in ANON_SEEDS:
        if p not in out:
            out[p] = (phr.get(p, heads.get(p, 0)), t)
    return sorted(((p, t, n) for p, (n, t) in out.items()), key=lambda r: (-r[2], r[0]))


def mine_orgs(docs, namelike):
    heads = collections.Counter()
    surface = collections.defaultdict(collections.Counter)
    acr = collections.Counter()
    for s in sources(docs):
        tk = [t for t in stoks(s)]
        runs, cur = [], []
        for t in tk:
            if is_word(t) and (t[:1].isupper() or (cur and t in ("of", "for", "and", "on"))):
                cur.append(t)
            else:
                if cur:
                    runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        for r in runs:
            while r and r[-1] in ("of", "for", "and", "on"):
                r.pop()
            if len(r) >= 2:
                head = r[r.index("of") - 1] if "of" in r and r.index("of") > 0 else r[-1]
                if not namelike(head) and head.lower() not in ORG_STOP and not head.endswith("."):
                    heads[head.lower()] += 1
                    surface[head.lower()][head] += 1
            for t in r:
                if t.isupper() and 2 <= len(t) <= 5 and t.isalpha():
                    acr[t] += 1
    out = {}
    for h, n in heads.items():
        if n >= 2 and h not in ORG_STOP and "'" not in h:
            out[h] = (sorted(surface[h].items(), key=lambda kv: (-kv[1], kv[0]))[0][0], n)
    for a, n in acr.items():
        if n >= 3 and a.lower() not in ORG_STOP:
            out.setdefault(a.lower(), (a, n))
    src_counter = collections.Counter(sources(docs))
    for o in OUTLETS + ORG_SEEDS:
        o = o.strip()
        if o and o.lower() not in out:
            n = heads.get(o.lower(), 0) + sum(v for k, v in src_counter.items() if o in k)
            out[o.lower()] = (o, n)
    return sorted(out.values(), key=lambda r: (-r[1], r[0]))


# ================================================================ report
def report(docs, namelike, cue_rows, count):
    kept = {r[0] for r in cue_rows}
    tot = sum(count.values())
    cov = sum(n for w, n in count.items() if w in kept)
    print("cue main-word tokens: %d, covered by cues.tsv: %.1f%%" % (tot, 100.0 * cov / tot))
    rows = sorted(cue_rows, key=lambda r: -r[3])[:30]
    print("top30:", ", ".join("%s %d/%s" % (r[0], r[3], r[4] or "-") for r in rows))
    kinds = collections.Counter()
    for s in sources(docs):
        ws = [t for t in stoks(s) if is_word(t)]
        if ws and all(w.lower() in PRONOUNS for w in ws):
            kinds["pronoun"] += 1
        elif has_name(ws[1:] if ws and not namelike(ws[0]) else ws, namelike) or \
                any(t[:1].isupper() and t.endswith(".") for t in ws):
            kinds["name"] += 1
        else:
            kinds["common"] += 1
    n = sum(kinds.values())
    print("sources:", {k: "%.1f%%" % (100.0 * v / n) for k, v in kinds.items()}, "n=%d" % n)
    nosrc = sum(1 for d in docs for a in d["attributions"] if not a.get("source"))
    print("attributions without source: %d" % nosrc)
    that_in = that_out = 0
    q_open = q_close = q_total = 0
    trail = collections.Counter()
    order = collections.Counter()
    for d in docs:
        t = d["text"]
        for a in d["attributions"]:
            c, s, q = a["content"], a.get("source"), a.get("cue")
            if q and re.fullmatch(r"(?i)(said|says|say|told|tells|added|wrote|argued|noted)\W*", q["text"].strip()):
                if c["text"][:5].lower() == "that ":
                    that_in += 1
                elif re.match(r"(?i)\s*that\s+$", t[q["end"]:c["start"]]):
                    that_out += 1
            if a.get("kind_heuristic") == "direct":
                q_total += 1
                ct = c["text"].strip()
                if ct[:1] in "\"“'‘":
                    q_open += 1
                if ct[-1:] in "\"”'’":
                    q_close += 1
                    trail[ct[-2:-1] if ct[-2:-1] in ",.?!" else "none"] += 1
            if s and q:
                parts = sorted([("S", s["start"]), ("V", q["start"]), ("C", c["start"])], key=lambda x: x[1])
                order["".join(p[0] for p in parts)] += 1
    print("content starts with 'that' after say/tell-type cue: included %d, excluded %d" % (that_in, that_out))
    print("direct quotes: %d, content starts with quote mark %d, ends with quote mark %d; "
          "char before closing quote %s" % (q_total, q_open, q_close, dict(trail)))
    print("orders (S=source V=cue C=content):", order.most_common())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "ledger", "data"))
    ap.add_argument("--report", action="store_true", help="print coverage statistics")
    args = ap.parse_args()
    docs = load(args.train)
    os.makedirs(args.out, exist_ok=True)

    tf, vocab, count = mine_cues(docs)
    cue_rows = build_cue_rows(tf, vocab, count)
    lower, total = case_stats(docs)
    namelike = make_namelike(lower, total)

    def write(name, header, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(header + "\n")
            for r in rows:
                fh.write("\t".join(str(x) for x in r) + "\n")

    write("cues.tsv", "form\tlemma\tclass\tcount\tprecision", cue_rows)
    write("not_cues.txt", "form\tcount\toccurrences\tprecision",
          build_not_cues(tf, vocab, count, {r[0] for r in cue_rows}))
    write("titles.txt", "title", [(t,) for t, n in mine_titles(docs, namelike)])
    write("anonymous.txt", "phrase\ttype", [(p, t) for p, t, n in mine_anonymous(docs, namelike)])
    write("organization_words.txt", "word", [(w,) for w, n in mine_orgs(docs, namelike)])
    if args.report:
        report(docs, namelike, cue_rows, count)


if __name__ == "__main__":
    main()
