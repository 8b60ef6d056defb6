"""The persistent store of a graph file (harbin_kg.graph.diskstore): keyed by content, written atomically, once."""

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from harbin_kg.graph import diskstore
from harbin_kg.errors import DataError
from harbin_kg.graph.store import load_store

TRIPLE = '<https://w3id.org/hrbvet/id/org/{0}> <http://www.w3.org/2004/02/skos/core#prefLabel> "{1}"@zh .\n'


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "stores"
    monkeypatch.setenv(diskstore.CACHE_ENV, str(root))
    monkeypatch.setenv("HARBIN_KG_STORE_MIN_BYTES", "0")
    return root


def _write(path: Path, names) -> Path:
    path.write_text("".join(TRIPLE.format(slug, name) for slug, name in names), encoding="utf-8")
    return path


def _labels(store) -> set:
    return {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, None, None)}


def test_second_open_reuses_the_store_and_answers_as_a_fresh_load(cache, tmp_path):
    path = _write(tmp_path / "g.nt", [("a", "甲"), ("b", "乙")])
    first = diskstore.open_file_store(path)
    assert first is not None and (first.folder / "complete").is_file()
    assert _labels(first.store) == _labels(load_store(path)) == {
        ("https://w3id.org/hrbvet/id/org/a", "甲"), ("https://w3id.org/hrbvet/id/org/b", "乙")}
    again = diskstore.open_file_store(path)
    assert again.folder == first.folder
    assert [p.name for p in cache.iterdir() if p.name.startswith("v")] == [first.folder.name]


def test_a_changed_file_gets_a_new_store(cache, tmp_path):
    path = _write(tmp_path / "g.nt", [("a", "甲")])
    old = diskstore.open_file_store(path)
    _write(path, [("a", "丙")])
    new = diskstore.open_file_store(path)
    assert new.folder != old.folder
    assert _labels(new.store) == {("https://w3id.org/hrbvet/id/org/a", "丙")}


def test_same_size_same_time_stamp_is_hashed_again_when_racy(cache, tmp_path):
    # A change that keeps the size and the modification time (within the racy window) is seen.
    path = _write(tmp_path / "g.nt", [("a", "甲")])
    stat = path.stat()
    old = diskstore.open_file_store(path)
    with open(path, "r+b") as handle:  # same inode, same size
        handle.write(path.read_bytes().replace("甲".encode(), "丁".encode()))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    new = diskstore.open_file_store(path)
    assert new.folder != old.folder and _labels(new.store) == {("https://w3id.org/hrbvet/id/org/a", "丁")}


def test_content_not_name_is_the_key(cache, tmp_path):
    a = _write(tmp_path / "a.nt", [("a", "甲")])
    b = _write(tmp_path / "b.nt", [("a", "甲")])
    assert diskstore.open_file_store(a).folder == diskstore.open_file_store(b).folder


def test_small_files_and_the_switch(cache, tmp_path, monkeypatch):
    path = _write(tmp_path / "g.nt", [("a", "甲")])
    monkeypatch.setenv("HARBIN_KG_STORE_MIN_BYTES", str(10 ** 9))
    assert diskstore.open_file_store(path) is None
    assert diskstore.open_file_store(path, force=True) is not None
    monkeypatch.setenv(diskstore.CACHE_ENV, "off")
    assert diskstore.open_file_store(path, force=True) is None


def test_a_bad_file_leaves_nothing(cache, tmp_path):
    path = tmp_path / "bad.nt"
    path.write_text('<https://x/a> <https://x/b> "unterminated .\n', encoding="utf-8")
    with pytest.raises(DataError, match="bad.nt"):
        diskstore.open_file_store(path)
    assert not [p for p in cache.iterdir() if p.is_dir() and p.name != "hashes"]


def test_an_interrupted_write_leaves_no_half_store(cache, tmp_path, monkeypatch):
    path = _write(tmp_path / "g.nt", [("a", "甲")])

    def boom(store, target):
        raise KeyboardInterrupt

    monkeypatch.setattr("harbin_kg.graph.store_names.write_name_index", boom)
    with pytest.raises(KeyboardInterrupt):
        diskstore.open_file_store(path)
    assert not [p for p in cache.iterdir() if p.is_dir() and p.name != "hashes"]
    monkeypatch.undo()
    cache_env = {diskstore.CACHE_ENV: str(cache), "HARBIN_KG_STORE_MIN_BYTES": "0"}
    for key, value in cache_env.items():
        monkeypatch.setenv(key, value)
    assert _labels(diskstore.open_file_store(path).store) == {("https://w3id.org/hrbvet/id/org/a", "甲")}


def test_concurrent_commands_write_it_once(cache, tmp_path):
    path = _write(tmp_path / "g.nt", [(f"o{i}", f"名{i}") for i in range(3000)])
    code = ("import sys; from harbin_kg.graph.diskstore import open_file_store; from pathlib import Path; "
            "s = open_file_store(Path(sys.argv[1])); print(s.folder.name, len(s.store))")
    env = dict(os.environ, **{diskstore.CACHE_ENV: str(cache), "HARBIN_KG_STORE_MIN_BYTES": "0"})
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    answers = {out.strip() for out, _ in outputs}
    assert len(answers) == 1 and answers.pop().endswith(" 3000")
    folders = [p for p in cache.iterdir() if p.is_dir() and p.name != "hashes"]
    assert len(folders) == 1 and not folders[0].name.startswith(".tmp")


def test_clear_cache(cache, tmp_path):
    path = _write(tmp_path / "g.nt", [("a", "甲")])
    folder = diskstore.open_file_store(path).folder
    removed = diskstore.clear_cache()
    assert folder in removed and not folder.exists()


def test_query_on_a_cached_file_finds_names_and_labels(cache, tmp_path):
    from harbin_kg.query.run import run_query

    path = _write(tmp_path / "g.nt", [("harbin-a", "哈尔滨甲校"), ("harbin-b", "哈尔滨乙校")])
    result = run_query(path, "SELECT ?s ?l { ?s skos:prefLabel ?l } ORDER BY ?s", timeout=None)
    assert result.labelled_rows() == [("哈尔滨甲校", "哈尔滨甲校"), ("哈尔滨乙校", "哈尔滨乙校")]
    assert result.labels["https://w3id.org/hrbvet/id/org/harbin-a"] == {"zh": "哈尔滨甲校"}
    named = run_query(path, "# param: s entity\nSELECT ?s ?l { ?s skos:prefLabel ?l }", {"s": "哈尔滨乙校"}, timeout=5)
    assert [str(r[0]) for r in named.rows] == ["https://w3id.org/hrbvet/id/org/harbin-b"]
    assert [p.name for p in cache.iterdir() if p.name.startswith("v")]  # it went through the cache


def test_store_is_read_only(cache, tmp_path):
    path = _write(tmp_path / "g.nt", [("a", "甲")])
    store = diskstore.open_file_store(path).store
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(ox.Quad(ox.NamedNode("https://x/a"), ox.NamedNode("https://x/b"), ox.Literal("c")))


def test_the_command_clears_the_cache(cache, tmp_path):
    from click.testing import CliRunner

    from harbin_kg.cli import cli

    path = _write(tmp_path / "g.nt", [("a", "甲")])
    runner = CliRunner()
    first = runner.invoke(cli, ["query", str(path), "SELECT ?l { ?s skos:prefLabel ?l }", "--format", "csv"])
    assert first.exit_code == 0 and "甲" in first.output
    folder = next(p for p in cache.iterdir() if p.name.startswith("v"))
    cleared = runner.invoke(cli, ["query", "--clear-store-cache"])
    assert cleared.exit_code == 0 and str(cache) in cleared.output and not folder.exists()


def test_stats_of_the_bundled_graph_from_its_store_equal_a_fresh_load(cache):
    from harbin_kg.graph.outputs import default_graph_path
    from harbin_kg.graph.stats import graph_stats

    path = default_graph_path()
    assert diskstore.is_bundled(path)
    assert graph_stats(path) == graph_stats(load_store(path))
    assert [p for p in cache.iterdir() if p.name.startswith("v")]


@pytest.mark.parametrize("name, data, message", [
    ("empty.nt", b"  \n\t\n", "the file is empty"),
    ("bom.nt", b'\xef\xbb\xbf<http://a> <http://b> "x" .\n', "byte-order mark"),
    ("gbk.nt", '<http://a> <http://b> "哈" .\n'.encode() + '<http://a> <http://b> "哈尔滨" .\n'.encode("gb18030"),
     "gbk.nt, line 2: not valid UTF-8"),
    ("comment.ttl", b"# only a comment\n", "holds no triples"),
])
@pytest.mark.parametrize("cached", [False, True])
def test_the_fast_load_refuses_what_the_full_check_refused(tmp_path, monkeypatch, name, data, message, cached):
    # load_into no longer decodes the whole text up front; the refusals and their wording stay.
    from harbin_kg.graph.store import parse_file

    monkeypatch.setenv(diskstore.CACHE_ENV, str(tmp_path / "stores"))
    monkeypatch.setenv("HARBIN_KG_STORE_MIN_BYTES", "0")
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError, match=message):
        diskstore.open_file_store(path) if cached else load_store(path)
    with pytest.raises(DataError, match=message):
        parse_file(path)  # the reference: the full check
