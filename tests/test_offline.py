"""Building never reaches the network: a listening loopback socket must see no connection."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from cungai.build import build
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


def test_build_does_not_follow_imports(mini, listener):
    port = listener.port
    (mini / "graph" / "background.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/cungai/ontology> owl:imports <http://127.0.0.1:{port}/remote.ttl> .\n",
        encoding="utf-8",
    )
    build(root=mini)
    assert not listener.accepted()
