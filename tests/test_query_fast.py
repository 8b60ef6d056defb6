"""The fast paths of `harbin-kg query` against their slower references (issue 17 items 2 and 3).

* Results keep pyoxigraph's terms and the formatters read them as cells: every output must be
  byte-identical to the same result built from rdflib terms (the reference path).
* Tables measure text in one pass: the same widths as character by character.
* The first query on a big file is answered from memory and its store written by a background
  process: the same rows, and afterwards the same store as a synchronous write.
"""

import pickle
import random
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from harbin_kg.errors import DataError
from harbin_kg.graph import diskstore
from harbin_kg.graph.store import to_rdflib_term
from harbin_kg.query import run as query_run
from harbin_kg.query.formats import TABLE_FORMATS, render
from harbin_kg.query.library import library
from harbin_kg.query.results import QueryResult, cell_of
from harbin_kg.query.run import run_query
from harbin_kg.query.tables import _width_here, text_width

TINY = Path(__file__).parent / "data" / "tiny.ttl"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

OX_TERMS = [
    ox.NamedNode("https://w3id.org/hrbvet/id/org/a"),
    ox.NamedNode("http://www.w3.org/ns/org#Organization"),
    ox.BlankNode("b1"),
    ox.Literal("哈职院"),
    ox.Literal("哈职院", language="zh"),
    ox.Literal("x", language="zh-Hant"),
    ox.Literal("=1+1"),
    ox.Literal("01", datatype=ox.NamedNode(XSD_NS + "integer")),
    ox.Literal("-5", datatype=ox.NamedNode(XSD_NS + "integer")),
    ox.Literal("1.50", datatype=ox.NamedNode(XSD_NS + "decimal")),
    ox.Literal("1", datatype=ox.NamedNode(XSD_NS + "boolean")),
    ox.Literal("abc", datatype=ox.NamedNode(XSD_NS + "integer")),  # ill-typed: kept as written
    ox.Literal("2020", datatype=ox.NamedNode(XSD_NS + "gYear")),
    ox.Literal("2020-01-02T03:04:05Z", datatype=ox.NamedNode(XSD_NS + "dateTime")),
    ox.Literal("1e3", datatype=ox.NamedNode(XSD_NS + "double")),
    ox.Literal("v", datatype=ox.NamedNode("https://example.org/type")),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("term", OX_TERMS, ids=str)
def test_a_cell_is_what_the_rdflib_term_shows(term):
    assert cell_of(term) == cell_of(to_rdflib_term(term))


def test_cells_of_rdflib_terms():
    assert cell_of(URIRef("https://x/a")) == ("uri", "https://x/a", None, None)
    assert cell_of(BNode("n1")) == ("bnode", "n1", None, None)
    assert cell_of(Literal("哈", lang="zh")) == ("literal", "哈", "zh", None)
    assert cell_of(Literal("3", datatype=XSD.integer)) == ("literal", "3", None, XSD_NS + "integer")
    assert cell_of(Literal("plain")) == ("literal", "plain", None, None)
    assert cell_of(None) is None


def _rdflib_twin(result: QueryResult) -> QueryResult:
    """The same result built from rdflib terms: the path every output had before (the reference)."""
    return QueryResult(result.kind, result.variables, result.rows, result.boolean, result.truncated, result.labels)


@pytest.mark.filterwarnings("ignore")
def test_every_output_of_engine_terms_equals_the_rdflib_reference():
    values = " ".join("(" + " ".join(_sparql(t) for t in OX_TERMS[i:i + 4]) + ")" for i in (0, 4, 8, 12))
    queries = [(name, q, dict(q.example)) for name, q in library().items()]
    queries.append(("terms", f"SELECT ?a ?b ?c ?d ?e WHERE {{ VALUES (?a ?b ?c ?d) {{ {values} }} BIND(BNODE() AS ?e) }}",
                    {}))
    checked = 0
    for name, query, params in queries:
        result = run_query(None, query, params, timeout=None)  # the bundled graph: every example answers
        assert result._terms is not None, name  # the engine's own terms, not rdflib's
        twin = _rdflib_twin(result)
        assert result == twin and len(result) == len(twin)
        for fmt in TABLE_FORMATS:
            for lang in ("zh", "en"):
                assert render(result, fmt, lang=lang) == render(twin, fmt, lang=lang), (name, fmt, lang)
                checked += 1
        assert render(result, "csv", labels=False) == render(twin, "csv", labels=False)
    assert checked >= 10 * 36


def _sparql(term) -> str:
    return "UNDEF" if isinstance(term, ox.BlankNode) else str(term)  # VALUES takes no blank node: BNODE() instead


def test_rows_are_made_on_first_use_and_survive_the_pipe():
    result = run_query(TINY, "partners-of", {"org": "省教育厅"}, timeout=None)
    assert result._rows is None and result._terms
    rows = result.rows
    assert rows == tuple(tuple(to_rdflib_term(t) for t in row) for row in result._terms)
    assert all(isinstance(row[1], URIRef) for row in rows)
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.labels == result.labels
    assert render(again, "table") == render(result, "table")
    timed = run_query(TINY, "partners-of", {"org": "省教育厅"}, timeout=30)  # rows came through the pipe
    assert timed == result and render(timed, "csv") == render(result, "csv")


def test_one_pass_widths_equal_the_character_by_character_reference():
    def reference(text: str) -> int:
        width = 0
        for char in text:
            one = _width_here(char)
            if one is None:
                from wcwidth import wcswidth

                found = wcswidth(text)
                return found if found >= 0 else sum(max(wcswidth(c), 0) for c in text)
            width += one
        return width

    codes = [*range(0x20, 0x7F), *range(0x3000, 0x3045), *range(0x4E00, 0x4E08), 0x9FFF, 0xA000, 0x33FF,
             0x3400, *range(0xFF00, 0xFF62), 0xA0, 0xA1, 0xB7, 0xD7, 0xFF, 0x100, 0x200F, 0x2010, 0x2014,
             0x201C, 0x201D, 0x2026, 0x2027, 0x2028, 0x2030, 0x205E, 0x205F, 0x301, 0x7, 0x1F600]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(chr(rng.choice(codes)) for _ in range(rng.randint(0, 10)))
        assert text_width(text) == reference(text), repr(text)


def test_an_iri_parameter_needs_no_name_index():
    loaded = query_run.LoadedGraph("oxigraph", store=query_run.load_store(TINY))
    result = run_query(loaded, "partners-of", {"org": "https://w3id.org/hrbvet/id/org/heilongjiang-education-department"},
                       timeout=None)
    assert result.rows and "name_index" not in vars(loaded)
    named = run_query(loaded, "partners-of", {"org": "省教育厅"}, timeout=None)
    assert named == result and "name_index" in vars(loaded)


# ------------------------------------------------------------------ first query on a big file


@pytest.fixture
def background(tmp_path, monkeypatch):
    root = tmp_path / "stores"
    monkeypatch.setenv(diskstore.CACHE_ENV, str(root))
    monkeypatch.setenv("HARBIN_KG_STORE_MIN_BYTES", "0")
    monkeypatch.setenv("HARBIN_KG_STORE_BACKGROUND_BYTES", "0")
    query_run._CACHE.clear()
    yield root
    query_run._CACHE.clear()


def _wait_complete(root: Path, limit: float = 120) -> Path:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done = [p for p in root.glob("v*") if (p / "complete").exists()]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"the background writer wrote no store in {root}")


def test_first_query_answers_from_memory_and_a_background_process_writes_the_store(background, tmp_path):
    path = tmp_path / "g.ttl"
    path.write_bytes(TINY.read_bytes())
    reference = run_query(query_run.load_store(TINY), "partners-of", {"org": "省教育厅"}, timeout=None)
    first = run_query(path, "partners-of", {"org": "省教育厅"}, timeout=None)
    assert first.rows and first == reference and render(first, "table") == render(reference, "table")
    loaded = next(iter(query_run._CACHE.values()))
    assert loaded.names_path is None and not loaded.write_store_later  # from memory; the writer started once
    folder = _wait_complete(background)
    for writer in diskstore._WRITERS:
        writer.wait(timeout=60)
    assert not list(background.glob(".tmp-*"))
    query_run._CACHE.clear()
    second = run_query(path, "partners-of", {"org": "省教育厅"}, timeout=None)
    assert second == reference and render(second, "csv") == render(reference, "csv")
    assert next(iter(query_run._CACHE.values())).names_path == folder / "names.sqlite"
    # The same store and name index as a write in this process.
    written = diskstore.ready_file_store(path)
    fresh = query_run.load_store(path)
    assert written is not None and len(written.store) == len(fresh)
    assert set(written.store.quads_for_pattern(None, None, None)) == set(fresh.quads_for_pattern(None, None, None))
    from harbin_kg.graph.store_names import SqliteNameIndex, index_from_store

    assert dict(SqliteNameIndex(written.names_path).items()) == index_from_store(fresh)


def test_a_bad_big_file_is_refused_and_nothing_is_written(background, tmp_path):
    path = tmp_path / "bad.nt"
    path.write_text('<https://x/a> <https://x/b> "unterminated .\n', encoding="utf-8")
    with pytest.raises(DataError, match="bad.nt"):
        run_query(path, "SELECT * { ?s ?p ?o }", timeout=None)
    time.sleep(0.5)
    assert not [p for p in background.glob("*") if p.is_dir() and p.name != "hashes"]


def test_the_writer_alone_writes_what_open_file_store_writes(background, tmp_path):
    path = tmp_path / "g.ttl"
    path.write_bytes(TINY.read_bytes())
    assert diskstore.writes_in_background(path)
    assert diskstore.ready_file_store(path) is None
    assert diskstore._main([str(path)]) == 0
    assert diskstore.ready_file_store(path) is not None
    assert diskstore._main([str(tmp_path / "missing.ttl")]) == 1


def test_small_files_and_the_bundled_graph_are_written_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv(diskstore.CACHE_ENV, str(tmp_path / "stores"))
    monkeypatch.setenv("HARBIN_KG_STORE_MIN_BYTES", "0")
    path = tmp_path / "g.ttl"
    path.write_bytes(TINY.read_bytes())
    assert not diskstore.writes_in_background(path)  # below BACKGROUND_BYTES
    monkeypatch.setenv("HARBIN_KG_STORE_BACKGROUND_BYTES", "0")
    assert diskstore.writes_in_background(path)
    monkeypatch.setenv(diskstore.CACHE_ENV, "off")
    assert not diskstore.writes_in_background(path)


def test_json_is_written_as_json_dumps_writes_it():
    import json

    from harbin_kg.query.formats import sparql_json

    texts = [(q, dict(q.example)) for q in library().values()]
    texts += [(t, {}) for t in ("SELECT ?a WHERE { FILTER(false) }", "SELECT * WHERE { }", "ASK {}",
                                'SELECT ?a ?b WHERE { VALUES (?a ?b) { (UNDEF UNDEF) ("x\\"\\n\\u0001é" "1"^^xsd:integer) } }')]
    for query, params in texts:
        result = run_query(None, query, params, timeout=None)
        assert render(result, "json") == json.dumps(sparql_json(result), ensure_ascii=False, indent=2) + "\n"


_FORK_PROBE = """
from rdflib.plugins.sparql import parser
from harbin_kg.query.engine import run_with_timeout
from harbin_kg.query.run import open_graph

loaded = open_graph({path!r}, "rdflib")
before = parser.QueryUnit.streamlined
answer = run_with_timeout(loaded, "ASK {{ ?s ?p ?o }}", {{}}, 1, 60.0)
print(before, parser.QueryUnit.streamlined, answer.boolean)
"""


def test_a_forked_rdflib_query_inherits_a_parser_built_in_the_parent():
    # pyparsing finishes rdflib's grammar on its first parse. Done in the child, that work was
    # thrown away with it and done again by every forked query (about 0.1 s each); the parent
    # now does it once before the first fork (benchmarks/engine_overhead.py --engine rdflib).
    import subprocess
    import sys

    probe = subprocess.run([sys.executable, "-c", _FORK_PROBE.format(path=str(TINY))],
                           capture_output=True, text=True, timeout=120)
    assert probe.stdout.split() == ["False", "True", "True"], probe.stderr
