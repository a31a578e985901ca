"""Distillation: a teacher labels the real-news pool; the fast model trains on it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.data import LabeledData, real_news
from classifier.distillation import (
    TeacherLabels,
    pseudo_labeled,
    teacher_probabilities,
    with_pseudo_labels,
)
from classifier.errors import ClassifierError
from classifier.persistence import save_model

POOL_ROWS = [
    {"article_id": "7", "publish_date": "2017/1/1",
     "article_source_link": "http://www.bbc.co.uk/news/x-7", "title": "Port reopens",
     "subtitle": "", "text": "The port authority said the harbour would reopen on Monday. "
                             "Traders may return within weeks."},
    {"article_id": "8", "publish_date": "2017/1/2",
     "article_source_link": "http://www.cnn.com/2017/01/02/x", "title": "Bridge closes",
     "subtitle": "", "text": "The bridge closed on Sunday."},
]


@pytest.fixture
def pool_source(fake_news_source, tmp_path, monkeypatch):
    """A fake source of two articles (team-written), the second of a held-out outlet."""
    cache = fake_news_source(POOL_ROWS)
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "splits.json").write_text(json.dumps({"held_out_outlets": ["CNN"]}))
    monkeypatch.setattr(real_news, "REFERENCES", refs)
    return cache


def test_pseudo_labels_hard_soft_and_floor():
    teacher = TeacherLabels(["a", "b", ""], ("x", "y"),
                            np.array([[0.9, 0.1], [0.4, 0.6], [np.nan, np.nan]]), "t")
    assert pseudo_labeled(teacher) == (["a", "b"], ["x", "y"], [1.0, 1.0])
    assert pseudo_labeled(teacher, weight=0.5, floor=0.7) == (["a"], ["x"], [0.5])
    texts, labels, weights = pseudo_labeled(teacher, soft=True)
    assert texts == ["a", "a", "b", "b"] and labels == ["x", "y", "x", "y"]
    np.testing.assert_allclose(weights, [0.9, 0.1, 0.4, 0.6])
    with pytest.raises(ClassifierError, match="positive"):
        pseudo_labeled(teacher, weight=0)


def test_teacher_labels_the_pool_once_and_caches_it(pool_source, tiny_model, tmp_path,
                                                    monkeypatch):
    teacher = save_model(tiny_model, tmp_path / "teacher")
    first = teacher_probabilities(teacher)
    assert first.texts == ["Port reopens",
                           "The port authority said the harbour would reopen on Monday.",
                           "Traders may return within weeks."]  # CNN is held out
    assert first.articles == ["7", "7", "7"] and first.proba.shape == (3, 4)
    assert len(list(pool_source.glob("teacher-*.npz"))) == 1
    monkeypatch.setattr("classifier.persistence.load_model", None)  # a cache hit: no model
    again = teacher_probabilities(teacher)
    np.testing.assert_array_equal(again.proba, first.proba)


def test_with_pseudo_labels_adds_weighted_rows(pool_source, tiny_model, tiny_data, tmp_path):
    teacher = save_model(tiny_model, tmp_path / "teacher")
    data = LabeledData(tiny_data.texts, tiny_data.labels, tiny_data.groups, "tiny")
    both = with_pseudo_labels(data, teacher, weight=0.25, floor=0.0)
    assert len(both) == len(data) + 3 and both.texts[-1] == "Traders may return within weeks."
    assert both.weights == [1.0] * len(data) + [0.25] * 3
    assert both.groups[-1] == "pool:7" and "pseudo-labels" in both.source


def test_cli_train_with_distill(pool_source, tiny_model, tiny_dir, tmp_path):
    from classifier.cli import app
    from classifier.persistence import load_model

    teacher = save_model(tiny_model, tmp_path / "teacher")
    out = tmp_path / "student"
    result = CliRunner().invoke(app, ["train", "--data", str(tiny_dir / "tiny.jsonl"),
                                      "--distill", str(teacher), "--distill-floor", "0",
                                      "--folds", "0", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "added 3 pseudo-labeled rows" in result.output
    student = load_model(out)
    assert "pseudo-labels" in student.metadata["data"]["source"]
    refused = CliRunner().invoke(app, ["train", "--data", str(tiny_dir / "tiny.jsonl"),
                                       "--backend", "transformer", "--distill", str(teacher),
                                       "--output", str(tmp_path / "x")])
    assert refused.exit_code == 1


def test_the_teacher_gives_its_own_probabilities_whatever_its_temperature(
        pool_source, tiny_model, tmp_path):
    plain = teacher_probabilities(save_model(tiny_model, tmp_path / "plain"),
                                  cache=tmp_path / "c1")
    hot = save_model(tiny_model, tmp_path / "hot")
    metadata = json.loads((hot / "metadata.json").read_text())
    metadata["calibration"] = {"temperature": 5.0}
    (hot / "metadata.json").write_text(json.dumps(metadata))
    np.testing.assert_allclose(teacher_probabilities(hot, cache=tmp_path / "c2").proba,
                               plain.proba)
