"""Importing the package has no side effects and raises no warnings."""

import subprocess
import sys


def test_import_is_clean():
    code = "import harbin_kg, harbin_kg.cli; print('ok')"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok" and result.stderr == ""


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "harbin_kg", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "harbin-kg" in result.stdout
