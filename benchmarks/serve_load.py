"""Benchmark: requests/s and latency of ``classifier serve`` under concurrent load (issue 19).

Starts ``classifier serve`` on 127.0.0.1 (a free port; loopback only), then sends
``--requests`` POST /v1/tag requests with the seed article from ``--concurrency``
client threads (keep-alive connections), stopping early after ``--duration`` seconds.
The client runs on the same machine as the server, so on a 2-core machine it takes
part of the CPU the server could use. Writes ``benchmarks/serve_load.{json,md}``.

    python benchmarks/serve_load.py                      # fast model x 1 and 2 workers, accurate
    python benchmarks/serve_load.py --tiny --out /tmp/x  # seconds (the test suite)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_a16f0ea716d6622e.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str, workers: int, port: int) -> subprocess.Popen:
    """``classifier serve`` in a child process; returns once /healthz answers."""
    cmd = [sys.executable, "-m", "classifier", "serve", "--model", model, "--host",
           "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-500:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                if workers > 1:
                    time.sleep(3)  # let every worker load the model
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("server did not start in 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(port: int, body: bytes, requests: int, concurrency: int, duration: float) -> dict:
    """Send ``requests`` POST /v1/tag from ``concurrency`` threads, within ``duration`` s."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > stop_at:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("POST", "/v1/tag", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "requests": len(latencies), "errors": errors[0], "seconds": round(wall, 3),
        "requests_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": round(pct(0.50), 1) if latencies else None,
        "p95_ms": round(pct(0.95), 1) if latencies else None,
        "mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else None,
    }


def as_markdown(results: dict) -> str:
    lines = [
        "# `classifier serve` under load (issue 19)",
        "",
        f"`{results['command']}` on {results['machine']}: POST /v1/tag with the seed "
        f"article ({results['article_chars']} characters, {results['sentences']} sentences) "
        "from client threads with keep-alive connections on 127.0.0.1; the client shares "
        "the machine with the server.",
        "",
        "| model | workers | concurrency | requests | errors | requests/s | p50 ms | p95 ms "
        "| load average before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["runs"]:
        lines.append(f"| {r['model']} | {r['workers']} | {r['concurrency']} | {r['requests']} "
                     f"| {r['errors']} | {r['requests_per_s']} | {r['p50_ms']} "
                     f"| {r['p95_ms']} | {r.get('load_before', '')} / "
                     f"{r.get('load_after', '')} |")
    fast = [r for r in results["runs"] if r["model"] == "default"]
    if fast:
        best = max(fast, key=lambda r: r["requests_per_s"])
        met = "met" if best["requests_per_s"] >= 200 else "NOT met"
        lines += ["", f"Target (issue 19): at least 200 articles/s with the fast model on 2 "
                      f"cores: best {best['requests_per_s']} ({best['workers']} worker"
                      f"{'s' if best['workers'] != 1 else ''}), "
                      f"**{met}**.", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0, help="stop after (s)")
    parser.add_argument("--runs", default="default:1,default:2,accurate:1",
                        help="model:workers pairs")
    parser.add_argument("--tiny", action="store_true", help="20 requests, fast model, 1 worker")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    args = parser.parse_args(argv)
    if args.tiny:
        args.requests, args.concurrency, args.runs, args.duration = 20, 2, "default:1", 60.0
    sys.path.insert(0, str(ROOT))
    from classifier.text.sentences import split_sentences

    text = SEED.read_text(encoding="utf-8")
    body = json.dumps({"text": text}).encode()
    runs = []
    for spec in args.runs.split(","):
        model, _, workers = spec.partition(":")
        port = free_port()
        proc = start_server(model, int(workers or 1), port)
        try:
            load(port, body, min(20, args.requests), args.concurrency, 30)  # warm-up
            before = os.getloadavg()[0]
            result = load(port, body, args.requests, args.concurrency, args.duration)
            after = os.getloadavg()[0]
        finally:
            stop_server(proc)
        # the machine is shared: the 1-minute load average before and after the run
        result.update(model=model, workers=int(workers or 1), concurrency=args.concurrency,
                      load_before=round(before, 2), load_after=round(after, 2))
        runs.append(result)
        print(f"{model:<9} workers={result['workers']} {result['requests_per_s']:>7} req/s "
              f"p50={result['p50_ms']} ms p95={result['p95_ms']} ms errors={result['errors']}")
    results = {
        "command": "python benchmarks/serve_load.py" + (" --tiny" if args.tiny else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "article_chars": len(text), "sentences": len(split_sentences(text)), "runs": runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "serve_load.json").write_text(json.dumps(results, indent=2) + "\n",
                                              encoding="utf-8")
    (args.out / "serve_load.md").write_text(as_markdown(results), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
