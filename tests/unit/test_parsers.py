"""The nss_files parsers: what glibc 2.36 keeps, skips and changes (glibc-behavior.md §3, §5)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from netdb.files._text import decode
from netdb.files.hosts import parse_hosts
from netdb.files.networks import pad_network, parse_networks
from netdb.files.protocols import parse_protocols
from netdb.files.rpc import parse_rpc
from netdb.files.services import parse_services
from netdb.records import netent, protoent, rpcent, servent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _load(kind: str) -> str:
    return decode((FIXTURES / kind / "edge").read_bytes())


def test_services_edge_fixture() -> None:
    parsed = parse_services(_load("services"), "services")
    by_name = {}
    for e in parsed.entries:
        by_name.setdefault(e.name, e)
    assert by_name["ssh"] == servent("ssh", ("secure-shell", "sshd"), 22, "tcp")
    assert by_name["noproto"] == servent("noproto", (), 1007, "")
    assert "noproto-skipped" not in by_name  # blanks after a bare port
    assert by_name["wrapped"].port == 0 and by_name["big"].port == 34463
    assert by_name["negzero"].port == 0 and "neg" not in by_name
    assert by_name["hex"].port == 16 and by_name["octal"].port == 679 and "badoctal" not in by_name
    assert by_name["plus"].port == 1246 and "spaced" not in by_name
    assert by_name["slashes"].proto == "tcp"
    assert by_name["slashend"] == servent("slashend", ("tcp",), 1238, "")
    assert by_name["slashy"].proto == "tcp/extra" and by_name["upper"].proto == "TCP"
    assert by_name["glued"].proto == "tcp" and by_name["indented"].port == 1242
    assert "nameonly" not in by_name and "toolarge" not in by_name and "junk" not in by_name
    assert by_name["justfits"].port == 65535
    assert by_name["dupalias"].aliases == ("dupalias", "x", "x")
    assert by_name["crlf"].aliases == ("crlf-alias",) and by_name["vtab"].aliases == ("vt-alias",)
    assert by_name["nbsp"].aliases == ("a\u00a0b",)
    assert by_name["nonewline"].port == 1248
    lines = dict(zip([e.name for e in parsed.entries], parsed.lines, strict=True))
    assert lines["ftp-data"] == 2
    skipped = {d.line for d in parsed.diagnostics if d.severity == "error"}
    assert skipped == {17, 21, 25, 27, 34, 35, 37}


def test_protocols_edge_fixture() -> None:
    parsed = parse_protocols(_load("protocols"), "protocols")
    names = [e.name for e in parsed.entries]
    assert parsed.entries[:3] == [protoent("ip", ("IP",), 0), protoent("icmp", ("ICMP",), 1), protoent("tcp", ("TCP",), 6)]
    assert "neg" not in names and "hexnum" not in names and "nonum" not in names and "junk" not in names
    assert protoent("negzero", (), 0) in parsed.entries
    assert protoent("octalish", (), 10) in parsed.entries  # strictly decimal
    assert protoent("wrap", (), -1) in parsed.entries  # 4294967295 as a C int
    assert protoent("glued", (), 201) in parsed.entries and protoent("lead", (), 204) in parsed.entries


def test_networks_edge_fixture() -> None:
    parsed = parse_networks(_load("networks"), "networks")
    nets = {e.name: e for e in parsed.entries}
    assert nets["loopback"] == netent("loopback", ("lo-net",), socket.AF_INET, 0x7F000000)
    assert nets["loopshort"].net == 0x7F000000 and nets["class-c"].network == "192.168.1.0"
    assert nets["hexnet"].net == 0xFFFFFFFF and nets["badnet"].network == "255.255.255.255"
    assert nets["hexpart"].network == "10.1.0.0" and nets["octpart"].network == "10.1.0.0"
    assert nets["nonet"].net == 0xFFFFFFFF
    assert pad_network("127") == "127.0.0.0" and pad_network("1.2.3.4.5") == "1.2.3.4.5"


def test_rpc_edge_fixture() -> None:
    parsed = parse_rpc(_load("rpc"), "rpc")
    assert parsed.entries[0] == rpcent("portmapper", ("portmap", "sunrpc", "rpcbind"), 100000)
    names = [e.name for e in parsed.entries]
    assert "neg" not in names and "hexrpc" not in names and "plus" in names


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("192.0.2.1 a", True), ("2001:db8::1 a", True), ("1.2.3 a", False), ("192.0.2.010 a", False),
        ("0x7f.0.0.2 a", False), ("999.1.1.1 a", False), ("fe80::1%lo a", False), ("fe80::1 a", True),
        ("::ffff:192.0.2.9 a", True), ("192.0.2.4", True), ("#192.0.2.5 a", False), ("   192.0.2.6\ta", True),
    ],
)
def test_hosts_address_column(line: str, kept: bool) -> None:
    parsed = parse_hosts(line + "\n", "hosts")
    assert bool(parsed.entries) == kept
    errors = [d for d in parsed.diagnostics if d.severity == "error"]
    assert bool(errors) == (not kept and not line.startswith("#"))


def test_hosts_names_aliases_and_comments() -> None:
    text = "192.0.2.2 multi multi-alias#glued-comment\n192.0.2.5 dupalias dupalias dupalias2 DUPALIAS2 dupalias\r\n192.0.2.4\n"
    e = parse_hosts(text).entries
    assert (e[0].name, e[0].aliases) == ("multi", ("multi-alias",))
    assert e[1].aliases == ("dupalias", "dupalias2", "DUPALIAS2", "dupalias")
    assert (e[2].name, e[2].aliases, e[2].address) == ("", (), "192.0.2.4")
    assert [x.lineno for x in e] == [1, 2, 3]
    assert parse_hosts("0:0:0:0:0:0:0:1 lo6\n").entries[0].address == "::1"
