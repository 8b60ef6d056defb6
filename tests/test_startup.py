"""Start-up (issue 17): a command imports only what it uses; lazily listed commands match the real ones."""

import json
import subprocess
import sys

import pytest

from harbin_kg.cli import COMMANDS, cli

HEAVY = ("numpy", "networkx", "igraph", "pyvis", "jinja2", "pyshacl", "scipy", "pandas")

_PROBE = """
import json, sys
from harbin_kg.__main__ import main
try:
    main({argv!r})
except SystemExit as stop:
    code = stop.code
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def _modules_after(argv, env=None):
    result = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True,
                            env=env, timeout=300)
    assert "MODULES " in result.stdout, result.stderr
    out, _, modules = result.stdout.rpartition("MODULES ")
    return out, set(json.loads(modules)), result


def test_help_imports_neither_engines_nor_analysis_libraries():
    out, modules, _ = _modules_after(["--help"])
    assert "query        Ask the graph a read-only SPARQL question; print the answer." in out
    assert "synth        Generate a synthetic VET ecosystem" in out
    loaded = modules & set(HEAVY + ("rdflib", "pyoxigraph"))
    assert not loaded, f"--help imported {sorted(loaded)}"


@pytest.mark.parametrize("argv", [["query", "partners-of", "-p", "org=省教育厅"], ["stats"]])
def test_query_and_stats_import_no_analysis_library(argv, tmp_path):
    import os

    env = dict(os.environ, HARBIN_KG_STORE_CACHE=str(tmp_path / "stores"))
    out, modules, result = _modules_after(argv, env)
    assert result.returncode == 0, result.stderr
    if argv[0] == "query":
        assert "哈尔滨市人民政府" in out and "厅市共建龙江职业教育创新发展样板战略合作协议" in out
    else:
        assert "triples 三元组" in out
    loaded = modules & set(HEAVY)
    assert not loaded, f"{' '.join(argv)} imported {sorted(loaded)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_summary_is_the_commands_own(name):
    # --help prints COMMANDS' summary without importing the command; it must be the real one.
    module, summary = COMMANDS[name]
    command = cli.commands[name]
    assert command.callback.__module__ == f"harbin_kg.cli.{module}"
    assert summary == command.get_short_help_str(10_000)


def test_every_registered_command_is_listed():
    for name in list(cli.commands):
        cli.commands[name]
    assert set(cli.commands) == set(COMMANDS)
