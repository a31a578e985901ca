"""``classifier.leftovers``: names that carry their writer's pid, and removing a dead one's."""

import os
import re
import subprocess
import sys
import tempfile

import pytest

from classifier.leftovers import STAGING, TEMP_FILE, pid_alive, remove_stale, staging_prefix


@pytest.fixture
def dead_pid():
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_staging_prefix_names_this_process():
    assert staging_prefix("my-model") == f".my-model.{os.getpid()}."


def test_a_save_s_staging_folder_matches_the_pattern_with_its_pid(tmp_path):
    folder = tempfile.mkdtemp(prefix=staging_prefix("my-model"), suffix=".staging",
                              dir=tmp_path)  # as save_model makes it
    match = STAGING.match(os.path.basename(folder))
    assert match and int(match["pid"]) == os.getpid()
    for name in ("my-model.1.x.staging", ".my-model.x.y.staging", ".my-model.1.staging",
                 ".my-model.1.x.staging.old"):
        assert not STAGING.match(name), name


def test_temp_file_pattern():
    assert TEMP_FILE.match(".out.parquet.4242.tmp")["pid"] == "4242"
    assert not TEMP_FILE.match("out.4242.tmp") and not TEMP_FILE.match(".out.tmp")


def test_pid_alive(dead_pid):
    assert pid_alive(os.getpid())
    assert not pid_alive(dead_pid)
    assert pid_alive(0) and pid_alive(-1)  # not a process id: unsure, counted as alive


def test_pid_alive_counts_a_process_it_may_not_signal_as_alive(monkeypatch):
    def refuse(pid, signal):
        raise PermissionError

    monkeypatch.setattr(os, "kill", refuse)
    assert pid_alive(12345)


def test_remove_stale_removes_only_dead_writers_entries(tmp_path, dead_pid):
    dead_folder = tmp_path / f".model.{dead_pid}.abc.staging"
    (dead_folder / "inner").mkdir(parents=True)
    (dead_folder / "inner" / "weights.bin").write_bytes(b"half")
    dead_file = tmp_path / f".other.{dead_pid}.xyz.staging"
    dead_file.write_text("half")
    live = tmp_path / f".model.{os.getpid()}.abc.staging"
    live.mkdir()
    unrelated = [tmp_path / "model", tmp_path / f".out.{dead_pid}.tmp"]
    unrelated[0].mkdir()
    unrelated[1].write_text("a temporary file: not STAGING")
    assert sorted(remove_stale(tmp_path)) == sorted([dead_folder, dead_file])
    assert not dead_folder.exists() and not dead_file.exists()
    assert live.exists() and all(p.exists() for p in unrelated)
    assert remove_stale(tmp_path, TEMP_FILE) == [unrelated[1]]
    assert remove_stale(tmp_path) == []  # nothing left to do


def test_remove_stale_leaves_a_link_s_target_alone(tmp_path, dead_pid):
    target = tmp_path / "keep"
    target.mkdir()
    (target / "data").write_text("precious")
    link = tmp_path / f".model.{dead_pid}.abc.staging"
    link.symlink_to(target)
    assert remove_stale(tmp_path) == [link]
    assert not link.is_symlink() and (target / "data").read_text() == "precious"


def test_remove_stale_skips_what_it_cannot_list_or_remove(tmp_path, dead_pid, monkeypatch):
    assert remove_stale(tmp_path / "missing") == []
    stale = tmp_path / f".x.{dead_pid}.tmp"
    stale.write_text("half")

    def gone(self, missing_ok=False):
        raise FileNotFoundError  # another run removed it first

    monkeypatch.setattr(type(stale), "unlink", gone)
    assert remove_stale(tmp_path, re.compile(r"^\..+\.(?P<pid>\d+)\.tmp$")) == []
