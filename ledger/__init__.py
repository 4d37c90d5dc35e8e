"""ledger: a claims and source-attribution ledger for news articles."""
__version__ = "0.4.0"
