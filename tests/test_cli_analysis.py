"""The analysis commands as users see them: data on stdout, provenance and errors on stderr."""

import json
from pathlib import Path

import pytest

from harbin_kg.cli import cli

FIXTURE = str(Path(__file__).parent / "data" / "network.ttl")
ORG = "https://w3id.org/hrbvet/id/org/"


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


def test_centrality_table_with_zh_en_names_and_provenance_on_stderr(runner):
    result = run(runner, "centrality", FIXTURE, "--measure", "betweenness", "--top", "3")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["rank", "名称", "name", "kind", "betweenness"]
    assert lines[2].split()[:3] == ["1", "黑龙江省教育厅", "Heilongjiang"] and "0.3056" in lines[2]
    assert "哈尔滨职业技术学院" in lines[3]
    assert len(lines) == 5
    assert "data version fixture-1 · projection partnership" in result.stderr
    assert "seed 0" in result.stderr
    # parameters for people, not a JSON dump (JSON output keeps them raw)
    assert ("parameters: backend networkx; components 3; distance 1/weight; edges 9; nodes 10; pagerank alpha 0.85; "
            "path samples exact (every source); weight weight\n") in result.stderr
    assert "{" not in result.stderr


def test_json_payload_carries_data_version_projection_parameters_and_seed(runner):
    result = run(runner, "centrality", FIXTURE, "--format", "json", "--seed", "4", "--top", "0")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["data_version"] == "fixture-1" and payload["projection"] == "partnership"
    assert payload["seed"] == 4 and payload["parameters"]["pagerank_alpha"] == 0.85
    assert payload["spec"]["statuses"] == ["stated"]
    # a disconnected graph still gets a score for every node, the isolate included
    assert len(payload["rows"]) == 10
    assert payload["rows"][-1]["名称"] == "哈二职" and payload["rows"][-1]["pagerank"] > 0


def test_csv_format(runner):
    result = run(runner, "centrality", FIXTURE, "--format", "csv", "--measure", "degree")
    assert result.exit_code == 0
    # the one CSV writer of every command: BOM for spreadsheets, CRLF, formula guard
    assert result.stdout_bytes.decode().startswith("\ufeffrank,名称,name,kind,degree,degree,weighted_degree,placeholder,iri\r\n")
    assert result.stdout.splitlines()[1].startswith("1,黑龙江省教育厅,")


def test_communities_and_by_year_csv_use_the_same_writer(runner):
    communities = run(runner, "communities", FIXTURE, "--runs", "2", "--format", "csv").stdout_bytes.decode()
    assert communities.startswith("\ufeffcommunity,size,stability,成员,members\r\n")
    by_year = run(runner, "centrality", FIXTURE, "--by-year", "--measure", "degree", "--format", "csv").stdout_bytes.decode()
    # the cumulative ranks, then the moving window's, each year a column
    assert by_year.startswith("\ufeff名称,name,2023 rank,2024 rank,2023 window rank,2024 window rank,iri\r\n")


def test_csv_cells_that_a_spreadsheet_would_run_are_guarded():
    from harbin_kg.query.formats import csv_text

    text = csv_text(["name", "score"], [["=HYPERLINK(\"x\")", -0.5], ["@SUM(A1)", None], ["+1", "哈职院"]])
    assert text == "\ufeffname,score\r\n\"'=HYPERLINK(\"\"x\"\")\",-0.5\r\n'@SUM(A1),\r\n+1,哈职院\r\n"
    assert csv_text(["a"], [["-x"]], delimiter="\t") == "a\n'-x\n"


def test_include_inferred_brings_in_placeholders(runner):
    result = run(runner, "centrality", FIXTURE, "--include-inferred", "--top", "0")
    assert "呼和浩特市（签约主体未明）" in result.stdout and "yes" in result.stdout
    assert "呼和浩特市" not in run(runner, "centrality", FIXTURE, "--top", "0").stdout


def test_explain_lists_facts_and_quotes(runner):
    result = run(runner, "centrality", FIXTURE, "--explain", "哈职院")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("哈尔滨职业技术学院 (Harbin Vocational and Technical College)")
    assert "via 中本贯通培养试点框架协议 [agreement, 2024; 2 parties → +1]" in result.stdout
    assert "“省教育厅与哈职院签署中本贯通培养试点框架协议”" in result.stdout
    # explaining takes no seed: the provenance line does not pretend one
    assert result.stderr.startswith("data version fixture-1 · projection partnership (")
    assert "seed" not in result.stderr and "None" not in result.stderr


def test_unknown_entity_suggests_close_matches(runner):
    result = run(runner, "centrality", FIXTURE, "--explain", "哈职")
    assert result.exit_code == 2
    assert 'No entity is called "哈职"' in result.stderr and "哈尔滨职业技术学院" in result.stderr


def test_entity_outside_the_projection_says_so(runner):
    result = run(runner, "centrality", FIXTURE, "--explain", "哈尔滨新区")  # the place, not the body
    assert result.exit_code == 1
    assert "is not in the partnership projection" in result.stderr


def test_a_filter_that_leaves_nothing_says_so(runner):
    result = run(runner, "centrality", FIXTURE, "--year", "1999")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is empty with these filters" in result.stderr and "years 1999" in result.stderr


@pytest.mark.parametrize("option, value, listed", [
    ("--measure", "influence", "'degree', 'weighted_degree', 'betweenness'"),
    ("--projection", "partners", "'two-mode', 'partnership', 'membership'"),
])
def test_unknown_measure_or_projection_lists_valid_ones(runner, option, value, listed):
    result = run(runner, "centrality", FIXTURE, option, value)
    assert result.exit_code == 2
    assert listed in result.stderr


def test_by_year(runner):
    result = run(runner, "centrality", FIXTURE, "--by-year", "--measure", "degree")
    assert result.exit_code == 0, result.stderr
    header, _, first, *_ = result.stdout.splitlines()
    assert header.split()[-4:] == ["2023", "rank", "2024", "rank"]
    assert first.split()[0] == "黑龙江省教育厅" and first.split()[-2:] == ["1", "1"]
    assert "undated fact(s) are left out" in result.stderr and "relator" not in result.stderr


def test_save_rdf_writes_the_analysis_graph(runner, tmp_path):
    out = tmp_path / "analysis.ttl"
    result = run(runner, "centrality", FIXTURE, "--save-rdf", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "hv:AnalysisRun" in text and 'hv:dataVersion "fixture-1"' in text and "measure:community" in text


def test_communities(runner):
    result = run(runner, "communities", FIXTURE, "--runs", "3")
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert rows[0].split()[:3] == ["0", "4", "1.000"] and "黑龙江省教育厅" in rows[0]
    assert "modularity 0.4444" in result.stderr and "seed 0" in result.stderr
    payload = json.loads(run(runner, "communities", FIXTURE, "--format", "json").stdout)
    assert payload["mean_ari"] == 1.0 and payload["data_version"] == "fixture-1"


@pytest.mark.parametrize("fmt, name", [("graphml", "g.graphml"), ("gexf", "g.gexf"), ("csv", "g.csv")])
def test_export(runner, tmp_path, fmt, name):
    result = run(runner, "export", FIXTURE, "--format", fmt, "-o", tmp_path / name)
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == (["g-edges.csv", "g-nodes.csv"] if fmt == "csv" else [name])
    assert "10 nodes, 9 edges" in result.stderr
    again = run(runner, "export", FIXTURE, "--format", fmt, "-o", tmp_path / name)
    assert again.exit_code == 1 and "--force" in again.stderr


def test_pathways(runner):
    result = run(runner, "pathways", FIXTURE, "--from", "普通高中", "--to", "应用型本科")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Route 1: 普通高中 → 中等职业教育 → 应用型本科"
    assert "by 学籍转入 (Transfer of school registration) [stated]" in lines[2]
    assert "conditions: 自愿转入职教中心的普高学生" in result.stdout
    assert "“普高学生可将学籍转入职教中心” <https://w3id.org/hrbvet/id/quote/t/160-180>" in result.stdout
    assert "data version fixture-1" in result.stderr


def test_pathways_bad_stage_and_no_route(runner):
    bad = run(runner, "pathways", FIXTURE, "--from", "普通高中", "--to", "应用本科")
    assert bad.exit_code == 2 and "应用型本科" in bad.stderr
    none = run(runner, "pathways", FIXTURE, "--from", "本科", "--to", "普通高中")
    assert none.exit_code == 1 and "No route" in none.stderr


@pytest.mark.parametrize("command, example", [
    ("centrality", "harbin-kg centrality --explain 省教育厅"),
    ("communities", "harbin-kg communities --include-inferred"),
    ("export", "harbin-kg export --format gexf -o build/partnership.gexf"),
    ("pathways", "harbin-kg pathways --from 普通高中 --to 应用型本科"),
])
def test_help_has_a_real_example(runner, command, example):
    result = run(runner, command, "--help")
    assert result.exit_code == 0 and example in result.stdout


@pytest.mark.slow  # centrality --explain over the whole real graph
def test_explain_shows_each_citation_once(runner, bundled_graph_path):
    # The 省教育厅–龙江森工 cooperation is cited on the fact and on each party's part from the same
    # paragraph with the same key phrase: the reader sees that citation once per fact.
    result = run(runner, "centrality", str(bundled_graph_path), "--explain", "中国龙江森林工业集团有限公司")
    assert result.exit_code == 0, result.stderr
    block = result.stdout.split("via 省教育厅与龙江森工集团战略合作")[1].split("  — ")[0]
    cited = [line.strip() for line in block.splitlines() if "cited 引用" in line]
    assert cited and len(cited) == len(set(cited))
    assert any("daydaynews.cc, para 3: Longjiang Forest Engineering Group" in line for line in cited)
