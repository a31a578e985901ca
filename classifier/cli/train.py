"""`classifier train`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from classifier.cli._app import (
    CHECKS,
    INPUT,
    MODEL,
    OUTPUT,
    EncodingOption,
    LabelColumn,
    TextColumn,
    app,
    clean_errors,
    examples,
    make_console,
    pick,
)
from classifier.errors import ClassifierError

if TYPE_CHECKING:
    from rich.console import Console

    from classifier.data.hygiene import HygieneReport
    from classifier.data.tables import LabeledData
    from classifier.model import Model
    from classifier.transformer.backend import TransformerModel
    from classifier.transformer.finetuning import EpochResult, TransformerConfig


class Backend(str, Enum):
    """The backends ``train --backend`` can train."""

    tfidf = "tfidf"
    transformer = "transformer"


class ArtifactFormat(str, Enum):
    """How ``train --save-format`` saves a TF-IDF pipeline."""

    joblib = "joblib"
    skops = "skops"


TRAINING, TRANSFORMER, STREAMING = "Training", "Transformer backend", "Out-of-core (--streaming)"
DISTILL = "Distillation (real-news pool)"


@app.command("train", epilog=examples(
    "classifier train --data mine.csv --output models/mine",
    "classifier train -d train.jsonl -d dev.jsonl --group-column article --test test.jsonl "
    "-o models/mine --folds 5",
    "classifier train --data mine.csv -o models/shared --save-format skops --strict",
    "classifier train --backend transformer --data mine.jsonl -o models/mine-accurate "
    "--epochs 3 --learning-rate 3e-5",
    "classifier train --streaming --data big.jsonl -o models/big --passes 3",
    "classifier train -d data/train.jsonl -d real-train --distill models/accurate "
    "-o models/mine --folds 0",
))
def train_cli(
    data: Annotated[
        list[str],
        typer.Option("--data", "-d", metavar="FILE", rich_help_panel=INPUT,
                     help="CSV, JSONL or Parquet file(s) with text and label columns (repeat "
                     "for several), or a Hub dataset as hf:OWNER/NAME."),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FOLDER", rich_help_panel=OUTPUT,
                                  help="Folder to save the model to (required).")
    ] = None,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    group_column: Annotated[
        str | None,
        typer.Option(metavar="NAME", rich_help_panel=INPUT,
                     help="Column of group ids (e.g. article) so CV folds do not leak."),
    ] = None,
    encoding: EncodingOption = "utf-8",
    config: Annotated[
        Path | None, typer.Option(metavar="JSON", rich_help_panel=TRAINING,
                                  help="Pipeline configuration JSON (from `tune`).")
    ] = None,
    seed: Annotated[int, typer.Option(metavar="N", rich_help_panel=TRAINING,
                                      help="Random seed.")] = 0,
    folds: Annotated[
        int | None, typer.Option(metavar="N", rich_help_panel=TRAINING,
                                 help="Cross-validation folds (0 to skip) \\[default: 5].")
    ] = None,
    test: Annotated[
        list[str] | None,
        typer.Option(metavar="FILE", rich_help_panel=TRAINING,
                     help="Held-out labeled file(s) to score and record in the model."),
    ] = None,
    backend: Annotated[
        Backend, typer.Option(metavar="NAME", rich_help_panel=MODEL,
                              help="tfidf (default): fast TF-IDF + linear model; transformer: "
                              "fine-tuned MiniLM, more accurate (needs the transformer extra).")
    ] = Backend.tfidf,
    save_format: Annotated[
        ArtifactFormat | None,
        typer.Option("--save-format", metavar="FORMAT", rich_help_panel=OUTPUT,
                     help="How the TF-IDF pipeline is saved: joblib (a pickle, default) or "
                     "skops (loads without running code; for a model you share)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", rich_help_panel=OUTPUT,
                                        help="Replace an existing model folder.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", rich_help_panel=CHECKS,
                           help="Fail, instead of warning, on data problems: conflicting "
                           "duplicates, dropped rows, rare labels, extreme imbalance.")
    ] = False,
    min_examples: Annotated[
        int, typer.Option(min=1, metavar="N", rich_help_panel=CHECKS,
                          help="Flag labels with fewer examples than this.")
    ] = 5,
    max_imbalance: Annotated[
        float, typer.Option(min=1.0, metavar="RATIO", rich_help_panel=CHECKS,
                            help="Flag a largest/smallest label ratio above this.")
    ] = 10.0,
    epochs: Annotated[
        int | None, typer.Option(min=1, metavar="N", rich_help_panel=TRANSFORMER,
                                 help="Fine-tuning epochs \\[default: 4].")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(min=1, metavar="N", rich_help_panel=TRANSFORMER,
                                 help="CPU threads for fine-tuning.")
    ] = None,
    context: Annotated[
        bool, typer.Option("--context", rich_help_panel=TRANSFORMER,
                           help="Read the previous sentence of each article as context "
                           "(needs article_id and position columns, or real-news splits).")
    ] = False,
    no_predict_context: Annotated[
        bool, typer.Option("--no-predict-context", rich_help_panel=TRANSFORMER,
                           help="With --context: predict from the sentence alone (if "
                           "sentence-only input scores better on held-out data).")
    ] = False,
    learning_rate: Annotated[
        float | None, typer.Option(min=0.0, metavar="RATE", rich_help_panel=TRANSFORMER,
                                   help="Fine-tuning learning rate \\[default: 5e-05].")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, metavar="N", rich_help_panel=TRANSFORMER,
                                 help="Fine-tuning batch size \\[default: 16].")
    ] = None,
    max_length: Annotated[
        int | None, typer.Option(min=8, metavar="N", rich_help_panel=TRANSFORMER,
                                 help="Tokens kept per input \\[default: 128].")
    ] = None,
    distill: Annotated[
        str | None, typer.Option(metavar="MODEL", rich_help_panel=DISTILL,
                                 help="Add the real-news pool labeled by this model (e.g. "
                                 "models/accurate) as weighted pseudo-labels (TF-IDF backend; "
                                 "needs `classifier data fetch`).")
    ] = None,
    distill_weight: Annotated[
        float, typer.Option(min=0.0, metavar="W", rich_help_panel=DISTILL,
                            help="Sample weight of a pseudo-labeled sentence.")
    ] = 0.5,
    distill_floor: Annotated[
        float, typer.Option(min=0.0, max=1.0, metavar="P", rich_help_panel=DISTILL,
                            help="Keep pool sentences whose top probability reaches P.")
    ] = 0.8,
    distill_soft: Annotated[
        bool, typer.Option("--distill-soft", rich_help_panel=DISTILL,
                           help="Soft targets: one row per label weighted by its "
                           "probability, instead of the top label.")
    ] = False,
    streaming: Annotated[
        bool, typer.Option("--streaming", rich_help_panel=STREAMING,
                           help="Hashed features + SGD, fitted chunk by chunk in flat memory, "
                           "for corpora larger than memory (no cross-validation).")
    ] = False,
    passes: Annotated[
        int, typer.Option(min=1, metavar="N", rich_help_panel=STREAMING,
                          help="Passes over the data with --streaming.")
    ] = 3,
    # old spellings, kept hidden for one release
    out: Annotated[Path | None, typer.Option("--out", hidden=True)] = None,
    cv: Annotated[int | None, typer.Option("--cv", hidden=True)] = None,
    _predict_context: Annotated[bool, typer.Option("--predict-context", hidden=True)] = False,
    artifact_format: Annotated[
        ArtifactFormat | None, typer.Option("--format", hidden=True)
    ] = None,
) -> None:
    """Train a model on labeled sentences, report cross-validated macro-F1, save it."""
    from classifier.data import load_labeled
    from classifier.persistence import check_target, save_model
    from classifier.tfidf.pipeline import PipelineConfig, load_config
    from classifier.training import (
        CVResult,
        check_train_options,
        record_hygiene,
        record_test,
        train,
        training_warnings,
    )

    console = make_console(stderr=True)
    with clean_errors():
        out = pick(output, out, "--output", "--out")
        cv = pick(folds, cv, "--folds", "--cv")
        cv = 5 if cv is None else cv
        artifact_format = pick(save_format, artifact_format, "--save-format", "--format")
        if out is None:
            raise ClassifierError("missing --output: the folder to save the model to")
        check_target(out, force)  # before any work: --force replaces only a model
        check_train_options(
            backend=backend.value, streaming=streaming, config=config is not None,
            group_column=group_column,
            save_format=artifact_format.value if artifact_format else None, strict=strict,
            encoding=encoding, transformer_options=(
                (epochs, threads, learning_rate, batch_size, max_length) != (None,) * 5
                or context or no_predict_context))
        if streaming:
            from classifier.cli.batch import train_streaming_cli

            train_streaming_cli(data=data, out=out, text_column=text_column,
                                label_column=label_column, seed=seed, passes=passes,
                                test=test, force=force)
            return
        if backend is Backend.transformer:
            from classifier.transformer import require_extra

            require_extra()
        cfg = load_config(config) if config else PipelineConfig()
        dataset = load_labeled(data, text_column, label_column, group_column, encoding)
        console.print(f"read {len(dataset)} rows from {dataset.source}: {dataset.label_counts}")
        hygiene = _check_data(dataset, min_examples, max_imbalance, strict, console)
        if distill:
            from classifier.distillation import with_pseudo_labels

            if backend is not Backend.tfidf:
                raise ClassifierError("--distill trains the TF-IDF backend (--backend tfidf)")
            with console.status("labeling the real-news pool with the teacher..."):
                dataset = with_pseudo_labels(dataset, distill, distill_weight, distill_floor,
                                             distill_soft)
            console.print(f"added {len(dataset) - hygiene.rows} pseudo-labeled rows")
        model: Model
        if backend is Backend.transformer:
            from classifier.transformer import TransformerConfig

            defaults = TransformerConfig()
            fine_tune_config = TransformerConfig(
                context=context,
                predict_context=not no_predict_context,
                learning_rate=learning_rate or defaults.learning_rate,
                batch_size=batch_size or defaults.batch_size,
                max_length=max_length or defaults.max_length,
            )
            model = _fine_tune(dataset, fine_tune_config, seed, epochs, threads, console)
        else:
            from classifier.cli._progress import progress_bar

            # cross-validation folds, then the final fit: one more step
            with progress_bar(console, "training", (cv if cv > 1 else 0) + 1) as step:
                model = train(dataset, cfg, random_state=seed, cv=cv,
                              on_fold=lambda done, total: step(done, total + 1))
        result = model.metadata["metrics"]["cv"]
        if result:
            kind = "grouped " if result["grouped"] else ""
            console.print(
                f"{kind}{len(result['folds'])}-fold CV macro-F1: "
                f"{result['mean']:.3f} ± {result['std']:.3f}"
            )
        for warning in training_warnings(dataset.label_counts,
                                         CVResult(**result) if result else None):
            console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
        record_hygiene(model, hygiene)
        if test:
            test_data = load_labeled(test, text_column, label_column, encoding=encoding)
            for reason, count in test_data.dropped.items():
                console.print(f"test data: dropped {count} rows: {reason}", style="yellow")
            report = record_test(model, test_data)
            console.print(f"test macro-F1: {report.macro_f1:.3f} on {report.n} rows")
        save_model(model, out, force=force,
                   format=artifact_format.value if artifact_format else None)
        console.print(f"saved model to {out}")


def _check_data(
    dataset: LabeledData, min_examples: int, max_imbalance: float, strict: bool,
    console: Console,
) -> HygieneReport:
    """Print the data's hygiene problems (and duplicates); fail on them with ``strict``."""
    from classifier.data.hygiene import check_hygiene, require_clean

    hygiene = check_hygiene(dataset, min_examples, max_imbalance)
    for problem in hygiene.problems:
        console.print(f"warning: {problem}", style="yellow", markup=False, highlight=False)
    if hygiene.duplicates:
        console.print(f"note: {hygiene.duplicates} rows repeat an earlier row (same text "
                      "and label); they are kept", markup=False, highlight=False)
    if strict:
        require_clean(hygiene, dataset.source)
    return hygiene


def _fine_tune(
    dataset: LabeledData, config: TransformerConfig, seed: int, epochs: int | None,
    threads: int | None, console: Console,
) -> TransformerModel:
    """Fine-tune the transformer backend, one line per epoch (loss, dev macro-F1)."""
    from classifier.transformer import train_transformer

    def report(epoch: EpochResult) -> None:
        dev = "n/a" if epoch.dev_macro_f1 is None else f"{epoch.dev_macro_f1:.3f}"
        mark = " [green]best[/]" if epoch.best else ""
        console.print(f"epoch {epoch.epoch}/{epoch.epochs}: loss {epoch.loss:.3f}, "
                      f"dev macro-F1 {dev} ({epoch.seconds:.0f} s){mark}")

    with console.status("fine-tuning the transformer..."):
        model = train_transformer(dataset, config, random_state=seed, epochs=epochs,
                                  threads=threads, on_epoch=report)
    console.print(f"fine-tuned in {model.metadata['train_seconds']:.0f} s "
                  f"on {model.metadata['device']}")
    return model
