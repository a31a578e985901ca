"""``Model``: the task logic shared by every backend, over a small backend protocol.

A backend is a subclass that supplies only the model step:

- ``labels``: the labels, in the column order of the probabilities;
- ``_proba(texts)``: probabilities for non-empty texts;
- ``write(folder, format=None)``: write its artifacts, return their file names;
- ``read(folder, metadata, fast=None, safe=False)``: load them back.

Everything else (empty texts, typed predictions, article tagging, explanations'
entry point) lives here once. ``classifier.persistence`` keeps a registry from a
saved model's ``backend`` to its class: ``tfidf`` (``classifier.tfidf.backend``)
and ``transformer`` (``classifier.transformer.backend``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.prediction import (
    ArticlePrediction,
    Prediction,
    check_min_confidence,
    make_predictions,
)
from classifier.text.sentences import split_sentences

if TYPE_CHECKING:
    import numpy as np


class Model(ABC):
    """A trained sentence classifier with its metadata.

    Subclasses implement ``_proba`` (probabilities for non-empty texts) and
    ``labels``; prediction, article tagging and batching are shared.
    """

    metadata: dict
    backend: str = ""
    #: artifact formats ``write(folder, format=...)`` accepts, the default first;
    #: empty for a backend with a single format (``save_model`` then takes none).
    formats: tuple[str, ...] = ()

    @abstractmethod
    def write(self, folder: Path, format: str | None = None) -> list[str]:
        """Write this model's artifacts into ``folder``; return their file names.

        Parameters
        ----------
        folder : Path
            An existing, empty folder.
        format : str, optional
            One of ``formats`` (``None``: the backend's default).

        Returns
        -------
        list of str
            The names of the files written.
        """

    @classmethod
    @abstractmethod
    def read(cls, folder: Path, metadata: dict, fast: bool | None = None,
             safe: bool = False) -> Model:
        """Load a model of this backend from checked artifacts in ``folder``.

        Parameters
        ----------
        folder : Path
            The model folder (its checksums already verified).
        metadata : dict
            Its metadata.
        fast : bool, optional
            An inference path where a backend has several: ``None``, its default;
            ``True``, the lightest; ``False``, the reference one.
        safe : bool, default False
            Unpickle nothing (``refuse_pickles`` serves backends without pickles).

        Returns
        -------
        Model
            The loaded model.
        """

    @property
    @abstractmethod
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of ``predict_proba``."""

    @abstractmethod
    def _proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities ``(len(texts), len(labels))`` for non-empty texts."""

    @property
    def uses_context(self) -> bool:
        """Whether the backend reads the previous sentence as context (``tag_article``)."""
        return False

    def _proba_context(self, texts: list[str], contexts: list[str]) -> np.ndarray:
        """Probabilities given each text's previous sentence; by default it is ignored."""
        return self._proba(texts)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None,
                      calibrated: bool = True) -> np.ndarray:
        """Probability of each label (columns in ``labels`` order) for each text.

        Parameters
        ----------
        texts : sequence of str
            The sentences.
        contexts : sequence of str, optional
            The sentence before each text (``""`` for none), read by a backend that
            ``uses_context``; others ignore it.
        calibrated : bool, default True
            Apply the temperature recorded in the metadata (``classifier calibrate``),
            if any; ``False`` gives the backend's own probabilities.

        Returns
        -------
        numpy.ndarray of shape (len(texts), len(labels))
            Empty texts get a row of NaN, so rows always match inputs one to one.
        """
        import numpy as np

        texts = list(texts)
        out = np.full((len(texts), len(self.labels)), np.nan)
        keep = [i for i, t in enumerate(texts) if t and t.strip()]
        if keep and contexts is not None and self.uses_context:
            contexts = list(contexts)
            out[keep] = self._proba_context([texts[i] for i in keep],
                                            [contexts[i] or "" for i in keep])
        elif keep:
            out[keep] = self._proba([texts[i] for i in keep])
        if keep and calibrated:
            from classifier.metadata import temperature_of
            from classifier.prediction import apply_temperature

            temperature = temperature_of(getattr(self, "metadata", None) or {})
            if temperature != 1.0:
                out[keep] = apply_temperature(out[keep], temperature)
        return out

    def predict(self, texts: Sequence[str], min_confidence: float = 0.0) -> list[Prediction]:
        """One ``Prediction`` per text, in order; empty texts get ``label=None``.

        Parameters
        ----------
        texts : sequence of str
            The sentences.
        min_confidence : float, default 0.0
            A text whose best probability is below it gets ``label=None`` and
            ``error="low confidence"`` (its probabilities are kept).

        Returns
        -------
        list of Prediction
            One per text.

        Raises
        ------
        ClassifierError
            If ``min_confidence`` is not in ``[0, 1]``.
        """
        check_min_confidence(min_confidence)
        texts = list(texts)
        proba = self.predict_proba(texts)
        rows = [None if row[0] != row[0] else row for row in proba]  # NaN check
        return make_predictions(texts, self.labels, rows, min_confidence=min_confidence)

    def predict_labels(self, texts: Sequence[str]) -> list[str | None]:
        """Just the labels, as scikit-learn's ``predict`` would return them.

        Parameters
        ----------
        texts : sequence of str
            The sentences.

        Returns
        -------
        list of str or None
            One label per text (``None`` for an empty one).
        """
        return [p.label for p in self.predict(texts)]

    def tag_article(self, text: str, min_confidence: float = 0.0) -> ArticlePrediction:
        """Split an article into sentences and label each one, with offsets.

        Headings, bylines and datelines on a line of their own are not labeled
        (``kind`` says which, ``error`` why).

        Parameters
        ----------
        text : str
            The article.
        min_confidence : float, default 0.0
            A sentence whose best probability is below it is not labeled either.

        Returns
        -------
        ArticlePrediction
            The sentences, their labels and sources, and the label shares.
        """
        return self.tag_articles([text], min_confidence)[0]

    def tag_articles(self, texts: Sequence[str],
                     min_confidence: float = 0.0) -> list[ArticlePrediction]:
        """``tag_article`` for many articles, scored in one batch.

        Parameters
        ----------
        texts : sequence of str
            The articles.
        min_confidence : float, default 0.0
            A sentence whose best probability is below it is not labeled.

        Returns
        -------
        list of ArticlePrediction
            One per article, in order.
        """
        check_min_confidence(min_confidence)
        split = [split_sentences(t) for t in texts]
        # wrapped lines leave line breaks inside a sentence: the model reads one space
        flat = [" ".join(s.text.split()) if s.kind == "sentence" else ""
                for sentences in split for s in sentences]
        previous = [" ".join(sentences[i - 1].text.split()) if i else ""
                    for sentences in split for i in range(len(sentences))]
        proba: np.ndarray | list[Any] = self.predict_proba(flat, previous) if flat else []
        articles, k = [], 0
        for text, sentences in zip(texts, split):
            rows = [None if row[0] != row[0] else row for row in proba[k : k + len(sentences)]]
            k += len(sentences)
            preds = make_predictions(
                [s.text for s in sentences], self.labels, rows,
                spans=[(s.start, s.end) for s in sentences],
                kinds=[s.kind for s in sentences], min_confidence=min_confidence,
            )
            articles.append(ArticlePrediction(text, preds, self.labels))
        return articles

    # Any: the backend's own explanation type (the TF-IDF one is classifier.tfidf.explain's)
    def explain(self, text: str, top: int | None = None) -> Any:
        """Why ``text`` gets its label: per-label feature contributions.

        Backends that can explain override this (the TF-IDF backend:
        ``classifier.tfidf.explain``); the others raise ``ExplainError``.

        Parameters
        ----------
        text : str
            One sentence.
        top : int, optional
            Keep the ``top`` strongest contributions each way per label.

        Returns
        -------
        Explanation
            The probabilities and each stage's per-label scores.

        Raises
        ------
        ExplainError
            If the backend cannot explain.
        """
        raise self._cannot_explain()

    def top_features(self, top: int = 25, kinds: tuple[str, ...] | None = None) -> Any:
        """Each label's strongest features over the whole model (see ``explain``).

        Parameters
        ----------
        top : int, default 25
            Features per label and direction.
        kinds : tuple of str, optional
            Some of ``"word"``, ``"char"``, ``"cue"``; default all.

        Returns
        -------
        ModelFeatures
            The features, stage by stage.

        Raises
        ------
        ExplainError
            If the backend cannot explain.
        """
        raise self._cannot_explain()

    def _cannot_explain(self) -> Exception:
        from classifier.errors import ExplainError

        backend = self.backend or type(self).__name__
        return ExplainError(
            f"the {backend} backend cannot explain its predictions; explanations need the "
            "TF-IDF backend's linear model"
        )



# File types that are pickles underneath (torch's .bin and .pt included): loading
# one can run arbitrary code.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".bin", ".pt", ".pth")


def is_pickle(name: str) -> bool:
    """Whether the artifact ``name`` is a pickle (by its suffix).

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    bool
        True for a suffix in ``PICKLE_SUFFIXES``.
    """
    return name.lower().endswith(PICKLE_SUFFIXES)


def refuse_pickles(folder: Path, metadata: dict) -> None:
    """Raise ``ModelFileError`` if loading ``folder`` safely would need to unpickle a file.

    Parameters
    ----------
    folder : Path
        The model folder, named in the message.
    metadata : dict
        Its metadata (``files``).

    Raises
    ------
    ModelFileError
        Naming the pickled files.
    """
    from classifier.errors import ModelFileError

    pickled = sorted(n for n in metadata.get("files", {}) if is_pickle(n))
    if pickled:
        raise ModelFileError(
            f"{folder}: {', '.join(pickled)} would be unpickled, which can run code; "
            "safe loading refuses it (load it without safe only if you trust its source)"
        )
