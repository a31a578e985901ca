"""The model interface every backend implements, and the scikit-learn backend."""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from classifier.prediction import ArticlePrediction, Prediction, make_predictions
from classifier.sentences import split_sentences


class Model(ABC):
    """A trained sentence classifier with its metadata.

    Subclasses implement ``_proba`` (probabilities for non-empty texts) and
    ``labels``; prediction, article tagging and batching are shared.
    """

    metadata: dict
    backend: str = ""

    @abstractmethod
    def write(self, folder: Path) -> list[str]:
        """Write this model's artifacts into ``folder``; return their file names."""

    @classmethod
    @abstractmethod
    def read(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        """Load a model of this backend from checked artifacts in ``folder``."""

    @property
    @abstractmethod
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of ``predict_proba``."""

    @abstractmethod
    def _proba(self, texts: list[str]):
        """Probabilities ``(len(texts), len(labels))`` for non-empty texts."""

    def predict_proba(self, texts: Sequence[str]):
        """Probability of each label (columns in ``labels`` order) for each text.

        Empty texts get a row of NaN, so rows always match inputs one to one.
        """
        import numpy as np

        texts = list(texts)
        out = np.full((len(texts), len(self.labels)), np.nan)
        keep = [i for i, t in enumerate(texts) if t and t.strip()]
        if keep:
            out[keep] = self._proba([texts[i] for i in keep])
        return out

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One ``Prediction`` per text, in order; empty texts get ``label=None``."""
        texts = list(texts)
        proba = self.predict_proba(texts)
        rows = [None if row[0] != row[0] else row for row in proba]  # NaN check
        return make_predictions(texts, self.labels, rows)

    def predict_labels(self, texts: Sequence[str]) -> list[str | None]:
        """Just the labels, as scikit-learn's ``predict`` would return them."""
        return [p.label for p in self.predict(texts)]

    def tag_article(self, text: str) -> ArticlePrediction:
        """Split an article into sentences and label each one, with offsets."""
        return self.tag_articles([text])[0]

    def tag_articles(self, texts: Sequence[str]) -> list[ArticlePrediction]:
        """``tag_article`` for many articles, scored in one batch."""
        split = [split_sentences(t) for t in texts]
        flat = [s.text for sentences in split for s in sentences]
        proba = self.predict_proba(flat) if flat else []
        articles, k = [], 0
        for text, sentences in zip(texts, split):
            rows = proba[k : k + len(sentences)]
            k += len(sentences)
            preds = make_predictions(
                [s.text for s in sentences], self.labels, list(rows),
                spans=[(s.start, s.end) for s in sentences],
            )
            articles.append(ArticlePrediction(text, preds, self.labels))
        return articles

    def explain(self, text: str, top: int | None = None):
        """Why ``text`` gets its label: per-label feature contributions (``classifier.explain``).

        Backends that cannot explain raise ``ExplainError``.
        """
        from classifier.explain import explain

        return explain(self, text, top)

    def top_features(self, top: int = 25, kinds: tuple[str, ...] | None = None):
        """Each label's strongest features over the whole model (``classifier.explain``)."""
        from classifier.explain import top_features

        return top_features(self, top, kinds)


ARTIFACT = "model.joblib"
FAST_ARTIFACT = "model.npz"


class SklearnModel(Model):
    """The TF-IDF + linear model: a fitted scikit-learn ``Pipeline``.

    Saved as ``model.joblib`` plus, when the pipeline's shape allows, ``model.npz``
    for the NumPy scorer (``classifier.fast``).
    """

    backend = "tfidf"

    def __init__(self, pipeline, metadata: dict | None = None):
        self.pipeline = pipeline
        self.metadata = metadata or {}

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.pipeline.classes_)

    def _proba(self, texts: list[str]):
        return self.pipeline.predict_proba(texts)

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"SklearnModel(name={name!r}, labels={list(self.labels)})"

    def write(self, folder: Path) -> list[str]:
        import joblib
        import numpy as np

        from classifier.fast import export

        joblib.dump(self.pipeline, folder / ARTIFACT, compress=3, protocol=4)
        arrays = export(self.pipeline)
        if arrays is None:
            return [ARTIFACT]
        with (folder / FAST_ARTIFACT).open("wb") as handle:  # np.savez would add ".npz"
            np.savez(handle, **arrays)
        return [ARTIFACT, FAST_ARTIFACT]

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        from classifier.errors import ModelFileError

        if fast and FAST_ARTIFACT in metadata.get("files", {}):
            import numpy as np

            from classifier.fast import FastModel

            try:
                with np.load(folder / FAST_ARTIFACT, allow_pickle=False) as arrays:
                    return FastModel(arrays, metadata)
            except (OSError, ValueError, KeyError) as exc:
                raise ModelFileError(f"{folder / FAST_ARTIFACT}: could not load: {exc}") from None
        import joblib

        warn_if_versions_differ(folder, metadata)
        try:
            pipeline = joblib.load(folder / ARTIFACT)
        except Exception as exc:
            raise ModelFileError(f"{folder / ARTIFACT}: could not load: {exc}") from None
        return cls(pipeline, metadata)


def warn_if_versions_differ(folder: Path, metadata: dict) -> None:
    import sklearn

    saved = metadata.get("versions", {}).get("scikit-learn")
    if saved and saved != sklearn.__version__:
        warnings.warn(
            f"{folder} was saved with scikit-learn {saved}, this is "
            f"{sklearn.__version__}; predictions may differ (retrain to be safe)",
            UserWarning,
            stacklevel=4,
        )
