"""Batch prediction: order, completeness, error rows, formats, jobs, atomic output."""

import json

import pyarrow.parquet as pq
import pytest

from classifier.batch.local import BatchProgress, predict_file
from classifier.batch.rows import score_chunk
from classifier.data.records import RawChunk


def read_rows(path):
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    if path.suffix == ".csv":
        import pyarrow.csv as pacsv

        from classifier.batch.rows import output_schema

        schema = output_schema(("analysis", "factual_report", "official_claim", "speculation"))
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types=schema, strings_can_be_null=True))
        return table.to_pylist()
    return pq.read_table(path).to_pylist()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, tiny_data):
    """A JSONL of shuffled tiny sentences with ids, plus an empty and a broken row."""
    import random

    rng = random.Random(0)
    texts = [rng.choice(tiny_data.texts) for _ in range(120)]
    path = tmp_path_factory.mktemp("batch") / "in.jsonl"
    lines = [json.dumps({"doc": f"d{i}", "text": t}) for i, t in enumerate(texts)]
    lines[40] = json.dumps({"doc": "d40", "text": "   "})
    lines[41] = '{"doc": "d41", "text": "truncated'
    path.write_text("\n".join(lines) + "\n")
    return path, texts


def test_every_row_once_in_order_with_its_id(tmp_path, tiny_model, corpus):
    path, texts = corpus
    seen = []
    result = predict_file(tiny_model, path, tmp_path / "out.jsonl", id_column="doc",
                          chunk_rows=16, on_progress=seen.append)
    rows = read_rows(tmp_path / "out.jsonl")
    assert [r["row"] for r in rows] == list(range(120))
    # a row too broken to hold its id falls back to its row number
    assert [r["id"] for r in rows] == [f"d{i}" if i != 41 else "41" for i in range(120)]
    expected = tiny_model.predict_labels(texts)
    for i, row in enumerate(rows):
        if i not in (40, 41):
            assert row["label"] == expected[i] and row["error"] is None
            assert row["confidence"] == pytest.approx(max(
                v for k, v in row.items() if k.startswith("p_")))
    assert rows[40]["label"] is None and rows[40]["error"] == "empty text"
    assert rows[41]["label"] is None and rows[41]["error"].startswith("invalid JSON")
    assert (result.rows_in, result.rows_out, result.errors) == (120, 120, 2)
    assert isinstance(seen[-1], BatchProgress) and seen[-1].done == seen[-1].total


def test_split_sentences_keeps_article_id_index_and_offsets(tmp_path, tiny_model):
    articles = ["Police said two men were held. More arrests may follow.", "",
                "The vote is on Friday."]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"text": a}) + "\n" for a in articles))
    predict_file(tiny_model, path, tmp_path / "out.parquet", split=True)
    rows = read_rows(tmp_path / "out.parquet")
    assert [(r["row"], r["id"], r["sentence_index"]) for r in rows] == [
        (0, "0", 0), (0, "0", 1), (1, "1", None), (2, "2", 0)]
    for r in rows:
        if r["error"] is None:
            assert articles[r["row"]][r["start"]:r["end"]] == r["text"]
    assert rows[2]["error"] == "empty text" and rows[2]["label"] is None


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_output_formats_hold_the_same_rows(tmp_path, tiny_model, corpus, suffix):
    path, _ = corpus
    predict_file(tiny_model, path, tmp_path / "ref.parquet", chunk_rows=50)
    predict_file(tiny_model, path, tmp_path / f"out{suffix}", chunk_rows=50)
    assert read_rows(tmp_path / f"out{suffix}") == read_rows(tmp_path / "ref.parquet")


def test_two_worker_processes_give_the_same_output(tmp_path, saved_model, corpus):
    path, _ = corpus
    one = predict_file(str(saved_model), path, tmp_path / "one.parquet", chunk_rows=10, jobs=1)
    two = predict_file(str(saved_model), path, tmp_path / "two.parquet", chunk_rows=10, jobs=2)
    assert two.workers == 2 and one.rows_out == two.rows_out
    assert pq.read_table(tmp_path / "one.parquet").equals(pq.read_table(tmp_path / "two.parquet"))


def test_an_interrupted_run_leaves_no_output(tmp_path, tiny_model, corpus):
    path, _ = corpus

    def interrupt(progress):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        predict_file(tiny_model, path, tmp_path / "out.jsonl", chunk_rows=10,
                     on_progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_score_chunk_of_nothing(tiny_model):
    batch = score_chunk(tiny_model, RawChunk(0), split=True)
    assert batch.num_rows == 0
    assert batch.schema.names[:4] == ["row", "id", "sentence_index", "kind"]


def test_refuses_to_overwrite_its_input(tmp_path, tiny_model):
    from classifier.errors import ClassifierError

    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "x"}\n')
    with pytest.raises(ClassifierError, match="overwrite the input"):
        predict_file(tiny_model, path, path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_malformed_csv_record_is_an_error_row_and_the_run_goes_on(tmp_path, saved_model,
                                                                    tiny_data, jobs):
    texts = list(tiny_data.texts[:40])
    lines = [f'd{i},"{t.replace(chr(34), 2 * chr(34))}"' for i, t in enumerate(texts)]
    lines[3] = 'd3,"an unbalanced quote'  # a stray quote
    lines[17] = "d17,one,too many"  # a field too many
    lines[31] = "d31"  # a field too few
    path = tmp_path / "in.csv"
    path.write_text("doc,text\n" + "\n".join(lines) + "\n")
    result = predict_file(str(saved_model), path, tmp_path / "out.parquet", id_column="doc",
                          chunk_rows=8, jobs=jobs)
    rows = read_rows(tmp_path / "out.parquet")
    bad = {3: "unbalanced quote", 17: "3 fields, the header has 2",
           31: "1 field, the header has 2"}
    assert [r["row"] for r in rows] == list(range(40))
    assert [r["id"] for r in rows] == [str(i) if i in bad else f"d{i}" for i in range(40)]
    for i, row in enumerate(rows):
        if i in bad:
            assert row["label"] is None and row["error"] == f"malformed CSV record ({bad[i]})"
        else:
            assert row["text"] == texts[i] and row["label"] and row["error"] is None
    assert (result.rows_in, result.errors) == (40, 3)
