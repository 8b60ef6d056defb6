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


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_in_the_readme(name):
    assert re.search(rf"harbin-kg {name}\b", README), f"README never shows harbin-kg {name}"


def test_readme_has_the_two_commands():
    assert "make run" in README and "make test" in README
