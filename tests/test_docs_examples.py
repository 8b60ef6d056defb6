"""Docs that cannot drift: every console example of README.md and docs/*.md is run and its shown
output compared; docs/cli.md is the click command tree; every other ``harbin-kg`` line parses.

The runner is tools/docs.py (``make docs`` regenerates the shown outputs and docs/cli.md).
"""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("harbin_kg_docs_tool", ROOT / "tools" / "docs.py")
docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = docs  # dataclasses look their module up by name
_spec.loader.exec_module(docs)

BLOCKS = docs.console_blocks()


@pytest.fixture(scope="module")
def ready(bundled_graph_path):
    """The bundled graph is built before any example runs, so none shows a one-off build message."""
    return bundled_graph_path


# --- the documents ----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[b.where for b in BLOCKS])
def test_console_example_prints_what_the_page_shows(block, ready):
    differences = docs.check_block(block)
    assert not differences, "\n\n".join(d.report() for d in differences)


def test_the_examples_cover_every_document_that_has_any():
    where = {b.where.split(":")[0] for b in BLOCKS}
    assert {"README.md", "docs/cli-errors.md", "docs/propose.md", "docs/seed-report.md"} <= where
    assert len(BLOCKS) >= 12


def test_the_cli_reference_is_generated_from_the_commands():
    shown = docs.CLI_REFERENCE.read_text(encoding="utf-8")
    assert shown == docs.cli_reference(), (
        f"docs/cli.md is stale: the click commands changed. Regenerate it: {docs.REGENERATE}.")


def test_the_cli_reference_has_every_command_option_default_and_example():
    from harbin_kg.cli import cli

    text = docs.cli_reference()
    for name, command in cli.commands.items():
        assert f"## harbin-kg {name}\n" in text
        for param in command.params:
            if getattr(param, "hidden", False) or not hasattr(param, "opts") or param.param_type_name != "option":
                continue
            assert f"`{param.opts[0]}`" in text, (name, param.opts)
    query = text.split("## harbin-kg query\n")[1].split("\n## ")[0]
    assert "| `--timeout` | number ≥ 0 | 30.0 |" in query
    assert "```sh\nharbin-kg query partners-of" in query
    assert "| `--format` `-f` |" in query or "| `-f` `--format` |" in query


def _shown_command_lines():
    found = []
    for path in docs.doc_files():
        for block in docs.parse_blocks(path):
            if block.info != "console" or block.not_run:
                found += [(f"{docs._rel(path)}:{line}", text) for line, text in docs.harbin_kg_lines(block)]
    return found


def _help_examples():
    from harbin_kg.cli import cli

    found = []
    for name, command in sorted(cli.commands.items()):
        lines = iter((command.help or "").splitlines())
        for line in lines:
            while line.rstrip().endswith("\\"):  # continued on the next line
                line = line.rstrip()[:-1] + " " + next(lines, "").strip()
            if line.strip().startswith("harbin-kg "):
                found += [(f"harbin-kg {name} --help", piece.strip())
                          for piece in line.split("&&") if piece.strip().startswith("harbin-kg")]
    return found


SHOWN = _shown_command_lines() + _help_examples()


@pytest.mark.parametrize("where,command", SHOWN, ids=[f"{w} {c[:40]}" for w, c in SHOWN])
def test_every_shown_command_line_parses(where, command):
    """Lines shown but not run (instructions, --help examples) still use options that exist."""
    error = docs.parse_error(command)
    assert error is None, f"{where}: `{command}` is refused by the command line: {error}"


def test_prompted_harbin_kg_lines_are_run_or_say_why_not():
    for path in docs.doc_files():
        for block in docs.parse_blocks(path):
            prompted = [line for line in block.lines if line.startswith("$ harbin-kg")]
            if prompted and block.info not in ("console", "markdown"):  # markdown: a page showing an example
                pytest.fail(f"{block.where}: a block with `$ harbin-kg` lines must be ```console (run by the "
                            "tests), or ```sh without prompts and output.")


def test_help_examples_write_under_build():
    for where, command in _help_examples():
        for target in docs.outputs_written(command):
            assert target.startswith(("build/", "/tmp/")), f"{where}: `{command}` writes {target} outside build/"


# --- the mechanism itself, on documents made up here ------------------------------------------

def _doc(tmp_path, text):
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_changed_output_fails_with_the_file_line_and_how_to_regenerate(tmp_path):
    page = _doc(tmp_path, """\
        # page

        ```console
        $ echo one; echo two >&2
        one
        three
        $ echo $?
        0
        ```
        """)
    (block,) = docs.console_blocks([page])
    (difference,) = docs.check_block(block, tmp_path)
    report = difference.report()
    assert report.startswith(f"{page}:4: `$ echo one; echo two >&2` printed something else")
    assert "-three\n+two" in report
    assert "make docs" in report and "python tools/docs.py --update" in report


def test_update_rewrites_only_the_outputs_that_changed_and_keeps_cuts(tmp_path):
    page = _doc(tmp_path, """\
        Intro.

        ```console
        $ seq 1 3
        1
        2
        $ seq 1 10
        1
        …
        9
        10
        $ seq 5 20
        5
        …
        20
        ```
        """)
    assert docs.update_file(page, tmp_path, say=lambda message: None) == 1  # the cut one still matches
    assert page.read_text(encoding="utf-8") == textwrap.dedent("""\
        Intro.

        ```console
        $ seq 1 3
        1
        2
        3
        $ seq 1 10
        1
        …
        9
        10
        $ seq 5 20
        5
        …
        20
        ```
        """)
    page.write_text(page.read_text().replace("$ seq 5 20", "$ seq 4 21"))
    docs.update_file(page, tmp_path, say=lambda message: None)
    assert page.read_text().endswith("$ seq 4 21\n4\n…\n21\n```\n")


def test_the_ellipsis_stands_for_whole_lines_only():
    assert docs.matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert docs.matches(["a", "…", "d"], ["a", "d"])
    assert not docs.matches(["a", "…", "d"], ["a", "b", "c"])
    assert not docs.matches(["a…"], ["ab"])
    assert not docs.matches(["1 row"], ["2 rows"])


def test_normalise_makes_only_the_checkout_path_relative(tmp_path):
    output = f"{tmp_path}/build/harbin.ttl: conforms  \nin 0.25 s\n\n"
    assert docs.normalise(output, tmp_path) == ["build/harbin.ttl: conforms", "in 0.25 s"]


def test_an_example_writing_outside_build_is_refused(tmp_path):
    page = _doc(tmp_path, """\
        ```console
        $ harbin-kg map -o ecosystem.html
        ```
        """)
    (block,) = docs.console_blocks([page])
    with pytest.raises(docs.ExampleError, match=r"page.md:2: .* writes ecosystem.html; examples write only under build/"):
        docs.run_block(block, tmp_path)


def test_an_example_leaving_a_file_in_the_root_fails(tmp_path):
    page = _doc(tmp_path, """\
        ```console
        $ touch stray.txt
        ```
        """)
    (block,) = docs.console_blocks([page])
    with pytest.raises(docs.ExampleError, match="left stray.txt in the root"):
        docs.run_block(block, tmp_path)


def test_an_example_starts_from_a_clean_slate_under_build(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "old.html").write_text("from last time")
    page = _doc(tmp_path, """\
        ```console
        $ ls build; true --output build/old.html
        ```
        """)
    (block,) = docs.console_blocks([page])
    assert docs.run_block(block, tmp_path) == [""]
    assert not (tmp_path / "build" / "old.html").exists()


def test_a_block_marked_not_run_is_skipped_and_says_why(tmp_path):
    page = _doc(tmp_path, """\
        <!-- docs: not run (needs a store) -->
        ```console
        $ false
        ```
        """)
    assert docs.console_blocks([page]) == []
    (block,) = docs.parse_blocks(page)
    assert block.not_run == "needs a store"


def test_a_shown_command_with_a_removed_option_is_caught():
    assert "No such option" in docs.parse_error("harbin-kg map -o build/x.html --no-such-option")
    assert docs.parse_error("harbin-kg map -o build/x.html -P partnership   # a comment") is None
