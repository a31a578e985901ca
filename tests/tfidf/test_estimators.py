"""The TF-IDF backend's estimators (classifier.tfidf.estimators)."""

import numpy as np
import pytest

from classifier.tfidf.estimators import BoostedLogisticRegression, CascadeClassifier

X = np.array([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0], [0.9, 0.1], [0.5, 0.5], [0.6, 0.4],
              [0.0, 0.8], [0.8, 0.0], [0.4, 0.6]])
Y = np.array(["official_claim", "official_claim", "analysis", "analysis", "speculation",
              "speculation", "official_claim", "analysis", "speculation"])


def test_cascade_probabilities_cover_every_class_and_sum_to_one():
    model = CascadeClassifier().fit(X, Y)
    proba = model.predict_proba(X)
    assert list(model.classes_) == ["analysis", "official_claim", "speculation"]
    assert proba.shape == (9, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= set(model.classes_)


def test_cascade_needs_its_first_label_and_two_others():
    with pytest.raises(ValueError, match="official_claim"):
        CascadeClassifier().fit(X[:4], Y[:4])


def test_a_class_boost_raises_that_class_probability():
    plain = BoostedLogisticRegression(random_state=0).fit(X, Y)
    boosted = BoostedLogisticRegression({"speculation": 5.0}, random_state=0).fit(X, Y)
    column = list(plain.classes_).index("speculation")
    assert (boosted.predict_proba(X)[:, column] > plain.predict_proba(X)[:, column]).all()
