"""scale: extraction past one machine.

Extraction is a pure function of a document, so it can run anywhere: `shards` maps one input
file to one *claim shard* (a `.claims.jsonl` of `Prepared` rows, one article per line) that
`ledger ingest` merges; `dask_map` runs that over many files on dask (the optional `dask`
extra). Nothing heavy is imported here.
"""
