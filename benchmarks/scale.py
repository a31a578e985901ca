"""Scale benchmark: streaming prediction and out-of-core training on a large corpus.

Generates a corpus of shuffled recombinations of data/train.jsonl sentences
(load only: the recombined text has no trustworthy label), then runs the real
CLI on it and reports rows/s and peak memory (the whole process tree: the CLI,
its worker processes, or the Dask cluster it starts):

- `classifier predict --input corpus.jsonl --output out.parquet` with --jobs 1,
  --jobs 2, and --engine dask on a 2-worker LocalCluster;
- `classifier train --streaming` on a labeled corpus.

Writes benchmarks/scale.json and benchmarks/scale.md. Targets are reported, not
asserted (the figures depend on the machine and on what else runs on it).

    python benchmarks/scale.py              # 2,000,000 rows predicted, 1,000,000 trained
    python benchmarks/scale.py --tiny       # seconds (run by the test suite)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"predict_peak_rss_mb": 600, "jobs2_speedup": 1.6, "train_peak_rss_mb": 1024}


def make_corpus(source: Path, path: Path, rows: int, seed: int = 0, labels: bool = False):
    """Write ``rows`` JSONL rows: a sentence, or the first half of one joined to the
    second half of another (half the time), drawn at random from ``source``."""
    pool = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    pool = [(r["text"].split(), r["label"]) for r in pool if r.get("text")]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        batch = []
        for i in range(rows):
            words, label = rng.choice(pool)
            if rng.random() < 0.5:
                other = rng.choice(pool)[0]
                words = words[: len(words) // 2 + 1] + other[len(other) // 2 + 1:]
            row = {"id": f"s{i}", "text": " ".join(words)}
            if labels:
                row["label"] = label
            batch.append(json.dumps(row, ensure_ascii=False))
            if len(batch) == 10_000:
                out.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            out.write("\n".join(batch) + "\n")


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def measure(cmd: list[str], interval: float = 0.25) -> dict:
    """Run ``cmd``; its wall time and the peak RSS of its process tree (sampled),
    plus the peak of its largest single process."""
    import resource

    peak = {"tree": 0, "single": 0}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(os.environ, COLUMNS="200")  # rich: keep each summary on one line
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes = [_rss_kb(pid) for pid in _tree(proc.pid)]
            peak["tree"] = max(peak["tree"], sum(sizes))
            peak["single"] = max(peak["single"], max(sizes, default=0))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # CPU seconds of the run's (reaped) processes over wall seconds: how many cores it
    # actually got; below --jobs when other work shares the machine
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 1),
            "cores_used": round(cpu / seconds, 2) if seconds else None,
            "peak_rss_mb": round(peak["tree"] / 1024, 1),
            "peak_rss_largest_process_mb": round(peak["single"] / 1024, 1),
            "stderr": stderr.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="seconds-long run for the tests")
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows to predict")
    parser.add_argument("--train-rows", type=int, default=1_000_000)
    parser.add_argument("--passes", type=int, default=3, help="streaming training passes")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder [temp]")
    parser.add_argument("--only", choices=["predict-local", "predict-dask"], default=None,
                        help="predict-local: only --jobs 1 and --jobs 2 (a quick scaling "
                        "check); predict-dask: only the Dask engine (a quick memory check)")
    parser.add_argument("--model", default=None, help="model folder or shipped name "
                        "[default: the default model]; copied first, so that a model "
                        "retrained during the run cannot change the figures")
    args = parser.parse_args()
    if args.tiny:
        args.rows, args.train_rows, args.passes = 1_000, 1_000, 1

    exe = str(Path(sys.executable).with_name("classifier"))
    work = args.work or Path(tempfile.mkdtemp(prefix="scale-"))
    work.mkdir(parents=True, exist_ok=True)
    source = ROOT / "data" / "train.jsonl"
    corpus, labeled = work / "corpus.jsonl", work / "labeled.jsonl"
    t0 = time.perf_counter()
    make_corpus(source, corpus, args.rows, seed=0)
    if not args.only:
        make_corpus(source, labeled, args.train_rows, seed=1, labels=True)
    generate_s = time.perf_counter() - t0

    from classifier.persistence import read_metadata, resolve_model_path

    model_dir = work / "model"
    shutil.copytree(resolve_model_path(args.model), model_dir, dirs_exist_ok=True)
    meta = read_metadata(model_dir)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    code = _git_head()
    runs = {}
    base = [exe, "predict", "--input", str(corpus), "--id-column", "id", "--quiet",
            "--model", str(model_dir)]
    engines = [("jobs 1", ["--jobs", "1"]), ("jobs 2", ["--jobs", "2"]),
               ("dask, 2-worker LocalCluster", ["--engine", "dask", "--jobs", "2"])]
    chosen = {"predict-local": engines[:2], "predict-dask": engines[2:]}.get(args.only, engines)
    for name, extra in chosen:
        output = work / f"out-{name.split(',')[0].replace(' ', '')}.parquet"
        result = measure(base + ["--output", str(output)] + extra)
        result["rows_per_s"] = round(args.rows / result["seconds"], 1)
        result["output_rows"] = _parquet_rows(output)
        runs[name] = result
        shutil.rmtree(output, ignore_errors=True) if output.is_dir() else output.unlink()
        print(f"{name}: {result['rows_per_s']:,.0f} rows/s, peak {result['peak_rss_mb']} MB",
              file=sys.stderr)
        (work / "partial.json").write_text(json.dumps(runs, indent=2))  # if interrupted

    if args.only:
        quick = {"load_average_at_start": load_at_start, "predict": runs}
        if "jobs 2" in runs:
            quick["jobs2_speedup"] = round(runs["jobs 2"]["rows_per_s"]
                                           / runs["jobs 1"]["rows_per_s"], 2)
        print(json.dumps(quick, indent=2))
        return
    model = work / "streamed"
    train = measure([exe, "train", "--streaming", "--data", str(labeled), "--out", str(model),
                     "--passes", str(args.passes), "--force"])
    train["rows"] = args.train_rows
    train["passes"] = args.passes
    train["rows_per_s"] = round(args.train_rows * args.passes / train["seconds"], 1)
    train["note"] = train.pop("stderr").splitlines()[-2:]
    for run in runs.values():
        run.pop("stderr")

    speedup = runs["jobs 2"]["rows_per_s"] / runs["jobs 1"]["rows_per_s"]
    payload = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_at_start": load_at_start,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "corpus": {"predict_rows": args.rows, "train_rows": args.train_rows,
                   "predict_mb": round(corpus.stat().st_size / 2**20, 1),
                   "generate_s": round(generate_s, 1)},
        "model": {"name": meta.get("name"), "created": meta.get("created"),
                  "config": meta.get("config")},
        "code": code,
        "predict": runs,
        "jobs2_speedup": round(speedup, 2),
        "train_streaming": train,
        "targets": TARGETS,
        "tiny": args.tiny,
    }
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps(payload, indent=2) + "\n")
    (args.out / "scale.md").write_text(markdown(payload))
    print(markdown(payload))


def _git_head() -> str | None:
    """The commit the figures were measured on (plus "-dirty" if the tree had changes)."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["row"]).num_rows


def markdown(r: dict) -> str:
    c, t = r["corpus"], r["targets"]
    ok = lambda good: "yes" if good else "**no**"  # noqa: E731
    lines = [
        f"Machine: {r['machine']['cores']} cores, Python {r['machine']['python']}; load "
        f"average (1, 5, 15 min) at the start {r['machine']['load_average_at_start']}, at "
        f"the end {r['machine']['load_average_at_end']}. Corpus: "
        f"{c['predict_rows']:,} sentences to predict ({c['predict_mb']} MB of JSONL), "
        f"{c['train_rows']:,} labeled sentences to train on. Model: "
        f"{r['model']['name']} (created {r['model']['created']}); code {r['code']}.",
        "",
        "| predict (JSONL in, Parquet out) | rows/s | seconds | cores used | peak RSS MB "
        f"(process tree) | largest process MB | under {t['predict_peak_rss_mb']} MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in r["predict"].items():
        lines.append(f"| {name} | {run['rows_per_s']:,.0f} | {run['seconds']:,.1f} | "
                     f"{run.get('cores_used')} | {run['peak_rss_mb']:,.0f} | "
                     f"{run['peak_rss_largest_process_mb']:,.0f} | "
                     f"{ok(run['peak_rss_mb'] < t['predict_peak_rss_mb'])} |")
    s = r["train_streaming"]
    lines += [
        "",
        f"- `--jobs 2` / `--jobs 1`: {r['jobs2_speedup']}x (target >= {t['jobs2_speedup']}x: "
        f"{ok(r['jobs2_speedup'] >= t['jobs2_speedup'])})",
        f"- streaming training, {s['rows']:,} rows x {s['passes']} passes: "
        f"{s['rows_per_s']:,.0f} rows/s, {s['seconds']:,.1f} s, peak RSS "
        f"{s['peak_rss_mb']:,.0f} MB (target < {t['train_peak_rss_mb']} MB: "
        f"{ok(s['peak_rss_mb'] < t['train_peak_rss_mb'])})",
    ]
    return "\n".join(lines + [""])


if __name__ == "__main__":
    main()
