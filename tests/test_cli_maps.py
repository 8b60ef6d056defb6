"""``harbin-kg map``: one file written atomically, never over an existing one, clear errors."""

import os
from pathlib import Path

import pytest

from harbin_kg.cli import cli


@pytest.fixture(scope="module")
def graph_file():
    """The hand-written tiny graph in the shape of ``harbin-kg build`` output (tests/data)."""
    return Path(__file__).parent / "data" / "tiny.ttl"


def run(runner, *args):
    return runner.invoke(cli, ["map", *map(str, args)])


def test_writes_one_self_contained_file(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(cli, ["map", str(graph_file), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "政策生态全景" in page
    assert result.stdout == "" and "wrote" in result.stderr


def test_existing_file_needs_force(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    out.write_text("keep me")
    result = run(runner, graph_file, "-o", out)
    assert result.exit_code == 1
    assert "exists already" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "keep me"
    result = run(runner, graph_file, "-o", out, "--force")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_missing_folder_fails_clearly_without_a_file(runner, graph_file, tmp_path):
    out = tmp_path / "no" / "such" / "map.html"
    result = run(runner, graph_file, "-o", out)
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert not out.parent.exists()


def test_folder_that_is_a_file_fails_clearly(runner, graph_file, tmp_path):
    # A folder that cannot be written even by root: the "folder" is a regular file.
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run(runner, graph_file, "-o", blocker / "map.html")
    assert result.exit_code == 1 and "Cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the test above")
def test_read_only_folder_fails_clearly(runner, graph_file, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = run(runner, graph_file, "-o", folder / "map.html")
        assert result.exit_code == 1 and "not writable" in result.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_unknown_focus_suggests_close_matches(runner, graph_file, tmp_path):
    out = tmp_path / "map.html"
    result = run(runner, graph_file, "-o", out, "--focus", "哈尔滨学院XYZ")
    assert result.exit_code == 2
    assert 'No entity is called "哈尔滨学院XYZ"' in result.stderr and "哈尔滨学院" in result.stderr
    assert "Did you mean" in result.stderr
    assert not out.exists()


def test_focus_by_alias_draws_the_neighbourhood(runner, graph_file, tmp_path):
    out = tmp_path / "focus.html"
    result = run(runner, graph_file, "-o", out, "--focus", "哈市教育局", "--depth", "1")
    assert result.exit_code == 0, result.stderr
    assert "哈尔滨市教育局" in out.read_text(encoding="utf-8")


def test_empty_selection_says_so(runner, graph_file, tmp_path, monkeypatch):
    import networkx as nx

    import harbin_kg.analysis.network as network

    monkeypatch.setattr(network, "project", lambda source, name, **filters: nx.Graph())
    out = tmp_path / "map.html"
    result = run(runner, graph_file, "-o", out, "--layer", "membership")
    assert result.exit_code == 1 and "Nothing to draw" in result.stderr
    assert not out.exists()


def test_help_has_a_real_example(runner):
    result = runner.invoke(cli, ["map", "--help"])
    assert result.exit_code == 0
    assert "harbin-kg map --focus 哈职院 --depth 2 -o build/hvtc.html" in result.stdout


def test_read_only_folder_fails_clearly_even_as_root(runner, graph_file, tmp_path, monkeypatch):
    # CI runs as root, which ignores permission bits: have the OS answer "not writable" instead.
    import harbin_kg.writing

    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(harbin_kg.writing.os, "access",
                        lambda path, mode: False if (mode & os.W_OK and str(path) == str(folder)) else real_access(path, mode))
    result = run(runner, graph_file, "-o", folder / "map.html")
    assert result.exit_code == 1 and "not writable" in result.stderr
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- issue 12: selection, focus, evidence
FIXTURE = Path(__file__).parent / "data" / "map-fixture.ttl"
ID = "https://w3id.org/hrbvet/id/"


def drawn(runner, tmp_path, *args):
    import json
    import re

    out = tmp_path / "m.html"
    result = runner.invoke(cli, ["map", str(FIXTURE), "-o", str(out), "--force", *map(str, args)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="hkg-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    return data, page, result


def iris(data):
    return {n["iri"] for n in data["nodes"]}


def test_map_takes_the_selection_options_of_centrality_and_export(runner):
    from harbin_kg.cli.analysis import centrality

    def names(command):
        return {opt for p in command.params for opt in p.opts}

    shared = {"--projection", "-P", "--include-inferred", "--kind", "--year", "--scope", "--min-reliability"}
    assert shared <= names(cli.commands["map"])
    assert {"--projection", "--include-inferred", "--kind", "--year"} <= names(centrality)
    assert "--layer" not in names(cli.commands["map"])  # one name: --projection (the old one is rewritten)


def test_stated_only_by_default_and_inferred_on_request(runner, tmp_path):
    stated, _, _ = drawn(runner, tmp_path)
    assert ID + "agreement/fx-2021-hvtc-bureau" in iris(stated)
    assert ID + "agreement/fx-2019-university-enterprise" not in iris(stated)
    assert all(e.get("st") in (None, "stated") for e in stated["edges"])
    both, page, _ = drawn(runner, tmp_path, "--include-inferred")
    assert ID + "agreement/fx-2019-university-enterprise" in iris(both)
    dashed = [e for e in both["edges"] if e.get("st") == "inferred-context"]
    assert dashed and all(e["dashes"] == [6, 4] for e in dashed)
    assert "用 --include-inferred 生成" not in page


def test_kind_and_year_select_like_centrality(runner, tmp_path):
    data, _, _ = drawn(runner, tmp_path, "-P", "partnership", "--year", "2021")
    assert iris(data) == {ID + "org/harbin-vocational-technical-college", ID + "org/harbin-education-bureau"}
    edge = data["edges"][0]
    assert edge["yr"] == 2021 and edge["st"] == "stated" and edge["r"] == "agreement"
    data, _, _ = drawn(runner, tmp_path, "-P", "two-mode", "--kind", "initiative")
    assert iris(data) == {ID + "initiative/vet-industry-integration-pilot-zone", ID + "org/harbin-education-bureau",
                          ID + "org/heilongjiang-education-department"}


def test_scope_harbin_drops_outside_organisations(runner, tmp_path):
    data, _, _ = drawn(runner, tmp_path, "--include-inferred", "--scope", "harbin")
    assert ID + "org/fx-enterprise" not in iris(data)  # marked outside the ecosystem
    assert ID + "org/harbin-university" in iris(data) and ID + "org/harbin-vocational-technical-college" in iris(data)
    assert ID + "org/hohhot-signatory" not in iris(data)  # not marked inside


def test_scope_on_a_graph_without_scope_says_what_to_do(runner, tmp_path):
    out = tmp_path / "m.html"
    result = runner.invoke(cli, ["map", str(Path(__file__).parent / "data" / "tiny.ttl"), "-o", str(out),
                                 "--scope", "harbin"])
    assert result.exit_code == 1 and "hv:inHarbinEcosystem" in result.stderr and "--scope all" in result.stderr
    assert not out.exists()


def test_min_reliability_keeps_quoted_and_well_cited_facts(runner, tmp_path):
    data, _, _ = drawn(runner, tmp_path, "--include-inferred", "--min-reliability", "medium")
    kept = iris(data)
    assert ID + "agreement/fx-2021-hvtc-bureau" in kept  # cited by a medium and a high source
    assert ID + "agreement/fx-2019-university-enterprise" not in kept  # only a low one
    assert ID + "org/fx-enterprise" not in kept  # its only tie went
    assert ID + "agreement/2023-tingshi-gongjian-zhanlue-hezuo" in kept  # a seed quote is always enough
    high, _, _ = drawn(runner, tmp_path, "--min-reliability", "high")
    # the agreement itself has a high citation, but who signed it only a medium one: each
    # participation is a fact of its own, so at "high" the ties go and the agreement with them
    assert ID + "agreement/fx-2021-hvtc-bureau" not in iris(high)
    assert ID + "agreement/2023-tingshi-gongjian-zhanlue-hezuo" in iris(high)


def test_focus_defaults_to_the_depth_that_reaches_partners_and_keeps_the_whole_selection(runner, tmp_path):
    data, page, result = drawn(runner, tmp_path, "--focus", "哈职院")
    focus = next(n for n in data["nodes"] if n["iri"] == ID + "org/harbin-vocational-technical-college")
    assert data["focus"] == focus["id"] and data["depth"] == 2
    assert ID + "org/heilongjiang-education-department" in iris(data)  # the whole selection is embedded
    assert "哈尔滨职业技术学院 · 政策生态全景" in page and "at depth 2" in result.stderr
    one, _, _ = drawn(runner, tmp_path, "--focus", "哈职院", "-P", "partnership")
    assert one["depth"] == 1


def test_focus_outside_the_selection_is_explained(runner, tmp_path):
    out = tmp_path / "m.html"
    result = runner.invoke(cli, ["map", str(FIXTURE), "-o", str(out), "--focus", "测试科技有限公司"])
    assert result.exit_code == 1 and "not in this selection" in result.stderr and "--include-inferred" in result.stderr


def test_evidence_of_both_kinds_reaches_the_page(runner, tmp_path):
    data, page, _ = drawn(runner, tmp_path, "--include-inferred")
    ev = data["ev"]
    quote = next(r for r in ev if r["t"] == "q" and r["s"] == 434)
    assert quote["e"] == 494 and quote["x"].startswith("2023年底") and quote["srcz"] == "报道全文"
    cite = next(r for r in ev if r["t"] == "c" and r.get("f") == ID + "agreement/fx-2021-hvtc-bureau"
                and r["loc"] == "para 3")
    assert (cite["o"], cite["oo"], cite["ti"], cite["d"], cite["rd"], cite["kp"], cite["u"], cite["stk"], cite["rn"]) == (
        "测试日报", "测试晚报", "哈职院与哈市教育局签约（测试页面）", "2021-06-18", "2026-12-02", "校企合作协议",
        "https://news.example.org/2021/hvtc-bureau.html", "mainstream-outlet", 2)
    node = next(n for n in data["nodes"] if n["iri"] == ID + "agreement/fx-2021-hvtc-bureau")
    assert {ev[i]["loc"] for i in node["ev"]} == {"para 3", "para 7"}
    enterprise = next(n for n in data["nodes"] if n["iri"] == ID + "org/fx-enterprise")
    assert enterprise["lv"] == ["市级", "municipal"]
    assert "https://news.example.org" not in page.split('<script id="hkg-data"')[0]  # only in the data


def test_the_same_input_gives_the_same_bytes(runner, tmp_path):
    _, first, _ = drawn(runner, tmp_path, "--include-inferred", "--focus", "哈职院")
    _, second, _ = drawn(runner, tmp_path, "--include-inferred", "--focus", "哈职院")
    assert first == second
