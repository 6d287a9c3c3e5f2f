"""`cungai publish` into a real Oxigraph server, and queries against it; credentials over HTTP."""

from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import IN_CI, rows_of

from cungai.cli import main
from cungai.errors import EnvironmentProblem, UsageError
from cungai.query.publish import publish, query_endpoint
from cungai.query.library import library, run_query
from cungai.query.stores import OxigraphEngine

REPO = Path(__file__).resolve().parent.parent


def oxigraph_executable() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        if IN_CI:
            pytest.fail("the oxigraph server is missing; the test extra installs it (PyPI package oxigraph)")
        pytest.skip("needs the Oxigraph server: pip install -e '.[test]' (PyPI package oxigraph==0.5.13)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A fresh Oxigraph server on a free loopback port; its default graph is the union of the graphs."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_executable(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph serve did not start: {process.stderr.read().decode(errors='replace')}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def triples_per_graph(trig: Path) -> dict[str, int]:
    import pyoxigraph as ox

    distinct = {(q.graph_name.value, q.triple) for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}
    return dict(Counter(graph for graph, _ in distinct))


def triples_in_store(endpoint: str, graph: str) -> int:
    from rdflib import URIRef

    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {URIRef(graph).n3()} {{ ?s ?p ?o }} }}"
    return int(query_endpoint(f"{endpoint}/query", query).rows[0][0])


def test_publish_twice_every_graph_arrives_whole(built, oxigraph_server):
    expected = triples_per_graph(built.out_dir / "kg.trig")
    assert len(expected) >= 5
    for _ in range(2):  # idempotent: the second PUT replaces what the first wrote
        report = publish(f"{oxigraph_server}/store", build_dir=built.out_dir)
        assert report.graphs == expected
        for graph, triples in expected.items():
            assert triples_in_store(oxigraph_server, graph) == triples, graph


def test_cli_publish(built, oxigraph_server):
    result = CliRunner().invoke(main, ["publish", "--store", f"{oxigraph_server}/store", "--build", str(built.out_dir)])
    assert result.exit_code == 0, result.output
    assert "graph/source/lunjiao-2019-12-06" in result.output


def test_the_library_on_the_published_store(built, oxigraph_server):
    """`cungai query --endpoint` on a real triple store gives the rows of the local build."""
    publish(f"{oxigraph_server}/store", build_dir=built.out_dir)
    local = OxigraphEngine(built.out_dir / "kg.trig")
    for query in library(REPO / "queries").values():
        remote = run_query(query, endpoint=f"{oxigraph_server}/query")
        assert rows_of(remote) == rows_of(local.run(query.text, query.bindings())), query.name
    cli = CliRunner().invoke(main, ["query", "officials", "--endpoint", f"{oxigraph_server}/query", "--format", "csv"])
    assert cli.exit_code == 0 and "卢德全" in cli.output


def test_an_unreachable_store_is_an_environment_problem(built):
    with pytest.raises(EnvironmentProblem):
        publish(f"http://127.0.0.1:{free_port()}/store", build_dir=built.out_dir, timeout=5)
    result = CliRunner().invoke(main, ["publish", "--store", f"http://127.0.0.1:{free_port()}/store",
                                       "--build", str(built.out_dir)])
    assert result.exit_code == 3


# --- credentials --------------------------------------------------------------------------------

USER, PASSWORD, REALM, NONCE = "curator", "s3cret", "cungai", "0123456789abcdef"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class _GuardedStore(BaseHTTPRequestHandler):
    """A Graph Store stand-in that requires HTTP basic or digest credentials and counts the PUTs."""

    scheme = "basic"
    received: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if self.scheme == "basic":
            return header == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if not header.startswith("Digest "):
            return False
        fields = dict(part.strip().split("=", 1) for part in header[7:].split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{self.command}:{fields.get('uri', '')}")
        expected = _md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == USER and fields.get("response") == expected

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self._authorised():
            self.send_response(401)
            if self.scheme == "basic":
                self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
            else:
                self.send_header("WWW-Authenticate", f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.received.append(self.path)
        assert body
        self.send_response(204)
        self.end_headers()


@pytest.fixture()
def guarded_store(request):
    handler = type("Handler", (_GuardedStore,), {"scheme": request.param, "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", handler
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("guarded_store", ["basic", "digest"], indirect=True)
def test_credentials(built, guarded_store):
    url, handler = guarded_store
    scheme = handler.scheme
    report = publish(url, build_dir=built.out_dir, user=USER, password=PASSWORD, auth=scheme)
    assert len(handler.received) == len(report.graphs) >= 5
    assert all("graph=https%3A%2F%2Fw3id.org%2Fcungai%2Fgraph%2F" in path for path in handler.received)
    with pytest.raises(UsageError):
        publish(url, build_dir=built.out_dir, user=USER, password="wrong", auth=scheme)
    result = CliRunner().invoke(main, ["publish", "--store", url, "--user", USER, "--password", "wrong",
                                       "--auth", scheme, "--build", str(built.out_dir)])
    assert result.exit_code == 2 and "credentials" in result.output
