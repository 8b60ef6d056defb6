"""harbin_kg.query.run, sparql_guard, library and formats on the tiny fixture graph (tests/data/tiny.ttl)."""

import csv
import http.server
import io
import json
import socket
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from harbin_kg.errors import ForbiddenQuery, QueryError, QueryTimeout, UnknownEntity
from harbin_kg.query.formats import FORMATS, guard_cell, render
from harbin_kg.query.library import parse_header
from harbin_kg.query.run import ENGINES, open_graph, run_query
from harbin_kg.graph.sparql_guard import check_read_only, lexical_keywords

TINY = Path(__file__).parent / "data" / "tiny.ttl"
ID = "https://w3id.org/hrbvet/id/"
AGREEMENT_2023 = URIRef(ID + "agreement/2023-tingshi-gongjian-zhanlue-hezuo")


# ------------------------------------------------------------------------------ read-only guard

UPDATES = [
    "INSERT DATA { <a> <b> <c> }",
    "DELETE DATA { <a> <b> <c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://e/> DELETE { ?s ?p ?o } INSERT { ?s ex:q ?o } WHERE { ?s ?p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://e/g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "MOVE <http://e/a> TO <http://e/b>",
    "COPY DEFAULT TO <http://e/g>",
    "insert data { <a> <b> <c> }",
]


@pytest.mark.parametrize("sparql", UPDATES)
def test_updates_are_refused(sparql):
    with pytest.raises(ForbiddenQuery, match="update|只读"):
        check_read_only(sparql)


FORBIDDEN = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://e/> { ?s ?p ?x } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SELECT * WHERE { SERVICE ?x { ?s ?p ?o } } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE {?s ?p ?o FILTER(?o<3)SERVICE<http://e/>{?s ?p ?o}}",
    "SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM <relative.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://e/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <http://e/x> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://e/x> WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("sparql", FORBIDDEN)
def test_service_and_from_are_refused(sparql):
    with pytest.raises(ForbiddenQuery, match="SERVICE|FROM"):
        check_read_only(sparql)


ALLOWED = [
    "SELECT ?from ?service WHERE { ?from ?service ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { } FROM <y>" }',
    "SELECT * WHERE { ?s ?p ?o } # FROM <http://x/> SERVICE INSERT",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:service ex:from . ?s ex:delete ?o }",
    "SELECT * WHERE { ?s <http://e/#service> ?o FILTER(?o < 3 && ?o > 1) }",
    "SELECT * WHERE { ?s sdmx-dimension:refArea ?o ; hv:fromValue ?v }",
]


@pytest.mark.parametrize("sparql", ALLOWED)
def test_plain_queries_pass_the_guard(sparql):
    check_read_only(sparql)


def test_lexical_keywords_skip_strings_iris_comments_and_names():
    assert lexical_keywords('SELECT ?from { ?s ex:add "DROP" ; <http://e/#copy> ?o } # LOAD') == ["SELECT"]


class _Listener:
    """A local HTTP server recording every request it receives."""

    def __init__(self):
        self.requests = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                listener.requests.append((self.command, self.path))
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<http://e/a> <http://e/b> <http://e/c> .\n")

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_listener_really_listens():
    # The control: the listener does record a request that is made.
    with _Listener() as listener:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as conn:
            conn.sendall(b"GET /probe HTTP/1.0\r\n\r\n")
            conn.recv(100)
    assert listener.requests == [("GET", "/probe")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_no_request_reaches_a_listener(engine, template):
    loaded = open_graph(TINY, engine)
    with _Listener() as listener:
        with pytest.raises(ForbiddenQuery):
            run_query(loaded, template.format(port=listener.port), engine=engine, timeout=None)
    assert listener.requests == []


# ------------------------------------------------------------------------------ syntax and timeout


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_error_gives_line_and_column(engine):
    text = "SELECT ?s\nWHERE {\n  ?s ?p ?o ]\n}"
    with pytest.raises(QueryError) as caught:
        run_query(TINY, text, engine=engine, timeout=None)
    message = str(caught.value)
    assert "line 3, column 12" in message
    assert "  ?s ?p ?o ]" in message


def test_syntax_error_from_the_forked_child_too():
    with pytest.raises(QueryError, match=r"line 1, column 18"):
        run_query(TINY, "SELECT * WHERE { ?s ?p }", timeout=10)


def test_undeclared_prefix_is_explained():
    with pytest.raises(QueryError, match="prefix"):
        run_query(TINY, "SELECT * WHERE { ?s nope:p ?o }", timeout=None)


@pytest.mark.parametrize("engine", ENGINES)
def test_slow_query_is_stopped(engine):
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="stopped after 0.5 seconds"):
        run_query(TINY, cartesian, engine=engine, timeout=0.5)


def test_forked_and_in_process_give_the_same_rows():
    query = "SELECT ?s ?l WHERE { ?s a hv:GovernmentBody ; skos:prefLabel ?l }"
    assert run_query(TINY, query, timeout=None) == run_query(TINY, query, timeout=10)


# ------------------------------------------------------------------------------ parameters

PARTY_QUERY = """# param: org entity — an organisation
SELECT ?org ?agreement WHERE { ?agreement hv:party ?org }"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["省教育厅", "黑龙江省教育厅", "Heilongjiang Provincial Department of Education",
                                  "org/heilongjiang-education-department",
                                  ID + "org/heilongjiang-education-department"])
def test_entity_parameter_by_any_name(engine, name):
    result = run_query(TINY, PARTY_QUERY, {"org": name}, engine=engine, timeout=None)
    assert {row[0] for row in result.rows} == {URIRef(ID + "org/heilongjiang-education-department")}
    assert AGREEMENT_2023 in {row[1] for row in result.rows}


def test_alias_haizhiyuan_resolves():
    result = run_query(TINY, "about", {"entity": "哈职院"}, timeout=None)
    assert result.rows[0][0] == URIRef(ID + "org/harbin-vocational-technical-college")


def test_unknown_entity_suggests_close_matches():
    with pytest.raises(UnknownEntity) as caught:
        run_query(TINY, PARTY_QUERY, {"org": "哈职"}, timeout=None)
    assert "哈尔滨职业技术学院" in str(caught.value)


def test_missing_parameter_says_which_and_how():
    with pytest.raises(QueryError, match=r'Missing parameter "org".*-p org=省教育厅'):
        run_query(TINY, "partners-of", {}, timeout=None)


def test_misspelt_parameter_suggests_the_right_name():
    with pytest.raises(QueryError, match="Did you mean: org"):
        run_query(TINY, "partners-of", {"orgg": "哈职院"}, timeout=None)


def test_unknown_query_name_suggests():
    with pytest.raises(QueryError, match="partners-of"):
        run_query(TINY, "partner-of", {}, timeout=None)


@pytest.mark.parametrize("engine", ENGINES)
def test_parameter_values_never_become_query_text(engine):
    query = "# param: label string\nSELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    hostile = '哈尔滨学院"@zh } } ; DROP ALL ; SELECT * { ?s ?p ?o #'
    assert run_query(TINY, query, {"label": hostile}, engine=engine, timeout=None).rows == ()


@pytest.mark.parametrize("engine", ENGINES)
def test_typed_literal_parameter(engine):
    query = "# param: n integer\nSELECT ?change ?n WHERE { ?change hv:fromValue ?n }"
    result = run_query(TINY, query, {"n": "39"}, engine=engine, timeout=None)
    assert [row[0] for row in result.rows] == [URIRef(ID + "change/pillar-industry-major-sites")]
    with pytest.raises(QueryError, match="not a valid integer"):
        run_query(TINY, query, {"n": "thirty-nine"}, engine=engine, timeout=None)


@pytest.mark.parametrize("engine", ENGINES)
def test_parameter_must_be_selected(engine):
    query = "# param: org entity\nSELECT ?agreement WHERE { ?agreement hv:party ?org }"
    with pytest.raises(QueryError, match="SELECT clause"):
        run_query(TINY, query, {"org": "省教育厅"}, engine=engine, timeout=None)


def test_optional_parameter_left_out_lists_everything():
    every = run_query(TINY, "routes", {}, timeout=None)
    only = run_query(TINY, "routes", {"from": "普通高中", "to": "本科"}, timeout=None)
    assert 0 < len(only) <= len(every)
    assert {r[2] for r in only.rows} == {URIRef("https://w3id.org/hrbvet/scheme/education-level/bachelor")}


def test_header_parsing():
    header = parse_header("# title-zh: 标题\n# title-en: Title\n# param: org entity? — who\n# example: org=哈职院\nSELECT")
    assert header["title-zh"] == "标题"
    assert header["params"][0].optional and header["params"][0].kind == "entity"
    assert header["example"] == (("org", "哈职院"),)
    with pytest.raises(QueryError, match="bad '# param:'"):
        parse_header("# param: org person\nSELECT")


# ------------------------------------------------------------------------------ results


@pytest.mark.parametrize("engine", ENGINES)
def test_result_keeps_language_tags_and_labels(engine):
    result = run_query(TINY, "agreements", engine=engine, timeout=None)
    row = next(r for r in result.as_dicts() if r["agreement"] == AGREEMENT_2023)
    assert row["agreement_zh"] == Literal("厅市共建龙江职业教育创新发展样板战略合作协议", lang="zh")
    assert row["agreement_en"].language == "en"
    assert result.label(AGREEMENT_2023) == "厅市共建龙江职业教育创新发展样板战略合作协议"
    assert result.label(AGREEMENT_2023, "en").startswith("Strategic Cooperation Agreement")
    assert result.kind == "select" and not result.truncated


def test_label_falls_back_to_local_name_and_curie():
    result = run_query(TINY, "SELECT ?x WHERE { VALUES ?x { <org/nobody> hv:Nothing } }", timeout=None)
    assert [result.label(r[0]) for r in result.rows] == ["nobody", "hv:Nothing"]


def test_limit_marks_truncation():
    result = run_query(TINY, "SELECT * WHERE { ?s ?p ?o }", limit=5, timeout=None)
    assert len(result) == 5 and result.truncated


def test_ask_and_construct():
    assert run_query(TINY, "ASK { ?a hv:party ?b }", timeout=None).boolean is True
    graph = run_query(TINY, "CONSTRUCT { ?a hv:party ?b } WHERE { ?a hv:party ?b }", timeout=None)
    assert graph.kind == "graph" and len(graph.graph()) == len(graph.rows) > 0


def test_to_dataframe():
    pytest.importorskip("pandas")
    frame = run_query(TINY, "value-changes", timeout=None).to_dataframe()
    assert {"fromValue", "toValue", "change_label"} <= set(frame.columns)
    assert sorted(frame["toValue"]) == [46, 92]


# ------------------------------------------------------------------------------ formats


@pytest.fixture(scope="module")
def agreements():
    return run_query(TINY, "agreements", timeout=None)


def test_table_shows_labels_and_aligns_chinese(agreements):
    text = render(agreements, "table")
    assert "哈尔滨市人民政府" in text and ID not in text
    lines = text.splitlines()
    from harbin_kg.query.tables import text_width

    assert len({text_width(line.rstrip()) for line in lines[1:2]}) == 1


def test_csv_has_bom_labels_and_parses(agreements):
    text = render(agreements, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:2] == ["agreement", "agreement_label"]
    assert len(rows) == len(agreements) + 1
    assert any(row[0] == str(AGREEMENT_2023) and row[1].startswith("厅市共建") for row in rows)


def test_tsv_parses(agreements):
    rows = list(csv.reader(io.StringIO(render(agreements, "tsv")), delimiter="\t"))
    assert len(rows) == len(agreements) + 1


def test_json_is_sparql_results_format(agreements):
    document = json.loads(render(agreements, "json"))
    assert document["head"]["vars"] == list(agreements.variables)
    binding = next(b for b in document["results"]["bindings"] if b["agreement"]["value"] == str(AGREEMENT_2023))
    assert binding["agreement_zh"] == {"type": "literal", "value": "厅市共建龙江职业教育创新发展样板战略合作协议", "xml:lang": "zh"}
    assert "\\u" not in render(agreements, "json")


def test_markdown(agreements):
    lines = render(agreements, "markdown").splitlines()
    assert lines[0].startswith("| agreement | date |") and len(lines) == len(agreements) + 2


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally (deprecated in rdflib 7.x).
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_graph_formats_parse_back(fmt):
    result = run_query(TINY, "CONSTRUCT { ?a hv:party ?b . ?b skos:prefLabel ?l } WHERE { ?a hv:party ?b . ?b skos:prefLabel ?l }", timeout=None)
    text = render(result, fmt)
    parsed = Graph().parse(data=text, format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt])
    assert len(parsed) == len(result.rows)
    assert (None, None, Literal("黑龙江省教育厅", lang="zh")) in parsed


def test_ask_formats():
    result = run_query(TINY, "ASK { ?s ?p ?o }", timeout=None)
    assert json.loads(render(result, "json")) == {"head": {}, "boolean": True}
    assert "true" in render(result, "table")


def test_format_mismatch_is_a_query_error(agreements):
    with pytest.raises(QueryError, match="CONSTRUCT"):
        render(agreements, "turtle")
    assert set(FORMATS) == {"table", "csv", "tsv", "json", "markdown", "turtle", "ntriples", "jsonld"}


def test_formula_injection_is_defused():
    assert guard_cell("=1+1") == "'=1+1"
    assert guard_cell("@SUM(A1)") == "'@SUM(A1)"
    assert guard_cell("+86") == "+86"
    assert guard_cell("-12.5") == "-12.5"
    result = run_query(TINY, 'SELECT ?x WHERE { BIND("=HYPERLINK(\\"http://e\\")" AS ?x) }', timeout=None)
    assert list(csv.reader(io.StringIO(render(result, "csv")[1:])))[1] == ["'=HYPERLINK(\"http://e\")"]
