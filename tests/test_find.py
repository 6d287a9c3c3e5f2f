"""Finding entities by name (`cungai find`), and names given for the IRI parameters of `cungai query`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cungai.cli import main
from cungai.errors import UsageError
from cungai.query.find import find_entities, resolve_entity
from cungai.query.library import run_query
from cungai.query.stores import OxigraphEngine
from cungai.rdf.diskstore import store_path

REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/cungai/id/"


@pytest.fixture(scope="module")
def store(built):
    return OxigraphEngine(store_path(built.out_dir)).store


@pytest.mark.parametrize("text,iri,method", [
    ("北海", "park/beihai-gongyequ", "label-stem"),            # a generic term left off
    ("北海工业区", "park/beihai-gongyequ", "label"),
    ("伦教北海工业区", "park/beihai-gongyequ", "place+label"),   # prefixed with its place
    ("顺德区伦教街道", "place/lunjiao", "place+altLabel"),
    ("盧德全", "person/lu-dequan", "label+t2s"),                # traditional characters
    ("beihai gongyequ", "park/beihai-gongyequ", "pinyin+spaces"),
    ("bhgyq", "park/beihai-gongyequ", "initials"),
    ("Lu Dequan", "person/lu-dequan", "label+spaces"),        # the English label
    ("德全", "person/lu-dequan", "partial"),
])
def test_find_names_the_entity_first(store, text, iri, method):
    best = find_entities(store, text)[0]
    assert (best.iri, best.method) == (ID + iri, method)
    assert 0 < best.score <= 1


def test_scores_order_the_candidates_and_type_filters_them(store):
    found = find_entities(store, "北海")
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert len(found) > 1 and found[0].score > found[1].score
    both = {c.iri for c in find_entities(store, "伦教街道") if c.score == 1.0}
    assert both == {ID + "place/lunjiao", ID + "body/lunjiao-jiedao"}
    places = find_entities(store, "伦教街道", "cg:Place")
    assert places[0].iri == ID + "place/lunjiao" and ID + "body/lunjiao-jiedao" not in {c.iri for c in places}
    assert find_entities(store, "xyzzy") == []
    with pytest.raises(ValueError):
        find_entities(store, "北海", "cg:NoSuchClass")


def test_resolve_entity_refuses_ambiguous_and_unknown_names(store):
    assert resolve_entity(store, "北海工业区").iri == ID + "park/beihai-gongyequ"
    with pytest.raises(UsageError, match="body:lunjiao-jiedao.*place:lunjiao"):
        resolve_entity(store, "伦教街道")
    with pytest.raises(UsageError, match="没有名为"):
        resolve_entity(store, "xyzzy")


def test_cli_find(built):
    result = CliRunner().invoke(main, ["find", "北海", "--build", str(built.out_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["name"] == "park:beihai-gongyequ" and rows[0]["score"] == 0.85
    table = CliRunner().invoke(main, ["find", "北海", "--build", str(built.out_dir)])
    assert "park:beihai-gongyequ" in table.output
    bad = CliRunner().invoke(main, ["find", "北海", "--type", "cg:Nope", "--build", str(built.out_dir)])
    assert bad.exit_code == 2


def test_a_name_for_an_iri_parameter_gives_the_rows_of_its_iri(built):
    by_iri = run_query("park-profile", params={"park": "park:beihai-gongyequ"}, build_dir=built.out_dir,
                       queries_dir=REPO / "queries")
    assert by_iri.rows
    for name in ("北海工业区", "北海", "伦教北海工业区"):
        by_name = run_query("park-profile", params={"park": name}, build_dir=built.out_dir, queries_dir=REPO / "queries")
        assert by_name.rows == by_iri.rows, name


@pytest.mark.parametrize("value,message", [
    ("xyzzy", "没有名为"),                                 # unknown name
    ("北海工厂区", "close / 相近: park:beihai-gongyequ"),    # unknown, with the near misses to choose from
    ("伦教街道", "place:lunjiao"),                         # ambiguous: the candidates are listed
    ("park:beihai-gongyequx", "names no entity"),         # an IRI of nothing
])
def test_unknown_ambiguous_or_absent_values_are_usage_errors(built, value, message):
    result = CliRunner().invoke(main, ["query", "park-profile", "--param", f"park={value}", "--build", str(built.out_dir)])
    assert result.exit_code == 2
    assert message in result.output
