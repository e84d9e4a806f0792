"""The fast lane's pure parts agree with the full path's code (``netdb.bulklane``).

* ``_first_candidate`` names the query ``res_search`` sends first;
* ``_addresses`` reads a reply to ``_slice``'s addresses whenever it reads it
  at all (the usual shape), and declines everything else;
* ``_plain`` accepts exactly the replies ``send_dg`` keeps without a special
  case (NOERROR, whole, not the "no AA, no RA, no records" reply).

The lane's answers end to end are compared with the full path's over real
servers in tests/dns/test_bulk_lane.py.
"""

from __future__ import annotations

import socket
import struct

from hypothesis import event, given, settings
from hypothesis import strategies as st

from netdb.bulklane import _addresses, _first_candidate, _plain
from netdb.dns import io
from netdb.dns.answers import _slice
from netdb.dns.config import DnsConfig, ResolverState, Server
from netdb.dns.exchange import ResContext
from netdb.dns.names import pton
from netdb.dns.search import A_AND_AAAA, res_search
from netdb.dns.wire import HEADER_SIZE, T_A, T_AAAA, T_CNAME, make_query

labels = st.text(alphabet="abcXY09-_.", min_size=0, max_size=12)
names = st.one_of(labels, st.builds(lambda a, n: (a + ".") * n, labels, st.integers(0, 90)))
domains = st.sampled_from([b"example.test", b".lead.test", b".", b"", b"x" * 63 + b"." + b"y" * 63, b"a" * 900])


def _first_query_name(conf: DnsConfig, raw: bytes) -> bytes | None:
    """The question name of the first query the full path sends (None: it sends none)."""
    gen = res_search(ResContext(conf, ResolverState()), raw, A_AND_AAAA)
    value: object = None
    try:
        while True:
            request = gen.send(value)
            if isinstance(request, io.UdpSend):
                data = request.data
                end = data.index(b"\0", HEADER_SIZE) + 1
                gen.close()
                return data[HEADER_SIZE:end]
            value = object() if isinstance(request, io.UdpOpen) else 0
    except StopIteration:
        return None


@settings(max_examples=400, deadline=None)
@given(name=names, search=st.lists(domains, max_size=3), ndots=st.integers(0, 4))
def test_first_candidate_is_the_first_query(name: str, search: list[bytes], ndots: int) -> None:
    raw = name.encode()
    conf = DnsConfig(servers=(Server("127.0.0.1", socket.AF_INET),), search=tuple(search), ndots=ndots)
    candidate = _first_candidate(conf, raw)
    if candidate is None or pton(candidate) is None:
        return  # the lane declines; no claim
    assert _first_query_name(conf, raw) == pton(candidate)


def _record(owner: bytes, rtype: int, rdata: bytes, rdlength: int | None = None) -> bytes:
    length = len(rdata) if rdlength is None else rdlength
    return owner + struct.pack("!HHIH", rtype, 1, 60, length) + rdata


OWNERS = st.sampled_from([b"\xc0\x0c", b"\xc0\x0d", b"\xc0\xff", b"\x05other\x04test\x00", b"\x00"])
RDATA = st.one_of(st.sampled_from([bytes(range(1, 5)), bytes(range(16))]), st.binary(max_size=17))
RECORDS = st.tuples(OWNERS, st.sampled_from([T_A, T_AAAA, T_CNAME, 99]), RDATA,
                    st.one_of(st.none(), st.integers(0, 40)))


def _usual(qtype: int, count: int) -> list[tuple[bytes, int, bytes, int | None]]:
    size = 4 if qtype == T_A else 16
    return [(b"\xc0\x0c", qtype, bytes(range(i, i + size)), None) for i in range(count)]


@settings(max_examples=800, deadline=None)
@given(qtype=st.sampled_from([T_A, T_AAAA]), usual=st.integers(0, 4), records=st.one_of(st.just([]), st.lists(RECORDS, max_size=3)),
       ancount_delta=st.sampled_from([0, 0, 0, -1, 1]), upper=st.booleans(), qdcount=st.sampled_from([1, 1, 1, 2, 0]),
       cut=st.sampled_from([0, 0, 0, 1, 4, 8]), other_type=st.booleans())
def test_addresses_agree_with_slice(qtype: int, usual: int, records: list[tuple[bytes, int, bytes, int | None]],
                                    ancount_delta: int, upper: bool, qdcount: int, cut: int, other_type: bool) -> None:
    records = _usual(T_AAAA if other_type and qtype == T_A else qtype, usual) + records
    wire = b"\x05indns\x04test\x00"
    query = make_query(wire, qtype, qid=7)
    question = (wire.upper() if upper else wire) + struct.pack("!HH", qtype, 1)
    body = b"".join(_record(*r) for r in records)
    ancount = max(0, len(records) + ancount_delta)
    reply = struct.pack("!HHHHHH", 7, 0x8180, qdcount, ancount, 0, 0) + question + body
    if cut:
        reply = reply[:-cut] if len(reply) - cut > HEADER_SIZE + len(question) else reply
    fast = _addresses(reply, wire, len(query))
    if fast is None:
        return
    status, _h, slow, _canon = _slice(reply, True)
    event("read" if fast else "no address")
    assert fast == slow
    assert status == ("SUCCESS" if fast else "NOTFOUND")


def test_addresses_reads_the_usual_reply() -> None:
    wire = b"\x05indns\x04test\x00"
    q = make_query(wire, T_AAAA, qid=9)
    reply = (struct.pack("!HHHHHH", 9, 0x8580, 1, 2, 0, 0) + q[HEADER_SIZE:]
             + _record(b"\xc0\x0c", T_AAAA, bytes(15) + b"\x01") + _record(b"\xc0\x0c", T_AAAA, bytes(16)))
    assert _addresses(reply, wire, len(q)) == [(socket.AF_INET6, bytes(15) + b"\x01"), (socket.AF_INET6, bytes(16))]
    # a CNAME first: left to _slice
    cname = _record(b"\xc0\x0c", T_CNAME, b"\x01x\xc0\x0c")
    assert _addresses(reply[:len(q)] + cname, wire, len(q)) is None


@given(flags=st.integers(0, 0xFFFF), ancount=st.integers(0, 2), arcount=st.integers(0, 2))
def test_plain_is_what_send_dg_keeps(flags: int, ancount: int, arcount: int) -> None:
    header = struct.pack("!HHHHHH", 1, flags, 1, ancount, 0, arcount)
    rcode, tc, aa, ra = flags & 0xF, flags & 0x0200, flags & 0x0400, flags & 0x0080
    skipped = rcode == 0 and ancount == 0 and not aa and not ra and arcount == 0
    assert _plain(header) == (rcode == 0 and not tc and not skipped)


@settings(max_examples=2000, deadline=None)
@given(name=st.one_of(st.text(alphabet="0123456789abcdefxXABCDEF.:% gGz-_\t", max_size=40),
                      st.from_regex(r"\A[0-9a-fA-F:.x]{1,30}[g-z ][0-9a-fA-F:.x]{0,10}\Z")))
def test_names_the_numeric_prefilter_skips_are_not_numeric(name: str) -> None:
    from netdb.bulklane import _NOT_NUMERIC
    from netdb.gai import Found, text_to_binary

    if "%" in name or _NOT_NUMERIC.search(name) is None:
        return
    try:
        assert not text_to_binary(name, 0, 0, Found())
    except OSError:
        raise AssertionError(f"text_to_binary raised for {name!r}") from None
