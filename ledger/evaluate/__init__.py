"""evaluate: score our extraction against gold attribution annotations.

The figures are exactly those of `../shared/eval/score.py` (the same pairing and counts), so
`ledger eval GOLD.jsonl` can replace the extract-then-score round trip, and it adds a
breakdown by kind of attribution and the worst errors.

    gold.py       read and check the gold file (one-line errors naming file and line)
    score.py      pure scoring: pairing, the score.py figures
    sentences.py  sentence breaks without a parser (multi-sentence case, error context)
    cases.py      the per-case breakdown (direct, according-to, pronoun source, ...)
    errors.py     the worst misses and false claims, with their context
    run.py        run our extractor over the gold documents
    report.py     the text report
"""
from .gold import GoldError, read_gold
from .run import Evaluation, evaluate, predict
from .score import match_documents, score, score_matches

__all__ = ["Evaluation", "GoldError", "evaluate", "match_documents", "predict", "read_gold", "score",
           "score_matches"]
