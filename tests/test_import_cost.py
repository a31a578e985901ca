import subprocess
import sys


def test_cli_import_does_not_load_heavy_libraries():
    code = (
        "import sys, classifier, classifier.cli\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'datasets', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_predict_with_the_shipped_model_does_not_import_scikit_learn():
    code = (
        "import sys\n"
        "from classifier.cli import app\n"
        "app(['predict', '--format', 'jsonl', 'One sentence.'], standalone_mode=False)\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'datasets') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"label"' in result.stdout
