"""``classifier.data.folds``: the data's fingerprint and its grouped, stratified folds."""

import hashlib
from collections import Counter

import numpy as np

from classifier.data.folds import fingerprint, make_folds
from classifier.data.tables import LabeledData


def small(groups=None):
    texts = [f"sentence {i}" for i in range(12)]
    labels = ["a"] * 6 + ["b"] * 4 + ["c"] * 2
    return LabeledData(texts, labels, groups)


def test_fingerprint_is_the_sha256_of_label_tab_text_lines():
    data = LabeledData(["x", "y"], ["a", "b"])
    assert fingerprint(data) == hashlib.sha256(b"a\tx\nb\ty\n").hexdigest()
    assert fingerprint(LabeledData([], [])) == hashlib.sha256(b"").hexdigest()


def test_fingerprint_ignores_groups_but_not_labels_or_order():
    data = small()
    assert fingerprint(small(groups=[str(i % 3) for i in range(12)])) == fingerprint(data)
    relabeled = LabeledData(data.texts, ["b"] + data.labels[1:])
    reordered = LabeledData(data.texts[::-1], data.labels[::-1])
    assert len({fingerprint(data), fingerprint(relabeled), fingerprint(reordered)}) == 3


def test_fingerprint_accepts_a_lone_surrogate():
    assert len(fingerprint(LabeledData(["bad \udcff byte"], ["a"]))) == 64


def test_folds_cover_every_row_once_and_keep_each_label_in_training(tiny_data):
    folds, grouped = make_folds(LabeledData(tiny_data.texts, tiny_data.labels), 4)
    assert not grouped and len(folds) == 4
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested) == list(range(len(tiny_data)))
    for train, test in folds:
        assert set(train).isdisjoint(test)
        assert {tiny_data.labels[i] for i in train} == set(tiny_data.labels)


def test_folds_are_capped_by_the_smallest_label_and_at_least_two():
    folds, _ = make_folds(small(), 10)  # label c has 2 rows
    assert len(folds) == 2
    folds, _ = make_folds(small(), 1)
    assert len(folds) == 2
    for _, test in folds:  # stratified: each test fold holds one of the two c rows
        assert Counter(small().labels[i] for i in test)["c"] == 1


def test_too_few_groups_fall_back_to_ungrouped_folds():
    folds, grouped = make_folds(small(groups=["g"] * 12), 2)
    assert not grouped and len(folds) == 2
    groups = [f"g{i // 2}" for i in range(12)]  # pairs of rows share a group
    folds, grouped = make_folds(small(groups=groups), 2)
    assert grouped
    for train, test in folds:
        assert {groups[i] for i in train}.isdisjoint(groups[i] for i in test)


def test_the_seed_makes_folds_repeatable(tiny_data):
    def test_sets(seed):
        return [sorted(test) for _, test in make_folds(tiny_data, 3, random_state=seed)[0]]

    assert test_sets(0) == test_sets(0)
    assert test_sets(0) != test_sets(1)
