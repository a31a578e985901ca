"""The Dask engine on a 2-worker LocalCluster gives the local engine's rows, row by row."""

import json

import pyarrow.parquet as pq
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from classifier.batch.dask import predict_file_dask  # noqa: E402
from classifier.batch.local import predict_file  # noqa: E402
from classifier.errors import DataError  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    # Two single-threaded worker processes, as in production (the scorer is pure Python).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def articles(tmp_path_factory, tiny_data):
    folder = tmp_path_factory.mktemp("dask")
    texts = [" ".join(tiny_data.texts[i:i + 3]) for i in range(0, 48, 2)]
    texts[5] = ""
    lines = [json.dumps({"text": t, "key": f"k{i}"}) for i, t in enumerate(texts)]
    lines[7] = "{broken"
    (folder / "in.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize("split", [False, True])
def test_dask_output_equals_local_output_row_by_row(cluster, articles, saved_model, split,
                                                    tmp_path):
    source = articles / "in.jsonl"
    local = predict_file(str(saved_model), source, tmp_path / "local.parquet", split=split,
                         id_column="key")
    result = predict_file_dask(str(saved_model), source, tmp_path / "dask.parquet",
                               split=split, id_column="key",
                               scheduler=cluster.scheduler_address, part_bytes=1000)
    expected = pq.read_table(tmp_path / "local.parquet").to_pylist()
    got = pq.read_table(tmp_path / "dask.parquet").to_pylist()
    assert len(list((tmp_path / "dask.parquet").glob("part-*.parquet"))) > 2
    assert got == expected
    assert (result.rows_in, result.rows_out, result.errors) == (
        local.rows_in, local.rows_out, local.errors)
    assert result.engine == "dask" and result.workers == 2


def test_dask_reads_csv_with_quoted_line_breaks(cluster, saved_model, tmp_path):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    texts = [f"Officials said line {i}.\nIt may rain." for i in range(60)]
    pacsv.write_csv(pa.table({"text": texts}), tmp_path / "in.csv")
    predict_file(str(saved_model), tmp_path / "in.csv", tmp_path / "local.parquet")
    predict_file_dask(str(saved_model), tmp_path / "in.csv", tmp_path / "dask.parquet",
                      scheduler=cluster.scheduler_address, part_bytes=300)
    assert (pq.read_table(tmp_path / "dask.parquet").to_pylist()
            == pq.read_table(tmp_path / "local.parquet").to_pylist())


def test_dask_writes_parquet_only_and_never_clobbers_a_folder(saved_model, articles, tmp_path):
    with pytest.raises(DataError, match="writes Parquet"):
        predict_file_dask(str(saved_model), articles / "in.jsonl", tmp_path / "out.jsonl")
    keep = tmp_path / "keep.parquet"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match="refusing to replace"):
        predict_file_dask(str(saved_model), articles / "in.jsonl", keep)


def test_dask_reads_a_folder_of_articles(cluster, saved_model, tiny_data, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(12):
        (folder / f"{i:02d}.txt").write_text(" ".join(tiny_data.texts[i:i + 2]))
    (folder / "12.txt").write_bytes(b"\xff\xfe")
    predict_file(str(saved_model), folder, tmp_path / "local.parquet", split=True)
    predict_file_dask(str(saved_model), folder, tmp_path / "dask.parquet", split=True,
                      scheduler=cluster.scheduler_address)
    got = pq.read_table(tmp_path / "dask.parquet").to_pylist()
    assert got == pq.read_table(tmp_path / "local.parquet").to_pylist()
    assert got[-1]["id"] == "12.txt" and got[-1]["error"].startswith("text not UTF-8")


def test_workers_load_the_model_once_from_its_folder_without_scikit_learn(
        articles, saved_model, tmp_path, monkeypatch):
    from classifier.batch import dask as engine

    def refuse(*args, **kwargs):
        raise AssertionError("the client loaded the model")

    monkeypatch.setattr("classifier.persistence.load_model", refuse)
    source = articles / "in.jsonl"

    def state():
        import sys

        from classifier.batch.dask import _MODELS
        return ([(key[0], type(model).__name__, id(model)) for key, model in _MODELS.items()],
                sorted(m for m in ("sklearn", "dask.dataframe") if m in sys.modules))

    with engine.connect(workers=1) as client:  # the engine's own LocalCluster
        address = client.scheduler.address
        predict_file_dask(str(saved_model), source, tmp_path / "a.parquet", scheduler=address,
                          part_bytes=1000)
        first = list(client.run(state).values())
        predict_file_dask(str(saved_model), source, tmp_path / "b.parquet", scheduler=address,
                          part_bytes=1000)
        second = list(client.run(state).values())
    assert first == second  # the same model object: loaded once for both runs
    assert first[0] == ([(str(saved_model.resolve()), "FastModel", first[0][0][0][2])], [])
    assert (pq.read_table(tmp_path / "a.parquet").to_pylist()
            == pq.read_table(tmp_path / "b.parquet").to_pylist())


def test_a_model_object_is_still_shipped_as_it_is(cluster, articles, tiny_model, tmp_path):
    source = articles / "in.jsonl"
    predict_file(tiny_model, source, tmp_path / "local.parquet")
    predict_file_dask(tiny_model, source, tmp_path / "dask.parquet", part_bytes=1000,
                      scheduler=cluster.scheduler_address)
    assert (pq.read_table(tmp_path / "dask.parquet").to_pylist()
            == pq.read_table(tmp_path / "local.parquet").to_pylist())


def test_worker_model_checks_the_key_and_finds_a_shipped_model_by_name(saved_model):
    from classifier.batch.dask import ModelRef, model_for_workers, worker_model
    from classifier.errors import ModelFileError

    ref, labels = model_for_workers(str(saved_model))
    assert ref.name is None and labels == worker_model(ref).labels
    with pytest.raises(ModelFileError, match="differs from the client's"):
        worker_model(ModelRef(ref.folder, None, "0" * 16))
    shipped, _ = model_for_workers(None)
    assert shipped.name == "default"
    elsewhere = ModelRef("/nowhere/default", shipped.name, shipped.key)  # another machine
    assert worker_model(elsewhere).labels == labels


def test_dask_reports_progress_up_to_the_whole_input(cluster, articles, saved_model,
                                                     tmp_path):
    seen = []
    result = predict_file_dask(str(saved_model), articles / "in.jsonl",
                               tmp_path / "out.parquet", part_bytes=1000,
                               scheduler=cluster.scheduler_address, on_progress=seen.append)
    assert len(seen) == len(list((tmp_path / "out.parquet").iterdir())) > 2
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == (articles / "in.jsonl").stat().st_size
    assert seen[-1].rows_in == result.rows_in == 24


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_dask_progress_bar_on_a_terminal_only_unless_quiet(cluster, articles, saved_model,
                                                               tmp_path, monkeypatch, quiet):
    import io

    from rich.console import Console

    from classifier.cli import batch

    for terminal in (True, False):
        console = Console(file=io.StringIO(), force_terminal=terminal, width=200,
                          color_system=None)
        monkeypatch.setattr(batch, "make_console", lambda stderr=False, c=console: c)
        batch.run_batch(model=str(saved_model), input_path=articles / "in.jsonl",
                        output=tmp_path / "out.parquet", text_column="text", id_column=None,
                        split=False, jobs=2, engine="dask",
                        scheduler=cluster.scheduler_address, quiet=quiet)
        shown = console.file.getvalue()
        assert ("rows/s" in shown and "predicting" in shown) == (terminal and not quiet)
        assert ("wrote 24 rows for 24 input rows" in shown) == (not quiet)


def test_dask_keeps_malformed_csv_records_as_error_rows(cluster, saved_model, tiny_data,
                                                        tmp_path):
    lines = [f'{i},"{t.replace(chr(34), 2 * chr(34))}"'
             for i, t in enumerate(tiny_data.texts[:48])]
    for i in (2, 15, 40):
        lines[i] = f'{i},"stray quote, then more'
    lines[9], lines[33] = "9,a,b", "33"
    (tmp_path / "in.csv").write_text("id,text\n" + "\n".join(lines) + "\n")
    predict_file(str(saved_model), tmp_path / "in.csv", tmp_path / "local.parquet")
    result = predict_file_dask(str(saved_model), tmp_path / "in.csv", tmp_path / "dask.parquet",
                               scheduler=cluster.scheduler_address, part_bytes=400,
                               id_column="id")
    got = pq.read_table(tmp_path / "dask.parquet").to_pylist()
    local = pq.read_table(tmp_path / "local.parquet").to_pylist()
    assert len(list((tmp_path / "dask.parquet").iterdir())) > 3
    assert [r["row"] for r in got] == list(range(48)) and result.errors == 5
    assert [r["row"] for r in got if r["error"]] == [2, 9, 15, 33, 40]
    assert all(r["label"] is None for r in got if r["error"])
    assert [{**r, "id": None} for r in got] == [{**r, "id": None} for r in local]
