"""Temperature calibration: probabilities that mean what they say on the text that matters.

A model trained on the team's sentences is over-confident on real published news (the
shipped fast model's expected calibration error on real-test was 0.17). One number, a
temperature ``T`` fitted on held-out labeled sentences by minimising their negative
log-likelihood, divides the log-probabilities of every prediction:
``p_k ∝ exp(log p_k / T)``. The most probable label never changes, so accuracy and
macro-F1 stay as they were; what changes is what ``--min-confidence`` keeps and what
a probability is worth. The temperature is stored in ``metadata.json``
(``calibration``) and applied by ``Model.predict_proba`` for every backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from classifier.metadata import TEMPERATURE_BOUNDS as BOUNDS
from classifier.prediction import apply_temperature


@dataclass(frozen=True)
class Calibration:
    """A fitted temperature and what it did on the data it was fitted on.

    Parameters
    ----------
    temperature : float
        Divides the log-probabilities (1 leaves them as they are).
    fitted_on : str
        The labeled data it was fitted on (e.g. ``real-dev``).
    n : int
        Its number of sentences.
    ece_before, ece_after : float
        Expected calibration error (10 bins) on that data without and with it.
    nll_before, nll_after : float
        Mean negative log-likelihood of the true labels without and with it.
    """

    temperature: float
    fitted_on: str
    n: int
    ece_before: float
    ece_after: float
    nll_before: float
    nll_after: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored under ``calibration`` in ``metadata.json``."""
        return {k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in asdict(self).items()}


def _nll(proba: Any, y: Any) -> float:
    import numpy as np

    return float(-np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, 1.0)).mean())


def _ece(proba: Any, y: Any) -> float:
    from classifier.evaluation import expected_calibration_error

    return float(expected_calibration_error(proba.max(axis=1), proba.argmax(axis=1) == y))


def fit_temperature(proba: Any, y: Any) -> float:
    """The temperature minimising the negative log-likelihood of labels ``y``.

    Parameters
    ----------
    proba : numpy.ndarray of shape (n, n_labels)
        Uncalibrated probabilities of held-out sentences.
    y : numpy.ndarray of shape (n,)
        The column index of each sentence's true label.

    Returns
    -------
    float
        The fitted temperature, in ``BOUNDS``.
    """
    from scipy.optimize import minimize_scalar

    result = minimize_scalar(lambda t: _nll(apply_temperature(proba, t), y),
                             bounds=BOUNDS, method="bounded", options={"xatol": 1e-4})
    return float(result.x)


def calibrate(model: Any, texts: list[str], labels: list[str],
              contexts: list[str] | None = None, fitted_on: str = "") -> Calibration:
    """Fit a temperature for ``model`` on labeled sentences (the model is not changed).

    Parameters
    ----------
    model : Model
        A loaded model; a temperature it already has is set aside first.
    texts, labels : list of str
        Held-out labeled sentences, ideally like the text the model will read (for
        news, ``real-dev``); never the data the model's figures are reported on.
    contexts : list of str, optional
        The sentence before each one, for a backend that reads it.
    fitted_on : str
        A name for the data, recorded with the result.

    Returns
    -------
    Calibration
        The temperature and the error measures before and after it.

    Raises
    ------
    DataError
        If a label is not one of the model's, or there are no sentences.
    """
    import numpy as np

    from classifier.errors import DataError

    unknown = sorted(set(labels) - set(model.labels))
    if unknown:
        raise DataError(f"labels the model does not know: {', '.join(unknown)}")
    keep = [i for i, t in enumerate(texts) if t and t.strip()]
    if not keep:
        raise DataError("no sentences to calibrate on")
    raw = model.predict_proba([texts[i] for i in keep],
                              [contexts[i] for i in keep] if contexts else None,
                              calibrated=False)
    y = np.array([list(model.labels).index(labels[i]) for i in keep])
    temperature = fit_temperature(raw, y)
    after = apply_temperature(raw, temperature)
    return Calibration(temperature=temperature, fitted_on=fitted_on, n=len(keep),
                       ece_before=_ece(raw, y), ece_after=_ece(after, y),
                       nll_before=_nll(raw, y), nll_after=_nll(after, y))


def write_calibration(folder: str | Path, calibration: Calibration | None) -> dict:
    """Record ``calibration`` in a saved model's ``metadata.json`` (``None`` removes it).

    The metadata is replaced atomically and the model card regenerated.

    Parameters
    ----------
    folder : str or Path
        The model folder (already loaded once, so known to be a model of this package).
    calibration : Calibration or None
        What to record.

    Returns
    -------
    dict
        The new metadata.
    """
    from classifier.metadata import ModelMetadata
    from classifier.model_card import write_model_card
    from classifier.persistence import read_metadata, replace_metadata

    folder = Path(folder)
    metadata = read_metadata(folder)
    if calibration is None:
        metadata.pop("calibration", None)
    else:
        metadata["calibration"] = calibration.to_dict()
    replace_metadata(folder, ModelMetadata.from_dict(metadata))
    write_model_card(folder, metadata)
    return metadata


def calibrate_saved_model(path: str | Path, data: Any, reset: bool = False) -> Calibration | None:
    """Fit a temperature for the saved model at ``path`` on ``data`` and record it.

    Parameters
    ----------
    path : str or Path
        The model folder, as a path (``./mine``); a shipped model's bare name is refused.
    data : LabeledData
        Held-out labeled sentences (``load_labeled("real-dev")`` for news).
    reset : bool, default False
        Remove a recorded temperature instead (``data`` is then not read).

    Returns
    -------
    Calibration or None
        What was recorded (``None`` after ``reset``).
    """
    from classifier.errors import ModelFileError
    from classifier.persistence import load_model, looks_like_path, resolve_model_path

    if not looks_like_path(path):
        raise ModelFileError(f"{path}: a shipped model is calibrated as shipped; copy it "
                             f"and calibrate the copy (e.g. --model ./my-{path})")
    folder = resolve_model_path(path)
    if reset:
        write_calibration(folder, None)
        return None
    model = load_model(folder)
    result = calibrate(model, data.texts, data.labels, data.contexts, fitted_on=data.source)
    write_calibration(folder, result)
    return result
