import json
from pathlib import Path

import pytest

from classifier.errors import ModelFileError
from classifier.persistence import load_model, save_model, sha256_file
from classifier.tfidf.skops_format import TRUSTED_TYPES, dump_skops, load_skops, untrusted_types


class TouchOnLoad:
    """An object whose rebuilding creates the file ``path`` (stands in for any code)."""

    def __init__(self, path):
        self.path = str(path)

    def __setstate__(self, state):
        Path(state["path"]).touch()
        self.__dict__.update(state)


def evil_skops(path, marker):
    dump_skops({"pipeline": TouchOnLoad(marker)}, path)
    return path


def test_payload_really_runs_code_when_its_type_is_trusted(tmp_path):
    import skops.io as sio

    marker = tmp_path / "pwned"
    path = evil_skops(tmp_path / "evil.skops", marker)
    sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert marker.exists()  # so the refusals below are not vacuous


def test_untrusted_types_are_refused_before_anything_is_built(tmp_path):
    marker = tmp_path / "pwned"
    path = evil_skops(tmp_path / "evil.skops", marker)
    assert untrusted_types(path) == [f"{__name__}.TouchOnLoad"]
    with pytest.raises(ModelFileError, match=r"refusing to load untrusted types: .*TouchOnLoad"):
        load_skops(path)
    assert not marker.exists()


@pytest.mark.parametrize("safe", [False, True])
def test_a_tampered_skops_model_is_refused_even_with_matching_checksums(
    tiny_model, tmp_path, safe
):
    path, marker = save_model(tiny_model, tmp_path / "m", format="skops"), tmp_path / "pwned"
    evil_skops(path / "model.skops", marker)
    meta = json.loads((path / "metadata.json").read_text())
    meta["files"]["model.skops"] = sha256_file(path / "model.skops")
    del meta["files"]["model.npz"]  # force the pipeline path
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="untrusted types"):
        load_model(path, safe=safe)
    assert not marker.exists()


def test_the_trusted_list_covers_every_estimator_the_package_builds(tiny_data, tmp_path):
    from classifier.tfidf.pipeline import ESTIMATORS, PipelineConfig
    from classifier.training import train

    for name in ESTIMATORS:
        model = train(tiny_data, PipelineConfig(estimator=name), cv=0)
        dump_skops(model.pipeline, tmp_path / f"{name}.skops")
        assert untrusted_types(tmp_path / f"{name}.skops") == [], name
    assert all("." in t for t in TRUSTED_TYPES)


def test_a_corrupt_skops_file_is_one_clear_error(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a readable skops file"):
        load_skops(path)
