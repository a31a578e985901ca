"""Shared fixtures: the tiny labeled files and one small model trained per session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_a16f0ea716d6622e.txt"


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny_data():
    from classifier.data import load_labeled

    return load_labeled(DATA / "tiny.jsonl", group_column="group")


@pytest.fixture(scope="session")
def tiny_model(tiny_data):
    from classifier.training import train

    return train(tiny_data, cv=0)


@pytest.fixture(scope="session")
def saved_model(tiny_model, tmp_path_factory) -> Path:
    from classifier.persistence import save_model

    return save_model(tiny_model, tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
