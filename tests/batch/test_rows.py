"""``classifier.batch.rows``: the one row schema, ``score_chunk`` and ``Rows``' two forms."""

import math

import numpy as np
import pyarrow as pa
import pytest

from classifier.batch.rows import (
    EMPTY,
    FIXED_COLUMNS,
    Rows,
    articles_from_rows,
    output_schema,
    score_chunk,
)
from classifier.data.records import RawChunk
from classifier.prediction import LOW_CONFIDENCE, SOURCE_COLUMNS

LABELS = ("official_claim", "speculation")


class FixedModel:
    """Scores a text by a table (NaN for an empty one, as ``Model`` does); records its calls."""

    labels = LABELS

    def __init__(self, table):
        self.table, self.calls = table, []

    def predict_proba(self, texts, contexts=None):
        self.calls.append((list(texts), None if contexts is None else list(contexts)))
        return np.array([self.table.get(t, [0.5, 0.5]) if t else [np.nan, np.nan]
                         for t in texts])


def chunk(texts, ids=None, errors=None, first_row=0):
    return RawChunk(first_row, list(ids or [None] * len(texts)), list(texts),
                    list(errors or [None] * len(texts)))


def test_output_schema_columns_and_types():
    schema = output_schema(LABELS)
    assert schema.names == [*FIXED_COLUMNS, "p_official_claim", "p_speculation",
                            *SOURCE_COLUMNS, "error"]
    assert schema.field("row").type == pa.int64()
    assert schema.field("p_speculation").type == pa.float64()
    assert schema.field("cue_start").type == pa.int64() and schema.field("cue").type == pa.string()
    assert output_schema(()).names == [*FIXED_COLUMNS, *SOURCE_COLUMNS, "error"]


def test_one_row_per_input_row_with_ids_labels_and_error_rows():
    model = FixedModel({"Police said two men were held.": [0.9, 0.1],
                        "Prices may rise.": [0.3, 0.7]})
    texts = ["Police said two men were held.", "Prices may rise.", "   ", None]
    rows = score_chunk(model, chunk(texts, ["a", None, "c", None],
                                    [None, None, None, "invalid JSON (x)"], first_row=10))
    assert rows.num_rows == 4 and rows.errors == 2
    out = rows.to_pylist()
    assert [r["row"] for r in out] == [10, 11, 12, 13]
    assert [r["id"] for r in out] == ["a", "11", "c", "13"]  # no id: the row number
    assert [r["label"] for r in out] == ["official_claim", "speculation", None, None]
    assert [r["error"] for r in out] == [None, None, EMPTY, "invalid JSON (x)"]
    assert [r["kind"] for r in out] == ["sentence", "sentence", None, None]
    assert out[0]["sentence_index"] == 0 and out[0]["start"] is None
    assert out[1]["confidence"] == 0.7 and out[1]["p_official_claim"] == 0.3
    assert out[2]["confidence"] is None and out[2]["p_speculation"] is None
    assert out[2]["text"] == "   " and out[3]["text"] is None
    # the official claim is attributed, the speculation is not
    assert (out[0]["source"], out[0]["cue"], out[0]["source_kind"]) == (
        "Police", "said", "official")
    assert out[1]["source"] is None
    assert model.calls == [(["Police said two men were held.", "Prices may rise.", "", ""],
                            None)]


def test_below_min_confidence_keeps_the_probabilities_but_no_label():
    model = FixedModel({"Sure.": [0.95, 0.05], "Unsure.": [0.55, 0.45]})
    out = score_chunk(model, chunk(["Sure.", "Unsure."]), min_confidence=0.6).to_pylist()
    assert [r["label"] for r in out] == ["official_claim", None]
    assert out[1]["error"] == LOW_CONFIDENCE
    assert (out[1]["confidence"], out[1]["p_official_claim"]) == (0.55, 0.55)


def test_probabilities_are_rounded_to_six_decimals():
    model = FixedModel({"x.": [1 / 3, 2 / 3]})
    out = score_chunk(model, chunk(["x."])).to_pylist()[0]
    assert out["p_official_claim"] == 0.333333 and out["confidence"] == 0.666667


def test_split_gives_one_row_per_sentence_with_offsets_and_context():
    article = "By Jane Smith\n\nPolice said two men were held. More arrests\nmay follow."
    model = FixedModel({})
    rows = score_chunk(model, chunk([article, ""]), split=True)
    out = rows.to_pylist()
    assert [(r["row"], r["sentence_index"], r["kind"]) for r in out] == [
        (0, 0, "byline"), (0, 1, "sentence"), (0, 2, "sentence"), (1, None, None)]
    for r in out[:3]:
        assert article[r["start"]:r["end"]] == r["text"]
    assert out[0]["label"] is None and out[0]["error"] == "not a sentence: byline"
    assert out[3]["error"] == EMPTY and out[3]["start"] is None
    texts, contexts = model.calls[0]
    # a byline is not scored; a wrapped line is read with one space; context: the sentence before
    assert texts == ["", "Police said two men were held.", "More arrests may follow.", ""]
    assert contexts == ["", "By Jane Smith", "Police said two men were held.", ""]


def test_rows_holding_several_sentences_are_counted_when_not_split():
    rows = score_chunk(FixedModel({}), chunk(["One. Two more here.", "Just one."]))
    assert rows.several_sentences == 1 and rows.num_rows == 2
    assert score_chunk(FixedModel({}), chunk(["One. Two more here."]),
                       split=True).several_sentences == 0


def test_arrow_and_python_rows_agree():
    model = FixedModel({"Police said two men were held.": [0.9, 0.1]})
    rows = score_chunk(model, chunk(["Police said two men were held.", "", None],
                                    errors=[None, None, "unreadable"]))
    batch = rows.to_arrow()
    assert batch.schema == rows.schema and batch.num_rows == 3
    assert batch.to_pylist() == rows.to_pylist()
    assert batch.column("confidence").null_count == 2


def test_no_rows_give_an_empty_batch_in_the_schema():
    rows = score_chunk(FixedModel({}), RawChunk(0))
    assert rows.to_pylist() == [] and rows.errors == 0
    empty = Rows(LABELS)
    assert empty.num_rows == 0 and empty.to_arrow().num_rows == 0
    assert empty.to_arrow().schema == output_schema(LABELS)


def test_articles_from_rows_groups_sentences_by_input_row():
    article = "Police said two men were held. Prices may rise."
    model = FixedModel({"Police said two men were held.": [0.9, 0.1],
                        "Prices may rise.": [0.2, 0.8]})
    raw = chunk([article, "", None], ["doc", None, None], [None, None, "bad row"], first_row=5)
    batch = score_chunk(model, raw, split=True).to_arrow()
    articles = articles_from_rows(raw, batch, LABELS)
    assert [name for name, _ in articles] == ["doc", "6", "7"]
    first = articles[0][1]
    assert first.text == article and first.labels == LABELS
    assert [(p.label, p.start, p.end) for p in first.sentences] == [
        ("official_claim", 0, 30), ("speculation", 31, 47)]
    assert first.sentences[1].probabilities == {"official_claim": 0.2, "speculation": 0.8}
    empty, broken = articles[1][1].sentences, articles[2][1].sentences
    assert [(p.label, p.error, p.probabilities) for p in empty] == [(None, EMPTY, {})]
    assert [(p.label, p.error) for p in broken] == [(None, "bad row")]
    assert articles[2][1].text == ""


@pytest.mark.parametrize("split", [False, True])
def test_a_real_model_scores_every_row(tiny_model, split):
    rows = score_chunk(tiny_model, chunk(["Police said two men were held.", ""]), split=split)
    out = rows.to_pylist()
    assert out[0]["label"] in tiny_model.labels and out[1]["label"] is None
    assert math.isclose(sum(out[0][f"p_{label}"] for label in tiny_model.labels), 1.0,
                        abs_tol=1e-5)
