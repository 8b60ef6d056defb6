"""Analysis over cited facts (made-up web fixture): reliability and scope filters, cumulative and
windowed years with undated ties apart, citations in --explain and exports."""

import csv
import json

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from harbin_kg.analysis import rankings
from harbin_kg.cli import cli
from harbin_kg.namespaces import HV, ID
from harbin_kg.analysis.network import UnknownProjection, project

FIXTURE_ORGS = {"fixture-college", "fixture-enterprise-a", "fixture-enterprise-b", "fixture-ministry",
                "fixture-far-school"}


def short(nodes):
    return {str(n).rsplit("/", 1)[-1] for n in nodes}


def fixture_nodes(G):
    return short(n for n in G if str(n).rsplit("/", 1)[-1] in FIXTURE_ORGS | {"harbin-vocational-technical-college"})


def test_the_build_derives_the_harbin_ecosystem(web_graph):
    marked = short(s for s, o in web_graph.subject_objects(HV.inHarbinEcosystem) if o == Literal(True))
    # in Harbin by location; a national body and an outside group by their ties to Harbin schools
    assert {"fixture-college", "fixture-enterprise-a", "fixture-ministry", "fixture-enterprise-b"} <= marked
    # two organisations outside Harbin tied only to each other stay out
    assert "fixture-far-school" not in marked
    # seed organisations: named 哈尔滨…, or governing a Harbin place
    assert {"harbin-vocational-technical-college", "harbin-municipal-government", "hulan-district-authority"} <= marked
    assert all(o == Literal(True, datatype=XSD.boolean) for o in web_graph.objects(None, HV.inHarbinEcosystem))


def test_scope_harbin_keeps_the_ecosystem_only(web_graph_path):
    everyone = project(web_graph_path, "partnership")
    harbin = project(web_graph_path, "partnership", scope="harbin")
    assert "fixture-far-school" in fixture_nodes(everyone)
    assert fixture_nodes(harbin) == {"fixture-college", "fixture-enterprise-a", "fixture-enterprise-b",
                                     "fixture-ministry", "harbin-vocational-technical-college"}
    assert harbin.graph["spec"]["scope"] == "harbin"


def test_min_reliability_applies_to_cited_facts_only(web_graph_path):
    low = project(web_graph_path, "partnership")
    medium = project(web_graph_path, "partnership", min_reliability="medium")
    high = project(web_graph_path, "partnership", min_reliability="high")
    far = (ID["org/fixture-far-school"], ID["org/fixture-enterprise-b"])
    assert low.has_edge(*(str(x) for x in far)) and not medium.has_edge(*(str(x) for x in far))
    # the 2019 agreement is on a high-grade page (and a medium one): kept at every level
    pair = (str(ID["org/fixture-enterprise-a"]), str(ID["org/harbin-vocational-technical-college"]))
    assert high.has_edge(*pair)
    # the order class is only on a medium page
    assert not high.has_edge(str(ID["org/fixture-enterprise-b"]), str(ID["org/harbin-vocational-technical-college"]))
    # seed facts carry quotes, not graded pages: the seed's 2023 agreement stays at every level
    assert high.has_edge(str(ID["org/harbin-municipal-government"]), str(ID["org/heilongjiang-education-department"]))
    with pytest.raises(UnknownProjection, match="valid: low, medium, high"):
        project(web_graph_path, "partnership", min_reliability="very")


def test_by_year_gives_cumulative_and_windowed_networks_with_undated_apart(web_graph_path):
    result = rankings.by_year(web_graph_path, "degree", window=2)
    assert result["years"] == [2019, 2021, 2023]
    hvtc, ent_a = str(ID["org/harbin-vocational-technical-college"]), str(ID["org/fixture-enterprise-a"])
    college = str(ID["org/fixture-college"])
    # cumulative: the 2019 tie is still there in 2023
    assert result["scores"][2023][hvtc] == 2 and result["scores"][2023][ent_a] == 1
    # windowed (2022–2023): only the 2023 ties
    assert hvtc not in result["window_scores"][2023]
    assert result["window_scores"][2023][college] == 1
    assert result["sizes"][2021] == {"cumulative": {"nodes": 4, "edges": 3}, "window": {"nodes": 3, "edges": 2}}
    # the undated agreement is in no year, and listed apart with its labels
    undated = str(ID["agreement/fixture-college-enterprise-a-undated"])
    assert undated in result["undated"]
    assert result["undated_labels"][undated][1] == "Fixture college–Enterprise A cooperation, undated (test fixture)"
    assert all(not (college in s and ent_a in s and s[college] > 1) for s in result["scores"].values())


def test_by_year_respects_the_filters(web_graph_path):
    result = rankings.by_year(web_graph_path, "degree", scope="harbin", min_reliability="medium")
    assert str(ID["org/fixture-far-school"]) not in result["scores"][2021]


def test_explain_shows_citations(runner, web_graph_path):
    result = runner.invoke(cli, ["centrality", str(web_graph_path), "--explain", "哈爾濱職業技術學院"])
    assert result.exit_code == 0, result.output
    assert "cited 引用: 样例日报 2021-06, para 7: 订单班 <https://example.org/fixture/2021-week.html>" in result.stdout
    assert "cited 引用: 样例市教育局网站 2019-05-10, para 3: 哈职院 <https://example.org/fixture/2019-signing.html>" in result.stdout


def test_cli_by_year_tables_and_json(runner, web_graph_path):
    result = runner.invoke(cli, ["centrality", str(web_graph_path), "--by-year", "--measure", "degree",
                                 "--window", "2", "--scope", "harbin"])
    assert result.exit_code == 0, result.output
    cumulative, windowed = result.stdout.split("Windowed 滑动窗口")
    assert cumulative.splitlines()[0].split()[-6:] == ["2019", "rank", "2021", "rank", "2023", "rank"]
    assert "2 year(s) ending each year" in windowed
    assert "undated fact(s) are left out of every year" in result.stderr
    assert "样例职业学院与样例甲科技合作（未注明年份，测试样例）" in result.stderr
    assert "2021: cumulative 3 nodes / 2 ties; window 2020–2021 2 nodes / 1 ties" in result.stderr
    payload = json.loads(runner.invoke(cli, ["centrality", str(web_graph_path), "--by-year", "--format", "json"]).stdout)
    assert payload["parameters"]["window"] == 3
    assert set(payload["window_ranks"]) == {"2019", "2021", "2023"}
    assert {u["relator"].rsplit("/", 1)[-1] for u in payload["undated"]} >= {"fixture-college-enterprise-a-undated"}


def test_export_carries_citations(runner, web_graph_path, tmp_path):
    out = tmp_path / "p.csv"
    result = runner.invoke(cli, ["export", str(web_graph_path), "--format", "csv", "-o", str(out),
                                 "--min-reliability", "medium"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "p-edges.csv").read_text(encoding="utf-8-sig")
    edges = list(csv.DictReader(text.splitlines()))
    order = next(e for e in edges if {e["source"], e["target"]} == {
        str(ID["org/fixture-enterprise-b"]), str(ID["org/harbin-vocational-technical-college"])})
    assert "样例日报 2021-06, para 7: 订单班 <https://example.org/fixture/2021-week.html>" in order["citations"]
    assert not any("fixture-far-school" in e["source"] + e["target"] for e in edges)
