"""No network unless asked: a guard that refuses every outgoing connection while it is active.

Building and querying must never reach the network on their own (``owl:imports``, remote JSON-LD
contexts, ``SERVICE``, ``LOAD``, remote ``FROM``). ``offline()`` installs (once) a Python audit hook
that raises ``NetworkRefused`` on ``socket.connect`` and name lookups while the guard is active in
the current thread; connections to loopback stay allowed only where a caller says so (a local server
under test, an endpoint the user named).
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import UsageError

_state = threading.local()
_installed = False


class NetworkRefused(UsageError):
    """Something tried to open a connection while the project was offline."""


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple) -> None:
    if not getattr(_state, "active", 0):
        return
    if event == "socket.connect":
        address = args[1]
        if getattr(_state, "allow_loopback", False) and _is_loopback(address):
            return
        if isinstance(address, str):  # AF_UNIX socket: local, not network
            return
        raise NetworkRefused(f"refused a network connection to {address!r}: building and querying stay offline")
    if event == "socket.getaddrinfo":
        host = args[0]
        if getattr(_state, "allow_loopback", False) and _is_loopback((host,)):
            return
        raise NetworkRefused(f"refused to look up {host!r}: building and querying stay offline")


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


@contextmanager
def offline(*, allow_loopback: bool = False) -> Iterator[None]:
    """Refuse outgoing connections (from this thread) inside the block."""
    _install()
    previous = (getattr(_state, "active", 0), getattr(_state, "allow_loopback", False))
    _state.active = previous[0] + 1
    _state.allow_loopback = allow_loopback
    try:
        yield
    finally:
        _state.active, _state.allow_loopback = previous


def stay_offline() -> None:
    """Refuse outgoing connections for the rest of this thread's life: the initializer of the
    build's worker processes, which do not inherit the caller's guard."""
    _install()
    _state.active = getattr(_state, "active", 0) + 1
    _state.allow_loopback = False


def offline_call(function, /, *args, **kwargs):
    """``function(*args, **kwargs)`` with the guard on: for work handed to another thread."""
    with offline():
        return function(*args, **kwargs)
