import pytest

from classifier.data import LabeledData
from classifier.data.hygiene import check_hygiene, require_clean
from classifier.errors import DataError


def data(rows, dropped=None):
    return LabeledData([t for t, _ in rows], [label for _, label in rows], source="d.csv",
                       dropped=dropped or {})


BALANCED = [(f"{label} sentence {i}", label) for i in range(6) for label in ("a", "b")]


def test_clean_data_has_no_problems():
    report = check_hygiene(data(BALANCED))
    assert report.problems == [] and report.duplicates == 0 and report.imbalance == 1.0
    require_clean(report)  # does not raise


def test_conflicting_duplicates_are_found_ignoring_surrounding_space():
    rows = BALANCED + [("Rain fell.", "a"), (" Rain fell. ", "b"), ("Rain fell.", "a")]
    report = check_hygiene(data(rows))
    assert [(c.text, c.labels) for c in report.conflicts] == [("Rain fell.", {"a": 2, "b": 1})]
    assert report.conflicting_rows == 3 and report.duplicates == 1
    assert report.problems == [
        "conflicting labels on 1 text (3 rows), e.g. 'Rain fell.': a ×2, b ×1"
    ]


def test_same_text_same_label_is_only_a_note():
    report = check_hygiene(data(BALANCED + BALANCED[:2]))
    assert report.duplicates == 2 and report.problems == []


def test_dropped_rows_are_problems_with_their_reason():
    report = check_hygiene(data(BALANCED, dropped={"empty text": 3, "empty label": 1}))
    assert report.problems == ["3 rows dropped: empty text", "1 row dropped: empty label"]


def test_rare_labels_and_extreme_imbalance():
    rows = [(f"a {i}", "a") for i in range(40)] + [("b 1", "b"), ("b 2", "b"), ("c 1", "c")]
    report = check_hygiene(data(rows), min_examples=3, max_imbalance=10)
    assert report.small_labels == {"c": 1, "b": 2}
    assert report.imbalance == 40.0
    assert report.problems == [
        "labels with fewer than 3 examples: c (1), b (2)",
        "extreme imbalance: 'a' has 40.0x the rows of 'c' (limit 10x)",
    ]


def test_require_clean_fails_with_one_line_listing_every_problem():
    rows = BALANCED + [("x", "a"), ("x", "b")]
    report = check_hygiene(data(rows, dropped={"empty text": 2}))
    with pytest.raises(DataError) as error:
        require_clean(report, "d.csv")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("d.csv: data problems (strict): conflicting labels on 1 text")
    assert "2 rows dropped: empty text" in message


def test_to_dict_is_json_ready_and_bounded():
    import json

    rows = BALANCED + [(f"t{i}", label) for i in range(30) for label in ("a", "b")]
    payload = check_hygiene(data(rows)).to_dict(examples=5)
    assert len(payload["conflicts"]) == 5 and payload["conflicting_texts"] == 30
    json.dumps(payload)


def test_metadata_form_holds_no_training_text():
    """A model's metadata is shared; training text (maybe real news) stays out of it."""
    secret = "The harbour board voted to double mooring fees next spring."
    report = check_hygiene(data(BALANCED + [(secret, "a"), (secret, "b")]))
    payload = report.to_dict()
    assert "harbour" not in repr(payload)
    assert payload["conflicts"][0]["labels"] == {"a": 1, "b": 1}
    assert len(payload["conflicts"][0]["text_sha256"]) == 12
    assert "harbour" in report.problems[0]  # the console still shows it to the user
