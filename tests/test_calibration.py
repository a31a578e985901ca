"""Temperature calibration: labels unchanged, probabilities honest, the value verified."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.calibration import calibrate_saved_model, fit_temperature
from classifier.cli import app
from classifier.errors import ModelFileError
from classifier.persistence import load_model
from classifier.prediction import apply_temperature


def test_a_temperature_keeps_the_label_and_sums_to_one():
    proba = np.array([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05], [np.nan] * 3])
    out = apply_temperature(proba, 2.0)
    assert (out[:2].argmax(axis=1) == proba[:2].argmax(axis=1)).all()
    assert np.allclose(out[:2].sum(axis=1), 1.0)
    assert out[0, 0] < 0.7 and np.isnan(out[2]).all()
    assert apply_temperature(proba, 1.0) is proba


def test_an_over_confident_model_gets_a_temperature_above_one():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    right = rng.random(600) < 0.7  # 70% right ...
    predicted = np.where(right, y, (y + 1) % 3)
    proba = np.full((600, 3), 0.025)
    proba[np.arange(600), predicted] = 0.95  # ... at 95% confidence
    temperature = fit_temperature(proba, y)
    assert temperature > 1.5
    calibrated = apply_temperature(proba, temperature)
    assert abs(calibrated.max(axis=1).mean() - 0.7) < 0.05


@pytest.fixture
def copy_of_model(saved_model, tmp_path):
    return shutil.copytree(saved_model, tmp_path / "model")


def test_calibrating_a_saved_model_changes_probabilities_not_labels(copy_of_model, tiny_data):
    before = load_model(copy_of_model)
    texts = tiny_data.texts
    raw = before.predict_proba(texts)
    (copy_of_model / "metadata.json").chmod(0o644)
    mode = 0o644
    result = calibrate_saved_model(copy_of_model, tiny_data)
    assert result is not None and result.n == len(texts)
    assert result.nll_after <= result.nll_before + 1e-9
    after = load_model(copy_of_model)
    assert after.metadata["calibration"]["temperature"] == pytest.approx(result.temperature,
                                                                         abs=1e-4)
    proba = after.predict_proba(texts)
    assert (proba.argmax(axis=1) == raw.argmax(axis=1)).all()
    assert np.allclose(after.predict_proba(texts, calibrated=False), raw)
    assert np.allclose(load_model(copy_of_model, fast=True).predict_proba(texts), proba,
                       atol=1e-9)
    assert "temperature" in (copy_of_model / "MODEL_CARD.md").read_text()
    assert (copy_of_model / "metadata.json").stat().st_mode & 0o777 == mode
    assert calibrate_saved_model(copy_of_model, None, reset=True) is None
    assert np.allclose(load_model(copy_of_model).predict_proba(texts), raw)


@pytest.mark.parametrize("value", ["2", -1, 0, 1e9, float("inf"), True, None])
def test_a_tampered_temperature_is_refused_in_one_line(copy_of_model, value):
    path = copy_of_model / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["calibration"] = {"temperature": value}
    path.write_text(json.dumps(metadata))
    with pytest.raises(ModelFileError, match="calibration.temperature"):
        load_model(copy_of_model)
    result = CliRunner().invoke(app, ["predict", "--model", str(copy_of_model), "A sentence."])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "calibration.temperature" in result.output


def test_cli_calibrate_reports_and_resets(copy_of_model, tiny_dir):
    runner = CliRunner()
    result = runner.invoke(app, ["calibrate", "--model", str(copy_of_model),
                                 "--data", str(tiny_dir / "tiny.jsonl")])
    assert result.exit_code == 0, result.output
    assert "temperature" in result.output and "->" in result.output
    assert "calibration" in json.loads((copy_of_model / "metadata.json").read_text())
    result = runner.invoke(app, ["calibrate", "--model", str(copy_of_model), "--reset"])
    assert result.exit_code == 0, result.output
    assert "calibration" not in json.loads((copy_of_model / "metadata.json").read_text())
    result = runner.invoke(app, ["calibrate", "--model", str(copy_of_model)])
    assert result.exit_code == 1 and result.output.startswith("error:")


def test_a_shipped_model_name_and_unknown_labels_are_refused(copy_of_model, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["calibrate", "--model", "default", "--data", "real-dev"])
    assert result.exit_code == 1 and "calibrated as shipped" in result.output
    data = tmp_path / "held_out.jsonl"
    data.write_text(json.dumps({"text": "Prices rose.", "label": "rumour"}) + "\n")
    result = runner.invoke(app, ["calibrate", "--model", str(copy_of_model), "--data", str(data)])
    assert result.exit_code == 1 and "rumour" in result.output
    assert result.output.strip().count("\n") == 0
