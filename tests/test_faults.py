"""Bad input stops the build at the right place: file and exact line, the line itself as text with a caret,
the block and the value; exit 1, no traceback, ``build/`` as it was.

Faults are planted at known lines of copies of the real curated files (``graph/background.ttl``, the
article's ``.trig``, ``graph/links/``, a source's metadata) and of a dataset's table and mapping.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, copy_project

from cungai.cli import main
from cungai.errors import DataError
from cungai.link.tables import read_table

TRIG = "graph/lunjiao-2019-12-06.trig"
CURATED = {
    "background": "graph/background.ttl",
    "trig": TRIG,
    "links": "graph/links/adcodes.ttl",
    "source metadata": "graph/sources/lunjiao-2019-12-06.ttl",
}
XSD = "http://www.w3.org/2001/XMLSchema#"
#: (lexical form, datatype or language) of each kind of bad value, and a word the message must hold
BAD_VALUES = {
    "word as integer": ('"abc"', f"^^<{XSD}integer>", "digits 0-9"),
    "month 13": ('"2019-13-45"', f"^^<{XSD}date>", "calendar date"),
    "Chinese numeral": ('"十二"', f"^^<{XSD}integer>", "digits 0-9"),
    "thousands separator": ('"1,000"', f"^^<{XSD}decimal>", "thousands separator"),
    "no such XSD type": ('"12"', f"^^<{XSD}interger>", "xsd:interger is not one of them"),
    "byte out of range": ('"300"', f"^^<{XSD}byte>", "from -128 to 127"),
    "bad language tag": ('"伦教"', "@zh-abcdefghijk", "eight characters"),
}


@pytest.fixture()
def project(tmp_path) -> Path:
    """A copy of the real project with a stand-in ``build/`` that a failed build must leave as it was."""
    root = copy_project(tmp_path / "project")
    (root / "build").mkdir()
    (root / "build" / "kg.nt").write_text("<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def append(path: Path, text: str) -> int:
    """Append one line to ``path``; its line number."""
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines + [text]) + "\n", encoding="utf-8")
    return len(lines) + 1


def replace_line(path: Path, contains: str, new: str) -> int:
    """Replace the first line of ``path`` that holds ``contains`` with ``new``; its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if contains in line)
    lines[number] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def failed_build(root: Path) -> str:
    before = snapshot(root / "build")
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert snapshot(root / "build") == before
    return output


def statement(kind: str, value: str) -> str:
    fact = f"<https://w3id.org/cungai/id/place/lunjiao> <https://schema.org/value> {value} ."
    return f"ev:planted {{ {fact} }}" if kind == "trig" else fact


# --- syntax errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(CURATED))
def test_a_syntax_error_is_reported_at_its_line_with_the_line_itself(project, kind):
    path = project / CURATED[kind]
    broken = statement(kind, '"伦教" "伦教镇"')  # two objects without a comma between them
    line = append(path, broken)
    output = failed_build(project)
    assert f"{path}:{line}:" in output
    assert "syntax error" in output and "语法错误" in output
    assert f"{line} | {broken}" in output  # the line as text: Chinese as Chinese
    assert "\\xe4" not in output
    shown = output.split(f"{line} | ")[1].split("\n")
    assert shown[1].rstrip().endswith("^")


def test_a_fault_inside_the_file_is_named_at_its_own_line(project):
    """rdflib named the line two after the fault; Oxigraph's parser names the line itself."""
    path = project / CURATED["background"]
    line = replace_line(path, 'rdfs:label "伦教"@zh', '    rdfs:label "伦教"@zh "Lunjiao"@en ;')
    output = failed_build(project)
    assert f"{path}:{line}:" in output and 'rdfs:label "伦教"@zh "Lunjiao"@en ;' in output


# --- ill-typed literals and bad language tags (issue 16) -----------------------------------------

@pytest.mark.parametrize("kind", sorted(CURATED))
@pytest.mark.parametrize("bad", sorted(BAD_VALUES))
def test_a_bad_value_is_reported_at_its_line(project, kind, bad):
    lexical, suffix, expects = BAD_VALUES[bad]
    path = project / CURATED[kind]
    line = append(path, statement(kind, lexical + suffix))
    output = failed_build(project)
    assert f"{path}:{line}:" in output
    assert expects in output
    assert lexical.strip('"') in output  # the value, as text
    if suffix.startswith("^^"):
        assert "ill-typed literal" in output
        block = output.split(" in block ")[1].split(",")[0]
        assert ("ev:planted" if kind == "trig" else "lunjiao") in block


@pytest.mark.parametrize("bad", ["word as integer", "thousands separator", "month 13", "bad language tag"])
def test_a_bad_value_made_by_a_dataset_mapping_names_the_table_and_line(project, bad):
    lexical, suffix, expects = BAD_VALUES[bad]
    folder = project / "graph/datasets/foshan-divisions"
    table = folder / "divisions.csv"
    good = {"word as integer": "113", "month 13": "2019-12-06", "thousands separator": "113.5"}.get(bad, "x")
    rows = table.read_text(encoding="utf-8").rstrip("\n").split("\n")
    for number, row in enumerate(rows[1:], start=1):  # the longitude column, valid in every other row
        cells = row.split(",")
        rows[number] = ",".join(cells[:2] + [good] + cells[3:])
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    line = replace_line(table, "440606000000", f"440606000000,顺德区,{lexical},22.80524")  # quoted: "1,000"
    if suffix.startswith("^^"):
        term = f"[https://schema.org/value, $(longitude), {suffix[3:-1].replace(XSD, 'xsd:')}]"
    else:
        term = f"[rdfs:comment, $(longitude), {suffix[1:]}~lang]"
    mapping = folder / "mapping.yml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        "SELECT adcode, name FROM", "SELECT adcode, name, longitude FROM", 1).replace(
        "      - [https://schema.org/identifier, $(adcode)]",
        f"      - [https://schema.org/identifier, $(adcode)]\n      - {term}"), encoding="utf-8")
    output = failed_build(project)
    assert str(mapping) in output
    if suffix.startswith("^^"):
        assert f"{table}:{line}:" in output and lexical.strip('"') in output
    else:  # the mapping writes the tag
        tag_line = mapping.read_text(encoding="utf-8").split("\n").index(f"      - {term}") + 1
        assert f"{mapping}:{tag_line}:" in output and suffix[1:] in output


def test_a_yaml_syntax_error_in_a_mapping_is_reported_at_its_line(project):
    mapping = project / "graph/datasets/foshan-divisions/mapping.yml"
    opened = replace_line(mapping, "[rdfs:label, $(name), zh~lang]", "      - [rdfs:label, $(name), zh~lang")
    output = failed_build(project)
    assert f"{mapping}:{opened + 1}:" in output and "YAML syntax error" in output
    assert f"opened at line {opened}" in output and f"{opened + 1} |       - p: rdfs:label" in output


def test_the_line_of_issue_16_exits_1_from_build_graph_py(project):
    """The exact check of issue 16, as a user runs it: ``python build_graph.py`` on the project."""
    path = project / CURATED["background"]
    line = append(path, 'place:lunjiao <https://schema.org/value> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    before = snapshot(project / "build")
    env = {**os.environ, "CUNGAI_ROOT": str(project), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(REPO / "build_graph.py")], env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"background.ttl:{line}:" in output and "Traceback" not in output
    assert snapshot(project / "build") == before


# --- SHACL results --------------------------------------------------------------------------------

def test_a_shacl_violation_names_the_line_and_block_of_the_fact(project):
    path = project / TRIG
    line = replace_line(path, "org:postIn body:lianhe-zhifa-gongzuozu ;", "        org:postIn place:lunjiao ;")
    output = failed_build(project)
    assert "SHACL" in output and "org:postIn" in output
    assert f"{path}:{line} block ev:" in output and "org:postIn place:lunjiao ;" in output


# --- CSV tables (`cungai link`) ---------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "line", "says"), [
    (["1,伦教", '2,"北滘', "3,勒流"], 3, "not closed"),  # the open quote swallowed the rows after it
    (["1,伦教", "2,北滘,extra,cells", "3,勒流"], 3, "the row has 4 cells, the header 2"),
    (["1,伦教", '2,"北滘"x', "3,勒流"], 3, "not a readable CSV table"),
])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_broken_csv_row_is_reported_at_its_line(tmp_path, rows, line, says, encoding):
    table = tmp_path / "table.csv"
    table.write_bytes("\n".join(["id,name", *rows]).encode(encoding) + b"\n")
    with pytest.raises(DataError) as failure:
        read_table(table)
    message = str(failure.value)
    assert f"{table}:{line}:" in message and says in message
    assert f"{line} | {rows[line - 2]}" in message  # the row as text, Chinese as Chinese
