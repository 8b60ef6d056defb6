"""Start-up (issue 17): a command imports only what it uses; lazily listed commands match the real ones."""

import json
import subprocess
import sys

import pytest

from harbin_kg.cli import COMMANDS, cli

HEAVY = ("numpy", "networkx", "igraph", "pyvis", "jinja2", "pyshacl", "scipy", "pandas")

_PROBE = """
import json, sys
from harbin_kg.__main__ import main
try:
    main({argv!r})
except SystemExit as stop:
    code = stop.code
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def _modules_after(argv, env=None):
    result = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True,
                            env=env, timeout=300)
    assert "MODULES " in result.stdout, result.stderr
    out, _, modules = result.stdout.rpartition("MODULES ")
    return out, set(json.loads(modules)), result


def test_help_imports_neither_engines_nor_analysis_libraries():
    out, modules, _ = _modules_after(["--help"])
    assert "query        Ask the graph a read-only SPARQL question; print the answer." in out
    assert "synth        Generate a synthetic VET ecosystem" in out
    loaded = modules & set(HEAVY + ("rdflib", "pyoxigraph"))
    assert not loaded, f"--help imported {sorted(loaded)}"


@pytest.mark.parametrize("argv", [["query", "partners-of", "-p", "org=省教育厅"], ["stats"]])
def test_query_and_stats_import_no_analysis_library(argv, tmp_path):
    import os

    env = dict(os.environ, HARBIN_KG_STORE_CACHE=str(tmp_path / "stores"))
    out, modules, result = _modules_after(argv, env)
    assert result.returncode == 0, result.stderr
    if argv[0] == "query":
        assert "哈尔滨市人民政府" in out and "厅市共建龙江职业教育创新发展样板战略合作协议" in out
    else:
        assert "triples 三元组" in out
    loaded = modules & set(HEAVY)
    assert not loaded, f"{' '.join(argv)} imported {sorted(loaded)}"
    # the table's Chinese labels, curly quotes and all, are measured without importing wcwidth
    assert "wcwidth" not in modules


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_summary_is_the_commands_own(name):
    # --help prints COMMANDS' summary without importing the command; it must be the real one.
    module, summary = COMMANDS[name]
    command = cli.commands[name]
    assert command.callback.__module__ == f"harbin_kg.cli.{module}"
    assert summary == command.get_short_help_str(10_000)


def test_every_registered_command_is_listed():
    for name in list(cli.commands):
        cli.commands[name]
    assert set(cli.commands) == set(COMMANDS)


def test_names_on_the_store_are_the_names_in_rdflib():
    # The store lookups (StoreNames, the name index, store_labels, the SQLite index of a cached
    # store) find exactly what the reference finds in an rdflib copy of the label triples.
    from rdflib import Graph

    from harbin_kg.graph.diskstore import open_file_store
    from harbin_kg.graph.labels import labels, name_index, resolve_entity
    from harbin_kg.query.run import _NAME_PROPERTIES, open_graph
    from harbin_kg.graph.store import to_rdflib_term
    from harbin_kg.graph.store_names import SqliteNameIndex, StoreNames, index_from_store, store_labels

    import pyoxigraph as ox

    store = open_graph(None).store
    reference = Graph()
    for prop in _NAME_PROPERTIES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
            reference.add((to_rdflib_term(quad.subject), prop, to_rdflib_term(quad.object)))
    expected = name_index(reference)
    assert index_from_store(store) == expected
    assert len(expected) > 500 and "哈职院" in expected
    from harbin_kg.graph.outputs import default_graph_path

    cached = open_file_store(default_graph_path(), force=True)
    sqlite = SqliteNameIndex(cached.names_path)
    assert set(sqlite) == set(expected) and all(sqlite[k] == expected[k] for k in expected)
    subjects = {s for s in reference.subjects() if hasattr(s, "startswith")}
    names = StoreNames(store)
    assert store_labels(store, subjects) == {str(s): labels(reference, s) for s in subjects if labels(reference, s)}
    for s in list(subjects)[:300]:
        assert labels(names, s) == labels(reference, s)
        assert (s, None, None) in names
    for name in ("哈职院", "省教育厅", "org/harbin-vocational-technical-college", "Harbin", "哈尔滨职业"):
        try:
            want = resolve_entity(reference, name, index=expected)
        except Exception as error:  # an ambiguous or unknown name: the same error either way
            want = (type(error), getattr(error, "suggestions", None))
        for graph, index in ((names, sqlite), (names, index_from_store(store))):
            try:
                got = resolve_entity(graph, name, index=index)
            except Exception as error:
                got = (type(error), getattr(error, "suggestions", None))
            if isinstance(want, tuple):
                assert got[0] is want[0] and sorted(got[1]) == sorted(want[1])
            else:
                assert got == want


def test_table_widths_without_wcwidth_are_wcwidths():
    # tables.text_width measures ASCII and CJK text itself (start-up time) and must agree with
    # wcwidth on every character it measures, and on every label of the bundled graph.
    from wcwidth import wcswidth

    from harbin_kg.query.run import open_graph
    from harbin_kg.query.tables import _width_here, text_width

    measured_here = [chr(cp) for cp in range(0x20, 0x10000) if _width_here(chr(cp)) is not None]
    assert len(measured_here) > 27_000 and "哈" in measured_here and "，" in measured_here
    assert {"“", "”", "—", "…", "·"} <= set(measured_here)
    assert [text_width(c) for c in measured_here] == [wcswidth(c) for c in measured_here]
    labels = [str(row[0]) for row in open_graph(None).store.query("SELECT ?l { ?s ?p ?l FILTER(isLiteral(?l)) }")]
    labels += ["哈职院 HVTC", "〇〡〪", "e\u0301", "👩‍🔬", "a\tb", ""]
    for text in labels:
        text = text.replace("\n", "⏎")
        width = wcswidth(text)
        expected = width if width >= 0 else sum(max(wcswidth(ch), 0) for ch in text)
        assert text_width(text) == expected, text
