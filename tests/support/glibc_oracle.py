"""glibc standing in for ``netdb.Resolver``: the spec tests checked against the oracle.

``GlibcResolver(etc_dir)`` has the methods of ``netdb.Resolver`` that the spec
tests use.  Its calls go to one long-lived process per fixture directory inside
a private namespace (the directory's files over /etc, the host's network; see
``support.differential``), which answers them in order through the socket module
(ctypes for ``gethostbyname2`` and ``hosts``); the result or exception is rebuilt
as Python objects.  Calls of one process share glibc's per-thread state (such as
``h_errno``) exactly as successive netdb calls in one thread do;
``in_new_thread`` evaluates one call in a fresh thread.

``NETDB_SPEC_ORACLE=glibc pytest tests/unit/test_gai_spec.py`` runs the spec
against glibc itself, which is how every assertion there was confirmed.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import json
import socket
import sys
from pathlib import Path
from typing import Any

from netdb.records import hostent
from support import differential as D
from support import glibc_ns
from support.ns_evaluator import dec

_SERVERS: dict[tuple[str, str], Any] = {}
_STACK = contextlib.ExitStack()
atexit.register(_STACK.close)


def _server(fixture: D.Fixture, network: D.Network) -> Any:
    key = (str(fixture.path), network.name)
    if key not in _SERVERS:
        files = dict(fixture.files)
        files["resolv.conf"] = D.closed_port_resolv_conf(network).encode()
        _SERVERS[key] = _STACK.enter_context(glibc_ns.popen(
            files, [sys.executable, str(D.EVALUATOR), "--serve"], absent=fixture.absent,
            netns=network.netns, hostname=fixture.hostname,
            env={"PYTHONPATH": str(D.REPO / "tests"), "PYTHONDONTWRITEBYTECODE": "1"}))
    return _SERVERS[key]


class GlibcResolver:
    """The subset of ``netdb.Resolver`` the spec tests call, answered by glibc."""

    def __init__(self, etc: str | Path, network: D.Network = D.HOST) -> None:
        self.fixture = D.Fixture.from_dir(etc)
        self.network = network

    def _call(self, fn: str, *args: Any, thread: bool = False) -> Any:
        proc = _server(self.fixture, self.network)
        call = D.encode_call((fn, args, {"_thread": True} if thread else {}))
        proc.stdin.write(json.dumps(call).encode() + b"\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the glibc oracle for {self.fixture.name} died")
        return _rebuild(fn, json.loads(line))

    def in_new_thread(self, fn: str, *args: Any) -> Any:
        return self._call(fn, *args, thread=True)

    def getaddrinfo(self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                    flags: int = 0) -> Any:
        return self._call("getaddrinfo", host, port, family, type, proto, flags)

    def getnameinfo(self, sockaddr: Any, flags: int) -> Any:
        return self._call("getnameinfo", sockaddr, flags)

    def gethostbyname(self, name: Any) -> Any:
        return self._call("gethostbyname", name)

    def gethostbyname_ex(self, name: Any) -> Any:
        return self._call("gethostbyname_ex", name)

    def gethostbyaddr(self, addr: Any) -> Any:
        return self._call("gethostbyaddr", addr)

    def gethostbyname2(self, name: Any, family: int) -> Any:
        return self._call("gethostbyname2", name, family)

    def hosts(self) -> Any:
        return iter(self._call("hosts"))


def _record(shaped: list[Any]) -> hostent:
    name, aliases, addrs, addrtype = shaped
    return hostent(name, tuple(aliases), addrtype, 4 if addrtype == socket.AF_INET else 16,
                   tuple(addrs))


def _rebuild(fn: str, outcome: dict[str, Any]) -> Any:
    if "error" in outcome:
        name, args = outcome["error"], dec(outcome["args"])
        cls = getattr(socket, name, None) or getattr(builtins, name)
        raise cls(*args)
    r = outcome["ok"]
    if fn == "getaddrinfo":
        return [(f, t, p, c, tuple(sa)) for f, t, p, c, sa in r]
    if fn == "getnameinfo":
        return tuple(r)
    if fn in ("gethostbyname_ex", "gethostbyaddr"):
        return (r[0], r[1], r[2])
    if fn == "gethostbyname2":
        return _record(r)
    if fn == "hosts":
        return [_record(h) for h in r]
    return dec(r)
