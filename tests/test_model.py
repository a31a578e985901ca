import numpy as np


def test_predict_returns_one_typed_result_per_text(tiny_model):
    texts = ["Police said two men were held.", "", "Prices may rise."]
    preds = tiny_model.predict(texts)
    assert [p.text for p in preds] == texts
    assert preds[1].label is None and preds[1].error == "empty text"
    for p in (preds[0], preds[2]):
        assert p.label in tiny_model.labels
        assert abs(sum(p.probabilities.values()) - 1) < 1e-9
        assert p.confidence == max(p.probabilities.values())


def test_predict_proba_rows_match_inputs(tiny_model):
    proba = tiny_model.predict_proba(["One.", "  ", "Two."])
    assert proba.shape == (3, 4)
    assert np.isnan(proba[1]).all() and not np.isnan(proba[[0, 2]]).any()


def test_tag_article_offsets(tiny_model, seed_text):
    article = tiny_model.tag_article(seed_text)
    assert len(article.sentences) == 16
    for p in article.sentences:
        assert seed_text[p.start : p.end] == p.text
    shares = article.summary
    assert sum(s.count for s in shares) == 16
    assert abs(sum(s.share for s in shares) - 1) < 1e-9


def test_tag_articles_batches_keep_order(tiny_model):
    articles = tiny_model.tag_articles(["First one. Second one.", "", "Third."])
    assert [len(a.sentences) for a in articles] == [2, 0, 1]
    assert articles[2].sentences[0].text == "Third."


def test_predict_labels(tiny_model):
    assert tiny_model.predict_labels(["Prices may rise."])[0] in tiny_model.labels
