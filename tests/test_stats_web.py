"""``harbin-kg stats`` counts sources by type and by year, organisations, named ties and dated figures
(the web fixture's contribution is compared against the same project without it)."""

import json

import pytest

from harbin_kg.cli import cli
from harbin_kg.graph.stats import coverage


@pytest.fixture(scope="module")
def seed_only_path(seed_graph_path):
    """The same project without the web fixture: the seed report alone (built once per run)."""
    return seed_graph_path


def test_sources_by_type(web_graph_path):
    found = {c.iri.rsplit("/", 1)[-1]: (c.label_zh, c.label_en, c.count) for c in coverage(web_graph_path).by_source_type}
    assert found == {"official-document": ("官方文件", "official document", 1),
                     "mainstream-outlet": ("主流媒体", "mainstream outlet", 1),
                     "mirror-reprint": ("转载/镜像", "mirror or reprint", 1),
                     "organisation-site": ("机构自有网站", "organisation site", 1),
                     "shipped": ("随项目提供的来源文本", "shipped source text", 1)}


def test_the_fixture_adds_what_it_holds(web_graph_path, seed_only_path):
    web, seed = coverage(web_graph_path), coverage(seed_only_path)
    assert (web.sources - seed.sources, web.cited_sources, seed.cited_sources) == (4, 4, 0)
    assert web.organisations - seed.organisations == 5          # five fixture organisations
    # four fixture organisations (not the far-away school) and the seed consortium the fixture college joins
    assert web.organisations_in_harbin - seed.organisations_in_harbin == 5
    # five agreements with two named parties, one consortium membership; all but one dated
    assert (web.named_ties - seed.named_ties, web.dated_ties - seed.dated_ties) == (6, 5)
    assert (web.figures - seed.figures, web.dated_figures - seed.dated_figures) == (4, 4)
    added = {y: (s, t, f) for y, s, t, f in web.by_year}
    before = {y: (s, t, f) for y, s, t, f in seed.by_year}
    diff = {y: tuple(a - b for a, b in zip(added[y], before.get(y, (0, 0, 0)))) for y in added}
    assert {y: d for y, d in diff.items() if any(d)} == {2019: (1, 1, 1), 2021: (2, 2, 2), 2023: (1, 2, 1)}


def test_cli_stats_tables_and_json(runner, web_graph_path):
    result = runner.invoke(cli, ["stats", str(web_graph_path)])
    assert result.exit_code == 0, result.output
    assert "Sources by type 来源类型" in result.stdout and "转载/镜像" in result.stdout
    assert "By year 按年份" in result.stdout
    assert "Sources 来源 5 (4 cited pages 网页)" in result.stdout
    payload = json.loads(runner.invoke(cli, ["stats", str(web_graph_path), "--format", "json"]).stdout)
    assert payload["coverage"]["cited_sources"] == 4
    assert {row["year"] for row in payload["coverage"]["by_year"]} >= {2019, 2021, 2023}
