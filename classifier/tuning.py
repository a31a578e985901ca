"""Cross-validated search over pipeline configurations (features and estimator)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from classifier.data import LabeledData, check_trainable
from classifier.errors import ConfigError
from classifier.tfidf.pipeline import PipelineConfig

SEARCH_SPACE: dict[str, list] = {
    "word_ngram_range": [(1, 1), (1, 2), (1, 3)],
    "char_ngram_range": [None, (2, 4), (2, 5), (3, 5)],
    "min_df": [1, 2, 3],
    "sublinear_tf": [True, False],
    "stop_words": [None, "english"],
    "cues": [True, False],
    "cue_weight": [0.5, 1.0, 2.0],
    "estimator": ["logreg", "cascade", "linearsvc", "sgd"],
    "C": [0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
    "C_first": [0.5, 1.0, 2.0, 4.0],
    "alpha": [1e-5, 3e-5, 1e-4],
    "class_weight": [None, "balanced"],
    "class_boost": [(), (("official_claim", 1.5),), (("official_claim", 2.0),)],
}


@dataclass(frozen=True)
class Candidate:
    """One configuration and its cross-validated macro-F1."""

    config: PipelineConfig
    mean: float
    std: float
    folds: list[float]
    error: str | None = None


@dataclass(frozen=True)
class TuneResult:
    """Candidates ranked best first, and whether folds were grouped."""

    ranked: list[Candidate]
    grouped: bool

    @property
    def best(self) -> Candidate:
        """The best candidate."""
        return self.ranked[0]


def search_space(labels: Iterable[str]) -> dict[str, list]:
    """``SEARCH_SPACE`` for data with these labels.

    The cascade and the class boosts decide the guide's ``official_claim`` first; they
    are searched only when the data has that label (and, for the cascade, two more).
    Otherwise each label gets a boost option instead.

    Parameters
    ----------
    labels : iterable of str
        The data's labels.

    Returns
    -------
    dict of str to list
        Configuration field to the values searched.

    Examples
    --------
    >>> search_space(["sport", "weather", "money"])["estimator"]
    ['logreg', 'linearsvc', 'sgd']
    """
    present = sorted(set(labels))
    space = dict(SEARCH_SPACE)
    if "official_claim" not in present or len(present) < 3:
        space["estimator"] = [e for e in SEARCH_SPACE["estimator"] if e != "cascade"]
    if "official_claim" not in present:
        space["class_boost"] = [()] + [((label, 2.0),) for label in present]
    return space


def sample_configs(
    n: int, base: PipelineConfig | None = None, space: dict[str, list] | None = None,
    random_state: int = 0, labels: Iterable[str] | None = None,
) -> list[PipelineConfig]:
    """``base`` first, then ``n - 1`` distinct random configurations from ``space``.

    Parameters
    ----------
    n : int
        How many configurations (fewer if ``space`` has fewer distinct ones).
    base : PipelineConfig, optional
        The first candidate, and the values of fields ``space`` does not vary.
    space : dict of str to list, optional
        Default: ``search_space(labels)``, or ``SEARCH_SPACE`` without labels.
    random_state : int, default 0
        Seed of the sampling.
    labels : iterable of str, optional
        The data's labels.

    Returns
    -------
    list of PipelineConfig
        The candidates.
    """
    from sklearn.model_selection import ParameterSampler

    base = base or PipelineConfig()
    space = space or (search_space(labels) if labels is not None else SEARCH_SPACE)
    known = {f.name for f in fields(PipelineConfig)}
    space = {k: v for k, v in space.items() if k in known}
    configs = [base]
    for params in ParameterSampler(space, n_iter=max(n * 3, 1), random_state=random_state):
        config = base.with_params(**params)
        if config not in configs:
            configs.append(config)
        if len(configs) >= n:
            break
    return configs


def tune(
    data: LabeledData, configs: list[PipelineConfig], folds: int = 5, random_state: int = 0,
    on_step: Callable[[int, int], None] | None = None,
) -> TuneResult:
    """Score every configuration on the same grouped, stratified folds; rank by macro-F1.

    Parameters
    ----------
    data : LabeledData
        The training rows.
    configs : list of PipelineConfig
        The candidates (``sample_configs``).
    folds : int, default 5
        Folds wanted.
    random_state : int, default 0
        Seed of the folds and the classifiers.
    on_step : callable, optional
        ``on_step(done, total)``, called after each fit, for progress bars.

    Returns
    -------
    TuneResult
        Candidates best first; a candidate that failed to fit keeps its error.

    Raises
    ------
    ConfigError
        If every configuration failed.
    """
    import numpy as np
    from sklearn.metrics import f1_score

    from classifier.tfidf.pipeline import build_pipeline
    from classifier.training import make_folds

    check_trainable(data)
    splits, grouped = make_folds(data, folds, random_state)
    texts = np.array(data.texts, dtype=object)
    labels = np.array(data.labels, dtype=object)
    total, done, candidates = len(configs) * len(splits), 0, []
    for config in configs:
        scores, error = [], None
        for train_idx, test_idx in splits:
            done += 1
            if error is None:
                try:
                    pipeline = build_pipeline(config, random_state)
                    pipeline.fit(texts[train_idx], labels[train_idx])
                    predicted = pipeline.predict(texts[test_idx])
                except ValueError as exc:  # e.g. min_df prunes every term of a small set
                    error = str(exc).splitlines()[0]
                else:
                    scores.append(float(f1_score(labels[test_idx], predicted, average="macro")))
            if on_step:
                on_step(done, total)
        if error:
            candidates.append(Candidate(config, float("nan"), float("nan"), [], error))
        else:
            candidates.append(
                Candidate(config, float(np.mean(scores)), float(np.std(scores)), scores)
            )
    candidates.sort(key=lambda c: (c.error is not None, -c.mean if c.error is None else 0))
    if candidates[0].error:
        raise ConfigError(f"every configuration failed; first error: {candidates[0].error}")
    return TuneResult(candidates, grouped)
