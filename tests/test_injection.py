"""No injection: whatever text a query parameter is given, it is refused (exit 2) or bound as one RDF term.

Property-based (hypothesis): values of every parameter type are drawn from arbitrary text and from
pieces of SPARQL syntax (quotes, braces, ``#``, new lines, ``>``, backslashes, codepoint escapes,
``SERVICE``, IRIs) and from any Unicode code point, lone surrogates included. Four properties:

1. on the library's own queries, the bound query (parameters as a ``VALUES`` block, as sent to
   Oxigraph and remote endpoints) parses to the same algebra as with a harmless value, except for
   the ``VALUES`` rows, and those rows hold exactly the terms that were bound;
2. on a tiny store that holds the value as an object, the bound query finds that one subject, on
   rdflib and on Oxigraph, just as rdflib's ``initBindings`` (which never goes through text) does;
3. the endpoint answers a query with the value bound as that very term (or refuses it, 400);
4. ``cungai query NAME --param k=v --show`` exits 0 or 2, never with a traceback.

Hypothesis runs derandomized (``tests/conftest.py``); ``make fuzz`` is the long random run.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cungai.cli import main
from cungai.errors import UsageError
from cungai.query.library import PARAM_TYPES, Parameter, get_query
from cungai.rdf.sparql import QueryRefused, inspect, sparql_term, with_values
from cungai.rdf.terms import to_oxigraph, to_rdflib
from cungai.serve.endpoint import ServerSettings, create_app

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "queries"
# Examples, seed and deadline come from the profile tests/conftest.py loads (derandomized by default,
# HYPOTHESIS_PROFILE=deep for a long random run: `make fuzz`).
#: the endpoint parses every query with rdflib (~0.1 s): a fifth of the profile's examples
FEWER = settings(max_examples=max(10, settings().max_examples // 5))

PIECES = [
    '"', "'", '"""', "'''", "\\", "\\\\", "{", "}", "}}", "#", "\n", "\r", "\r\n", "\t", ">", "<", " ", ";",
    ".", ",", "(", ")", "?x", "$x", "^^", "@en", "@", ":", "//", "%22", "UNION", "DROP ALL", "\\u0022",
    "\\U0001F600", "\\n", "\x00", "\x7f", "é", "e\u0301", "北海", "\u2028", "\ufeff", "\U0001F600",
    "} SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } #", '") } UNION { ?s ?p ?o } #', "> } ; DROP ALL #",
    # what would break out of a VALUES block with one or two variables if values were pasted as text
    'x") ("y', 'x" "zh") ("y', 'x") } ?s ?p ?o . #', 'x" "zh") } ?s ?p ?o . #', "x> <y", 'x> "zh") (<y',
]
HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=10).map("".join)
ANY_CODE_POINT = st.text(st.characters(exclude_categories=()), max_size=30)  # surrogates and controls too
RAW = st.one_of(st.text(max_size=30), HOSTILE, ANY_CODE_POINT)
IRI_STARTS = ["park:", "person:", "indicator:", "<https://w3id.org/cungai/id/park/", "https://w3id.org/cungai/id/",
              "urn:x:", "http://127.0.0.1:9/", "<http://example.org/a#", "mailto:"]
IRI_PIECES = ["#", "'", ";", ".", ",", "(", ")", "[", "]", "%22", "%3E", "?x", "$x", "@en", ":", "//", "é", "北海",
              "\U0001F600", "&", "=", "*", "!", "~", "-", "_", "#x> } #"]
IRI_TAIL = st.lists(st.one_of(st.sampled_from(IRI_PIECES), st.text(st.characters(
    exclude_characters='<>"{}|^`\\', exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=4)), max_size=8).map("".join)
VALUES_OF = {
    "iri": st.one_of(RAW, st.builds(operator.add, st.sampled_from(IRI_STARTS), st.one_of(RAW, IRI_TAIL)),
                     IRI_TAIL.map("<https://w3id.org/cungai/id/{}>".format)),
    "string": RAW,
    "language": st.one_of(RAW, st.from_regex(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}", fullmatch=True)),
    "integer": st.one_of(RAW, st.integers().map(str), st.builds(operator.add, st.integers().map(str), RAW)),
    "decimal": st.one_of(RAW, st.decimals(allow_nan=True, allow_infinity=True).map(str),
                         st.builds(operator.add, st.decimals(allow_nan=False).map(str), RAW)),
    "date": st.one_of(RAW, st.dates().map(lambda d: d.isoformat()), st.builds(operator.add, st.dates().map(str), RAW)),
    "year": st.one_of(RAW, st.integers(0, 9999).map("{:04d}".format), st.builds(operator.add, st.just("2020"), RAW)),
}


def test_every_parameter_type_has_a_strategy():
    assert set(VALUES_OF) == set(PARAM_TYPES)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1E+999999999", "1e3", " 1.5"])
def test_a_decimal_must_be_written_as_xsd_decimal(raw):
    """Python's Decimal takes these; xsd:decimal has no NaN or infinity, and 1E+999999999 is a GB of digits."""
    with pytest.raises(UsageError):
        Parameter("x", "decimal", None, "").term(raw)
    assert Parameter("x", "decimal", None, "").term("-12.50") == Literal("-12.50", datatype=XSD.decimal)


# --- 1. the library's queries keep their shape ------------------------------------------------

def shape(algebra: object, found: list) -> object:
    """A comparable form of an rdflib algebra with every VALUES block's rows taken out into ``found``."""
    if isinstance(algebra, CompValue):
        if algebra.name == "values":
            found.append(algebra["res"])
            return ("values", "…")
        return (algebra.name, tuple(sorted((k, shape(v, found)) for k, v in algebra.items())))
    if isinstance(algebra, dict):
        return tuple(sorted((repr(k), shape(v, found)) for k, v in algebra.items()))
    if isinstance(algebra, (list, tuple)):
        return tuple(shape(v, found) for v in algebra)
    if isinstance(algebra, (set, frozenset)):
        return tuple(sorted(repr(v) for v in algebra))
    return repr(algebra)


def bound_shape(text: str, bindings: dict) -> tuple[object, list]:
    found: list = []
    algebra = translateQuery(parseQuery(with_values(text, bindings))).algebra
    return shape(algebra, found), found


HARMLESS = {"iri": URIRef("https://w3id.org/cungai/id/x"), "string": Literal("x"), "language": Literal("en")}


def check_library_parameter(name: str, param: str, raw: str) -> None:
    query = get_query(name, QUERIES)
    try:
        bindings = query.bindings({param: raw})
    except UsageError as refused:
        assert refused.exit_code == 2
        return
    try:
        inspect(with_values(query.text, bindings))  # what `cungai query --endpoint` checks before sending it
    except QueryRefused as refused:  # text the two parsers would read differently (a bad syntax would fail here)
        assert refused.exit_code == 2 and ("codepoint" in str(refused) or "carriage return" in str(refused))
        return
    harmless = {**bindings, param: HARMLESS[query_param_type(query, param)]}
    reference, reference_rows = bound_shape(query.text, harmless)
    got, rows = bound_shape(query.text, bindings)
    assert got == reference, f"{raw!r} changed the shape of {name}"
    assert len(rows) == len(reference_rows)
    for row, before in zip(rows, reference_rows):  # one block per parameter, the query's own blocks untouched
        if row != before:
            assert len(row) == 1 and len(row[0]) == 1 and set(before[0]) == set(row[0]), f"{raw!r} changed a block"
    for key, term in bindings.items():
        ours = [r for r in rows if len(r) == 1 and set(r[0]) == {Variable(key)}]
        assert ours and same_term(ours[0][0][Variable(key)], term), f"{raw!r} was not bound as the one term {term!r}"


def same_term(parsed, bound) -> bool:
    """Equal terms; rdflib's parser (pyparsing) turns a tab into spaces, also inside a string literal."""
    if parsed == bound:
        return True
    return (isinstance(bound, Literal) and "\t" in bound and type(parsed) is type(bound)
            and (parsed.datatype, parsed.language) == (bound.datatype, bound.language)
            and re.fullmatch(re.escape(str(bound)).replace("\\\t", " +"), str(parsed)) is not None)


def query_param_type(query, param: str) -> str:
    return next(p.type for p in query.params if p.name == param)


@given(raw=VALUES_OF["iri"])
def test_an_iri_parameter_cannot_change_the_query(raw):
    check_library_parameter("quantitative-outcomes", "indicator", raw)


@given(raw=VALUES_OF["string"])
def test_a_string_parameter_cannot_change_the_query(raw):
    check_library_parameter("search-evidence", "text", raw)


@given(raw=VALUES_OF["language"])
def test_a_language_parameter_cannot_change_the_query(raw):
    check_library_parameter("officials", "lang", raw)


# --- 2. a bound value finds itself, and only itself --------------------------------------------

SUBJECT, OTHER, P = URIRef("urn:cungai:s"), URIRef("urn:cungai:other"), URIRef("urn:cungai:p")
PATTERN = "SELECT ?s WHERE { ?s <urn:cungai:p> ?x }"
PREPARED = prepareQuery(PATTERN)


@pytest.mark.parametrize("kind", sorted(PARAM_TYPES))
@given(data=st.data())
def test_a_bound_value_matches_itself_only(kind, data):
    raw = data.draw(VALUES_OF[kind], label="raw")
    try:
        term = Parameter("x", kind, None, "").term(raw)
    except UsageError as refused:
        assert refused.exit_code == 2
        return
    try:
        to_oxigraph(term)
    except ValueError:  # Oxigraph checks IRIs more strictly than rdflib: the engine then refuses the query
        assert kind == "iri"
        with pytest.raises(SyntaxError):
            ox.Store().query(with_values(PATTERN, {"x": term}))
        return
    graph = Graph()
    store = ox.Store()
    for subject, value in ((SUBJECT, term), (OTHER, Literal("decoy")), (OTHER, URIRef("urn:cungai:decoy"))):
        graph.add((subject, P, value))
        store.add(ox.Quad(ox.NamedNode(str(subject)), ox.NamedNode(str(P)), to_oxigraph(value)))
    by_bindings = {row[0] for row in graph.query(PREPARED, initBindings={"x": term})}  # --engine rdflib
    by_values = {to_rdflib(s["s"]) for s in store.query(with_values(PATTERN, {"x": term}))}  # oxigraph, endpoint
    assert by_bindings == by_values == {SUBJECT}, f"{raw!r} bound as {term!r}"


def test_the_string_that_broke_n3_is_bound_on_both_engines():
    """Regression: rdflib's ``n3()`` wrote newline + backslash + quote as a long string no parser accepts."""
    term = Literal('\n\\"')
    assert sparql_term(term) == '"\\n\\\\\\""'
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(str(SUBJECT)), ox.NamedNode(str(P)), ox.Literal(str(term))))
    assert [to_rdflib(s["s"]) for s in store.query(with_values(PATTERN, {"x": term}))] == [SUBJECT]
    check_library_parameter("search-evidence", "text", '\n\\"')


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_string_that_broke_n3_runs_from_the_command_line(mini_built, engine):
    result = CliRunner().invoke(main, ["query", "search-evidence", "--param", 'text=\n\\"', "--engine", engine,
                                       "--build", str(mini_built.out_dir), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "bad SPARQL" not in result.output


@pytest.mark.parametrize("raw", ["\udcff", "ok\ud800", "\udfff北海"])
def test_a_lone_surrogate_is_a_usage_error_in_both_languages(raw):
    result = CliRunner().invoke(main, ["query", "search-evidence", "--param", f"text={raw}", "--show"])
    assert result.exit_code == 2
    assert "not valid Unicode text" in result.output and "不是有效的 Unicode 文本" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("code", "written"), [(0x00, "\\U00000000"), (0x01, "\\U00000001"), (0x1B, "\\U0000001B"),
                                               (0x7F, "\\U0000007F"), (0x09, "\\t"), (0x0A, "\\n"), (0x0D, "\\r"),
                                               (0x08, "\\b"), (0x0C, "\\f"), (0x22, '\\"'), (0x5C, "\\\\")])
def test_control_characters_are_escaped_per_the_sparql_grammar(code, written):
    assert sparql_term(Literal(chr(code))) == f'"{written}"'
    inspect(with_values(PATTERN, {"x": Literal(f"a{chr(code)}1234b")}))  # both parsers agree on it


# --- 3. the endpoint --------------------------------------------------------------------------

ECHO = "SELECT ?x WHERE { }"


@pytest.fixture(scope="module")
def endpoint(mini_built):
    from fastapi.testclient import TestClient

    served = ServerSettings(build_dir=mini_built.out_dir, timeout=10.0, workers=1)
    with TestClient(create_app(served)) as client:
        yield client


def json_term(cell: dict):
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    return Literal(cell["value"], datatype=URIRef(datatype) if datatype and not datatype.endswith("#string") else None)


def check_endpoint(endpoint, kind: str, raw: str) -> None:
    """The endpoint answers ``raw`` bound as a ``kind`` parameter with that term, or refuses it (400)."""
    try:
        term = Parameter("x", kind, None, "").term(raw)
        query = with_values(ECHO, {"x": term})
    except UsageError as refused:
        assert refused.exit_code == 2
        return
    response = endpoint.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    if response.status_code == 400:  # refused as the CLI refuses it: text the two parsers read differently
        assert "codepoint" in response.text or "IRI" in response.text, response.text
        return
    assert response.status_code == 200, response.text
    [row] = response.json()["results"]["bindings"]
    answered = json_term(row["x"])
    # Oxigraph writes a number in its canonical form ("0.0"^^xsd:decimal comes back as "0"): the same value
    same_value = (isinstance(term, Literal) and isinstance(answered, Literal) and answered.datatype == term.datatype
                  and answered.value is not None and answered.value == term.value)
    assert answered == term or same_value, f"{raw!r} bound as {term!r}, answered {answered!r}"


@pytest.mark.parametrize("kind", sorted(PARAM_TYPES))
@FEWER
@given(data=st.data())
def test_the_endpoint_answers_with_the_bound_term(endpoint, kind, data):
    check_endpoint(endpoint, kind, data.draw(VALUES_OF[kind], label="raw"))


@pytest.mark.parametrize(("kind", "raw"), [("decimal", ".0"), ("decimal", "-12.50"), ("integer", "007"),
                                           ("string", '\n\\"'), ("string", "a\x01\x7f\x1bb")])
def test_the_endpoint_answers_with_these_terms(endpoint, kind, raw):
    """Found by the deep run (``make fuzz``): ".0" came back as "0", the same decimal in canonical form."""
    check_endpoint(endpoint, kind, raw)


# --- 4. the command line ------------------------------------------------------------------------

@given(park=VALUES_OF["iri"], lang=VALUES_OF["language"])
def test_cli_parameters_exit_0_or_2(park, lang):
    result = CliRunner().invoke(main, ["query", "park-profile", "--param", f"park={park}", "--param", f"lang={lang}",
                                       "--show"], catch_exceptions=False)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        expected = get_query("park-profile", QUERIES).bound_text({"park": park, "lang": lang})
        assert result.output == expected
