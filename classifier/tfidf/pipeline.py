"""The configuration of a TF-IDF + linear-model pipeline, and the pipeline it builds."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from classifier.errors import ConfigError

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
        if self.estimator not in ESTIMATORS:
            raise ConfigError(
                f"unknown estimator {self.estimator!r}; expected one of {', '.join(ESTIMATORS)}"
            )
        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if value is not None and (len(value) != 2 or not 1 <= value[0] <= value[1]):
                raise ConfigError(f"{name} must be two integers 1 <= low <= high, got {value}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> PipelineConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys: {', '.join(unknown)}")
        values = dict(values)
        for name in ("word_ngram_range", "char_ngram_range"):
            if values.get(name) is not None:
                values[name] = tuple(values[name])
        if isinstance(values.get("class_boost"), dict):
            values["class_boost"] = tuple(values["class_boost"].items())
        if values.get("class_boost") is not None:
            values["class_boost"] = tuple((str(k), float(v)) for k, v in values["class_boost"])
        return cls(**values)

    def with_params(self, **changes) -> PipelineConfig:
        return replace(self, **changes)


def load_config(path: str | Path) -> PipelineConfig:
    """Read a configuration written by ``save_config`` (or by ``classifier tune``)."""
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a JSON configuration: {exc}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return PipelineConfig.from_dict(values.get("config", values))


def save_config(config: PipelineConfig, path: str | Path, **extra) -> None:
    """Write ``config`` as JSON, with optional extra keys (e.g. the tuning score)."""
    payload = {"config": config.to_dict(), **extra}
    Path(path).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def build_estimator(config: PipelineConfig, random_state: int | None = 0):
    """The linear classifier named by ``config.estimator``, with probabilities."""
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


def build_pipeline(config: PipelineConfig | None = None, random_state: int | None = 0):
    """A fresh scikit-learn ``Pipeline([("features", ...), ("clf", ...)])``, with a
    ``("case", CaseNormalizer())`` step first when ``config.normalize_case``.

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
