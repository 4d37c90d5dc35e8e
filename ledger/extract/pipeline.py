"""Build the pipeline (blank English + our components, or an installed trained base) and turn
its output into `Claim`s."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from .components import TEXT_KEY  # importing it registers the factories
from .claims import doc_to_claims
from ..models import Article, Claim

COMPONENTS = ("ledger_quotes", "ledger_sentences", "ledger_cues", "ledger_attribution", "ledger_resolver")
# Split headings glued to the next word ("EXCHANGEFlake") and quotes glued to a word
# ('TENSION"Flake'), so that sentence and quote boundaries fall between tokens.
EXTRA_INFIXES = [r"(?<=[A-Z]{3})(?=[A-Z][a-z])", r"(?<=[A-Za-z.!?,])[\"”](?=[A-Za-z])"]


# Entries kept per affix function before its memo is emptied (bounds memory in a long ingest)
AFFIX_MEMO_SIZE = 65_536


SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")  # no-break and thin spaces


class ModelNotFound(Exception):
    pass


class _MemoRegex(dict):
    """One of a tokenizer's regex functions (`prefix_search`, `infix_finditer`, …) with its
    results remembered per string: the tokenizer calls `memo.__getitem__`, so a string seen
    before costs one dict look-up, and `__missing__` runs the regex for a new one.

    spaCy's tokenizer caches whole words, but stops caching for the rest of a Doc after its
    first special case ("don't", "'s", "Mr."), so most words of an article go through the
    prefix, suffix, infix and URL regexes again (the suffix regex alone is a third of
    make_doc). The functions are pure, so remembering their results changes no token.
    `pattern` is kept so that spaCy can still serialise the tokenizer.
    """

    def __init__(self, fn, size: int = AFFIX_MEMO_SIZE):
        super().__init__()
        self.fn, self.size = fn, size
        self.pattern = fn.__self__.pattern
        # spaCy takes list() of finditer's iterator: a tuple can be handed out again
        self.as_tuple = fn.__name__ == "finditer"

    def __missing__(self, string: str):
        if len(self) >= self.size:
            self.clear()
        result = self.fn(string)
        if self.as_tuple:
            result = tuple(result)
        self[string] = result
        return result

    def __reduce__(self):
        # a pickled or deep-copied tokenizer (multiprocessing with "spawn" pickles the pipeline)
        # carries the regex, not the remembered match objects, which do not pickle
        return type(self), (self.fn, self.size)


def _memoize_affixes(tokenizer) -> None:
    """Swap the tokenizer's regex functions for memoised ones (same results, see _MemoRegex)."""
    for attr in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        fn = getattr(tokenizer, attr)
        if hasattr(getattr(fn, "__self__", None), "pattern"):  # a compiled regex's bound method
            setattr(tokenizer, attr, _MemoRegex(fn).__getitem__)


@lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer"])
        except OSError:
            raise ModelNotFound(
                f"spaCy pipeline '{model}' is not installed; install it as a package or pass a "
                "path to it, or leave out --model to use the built-in rules") from None
    else:
        nlp = spacy.blank("en")
    infixes = list(nlp.Defaults.infixes) + EXTRA_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    _memoize_affixes(nlp.tokenizer)
    has_parser = "parser" in nlp.pipe_names or "senter" in nlp.pipe_names
    for name in COMPONENTS:
        config = {"set_sent_starts": not has_parser} if name == "ledger_sentences" else {}
        nlp.add_pipe(name, config=config)
    return nlp


def extract_claims(article: Article, nlp: Language | None = None) -> list[Claim]:
    nlp = nlp or load_pipeline()
    return doc_to_claims(process(nlp, article.text), article)


def _plain_spaces(text: str) -> str:
    for ch in SPACES:
        if ch in text:  # str.replace only where needed: str.translate costs 100x more
            text = text.replace(ch, " ")
    return text


def process(nlp: Language, text: str) -> Doc:
    """nlp(text), handing the string to our components so they need not rebuild it."""
    # no-break and thin spaces tokenise as spaces (as one character each, so every offset
    # stays the same); our components read the original text through TEXT_KEY
    doc = nlp.make_doc(_plain_spaces(text))
    doc.user_data[TEXT_KEY] = text
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
