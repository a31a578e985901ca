"""The Dask engine on a 2-worker LocalCluster gives the local engine's rows, row by row."""

import json

import pyarrow.parquet as pq
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from classifier.batch import predict_file  # noqa: E402
from classifier.engines.dask import predict_file_dask  # noqa: E402
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
