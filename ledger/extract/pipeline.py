"""Build the pipeline (blank English + our components, or an installed trained base) and turn
its output into `Claim`s."""
from __future__ import annotations

import re
from functools import lru_cache

try:  # the regex parser: private, but in every Python this project supports (>= 3.11)
    from re import _parser as re_parser
except ImportError:  # pragma: no cover - a later Python: _SuffixSearch tries every alternative
    re_parser = None

import spacy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, get_lang_class, registry
from spacy.vocab import Vocab, create_vocab

from .components import TEXT_KEY  # importing it registers the factories
from .claims import doc_to_claims
from .pieces import CHUNK_CHARS, invisible_as_spaces, run_cuts, shift_claim, text_chunks
from ..models import Article, Claim

COMPONENTS = ("ledger_quotes", "ledger_sentences", "ledger_cues", "ledger_attribution", "ledger_resolver")
# Split headings glued to the next word ("EXCHANGEFlake") and quotes glued to a word
# ('TENSION"Flake'), so that sentence and quote boundaries fall between tokens.
EXTRA_INFIXES = [r"(?<=[A-Z]{3})(?=[A-Z][a-z])", r"(?<=[A-Za-z.!?,])[\"”](?=[A-Za-z])"]


# Entries kept per affix function before its memo is emptied (bounds memory in a long ingest)
AFFIX_MEMO_SIZE = 65_536
# Whitespace-separated chunks whose tokens the tokenizer remembers. spaCy's default, 10,000, is
# full three quarters of the way through PolNeAR train (which has 56,000 distinct chunks), and
# a chunk not kept is split by the affix rules again at every later occurrence. spaCy stops
# adding when the cache is full, so this also bounds its memory (about 300 bytes a chunk).
TOKENIZER_CACHE_SIZE = 100_000


# A word of ASCII letters only: no English prefix, suffix or infix rule splits one (they all
# need a digit, a mark or a non-ASCII letter), except our glued-heading infix above, which the
# look-ahead excludes. Such a word is one token, so the tokenizer can skip its regexes for it.
# Anchored at both ends and used with .match: a saved tokenizer reloads token_match as .match.
PLAIN_WORD = re.compile(r"(?![A-Za-z]*[A-Z]{4}[a-z])[A-Za-z]+\Z")

SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")  # no-break and thin spaces


class ModelNotFound(Exception):
    pass


class _MemoRegex(dict):
    """One of a tokenizer's regex functions (`token_match`, `url_match`) with its results
    remembered per string: the tokenizer calls `memo.__getitem__`, so a string seen before
    costs one dict look-up, and `__missing__` runs the regex for a new one. (The prefix,
    suffix and infix searches are remembered one step further out, see _AffixMemo.)

    spaCy's tokenizer caches whole words, but stops caching for the rest of a Doc after its
    first special case ("don't", "'s", "Mr.", a line break), so most words of an article go
    through the affix rules again. The functions are pure, so remembering their results
    changes no token. `pattern` is kept so that spaCy can still serialise the tokenizer.
    """

    def __init__(self, fn, size: int = AFFIX_MEMO_SIZE):
        super().__init__()
        self.fn, self.size = fn, size
        self.pattern = fn.__self__.pattern

    def __missing__(self, string: str):
        if len(self) >= self.size:
            self.clear()
        self[string] = result = self.fn(string)
        return result

    def __reduce__(self):
        # a pickled or deep-copied tokenizer (multiprocessing with "spawn" pickles the pipeline)
        # carries the regex, not the remembered match objects, which do not pickle
        return type(self), (self.fn, self.size)


def _last_chars(piece: str) -> frozenset[str] | None:
    """The characters that a match of the regex `piece` can end with, or None when they are
    not worked out here (the piece may match an empty string, ends in a look-around, a class
    with categories or negation, ignores case, …)."""
    if re_parser is None:
        return None
    parsed = re_parser.parse(piece)
    return None if parsed.state.flags & re.IGNORECASE else _ends(list(parsed))


def _ends(items: list) -> frozenset[str] | None:
    """_last_chars of a parsed sequence: its last item decides."""
    if not items:
        return None
    op, av = items[-1]
    if op is re_parser.LITERAL:
        return frozenset(chr(av))
    if op is re_parser.IN and all(o in (re_parser.LITERAL, re_parser.RANGE) for o, _ in av):
        return frozenset(chr(c) for o, v in av for c in ([v] if o is re_parser.LITERAL else range(v[0], v[1] + 1)))
    if op is re_parser.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _ends(list(av[3]))
    if op is re_parser.BRANCH:
        ends = [_ends(list(branch)) for branch in av[1]]
        return None if None in ends else frozenset().union(*ends)
    if op in (re_parser.MAX_REPEAT, re_parser.MIN_REPEAT) and av[0] > 0:
        return _ends(list(av[2]))
    return None


class _SuffixSearch:
    """`compile_suffix_regex(pieces).search` with the same matches, several times faster.

    Every alternative of that regex is anchored at the end (`piece$`), so for a string that does
    not end in a newline only the alternatives that can end with its last character can match.
    The regex is tried once at every position of the string with all ~80 alternatives (a fifth
    of the tokenizer's first pass over new text); here each last character has a regex of its
    own alternatives, in their order, so the leftmost match and its alternative are the same."""

    def __init__(self, pieces):
        self.pieces = pieces = [p for p in pieces if p.strip()]  # as compile_suffix_regex
        full = compile_suffix_regex(pieces)
        self.pattern, self.full = full.pattern, full.search  # the pattern: what spaCy saves and reloads
        ends = [_last_chars(p) for p in pieces]
        if full.flags & (re.IGNORECASE | re.MULTILINE):  # a piece's global flag
            ends = [None] * len(pieces)  # (every string then gets all alternatives)
        can_end = {}  # last character → the alternatives that can end with it
        for i, chars in enumerate(ends):
            for c in chars or ():
                can_end.setdefault(c, []).append(i)
        any_end = [i for i, chars in enumerate(ends) if chars is None]
        # each last character's choice of alternatives, in the regex's order (see _ChoiceSearches)
        self.other = tuple(any_end)  # a last character that no alternative names
        self.by_last = {c: tuple(sorted(chosen + any_end)) for c, chosen in can_end.items()}
        self.searches = _ChoiceSearches(pieces)

    def search(self, string: str):
        # `$` also matches before a final newline: such a string gets the whole regex
        if not string or string[-1] == "\n":
            return self.full(string)
        return self.searches[self.by_last.get(string[-1], self.other)](string)

    def __reduce__(self):  # pickled as its pieces, not its ~75 compiled regexes
        return type(self), (self.pieces,)


class _ChoiceSearches(dict):
    """The search function of the suffix regex made of a choice of alternatives (a tuple of
    their indices in `pieces`), compiled when a string first needs it, not all ~75 at start:
    the tokenizer's special cases need 21 of them and all of PolNeAR train 28."""

    def __init__(self, pieces: list[str]):
        super().__init__()
        self.pieces = pieces

    def __missing__(self, chosen: tuple[int, ...]):
        self[chosen] = search = compile_suffix_regex([self.pieces[i] for i in chosen]).search if chosen else _no_match
        return search


def _no_match(string: str) -> None:
    return None


class _AffixMemo(dict):
    """What spaCy's Tokenizer.find_prefix (find_suffix, find_infix) answers for a string,
    remembered: the tokenizer asks for every word it does not find in its cache (see
    _MemoRegex), several times per word, and each answer cost a Python method call, a
    property, the regex function and two calls on the match object; now one dict look-up. The
    answers are worked out as those methods do, from the affix function the memo is made for
    (a new function gets a new memo, see _memoised)."""

    def __init__(self, fn, infix: bool):
        super().__init__()
        self.fn, self.infix = fn, infix

    def __missing__(self, string: str):
        if len(self) >= AFFIX_MEMO_SIZE:
            self.clear()
        if self.fn is None:
            result = 0
        elif self.infix:  # the matches (a tuple: the tokenizer only iterates them, and one list could be changed)
            result = tuple(self.fn(string))
        else:  # the length of the prefix or suffix found
            match = self.fn(string)
            result = (match.end() - match.start()) if match is not None else 0
        self[string] = result
        return result


def _memoised(attr: str, method: str):
    """Tokenizer's property `attr` (an affix function), which also gives the tokenizer a memo
    of `method` (an instance attribute: the tokenizer finds it before its own method)."""
    base = getattr(Tokenizer, attr)

    def set_function(self, fn):
        # the new memo first: spaCy then rebuilds its special cases with the new function
        self.__dict__[method] = _AffixMemo(fn, infix=method == "find_infix").__getitem__
        base.__set__(self, fn)
    return property(base.__get__, set_function)


_ORTH_NORM = {ORTH, NORM}


class _Tokenizer(Tokenizer):
    """spaCy's tokenizer, with a cheaper check of its special cases when it is built, and the
    answers of its affix rules remembered (_AffixMemo)."""

    prefix_search = _memoised("prefix_search", "find_prefix")
    suffix_search = _memoised("suffix_search", "find_suffix")
    infix_finditer = _memoised("infix_finditer", "find_infix")

    def _validate_special_case(self, chunk, substrings):
        # spaCy's check runs every token of every special case through intify_attrs (about
        # fifty tests for deprecated names each): a third of building the ~1,350 special cases
        # at every start. Tokens already keyed by the ORTH and NORM ids (spaCy's own rules, a
        # saved tokenizer's) pass or fail its test as here; any other gets spaCy's own check.
        if all(type(spec) is dict and spec.keys() <= _ORTH_NORM and type(spec.get(ORTH)) is str
               for spec in substrings) and "".join(spec[ORTH] for spec in substrings) == chunk:
            return
        super()._validate_special_case(chunk, substrings)


AFFIX_FUNCTIONS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")


def _tokenizer(nlp: Language, functions: dict, rules: dict, faster_heuristics: bool = True) -> Tokenizer:
    """A tokenizer with our infixes and memoised regex functions (same results, see
    _MemoRegex and _AffixMemo), built in one go: setting each function on an existing
    tokenizer reloads all of its ~1,350 special cases every time."""
    functions = {**functions,
                 "infix_finditer": compile_infix_regex(list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer}
    for attr in ("token_match", "url_match"):  # (the affix searches' answers: see _AffixMemo)
        fn = functions[attr]
        if hasattr(getattr(fn, "__self__", None), "pattern"):  # a compiled regex's bound method
            functions[attr] = _MemoRegex(fn).__getitem__
    return _Tokenizer(nlp.vocab, rules=rules, faster_heuristics=faster_heuristics,
                      max_cache_size=TOKENIZER_CACHE_SIZE, **functions)


@registry.tokenizers("ledger.Tokenizer.v1")
def create_tokenizer(plain_words: bool = True):
    """spaCy's own tokenizer for the language (as spacy.Tokenizer.v1 builds it) with our
    changes, so that `spacy.blank` builds one tokenizer, not one to be replaced.

    With `plain_words`, a word of ASCII letters is taken whole without trying the affix
    regexes (the tokens are the same, see PLAIN_WORD): spaCy asks `token_match` first.
    Special cases ("cannot", "gonna") are looked up before it, so they still apply."""
    def make(nlp: Language) -> Tokenizer:
        d = nlp.Defaults
        token_match = d.token_match or (PLAIN_WORD.match if plain_words else None)
        return _tokenizer(nlp, {"prefix_search": compile_prefix_regex(d.prefixes).search,
                                "suffix_search": _SuffixSearch(d.suffixes).search,
                                "token_match": token_match, "url_match": d.url_match}, d.tokenizer_exceptions)
    return make


def _retokenizer(nlp: Language) -> Tokenizer:
    """A trained base's tokenizer with our changes, except the plain-word shortcut: it keeps
    the affix rules it was trained with."""
    old = nlp.tokenizer
    return _tokenizer(nlp, {attr: getattr(old, attr) for attr in AFFIX_FUNCTIONS}, old.rules, old.faster_heuristics)


def _vocab_without_lexeme_attributes(lang: str) -> Vocab:
    """spaCy's vocab for the language, with no getters for lexical attributes.

    Our rules read token text and offsets only (extract/tokens.py), never a lexeme's shape,
    norm, affixes or flags; computing those for every new word was a fifth of the tokenizer's
    first pass over new text. Dropped before the tokenizer is built, so that the ~760 lexemes
    of its special cases are made without them too. A trained base keeps them: its models
    use them."""
    vocab = create_vocab(lang, get_lang_class(lang).Defaults)
    vocab.lex_attr_getters = {}
    return vocab


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer"])
        except OSError:
            raise ModelNotFound(
                f"spaCy pipeline '{model}' is not installed; install it as a package or pass a "
                "path to it, or leave out --model to use the built-in rules") from None
        nlp.tokenizer = _retokenizer(nlp)
    else:
        nlp = spacy.blank("en", vocab=_vocab_without_lexeme_attributes("en"),
                          config={"nlp": {"tokenizer": {"@tokenizers": "ledger.Tokenizer.v1"}}})
    has_parser = "parser" in nlp.pipe_names or "senter" in nlp.pipe_names
    for name in COMPONENTS:
        config = {"set_sent_starts": not has_parser} if name == "ledger_sentences" else {}
        nlp.add_pipe(name, config=config)
    return nlp


def extract_claims(article: Article, nlp: Language | None = None) -> list[Claim]:
    nlp = nlp or load_pipeline()
    size = min(CHUNK_CHARS, nlp.max_length)
    if len(article.text) <= size:
        return doc_to_claims(process(nlp, article.text), article)
    # A text past spaCy's limit, or long enough for the rules' quadratic parts to tell, is
    # extracted piece by piece (cut at line breaks); offsets are shifted back into the whole.
    claims = []
    for start, end in text_chunks(article.text, size):
        piece = article.model_copy(update={"text": article.text[start:end]})
        claims += [shift_claim(c, start) for c in doc_to_claims(process(nlp, piece.text), piece)]
    return claims


def _plain_spaces(text: str) -> str:
    for ch in SPACES:
        if ch in text:  # str.replace only where needed: str.translate costs 100x more
            text = text.replace(ch, " ")
    return text


def process(nlp: Language, text: str) -> Doc:
    """nlp(text), handing the string to our components so they need not rebuild it."""
    # no-break and thin spaces, and invisible marks between words, tokenise as spaces (as one
    # character each, so every offset stays the same); our components read the original text
    # through TEXT_KEY
    plain = invisible_as_spaces(_plain_spaces(text))
    cuts = run_cuts(plain)
    if cuts:  # very long runs without spaces: tokenised piece by piece (see RUN_CHARS)
        bounds = [0, *cuts, len(plain)]
        doc = Doc.from_docs([nlp.make_doc(plain[a:b]) for a, b in zip(bounds, bounds[1:])],
                            ensure_whitespace=False)
    else:
        doc = nlp.make_doc(plain)
    doc.user_data[TEXT_KEY] = text
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
