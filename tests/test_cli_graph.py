"""build, validate and stats from the command line: exit codes, stdout for data, stderr for talk."""

import json

import pytest

from harbin_kg.cli import cli


@pytest.mark.slow  # SHACL validation of the whole real graph
def test_validate_conforms_exit_0(runner, bundled_graph_path):
    result = runner.invoke(cli, ["validate", str(bundled_graph_path)])
    assert result.exit_code == 0, result.output
    assert "conforms (符合)" in result.stderr


@pytest.mark.slow  # a SHACL validation that reports every violation
def test_validate_does_not_conform_exit_1(runner, seed_graph_path, tmp_path):
    # the seed report's graph: the same shapes and the same label, at a fraction of the validation time
    broken = tmp_path / "broken.ttl"
    text = seed_graph_path.read_text(encoding="utf-8")
    # Drop the Chinese label of 哈尔滨学院: the label shape must catch it.
    assert '"哈尔滨学院"@zh' in text
    broken.write_text(text.replace('"哈尔滨学院"@zh', '"Harbin University (zh missing)"@en'), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "Violation" in result.stdout and "does not conform" in result.stderr


def test_validate_could_not_validate_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "could not validate" in result.stderr and "bad.ttl" in result.stderr


def test_validate_missing_file_exit_1_as_every_command(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 1 and result.stderr == f"Error: {tmp_path / 'nope.ttl'}: no such graph file (找不到文件). " \
        "Check the path, or omit it to use the bundled graph.\n"
    result = runner.invoke(cli, ["validate", "--shapes", str(tmp_path / "shapes.ttl")])
    assert result.exit_code == 1 and "shapes.ttl: no such shapes file" in result.stderr


def test_stats_shows_every_kind_with_both_names(runner, bundled_graph_path):
    result = runner.invoke(cli, ["stats", str(bundled_graph_path)])
    assert result.exit_code == 0, result.output
    for words in ("协议", "Agreement", "参与", "Participation", "目标", "Target", "统计观测", "Pathway",
                  "引文", "quotes", "Government body"):
        assert words.lower() in result.stdout.lower(), words


def test_stats_json_counts_are_real(runner, seed_graph_path):
    """The seed report alone, counted as the report counts."""
    result = runner.invoke(cli, ["stats", str(seed_graph_path), "--format", "json"])
    payload = json.loads(result.stdout)
    counts = {c["label_en"]: c["count"] for c in payload["classes"]}
    assert payload["sources"] == 1 and payload["quotes"] > 100
    # 8 agreements as the report counts them (the regional framework agreement and caption ⑦'s
    # count once each; their counterpart ties are counted apart), 5 named government bodies
    # (placeholders are unnamed parties, never government bodies).
    assert counts["agreement"] == 8 and counts["agreement tie"] == 5
    assert counts["government body"] == 5 and counts["unnamed party"] == 8
    assert counts["policy task"] == 7 and counts["statistical observation"] == 35
    # facts by status (dates with their own inferred status are counted apart)
    statuses = {c["label_en"]: c["count"] for c in payload["assertion_status"]}
    assert statuses == {"stated": 133, "inferred from context": 27, "inferred from a caption": 14}
    assert payload["inferred_dates"] == 13


def test_stats_of_the_bundled_graph_count_the_cited_pages(runner, bundled_graph_path):
    """Every class counted has both names, and the cited pages are counted as the data files
    declare them (counted here independently, from the files)."""
    import re

    from harbin_kg.graph.paths import project_paths

    payload = json.loads(runner.invoke(cli, ["stats", str(bundled_graph_path), "--format", "json"]).stdout)
    assert all(c["label_zh"] and c["label_en"] for c in payload["classes"]), payload["classes"]
    declared = set()
    for path in sorted((project_paths().data / "sources" / "web").glob("*.ttl")):
        declared |= set(re.findall(r"^<(source/[^>]+)> a hv:CitedSource", path.read_text(encoding="utf-8"), re.M))
    coverage = payload["coverage"]
    assert coverage["cited_sources"] == len(declared) > 100
    assert coverage["sources"] == len(declared) + 1  # and the shipped report
    years = {row["year"] for row in coverage["by_year"] if row["ties"]}
    assert {2011, 2018, 2023, 2024, 2025} <= years


@pytest.mark.slow  # two stats runs over the whole real graph
def test_commands_default_to_the_bundled_graph(runner, bundled_graph_path):
    implicit = runner.invoke(cli, ["stats", "--format", "json"])
    explicit = runner.invoke(cli, ["stats", str(bundled_graph_path), "--format", "json"])
    assert implicit.exit_code == 0, implicit.output
    assert json.loads(implicit.stdout) == json.loads(explicit.stdout)
    assert json.loads(implicit.stdout)["triples"] > 5000


@pytest.mark.slow  # a build with SHACL validation
def test_build_writes_three_formats(runner, seed_project):
    out = seed_project / "out"
    result = runner.invoke(cli, ["build", "-o", str(out), "--data", str(seed_project / "data"),
                                 "--ontology", str(seed_project / "ontology")])
    assert result.exit_code == 0, result.stderr
    # The three formats and the data-version stamp, at the paths users expect (links into the
    # one versioned folder of this build, .builds/current: issue 13).
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["harbin.jsonld", "harbin.nt", "harbin.ttl", "harbin.version"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".builds"]
    live = out / ".builds" / "current"
    for name in visible:
        assert (out / name).resolve() == (live / name).resolve() and (out / name).read_bytes()
    document = json.loads((out / "harbin.jsonld").read_text(encoding="utf-8"))
    ids = {node["@id"] for node in document["@graph"]}
    assert "https://w3id.org/hrbvet/id/org/harbin-vocational-technical-college" in ids
