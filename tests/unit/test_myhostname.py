"""The myhostname source, as systemd's module answers (glibc-behavior.md §7.3), on this machine's interfaces."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import netdb
from netdb.interfaces import default_gateways, interface_addresses
from netdb.sources import module_installed


@pytest.fixture
def r(tmp_path: Path) -> netdb.Resolver:
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n")
    (tmp_path / "nsswitch.conf").write_text("hosts: files myhostname\n")
    return netdb.Resolver(tmp_path, hostname="myhost", nss_modules={"myhostname"})


def addrs(r: netdb.Resolver, name: str, family: int = 0) -> list[str]:
    return [x[4][0] + (f"%{x[4][3]}" if len(x[4]) == 4 and x[4][3] else "")
            for x in r.getaddrinfo(name, None, family, socket.SOCK_STREAM)]


def test_localhost_names(r: netdb.Resolver) -> None:
    assert addrs(r, "localhost") == ["127.0.0.1"]  # the hosts line answers first
    assert sorted(addrs(r, "foo.localhost")) == ["127.0.0.1", "::1"]
    assert sorted(addrs(r, "LOCALHOST.localdomain.")) == ["127.0.0.1", "::1"]
    assert r.getaddrinfo("a.localhost", None, 0, 1, 0, socket.AI_CANONNAME)[0][3] == "localhost"


def test_hostname_is_every_interface_address(r: netdb.Resolver) -> None:
    mine = {a.address for a in interface_addresses() if not (a.address[0] == 127 or a.address == bytes(15) + b"\x01")}
    got = {socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a.split("%")[0]) for a in addrs(r, "myhost")}
    assert got == mine or (not mine and got)
    assert addrs(r, "myhost.") == addrs(r, "myhost")
    with pytest.raises(netdb.gaierror):
        r.getaddrinfo("MYHOST", None)  # case-sensitive, as systemd compares it
    assert r.gethostbyaddr("127.0.0.2")[0] == "myhost"


def test_gateway(r: netdb.Resolver) -> None:
    gateways = default_gateways()
    if not gateways:
        pytest.skip("no default route here")
    got = set(addrs(r, "_gateway"))
    assert {socket.inet_ntop(g.family, g.address) for g in gateways} <= {a.split("%")[0] for a in got}


def test_not_used_when_the_module_is_missing(tmp_path: Path) -> None:
    (tmp_path / "nsswitch.conf").write_text("hosts: myhostname\n")
    r = netdb.Resolver(tmp_path, hostname="myhost")
    if module_installed("myhostname"):
        pytest.skip("libnss_myhostname is installed here")
    with pytest.raises(OSError):  # an unloadable module: EAI_SYSTEM, as glibc
        r.getaddrinfo("myhost", None)
