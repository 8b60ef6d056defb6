"""Every command has help with an example and appears in the README."""

import re
from pathlib import Path

import pytest

from harbin_kg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_with_an_example(name):
    command = cli.commands[name]
    assert command.help, f"{name} has no help"
    assert f"harbin-kg {name}" in command.help, f"{name}'s help shows no example"


#: The guides the README links to (docs/cli.md is generated from the commands, so it would prove
#: nothing here).
GUIDES = sorted(set(re.findall(r"\]\((docs/[\w-]+\.md)\)", README)) - {"docs/cli.md"})


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_shown_in_the_readme_or_a_guide_it_links(name):
    root = Path(__file__).resolve().parent.parent
    pages = {"README.md": README} | {g: (root / g).read_text(encoding="utf-8") for g in GUIDES}
    shown = [page for page, text in pages.items() if re.search(rf"harbin-kg {name}\b", text)]
    assert shown, f"neither README.md nor {', '.join(GUIDES)} shows harbin-kg {name}"


def test_the_readme_links_its_guides():
    assert {"docs/querying.md", "docs/analysis.md", "docs/maps.md", "docs/serving.md", "docs/scale.md",
            "docs/propose.md", "docs/development.md"} <= set(GUIDES)


def test_readme_has_the_two_commands():
    assert "make run" in README and "make test" in README
