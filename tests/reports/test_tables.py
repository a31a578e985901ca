import csv
import io
import json

from classifier.prediction import ArticlePrediction, Prediction
from classifier.reports.tables import as_csv, as_json, as_jsonl, prediction_rows

LABELS = ("analysis", "factual_report")
ARTICLE = ArticlePrediction(
    "It rose. ",
    [Prediction("It rose.", "factual_report", {"analysis": 0.25, "factual_report": 0.75}, 0, 8),
     Prediction("", None, {}, 9, 9, error="empty text")],
    LABELS,
)


def test_rows_are_flat_and_complete():
    rows = prediction_rows("doc", ARTICLE)
    assert rows[0]["p_factual_report"] == 0.75 and rows[0]["confidence"] == 0.75
    assert rows[1]["label"] is None and rows[1]["p_analysis"] is None
    assert [r["sentence_index"] for r in rows] == [0, 1]


def test_machine_formats_agree():
    rows = prediction_rows("doc", ARTICLE)
    assert [json.loads(line)["text"] for line in as_jsonl(rows).splitlines()] == ["It rose.", ""]
    parsed = list(csv.DictReader(io.StringIO(as_csv(rows))))
    assert [r["label"] for r in parsed] == ["factual_report", ""]
    doc = json.loads(as_json([("doc", ARTICLE)]))[0]
    assert doc["summary"]["factual_report"] == {"count": 1, "share": 1.0}
    assert as_csv([]) == ""
