"""Parameters written into the query as terms (harbin_kg.query.inline) answer exactly as the engine's own binding."""

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from harbin_kg.errors import QueryError, UnknownEntity
from harbin_kg.query.inline import _tokens, inline, sparql_term
from harbin_kg.query.library import library
from harbin_kg.namespaces import ID, PREFIXES
from harbin_kg.query.run import bind_params, open_graph, prepare, run_query
from harbin_kg.graph.store import to_ox_term

ORG = URIRef(str(ID) + "org/x")


def _reference(loaded, text, bindings):
    """The slow way: the engine's substitutions on the original text."""
    subs = {ox.Variable(k): to_ox_term(v) for k, v in bindings.items()}
    return [tuple(solution) for solution in loaded.store.query(text, prefixes=PREFIXES, base_iri=str(ID),
                                                              substitutions=subs)]


def _fast(loaded, text, bindings):
    inlined = inline(text, bindings)
    assert inlined is not None
    return [tuple(solution) for solution in loaded.store.query(inlined, prefixes=PREFIXES, base_iri=str(ID))]


@pytest.mark.parametrize("name", [n for n, q in library().items() if q.example])
def test_every_bundled_example_answers_as_the_engines_binding(name):
    loaded = open_graph(None)
    query = library()[name]
    bindings = bind_params(query, dict(query.example), loaded)
    inlined = inline(query.text, bindings)
    reference = _reference(loaded, query.text, bindings)
    assert reference, f"{name}'s example finds nothing: the comparison would prove nothing"
    if inlined is None:  # SELECT * or a variable the query binds itself: the engine binds it
        pytest.skip(f"{name}: kept on substitutions")
    assert sorted(map(str, _fast(loaded, query.text, bindings))) == sorted(map(str, reference))


def test_partners_of_is_rewritten_in_every_union_branch():
    loaded = open_graph(None)
    query = library()["partners-of"]
    bindings = bind_params(query, {"org": "省教育厅"}, loaded)
    inlined = inline(query.text, bindings)
    iri = f"<{bindings['org']}>"
    assert "?org" not in inlined.split("WHERE", 1)[1]
    assert inlined.count(iri) == 6  # projection, four UNION branches, the FILTER
    assert f"({iri} AS ?org)" in inlined
    partners = {row[1].value for row in _fast(loaded, query.text, bindings)}
    assert str(ID) + "org/harbin-municipal-government" in partners
    assert partners == {row[1].value for row in _reference(loaded, query.text, bindings)}


def test_partners_on_a_synthetic_graph_for_many_organisations(tmp_path):
    from harbin_kg.scale.synth import write_synthetic

    path = tmp_path / "synth.nt"
    write_synthetic(path, 20_000, 1, force=True)
    loaded = open_graph(path)
    text = library()["partners-of"].text
    orgs = [r[0] for r in loaded.store.query("SELECT DISTINCT ?a { ?p <https://w3id.org/hrbvet/ont#agent> ?a } "
                                             "ORDER BY ?a LIMIT 25")]
    compared = 0
    for org in orgs:
        bindings = {"org": URIRef(org.value)}
        reference = _reference(loaded, text, bindings)
        assert sorted(map(str, _fast(loaded, text, bindings))) == sorted(map(str, reference))
        compared += bool(reference)
    assert compared >= 10


@pytest.mark.parametrize("text, expected", [
    ("SELECT ?n (COUNT(?x) AS ?c) WHERE { ?x ?p ?n } GROUP BY ?n ORDER BY ?n",
     'SELECT ("v" AS ?n) (COUNT(?x) AS ?c) WHERE { ?x ?p "v" } GROUP BY ("v") ORDER BY ("v")'),
    ("SELECT ?n { ?s ?p ?n FILTER(?n != 'a?n') } ORDER BY DESC(?n) # ?n",
     "SELECT (\"v\" AS ?n) { ?s ?p \"v\" FILTER(\"v\" != 'a?n') } ORDER BY DESC(\"v\") # ?n"),
    ("ASK { ?s ?p $n }", 'ASK { ?s ?p "v" }'),
])
def test_rewrites(text, expected):
    assert inline(text, {"n": Literal("v")}) == expected


def test_a_subquery_keeps_the_engines_binding():
    # Written in, ?n would be projected as ("v" AS ?n) by the subquery and again by the outer
    # SELECT, which Oxigraph refuses ("The SELECT overrides an existing variable").
    text = "SELECT ?n ?c { { SELECT ?n (COUNT(*) AS ?c) { ?s ?p ?n } GROUP BY ?n } }"
    assert inline(text, {"n": Literal("v")}) is None
    with pytest.raises(SyntaxError):
        ox.Store().query('SELECT ("v" AS ?n) ?c { { SELECT ("v" AS ?n) (COUNT(*) AS ?c) { ?s ?p "v" } GROUP BY ("v") } }')


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p ?n }",                        # the column would be lost
    "SELECT ?n { BIND(1 AS ?n) }",                  # the query binds it itself
    "SELECT ?n { ?s ?p ?o } GROUP BY (?o AS ?n)",
    "SELECT ?n { VALUES ?n { 1 } }",
    "SELECT ?n { VALUES (?s ?n) { (1 2) } }",
    "SELECT ?s { ?s ?p ?n }",                       # not projected: the engine's binding reports it
    "SELECT ?n { ?s ?p \\u003Fn }",                 # \\u escapes could spell the variable
    "SELECT ?n { ?s ?p 'unterminated }",
])
def test_left_to_the_engine(text):
    assert inline(text, {"n": Literal("v")}) is None


def test_blank_nodes_and_unsafe_iris_are_not_written():
    assert sparql_term(BNode("b")) is None
    assert sparql_term(URIRef("http://x/> } ; DROP ALL ; <y")) is None
    assert sparql_term(Literal('a"b\\c\n', lang="zh")) == '"a\\"b\\\\c\\n"@zh'
    assert sparql_term(Literal(3)) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'


MALICIOUS = ['x" ) } ; DROP ALL ; SELECT * { ?s ?p ?o } #', "x' } INSERT DATA { <a> <b> <c> } #",
             '\\" } #', 'a"""b', "}\n} SELECT * WHERE { ?s ?p ?o"]


@pytest.mark.parametrize("value", MALICIOUS)
def test_a_malicious_value_stays_one_literal(value):
    text = "# param: name string\nSELECT ?name ?s WHERE { ?s skos:prefLabel ?l FILTER(STR(?l) = ?name) }"
    inlined = inline(text, {"name": Literal(value)})
    strings = [tok for kind, tok in _tokens(inlined) if kind == "opaque" and not tok.startswith("#")]
    assert len(strings) == 2  # the projection and the FILTER: the value never leaves its quotes
    assert all(ox.Literal(value) == next(iter(ox.Store().query(f"SELECT ({s} AS ?v) {{}}")))[0] for s in strings)
    loaded = open_graph(None)
    before = len(loaded.store)
    result = run_query(None, text, {"name": value}, timeout=None)
    assert result.rows == () and len(loaded.store) == before
    assert [str(v) for v in result.variables] == ["name", "s"]


def test_malicious_entities_and_iris_are_refused():
    with pytest.raises(UnknownEntity):
        run_query(None, "partners-of", {"org": '> } ; DROP ALL ; SELECT * { ?s ?p ?o'}, timeout=None)
    with pytest.raises(QueryError):
        run_query(None, "# param: c iri\nSELECT ?c ?s { ?s a ?c }", {"c": "http://x/> } DROP ALL #"}, timeout=None)


def test_run_query_answers_as_before():
    # The command's path (inline) and the engine's binding give the same rows, labels and order.
    loaded = open_graph(None)
    query = prepare("partners-of")
    bindings = bind_params(query, {"org": "哈职院"}, loaded)
    rows = run_query(None, "partners-of", {"org": "哈职院"}, timeout=None).rows
    reference = _reference(loaded, query.text, bindings)
    assert [tuple(str(getattr(t, "value", "")) if t is not None else "" for t in r) for r in reference] == \
        [tuple(str(t) if t is not None else "" for t in r) for r in rows]
