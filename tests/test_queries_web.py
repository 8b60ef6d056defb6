"""The bundled queries over cited facts, with exact answers on the made-up web fixture, on both engines."""

import pytest
from rdflib import URIRef

from harbin_kg.query.run import open_graph, run_query

ENGINES = ("oxigraph", "rdflib")


@pytest.fixture(scope="module", params=ENGINES)
def loaded(request, web_graph_path):
    return open_graph(web_graph_path, request.param)


def rows(result, lang="en"):
    return [{var: (result.label(value, lang) if isinstance(value, URIRef) else None if value is None else str(value))
             for var, value in zip(result.variables, row)} for row in result.rows]


def test_conflicts_lists_both_figures_each_with_its_page(loaded):
    found = rows(run_query(loaded, "conflicts"))
    assert {(x["scope"], x["time"], x["value"], x["source"], x["url"], x["locator"], x["keyPhrase"]) for x in found} == {
        ("Harbin", "2021", "50", "Fixture: 2021 activity-week report (test fixture)",
         "https://example.org/fixture/2021-week.html", "para 8", "50个"),
        ("Harbin", "2021", "52", "Fixture: reprint of a 2021 report (test fixture)",
         "ftp://example.org/fixture/2021-reprint.txt", "para 3", "52个"),
    }
    assert {x["values"] for x in found} == {"2"}
    assert {x["reliability"] for x in found} == {"medium", "low"}


def test_conflicts_by_indicator_name(loaded):
    assert len(run_query(loaded, "conflicts", {"indicator": "现代产业学院"})) == 2
    assert len(run_query(loaded, "conflicts", {"indicator": "ind:municipal-secondary-vocational-schools"})) == 0


def test_corroboration_counts_distinct_sources(loaded):
    found = {x["fact"]: x for x in rows(run_query(loaded, "corroboration"))}
    agreement = found["HVTC–Fixture Enterprise A cooperation agreement (test fixture)"]
    assert (agreement["sources"], agreement["evidence"], agreement["bestGrade"]) == ("2", "2", "3")
    # one page cited twice is one source, two pieces of evidence
    order = found["HVTC–Fixture Group B order class (test fixture)"]
    assert (order["sources"], order["evidence"], order["bestGrade"]) == ("1", "2", "2")
    # a seed organisation with a new citation: the seed text and the page
    hvtc = found["Harbin Vocational & Technical College"]
    assert hvtc["sources"] == "2" and hvtc["bestGrade"] == "2"
    seed_only = found["Strategic Cooperation Agreement on Department–City Co-construction of the Longjiang VET Innovation Model"]
    assert (seed_only["sources"], seed_only["bestGrade"]) == ("1", "0")


def test_partners_over_time_by_year_with_undated_apart(loaded):
    found = rows(run_query(loaded, "partners-over-time", {"org": "样例职业学院"}))
    assert [(x["year"], x["partner"]) for x in found] == [
        ("2023", "Fixture ministry (test fixture)"), ("undated", "Fixture Enterprise A (test fixture)")]
    hvtc = rows(run_query(loaded, "partners-over-time", {"org": "哈职院"}))
    assert [(x["year"], x["yearStatus"], x["partner"], x["sources"]) for x in hvtc] == [
        ("2019", None, "Fixture Enterprise A (test fixture)", "2"),
        ("2021", "inferred from context", "Fixture Group B (test fixture)", "1")]


def test_consortium_joins(loaded):
    result = run_query(loaded, "consortium-joins")
    # seed entities by IRI (their labels belong to the seed's curators)
    assert [str(row[0]) for row in result.rows] == ["https://w3id.org/hrbvet/id/org/digital-economy-chanjiao-lianheti"]
    assert [(x["year"], x["yearOf"], x["member"], x["role"]) for x in rows(result)] == [
        ("2023", "membership start 入会", "Fixture Vocational College (test fixture)", "member")]
    one = run_query(loaded, "consortium-joins", {"consortium": "org/digital-economy-chanjiao-lianheti"})
    assert len(one) == 1 and len(run_query(loaded, "consortium-joins", {"consortium": "冰雪体育产教融合共同体"})) == 0


def test_figures_over_years(loaded):
    found = rows(run_query(loaded, "figures-over-years", {"indicator": "ind:modern-industry-colleges"}))
    assert [(x["year"], x["value"], x["reportedText"]) for x in found] == [
        ("2019", "40", "40个"), ("2021", "50", "50个"), ("2021", "52", "52个"), ("2023", "65", "65个")]
    in_harbin = run_query(loaded, "figures-over-years", {"indicator": "现代产业学院", "scope": "哈尔滨市"})
    assert len(in_harbin) == 4
    assert len(run_query(loaded, "figures-over-years", {"indicator": "ind:modern-industry-colleges",
                                                       "scope": "place/hulan-district"})) == 0


def test_citations_of_an_entity_show_pages_and_quotes(loaded):
    found = rows(run_query(loaded, "citations", {"fact": "agreement/2021-fixture-order-class"}))
    assert [(x["kind"], x["locator"], x["keyPhrase"], x["url"], x["outlet"], x["citation"]) for x in found] == [
        ("citation 网页引用", "para 5", "样例乙集团订单班", "https://example.org/fixture/2021-week.html", "样例日报",
         "样例日报 2021-06, para 5: 样例乙集团订单班"),
        ("citation 网页引用", "para 7", "订单班", "https://example.org/fixture/2021-week.html", "样例日报",
         "样例日报 2021-06, para 7: 订单班")]
    reprint = rows(run_query(loaded, "citations", {"fact": "obs/modern-industry-colleges-harbin-2021-fx03"}))
    assert reprint[0]["citation"] == "样例转载站（样例日报） 2021, para 3: 52个"
    assert (reprint[0]["sourceType"], reprint[0]["reliability"], reprint[0]["readOn"]) == (
        "mirror or reprint", "low", "2026-12-02")


@pytest.mark.parametrize("name,iri", [
    ("哈爾濱職業技術學院", "org/harbin-vocational-technical-college"),   # traditional spelling of a seed name
    ("HVTC (fixture alias)", "org/harbin-vocational-technical-college"),  # an English alias from a cited page
    ("样例职业学院", "org/fixture-college"),                             # simplified spelling of a traditional alias
    ("樣例職業學院", "org/fixture-college"),
    ("甲科技", "org/fixture-enterprise-a"),
])
def test_lookup_by_any_name_and_either_script(web_graph, name, iri):
    from harbin_kg.graph.labels import resolve_entity

    assert str(resolve_entity(web_graph, name)) == "https://w3id.org/hrbvet/id/" + iri


def test_cli_query_takes_a_traditional_name(runner, web_graph_path):
    from harbin_kg.cli import cli

    result = runner.invoke(cli, ["query", str(web_graph_path), "partners-over-time", "-p", "org=哈爾濱職業技術學院",
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Fixture Group B (test fixture)" in result.output and "Fixture Enterprise A (test fixture)" in result.output
