"""The DNS core without a network: names, messages, and res_search's candidates.

``res_search`` is driven here by a fake I/O driver that answers every query
with NXDOMAIN, so the names it sends can be compared with
``files.resolvconf.search_candidates`` (the two must agree).
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdb.dns import io
from netdb.dns.config import DnsConfig, ResolverState, Server, parse_server
from netdb.dns.exchange import ResContext
from netdb.dns.names import binary_hnok, hnok_wire, ntop, pton, res_hnok, unpack
from netdb.dns.search import res_search
from netdb.dns.wire import Reply, make_query, queries_match
from netdb.drive import run_sync
from netdb.files.resolvconf import parse_resolv_conf, search_candidates


@pytest.mark.parametrize(("text", "wire"), [
    (b"", b"\x00"), (b".", b"\x00"), (b"a", b"\x01a\x00"), (b"a.b.", b"\x01a\x01b\x00"),
    (b"a\\065.test", b"\x02aA\x04test\x00"), (b"a\\.b", b"\x03a.b\x00"), (b"x" * 63, b"\x3f" + b"x" * 63 + b"\x00"),
])
def test_pton(text: bytes, wire: bytes) -> None:
    assert pton(text) == wire


@pytest.mark.parametrize("text", [b"a..b", b".a", b"..", b"x" * 64, b"a\\25", b"a\\256", b"a\\2x5",
                                  b".".join([b"x" * 63] * 4)])
def test_pton_refuses(text: bytes) -> None:
    assert pton(text) is None


@pytest.mark.parametrize(("name", "ok"), [
    (b"under_score.test", True), (b"a-b.test", True), (b"-lead.test", False), (b"x.-mid.test", True),
    (b"bad name.test", False), (b"*.test", False), (b"caf\xc3\xa9.test", False), (b"a\\.b.test", False),
    (b"a\\065.test", True), (b"", True), (b"a..b", False), (b"a/b.test", False),
])
def test_res_hnok(name: bytes, ok: bool) -> None:
    assert res_hnok(name) is ok


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.binary(max_size=40),
                 st.lists(st.sampled_from([b"a", b"Z9", b"-", b"_", b".", b"..", b"\\", b"\\.", b"\\065", b" ",
                                           b"\x7f", b"x" * 63, b"y" * 64, b"*", b"\xc3\xa9"]),
                          max_size=8).map(b"".join)))
def test_hnok_wire_is_res_hnok_then_pton(text: bytes) -> None:
    """One pass that checks and encodes agrees with glibc's steps: printable, ns_name_pton, binary_hnok."""
    printable = text.isascii() and b" " not in text and text.decode("ascii").isprintable()
    wire = pton(text) if printable else None
    expected = wire if wire is not None and binary_hnok(wire) else None
    assert hnok_wire(text) == expected


def test_ntop_escapes() -> None:
    assert ntop(b"\x03a b\x04test\x00") == b"a\\032b.test"
    assert ntop(b"\x03a.b\x00") == b"a\\.b"
    assert ntop(b"\x00") == b"."
    assert not binary_hnok(b"\x03a.b\x00")


@given(st.lists(st.binary(min_size=1, max_size=20), min_size=1, max_size=6))
@settings(max_examples=200)
def test_ntop_pton_round_trip(labels: list[bytes]) -> None:
    wire = b"".join(bytes([len(x)]) + x for x in labels) + b"\x00"
    assert pton(ntop(wire)) == wire


def test_unpack_compression_and_loops() -> None:
    msg = b"\x00" * 12 + b"\x04test\x00" + b"\x01a\xc0\x0c"
    assert unpack(msg, 18) == (b"\x01a\x04test\x00", 22)
    loop = b"\x00" * 12 + b"\xc0\x0c"
    assert unpack(loop, 12) is None
    assert unpack(msg, 40) is None


def test_query_shape_and_matching() -> None:
    q = make_query(b"\x05indns\x04test\x00", 1, ad=True, edns=True, qid=0x1234)
    assert struct.unpack_from("!HHHHHH", q) == (0x1234, 0x0120, 1, 0, 0, 1)
    assert q.endswith(b"\x00\x00\x29\x04\xb0\x00\x00\x00\x00\x00\x00")  # OPT: payload 1200
    reply = bytearray(q)
    reply[2] |= 0x80
    reply[12:18] = b"\x05INDNS"  # case does not matter
    assert queries_match(q, bytes(reply))
    other = make_query(b"\x05other\x04test\x00", 1, qid=0x1234)
    assert not queries_match(q, other)
    assert Reply(bytes(reply)).question() == (b"\x05INDNS\x04test\x00", 1, 1, 28)


def test_parse_server() -> None:
    assert parse_server("127.0.0.1") == Server("127.0.0.1", 2, 53)
    assert parse_server("127.0.0.1:5353") == Server("127.0.0.1", 2, 5353)
    assert parse_server("::1") == Server("::1", 10, 53)
    assert parse_server("[::1]:5353").label == "[::1]:5353"
    for bad in ("localhost", "127.0.0.1:x", "[::1", "1.2.3.4:0"):
        with pytest.raises(ValueError):
            parse_server(bad)


def test_try_timeout_schedule() -> None:
    three = DnsConfig(servers=(Server("127.0.0.1", 2),) * 3, search=(), timeout=2, attempts=2)
    assert [three.try_timeout(i) for i in range(3)] == [2, 1, 2]
    assert three.max_seconds() == 10.0  # glibc-behavior §8.4: 3 servers, timeout:2 attempts:2


def _nxdomain_driver() -> Any:
    """A fake driver: every query is answered NXDOMAIN at once; records what was sent."""
    sent: list[bytes] = []
    pending: dict[int, bytes] = {}

    class Handle:
        def close(self) -> None:
            pass

    def perform(req: Any) -> Any:
        if isinstance(req, (io.UdpOpen, io.TcpOpen)):
            return Handle()
        if isinstance(req, io.UdpConnect):
            return 40000
        if isinstance(req, io.UdpSend):
            sent.append(req.data)
            pending[id(req.handle)] = pending.get(id(req.handle), b"") or req.data
            queue.append(req.data)
            return None
        if isinstance(req, io.UdpRecv):
            data = bytearray(queue.pop(0))
            data[2] |= 0x84  # QR, AA
            data[3] = (data[3] & 0xF0) | 3  # NXDOMAIN
            return bytes(data)
        return None

    queue: list[bytes] = []
    return perform, sent


def _qname(msg: bytes) -> str:
    got = unpack(msg, 12)
    assert got is not None
    return ntop(got[0]).decode("utf-8", "surrogateescape") + "."


@pytest.mark.parametrize(("conf_text", "name"), [
    ("search a.test b.test\n", "host"), ("search a.test b.test\n", "x.y"), ("search a.test\noptions ndots:2\n", "x.y"),
    ("search a.test\n", "host."), ("search .\n", "host"), ("search a.test\noptions no-tld-query\n", "host"),
    ("search a.test\noptions no-tld-query\n", "x.y"), ("options ndots:0\nsearch a.test\n", "host"),
    ("search " + "x" * 60 + ".test a.test\n", "y" * 200), ("search a.test .b.test\n", "h"),
])
def test_res_search_sends_search_candidates(conf_text: str, name: str) -> None:
    rc = parse_resolv_conf("nameserver 127.0.0.1\n" + conf_text, "/x/resolv.conf")
    conf = DnsConfig.from_resolv_conf(rc)
    perform, sent = _nxdomain_driver()
    ctx = ResContext(conf, ResolverState())
    result = run_sync(res_search(ctx, name.encode(), 1), perform)
    assert result.n < 0
    assert [_qname(m) for m in sent] == search_candidates(name, rc)


_PTON_TEXT = st.binary(max_size=300).map(lambda b: bytes(b"ab.\\9"[c % 5] for c in b)) | st.text(
    alphabet="a.", max_size=300).map(str.encode)


@given(_PTON_TEXT, st.sampled_from([255, 64, 5]))
def test_pton_fast_path_agrees_with_the_general_loop(text: bytes, limit: int) -> None:
    from netdb.dns.names import _pton_escaped

    assert pton(text, limit) == _pton_escaped(text, limit)


@pytest.mark.parametrize("keep", [12, 13, 17, 20, 22, 24])
def test_reply_cut_inside_its_question_does_not_match(keep: int) -> None:
    """glibc reads the cut question on into its answer buffer; read as zeros, it differs."""
    q = make_query(b"\x05indns\x04test\x00", 1, qid=0x1234)
    reply = bytearray(q)
    reply[2] |= 0x80
    assert queries_match(q, bytes(reply))
    assert not queries_match(q, bytes(reply[:keep]))


def test_unreadable_reply_question_still_matches() -> None:
    """A question glibc cannot unpack (a reserved label type) counts as a match, as the C -1 does."""
    q = make_query(b"\x05indns\x04test\x00", 1, qid=0x1234)
    reply = q[:12] + b"\x40" + q[13:]
    assert queries_match(q, reply)


def test_getanswer_r_counts_the_hostent_size() -> None:
    """The room gethostbyname3_context takes: 1362 A records of a 15-character name fit 16383 bytes, 1363 do not."""
    from netdb.dns.answers import getanswer_r

    def answer(count: int) -> bytes:
        qname = b"\x08huge1363\x01h\x04test\x00"
        head = struct.pack("!6H", 7, 0x8180, 1, count, 0, 0) + qname + struct.pack("!HH", 1, 1)
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4)
        return head + b"".join(rr + struct.pack("!I", 0xC6120000 + i) for i in range(count))

    assert getanswer_r(answer(1362), 1).size == 16 + 4 * 1362 + 8 * 1363 + 8 == 16376
    assert getanswer_r(answer(1363), 1).size == 16 + 4 * 1363 + 4 + 8 * 1364 + 8 == 16392
