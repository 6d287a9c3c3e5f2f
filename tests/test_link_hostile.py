"""`cungai link` on odd tables: empty, huge and formula-like cells, new lines, quotes, NUL bytes, mixed
line ends, a BOM, GB18030, undecodable bytes. Nothing crashes, every value reaches the matching and the
outputs intact, and the CSV output cannot run a formula in a spreadsheet (docs/linking.md)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef

from cungai.cli import main
from cungai.errors import DataError
from cungai.link.tables import link_table, read_table
from cungai.rdf.namespaces import BACKGROUND_GRAPH, ID, RDFS, dataset_graph

BEIHAI = ID["park/beihai-gongyequ"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
HUGE = "北海" * 250_000 + "x" * 500_000  # one cell of 2 MB in UTF-8
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", '=HYPERLINK("http://127.0.0.1:9/","x")', "\t=1+1",
            "\r=1+1", "＝1+1", "'=1+1", "-", "=北海工业区"]
ODD = ["", "   ", "北海工业区", "line one\nline two", 'say "hi", then go', "a\r\nb\rc", "nul\x00byte",
       "北海工业区\x00", "\ufeff伦教", "Beihai Industrial Zone", HUGE]
LABELS = ODD + FORMULAS
IDS = [f"R{n:02d}" for n in range(1, len(LABELS) + 1)]
IDS[-3:] = ["=2+2", "-3", "@id"]  # ids come from the data too


@pytest.fixture(scope="module")
def graphs() -> dict[URIRef, Graph]:
    """Two entities are enough to reconcile against; the real graph is tested in test_link.py."""
    graph = Graph()
    graph.add((BEIHAI, RDFS.label, Literal("北海工业区", lang="zh")))
    graph.add((BEIHAI, RDFS.label, Literal("Beihai Industrial Zone", lang="en")))
    graph.add((ID["place/lunjiao"], RDFS.label, Literal("伦教", lang="zh")))
    return {BACKGROUND_GRAPH: graph}


def table_text(ids: list[str], labels: list[str], *, line_ends: list[str] | str = "\r\n") -> str:
    """A CSV table with the columns 编号 and 名称, each line ended by the given line end(s)."""
    ends = [line_ends] * (len(labels) + 1) if isinstance(line_ends, str) else line_ends
    out = []
    lines = [["编号", "名称"], *([i, label] for i, label in zip(ids, labels))]
    for line, end in zip(lines, ends):
        one = io.StringIO(newline="")
        csv.writer(one, lineterminator="\r\n").writerow(line)  # quotes cells holding \r or \n
        out.append(one.getvalue()[: -len("\r\n")] + end)
    return "".join(out)


def output_lines(result) -> list[dict[str, str]]:
    return read_table(result.csv_path)[1]  # csv.DictReader with room for the huge cell


def exact(cell: str) -> str:
    """A CSV cell as written by `cungai link`, read back: a leading ' was added by it."""
    return cell[1:] if cell.startswith("'") else cell


def assert_outputs_intact(result, ids: list[str], labels: list[str]) -> None:
    assert [r.label for r in result.rows] == labels
    assert [r.row for r in result.rows] == [i.strip() for i in ids]
    lines = output_lines(result)
    assert [exact(line["label"]) for line in lines] == labels
    assert [exact(line["row"]) for line in lines] == [i.strip() for i in ids]
    for line in lines:
        for column, cell in line.items():
            assert not cell.startswith(FORMULA_STARTS), f"a spreadsheet would run {column} = {cell[:40]!r}"
    dataset = Dataset()
    dataset.parse(result.trig_path, format="trig")
    graph = dataset.graph(dataset_graph(result.name))
    store = ox.Store()
    store.load(path=str(result.trig_path), format=ox.RdfFormat.TRIG)
    for row in result.rows:
        labels_in_trig = {str(o) for o in graph.objects(row.iri, RDFS.label)}
        labels_in_oxigraph = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(str(row.iri)), None, None)
                              if q.predicate.value == str(RDFS.label)}
        expected = {row.label.strip()} if row.decision in ("exact", "close") else set()
        assert labels_in_trig == labels_in_oxigraph == expected, row.row


def test_odd_cells_reach_the_matching_and_both_outputs_intact(graphs, tmp_path):
    table = tmp_path / "odd.csv"
    table.write_bytes(table_text(IDS, LABELS).encode("utf-8"))
    result = link_table(table, name="odd", label_column="名称", id_column="编号", out_dir=tmp_path / "out", graphs=graphs)
    assert_outputs_intact(result, IDS, LABELS)
    decided = {r.label: (r.decision, r.match) for r in result.rows}
    assert decided["北海工业区"] == decided["北海工业区\x00"] == decided["Beihai Industrial Zone"] == ("exact", str(BEIHAI))
    assert decided["\ufeff伦教"] == ("exact", str(ID["place/lunjiao"]))
    assert decided[""][0] == decided["   "][0] == "empty"
    assert decided[HUGE][0] == "none"
    # names are compared without punctuation and symbols, so this one matches; its label stays exact in TriG
    assert decided["=北海工业区"] == ("exact", str(BEIHAI))
    assert all(decided[f][0] == "none" for f in FORMULAS if f != "=北海工业区")
    cells = {exact(line["label"]): line for line in output_lines(result)}
    assert cells["=cmd|' /C calc'!A0"]["label"] == "'=cmd|' /C calc'!A0"
    assert cells["＝1+1"]["label"] == "'＝1+1" and cells["-1"]["label"] == "'-1"
    assert cells["'=1+1"]["label"] == "''=1+1"  # a leading ' of the data is kept behind the added one
    assert cells["'=1+1"]["row"] == "'=2+2" and cells["=北海工业区"]["match_label"] == "北海工业区"


@pytest.mark.parametrize("line_ends", ["\n", "\r\n", "\r", "mixed"])
def test_line_ends_of_any_kind(graphs, tmp_path, line_ends):
    labels = ["北海工业区", "line one\nline two", "a\r\nb\rc", "", "=1+1"]
    ids = ["A", "B", "C", "D", "E"]
    ends = ["\n", "\r\n", "\r", "\n", "\r\n", "\r"] if line_ends == "mixed" else line_ends
    table = tmp_path / "ends.csv"
    table.write_bytes((table_text(ids, labels, line_ends=ends) + "F").encode("utf-8"))  # F: a row with no label cell
    result = link_table(table, name="ends", label_column="名称", id_column="编号", out_dir=tmp_path, graphs=graphs)
    assert_outputs_intact(result, ids + ["F"], labels + [""])
    assert [r.decision for r in result.rows] == ["exact", "none", "none", "empty", "none", "empty"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_bom_and_gb18030_give_the_same_values(graphs, tmp_path, encoding):
    table = tmp_path / "encoded.csv"
    table.write_bytes(table_text(IDS, LABELS).encode(encoding))
    assert read_table(table)[0] == ["编号", "名称"]  # no BOM left in the first column's name
    result = link_table(table, name="encoded", label_column="名称", id_column="编号", out_dir=tmp_path, graphs=graphs)
    assert_outputs_intact(result, IDS, LABELS)


def test_an_undecodable_file_is_refused_naming_it(tmp_path):
    table = tmp_path / "broken-bytes.csv"
    table.write_bytes("编号,名称\nA,北海工业区\nB,".encode("utf-8") + b"\xff\xfe\xff\x80\n")
    with pytest.raises(DataError, match="broken-bytes.csv"):
        read_table(table)
    result = CliRunner().invoke(main, ["link", str(table), "--name", "x", "--label-column", "名称",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "broken-bytes.csv" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_links_the_odd_table_of_a_project(mini, tmp_path):
    table = tmp_path / "odd.csv"
    table.write_bytes(table_text(IDS, LABELS).encode("utf-8"))
    result = CliRunner().invoke(main, ["link", str(table), "--name", "odd", "--label-column", "名称", "--id-column", "编号",
                                       "--root", str(mini), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [exact(line["label"]) for line in read_table(tmp_path / "out" / "odd.csv")[1]] == LABELS


CELL = st.one_of(st.text(max_size=30), st.builds(str.__add__, st.sampled_from(list(FORMULA_STARTS) + ["'", '"', "\n"]),
                                                 st.text(max_size=10)))


@given(labels=st.lists(CELL, min_size=1, max_size=8))
def test_any_labels_come_back_exact(graphs, labels):
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "any.csv"
        ids = [f"=id{n}" for n in range(len(labels))]
        table.write_bytes(table_text(ids, labels).encode("utf-8"))
        result = link_table(table, name="any", label_column="名称", id_column="编号", out_dir=Path(folder), graphs=graphs)
        assert_outputs_intact(result, ids, labels)
