"""Every parser takes any text and returns records and diagnostics; it raises nothing.

What a parser accepts survives a round trip through getent's format and back.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from netdb import getent_format as fmt
from netdb.files._text import decode
from netdb.files.hosts import parse_hosts
from netdb.files.networks import parse_networks
from netdb.files.protocols import parse_protocols
from netdb.files.rpc import parse_rpc
from netdb.files.services import parse_services

PARSERS = [parse_hosts, parse_services, parse_protocols, parse_networks, parse_rpc]

# Text that looks like configuration: tokens, numbers, separators of every kind.
TOKENS = st.sampled_from(["a", "b.c", "80/tcp", "0x10", "-1", "#", "\t", " ", "\r", "\v", "\0", "\u00a0",
                          "::1", "192.0.2.1", "fe80::1%lo", "65536/udp", "/", "//", "\u2028", "é", "\udcff"])
LINES = st.lists(st.lists(TOKENS, max_size=8).map("".join), max_size=12).map("\n".join)


@settings(max_examples=300)
@given(st.one_of(st.text(), LINES, st.binary().map(decode)))
def test_parsers_never_raise(text: str) -> None:
    for parse in PARSERS:
        result = parse(text, "f")
        assert all(d.path == "f" and d.line >= 1 for d in result.diagnostics)


NAME = st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=12)


@given(st.lists(st.tuples(NAME, st.integers(0, 65535), st.sampled_from(["tcp", "udp", "sctp"]),
                          st.lists(NAME, max_size=3)), max_size=10))
def test_services_round_trip(rows: list[tuple[str, int, str, list[str]]]) -> None:
    text = "".join(f"{n}\t{p}/{proto}\t{' '.join(a)}\n" for n, p, proto, a in rows)
    first = parse_services(text).entries
    again = parse_services(decode(b"".join(fmt.format_services(e) for e in first))).entries
    assert first == again and len(first) == len(rows)


@given(st.lists(st.tuples(NAME, st.integers(0, 2**31 - 1), st.lists(NAME, max_size=3)), max_size=10))
def test_protocols_and_rpc_round_trip(rows: list[tuple[str, int, list[str]]]) -> None:
    text = "".join(f"{n} {num} {' '.join(a)}\n" for n, num, a in rows)
    protos = parse_protocols(text).entries
    assert parse_protocols(decode(b"".join(fmt.format_protocols(e) for e in protos))).entries == protos
    rpcs = parse_rpc(text).entries
    assert parse_rpc(decode(b"".join(fmt.format_rpc(e) for e in rpcs))).entries == rpcs
