"""Declarative imports and official codes: the Foshan divisions dataset, its links, and broken mappings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cungai.link.adcodes import (
    DATA_FILE, DATASET, LINKS_FILE, package_file, read_divisions, render_divisions, render_links,
)
from cungai.project.reader import load_project
from cungai.errors import DataError
from cungai.rdf.namespaces import CG, SCHEMA, VOID, dataset_graph
from cungai.paths import project_paths
from cungai.checks.validate import validate

REPO = Path(__file__).resolve().parent.parent
PATHS = project_paths(REPO)
FOLDER = PATHS.datasets_dir / DATASET
GRAPH_NAME = dataset_graph(DATASET)
PLACE = "https://w3id.org/cungai/id/place/"
DIVISIONS = {  # code: (zh, en, parent code)
    "440000000000": ("广东省", "Guangdong Province", None),
    "440600000000": ("佛山市", "Foshan City", "440000000000"),
    "440604000000": ("禅城区", "Chancheng District", "440600000000"),
    "440605000000": ("南海区", "Nanhai District", "440600000000"),
    "440606000000": ("顺德区", "Shunde District", "440600000000"),
    "440607000000": ("三水区", "Sanshui District", "440600000000"),
    "440608000000": ("高明区", "Gaoming District", "440600000000"),
}


def test_dataset_graph_holds_the_divisions_of_foshan(built):
    graph = built.graphs[GRAPH_NAME]
    found = {str(s)[len(PLACE) + len("adcode-"):] for s in graph.subjects(RDF.type, CG.AdministrativeArea)}
    assert found == set(DIVISIONS)
    for code, (zh, en, parent) in DIVISIONS.items():
        division = URIRef(f"{PLACE}adcode-{code}")
        assert (division, RDFS.label, Literal(zh, lang="zh")) in graph
        assert (division, RDFS.label, Literal(en, lang="en")) in graph
        assert (division, SCHEMA.identifier, Literal(code)) in graph
        assert graph.value(division, CG.locatedIn) == (URIRef(f"{PLACE}adcode-{parent}") if parent else None)


def test_dataset_is_validated_and_written_everywhere(built):
    assert built.report["shacl"]["conforms"] is True
    assert built.report["graphs"][str(GRAPH_NAME)] == len(built.graphs[GRAPH_NAME])
    kg = Dataset()
    kg.parse(built.out_dir / "kg.trig", format="trig")
    assert len(kg.graph(GRAPH_NAME)) == len(built.graphs[GRAPH_NAME])
    void = Graph().parse(built.out_dir / "void.ttl")
    assert int(void.value(GRAPH_NAME, VOID.triples)) == len(built.graphs[GRAPH_NAME])
    assert {t.language for t in void.objects(GRAPH_NAME, DCTERMS.title)} == {"zh", "en"}
    assert void.value(GRAPH_NAME, DCTERMS.license) == URIRef("https://opensource.org/licenses/MIT")
    version, _ = package_file()
    assert f"cpca {version}" in str(void.value(GRAPH_NAME, DCTERMS.source))
    dataset = URIRef("https://w3id.org/cungai/dataset")
    assert any(f"cpca {version}" in str(s) for s in void.objects(dataset, DCTERMS.source))
    assert list(void.objects(dataset, VOID.sparqlEndpoint))


def test_dataset_alone_conforms_to_the_shapes(built):
    data = built.graphs[GRAPH_NAME] + built.graphs[URIRef("https://w3id.org/cungai/graph/ontology")]
    shapes = Graph().parse(PATHS.shapes)
    assert [v for v in validate(data, shapes) if v.severity == "Violation"] == []


def test_committed_table_is_what_the_package_gives():
    committed = (FOLDER / DATA_FILE).read_text(encoding="utf-8")
    assert committed == render_divisions()
    _, path = package_file()
    package_lines = set(path.read_text(encoding="utf-8").splitlines())
    assert all(line in package_lines for line in committed.splitlines())
    _, rows = read_divisions(FOLDER / DATA_FILE)
    assert {r.code for r in rows} == set(DIVISIONS)


def test_committed_links_are_what_the_generator_gives(built):
    assert (PATHS.links_dir / LINKS_FILE).read_text(encoding="utf-8") == render_links(built.graphs)


def test_links_give_codes_to_guangdong_foshan_and_shunde_only(built):
    links = built.graphs[URIRef("https://w3id.org/cungai/graph/links")]
    codes = {str(s)[len(PLACE):]: str(o) for s, o in links.subject_objects(SCHEMA.identifier)}
    assert codes == {"guangdong": "440000000000", "foshan": "440600000000", "shunde": "440606000000"}
    assert (URIRef(PLACE + "shunde"), SKOS.exactMatch, URIRef(PLACE + "adcode-440606000000")) in links
    text = (PATHS.links_dir / LINKS_FILE).read_text(encoding="utf-8")
    assert "place:lunjiao 伦教: cpca has no row named" in text
    assert "cpca/resources/adcodes.csv line" in text


def test_metadata_names_the_installed_package_version():
    version, _ = package_file()
    assert f"cpca {version}" in (FOLDER / "dataset.ttl").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- broken datasets

@pytest.fixture()
def with_dataset(mini):
    """The mini project with a copy of the Foshan dataset, to break."""
    shutil.copytree(FOLDER, mini / "graph" / "datasets" / DATASET)
    return mini


def _mapping(project: Path) -> Path:
    return project / "graph" / "datasets" / DATASET / "mapping.yml"


def test_copy_of_the_dataset_loads_in_another_project(with_dataset):
    graphs = load_project(project_paths(with_dataset)).graphs
    assert len(graphs[GRAPH_NAME]) == len(load_project(PATHS).graphs[GRAPH_NAME])


@pytest.mark.parametrize("old,new,message", [
    ("mappings:\n", "mappings:\n  - [broken\n", "YAML syntax error"),  # before morph-kgc runs, at its line
    ("SELECT adcode, name FROM", "SELECT adcode, nom AS name2 FROM", "the mapping failed in morph-kgc"),
    ("[https://schema.org/identifier, $(adcode)]", "[schema:identifier, $(adcode)]", "http://schema.org/identifier"),
    ("read_csv('divisions.csv'", "read_csv('missing.csv'", "the mapping failed in morph-kgc"),
])
def test_broken_mapping_fails_naming_the_file(with_dataset, old, new, message):
    mapping = _mapping(with_dataset)
    text = mapping.read_text(encoding="utf-8")
    assert old in text
    mapping.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_project(project_paths(with_dataset))
    assert str(mapping) in str(error.value) and message in str(error.value)


def test_incomplete_description_fails_naming_the_file(with_dataset):
    metadata = with_dataset / "graph" / "datasets" / DATASET / "dataset.ttl"
    text = metadata.read_text(encoding="utf-8")
    english_title = ' , "Administrative divisions of Foshan (with Guangdong province)"@en'
    assert english_title in text
    metadata.write_text(text.replace(english_title, ""), encoding="utf-8")
    with pytest.raises(DataError, match=r"dataset\.ttl: .* needs dcterms:title@en"):
        load_project(project_paths(with_dataset))


def test_shapes_apply_to_dataset_entities(with_dataset):
    from cungai.build.pipeline import build

    mapping = _mapping(with_dataset)
    text = mapping.read_text(encoding="utf-8")
    start = text.index("      - p: rdfs:label")
    end = text.index("      - [https://schema.org/identifier")
    mapping.write_text(text[:start] + text[end:], encoding="utf-8")  # no English labels
    with pytest.raises(DataError, match=r"顺德区 <https://w3id.org/cungai/id/place/adcode-440606000000> — needs an English label"):
        build(root=with_dataset)
