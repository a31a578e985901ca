"""The configuration of a TF-IDF + linear-model pipeline, and the pipeline it builds."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import ConfigError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

ESTIMATORS = ("logreg", "linearsvc", "sgd", "cascade")


@dataclass(frozen=True)
class PipelineConfig:
    """Every hyperparameter of the pipeline; saved with each model and by ``tune``."""

    word_ngram_range: tuple[int, int] = (1, 2)
    char_ngram_range: tuple[int, int] | None = (2, 5)
    min_df: int = 2
    max_df: float = 1.0
    sublinear_tf: bool = True
    stop_words: str | None = None
    lowercase: bool = True
    normalize_case: bool = False
    cues: bool = True
    cue_weight: float = 1.0
    estimator: str = "logreg"
    C: float = 4.0
    C_first: float = 1.0
    alpha: float = 1e-5
    class_weight: str | None = "balanced"
    class_boost: tuple[tuple[str, float], ...] = ()
    calibrate: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.estimator, str) or self.estimator not in ESTIMATORS:
            raise ConfigError(
                f"unknown estimator {self.estimator!r}; expected one of {', '.join(ESTIMATORS)}"
            )
        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if value is None and name == "char_ngram_range":
                continue
            if not (isinstance(value, tuple) and len(value) == 2 and all(map(_is_int, value))
                    and 1 <= value[0] <= value[1]):
                raise ConfigError(f"{name} must be two integers 1 <= low <= high, got {value!r}")
        _check_values(self)

    def to_dict(self) -> dict:
        """The configuration as a plain dict (for JSON).

        Returns
        -------
        dict
            Every field by name.
        """
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> PipelineConfig:
        """A configuration from JSON values (lists become tuples).

        Parameters
        ----------
        values : dict
            Field names to values; unknown names are refused.

        Returns
        -------
        PipelineConfig
            The checked configuration.

        Raises
        ------
        ConfigError
            For a non-object, an unknown key or a bad value.
        """
        if not isinstance(values, dict):
            raise ConfigError(f"a configuration is a JSON object, not {type(values).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys: {', '.join(unknown)}")
        values = dict(values)
        for name in ("word_ngram_range", "char_ngram_range"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        boost = values.get("class_boost")
        if isinstance(boost, dict):
            boost = list(boost.items())
        if isinstance(boost, (list, tuple)):
            if not all(isinstance(p, (list, tuple)) and len(p) == 2 and _is_number(p[1])
                       for p in boost):
                raise ConfigError("class_boost must map labels to positive numbers, got "
                                  f"{values['class_boost']!r}")
            values["class_boost"] = tuple((str(k), float(v)) for k, v in boost)
        return cls(**values)

    def with_params(self, **changes: Any) -> PipelineConfig:
        """A copy with some fields changed (checked like a new one).

        Parameters
        ----------
        **changes : dict
            Field names to new values.

        Returns
        -------
        PipelineConfig
            The new configuration.
        """
        return replace(self, **changes)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_values(config: PipelineConfig) -> None:
    """Refuse a value scikit-learn would refuse later, with the field's name, in one line."""
    def fail(name: str, expected: str) -> None:
        raise ConfigError(f"{name} must be {expected}, got {getattr(config, name)!r}")

    for name in ("sublinear_tf", "lowercase", "normalize_case", "cues", "calibrate"):
        if not isinstance(getattr(config, name), bool):
            fail(name, "true or false")
    for name in ("C", "C_first", "alpha"):
        if not _is_number(getattr(config, name)) or getattr(config, name) <= 0:
            fail(name, "a number above 0")
    if not _is_number(config.cue_weight) or config.cue_weight < 0:
        fail("cue_weight", "a number, 0 or above")
    for name in ("min_df", "max_df"):
        value = getattr(config, name)
        if not ((_is_int(value) and value >= 1)
                or (isinstance(value, float) and 0.0 < value <= 1.0)):
            fail(name, "an integer count of 1 or more, or a fraction in (0, 1]")
    if config.stop_words not in (None, "english"):
        fail("stop_words", "null or \"english\"")
    if config.class_weight not in (None, "balanced"):
        fail("class_weight", "null or \"balanced\"")
    boost = config.class_boost
    if not (isinstance(boost, tuple) and all(
            isinstance(k, str) and _is_number(v) and v > 0 for k, v in boost)):
        fail("class_boost", "a mapping of labels to numbers above 0")


def load_config(path: str | Path) -> PipelineConfig:
    """Read a configuration written by ``save_config`` (or by ``classifier tune``).

    Parameters
    ----------
    path : str or Path
        A JSON file: the configuration, or an object holding it under ``config``.

    Returns
    -------
    PipelineConfig
        The checked configuration.

    Raises
    ------
    ConfigError
        If the file is missing, not JSON, or holds a bad configuration.
    """
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a configuration file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a JSON configuration: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not a JSON configuration: nested too deeply") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    try:
        return PipelineConfig.from_dict(values.get("config", values))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def save_config(config: PipelineConfig, path: str | Path, **extra: Any) -> None:
    """Write ``config`` as JSON, with optional extra keys (e.g. the tuning score).

    Parameters
    ----------
    config : PipelineConfig
        The configuration, written under ``config``.
    path : str or Path
        The file to write.
    **extra : dict
        Other top-level keys.
    """
    payload = {"config": config.to_dict(), **extra}
    Path(path).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def build_estimator(config: PipelineConfig, random_state: int | None = 0) -> Any:
    """The linear classifier named by ``config.estimator``, with probabilities.

    Parameters
    ----------
    config : PipelineConfig
        The estimator, its regularisation and class weights.
    random_state : int, optional
        Seed passed to the estimator.

    Returns
    -------
    sklearn estimator
        Unfitted; a linear SVM is calibrated (``CalibratedClassifierCV``) for
        probabilities, as is any estimator with ``config.calibrate``.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.svm import LinearSVC

    if config.estimator == "logreg" and config.class_boost:
        from classifier.tfidf.estimators import BoostedLogisticRegression

        estimator = BoostedLogisticRegression(
            dict(config.class_boost), balanced=config.class_weight == "balanced",
            C=config.C, random_state=random_state,
        )
    elif config.estimator == "logreg":
        estimator = LogisticRegression(
            C=config.C, class_weight=config.class_weight, max_iter=2000,
            random_state=random_state,
        )
    elif config.estimator == "cascade":
        from classifier.tfidf.estimators import CascadeClassifier

        estimator = CascadeClassifier(
            first_estimator=LogisticRegression(
                C=config.C_first, class_weight=config.class_weight, max_iter=2000,
                random_state=random_state,
            ),
            rest_estimator=LogisticRegression(
                C=config.C, class_weight=config.class_weight, max_iter=2000,
                random_state=random_state,
            ),
        )
    elif config.estimator == "linearsvc":
        estimator = LinearSVC(
            C=config.C, class_weight=config.class_weight, random_state=random_state
        )
    else:
        estimator = SGDClassifier(
            loss="modified_huber", alpha=config.alpha, class_weight=config.class_weight,
            max_iter=50, tol=None, random_state=random_state,
        )
    if config.calibrate or config.estimator == "linearsvc":
        estimator = CalibratedClassifierCV(estimator, method="sigmoid", cv=3)
    return estimator


def build_pipeline(config: PipelineConfig | None = None, random_state: int | None = 0) -> Pipeline:
    """A fresh scikit-learn ``Pipeline([("features", ...), ("clf", ...)])``.

    A ``("case", CaseNormalizer())`` step comes first when ``config.normalize_case``.

    Parameters
    ----------
    config : PipelineConfig, optional
        Default ``PipelineConfig()``.
    random_state : int, optional
        Seed passed to the classifier.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> build_pipeline(PipelineConfig(cues=False)).steps[1][0]
    'clf'
    """
    from sklearn.pipeline import Pipeline

    from classifier.tfidf.features import CaseNormalizer, build_features

    config = config or PipelineConfig()
    case = [("case", CaseNormalizer())] if config.normalize_case else []
    return Pipeline(
        case + [
            ("features", build_features(config)),
            ("clf", build_estimator(config, random_state)),
        ]
    )
