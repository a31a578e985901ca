"""Models saved before the package moved into subpackages keep loading.

Pickles and skops files name the classes' old module paths (``classifier.features``,
``classifier.weighting``, ``classifier.cascade``); those modules stay as re-exports.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifier.persistence import load_model

OLD = Path(__file__).parent / "data" / "models"
SENTENCES = ["The ministry said 14 people were detained.", "More arrests may follow.", ""]


@pytest.mark.parametrize("name", ["v0_1_cascade_joblib", "v0_1_cascade_skops"])
def test_models_saved_before_the_move_load_and_agree_with_their_numpy_export(name):
    full = load_model(OLD / name, safe=name.endswith("skops"))
    fast = load_model(OLD / name, fast=True)
    np.testing.assert_allclose(full.predict_proba(SENTENCES), fast.predict_proba(SENTENCES),
                               rtol=0, atol=1e-9)
    assert type(full.pipeline.named_steps["clf"]).__module__ == "classifier.tfidf.estimators"


def test_the_shipped_model_loads_in_a_fresh_process():
    """The shipped model was retrained after the move (it pickles the new paths); models
    saved before it are the fixtures above, which pickle the old ones."""
    code = (
        "from classifier import load_model\n"
        "m = load_model(); m.pipeline\n"
        "print(m.predict(['Police said two men were held.'])[0].label)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "official_claim"


def test_old_paths_are_the_same_classes():
    from classifier import cascade, features, weighting
    from classifier.tfidf import estimators
    from classifier.tfidf import features as new_features

    assert cascade.CascadeClassifier is estimators.CascadeClassifier
    assert weighting.BoostedLogisticRegression is estimators.BoostedLogisticRegression
    assert features.CueFeatures is new_features.CueFeatures
