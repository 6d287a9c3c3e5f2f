"""The endpoint never answers 5xx to a request, whatever its path, method, headers or body, and keeps answering.

A real uvicorn server on a loopback port serves the tiny fixture project; requests are written as raw
HTTP/1.1 bytes on a socket (a client library would refuse or normalise the odd ones). Hypothesis draws
them (derandomized; ``make fuzz`` draws fifty times as many at random): paths made of the server's
routes and hostile segments (percent-encoded new lines, NULs, slashes, ``..``, Chinese, long runs),
methods, ``Accept`` and ``Content-Type`` headers, query strings and bodies with pieces of SPARQL. The
one 5xx allowed is 503 for a query that ran out of time (the SPARQL protocol's answer). After the
fuzz, the server still answers a plain query.
"""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cungai.serve.endpoint import ServerSettings, create_app

from conftest import serving

uvicorn = pytest.importorskip("uvicorn")

ROUTES = ["/", "/sparql", "/queries", "/data/", "/data/kg.nt", "/views/", "/views/entity/", "/views/entity/person/",
          "/views/entity/person/zhang-san.html", "/views/article/", "/views/article/mini-2020-01-01.html", "/docs/",
          "/views/index.html", ""]
SEGMENTS = ["%0A", "%0D%0A", "%00", "%2F", "%2E%2E", "..", ".", "%", "%ZZ", "%E4%BC%A6", "伦教", "%FF%FE", "x" * 300,
            "a.html", ".html", "%0A.html", "lu-dequan%0A.html", "person%0A", "?", "#", ";", "%3Cscript%3E", "~", "*",
            "%20", "+", "&", "=", "\\", "%5C", "%C0%AF", "%EF%BB%BF", "%F0%9F%98%80"]
SPARQL_PIECES = ["SELECT * WHERE { ?s ?p ?o }", "ASK {}", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <urn:x>",
                 "SELECT (<http://www.w3.org/2001/XMLSchema#byte>(\"1\") AS ?x) {}", "SELECT (1/0 AS ?x) {}",
                 "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "DROP ALL", "LOAD <http://x/>",
                 "SELECT * FROM <http://127.0.0.1:9/x> { ?s ?p ?o }", "\\u0022", "\r", "\x00", "\ud800", "{", "}",
                 "\"", "'''", "#", "?x", "LIMIT 99999999999999999999", "OFFSET -1", "GROUP BY", "VALUES ?x { 1 }",
                 "SELECT (REGEX(\"a\", \"(\") AS ?x) {}", "SELECT (STRDT(\"x\", <urn:dt>) AS ?x) {}", "北海"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT", "PROPFIND", "G€T", ""]
ACCEPTS = ["", "*/*", "text/csv", "application/sparql-results+json", "text/turtle", "application/ld+json",
           "text/html;q=0.5, text/csv;q=0", "image/png", "text/*;q=abc", ";;;", "application/sparql-results+xml",
           "x" * 2000, "text/csv, */*;q=0.1"]
CONTENT_TYPES = ["", "application/sparql-query", "application/x-www-form-urlencoded", "multipart/form-data",
                 "application/json", "text/plain; charset=latin-1", "application/sparql-update", "application/sparql-query; charset=gbk"]

text = st.one_of(st.sampled_from(SPARQL_PIECES), st.text(max_size=20))
sparql = st.lists(text, max_size=6).map(" ".join)
segment = st.one_of(st.sampled_from(SEGMENTS), st.text(st.characters(codec="ascii", exclude_characters=" \r\n"), max_size=12))
paths = st.builds(lambda route, tail: route + "/".join(tail), st.sampled_from(ROUTES), st.lists(segment, max_size=4))
params = st.lists(st.tuples(st.sampled_from(["query", "format", "update", "default-graph-uri", "named-graph-uri", "x",
                                              "query", ""]), sparql), max_size=3)
bodies = st.one_of(st.just(b""), sparql.map(lambda s: s.encode("utf-8", "surrogatepass")),
                   params.map(lambda ps: "&".join(f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}"
                                                  for k, v in ps).encode()),
                   st.binary(max_size=200))


@pytest.fixture(scope="module")
def server(mini_built):
    """uvicorn serving the tiny project on a free loopback port, in a thread."""
    settings = ServerSettings(build_dir=mini_built.out_dir, timeout=5.0, max_request_bytes=16_000, workers=1)
    with serving(create_app(settings), log_level="critical") as port:
        yield port


def send(port: int, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """One raw HTTP/1.1 request; the status code (0 if the server closed without one) and the response."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items() if value]
    lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogatepass") + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status = response.split(b" ", 2)[1] if response.startswith(b"HTTP/1.1 ") else b"0"
    return int(status), response


def assert_no_server_error(status: int, response: bytes) -> None:
    assert status != 0, "the server closed the connection without an answer"
    head, _, body = response.partition(b"\r\n\r\n")
    assert status < 500 or (status == 503 and b"time" in body), response[:600]


@pytest.mark.parametrize("path", [
    "/views/entity/person/lu-dequan%0A.html", "/views/entity/person%0A/lu-dequan.html",
    "/views/entity/person/zhang-san%0A.html", "/views/entity/person/zhang-san.html%0A",
    "/views/article/mini-2020-01-01%0A.html", "/views/entity/person/%00.html", "/views/entity/%2E%2E/x.html",
    "/views/entity/person/..%2F..%2Fkg.nt", "/data/kg.nt%0A", "/data/..%2Fkg.nt", "/views/entity/person/%E4%BC%A6%E6%95%99.html",
])
def test_odd_paths_are_not_found(server, path):
    status, response = send(server, "GET", path, {}, b"")
    assert status == 404, response[:400]


@given(method=st.sampled_from(METHODS), path=paths, query=params, accept=st.sampled_from(ACCEPTS),
       content_type=st.sampled_from(CONTENT_TYPES), body=bodies)
def test_no_request_gets_a_server_error(server, method, path, query, accept, content_type, body):
    target = path or "/"
    if query:
        target += "?" + "&".join(f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in query)
    status, response = send(server, method or "GET", target, {"Accept": accept, "Content-Type": content_type}, body)
    assert_no_server_error(status, response)


@given(query=sparql, accept=st.sampled_from(ACCEPTS))
def test_no_query_gets_a_server_error(server, query, accept):
    body = ("query=" + quote(query, safe="", errors="surrogatepass")).encode()
    status, response = send(server, "POST", "/sparql", {"Accept": accept,
                                                         "Content-Type": "application/x-www-form-urlencoded"}, body)
    assert_no_server_error(status, response)


@pytest.mark.parametrize("query", SPARQL_PIECES)
def test_each_hostile_piece_alone_gets_no_server_error(server, query):
    """Well-formed queries Oxigraph cannot evaluate (an unsupported function) were answered 500."""
    body = ("query=" + quote(query, safe="", errors="surrogatepass")).encode()
    status, response = send(server, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert_no_server_error(status, response)


def test_the_server_still_answers_after_the_fuzz(server):
    status, response = send(server, "GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
                            {"Accept": "application/sparql-results+json"}, b"")
    assert status == 200 and b'"boolean":true' in response.replace(b" ", b"")
