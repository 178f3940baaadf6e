"""``make load`` / ``python -m bench.load``: N gradio_client users against a real ``policykb serve``.

Each client loops over ask, search and docs (questions from the bundled topics and the corpus's
own wording) until the time is up; one more client uploads a document a third of the way in and
deletes it at two thirds, checking in between that the other APIs see it. Prints requests,
errors and p50/p95 per API, and whether the document list ended as it began (nothing lost).

Without ``--url`` it serves the bundled corpus from a data directory of its own under
bench-output/ (ingested on first use; the embedding cache there is kept between runs).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "网格员需要提升哪些能力?",
    "怎样组建业主委员会?",
    "社区议事协商怎么开展?",
    "党建引领基层治理有哪些做法?",
    "志愿服务积分怎么用?",
    "社区工作者队伍如何建设?",
    "怎样给基层减负?",
]
SEARCHES = ["业委会", "网格化管理", "议事协商", "志愿服务", "物业", "党群服务中心"]
UPLOAD_NAME = "压测临时文档.txt"
UPLOAD_TEXT = "云雀社区试行“周末议事茶座”:每周六上午由楼栋长召集居民围坐议事,议定事项一周内公示结果。" * 3


@dataclass
class Tally:
    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, api: str, ms: float | None, error: str | None = None) -> None:
        with self.lock:
            self.ms.setdefault(api, [])
            self.errors.setdefault(api, [])
            if error is None:
                self.ms[api].append(ms)
            else:
                self.errors[api].append(error)


def _timed(tally: Tally, api: str, call):
    started = time.perf_counter()
    try:
        out = call()
    except Exception as e:  # noqa: BLE001 - counted and shown, the run goes on
        tally.add(api, None, f"{type(e).__name__}: {str(e)[:200]}")
        return None
    tally.add(api, (time.perf_counter() - started) * 1000)
    return out


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def reader(url: str, deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    client = _client(url)
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.3:
            _timed(tally, "ask", lambda: client.predict(rng.choice(QUESTIONS), api_name="/ask"))
        elif roll < 0.7:
            _timed(tally, "search", lambda: client.predict(rng.choice(SEARCHES), api_name="/search"))
        else:
            _timed(tally, "docs", lambda: client.predict("", api_name="/docs", page=1))


def writer(url: str, started: float, seconds: float, tally: Tally, report: dict) -> None:
    """Upload at 1/3 of the run, check it is listed and cited, delete it at 2/3, check it is gone."""
    client = _client(url)
    time.sleep(max(0.0, started + seconds / 3 - time.monotonic()))
    payload = base64.b64encode(UPLOAD_TEXT.encode()).decode()
    out = _timed(tally, "upload", lambda: client.predict(UPLOAD_NAME, payload, "", api_name="/upload"))
    results = (out or {}).get("results", [])
    name = results[0]["name"] if results and results[0]["ok"] else None
    report["uploaded"] = name
    if name:
        docs = _timed(tally, "docs", lambda: client.predict("周末议事茶座", api_name="/docs"))
        report["listed"] = any(d["file"] == name for d in (docs or {}).get("documents", []))
        answer = _timed(tally, "ask", lambda: client.predict("周末议事茶座由谁召集?", api_name="/ask"))
        report["cited"] = any(c["file"] == name for c in (answer or {}).get("citations", []))
    time.sleep(max(0.0, started + 2 * seconds / 3 - time.monotonic()))
    if name:
        gone = _timed(tally, "delete", lambda: client.predict(name, "", api_name="/delete"))
        report["deleted"] = bool(gone and gone["ok"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"policykb serve exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def start_server(work: Path, env_extra: dict | None = None) -> tuple[str, subprocess.Popen]:
    """Ingest the corpus into ``work/data`` (incremental) and serve it on a free loopback port."""
    env = dict(os.environ)
    env.setdefault("POLICYKB_EMBED_CACHE", str(work / "embed_cache.sqlite"))
    env.update(POLICYKB_DATA_DIR=str(work / "data"), POLICYKB_CORPUS_DIR=str(work / "corpus"))
    env.update(env_extra or {})
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "corpus").glob("*.txt"):
        target = corpus / path.name
        if not target.exists():
            target.write_bytes(path.read_bytes())
    subprocess.run([sys.executable, "-m", "app", "ingest", "-q"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    _wait(url, proc)
    return url, proc


def run(url: str, clients: int, seconds: float) -> dict:
    client = _client(url)
    client.predict(QUESTIONS[0], api_name="/ask")  # models loaded before the clock starts
    client.predict(SEARCHES[0], api_name="/search")
    before = {d["file"] for d in client.predict("", api_name="/docs")["documents"]}
    tally, report = Tally(), {}
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=reader, args=(url, deadline, tally, i)) for i in range(clients)]
    threads.append(threading.Thread(target=writer, args=(url, started, seconds, tally, report)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    after = {d["file"] for d in client.predict("", api_name="/docs")["documents"]}
    apis = {}
    for api in sorted(set(tally.ms) | set(tally.errors)):
        ms = tally.ms.get(api, [])
        apis[api] = {
            "requests": len(ms) + len(tally.errors.get(api, [])),
            "errors": len(tally.errors.get(api, [])),
            "p50_ms": float(np.percentile(ms, 50)) if ms else None,
            "p95_ms": float(np.percentile(ms, 95)) if ms else None,
            "first_errors": tally.errors.get(api, [])[:3],
        }
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "apis": apis,
        "requests": sum(a["requests"] for a in apis.values()),
        "errors": sum(a["errors"] for a in apis.values()),
        "writer": report,
        "lost": sorted(before - after),
        "left_over": sorted(after - before),
    }


def render(result: dict) -> str:
    lines = [
        f"{result['clients']} clients, {result['seconds']} s: {result['requests']} requests, "
        f"{result['errors']} errors",
        f"{'API':<8}{'requests':>10}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}",
    ]
    for api, a in result["apis"].items():
        p50 = f"{a['p50_ms']:.0f}" if a["p50_ms"] is not None else "-"
        p95 = f"{a['p95_ms']:.0f}" if a["p95_ms"] is not None else "-"
        lines.append(f"{api:<8}{a['requests']:>10}{a['errors']:>8}{p50:>10}{p95:>10}")
        lines += [f"    {e}" for e in a["first_errors"]]
    w = result["writer"]
    lines.append(
        f"upload {w.get('uploaded')}: listed {w.get('listed')}, cited {w.get('cited')}, deleted {w.get('deleted')}; "
        f"documents lost {result['lost'] or 'none'}, left over {result['left_over'] or 'none'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="a running app (default: serve the bundled corpus on a free port)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-output" / "load")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if not url:
        print("preparing and starting policykb serve …", file=sys.stderr, flush=True)
        url, proc = start_server(args.work.resolve())
    try:
        result = run(url, args.clients, args.seconds)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    ok = not result["errors"] and not result["lost"] and not result["left_over"]
    return 0 if ok and result["writer"].get("deleted") else 1


if __name__ == "__main__":
    sys.exit(main())
