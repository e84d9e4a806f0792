"""`lookup services|protocols|networks|rpc|hosts KEY...` print what getent prints, with its exit status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.conftest import lookup
from support import glibc_ns

KEYS = {
    "services": ["http", "www", "http/tcp", "http/udp", "80", "80/tcp", "80/udp", "8080", "1002/udp", "0",
                 "65536", "+80", "080", "0x50", " 80", "noproto/", "noproto", "slashy/tcp/extra", "nosuch",
                 "upper/TCP", "34463", "justfits", "65535", ""],
    "protocols": ["tcp", "TCP", "6", "99", "tcp-again", "TCP-AGAIN", "dupnum", "300", "0", "06", "6x", "0x20",
                  "wrap", "-5x", "nosuch", "4294967295", ""],
    "networks": ["loopback", "LOOPBACK", "lo-net", "127", "127.0.0.0", "127.0.0", "10", "10.0.0.0", "ten",
                 "192.168.1", "192.168.1.0", "hexnet", "255.255.255.255", "0", "0.0.0.0", "mixedalias", "nosuch"],
    "rpc": ["portmapper", "sunrpc", "100000", "100003", "dup", "dupnum", "SUNRPC", "0", "plus", "upper", "nosuch"],
}


def _files(etc: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in etc.iterdir() if p.is_file()}


@pytest.mark.glibc
@pytest.mark.parametrize("db", sorted(KEYS))
def test_each_key_like_getent(glibc: Any, edge_etc: Path, db: str) -> None:
    files = _files(edge_etc)
    for key in KEYS[db]:
        args = [db, "--", key] if key.startswith("-") else [db, key]
        ours = lookup(*args, etc=edge_etc)
        theirs = glibc_ns.getent(files, *args)
        assert (ours.stdout, ours.returncode) == (theirs.stdout, theirs.returncode), (db, key, ours, theirs)


@pytest.mark.glibc
def test_several_keys_and_enumeration(glibc: Any, edge_etc: Path) -> None:
    files = _files(edge_etc)
    for args in (["services", "http", "nosuch", "ssh"], ["protocols", "tcp", "nosuch", "udp"], ["services"],
                 ["protocols"], ["networks"], ["rpc"], ["hosts"], ["ahosts"], ["hosts", "localhost", "127.0.0.1"]):
        ours = lookup(*args, etc=edge_etc)
        theirs = glibc_ns.getent(files, *args)
        assert (ours.stdout, ours.returncode) == (theirs.stdout, theirs.returncode), (args, ours, theirs)


def test_not_found_is_status_2_with_no_output(edge_etc: Path) -> None:
    res = lookup("services", "nosuch", etc=edge_etc)
    assert (res.returncode, res.stdout, res.stderr) == (2, b"", b"")


def test_bad_invocations_are_one_line(edge_etc: Path) -> None:
    for args, code in ((["nosuchdb", "x"], 64), (["services", "--bogus"], 64), (["serv", "65536"], 64),
                       (["serv", "--", "-1"], 64), (["serv", "http2x"], 2)):
        res = lookup(*args, etc=edge_etc)
        assert res.returncode == code, (args, res)
        assert res.stderr.count(b"\n") == 1 and b"Traceback" not in res.stderr, res.stderr
    res = lookup("serv", "x", etc=edge_etc / "missing")
    assert res.returncode == 66 and res.stderr.startswith(b"lookup: --etc ")
