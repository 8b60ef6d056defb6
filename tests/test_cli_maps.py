"""``harbin-kg map``: one file written atomically, never over an existing one, clear errors."""

import os
from pathlib import Path

import pytest

from harbin_kg.cli import cli


@pytest.fixture(scope="module")
def graph_file():
    """The hand-written tiny graph in the shape of ``harbin-kg build`` output (tests/data)."""
    return Path(__file__).parent / "data" / "tiny.ttl"


def run(runner, *args):
    return runner.invoke(cli, ["map", *map(str, args)])


def test_writes_one_self_contained_file(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(cli, ["map", str(graph_file), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "政策生态全景" in page
    assert result.stdout == "" and "wrote" in result.stderr


def test_existing_file_needs_force(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    out.write_text("keep me")
    result = run(runner, graph_file, "-o", out)
    assert result.exit_code == 1
    assert "exists already" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "keep me"
    result = run(runner, graph_file, "-o", out, "--force")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_missing_folder_fails_clearly_without_a_file(runner, graph_file, tmp_path):
    out = tmp_path / "no" / "such" / "map.html"
    result = run(runner, graph_file, "-o", out)
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not out.parent.exists()


def test_folder_that_is_a_file_fails_clearly(runner, graph_file, tmp_path):
    # A folder that cannot be written even by root: the "folder" is a regular file.
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run(runner, graph_file, "-o", blocker / "map.html")
    assert result.exit_code == 1 and "Cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the test above")
def test_read_only_folder_fails_clearly(runner, graph_file, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run(runner, graph_file, "-o", folder / "map.html")
        assert result.exit_code == 1 and "not writable" in result.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_unknown_focus_suggests_close_matches(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    result = run(runner, graph_file, "-o", out, "--focus", "哈尔滨学院XYZ")
    assert result.exit_code == 2
    assert 'No entity is called "哈尔滨学院XYZ"' in result.stderr and "哈尔滨学院" in result.stderr
    assert "Did you mean" in result.stderr
    assert not out.exists()


def test_focus_by_alias_draws_the_neighbourhood(runner, graph_file, tmp_path):
    out = tmp_path / "focus.html"
    result = run(runner, graph_file, "-o", out, "--focus", "哈市教育局", "--depth", "1")
    assert result.exit_code == 0, result.stderr
    assert "哈尔滨市教育局" in out.read_text(encoding="utf-8")


def test_empty_selection_says_so(runner, graph_file, tmp_path, monkeypatch):
    import networkx as nx

    import harbin_kg.network as network

    monkeypatch.setattr(network, "project", lambda source, name, **filters: nx.Graph())
    out = tmp_path / "map.html"
    result = run(runner, graph_file, "-o", out, "--layer", "membership")
    assert result.exit_code == 1 and "Nothing to draw" in result.stderr
    assert not out.exists()


def test_help_has_a_real_example(runner):
    result = runner.invoke(cli, ["map", "--help"])
    assert result.exit_code == 0
    assert "harbin-kg map --focus 哈职院 --depth 2 -o hvtc.html" in result.stdout


def test_read_only_folder_fails_clearly_even_as_root(runner, graph_file, tmp_path, monkeypatch):
    # CI runs as root, which ignores permission bits: have the OS answer "not writable" instead.
    import harbin_kg.writing

    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(harbin_kg.writing.os, "access",
                        lambda path, mode: False if (mode & os.W_OK and str(path) == str(folder)) else real_access(path, mode))
    result = run(runner, graph_file, "-o", folder / "map.html")
    assert result.exit_code == 1 and "not writable" in result.stderr
    assert list(folder.iterdir()) == []
