"""One-line errors and distinct exit codes instead of tracebacks (issue 13, item 10).

The exit-code table lives in docs/cli-errors.md; the last test checks it against the code.
"""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import harbin_kg.cli as cli_module
from harbin_kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
TINY = str(Path(__file__).parent / "data" / "tiny.ttl")


def one_line_error(result, code):
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# ---- text that is not UTF-8 ---------------------------------------------------------------------

def test_invalid_utf8_on_stdin(runner):
    result = runner.invoke(cli, ["query", TINY, "-"], input=b'SELECT * { ?s ?p "caf\xe9" }')
    line = one_line_error(result, 2)
    assert "stdin is not valid UTF-8" in line and "byte e9" in line


def test_invalid_utf8_in_argv_through_the_real_console():
    # Bytes straight into argv, as a shell passes them; Python keeps them as lone surrogates.
    result = subprocess.run([sys.executable, "-m", "harbin_kg", "query", TINY, b'SELECT * { ?s ?p "\xff\xfe" }'],
                            capture_output=True)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith("Error: The query text is not valid UTF-8 (byte ff") and stderr.count("\n") == 1


def test_invalid_utf8_in_a_parameter(runner):
    result = runner.invoke(cli, ["query", TINY, "partners-of", "-p", "org=\udcff"])
    assert "--param is not valid UTF-8" in one_line_error(result, 2)


def test_valid_utf8_on_stdin_still_works(runner):
    result = runner.invoke(cli, ["query", TINY, "-"], input="ASK { ?s ?p ?o }".encode())
    assert result.exit_code == 0 and result.stdout.split() == ["boolean", "-------", "true"]


# ---- Ctrl-C ------------------------------------------------------------------------------------

# Interrupt the start-up where it takes its time (loading rdflib) through the console entry point.
INTERRUPT_AT_IMPORT = r"""
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "rdflib":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupt())
from harbin_kg.__main__ import main
main(["stats"])
"""


def test_ctrl_c_during_start_up_is_one_line_and_exit_130():
    result = subprocess.run([sys.executable, "-c", INTERRUPT_AT_IMPORT], capture_output=True, text=True)
    assert result.returncode == 130, result.stderr
    assert result.stderr == "Error: interrupted during start-up (启动时被中断); nothing was done.\n"


def test_ctrl_c_while_a_command_runs(runner, monkeypatch):
    import harbin_kg.query.run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(harbin_kg.query.run, "run_query", interrupted)
    line = one_line_error(runner.invoke(cli, ["query", TINY, "ASK {}"]), 130)
    assert "interrupted (已中断)" in line


def test_a_real_sigint_during_a_query_exits_130(tmp_path):
    # A query that would run for hours; SIGINT is sent once the command says it started.
    script = tmp_path / "slow.py"
    script.write_text(
        "import sys, harbin_kg.query.run as q\n"
        "real = q.run_query\n"
        "def announced(*a, **k):\n"
        "    print('started', file=sys.stderr, flush=True)\n"
        "    return real(*a, **k)\n"
        "q.run_query = announced\n"
        "from harbin_kg.__main__ import main\n"
        "main(['query', 'SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }', '--timeout', '600'])\n")
    proc = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True)
    assert proc.stderr.readline().strip() == "started"
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == 130, rest
    assert rest.strip().startswith("Error: interrupted (已中断)") and "Traceback" not in rest


# ---- out of memory and a crashed engine ---------------------------------------------------------

def test_a_query_that_runs_out_of_memory_gets_exit_3(runner, monkeypatch):
    import harbin_kg.query.engine as engine

    real = engine.limit_memory
    def tight(extra=0):  # runs in the query's child process
        import faulthandler

        faulthandler.disable()  # the engine aborts on a failed allocation; pytest's dump is noise
        real(64 * 1024**2)

    monkeypatch.setattr(engine, "limit_memory", tight)
    query = "SELECT (COUNT(DISTINCT CONCAT(STR(?a), STR(?c), STR(?f))) AS ?n) { ?a ?b ?c . ?d ?e ?f }"
    result = runner.invoke(cli, ["query", query, "--timeout", "300"])  # the bundled graph: 7,000+ triples
    line = one_line_error(result, 3)
    assert "ran out of memory" in line and "内存不足" in line


def test_memory_error_in_process_gets_exit_3(runner, monkeypatch):
    import harbin_kg.query.run

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(harbin_kg.query.run, "execute", exhausted)
    line = one_line_error(runner.invoke(cli, ["query", TINY, "ASK {}", "--timeout", "0"]), 3)
    assert "Out of memory" in line


def test_a_crashed_engine_gets_exit_4_naming_the_signal(runner, monkeypatch):
    # What a parser overflowing its native stack does to the query process (SIGSEGV).
    import harbin_kg.query.engine as engine

    def segfault(*args, **kwargs):
        import faulthandler

        faulthandler.disable()  # pytest's dump of the stack would only add noise
        os.kill(os.getpid(), signal.SIGSEGV)

    monkeypatch.setattr(engine, "execute", segfault)
    line = one_line_error(runner.invoke(cli, ["query", TINY, "ASK {}"]), 4)
    assert "crashed (signal SIGSEGV)" in line and "--engine rdflib" in line


def test_an_engine_panic_gets_exit_4(runner, monkeypatch):
    import harbin_kg.query.run

    PanicException = type("PanicException", (BaseException,), {})  # pyo3_runtime's, by name

    def panics(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(harbin_kg.query.run, "execute", panics)
    line = one_line_error(runner.invoke(cli, ["query", TINY, "ASK {}", "--timeout", "0"]), 4)
    assert "crashed" in line and "index out of bounds" in line


def test_out_of_memory_and_crash_are_told_apart_from_the_exit_status():
    from harbin_kg.query.engine import _death
    from harbin_kg.errors import EngineCrash, OutOfMemory

    assert isinstance(_death(-signal.SIGABRT, "memory allocation of 8388608 bytes failed\n"), OutOfMemory)
    assert isinstance(_death(-signal.SIGKILL, ""), OutOfMemory)
    crash = _death(-signal.SIGABRT, "thread '<unnamed>' panicked at src/parser.rs\n")
    assert isinstance(crash, EngineCrash) and "SIGABRT" in str(crash) and "parser.rs" in str(crash)


# ---- folders that cannot be written ---------------------------------------------------------------

def test_site_into_an_unwritable_folder_is_one_line(runner, tmp_path, monkeypatch):
    import tempfile

    import harbin_kg.web.pages

    folder = tmp_path / "locked"
    folder.mkdir()
    real = tempfile.mkdtemp

    def refused(*args, dir=None, **kwargs):  # what the OS says for a folder we may not write
        if dir is not None and Path(dir) == folder:
            raise PermissionError(13, "Permission denied", str(Path(dir) / "tmpXXXX"))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(harbin_kg.web.pages.tempfile, "mkdtemp", refused)
    result = runner.invoke(cli, ["site", TINY, "-o", str(folder / "site")])
    line = one_line_error(result, 1)
    assert str(folder) in line and "Permission denied" in line
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the test above")
def test_site_into_a_read_only_folder_as_a_user(runner, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = runner.invoke(cli, ["site", TINY, "-o", str(folder / "site")])
    finally:
        folder.chmod(0o755)
    assert "Permission denied" in one_line_error(result, 1)


# ---- the table in docs/cli-errors.md ---------------------------------------------------------------

def test_the_exit_code_table_matches_the_code():
    text = (ROOT / "docs" / "cli-errors.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\|\s*`?(\d+)`?\s*\|\s*([^|]+?)\s*\|", text, re.M))
    assert set(table) == {"0", "1", "2", "3", "4", "130"}
    assert cli_module.UsageExit.exit_code == 2
    assert cli_module.EXIT_OUT_OF_MEMORY == 3 and "memory" in table["3"].lower()
    assert cli_module.EXIT_CRASH == 4 and "crash" in table["4"].lower()
    assert cli_module.EXIT_INTERRUPTED == 130 and "ctrl-c" in table["130"].lower()
