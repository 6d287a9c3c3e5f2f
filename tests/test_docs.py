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


DOCS = [Path(__file__).resolve().parent.parent / name for name in ("README.md", "graph/README.md", "queries/README.md")]
DOCS += sorted((Path(__file__).resolve().parent.parent / "docs").glob("*.md"))


def _mentions(text: str) -> set[str]:
    """Modules the text names, as ``cungai/x/y.py`` paths or ``cungai.x.y`` dotted names."""
    found = {m.replace("/", ".")[:-3] for m in re.findall(r"\bcungai/[a-z_/]+\.py\b", text)}
    found |= set(re.findall(r"(?<![\w/.])cungai\.[a-z_]+(?:\.[a-z_]+)*", text))
    return found - {"cungai.ttl"}


def _resolves(dotted: str) -> bool:
    """Whether ``cungai.x.y[.attr]`` names a module of this checkout's package, or a name defined in one."""
    import importlib

    root = Path(__file__).resolve().parent.parent
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        path = root.joinpath(*parts[:cut])
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            target = importlib.import_module(".".join(parts[:cut]))
            for name in parts[cut:]:
                if not hasattr(target, name):
                    return False
                target = getattr(target, name)
            return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_module_the_docs_name_exists(doc):
    missing = sorted(m for m in _mentions(doc.read_text(encoding="utf-8")) if not _resolves(m))
    assert not missing, f"{doc.name} names modules that are not in the package: {missing}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_module_a_help_text_names_exists(command):
    result = CliRunner().invoke(main, [command, "--help"])
    missing = sorted(m for m in _mentions(result.output) if not _resolves(m))
    assert not missing, f"cungai {command} --help names modules that are not in the package: {missing}"
