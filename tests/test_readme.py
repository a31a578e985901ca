"""The README's Python example must run as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert python_blocks()


def test_readme_python_examples_run(tmp_path, monkeypatch):
    repo = README.parent
    monkeypatch.chdir(repo)
    for block in python_blocks():
        block = block.replace("models/my-model", str(tmp_path / "my-model"))
        exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})


def test_every_test_the_readme_names_exists():
    text = README.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/test_\w+\.py)::(\w+)`", text)
    assert len(named) >= 20  # the Guarantees section
    for path, name in named:
        source = (README.parent / path).read_text(encoding="utf-8")
        assert f"def {name}(" in source, f"README names {path}::{name}, which does not exist"
