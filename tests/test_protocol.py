"""The endpoint as real clients use it: SPARQLWrapper and rdflib's SPARQLStore with their default
settings over a loopback socket, the protocol's dataset parameters, the service description, and
the project's IRIs resolving with content negotiation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import IN_CI, serving

try:
    import httpx
    import uvicorn
    from fastapi.testclient import TestClient
    from SPARQLWrapper import SPARQLWrapper
except ImportError:  # pragma: no cover - the test extra installs them
    if IN_CI:
        raise
    pytest.skip("needs FastAPI, uvicorn, httpx and SPARQLWrapper: pip install -e '.[test]'", allow_module_level=True)

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from cungai.query.stores import OxigraphEngine
from cungai.rdf.diskstore import store_path
from cungai.serve.endpoint import ServerSettings, create_app
from cungai.serve.negotiation import by_accept, negotiate

LU = URIRef("https://w3id.org/cungai/id/person/lu-dequan")
ORG_HOLDS = URIRef("http://www.w3.org/ns/org#holds")
SOURCE_GRAPH = "https://w3id.org/cungai/graph/source/lunjiao-2019-12-06"
BACKGROUND = "https://w3id.org/cungai/graph/background"
HOLDS = "PREFIX org: <http://www.w3.org/ns/org#> CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
OFFICIALS = "PREFIX cg: <https://w3id.org/cungai/ontology#> SELECT ?person WHERE { ?person a cg:Official } ORDER BY ?person"


@pytest.fixture(scope="module")
def settings(built) -> ServerSettings:
    return ServerSettings(build_dir=built.out_dir, timeout=10.0, max_rows=10_000, workers=2)


@pytest.fixture(scope="module")
def local(built) -> OxigraphEngine:
    return OxigraphEngine(store_path(built.out_dir))


@pytest.fixture(scope="module")
def server(settings):
    """uvicorn serving the app on a free loopback port, in a thread."""
    with serving(create_app(settings)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


# --- negotiation -------------------------------------------------------------------------------

@pytest.mark.parametrize("accept,offers,chosen", [
    ("text/csv;q=0.9, application/sparql-results+json;q=0.2", ("json", "xml", "csv"), "csv"),
    ("text/*;q=0.1, text/csv;q=0", ("json", "csv", "tsv"), "tsv"),                  # q=0: not acceptable
    ("*/*", ("turtle", "rdfxml"), "turtle"),                                        # ties: the server's order
    ("application/rdf+xml", ("turtle", "rdfxml", "jsonld", "nt"), "rdfxml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ("turtle", "rdfxml", "html"), "html"),
    ("image/png", ("json", "xml"), None),
    (None, ("json", "xml"), "json"),
])
def test_accept_with_quality_values(accept, offers, chosen):
    assert by_accept(accept, offers) == chosen


@pytest.mark.parametrize("values,offers,chosen", [
    (["xml", "xml"], ("json", "xml", "csv", "tsv"), "xml"),
    (["xml"], ("turtle", "rdfxml", "jsonld", "nt"), "rdfxml"),     # format=xml asks RDF/XML of a graph
    (["json-ld"], ("turtle", "rdfxml", "jsonld", "nt"), "jsonld"),
    (["n3"], ("turtle", "rdfxml", "jsonld", "nt"), "turtle"),
    (["tsv", "text/tab-separated-values"], ("json", "xml", "csv", "tsv"), "tsv"),
])
def test_format_parameters_as_clients_send_them(values, offers, chosen):
    assert negotiate(offers, "*/*", values) == chosen


# --- SPARQLWrapper, defaults ------------------------------------------------------------------

def test_sparqlwrapper_select_and_ask_with_its_defaults(server, local):
    wrapper = SPARQLWrapper(f"{server}/sparql")  # XML results, GET, format=xml&output=xml&results=xml
    wrapper.setQuery(OFFICIALS)
    document = wrapper.query().convert()
    people = [n.firstChild.data for n in document.getElementsByTagName("uri")]
    assert people == [str(row[0]) for row in local.run(OFFICIALS).rows]
    wrapper.setQuery("ASK { ?s ?p ?o }")
    assert wrapper.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("query", [HOLDS, f"DESCRIBE <{LU}>"])
def test_sparqlwrapper_construct_and_describe_with_its_defaults(server, local, query):
    wrapper = SPARQLWrapper(f"{server}/sparql")
    wrapper.setQuery(query)
    graph = wrapper.query().convert()  # RDF/XML, parsed by rdflib
    assert isinstance(graph, Graph) and len(graph) > 0
    assert isomorphic(graph, local.run(query).graph)


@pytest.mark.parametrize("fmt", ["json", "json-ld", "n3", "turtle", "rdf+xml", "csv", "tsv"])
def test_sparqlwrapper_formats(server, fmt):
    wrapper = SPARQLWrapper(f"{server}/sparql")
    wrapper.setReturnFormat(fmt)
    wrapper.setQuery(OFFICIALS if fmt in ("json", "csv", "tsv") else HOLDS)
    response = wrapper.query().response
    assert response.status == 200
    assert response.read()


# --- rdflib SPARQLStore, defaults -------------------------------------------------------------

def test_rdflib_sparqlstore_select_ask_construct_describe(server, local):
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = [row.person for row in graph.query(OFFICIALS)]
    assert rows == [row[0] for row in local.run(OFFICIALS).rows]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    constructed = graph.query(HOLDS).graph
    assert isomorphic(constructed, local.run(HOLDS).graph)
    described = graph.query(f"DESCRIBE <{LU}>").graph
    assert (LU, RDFS.label, Literal("卢德全", lang="zh")) in described


def test_rdflib_named_graphs_over_the_endpoint(server, local):
    """``Graph(identifier=…)`` sends default-graph-uri: the graph's own triples, no others."""
    store = SPARQLStore(f"{server}/sparql")
    background = Graph(store=store, identifier=URIRef(BACKGROUND))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = local.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BACKGROUND}> {{ ?s ?p ?o }} }}").rows[0][0]
    assert int(next(iter(background.query(count)))[0]) == int(expected)
    assert int(expected) < int(local.run(count).rows[0][0])
    names = {str(g.identifier if isinstance(g, Graph) else g) for g in store.contexts()}  # GRAPH ?name {}
    assert SOURCE_GRAPH in names and BACKGROUND in names
    source = Graph(store=store, identifier=URIRef(SOURCE_GRAPH))
    assert (LU, RDFS.label, Literal("卢德全", lang="zh")) in source  # triples() with default-graph-uri
    assert (LU, RDFS.label, Literal("卢德全", lang="zh")) not in background


def test_dataset_parameters_follow_the_protocol(client, local):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_graph = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def n(params) -> int:
        response = client.get("/sparql", params=params)
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    background = int(local.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BACKGROUND}> {{ ?s ?p ?o }} }}").rows[0][0])
    assert n({"query": count, "default-graph-uri": BACKGROUND}) == background
    assert n({"query": in_graph, "default-graph-uri": BACKGROUND}) == 0          # no named graph given: none
    assert n({"query": in_graph, "named-graph-uri": BACKGROUND}) == background
    post = client.post("/sparql", data={"query": count, "default-graph-uri": BACKGROUND})
    assert int(post.json()["results"]["bindings"][0]["n"]["value"]) == background
    outside = client.get("/sparql", params={"query": count, "default-graph-uri": "http://example.org/g"})
    assert outside.status_code == 400


def test_service_description_without_a_query(client, built):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert names == set(built.report["graphs"])
    as_rdfxml = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert isomorphic(Graph().parse(data=as_rdfxml.text, format="xml"), graph)


# --- the project's IRIs ------------------------------------------------------------------------

@pytest.mark.parametrize("accept,rdf_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml")])
def test_an_entity_iri_answers_rdf_clients(client, accept, rdf_format):
    response = client.get("/id/person/lu-dequan", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.text, format=rdf_format)
    assert {str(o) for o in graph.objects(LU, RDFS.label)} == {"卢德全", "Lu Dequan"}
    posts = set(graph.objects(LU, ORG_HOLDS))
    assert posts and all(set(graph.objects(post, RDFS.label)) for post in posts)  # the neighbours' labels


def test_an_entity_iri_sends_browsers_to_its_page(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/id/person/lu-dequan", headers={"Accept": browser}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/views/entity/person/lu-dequan.html"
    page = client.get("/id/person/lu-dequan", headers={"Accept": browser})
    assert page.status_code == 200 and "卢德全" in page.text and page.headers["content-type"].startswith("text/html")
    assert client.get("/id/person/no-such-person", headers={"Accept": "text/turtle"}).status_code == 404


def test_ontology_sources_and_graphs_resolve(client):
    ontology = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ontology.status_code == 200
    classes = Graph().parse(data=ontology.text, format="turtle")
    assert (URIRef("https://w3id.org/cungai/ontology#Official"), RDFS.label, Literal("干部", lang="zh")) in classes
    assert client.get("/ontology", headers={"Accept": "text/html"}, follow_redirects=False).headers["location"] \
        == "/docs/ontology.html"
    source = client.get("/source/lunjiao-2019-12-06", headers={"Accept": "text/turtle"})
    assert source.status_code == 200 and "lunjiao-2019-12-06" in source.text
    graph = client.get("/graph/background", headers={"Accept": "application/n-triples"})
    assert graph.status_code == 200 and graph.text.count("\n") > 10
    assert client.get("/graph/no-such-graph", headers={"Accept": "text/turtle"}).status_code == 404


def test_downloads_linked_from_the_views_are_served(client, built):
    index = client.get("/views/index.html").text
    for name in ("kg.graphml", "kg.gexf", "kg.ttl", "kg.trig", "report.json"):
        assert f"../{name}" in index
        response = client.get(f"/{name}")
        assert response.status_code == 200 and response.content == (built.out_dir / name).read_bytes(), name
    assert client.get("/pyproject.toml").status_code == 404


def test_served_pages_link_their_iri_to_its_resolver(server, built):
    """In Chromium: the entity page served by `cungai serve` links its IRI to /id/…, which leads back to
    the page; opened from the file system the IRI stays plain text (nothing to resolve it there)."""
    from cungai.errors import EnvironmentProblem
    from cungai.views.browser import VIEWPORT, chromium, require_browser

    try:
        require_browser()
    except EnvironmentProblem as exc:
        if IN_CI:
            pytest.fail(f"browser tests must run in CI: {exc}")
        pytest.skip(f"needs Chromium and a CJK font ({exc})")
    with chromium() as browser:
        page = browser.new_context(viewport=VIEWPORT, service_workers="block").new_page()
        page.goto(f"{server}/views/entity/person/lu-dequan.html", wait_until="load")
        link = page.locator("p.iri a")
        assert link.get_attribute("href") == "/id/person/lu-dequan"
        assert link.inner_text() == str(LU)
        link.click()
        page.wait_for_url(f"{server}/views/entity/person/lu-dequan.html")
        assert "卢德全" in page.inner_text("h1")
        page.goto((built.out_dir / "views" / "entity" / "person" / "lu-dequan.html").as_uri(), wait_until="load")
        assert page.locator("p.iri a").count() == 0 and page.inner_text("p.iri") == str(LU)
