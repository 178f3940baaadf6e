"""``python -m bench``: ingest and search cost of policykb against llama-index's plain dense retriever.

A synthetic corpus is grown from the real corpus's sentences; each (size, system) runs in
its own subprocess (``bench.worker``) so that peak RSS is that of one index alone.
"""
