"""Training tables: a mistyped path never reaches the network; a hostile line is one error."""

from __future__ import annotations

import json
import socket

import pytest

from classifier.data.tables import load_labeled
from classifier.errors import DataError


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_a_missing_owner_slash_name_path_is_a_missing_file(no_network, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"foo/bar: no such file \(a Hugging Face Hub "
                                        r"dataset is named hf:foo/bar\)"):
        load_labeled("foo/bar")


def test_a_hub_dataset_is_read_alone(no_network, tmp_path):
    table = tmp_path / "a.csv"
    table.write_text("text,label\nPrices rose.,factual_report\n")
    with pytest.raises(DataError, match="read alone"):
        load_labeled([table, "hf:owner/name"])


def test_a_line_nested_too_deeply_is_one_error(tmp_path):
    path = tmp_path / "deep.jsonl"
    good = json.dumps({"text": "Prices rose.", "label": "factual_report"})
    deep = '{"text": ' + "[" * 5000 + "]" * 5000 + ', "label": "analysis"}'
    path.write_text(f"{good}\n{deep}\n")
    with pytest.raises(DataError, match=r"deep.jsonl:2: not valid JSON \(nested too deeply\)"):
        load_labeled(path)
