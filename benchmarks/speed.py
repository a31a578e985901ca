"""Speed against peers, in one process and one run: sentences/s on real news and team text.

For each corpus (real-news sentences from ``load_real_pool()``, skipped with a note
when the source is not fetched; the team's test split) one subprocess loads every
system and times ``predict_proba`` on the same sentences, the systems taking turns
in each of ``runs`` rounds so that a busy machine slows them alike; a figure is the
median over the rounds and its ratio is to the naive baseline's median.

Systems: the shipped fast model through ``load_model()`` (what users get), the
naive ``TfidfVectorizer() + LogisticRegression``, fastText (``bench`` extra) trained
on the same sentences, and the accurate model: torch (today's path), and ONNX
Runtime float and int8 (``persistence.export_onnx`` into a copy), with 1 and 2
threads, on fewer sentences. real-dev macro-F1 of the three accurate paths says
whether int8 may be used (it may if it loses less than 0.01).

    python benchmarks/speed.py            # standalone: writes benchmarks/speed.json|md
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCURATE = ROOT / "models" / "accurate"

TIMER = """
import json, sys, time, statistics
sys.path.insert(0, {root!r})
spec = json.load(open({spec!r}))
texts = json.load(open(spec["texts"]))
systems = {{}}
def fast_model():
    from classifier import load_model
    return load_model(spec["shipped"]).predict_proba
def naive():
    import joblib
    return joblib.load(spec["naive"]).predict_proba
def fasttext_model():
    import fasttext
    model = fasttext.load_model(spec["fasttext"])
    return lambda batch: model.predict([t.replace("\\n", " ") for t in batch], k=-1)
def accurate(path, threads, fast):
    from classifier import load_model
    model = load_model(path, fast=fast)
    model.threads = threads
    return model.predict_proba
for name, kind in spec["systems"]:
    if kind == "fast": systems[name] = fast_model()
    elif kind == "naive": systems[name] = naive()
    elif kind == "fasttext": systems[name] = fasttext_model()
    else:
        path, threads, fast = kind
        systems[name] = accurate(path, threads, fast)
limit = spec["limits"]
for name, predict in systems.items():  # warm-up: first-call allocations, lazy imports
    predict(texts[:32])
runs = {{name: [] for name in systems}}
for _ in range(spec["runs"]):
    for name, predict in systems.items():
        batch = texts[:limit.get(name, len(texts))]
        t0 = time.perf_counter()
        for i in range(0, len(batch), 4096):
            predict(batch[i:i + 4096])
        runs[name].append(len(batch) / (time.perf_counter() - t0))
print(json.dumps(runs))
"""


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def real_news_texts(limit: int) -> list[str] | None:
    """The first ``limit`` real-news pool sentences, or ``None`` (with a note) when the
    source is not fetched. Held in memory only."""
    from classifier.errors import DataError

    try:
        from classifier.data.real_news import load_real_pool

        pool = load_real_pool()
    except DataError as exc:
        print(f"speed: no real-news figures (the source is not fetched: {exc}; "
              "`classifier data fetch` gets it)", file=sys.stderr)
        return None
    return [p.text for p in pool][:limit]


def train_fasttext(train, work: Path):
    """fastText on the training sentences (``None`` with a note when not installed)."""
    try:
        import fasttext
    except ImportError:
        print("speed: fastText is not installed (pip install '.[bench]'); no fastText row",
              file=sys.stderr)
        return None
    lines = [f"__label__{label} {text.replace(chr(10), ' ')}"
             for text, label in zip(train.texts, train.labels)]
    source = work / "fasttext-train.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = fasttext.train_supervised(str(source), epoch=25, lr=0.5, wordNgrams=2, dim=100,
                                      seed=0, thread=1, verbose=0)
    path = work / "fasttext.bin"
    model.save_model(str(path))
    return path


def accurate_variants(work: Path, accurate: Path | None) -> dict[str, Path]:
    """The accurate model as shipped (torch) and copies with ONNX exports (float, int8)."""
    if accurate is None or not (accurate / "metadata.json").is_file():
        return {}
    try:
        from classifier.persistence import export_onnx
        from classifier.transformer.onnx_backend import require_runtime

        require_runtime()
    except Exception as exc:  # the onnx extra missing: torch rows only
        print(f"speed: no ONNX rows ({exc})", file=sys.stderr)
        return {"torch": accurate}
    out = {"torch": accurate}
    for name, int8 in (("onnx", False), ("onnx-int8", True)):
        copy = shutil.copytree(accurate, work / f"accurate-{name}")
        (copy / "model.onnx").unlink(missing_ok=True)
        export_onnx(copy, int8=int8)
        out[name] = copy
    return out


def accurate_quality(variants: dict[str, Path]) -> dict[str, float]:
    """real-dev macro-F1 of each accurate variant (empty when real-dev is not there)."""
    from classifier import load_model
    from classifier.data import load_labeled
    from classifier.errors import DataError
    from classifier.evaluation import score

    try:
        dev = load_labeled(["real-dev"])
    except DataError as exc:
        print(f"speed: no real-dev macro-F1 ({exc})", file=sys.stderr)
        return {}
    out = {}
    for name, path in variants.items():
        model = load_model(path, fast=False if name == "torch" else None)
        proba = model.predict_proba(dev.texts, dev.contexts)
        labels = [model.labels[i] for i in proba.argmax(axis=1)]
        out[name] = round(score(dev.labels, labels, proba, tuple(model.labels)).macro_f1, 4)
    return out


def measure(corpus: str, texts: list[str], systems: list, limits: dict, runs: int,
            work: Path, paths: dict) -> dict:
    texts_file = work / f"texts-{corpus}.json"
    texts_file.write_text(json.dumps(texts))
    spec = work / f"spec-{corpus}.json"
    spec.write_text(json.dumps({**paths, "texts": str(texts_file), "systems": systems,
                                "limits": limits, "runs": runs}))
    code = TIMER.format(root=str(ROOT), spec=str(spec))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"speed run on {corpus} failed:\n{out.stderr[-3000:]}")
    raw = json.loads(out.stdout.strip().splitlines()[-1])
    naive = statistics.median(raw["naive tfidf+logreg"])
    return {name: {"sentences_per_s": round(statistics.median(values), 1),
                   "runs": [round(v, 1) for v in values],
                   "ratio_to_naive": round(statistics.median(values) / naive, 3),
                   "sentences": limits.get(name, len(texts))}
            for name, values in raw.items()}


def peers(train, work: Path, runs: int = 3, n_sentences: int = 20_000,
          n_accurate: int = 1_000, accurate: Path | None = ACCURATE,
          shipped: Path | None = None, tiny: bool = False) -> dict:
    """The speed-against-peers table on real news and on the team test split."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from classifier.data import load_labeled
    from classifier.persistence import resolve_model_path

    naive = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    naive.fit(train.texts, train.labels)
    joblib.dump(naive, work / "naive-peer.joblib")
    paths = {"shipped": str(shipped or resolve_model_path()),
             "naive": str(work / "naive-peer.joblib")}
    systems: list = [["shipped fast model (load_model())", "fast"],
                     ["naive tfidf+logreg", "naive"]]
    fasttext_path = train_fasttext(train, work)
    if fasttext_path:
        paths["fasttext"] = str(fasttext_path)
        systems.append(["fastText", "fasttext"])
    variants = {} if tiny else accurate_variants(work, accurate)
    limits = {}
    for name, path in variants.items():
        for threads in (1, 2):
            label = f"accurate {name} ({threads} thread{'s' if threads > 1 else ''})"
            systems.append([label, [str(path), threads, False if name == "torch" else None]])
            limits[label] = n_accurate
    corpora = {}
    real = real_news_texts(n_sentences) if not tiny else None
    if real:
        corpora["real news"] = real
    test = load_labeled(ROOT / ("tests/data/tiny.jsonl" if tiny else "data/test.jsonl")).texts
    corpora["team test"] = (test * (n_sentences // len(test) + 1))[:n_sentences]
    result = {"load_average_before": load_average(), "runs": runs, "corpora": {}}
    for corpus, texts in corpora.items():
        words = sum(len(t.split()) for t in texts) / len(texts)
        result["corpora"][corpus] = {
            "sentences": len(texts), "mean_words": round(words, 1),
            "systems": measure(corpus, texts, systems, limits, runs, work, paths)}
    result["load_average_after"] = load_average()
    result["accurate_real_dev_macro_f1"] = accurate_quality(variants) if variants else {}
    return result


def targets(r: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) of issue 17, on real-news sentences when measured."""
    corpus = r["corpora"].get("real news") or r["corpora"]["team test"]
    s = corpus["systems"]
    rows = []
    fast = s["shipped fast model (load_model())"]["ratio_to_naive"]
    rows.append(("fast model via load_model() >= 0.5x naive", f"{fast:.2f}x", fast >= 0.5))
    if "fastText" in s:
        ft = s["fastText"]["ratio_to_naive"]
        rows.append(("fast model >= fastText", f"{fast:.2f}x vs {ft:.2f}x", fast >= ft))
    torch2 = s.get("accurate torch (2 threads)")
    f1 = r.get("accurate_real_dev_macro_f1") or {}
    for name in ("onnx", "onnx-int8"):
        row = s.get(f"accurate {name} (2 threads)")
        if torch2 and row:
            gain = row["sentences_per_s"] / torch2["sentences_per_s"]
            drop = (f1["torch"] - f1[name]) if name in f1 and "torch" in f1 else None
            within = drop is not None and drop < 0.01
            shown = f"{gain:.1f}x, real-dev F1 {'-' if drop is None else f'{-drop:+.3f}'}"
            rows.append((f"accurate {name} >= 3x torch (2 threads), F1 within 0.01", shown,
                         gain >= 3 and within))
    return rows


def markdown(r: dict) -> str:
    lines = [f"Speed against peers: sentences/s, median of {r['runs']} rounds (systems take "
             f"turns), ratio to the naive baseline; load average before/after "
             f"{r['load_average_before']} / {r['load_average_after']}.", ""]
    for corpus, c in r["corpora"].items():
        lines += [f"**{corpus}** ({c['sentences']} sentences, mean {c['mean_words']} words; "
                  "accurate rows on the first ones)", "",
                  "| system | sentences/s | x naive | sentences |", "|---|---|---|---|"]
        for name, row in c["systems"].items():
            lines.append(f"| {name} | {row['sentences_per_s']:,.0f} | "
                         f"{row['ratio_to_naive']:.2f} | {row['sentences']} |")
        lines.append("")
    f1 = r.get("accurate_real_dev_macro_f1")
    if f1:
        lines += ["real-dev macro-F1 of the accurate paths: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in f1.items()), ""]
    lines += ["| target (issue 17) | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |"
              for name, value, ok in targets(r)]
    return "\n".join(lines + [""])


def main() -> None:
    import argparse

    sys.path.insert(0, str(ROOT))
    from classifier.data import load_labeled

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--n-accurate", type=int, default=1_000)
    parser.add_argument("--no-accurate", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    args = parser.parse_args()
    train = load_labeled([ROOT / "data" / "train.jsonl", ROOT / "data" / "dev.jsonl"])
    work = Path(tempfile.mkdtemp(prefix="speed-"))
    t0 = time.perf_counter()
    try:
        result = peers(train, work, args.runs, args.n, args.n_accurate,
                       None if args.no_accurate else ACCURATE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["machine"] = {"cores": os.cpu_count()}
    (args.out / "speed.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "speed.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
