"""The Resolver's databases: lookups, errors like the socket module's, reloads, cursors."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

import netdb
from netdb import Resolver
from netdb.errors import ConfigError
from netdb.records import protoent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def etc(tmp_path: Path) -> Path:
    for kind in ("services", "protocols", "networks", "rpc"):
        shutil.copy(FIXTURES / kind / "edge", tmp_path / kind)
    (tmp_path / "nsswitch.conf").write_text("services: files\nprotocols: files\nnetworks: files\nrpc: files\n")
    return tmp_path


def test_services_lookups(etc: Path) -> None:
    r = Resolver(etc)
    assert r.getservbyname("http") == 80
    assert r.getservbyname("www", "udp") == 80
    assert r.getservbyname("http-alt") == 8080
    assert r.getservbyport(8080) == "http"  # the first line with the port
    assert r.getservbyport(1002, "udp") == "both"
    assert r.getservbyname("noproto", "") == 1007
    assert r.getservbyname("upper", "TCP") == 1240
    with pytest.raises(OSError, match="service/proto not found"):
        r.getservbyname("HTTP")
    with pytest.raises(OSError, match="service/proto not found"):
        r.getservbyname("upper", "tcp")
    with pytest.raises(OSError, match="port/proto not found"):
        r.getservbyport(1, "tcp")
    with pytest.raises(OverflowError, match="port must be 0-65535"):
        r.getservbyport(65536)
    with pytest.raises(ValueError, match="embedded null"):
        r.getservbyname("ht\0tp")
    with pytest.raises(TypeError):
        r.getservbyname(b"http")  # type: ignore[arg-type]


def test_protocols_networks_rpc(etc: Path) -> None:
    r = Resolver(etc)
    assert r.getprotobyname("TCP") == 6
    assert r.getprotobynumber(6) == protoent("tcp", ("TCP",), 6)
    with pytest.raises(OSError, match="protocol not found"):
        r.getprotobyname("Tcp")
    assert r.getnetbyname("LOOPBACK").name == "loopback"  # case-insensitive, unlike the others
    assert r.getnetbyname("mixedalias").name == "Upper"
    assert r.getnetbyaddr(0x7F000000).name == "loopback"
    with pytest.raises(OSError, match="network not found"):
        r.getnetbyaddr(0x7F000000, 10)
    assert r.getrpcbyname("sunrpc").number == 100000
    assert r.getrpcbynumber(100003).name == "dup"
    with pytest.raises(OSError, match="rpc program not found"):
        r.getrpcbyname("SUNRPC")


def test_file_changes_are_seen_at_the_next_call(tmp_path: Path) -> None:
    (tmp_path / "services").write_text("a 1/tcp\n")
    r = Resolver(tmp_path)
    assert r.getservbyname("a") == 1
    new = tmp_path / "services.new"
    new.write_text("a 2/tcp\n")
    os.replace(new, tmp_path / "services")  # atomic rename: a new inode
    assert r.getservbyname("a") == 2
    (tmp_path / "services").write_text("a 3/tcp\n")  # rewritten in place
    assert r.getservbyname("a") == 3
    (tmp_path / "services").unlink()
    with pytest.raises(OSError):
        r.getservbyname("a")


def test_missing_directory_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such directory"):
        Resolver(tmp_path / "nope")
    (tmp_path / "services").mkdir()
    r = Resolver(tmp_path)
    assert list(r.services()) == []
    assert r.services_db().status == "unreadable"
    fifo = tmp_path / "protocols"
    os.mkfifo(fifo)
    assert list(r.protocols()) == []  # refused before open: no hang


def test_nsswitch_without_files_finds_nothing(etc: Path) -> None:
    (etc / "nsswitch.conf").write_text("services: nis\n")
    r = Resolver(etc)
    with pytest.raises(OSError):
        r.getservbyname("http")
    assert list(r.services()) == []


def test_cursors_are_per_thread(etc: Path) -> None:
    r = Resolver(etc)
    r.setservent()
    first = r.getservent()
    second = r.getservent()
    assert first is not None and second is not None and first != second
    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(r.getservent()))
    t.start()
    t.join()
    assert seen == [first]  # the other thread starts its own enumeration
    r.endservent()
    assert r.getservent() == first  # a fresh cursor after end
    entries = list(r.services())
    r.setservent(True)
    got = []
    while (e := r.getservent()) is not None:
        got.append(e)
    assert got == entries
    assert r.getservent() is None


def test_module_level_functions_use_the_default_resolver(etc: Path) -> None:
    netdb.set_default_resolver(Resolver(etc))
    try:
        assert netdb.getservbyname("ssh") == 22
        assert netdb.getprotobynumber(17).name == "udp"
        assert next(netdb.rpcs()).name == "portmapper"
    finally:
        netdb.set_default_resolver(None)
