import subprocess
import sys


def test_cli_import_does_not_load_heavy_libraries():
    code = (
        "import sys, classifier, classifier.cli\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'datasets', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
