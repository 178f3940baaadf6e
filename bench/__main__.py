"""``python -m bench [--quick] [--sizes 1000,10000,100000]``: runs every measurement, prints the report."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import ROOT, sentence_pool, synthetic_rows, texts_digest
from bench.report import render


def _sizes(text: str) -> list[int]:
    return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})


def _run(job: str, args: argparse.Namespace, size: int = 0) -> dict:
    """One worker process; its result, or {"error": ...} when it failed."""
    out = args.out / "results" / f"{job}-{size or args.base}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.worker", job, "--size", str(size), "--base", str(args.base)]
    command += [
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
        "--work",
        str(args.out),
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    print(f"== {job} {size or args.base:,}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT)
    print(
        f"== {job} {size or args.base:,}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True
    )
    if done.returncode != 0 or not out.exists():
        return {"error": f"worker exited with {done.returncode}", "size": size}
    return json.loads(out.read_text("utf-8"))


def _raw(args: argparse.Namespace, digest: str) -> dict:
    """The model's own throughput on the real chunk set (measured again unless --reuse-raw finds it)."""
    previous = args.out / "results" / f"raw-{args.base}.json"
    if args.reuse_raw and previous.exists() and (args.out / "base_vectors.npy").exists():
        raw = json.loads(previous.read_text("utf-8"))
        if raw.get("digest") == digest:
            raw["reused"] = True
            return raw
    return _run("raw", args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, help="corpus sizes in chunks (default 1000,10000,100000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 real chunks, sizes 200,1000")
    parser.add_argument("--base", type=int, help="chunks embedded for real (default 1000, --quick 200)")
    parser.add_argument("--queries", type=int, help="timed queries per pass (default 200, --quick 60)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-output")
    parser.add_argument(
        "--reuse-raw", action="store_true", help="reuse a previous run's real vectors and figure"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="render bench.md again from the last run's results"
    )
    args = parser.parse_args(argv)
    args.sizes = args.sizes or ([200, 1000] if args.quick else [1000, 10_000, 100_000])
    args.base = args.base or (200 if args.quick else 1000)
    args.queries = args.queries or (60 if args.quick else 200)
    args.out = args.out.resolve()
    (args.out / "results").mkdir(parents=True, exist_ok=True)
    saved = args.out / "results" / "run.json"
    if args.report_only:
        run = json.loads(saved.read_text("utf-8"))
        results = {(size, system): r for size, system, r in run["results"]}
        return _publish(results, run["raw"], run["notes"], args.out)

    started = time.perf_counter()
    pool = sentence_pool()
    pool.save(args.out / "sentences.json")
    source = (
        "cleaned with ingest.clean.clean_text"
        if pool.cleaned
        else "RAW corpus text (ingest.clean not available)"
    )
    print(f"corpus: {len(pool.sentences)} sentences, {source}", file=sys.stderr)
    digest = texts_digest([r.embed_text() for r in synthetic_rows(pool, args.base, args.base, args.seed)])

    raw = _raw(args, digest)
    if "error" in raw:
        print(f"raw embedding failed ({raw['error']}); no figures", file=sys.stderr)
        return 1
    results = {}
    for size in args.sizes:
        for system in ("ours", "llama"):
            results[size, system] = _run(system, args, size)
    minutes = (time.perf_counter() - started) / 60
    notes = [
        f"- corpus: {len(pool.sentences)} real sentences ({source}), seed {args.seed}, "
        f"{args.queries} queries per pass (dev questions + phrases from the corpus)",
        "- raw embedding figure reused from a previous run (--reuse-raw)" if raw.get("reused") else "",
        f"- total run time: {minutes:.1f} min",
    ]
    notes = [n for n in notes if n]
    run = {
        "raw": raw,
        "results": [[size, system, r] for (size, system), r in results.items()],
        "notes": notes,
    }
    saved.write_text(json.dumps(run, ensure_ascii=False, indent=1), "utf-8")
    return _publish(results, raw, notes, args.out)


def _publish(results: dict[tuple[int, str], dict], raw: dict, notes: list[str], out: Path) -> int:
    report = render(results, raw, notes)
    (out / "bench.md").write_text(report, "utf-8")
    print(report)
    return 0 if all("error" not in r for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
