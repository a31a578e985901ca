import numpy as np
import pytest

from classifier.evaluation import evaluate, expected_calibration_error, score


def test_score_known_values():
    y_true = ["a", "a", "b", "b"]
    y_pred = ["a", "b", "b", "b"]
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.1, 0.9]])
    report = score(y_true, y_pred, proba, ("a", "b"))
    assert report.accuracy == 0.75
    assert report.confusion == [[1, 1], [0, 2]]
    assert report.recall("a") == 0.5
    assert report.f1("b") == pytest.approx(0.8)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert report.brier == pytest.approx(np.mean([0.02, 0.72, 0.08, 0.02]))


def test_ece_is_zero_when_confidence_matches_accuracy():
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    assert expected_calibration_error([0.9, 0.9], [False, False]) == pytest.approx(0.9)


def test_evaluate_model(tiny_model, tiny_data):
    report = evaluate(tiny_model, tiny_data)
    assert report.n == 48
    assert sum(map(sum, report.confusion)) == 48
    assert report.macro_f1 > 0.9  # training data: the model must fit it
    assert report.to_dict()["per_class"][0]["label"] == report.labels[0]
