"""``MODEL_CARD.md``: a model card written from a saved model's metadata.

``save_model`` writes one into every model folder, so the card always describes the
artifacts beside it: intended use, the labels and their definitions, the training
data, the metrics (cross-validated and held-out, with calibration), the limits, and
how to load the model. The card is documentation, not an artifact: it is not in
the checksummed ``files`` list (editing it cannot stop a model from loading), and
it is rewritten from the metadata on every save.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from classifier.labels import DESCRIPTIONS, EXAMPLES, LABELS

CARD = "MODEL_CARD.md"
PROJECT_CORPUS = "data/train.jsonl"  # the project's own corpus (data/README.md)

_BACKENDS = {
    "tfidf": "TF-IDF word and character n-grams plus the guide's cue features "
    "(attribution, hedging, interpretation), with a linear classifier (scikit-learn)",
    "transformer": "a fine-tuned small sentence encoder (all-MiniLM-L6-v2) with a linear head",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _f(value: object, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "n/a"


def is_guide(labels: Iterable[str]) -> bool:
    """Whether ``labels`` are (some of) the guide's news-sourcing labels.

    Parameters
    ----------
    labels : iterable of str
        A model's labels.

    Returns
    -------
    bool
        True when every label is one of ``LABELS``.
    """
    return set(labels) <= set(LABELS)


def _labels_section(labels: list[str], counts: dict) -> list[str]:
    lines = ["## Labels", ""]
    if is_guide(labels):
        lines += [
            "Each sentence gets one of these labels. The label says *whose word* a sentence "
            "rests on and *how sure* it is, not whether it is true. Annotators decide in "
            "this order (the first yes wins): attributed to an official source → "
            "`official_claim`; uncertain, predictive or hypothetical → `speculation`; "
            "interpretive → `analysis`; otherwise → `factual_report` (the project's "
            "labeling guide, LABELS.md, has the full rules and hard cases).",
            "",
        ]
    else:
        lines += [
            "Each text gets one of these labels, learned from the training data: they are "
            "not the project's news-sourcing labels, and what each one means is what its "
            "training rows show (the model was not told more).",
            "",
        ]
    lines += ["| label | definition | example |", "|---|---|---|"]
    for label in labels:
        definition = DESCRIPTIONS.get(label, "custom label: as the training data uses it"
                                      + (f" ({counts[label]} rows)" if label in counts else ""))
        lines.append(f"| `{_cell(label)}` | {_cell(definition)} | "
                     f"{_cell(EXAMPLES.get(label, ''))} |")
    return lines + [""]


def _data_section(data: dict) -> list[str]:
    lines = ["## Training data", ""]
    if not data:
        return lines + ["Not recorded.", ""]
    lines.append(f"- source: `{data.get('source', 'n/a')}`")
    lines.append(f"- rows: {data.get('rows', 'n/a')}")
    counts = data.get("label_counts") or {}
    if counts:
        total = sum(counts.values()) or 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("- labels: " + ", ".join(
            f"`{label}` {n} ({n / total:.0%})" for label, n in ranked))
    dropped = data.get("dropped") or {}
    lines.append("- dropped rows: " + (", ".join(
        f"{n} ({reason})" for reason, n in sorted(dropped.items())) if dropped else "none"))
    if data.get("fingerprint"):
        lines.append(f"- fingerprint (SHA-256 of the rows in order): `{data['fingerprint']}`")
    return lines + [""]


def _real_section(real: dict) -> list[str]:
    """Real published news first: the figures a user of the model can expect."""
    lines = ["- **real published news** (the project's real-news set, 2017, labeled by the "
             "team; 90% interval from a bootstrap over articles):", "",
             "| split | sentences | macro-F1 | 90% interval | official_claim recall |",
             "|---|---:|---:|---|---:|"]
    for split in ("real-test", "real-dev"):
        row = real.get(split)
        if row:
            low, high = row.get("macro_f1_90", [None, None])
            lines.append(f"| `{split}` | {row.get('n')} | {_f(row.get('macro_f1'))} | "
                         f"{_f(low)} to {_f(high)} | {_f(row.get('official_claim_recall'))} |")
    note = real.get("note")
    return lines + ([""] + [note] if note else []) + [""]


def _metrics_section(metrics: dict) -> list[str]:
    lines = ["## Metrics", ""]
    if metrics.get("real"):
        lines += _real_section(metrics["real"])
    cv, test = metrics.get("cv"), metrics.get("test")
    if not cv and not test and not metrics.get("real"):
        return lines + ["No metrics were recorded (trained without cross-validation or a "
                        "test set).", ""]
    if cv:
        kind = "grouped (no article in two folds) " if cv.get("grouped") else ""
        lines.append(f"- {kind}{len(cv.get('folds', []))}-fold cross-validated macro-F1: "
                     f"{_f(cv.get('mean'))} ± {_f(cv.get('std'))}")
    if test:
        lines += [
            f"- held-out test set (`{test.get('source', '')}`, {test.get('n', 'n/a')} "
            f"sentences): macro-F1 {_f(test.get('macro_f1'))}, accuracy "
            f"{_f(test.get('accuracy'))}",
            "", "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|",
        ]
        for m in test.get("per_class", []):
            lines.append(f"| `{_cell(m['label'])}` | {_f(m['precision'])} | "
                         f"{_f(m['recall'])} | {_f(m['f1'])} | {m['support']} |")
        lines += [
            "", "### Calibration", "",
            f"- expected calibration error (10 bins): {_f(test.get('ece'))}: the average gap "
            "between the predicted label's probability and how often it is right",
            f"- Brier score: {_f(test.get('brier'))} (mean squared error of the "
            "probabilities over all labels; 0 is perfect)",
        ]
    return lines + [""]


def _calibration_lines(calibration: dict | None) -> list[str]:
    if not isinstance(calibration, dict) or "temperature" not in calibration:
        return ["- calibration: none (the backend's own probabilities)"]
    return [f"- calibration: temperature {_f(calibration['temperature'])} (`classifier "
            f"calibrate`), fitted on {calibration.get('fitted_on') or 'held-out data'} "
            f"({calibration.get('n', '?')} sentences): expected calibration error "
            f"{_f(calibration.get('ece_before'))} -> {_f(calibration.get('ece_after'))}; "
            "the most probable label is unchanged, so macro-F1 and accuracy below hold "
            "either way; the Brier score and calibration error of `test` below were "
            "measured at training time, before calibration"]


def model_card(metadata: dict) -> str:
    """The model card of a model, as Markdown, from its metadata alone.

    Parameters
    ----------
    metadata : dict
        The model's metadata.

    Returns
    -------
    str
        The card: model, intended use, labels, training data, metrics, limits, loading.

    Examples
    --------
    >>> card = model_card({"name": "demo", "backend": "tfidf", "labels": ["speculation"]})
    >>> card.splitlines()[0]
    '# Model card: demo'
    """
    name = metadata.get("name", "unnamed")
    backend = metadata.get("backend", "tfidf")
    labels = list(metadata.get("labels") or LABELS)
    versions = metadata.get("versions") or {}
    config = metadata.get("config") or {}
    lines = [
        f"# Model card: {name}", "",
        "Generated from `metadata.json` when the model was saved; do not edit by hand "
        "(it is rewritten on every save).", "",
        "## Model", "",
        f"- backend: `{backend}`: {_BACKENDS.get(backend, 'see metadata.json')}",
    ]
    if config.get("estimator"):
        lines.append(f"- estimator: `{config['estimator']}`; full configuration under "
                     "`config` in `metadata.json`")
    lines += [
        f"- created: {metadata.get('created', 'n/a')}",
        "- saved with: " + (", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
                            or "n/a"),
        "- files (SHA-256, checked before loading): " + (", ".join(
            f"`{f}` `{h[:12]}…`" for f, h in sorted((metadata.get("files") or {}).items()))
            or "n/a"),
    ]
    lines += _calibration_lines(metadata.get("calibration"))
    lines.append("")
    guide = is_guide(labels)
    lines += ["## Intended use", ""]
    if guide:
        lines += [
            "Tagging each sentence of English news text by how it is sourced and how sure "
            "it is, so that people can see the mix in an article or a collection: "
            "journalists checking how much of a story rests on official sources, media "
            "researchers comparing outlets, fact-checkers looking for the checkable "
            "sentences first.",
            "",
            "Not intended for: deciding whether a sentence is true, rating outlets or "
            "authors on their own, or any automated decision about people. A label is a "
            "reading aid with a probability, not a verdict.",
            "",
        ]
    else:
        shown = ", ".join(f"`{_cell(label)}`" for label in labels)
        lines += [
            f"Tagging each sentence (or short text) with one of the labels it was trained "
            f"on: {shown}. Its intended use is the one its training data was gathered "
            "for; the person who trained it should say which, here or beside the model.",
            "",
            "Not intended for: any automated decision about people, or text unlike its "
            "training data. A label is a reading aid with a probability, not a verdict.",
            "",
        ]
    data = metadata.get("data") or {}
    counts = data.get("label_counts") or {}
    lines += _labels_section(labels, counts if isinstance(counts, dict) else {})
    lines += _data_section(metadata.get("data") or {})
    lines += _metrics_section(metadata.get("metrics") or {})
    source = str((metadata.get("data") or {}).get("source", ""))
    if guide and (not source or PROJECT_CORPUS in source):
        trained_on = (
            "- Trained on news prose written for this project: English sentences written "
            "by the team's writers to briefs per topic and outlet style (facts may be "
            "real, the wording is not from published text), labeled by the guide. It is "
            "not a sample of real outlets: expect lower scores on real news, and measure "
            "on a labeled sample of your own before relying on it."
        )
    else:
        trained_on = (
            f"- Trained on `{source}`: it knows only the genres, topics and labeling "
            "habits of that data; measure on a labeled sample of your own use before "
            "relying on it."
        )
    lines += [
        "## Limits", "",
        trained_on,
        "- Domain shift: other genres (opinion columns, social media, transcripts, press "
        "releases), other languages, and very short or very long sentences are outside "
        "the training data. The project's `shift` split measures part of this.",
        "- Sentences are judged one at a time: context from the previous sentence (who "
        "is still speaking in a continued quotation) is invisible to the model.",
        ("- Grey zones in the guide (mixed sentences, unnamed sources, plans versus hopes) "
         "are where the errors concentrate; annotators disagree there too." if guide else
         "- Labels with few training rows, and texts that fit several labels, are where "
         "the errors concentrate: check the per-label figures above."),
        "- Calibration (above) was measured on held-out data from the same source; on "
        "shifted data the probabilities are likely to be over-confident.",
        "",
        "## How to load it", "",
        "```python",
        "from classifier import load_model",
        "",
        f'model = load_model("path/to/{name}")   # checks the SHA-256 of every file first',
        ('article = model.tag_article("Police said two men were arrested. More may follow.")'
         if guide else 'article = model.tag_article("Your text. One sentence or more.")'),
        "print([(s.label, round(s.confidence, 2)) for s in article.sentences])",
        "```", "",
        "```bash",
        (f'classifier predict --model path/to/{name} "The ministry said 14 people were '
         'detained."' if guide else f'classifier predict --model path/to/{name} "Your text."'),
        f"classifier evaluate --model path/to/{name} --data labeled.jsonl --report report/",
        "```", "",
    ]
    return "\n".join(lines)


def write_model_card(folder: str | Path, metadata: dict) -> Path:
    """Write ``MODEL_CARD.md`` into ``folder``.

    Parameters
    ----------
    folder : str or Path
        The model folder.
    metadata : dict
        The model's metadata.

    Returns
    -------
    Path
        The card's path.
    """
    path = Path(folder) / CARD
    path.write_text(model_card(metadata), encoding="utf-8")
    return path
