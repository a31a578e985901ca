import os
import subprocess
import sys

from classifier.data import LabeledData
from classifier.tfidf.pipeline import PipelineConfig
from classifier.training import cross_validate, fingerprint, make_folds, train


def test_train_records_metadata(tiny_data):
    model = train(tiny_data, cv=3)
    meta = model.metadata
    assert meta["labels"] == sorted(set(tiny_data.labels))
    assert meta["data"]["rows"] == 48
    assert meta["data"]["fingerprint"] == fingerprint(tiny_data)
    assert len(meta["metrics"]["cv"]["folds"]) == 3
    assert meta["metrics"]["cv"]["grouped"] is True
    assert 0.0 <= meta["metrics"]["cv"]["mean"] <= 1.0
    assert meta["versions"]["scikit-learn"]


def test_grouped_folds_never_split_a_group(tiny_data):
    splits, grouped = make_folds(tiny_data, 3)
    assert grouped
    for train_idx, test_idx in splits:
        train_groups = {tiny_data.groups[i] for i in train_idx}
        assert train_groups.isdisjoint(tiny_data.groups[i] for i in test_idx)


def test_cross_validate_without_groups(tiny_data):
    data = LabeledData(tiny_data.texts, tiny_data.labels)
    result = cross_validate(data, PipelineConfig(char_ngram_range=None), folds=2)
    assert not result.grouped and len(result.folds) == 2


def test_fingerprint_depends_on_order_and_labels(tiny_data):
    swapped = LabeledData(tiny_data.texts[::-1], tiny_data.labels[::-1])
    assert fingerprint(swapped) != fingerprint(tiny_data)


SCRIPT = """
import sys, hashlib
from pathlib import Path
from classifier.data import load_labeled
from classifier.persistence import save_model
from classifier.training import train
model = train(load_labeled(sys.argv[1]), cv=0, random_state=3)
out = save_model(model, Path(sys.argv[2]))
print(hashlib.sha256((out / "model.joblib").read_bytes()).hexdigest())
"""


def test_same_data_and_seed_give_byte_identical_model(tiny_dir, tmp_path):
    digests = set()
    for i, hashseed in enumerate(["1", "2"]):
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(tiny_dir / "tiny.csv"), str(tmp_path / f"m{i}")],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1
