"""The TF-IDF backend's feature steps (classifier.tfidf.features)."""

import pickle

import numpy as np

from classifier.tfidf.features import CaseNormalizer, CueFeatures, StableTfidfVectorizer

TEXTS = ["Police said two men were held.", "Prices may rise next year.",
         "The move looks like a bold bet.", "The vote is on Friday."]


def test_the_vectorizer_pickles_the_same_bytes_for_the_same_fit():
    first = StableTfidfVectorizer().fit(TEXTS)
    second = StableTfidfVectorizer().fit(list(TEXTS))
    assert list(first.vocabulary_) == sorted(first.vocabulary_)
    assert pickle.dumps(first) == pickle.dumps(second)
    assert (first.transform(TEXTS) != second.transform(TEXTS)).nnz == 0


def test_cue_features_scale_with_their_weight_and_name_every_column():
    one = CueFeatures(weight=1.0).fit(TEXTS)
    half = CueFeatures(weight=0.5).fit(TEXTS)
    a, b = one.transform(TEXTS).toarray(), half.transform(TEXTS).toarray()
    assert a.shape == (4, one.n_features_out_) and np.allclose(b, a * 0.5)
    names = one.get_feature_names_out()
    assert len(names) == a.shape[1] and all(n.startswith("cue_") for n in names)
    assert a[0].any()  # "said" is a reporting cue


def test_case_normalizer_changes_text_to_predict_not_training_text():
    step = CaseNormalizer()
    shouting = ["POLICE SAID TWO MEN WERE HELD."]
    assert step.fit_transform(shouting) == shouting
    assert step.transform(shouting)[0] != shouting[0]
    assert step.transform(["Police said so."]) == ["Police said so."]
