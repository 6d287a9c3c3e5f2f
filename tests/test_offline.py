"""Building never reaches the network: a listening loopback socket must see no connection."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from cungai.build.pipeline import build
from cungai.offline import NetworkRefused, offline


class Listener:
    """A TCP socket listening on loopback; ``accepted()`` tells whether anything connected."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]

    def accepted(self) -> bool:
        try:
            conn, _ = self.server.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True


@pytest.fixture()
def listener():
    listening = Listener()
    yield listening
    listening.server.close()


def test_offline_refuses_connections(listener):
    port = listener.port
    with offline(), pytest.raises(NetworkRefused):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    assert not listener.accepted()
    with offline(), pytest.raises(NetworkRefused):
        socket.getaddrinfo("example.org", 80)


def test_offline_can_allow_loopback_only(listener):
    port = listener.port
    with offline(allow_loopback=True):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        with pytest.raises(NetworkRefused):
            socket.getaddrinfo("example.org", 80)
    assert listener.accepted()


def _try_to_connect(port: int) -> str:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except NetworkRefused:
        return "refused"
    return "connected"


def test_the_builds_worker_threads_and_processes_stay_offline(listener):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from cungai.offline import offline_call, stay_offline

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=stay_offline) as pool:
        assert pool.submit(_try_to_connect, listener.port).result() == "refused"
    with ThreadPoolExecutor(max_workers=1) as threads:
        assert threads.submit(offline_call, _try_to_connect, listener.port).result() == "refused"
    assert not listener.accepted()


def test_build_does_not_follow_imports(mini, listener):
    port = listener.port
    (mini / "graph" / "background.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/cungai/ontology> owl:imports <http://127.0.0.1:{port}/remote.ttl> .\n",
        encoding="utf-8",
    )
    build(root=mini)
    assert not listener.accepted()


# --- querying: `cungai sparql` on both local stores -------------------------------------------

REMOTE = {
    "service": "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "service-silent": "ASK {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?q ?r }} }} }}",
    "from": "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT * FROM NAMED <http://localhost:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("kind", sorted(REMOTE))
def test_cli_sparql_service_and_remote_from_make_no_connection(built, listener, store, kind):
    from click.testing import CliRunner

    from cungai.cli import main

    query = REMOTE[kind].format(port=listener.port)
    result = CliRunner().invoke(main, ["sparql", query, "--engine", store, "--build", str(built.out_dir)])
    assert result.exit_code == 2, result.output
    assert ("SERVICE" if kind.startswith("service") else "FROM") in result.output
    assert not listener.accepted(), f"`cungai sparql --store {store}` connected to the address named in the query"


# Texts that rdflib (which checks a query) and Oxigraph (which runs it) once read differently: rdflib
# saw no SERVICE (it was in a comment for rdflib) while Oxigraph called it.
DESYNC = {
    "codepoint-escape": ('SELECT * WHERE {{ BIND("a\\u0022 # " AS ?b) SERVICE <http://127.0.0.1:{port}/sparql> '
                         '{{ ?s ?p ?o }} }} # \\u000a AS ?b) }}'),
    "lone-carriage-return": "SELECT * WHERE {{ ?s ?p ?o # c\r SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} \n }}",
}


class ClosingListener(Listener):
    """A loopback listener that accepts and at once closes every connection, so no client hangs on it."""

    def __init__(self) -> None:
        super().__init__()
        self.server.setblocking(True)
        self.count = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:  # closed
                return
            self.count += 1
            conn.close()

    def accepted(self) -> bool:
        time.sleep(0.2)
        return self.count > 0


@pytest.fixture()
def closing_listener():
    listening = ClosingListener()
    yield listening
    listening.server.close()


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("kind", sorted(DESYNC))
def test_texts_the_two_parsers_read_differently_are_refused(built, closing_listener, store, kind):
    from click.testing import CliRunner

    from cungai.cli import main

    query = DESYNC[kind].format(port=closing_listener.port)
    result = CliRunner().invoke(main, ["sparql", query, "--engine", store, "--build", str(built.out_dir)])
    assert result.exit_code == 2, result.output
    assert not closing_listener.accepted()


@pytest.mark.parametrize("kind", sorted(DESYNC))
def test_a_second_look_finds_service_where_rdflib_does_not(built, closing_listener, monkeypatch, kind):
    """Were rdflib and Oxigraph to disagree on another construct, the lexical look would still refuse."""
    import cungai.rdf.sparql
    from cungai.rdf.sparql import QueryRefused, inspect
    from cungai.query.stores import OxigraphEngine

    monkeypatch.setattr(cungai.rdf.sparql, "refuse_ambiguous", lambda text: None)
    inspect.cache_clear()
    query = DESYNC[kind].format(port=closing_listener.port)
    try:
        assert inspect(query).services == ()  # rdflib alone is fooled
        with pytest.raises(QueryRefused, match="SERVICE"):
            OxigraphEngine(built.out_dir / "kg.trig").run(query)
    finally:
        inspect.cache_clear()
    assert not closing_listener.accepted()
