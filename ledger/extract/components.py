"""Placeholder: replaced by the real components."""
from spacy.language import Language


def _identity(nlp, name):
    return lambda doc: doc


make_sentencizer = Language.factory("ledger_sentences")(_identity)
make_quotes = Language.factory("ledger_quotes")(_identity)
make_cues = Language.factory("ledger_cues")(_identity)
make_attribution = Language.factory("ledger_attribution")(_identity)
make_resolver = Language.factory("ledger_resolver")(_identity)
