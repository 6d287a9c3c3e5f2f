"""Reconciliation of a district table with the graph: right entities, decoys unmatched, nothing guessed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, URIRef
from rdflib.namespace import SKOS

from cungai.cli import main
from cungai.errors import DataError, UsageError
from cungai.link.tables import link_table, read_table
from cungai.project.names import division_name_en, latin_key, normalise, pinyin_syllables
from cungai.rdf.namespaces import dataset_graph

TABLE = Path(__file__).resolve().parent / "data" / "link" / "parks.csv"
ID = "https://w3id.org/cungai/id/"

# What each row of the table must give: the entity (exact or close) or no match at all.
EXPECTED = {
    "P01": ("exact", "park/beihai-gongyequ"),
    "P02": ("exact", "park/huafa-zhubao-chanyeyuan"),                      # traditional characters
    "P03": ("exact", "park/guangdong-huanan-jixie-zhuangbei-chanyeyuan"),
    "P04": ("exact", "park/guangdong-huanan-jixie-zhuangbei-chanyeyuan"),  # skos:altLabel
    "P05": ("exact", "park/yange-gongyequ"),                               # spaces
    "P06": ("exact", "park/yangdalu-bei-gongyequ"),                        # full-width English label
    "P07": ("close", "park/shiban-gongyequ"),                              # pinyin
    "P08": ("exact", "park/yangdalu-bei-gongyequ"),                        # traditional + punctuation
    "P09": ("exact", "place/lunjiao"),
    "P10": ("exact", "place/shunde"),                                      # 順德區: alias, traditional
    "P11": ("exact", "place/foshan"),
    "P12": ("exact", "place/guangdong"),
    "P13": ("exact", "place/adcode-440604000000"),                         # from the Foshan dataset
    "P14": ("close", "transport/lunjiao-zhan"),                            # pinyin with tone marks
    "P15": ("exact", "transport/3haoxian"),                                # full-width digit
    "P16": ("exact", "parcel/huaxing-jiancai-dikuai"),
    "P17": ("exact", "enterprise/yunmi-keji"),
    "P18": ("close", "place/foshan"),                                      # 佛山 without 市
    "P19": ("ambiguous", None),                                            # the place and the office
    **{f"P{n}": ("none", None) for n in range(20, 28)},                    # decoys
    "P22": ("close", "place/yange"),  # 羊额村: the village (cg:Village since issue 12), not its industrial zone
}


@pytest.fixture(scope="module")
def linked(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("links")
    return link_table(TABLE, name="lunjiao-parks", label_column="名称", id_column="编号",
                      out_dir=out, graphs=built.graphs)


def test_every_row_gets_the_expected_decision(linked):
    got = {row.row: (row.decision, row.match[len(ID):] if row.match else None) for row in linked.rows}
    assert got == EXPECTED


def test_counts_on_the_table(linked):
    assert linked.counts == {"exact": 15, "close": 4, "ambiguous": 1, "none": 7, "empty": 0}


def test_ambiguous_row_lists_its_candidates_and_links_nothing(linked):
    row = next(r for r in linked.rows if r.row == "P19")
    assert row.match == "" and row.method == "ambiguous"
    assert {str(c.entity.iri) for c in row.candidates} == {ID + "place/lunjiao", ID + "body/lunjiao-jiedao"}
    assert f"<{ID}place/lunjiao>" in row.match_label and f"<{ID}body/lunjiao-jiedao>" in row.match_label
    assert not list(linked.graph.predicate_objects(row.iri))


def test_methods_say_how_the_names_met(linked):
    methods = {row.row: row.method for row in linked.rows}
    assert methods["P02"] == "label+t2s"
    assert methods["P04"] == "altLabel"
    assert methods["P06"] == "label+width+spaces"
    assert methods["P07"].startswith("pinyin")
    assert methods["P18"] == "label-stem"


def test_csv_has_one_line_per_row_and_the_documented_columns(linked):
    with linked.csv_path.open(encoding="utf-8", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert list(lines[0]) == ["row", "label", "match", "match_label", "score", "method"]
    assert [line["row"] for line in lines] == [f"P{n:02d}" for n in range(1, 28)]
    beihai = lines[0]
    assert (beihai["match"], beihai["match_label"], beihai["score"]) == (ID + "park/beihai-gongyequ", "北海工业区", "1.00")


def test_trig_holds_exact_and_close_matches_in_the_named_graph(linked):
    dataset = Dataset()
    dataset.parse(linked.trig_path, format="trig")
    graph = dataset.graph(dataset_graph("lunjiao-parks"))
    row = URIRef("https://w3id.org/cungai/dataset/lunjiao-parks/P01")
    assert (row, SKOS.exactMatch, URIRef(ID + "park/beihai-gongyequ")) in graph
    assert len(list(graph.triples((None, SKOS.exactMatch, None)))) == 15
    assert len(list(graph.triples((None, SKOS.closeMatch, None)))) == 4


def test_type_filter_with_subclasses_settles_the_ambiguous_row(built, tmp_path):
    places = link_table(TABLE, name="places", label_column="名称", id_column="编号", type_="cg:Place",
                        out_dir=tmp_path, graphs=built.graphs)
    decided = {r.row: (r.decision, r.match[len(ID):]) for r in places.rows}
    assert decided["P19"] == ("exact", "place/lunjiao")
    assert decided["P01"] == ("exact", "park/beihai-gongyequ")  # cg:IndustrialPark is a cg:Place
    assert decided["P17"][0] == "none"  # an enterprise is not a place
    with pytest.raises(UsageError, match="no class"):
        link_table(TABLE, name="x", label_column="名称", type_="cg:NoSuchClass", out_dir=tmp_path, graphs=built.graphs)


def _small_table(encoding: str, bom: bool = False) -> bytes:
    text = "名称\n華發珠寶產業園\n伦教站\n北滘工业区\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gb18030", False)])
def test_utf8_with_or_without_bom_and_gb18030_are_read(built, tmp_path, encoding, bom):
    table = tmp_path / "t.csv"
    table.write_bytes(_small_table(encoding, bom))
    columns, _ = read_table(table)
    assert columns == ["名称"]
    result = link_table(table, name="t", label_column="名称", out_dir=tmp_path, graphs=built.graphs)
    assert [r.decision for r in result.rows] == ["exact", "exact", "none"]


@pytest.mark.parametrize("content", [
    "name\nMüller Straße\nCafé Zürich\n".encode("latin-1"),   # decodes as GB18030 by accident
    "name\nCafé\n".encode("latin-1"),                         # not GB18030 at all
    "名称\n伦教\n".encode("utf-16"),
])
def test_other_encodings_are_refused_naming_the_file(tmp_path, content):
    table = tmp_path / "latin.csv"
    table.write_bytes(content)
    with pytest.raises(DataError, match="latin.csv"):
        read_table(table)


def test_unknown_column_is_a_usage_error(built, tmp_path):
    with pytest.raises(UsageError, match="编号, 名称, 说明"):
        link_table(TABLE, name="x", label_column="name", out_dir=tmp_path, graphs=built.graphs)


def test_cli_link_writes_both_files_and_exit_codes(tmp_path):
    shutil.copy(TABLE, tmp_path / "parks.csv")
    runner = CliRunner()
    result = runner.invoke(main, ["link", str(tmp_path / "parks.csv"), "--name", "lunjiao-parks",
                                  "--label-column", "名称", "--id-column", "编号", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "exact 15 · close 4 · ambiguous 1 · unmatched 7" in result.output
    assert (tmp_path / "out" / "lunjiao-parks.csv").is_file() and (tmp_path / "out" / "lunjiao-parks.trig").is_file()
    (tmp_path / "latin.csv").write_bytes("name\nCafé\n".encode("latin-1"))
    refused = runner.invoke(main, ["link", str(tmp_path / "latin.csv"), "--name", "x", "--label-column", "name",
                                   "--out", str(tmp_path / "out")])
    assert refused.exit_code == 1 and "latin.csv" in refused.output
    misused = runner.invoke(main, ["link", str(tmp_path / "parks.csv"), "--name", "Bad Name", "--label-column", "名称"])
    assert misused.exit_code == 2


def test_normalisation_and_pinyin():
    assert normalise("華南 機械裝備產業園").key == "华南机械装备产业园"
    assert normalise("ＡＢＣ　伦教。").key == "abc伦教"
    assert pinyin_syllables("伦教站") == ["lun", "jiao", "zhan"]
    assert latin_key("Lúnjiào Zhàn") == "lunjiaozhan"
    assert [division_name_en(n) for n in ("顺德区", "佛山市", "广东省", "禅城区", "西安市")] == [
        "Shunde District", "Foshan City", "Guangdong Province", "Chancheng District", "Xi'an City"]


def test_names_prefixed_with_their_place_are_matched_and_other_places_are_not(built, tmp_path):
    """伦教北海工业区 is the Beihai park of Lunjiao; 顺德区伦教街道 is Lunjiao; a place the park is not in
    (北滘) does not make a match, and pinyin initials alone never link."""
    table = tmp_path / "t.csv"
    table.write_text("名称\n伦教北海工业区\n顺德区伦教街道\n北滘北海工业区\nbhgyq\n", encoding="utf-8")
    result = link_table(table, name="t", label_column="名称", out_dir=tmp_path, graphs=built.graphs)
    assert [(r.decision, r.match, r.method) for r in result.rows] == [
        ("exact", ID + "park/beihai-gongyequ", "place+label"),
        ("exact", ID + "place/lunjiao", "place+altLabel"),
        ("none", "", "none"),
        ("none", "", "none"),
    ]
