"""Shared fixtures: the real bundled graph (built once per run) and a CLI runner."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bundled_graph_path() -> Path:
    from harbin_kg.build import default_graph_path

    return default_graph_path()


@pytest.fixture(scope="session")
def bundled_graph(bundled_graph_path):
    from harbin_kg.store import load_rdflib

    return load_rdflib(bundled_graph_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A private copy of data/ and ontology/ that a test may break."""
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
