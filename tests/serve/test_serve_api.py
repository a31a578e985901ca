"""The HTTP API (issue 19): /v1/tag, /v1/predict, /v1/models, /healthz, limits, schema."""

from __future__ import annotations

from pathlib import Path

from serve_helpers import call

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_a16f0ea716d6622e.txt"
ARTICLE = ("Council approves new bus lanes\n\nThe city council approved two bus lanes on "
           "Tuesday. The transport department said the lanes would open in May. Maria Lind, "
           "who chairs the committee, said the vote was overdue. She said more lanes may "
           "follow. Some drivers fear longer queues.")


def test_tag_returns_sentences_with_offsets_labels_and_sources(server):
    status, body = call(f"{server}/v1/tag", {"text": ARTICLE})
    assert status == 200
    sentences = body["sentences"]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert ARTICLE[s["start"]:s["end"]] == s["text"]
        assert abs(sum(s["probabilities"].values()) - 1) < 1e-4
        assert s["label"] in body["labels"]
    dept = next(s for s in sentences if "transport department" in s["text"])
    assert dept["label"] == "official_claim"
    source = dept["source"]
    assert ARTICLE[source["start"]:source["end"]] == source["text"] == "The transport department"
    assert source["kind"] == "official"
    assert ARTICLE[source["cue_start"]:source["cue_end"]] == source["cue"] == "said"
    she = next(s for s in sentences if s["text"].startswith("She said"))
    if she["source"] is not None:  # attributed speculation: the pronoun is resolved
        assert she["source"]["resolved"] == "Maria Lind"
    assert sum(share["count"] for share in body["summary"]) == len(sentences)


def test_tag_on_the_seed_article_finds_the_authorities(server):
    text = SEED.read_text(encoding="utf-8")
    status, body = call(f"{server}/v1/tag", {"text": text})
    assert status == 200
    sources = [s["source"]["text"] for s in body["sentences"] if s["source"]]
    assert "Authorities in Moscow" in sources


def test_predict_labels_each_sentence_and_keeps_empty_rows(server):
    status, body = call(f"{server}/v1/predict",
                        {"sentences": ["Police said two men were arrested.", "", "It rained."]})
    assert status == 200
    rows = body["predictions"]
    assert len(rows) == 3
    assert rows[0]["label"] == "official_claim" and rows[0]["source"]["text"] == "Police"
    assert rows[1]["label"] is None and rows[1]["error"] == "empty text"
    assert rows[2]["source"] is None


def test_models_and_health(server):
    status, body = call(f"{server}/v1/models")
    assert status == 200
    assert body["model"]["name"] == "default" and body["model"]["backend"] == "tfidf"
    assert set(body["colours"]) == set(body["model"]["labels"])
    assert "default" in body["shipped"]
    assert body["limits"]["max_sentences"] == 50
    assert call(f"{server}/healthz") == (200, {"status": "ok", "model": "default"})


def test_limits_give_413_with_a_clear_message(server):
    status, body = call(f"{server}/v1/predict", {"sentences": ["A sentence."] * 51})
    assert status == 413 and "51 sentences exceeds the limit of 50" in body["detail"]
    status, body = call(f"{server}/v1/tag", {"text": "word " * 5000})
    assert status == 413 and "limit of 20000 characters" in body["detail"]
    status, body = call(f"{server}/v1/tag", raw=b'{"text": "' + b"x" * 60_000 + b'"}')
    assert status == 413 and "exceeds the limit of 50000 bytes" in body["detail"]


def test_malformed_requests_give_422(server):
    assert call(f"{server}/v1/tag", {"article": "wrong field"})[0] == 422
    assert call(f"{server}/v1/predict", {"sentences": "not a list"})[0] == 422
    assert call(f"{server}/v1/tag", raw=b"{not json")[0] == 422


def test_openapi_schema_and_page(server):
    status, schema = call(f"{server}/openapi.json")
    assert status == 200
    assert {"/v1/tag", "/v1/predict", "/v1/models", "/healthz"} <= set(schema["paths"])
    status, page = call(f"{server}/")
    assert status == 200 and b"<textarea" in page and b"/static/app.js" in page
    assert b"http://" not in page and b"https://" not in page  # no CDN
    status, script = call(f"{server}/static/app.js")
    assert status == 200 and b"/v1/tag" in script
    assert call(f"{server}/static/missing.js")[0] == 404
    assert call(f"{server}/static/..%2Fapp.py")[0] == 404


def test_long_inputs_run_in_the_thread_pool_with_the_same_result(server, monkeypatch):
    from classifier.serve import app

    inline = call(f"{server}/v1/tag", {"text": ARTICLE})
    monkeypatch.setattr(app, "INLINE_CHARS", 10)  # every article counts as long
    assert call(f"{server}/v1/tag", {"text": ARTICLE}) == inline
    rows = {"sentences": ["Police said two men were arrested.", "It rained."]}
    monkeypatch.undo()
    inline = call(f"{server}/v1/predict", rows)
    monkeypatch.setattr(app, "INLINE_CHARS", 10)
    assert call(f"{server}/v1/predict", rows) == inline
