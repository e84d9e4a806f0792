"""netdb's service and protocol lookups equal the socket module's (glibc's).

On this machine's own files every name, alias and port is asked both ways
(these lookups never touch DNS); on the edge-case fixtures glibc answers in a
private mount namespace.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from netdb import Resolver
from support import glibc_ns

ROOT = Path(__file__).resolve().parents[2]


def _both(fn_ours: Any, fn_glibc: Any, *args: Any) -> tuple[Any, Any]:
    return glibc_ns.outcome(fn_ours, *args), glibc_ns.outcome(fn_glibc, *args)


def test_system_services_and_protocols_match_socket_module() -> None:
    r = Resolver("/etc")
    names = {n for e in r.services() for n in (e.name, *e.aliases)}
    ports = {e.port for e in r.services()} | {0, 1, 65535}
    checked = 0
    for name in sorted(names):
        for proto in (None, "tcp", "udp"):
            args = (name,) if proto is None else (name, proto)
            ours, theirs = _both(r.getservbyname, socket.getservbyname, *args)
            assert ours == theirs, (args, ours, theirs)
            checked += 1
    for port in sorted(ports):
        for proto in (None, "tcp", "udp"):
            args = (port,) if proto is None else (port, proto)
            ours, theirs = _both(r.getservbyport, socket.getservbyport, *args)
            assert ours == theirs, (args, ours, theirs)
            checked += 1
    for name in sorted({n for e in r.protocols() for n in (e.name, *e.aliases)} | {"nosuch", "Tcp"}):
        ours, theirs = _both(r.getprotobyname, socket.getprotobyname, name)
        assert ours == theirs, (name, ours, theirs)
        checked += 1
    print(f"system services/protocols: {checked} lookups agree with the socket module")


@pytest.mark.glibc
def test_fixture_services_match_glibc(glibc: Any) -> None:
    services = (ROOT / "fixtures/services/edge").read_bytes()
    protocols = (ROOT / "fixtures/protocols/edge").read_bytes()
    files = {"services": services, "protocols": protocols, "nsswitch.conf": "services: files\nprotocols: files\n"}
    tmp = ROOT / "fixtures/services"
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = []
    names = ["http", "www", "HTTP", "http-alt", "noproto", "upper", "both-udp", "slashend", "slashy", "tcp",
             "nbsp", "crlf", "crlf-alias", "nosuch", "", "dupalias", "x", "nonewline", "justfits", "hex"]
    for n in names:
        calls += [("getservbyname", (n,), {}), ("getservbyname", (n, "tcp"), {}), ("getservbyname", (n, "udp"), {}),
                  ("getservbyname", (n, ""), {}), ("getservbyname", (n, "TCP"), {}), ("getservbyname", (n, "tcp/extra"), {})]
    for p in [0, 16, 22, 80, 679, 1002, 1007, 1238, 1240, 1246, 8080, 34463, 65535]:
        calls += [("getservbyport", (p,), {}), ("getservbyport", (p, "tcp"), {}), ("getservbyport", (p, "udp"), {}),
                  ("getservbyport", (p, ""), {})]
    for n in ["ip", "IP", "tcp", "TCP", "Tcp", "TCP-AGAIN", "dupnum", "negzero", "octalish", "wrap", "glued", "nosuch"]:
        calls.append(("getprotobyname", (n,), {}))
    theirs = glibc.socket_calls(files, calls)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            Path(d, name).write_bytes(data if isinstance(data, bytes) else data.encode())
        r = Resolver(d)
        ours = [glibc_ns.outcome(getattr(r, fn), *args) for fn, args, _ in calls]
    bad = [(c, o, t) for c, o, t in zip(calls, ours, theirs, strict=True) if o != t]
    print(f"fixture services/protocols: {len(calls) - len(bad)}/{len(calls)} agree with glibc")
    assert not bad, bad[:5]
    assert tmp.exists()
