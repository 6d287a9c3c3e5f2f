"""`cungai serve`: the SPARQL 1.1 Protocol endpoint, in-process (TestClient) and over a real socket."""

from __future__ import annotations

import io
import re
import select
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import IN_CI, rows_of, serving

try:
    import httpx
    import uvicorn
    from fastapi.testclient import TestClient
except ImportError:  # pragma: no cover - the test extra installs them
    if IN_CI:
        raise
    pytest.skip("server tests need FastAPI, uvicorn and httpx: pip install -e '.[test]'", allow_module_level=True)

from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

from cungai.serve.endpoint import ServerSettings, create_app
from cungai.query.library import library, run_query
from cungai.query.stores import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent
CG = "PREFIX cg: <https://w3id.org/cungai/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "
OFFICIALS = CG + "SELECT ?person WHERE { ?person a cg:Official } ORDER BY ?person"
HOLDS = CG + "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_ROWS = 50


@pytest.fixture(scope="module")
def settings(built) -> ServerSettings:
    return ServerSettings(build_dir=built.out_dir, timeout=2.0, max_rows=MAX_ROWS, max_request_bytes=16_000, workers=2)


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def oxigraph(built) -> OxigraphEngine:
    return OxigraphEngine(built.out_dir / "kg.trig")


@contextmanager
def listening_socket():
    """A loopback socket that listens and reports whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    try:
        yield sock, f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def connected(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0.5)
    return bool(readable)


def count(client) -> int:
    response = client.get("/sparql", params={"query": COUNT})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- in-process ------------------------------------------------------------------------------

def test_select_by_get_as_json(client):
    response = client.get("/sparql", params={"query": OFFICIALS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    people = [b["person"]["value"] for b in response.json()["results"]["bindings"]]
    assert "https://w3id.org/cungai/id/person/lu-dequan" in people


@pytest.mark.parametrize("how", ["form", "body"])
def test_select_by_post(client, how):
    if how == "form":
        response = client.post("/sparql", data={"query": OFFICIALS})
    else:
        response = client.post("/sparql", content=OFFICIALS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) >= 3


@pytest.mark.parametrize(("accept", "media", "marker"), [
    ("text/csv", "text/csv", "person\r\nhttps://w3id.org/cungai/id/person/"),
    ("text/tab-separated-values", "text/tab-separated-values", "?person\n<https://w3id.org/cungai/id/person/"),
    ("application/sparql-results+xml", "application/sparql-results+xml", '<binding name="person"><uri>'),
    ("text/html;q=0.5, text/csv;q=0.9", "text/csv", "person\r\n"),
])
def test_select_formats_by_content_negotiation(client, accept, media, marker):
    response = client.get("/sparql", params={"query": OFFICIALS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text


def test_ask_as_json_and_xml(client):
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": "ASK { <urn:no> ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>false</boolean>" in xml.text


@pytest.mark.parametrize(("accept", "rdf_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")])
def test_construct_by_content_negotiation(client, oxigraph, accept, rdf_format):
    response = client.post("/sparql", data={"query": HOLDS}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert isomorphic(Graph().parse(data=response.text, format=rdf_format), oxigraph.run(HOLDS).graph)


def test_describe_as_turtle(client):
    response = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/cungai/id/person/lu-dequan>"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.text, format="turtle")) > 0


def test_unacceptable_format_is_406(client):
    assert client.get("/sparql", params={"query": OFFICIALS}, headers={"Accept": "image/png"}).status_code == 406


def test_bad_query_is_400_with_line_and_column(client):
    response = client.get("/sparql", params={"query": "SELECT ?s\nWHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert "line 3, column 3" in response.text


@pytest.mark.parametrize("how", ["form", "body", "query", "get"])
def test_updates_are_refused_and_change_nothing(client, how):
    before = count(client)
    update = "DROP ALL"
    if how == "form":
        response = client.post("/sparql", data={"update": update})
    elif how == "body":
        response = client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    elif how == "query":
        response = client.post("/sparql", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    else:
        response = client.get("/sparql", params={"update": update})
    assert response.status_code in (403, 405)
    assert count(client) == before


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}/sparql> {{ ?s ?q ?r }} }} }}",
    "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    # rdflib (the check) once saw these SERVICE calls as comments, Oxigraph (the engine) as code
    'SELECT * WHERE {{ BIND("a\\u0022 # " AS ?b) SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} # \\u000a AS ?b) }}',
    "SELECT * WHERE {{ ?s ?p ?o # c\r SERVICE <{url}/sparql> {{ ?s ?p ?o }} \n }}",
])
def test_remote_access_is_refused_without_connecting(client, template):
    with listening_socket() as (sock, url):
        started = time.perf_counter()
        response = client.get("/sparql", params={"query": template.format(url=url)})
        assert response.status_code == 400
        print(f"\nrefused in {time.perf_counter() - started:.3f}s")  # reported, not asserted
        assert not connected(sock), "the endpoint connected to the address named in the query"


@pytest.mark.parametrize("how", ["update-form", "update-body", "query"])
def test_load_is_refused_with_400_without_connecting(client, how):
    with listening_socket() as (sock, url):
        load = f"LOAD <{url}/data.ttl> INTO GRAPH <urn:loaded>"
        if how == "update-form":
            response = client.post("/sparql", data={"update": load})
        elif how == "update-body":
            response = client.post("/sparql", content=load.encode(), headers={"Content-Type": "application/sparql-update"})
        else:
            response = client.post("/sparql", data={"query": load})
        assert response.status_code == 400 and "LOAD" in response.text
        assert not connected(sock)


def test_from_a_graph_of_the_store_is_allowed(client):
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cungai/graph/links> WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_rows_are_capped(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert len(response.text.strip().split("\r\n")) == MAX_ROWS + 1
    assert response.headers["x-cungai-truncated"].startswith("true")


def test_a_query_past_the_time_limit_is_stopped(client):
    started = time.perf_counter()
    response = client.get("/sparql", params={"query": SLOW})
    assert response.status_code == 503
    print(f"\nstopped after {time.perf_counter() - started:.2f}s")  # reported, not asserted
    assert client.get("/sparql", params={"query": OFFICIALS}).status_code == 200  # workers recover


def test_large_requests_are_refused(client):
    padding = "#" + "x" * 20_000 + "\n"
    assert client.post("/sparql", data={"query": padding + OFFICIALS}).status_code == 413
    assert client.get("/sparql", params={"query": padding + OFFICIALS}).status_code in (413, 414)


def test_a_streamed_body_without_length_is_cut_at_the_limit(client, settings):
    def chunks():
        yield OFFICIALS.encode()
        for _ in range(settings.max_request_bytes // 1000 + 2):
            yield b"\n#" + b"x" * 998
    response = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_a_request_just_under_the_limit_is_answered(client, settings):
    padded = "#" + "x" * (settings.max_request_bytes - len(OFFICIALS) - 200) + "\n" + OFFICIALS
    assert client.post("/sparql", content=padded.encode(), headers={"Content-Type": "application/sparql-query"}).status_code == 200
    assert client.get("/sparql", params={"query": "#" + "x" * 5_000 + "\n" + OFFICIALS}).status_code == 200


# --- CORS: off unless origins are listed (docs/endpoint.md) ----------------------------------

ALLOWED, OTHER = "https://allowed.example", "https://other.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


def cors_app(settings, *origins: str) -> TestClient:
    """A client without lifespan: these requests are answered before any query worker is needed."""
    return TestClient(create_app(replace(settings, cors_origins=origins)))


def test_cors_is_off_by_default(client):
    response = client.get("/sparql", params={"query": OFFICIALS}, headers={"Origin": OTHER})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
    preflight = client.options("/sparql", headers={"Origin": OTHER, **PREFLIGHT})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_listed_origins_only(settings):
    http = cors_app(settings, ALLOWED)
    bad = http.get("/sparql", params={"query": "SELECT ?s WHERE {"}, headers={"Origin": ALLOWED})
    assert bad.status_code == 400 and bad.headers["access-control-allow-origin"] == ALLOWED
    assert "x-cungai-rows" in bad.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in bad.headers
    other = http.get("/sparql", params={"query": "SELECT ?s WHERE {"}, headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in other.headers
    preflight = http.options("/sparql", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == ALLOWED
    assert set(preflight.headers["access-control-allow-methods"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert http.options("/sparql", headers={"Origin": OTHER, **PREFLIGHT}).status_code == 400
    put = http.options("/sparql", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "PUT"})
    assert put.status_code == 400


def test_cors_any_origin_and_refusals_carry_the_headers(settings):
    http = cors_app(settings, "*")
    too_large = http.post("/sparql", data={"query": "#" + "x" * 20_000 + "\n" + OFFICIALS}, headers={"Origin": OTHER})
    assert too_large.status_code == 413 and too_large.headers["access-control-allow-origin"] == "*"
    update = http.post("/sparql", data={"update": "DROP ALL"}, headers={"Origin": OTHER})
    assert update.status_code == 403 and update.headers["access-control-allow-origin"] == "*"


def test_query_page_works_offline_and_offers_the_library(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", page), "the page loads something from elsewhere"
    assert "fetch(\"sparql\"" in page
    for query in library(REPO / "queries").values():
        assert query.title_zh in page and query.title_en in page
    assert "</script>" not in page.split("const EXAMPLES = ")[1].split(";\n")[0]


def test_views_docs_and_dumps_are_served(client):
    assert client.get("/views/").status_code == 200
    assert client.get("/views/index.html").status_code == 200
    assert client.get("/docs/ontology.html").status_code == 200
    assert client.get("/data/kg.trig").status_code == 200
    assert client.get("/data/..%2Fkg.trig").status_code == 404
    assert client.get("/data/pyproject.toml").status_code == 404
    assert {q["name"] for q in client.get("/queries").json()} == set(library(REPO / "queries"))


@pytest.fixture(scope="module")
def capped_build(built, tmp_path_factory) -> Path:
    """The real build with views that write only ten entity pages: ``cungai serve`` renders the others."""
    import pyoxigraph

    from conftest import load_sources
    from cungai.views.storeviews import write_views_from_store

    out = tmp_path_factory.mktemp("capped-build")
    shutil.copy(built.out_dir / "kg.trig", out / "kg.trig")
    store = pyoxigraph.Store()
    store.load(path=str(out / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    write_views_from_store(store, out / "views", report=built.report, sources=load_sources(REPO / "graph" / "sources"),
                           network_dir=out, max_entity_pages=10, max_graph_nodes=40)
    return out


def _statements(html: str) -> tuple:
    """What an entity page states: its title, the properties listed, the quotes shown."""
    return (re.search(r"<h1>(.*?)</h1>", html, re.S).group(1), re.findall(r"<code>([^<]*)</code>", html),
            re.findall(r"<mark>([^<]*)</mark>", html))


def test_entity_pages_not_written_are_rendered_on_demand(capped_build, built):
    """Every entity has a page at ``/views/entity/{kind}/{slug}.html``: the file when the build wrote
    it, else the same page rendered from the graph when it is asked for."""
    views = capped_build / "views"
    written = {str(p.relative_to(views)) for p in views.glob("entity/*/*.html")}
    assert len(written) == 10
    full = built.out_dir / "views"  # the build of this small graph writes every page
    candidates = sorted(str(p.relative_to(full)) for p in full.glob("entity/*/*.html"))
    missing = [c for c in candidates if c not in written and "<mark>" in (full / c).read_text(encoding="utf-8")]
    assert missing
    with TestClient(create_app(replace(ServerSettings(build_dir=capped_build), timeout=20.0, workers=1))) as client:
        for relative in missing[:3]:
            response = client.get(f"/views/{relative}")
            assert response.status_code == 200, relative
            assert response.headers["content-type"].startswith("text/html")
            assert "default-src 'none'" in response.headers["content-security-policy"]
            assert _statements(response.text) == _statements((full / relative).read_text(encoding="utf-8")), relative
            assert "<script>" not in response.text and 'id="graph-data"' in response.text
        on_disk = sorted(written)[0]
        response = client.get(f"/views/{on_disk}")
        assert response.status_code == 200 and response.content == (views / on_disk).read_bytes()
        assert client.get("/views/entity/person/no-such-person.html").status_code == 404
        assert client.get("/views/entity/person/..%2F..%2Fkg.trig").status_code == 404
        assert client.get("/views/entity/person/lu-dequan.txt").status_code == 404


# --- over a real socket ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(settings):
    """uvicorn serving the app on a free loopback port, in a thread."""
    with serving(create_app(replace(settings, max_rows=10_000))) as port:
        yield f"http://127.0.0.1:{port}"


def test_socket_select_get_post_and_csv(server):
    with httpx.Client(base_url=server, timeout=30, trust_env=False) as http:
        get = http.get("/sparql", params={"query": OFFICIALS})
        post = http.post("/sparql", data={"query": OFFICIALS})
        assert get.status_code == post.status_code == 200
        assert get.json() == post.json()
        csv = http.get("/sparql", params={"query": OFFICIALS}, headers={"Accept": "text/csv"})
        assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("person\r\n")
        parsed = Result.parse(io.BytesIO(post.content), format="json")  # a plain SPARQL results client reads it
        assert len(parsed) >= 3


def test_socket_construct_bad_query_update_service(server, oxigraph):
    with httpx.Client(base_url=server, timeout=30, trust_env=False) as http:
        turtle = http.post("/sparql", data={"query": HOLDS}, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
        assert isomorphic(Graph().parse(data=turtle.text, format="turtle"), oxigraph.run(HOLDS).graph)
        assert http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400
        before = http.get("/sparql", params={"query": COUNT}).json()
        assert http.post("/sparql", data={"update": "DROP ALL"}).status_code in (403, 405)
        assert http.get("/sparql", params={"query": COUNT}).json() == before
        with listening_socket() as (sock, url):
            started = time.perf_counter()
            refused = http.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"})
            assert refused.status_code == 400
            print(f"\nrefused in {time.perf_counter() - started:.3f}s")  # reported, not asserted
            assert not connected(sock)


@pytest.mark.parametrize("template", [
    "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
])
def test_socket_remote_from_and_service_make_no_connection(server, template):
    with httpx.Client(base_url=server, timeout=30, trust_env=False) as http, listening_socket() as (sock, url):
        query = template.format(url=url)
        assert http.get("/sparql", params={"query": query}).status_code == 400
        assert http.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}).status_code == 400
        assert not connected(sock)


def test_many_new_queries_at_once_all_parse(server):
    """rdflib's parser is not thread-safe; the endpoint checks queries in threads, so it parses one at a time."""
    texts = [f"# client {n}\n{query.bound_text()}" for n, query in enumerate(library(REPO / "queries").values())]

    def status(text: str) -> tuple[int, str]:
        with httpx.Client(base_url=server, timeout=60, trust_env=False) as http:
            response = http.post("/sparql", data={"query": text})
            return response.status_code, response.text[:200]

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(status, texts * 2))
    assert [code for code, _ in answers] == [200] * len(answers), [text for code, text in answers if code != 200][:3]


def test_the_library_through_the_endpoint_gives_the_local_rows(server, oxigraph):
    """`cungai query NAME --endpoint URL`: parameters travel as VALUES; the rows are the local ones."""
    across = {"facts-in-several-sources", "quantities-across-sources"}  # no rows on one article
    for query in library(REPO / "queries").values():
        remote = run_query(query, endpoint=f"{server}/sparql")
        assert rows_of(remote) == rows_of(oxigraph.run(query.text, query.bindings())), query.name
        assert bool(remote.rows) != (query.name in across), query.name
    beihai = run_query("park-profile", params={"park": "park:beihai-gongyequ", "lang": "en"},
                       endpoint=f"{server}/sparql", queries_dir=REPO / "queries")
    assert any("Beihai" in str(t) for row in beihai.rows for t in row)
