"""The query library on the real graph: every .rq answers, rdflib and Oxigraph agree, parameters
cannot change a query's shape, bad SPARQL exits 2 with line and column, every CLI form works."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from cungai.cli import main
from cungai.errors import UsageError
from cungai.query.library import get_query, library, load_query, run_query
from cungai.rdf.sparql import QueryRefused, QuerySyntaxError, inspect, with_values
from cungai.query.stores import MemoryEngine, OxigraphEngine

from conftest import rows_of

REPO = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
HOSTILE = 'x" } ; DROP ALL #'
IRI_COLUMNS = {"sameAs"}  # columns that may hold IRIs (external identifiers); every other shows labels
#: Questions about several sources: the article alone gives them no row, so they run on the mini
#: project with a second, invented source (conftest.two_sources) instead.
SEVERAL_SOURCES = {"facts-in-several-sources", "quantities-across-sources"}


@pytest.fixture(scope="module")
def engines(built):
    trig = built.out_dir / "kg.trig"
    return {"rdflib": MemoryEngine(trig), "oxigraph": OxigraphEngine(trig)}


@pytest.fixture(scope="module")
def engines_for(engines, two_sources):
    """The engines a query file runs on: the article's, or the two sources' for SEVERAL_SOURCES."""
    trig = two_sources.out_dir / "kg.trig"
    several = {"rdflib": MemoryEngine(trig), "oxigraph": OxigraphEngine(trig)}
    return lambda path: several if path.stem in SEVERAL_SOURCES else engines


@pytest.fixture(scope="module")
def answer(engines_for):
    """Rows of a stored query on an engine, computed once per (engine, query, parameters)."""
    cache: dict = {}

    def run(engine: str, path: Path, given: dict | None = None):
        key = (engine, path.stem, tuple(sorted((given or {}).items())))
        if key not in cache:
            query = load_query(path)
            cache[key] = engines_for(path)[engine].run(query.text, query.bindings(given))
        return cache[key]

    return run


@pytest.fixture(scope="module")
def build_dir(built) -> str:
    return str(built.out_dir)


def test_the_library_answers_every_competency_question():
    queries = library(REPO / "queries")
    assert len(queries) >= 20
    covered = {n for q in queries.values() for n in q.questions}
    assert covered >= set(range(1, 16)), f"DESIGN §6 questions without a query: {sorted(set(range(1, 16)) - covered)}"


def test_every_query_is_listed_in_the_readme():
    readme = (REPO / "queries" / "README.md").read_text(encoding="utf-8").split("## The questions")[1]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, flags=re.M))
    assert listed == {p.stem for p in QUERY_FILES}


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_header_and_syntax(path):
    query = load_query(path)
    assert query.title_zh and query.title_en and query.answers_zh and query.answers_en
    assert inspect(query.text).form == query.form == "SELECT"
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", query.text), f"parameter {param.name} is not a variable of the query"
    inspect(query.bound_text())  # the --show form parses too


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_answers_the_same_on_rdflib_and_oxigraph(path, answer):
    query = load_query(path)
    for given in ({}, {"lang": "en"}) if any(p.name == "lang" for p in query.params) else ({},):
        memory, oxigraph = answer("rdflib", path, given), answer("oxigraph", path, given)
        assert memory.rows, f"{path.name} {given}: no rows on the built graph"
        assert memory.variables == oxigraph.variables
        assert rows_of(memory) == rows_of(oxigraph), f"{path.name} {given}: rdflib and Oxigraph differ"
        for column, values in zip(memory.variables, zip(*memory.rows)):
            if column not in IRI_COLUMNS:
                assert not any(isinstance(v, URIRef) for v in values), f"{path.name}: bare IRIs in column {column}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_the_shown_query_runs_as_it_is(path, engines_for, answer):
    """`--show` (parameters as a VALUES block, no bindings) gives the rows that rdflib's initBindings give."""
    query = load_query(path)
    shown = engines_for(path)["oxigraph"].run(query.bound_text(), {})
    assert rows_of(shown) == rows_of(answer("rdflib", path))


@pytest.mark.parametrize(("name", "given", "expected"), [
    ("park-profile", {"park": "park:beihai-gongyequ", "lang": "en"}, "Beihai"),
    ("evidence-for-entity", {"entity": "https://w3id.org/cungai/id/person/ran-yong"}, "联合执法组副组长冉勇"),
    ("quantitative-outcomes", {"indicator": "indicator:monthly-output-value"}, "40000000"),
    ("search-evidence", {"text": "收储"}, "收储"),
])
def test_parameters_change_the_answer(name, given, expected, answer):
    path = REPO / "queries" / f"{name}.rq"
    memory, oxigraph = answer("rdflib", path, given), answer("oxigraph", path, given)
    assert rows_of(memory) == rows_of(oxigraph)
    assert any(expected in str(term) for row in memory.rows for term in row if term is not None)
    assert rows_of(memory) != rows_of(answer("rdflib", path))


#: Columns that say a row rests on evidence; a query that shows any of them names the source too.
EVIDENCE_COLUMNS = {"quote", "start", "claimStatus", "accordingTo"}
SOURCE_COLUMNS = ("sourceId", "title", "issued")


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_facts_name_their_source(path, answer):
    """Every question that shows a quote, an offset, a claim status or who asserts it has the source's
    id, title and date beside them, and they are bound on exactly the rows whose evidence is."""
    result = answer("oxigraph", path)
    shown = EVIDENCE_COLUMNS & set(result.variables)
    if not shown:
        return
    assert set(SOURCE_COLUMNS) <= set(result.variables), f"{path.name}: no source columns beside {sorted(shown)}"
    at = {column: result.variables.index(column) for column in (*shown, *SOURCE_COLUMNS)}
    expected = {"lunjiao-2019-12-06"} if path.stem not in SEVERAL_SOURCES else {"mini-2020-01-01", "shili-2020-03-01"}
    seen = set()
    for row in result.rows:
        has_evidence = any(row[at[c]] is not None for c in shown)
        if has_evidence:
            assert all(row[at[c]] is not None for c in SOURCE_COLUMNS), f"{path.name}: evidence without its source: {row}"
            seen.add(str(row[at["sourceId"]]))
    assert seen <= expected and seen, f"{path.name}: sources {seen}"


def test_a_fact_stated_by_two_sources_gives_a_row_for_each(two_sources):
    """The earliest quote is taken per source: a fact of both articles shows both, each with its own
    quote and offsets, ordered by the sources' dates (offsets of different articles never mix)."""
    engine = OxigraphEngine(two_sources.out_dir / "kg.trig")
    query = load_query(REPO / "queries" / "search-evidence.rq")
    rows = rows_of(engine.run(query.text, query.bindings({"text": "示例"})))
    sources = [str(row[0]) for row in rows]
    assert set(sources) == {"mini-2020-01-01", "shili-2020-03-01"}
    assert sources == sorted(sources, key=lambda s: s != "mini-2020-01-01")  # the earlier source first


EARLIEST_QUOTES = """
@prefix cg: <https://w3id.org/cungai/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://w3id.org/cungai/id/test/> .
@prefix src: <https://w3id.org/cungai/source/> .
<https://w3id.org/cungai/graph/source/test> {
  src:test dcterms:title "测试文章"@zh ; dcterms:issued "2020-01-02"^^xsd:date .
  :a a cg:Official ; rdfs:label "甲"@zh ; org:holds :post-a .
  :b a cg:Official ; rdfs:label "乙"@zh ; org:holds :post-b .
  :post-a org:postIn :body ; rdfs:label "甲职"@zh .
  :post-b org:postIn :body ; rdfs:label "乙职"@zh .
  :body rdfs:label "机构"@zh .
  :gain cg:outcomeOf :work ; rdfs:label "成效"@zh .
  :work rdfs:label "工作"@zh .
  :holds-a rdf:subject :a ; rdf:predicate org:holds ; rdf:object :post-a .
  :holds-b rdf:subject :b ; rdf:predicate org:holds ; rdf:object :post-b .
  :gain-of rdf:subject :gain ; rdf:predicate cg:outcomeOf ; rdf:object :work .
  :n1 oa:hasBody :holds-a ; oa:hasTarget :at40 ; cg:claimStatus :planned ; cg:accordingTo :b .
  :n2 oa:hasBody :holds-a ; oa:hasTarget :at5 ; cg:claimStatus :reported ; cg:accordingTo :src .
  :n3 oa:hasBody :holds-b ; oa:hasTarget :at20 ; cg:claimStatus :reported ; cg:accordingTo :b .
  :n4 oa:hasBody :gain-of ; oa:hasTarget :at40 ; cg:claimStatus :reported ; cg:accordingTo :src .
  :n5 oa:hasBody :gain-of ; oa:hasTarget :at20 ; cg:claimStatus :opinion ; cg:accordingTo :b .
  :planned rdfs:label "计划中"@zh . :reported rdfs:label "已报道为事实"@zh . :opinion rdfs:label "观点"@zh .
  :src rdfs:label "来源"@zh .
  :at5 oa:hasSource src:test ; oa:hasSelector :at5-position , :at5-quote .
  :at5-position oa:start 5 ; oa:end 9 .
  :at5-quote oa:exact "甲先任职" .
  :at20 oa:hasSource src:test ; oa:hasSelector :at20-position , :at20-quote .
  :at20-position oa:start 20 ; oa:end 24 .
  :at20-quote oa:exact "乙任职" .
  :at40 oa:hasSource src:test ; oa:hasSelector :at40-position , :at40-quote .
  :at40-position oa:start 40 ; oa:end 44 .
  :at40-quote oa:exact "甲再任职" .
}
"""


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_each_fact_gets_its_own_earliest_quote(store, tmp_path):
    """Two quotes of one post, one of another: each official gets the first quote of their own post
    (the MIN sub-selects must project the variables they share with the row, or rdflib mixes facts),
    with the claim status and speaker of that quote's annotation."""
    trig = tmp_path / "kg.trig"
    trig.write_text(EARLIEST_QUOTES, encoding="utf-8")
    engine = MemoryEngine(trig) if store == "rdflib" else OxigraphEngine(trig)

    def rows(name: str) -> list[tuple]:
        query = load_query(REPO / "queries" / f"{name}.rq")
        return [tuple(None if t is None else t.toPython() for t in row)
                for row in rows_of(engine.run(query.text, query.bindings()))]

    article = ("test", "测试文章", date(2020, 1, 2))
    assert rows("officials") == [("甲", "甲职", None, "机构", *article, "甲先任职", 5, 9, "已报道为事实", "来源"),
                                 ("乙", "乙职", None, "机构", *article, "乙任职", 20, 24, "已报道为事实", "乙")]
    # the status and speaker come from the annotation of that earliest quote, not from another one
    assert rows("reported-outcomes") == [(*article, 20, "工作", "成效", None, None, None, "观点", "乙")]


def _algebra(text: str) -> str:
    return str(translateQuery(parseQuery(text)).algebra)


def test_a_hostile_value_cannot_change_the_query(engines):
    query = get_query("search-evidence", REPO / "queries")
    hostile = with_values(query.text, query.bindings({"text": HOSTILE}))
    harmless = with_values(query.text, query.bindings({"text": "x"}))
    assert _algebra(hostile).replace(repr(Literal(HOSTILE)), "VALUE") == _algebra(harmless).replace(repr(Literal("x")), "VALUE")
    sizes = {name: len(engine.run("SELECT * WHERE { ?s ?p ?o }").rows) for name, engine in engines.items()}
    for engine in engines.values():
        result = engine.run(query.text, query.bindings({"text": HOSTILE}))
        assert result.rows == []  # no quote contains it: the value was compared, not executed
    assert sizes == {name: len(engine.run("SELECT * WHERE { ?s ?p ?o }").rows) for name, engine in engines.items()}


@pytest.mark.parametrize(("name", "given"), [
    ("park-profile", {"park": HOSTILE}),
    ("park-profile", {"park": "park:x> } ; DROP ALL #"}),
    ("officials", {"lang": 'zh" } #'}),
    ("officials", {"nonsense": "1"}),
])
def test_bad_parameters_are_usage_errors(name, given):
    with pytest.raises(UsageError):
        get_query(name, REPO / "queries").bindings(given)


def test_bad_sparql_names_line_and_column():
    with pytest.raises(QuerySyntaxError) as caught:
        inspect("SELECT ?s\nWHERE {\n  ?s ?p \n}")
    assert (caught.value.line, caught.value.column) == (3, 3)
    assert "^" in str(caught.value)


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_updates_and_service_never_run(store, engines):
    with pytest.raises(QueryRefused):
        engines[store].run("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QueryRefused):
        engines[store].run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused):
        engines[store].run("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }")
    local = engines[store].run(
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cungai/graph/links> WHERE { ?s ?p ?o }")
    assert int(local.rows[0][0]) > 0


# --- the command line ------------------------------------------------------------------------

def cli(*args: str, input: str | None = None):
    # a terminal as wide as a reader's: at 80 columns rich wraps the twelve columns of `officials` mid-name
    return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), input=input, catch_exceptions=False)


def test_cli_lists_the_library():
    result = cli("query", "--list")
    assert result.exit_code == 0
    for path in QUERY_FILES:
        assert path.stem in result.output


@pytest.mark.parametrize(("fmt", "store"), [
    ("table", "rdflib"), ("csv", "rdflib"),
    ("table", "oxigraph"), ("csv", "oxigraph"), ("json", "oxigraph"), ("md", "oxigraph"), ("xml", "oxigraph"),
    ("tsv", "oxigraph"),
])
def test_cli_query_formats(fmt, store, build_dir):
    result = cli("query", "officials", "--format", fmt, "--engine", store, "--build", build_dir)
    assert result.exit_code == 0, result.output
    assert "卢德全" in result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert data["head"]["vars"][0] == "official" and data["results"]["bindings"]
    elif fmt == "csv":
        assert result.output.splitlines()[0] == "official,post,role,body,sourceId,title,issued,quote,start,end,claimStatus,accordingTo"
    elif fmt == "md":
        assert result.output.startswith("| official | post |")


def test_cli_query_parameters_and_show(build_dir):
    result = cli("query", "park-profile", "--param", "park=park:beihai-gongyequ", "--param", "lang=en",
                 "--format", "csv", "--engine", "oxigraph", "--build", build_dir)
    assert result.exit_code == 0 and "Beihai" in result.output
    shown = cli("query", "park-profile", "--param", "park=park:beihai-gongyequ", "--show")
    assert "VALUES ?park { <https://w3id.org/cungai/id/park/beihai-gongyequ> }\n  VALUES ?lang { \"zh\" }" in shown.output


@pytest.mark.parametrize(("args", "needle"), [
    (("query", "oficials"), "officials"),
    (("query", "officials", "--param", "lang=zh\"}"), "lang"),
    (("query", "officials", "--param", "oops"), "NAME=VALUE"),
    (("sparql", "SELECT ?s\nWHERE {\n  ?s ?p \n}"), "line 3, column 3"),
    (("sparql", "DELETE WHERE { ?s ?p ?o }"), "read-only"),
    (("sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"), "SERVICE"),
    (("sparql", "missing-file.rq"), "no such query file"),
])
def test_cli_usage_errors_exit_2(args, needle, build_dir):
    result = cli(*args, "--engine", "oxigraph", "--build", build_dir)
    assert result.exit_code == 2, result.output
    assert needle in result.output


def test_cli_missing_build_is_a_usage_error(tmp_path):
    result = cli("query", "officials", "--build", str(tmp_path))
    assert result.exit_code == 2 and "cungai build" in result.output


def test_cli_sparql_text_file_and_stdin(tmp_path, build_dir):
    text = "SELECT ?label WHERE { ?p a cg:Official ; rdfs:label ?label FILTER(lang(?label) = 'en') } ORDER BY ?label"
    by_text = cli("sparql", text, "--format", "csv", "--build", build_dir)  # rdflib
    assert by_text.exit_code == 0 and "Lu Dequan" in by_text.output
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    assert cli("sparql", str(path), "--format", "csv", "--engine", "oxigraph", "--build", build_dir).output == by_text.output
    assert cli("sparql", "-", "--format", "csv", "--engine", "oxigraph", "--build", build_dir, input=text).output == by_text.output
    ask = cli("sparql", "ASK { ?s a cg:Official }", "--build", build_dir, "--engine", "oxigraph")
    assert ask.output.strip() == "true"


@pytest.mark.parametrize("fmt", ["table", "turtle", "nt", "jsonld"])
def test_cli_sparql_construct(fmt, build_dir):
    query = "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
    result = cli("sparql", query, "--format", fmt, "--engine", "oxigraph", "--build", build_dir)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format={"nt": "nt", "jsonld": "json-ld"}.get(fmt, "turtle"))
    assert len(graph) >= 4


def test_cli_select_cannot_be_written_as_turtle(build_dir):
    result = cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle", "--engine", "oxigraph",
                 "--build", build_dir)
    assert result.exit_code == 2


def test_run_query_is_one_call(build_dir):
    result = run_query("officials", params={"lang": "en"}, engine="oxigraph", build_dir=build_dir)
    assert any("Lu Dequan" in str(term) for row in result.rows for term in row)
