"""``harbin-kg query`` through click's CliRunner (stdout and stderr apart, click >= 8.2)."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from harbin_kg.cli import cli

from test_query import _Listener  # tests/ is on sys.path (pytest rootdir-relative import)

TINY = str(Path(__file__).parent / "data" / "tiny.ttl")


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, input=None):
    return runner.invoke(cli, ["query", *args], input=input)


def test_list_shows_the_library(runner):
    result = run(runner, "--list")
    assert result.exit_code == 0, result.stderr
    assert "partners-of" in result.stdout and "某机构的合作伙伴" in result.stdout and "Partners of an organisation" in result.stdout
    assert "bundled queries" in result.stderr


def test_help_has_a_real_example(runner):
    result = run(runner, "--help")
    assert "harbin-kg query partners-of -p org=省教育厅" in result.stdout
    assert "formula" in result.stdout


def test_bundled_query_with_param(runner):
    result = run(runner, TINY, "partners-of", "-p", "org=省教育厅")
    assert result.exit_code == 0, result.stderr
    assert "哈尔滨市人民政府" in result.stdout and "https://" not in result.stdout
    assert "rows" in result.stderr and "rows" not in result.stdout


def test_lang_en(runner):
    result = run(runner, TINY, "partners-of", "-p", "org=省教育厅", "--lang", "en")
    assert "Harbin Municipal People's Government" in result.stdout


def test_inline_file_and_stdin(runner, tmp_path):
    text = "SELECT ?l WHERE { <org/harbin-university> skos:prefLabel ?l } ORDER BY ?l"
    inline = run(runner, TINY, text)
    query_file = tmp_path / "q.rq"
    query_file.write_text(text, encoding="utf-8")
    from_file = run(runner, TINY, f"@{query_file}")
    from_stdin = run(runner, TINY, "-", input=text)
    assert inline.exit_code == from_file.exit_code == from_stdin.exit_code == 0
    assert "哈尔滨学院" in inline.stdout and inline.stdout == from_file.stdout == from_stdin.stdout


def test_single_graph_argument_needs_a_query(runner):
    result = run(runner, TINY)
    assert result.exit_code == 2 and "graph file" in result.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_csv_json_tsv_markdown(runner, engine):
    outputs = {fmt: run(runner, TINY, "agreements", "--format", fmt, "--engine", engine) for fmt in ("csv", "json", "tsv", "markdown")}
    assert all(r.exit_code == 0 for r in outputs.values())
    rows = list(csv.reader(io.StringIO(outputs["csv"].stdout.lstrip("\ufeff"))))
    assert outputs["csv"].stdout.startswith("\ufeff") and rows[0][0] == "agreement"
    bindings = json.loads(outputs["json"].stdout)["results"]["bindings"]
    assert len(bindings) == len(rows) - 1
    assert len(list(csv.reader(io.StringIO(outputs["tsv"].stdout), delimiter="\t"))) == len(rows)
    assert outputs["markdown"].stdout.startswith("| agreement |")


def test_construct_as_turtle(runner):
    result = run(runner, TINY, "CONSTRUCT { ?a hv:party ?b } WHERE { ?a hv:party ?b }")
    assert result.exit_code == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 0


def test_turtle_for_select_is_a_usage_error(runner):
    result = run(runner, TINY, "agreements", "--format", "turtle")
    assert result.exit_code == 2 and "CONSTRUCT" in result.stderr


def test_syntax_error_exit_2_with_position(runner):
    result = run(runner, TINY, "SELECT ?s\nWHERE {\n  ?s ?p ?o ]\n}")
    assert result.exit_code == 2
    assert "line 3, column 12" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("update", ["INSERT DATA { <a> <b> <c> }", "DROP ALL", "LOAD <http://127.0.0.1:9/x.ttl>", "CLEAR DEFAULT"])
def test_updates_refused(runner, update):
    result = run(runner, TINY, update)
    assert result.exit_code == 2 and "only reads" in result.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_service_and_from_refused_without_a_request(runner, engine, template):
    with _Listener() as listener:
        result = run(runner, TINY, template.format(port=listener.port), "--engine", engine)
    assert result.exit_code == 2 and ("SERVICE" in result.stderr or "FROM" in result.stderr)
    assert listener.requests == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_timeout_stops_a_slow_query(runner, engine):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result = run(runner, TINY, slow, "--timeout", "0.5", "--engine", engine)
    assert result.exit_code == 1
    assert "stopped after 0.5 seconds" in result.stderr and "--timeout" in result.stderr


def test_unknown_entity_suggests(runner):
    result = run(runner, TINY, "partners-of", "-p", "org=哈职")
    assert result.exit_code == 2 and "Did you mean" in result.stderr and "哈尔滨职业技术学院" in result.stderr


def test_missing_parameter_suggests(runner):
    result = run(runner, TINY, "partners-of")
    assert result.exit_code == 2 and 'Missing parameter "org"' in result.stderr and "-p org=" in result.stderr


def test_bad_param_syntax(runner):
    result = run(runner, TINY, "partners-of", "-p", "org")
    assert result.exit_code == 2 and "NAME=VALUE" in result.stderr


def test_unknown_query_name(runner):
    result = run(runner, TINY, "partner-of")
    assert result.exit_code == 2 and "partners-of" in result.stderr


def test_missing_graph_file(runner, tmp_path):
    result = run(runner, str(tmp_path / "nope.ttl"), "agreements")
    assert result.exit_code == 1 and "nope.ttl" in result.stderr


def test_limit_note_on_stderr(runner):
    result = run(runner, TINY, "SELECT * WHERE { ?s ?p ?o }", "--limit", "3", "--format", "csv")
    assert result.exit_code == 0 and "cut at --limit 3" in result.stderr
    assert len(list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))) == 4


def test_help_example_runs_on_the_bundled_graph(runner):
    # The example of --help, on the real graph (built on demand): the province's partners.
    result = run(runner, "partners-of", "-p", "org=省教育厅")
    assert result.exit_code == 0, result.stderr
    assert "哈尔滨市人民政府" in result.stdout and "哈尔滨市教育局" in result.stdout
    assert "6 rows" in result.stderr


def test_an_alias_with_no_partners_gives_an_empty_table_not_an_error(runner):
    # 哈科职 appears only in the seed's photo caption ③, with no partner; no cited page ties it.
    result = run(runner, "partners-of", "-p", "org=哈科职")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("org") and "0 rows" in result.stderr


def test_routes_from_general_school_to_secondary_vocational_on_the_command_line(runner):
    # Issue 13: this answered 10,000+ rows of nonsense in 29 s; the graph has exactly 2 such routes.
    result = run(runner, "routes", "-p", "from=普通高中", "-p", "to=中职", "--format", "csv", "--no-labels")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert sorted((r["from_zh"], r["to_zh"], r["steps"], r["step1_zh"], r["via"]) for r in rows) == [
        ("普通高中", "中等职业教育", "1", "呼兰区普通高中学生融通到职业高中就读", ""),
        ("普通高中", "中等职业教育", "1", "试点实验班学生学籍转入中等职业学校", ""),
    ]
    assert result.stderr.strip() == "2 rows"
