"""Docs cannot drift: every command and exit code is in the README, every --help has an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cungai.cli import main
from cungai.errors import CungaiError, DataError, EnvironmentProblem, UsageError

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ", 1)[0]
    assert "make run" in head and "make test" in head


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    assert re.search(rf"`cungai {command}\b", README), f"cungai {command} is missing from README.md"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_text_carries_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"cungai {command} --help has no example"


def test_every_exit_code_is_documented():
    codes = {0} | {cls.exit_code for cls in (CungaiError, DataError, UsageError, EnvironmentProblem)}
    table = README.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in sorted(codes):
        assert re.search(rf"^\| {code} \|", table, re.MULTILINE), code
