"""One CLI vocabulary: one name per option, one default per idea, one overwrite rule, one exit code
for a missing file (docs/cli-errors.md)."""

from pathlib import Path

import click
import pytest

from harbin_kg.cli import cli
from harbin_kg.cli.vocabulary import DEFAULT_SEED, DEFAULT_TIMEOUT, RENAMED, rename_options

DATA = Path(__file__).parent / "data"
NETWORK = str(DATA / "network.ttl")
TINY = str(DATA / "tiny.ttl")


def _options(command):
    return {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts + p.secondary_opts}


def test_short_p_means_param_only():
    owners = sorted(name for name, command in cli.commands.items() if "-p" in _options(command))
    assert owners == ["query"]
    assert _options(cli.commands["query"])["-p"].name == "params"


def test_the_network_is_called_projection_everywhere():
    for name in ("centrality", "communities", "export", "map"):
        options = _options(cli.commands[name])
        assert options["--projection"] is options["-P"], name
        assert "--layer" not in options, name


def test_seed_and_timeout_have_one_default():
    seeds = {name: _options(c)["--seed"].default for name, c in cli.commands.items() if "--seed" in _options(c)}
    assert set(seeds) == {"centrality", "communities", "export", "map", "synth"}
    assert set(seeds.values()) == {DEFAULT_SEED} == {0}
    timeouts = {name: _options(c)["--timeout"].default for name, c in cli.commands.items()
                if "--timeout" in _options(c)}
    assert set(timeouts) == {"query", "serve", "publish"}
    assert set(timeouts.values()) == {DEFAULT_TIMEOUT} == {30.0}


def test_measures_are_spelled_as_in_the_tables_and_the_hyphen_still_works(runner):
    size_by = _options(cli.commands["map"])["--size-by"].type.choices
    measure = _options(cli.commands["centrality"])["--measure"].type.choices
    assert "weighted_degree" in size_by and "effective_size" in size_by
    assert set(size_by) <= set(measure)
    assert not any("-" in name for name in list(size_by) + list(measure))
    underscored = runner.invoke(cli, ["centrality", NETWORK, "--measure", "weighted_degree", "--format", "csv"])
    hyphenated = runner.invoke(cli, ["centrality", NETWORK, "--measure", "weighted-degree", "--format", "csv"])
    assert underscored.exit_code == 0 and underscored.stdout == hyphenated.stdout
    assert underscored.stdout.splitlines()[0].endswith(",weighted_degree,degree,weighted_degree,placeholder,iri")


def test_old_option_names_are_rewritten_with_a_note():
    notes = []
    assert rename_options("map", ["--layer", "partnership", "-o", "x.html"], notes.append) == \
        ["--projection", "partnership", "-o", "x.html"]
    assert rename_options("map", ["--layer=membership"], notes.append) == ["--projection=membership"]
    assert rename_options("serve", ["g.ttl", "-p", "8080"], notes.append) == ["g.ttl", "--port", "8080"]
    assert rename_options("serve", ["-p8080"], notes.append) == ["--port=8080"]
    assert rename_options("serve", ["--", "-p"], notes.append) == ["--", "-p"]
    assert rename_options("query", ["partners-of", "-p", "org=哈职院"], notes.append) == ["partners-of", "-p", "org=哈职院"]
    assert notes[0] == ("Note: --layer is the old name of --projection in harbin-kg map; use --projection "
                        "(the old name will be removed).")
    assert notes[2].startswith("Note: -p is the old name of --port in harbin-kg serve")
    assert len(notes) == 4
    assert RENAMED == {"map": {"--layer": "--projection"}, "serve": {"-p": "--port"}}


def test_old_names_work_from_the_command_line_and_are_not_in_help(runner, tmp_path):
    out = tmp_path / "m.html"
    result = runner.invoke(cli, ["map", NETWORK, "--layer", "partnership", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Note: --layer is the old name of --projection" in result.stderr and "selecting partnership" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "--layer" not in runner.invoke(cli, ["map", "--help"]).stdout
    served = runner.invoke(cli, ["serve", TINY, "-p", "0", "--get", "/health"])
    assert served.exit_code == 0 and "Note: -p is the old name of --port in harbin-kg serve" in served.stderr
    assert " -p," not in runner.invoke(cli, ["serve", "--help"]).stdout


def test_a_named_output_file_is_never_replaced_without_force(runner, tmp_path):
    out = tmp_path / "analysis.ttl"
    out.write_text("mine", encoding="utf-8")
    refused = runner.invoke(cli, ["centrality", NETWORK, "--save-rdf", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.stderr and str(out) in refused.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(cli, ["centrality", NETWORK, "--save-rdf", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "hv:AnalysisRun" in out.read_text(encoding="utf-8")


def test_every_command_that_writes_a_named_file_has_force():
    writers = {name for name, c in cli.commands.items()
               if {"-o", "--output", "--save-rdf"} & set(_options(c))
               and isinstance(next(p for o, p in _options(c).items() if o in ("-o", "--output", "--save-rdf")).type,
                              click.Path)
               and next(p for o, p in _options(c).items() if o in ("-o", "--output", "--save-rdf")).type.file_okay}
    assert writers == {"centrality", "export", "map", "propose", "synth"}
    assert all("--force" in _options(cli.commands[name]) for name in writers)


@pytest.mark.parametrize("args", [
    ["validate", "{missing}"], ["stats", "{missing}"], ["query", "{missing}", "agreements"],
    ["centrality", "{missing}"], ["communities", "{missing}"], ["pathways", "{missing}", "--from", "中职", "--to", "本科"],
    ["export", "{missing}", "--format", "csv", "-o", "{tmp}/x.csv"], ["map", "{missing}", "-o", "{tmp}/x.html"],
    ["site", "{missing}", "-o", "{tmp}/site"],
], ids=lambda args: args[0])
def test_a_missing_graph_file_exits_1_in_every_command(runner, tmp_path, args):
    missing = tmp_path / "nope.ttl"
    result = runner.invoke(cli, [a.format(missing=missing, tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {missing}: no such") and "找不到" in result.stderr
