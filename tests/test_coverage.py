"""harbin-kg stats --coverage: every stretch of a shipped source is quoted by a fact or reviewed as left out."""

import csv
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from harbin_kg.cli import cli
from harbin_kg.graph.coverage import (EXCLUSION_FIELDS, Exclusion, Stretch, coverage_report, load_exclusions,
                                stretches)
from harbin_kg.errors import DataError
from harbin_kg.namespaces import HV, ID, OA

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
EXCLUSIONS = ROOT / "data" / "coverage-exclusions.csv"


def test_the_shipped_sources_have_no_unreviewed_and_no_stale_stretch(bundled_graph_path):
    reports = coverage_report(bundled_graph_path, SOURCES, load_exclusions(EXCLUSIONS))
    for report in reports:
        assert report.unreviewed == () and report.stale == (), report.source
    report = next(r for r in reports if r.source == "seed-article")
    # what is left out is what the review says: headings, evaluations, an attribution
    left_out = {s.text for s, _ in report.reviewed}
    assert "构建现代职教体系 “拓新路" in left_out and "据介绍" in left_out and "融通影响力、辐射面越来越广" in left_out
    # the framing the issue found unquoted is now quoted by facts
    assert not any("一体两翼五重点" in t or "五业联动" in t or "融通班文化课老师" in t or "动员会议" in t for t in left_out)
    assert report.covered / report.characters > 0.9


def test_every_exclusion_row_is_a_slice_of_its_source_with_a_reason():
    text = (SOURCES / "seed-article.txt").read_text(encoding="utf-8")
    rows = [r for r in load_exclusions(EXCLUSIONS) if r.source == "seed-article"]
    assert len(rows) == 9
    for row in rows:
        assert text[row.start:row.end] == row.text
        assert len(row.reason) > 20 and row.reason[0].isupper()


def test_stretches_are_uncovered_words_within_a_line_trimmed_of_punctuation():
    text = "## 标题 “甲乙”\n\n甲说:乙丙丁。戊己、庚。"
    quoted = [(text.index("乙丙丁"), text.index("乙丙丁") + 3), (text.index("庚"), text.index("庚") + 1)]
    found = stretches("t", text, quoted)
    assert found == [Stretch("t", 3, 9, "标题 “甲乙"), Stretch("t", 12, 14, "甲说"), Stretch("t", 19, 21, "戊己")]
    # a run of punctuation between two quotes is not a stretch
    assert stretches("t", "甲乙、丙丁", [(0, 2), (3, 5)]) == []


def _graph_quoting(tmp_path, spans) -> Path:
    graph = Graph()
    for start, end in spans:
        quote = ID[f"quote/s/{start}-{end}"]
        sel = URIRef(f"{quote}/position")
        graph.add((quote, OA.hasSource, ID["text/s"]))
        graph.add((quote, OA.hasSelector, sel))
        graph.add((quote, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), HV.Quote))
        graph.add((sel, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), OA.TextPositionSelector))
        graph.add((sel, OA.start, Literal(start)))
        graph.add((sel, OA.end, Literal(end)))
    path = tmp_path / "g.ttl"
    graph.serialize(path, format="turtle")
    return path


def test_report_sorts_stretches_into_reviewed_unreviewed_and_stale(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "s.txt").write_text("标题\n甲乙丙。丁戊。\n", encoding="utf-8")
    graph = _graph_quoting(tmp_path, [(3, 6)])
    exclusions = [Exclusion("s", 0, 2, "标题", "Heading."), Exclusion("s", 3, 6, "甲乙丙", "Now quoted.")]
    [report] = coverage_report(graph, sources, exclusions)
    assert [(s.text, e.reason) for s, e in report.reviewed] == [("标题", "Heading.")]
    assert report.unreviewed == (Stretch("s", 7, 9, "丁戊"),)
    assert [e.text for e in report.stale] == ["甲乙丙"]
    assert (report.characters, report.covered) == (9, 3)


def test_cli_fails_and_names_an_unreviewed_stretch(runner, tmp_path):
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "s.txt").write_text("标题\n甲乙丙。丁戊。\n", encoding="utf-8")
    graph = _graph_quoting(tmp_path, [(3, 6)])
    with (data / "coverage-exclusions.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([EXCLUSION_FIELDS, ["s", 0, 2, "标题", "Heading."]])
    result = runner.invoke(cli, ["stats", str(graph), "--coverage", "--data", str(data)])
    assert result.exit_code == 1
    assert "丁戊" in result.stdout and "unreviewed" in result.stdout and "标题" not in result.stdout
    assert "1 unreviewed and 0 stale" in result.stderr
    shown = runner.invoke(cli, ["stats", str(graph), "--coverage", "--data", str(data), "--all", "--format", "json"])
    payload = json.loads(shown.stdout)
    assert payload[0]["reviewed"][0]["reason"] == "Heading." and payload[0]["unreviewed"][0]["text"] == "丁戊"


def test_cli_passes_on_the_bundled_graph(runner, bundled_graph_path):
    result = runner.invoke(cli, ["stats", str(bundled_graph_path), "--coverage"])
    assert result.exit_code == 0, result.output
    assert "seed-article:" in result.stdout and "0 unreviewed" in result.stdout


@pytest.mark.parametrize("content,words", [
    ("source,start,end,text\n", "header"),
    ("source,start,end,text,reason\ns,a,2,标题,Heading.\n", "whole numbers"),
    ("source,start,end,text,reason\ns,0,2,标题,\n", "no reason"),
])
def test_a_bad_exclusion_file_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=words):
        load_exclusions(path)
