"""The fault responder produces each fault, over real sockets (dnspython and raw sockets)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from support import faultdns as f
from support import loopback
from support.faultdns import FaultServer

Fault = Callable[..., FaultServer]

RECORDS = {
    "indns.test": {"A": "192.0.2.101", "AAAA": "2001:db8::101"},
    "alias.test": {"CNAME": "indns.test."},
    "loop1.test": {"CNAME": "loop2.test."},
    "loop2.test": {"CNAME": "loop1.test."},
    "nodata.test": {"TXT": '"no address"'},
    "*.wild.test": {"A": "192.0.2.140"},
    "deep.ent.test": {"A": "192.0.2.150"},
    "huge.test": {"A": f.huge_rrset(1000)},
    "huge6.test": {"AAAA": f.huge_rrset(100, family=6)},
    "ptr.test": {"PTR": r"ctl\010name\013\007x.test."},
    "test": {"SOA": "ns.test. hostmaster.test. 7 3600 900 604800 60"},
    **f.cname_chain("chain40.test", 40, "indns.test"),
}


def ask(srv: FaultServer, name: str, rdtype: str = "A", *, tcp: bool = False,
        edns: int | bool = False, timeout: float = 1.0, flags: int | None = None,
        ) -> dns.message.Message:
    q = dns.message.make_query(name, rdtype, use_edns=edns if edns is not False else False,
                               payload=1200 if edns is not False else 1232)
    if flags is not None:
        q.flags |= flags
    if tcp:
        return dns.query.tcp(q, srv.address, port=srv.port, timeout=timeout)
    return dns.query.udp(q, srv.address, port=srv.port, timeout=timeout)


def raw_udp(srv: FaultServer, wire: bytes, *, timeout: float = 1.0,
            count: int = 1) -> list[tuple[bytes, tuple[str, int]]]:
    """Send ``wire`` from an unconnected socket; collect ``count`` datagrams from anyone."""
    with socket.socket(socket.AF_INET6 if ":" in srv.address else socket.AF_INET,
                       socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (srv.address, srv.port))
        out = []
        for _ in range(count):
            try:
                data, peer = s.recvfrom(65535)
            except TimeoutError:
                break
            out.append((data, peer[:2]))
        return out


def query_wire(name: str = "indns.test", rdtype: str = "A", qid: int = 0x1234) -> bytes:
    q = dns.message.make_query(name, rdtype, use_edns=False)
    q.id = qid
    return q.to_wire()


def texts(msg: dns.message.Message, rdtype: str) -> set[str]:
    t = dns.rdatatype.from_text(rdtype)
    return {rd.to_text() for rrset in msg.answer if rrset.rdtype == t for rd in rrset}


# -- normal answers ------------------------------------------------------------------------------


@pytest.mark.dns
def test_normal_answers(fault: Fault) -> None:
    srv = fault(RECORDS)
    assert srv.address == "127.0.0.1" and srv.port > 0
    for tcp in (False, True):
        r = ask(srv, "indns.test", tcp=tcp)
        assert texts(r, "A") == {"192.0.2.101"}
        assert r.flags & dns.flags.AA and r.rcode() == dns.rcode.NOERROR
        assert texts(ask(srv, "INDNS.test", "AAAA", tcp=tcp), "AAAA") == {"2001:db8::101"}
    nx = ask(srv, "nosuch.test")
    assert nx.rcode() == dns.rcode.NXDOMAIN
    assert nx.authority[0].rdtype == dns.rdatatype.SOA
    assert nx.authority[0].name == dns.name.from_text("test.")  # the closest SOA
    nodata = ask(srv, "nodata.test")
    assert nodata.rcode() == dns.rcode.NOERROR and nodata.answer == []
    assert nodata.authority[0].rdtype == dns.rdatatype.SOA
    ent = ask(srv, "ent.test")  # empty non-terminal above deep.ent.test
    assert ent.rcode() == dns.rcode.NOERROR and ent.answer == []
    assert ask(srv, "outside.example").authority[0].name == dns.name.root


@pytest.mark.dns
def test_owner_keeps_the_query_case(fault: Fault) -> None:
    srv = fault(RECORDS)
    r = ask(srv, "InDnS.TeSt")
    assert r.answer[0].name.labels == (b"InDnS", b"TeSt", b"")
    assert b"\x05InDnS\x04TeSt\x00" in r.to_wire()


@pytest.mark.dns
def test_wildcards(fault: Fault) -> None:
    srv = fault(RECORDS)
    assert texts(ask(srv, "x.wild.test"), "A") == {"192.0.2.140"}
    r = ask(srv, "a.b.wild.test")
    assert texts(r, "A") == {"192.0.2.140"}
    assert r.answer[0].name == dns.name.from_text("a.b.wild.test.")
    assert ask(srv, "wild.test").answer == []  # the parent exists, no records


@pytest.mark.dns
def test_cname_chase_loops_and_limits(fault: Fault) -> None:
    srv = fault(RECORDS)
    r = ask(srv, "alias.test")
    assert [rr.rdtype for rr in r.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    loop = ask(srv, "loop1.test")
    assert [rr.name.to_text() for rr in loop.answer] == ["loop1.test.", "loop2.test."]
    assert loop.rcode() == dns.rcode.NOERROR
    chain = ask(srv, "chain40.test", tcp=True)
    assert len(chain.answer) == 41 and texts(chain, "A") == {"192.0.2.101"}
    assert ask(srv, "chain40.test").flags & dns.flags.TC  # 40 CNAMEs do not fit in 512 bytes
    short = fault(RECORDS, cname_limit=3)
    cut = ask(short, "chain40.test")
    assert len(cut.answer) == 4 and texts(cut, "A") == set()
    assert ask(srv, "alias.test", "CNAME").answer[0].rdtype == dns.rdatatype.CNAME


@pytest.mark.dns
def test_cname_to_missing_name_is_nxdomain_with_the_cname(fault: Fault) -> None:
    srv = fault({"dangling.test": {"CNAME": "missing.test."}})
    r = ask(srv, "dangling.test")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert [rr.rdtype for rr in r.answer] == [dns.rdatatype.CNAME]


@pytest.mark.dns
def test_ptr_targets_with_control_characters(fault: Fault) -> None:
    srv = fault(RECORDS)
    r = ask(srv, "ptr.test", "PTR")
    target = next(iter(r.answer[0])).target
    assert target.labels[0] == b"ctl\nname\r\x07x"
    assert b"\x0bctl\nname\r\x07x" in r.to_wire()


@pytest.mark.dns
def test_huge_rrsets_truncate_over_udp(fault: Fault) -> None:
    srv = fault(RECORDS)
    udp = ask(srv, "huge.test")
    assert udp.flags & dns.flags.TC and udp.answer == []
    assert len(texts(ask(srv, "huge.test", tcp=True), "A")) == 1000
    # EDNS: the limit is the query's payload size
    r = ask(srv, "huge6.test", "AAAA", edns=0)
    assert r.flags & dns.flags.TC  # 100 AAAA = 2.8 kB > 1200
    assert r.edns == 0 and r.payload == 1232  # our OPT record
    srv.set_rule("huge6.test", f.Answer(truncate=False))
    big = ask(srv, "huge6.test", "AAAA")
    assert len(texts(big, "AAAA")) == 100 and len(big.to_wire()) > 512


def test_replies_over_64_kib_keep_what_fits_and_set_tc(fault: Fault) -> None:
    srv = fault({"huge5000.test": {"A": f.huge_rrset(5000)}})
    r = ask(srv, "huge5000.test", tcp=True)
    assert r.flags & dns.flags.TC
    kept = texts(r, "A")
    assert 4000 < len(kept) < 5000 and kept <= set(f.huge_rrset(5000))
    assert len(r.to_wire()) <= 65535
    assert "TC" in srv.log[-1].action
    assert ask(srv, "huge5000.test").flags & dns.flags.TC  # UDP: plain TC, empty


def test_echo(fault: Fault) -> None:
    srv = fault(RECORDS, {"echo.test": f.Echo()})
    wire = query_wire("echo.test", qid=0xBEEF)
    [(data, _)] = raw_udp(srv, wire)
    assert data == wire


@pytest.mark.dns
def test_records_from_zone_files_match_knot_data(fixture_records: f.Records, fault: Fault) -> None:
    srv = fault(fixture_records)
    assert texts(ask(srv, "alias2.test"), "A") == {"192.0.2.101"}
    assert texts(ask(srv, "anything.wild.test", "AAAA"), "AAAA") == {"2001:db8::140"}
    assert ask(srv, "nosuch.test").rcode() == dns.rcode.NXDOMAIN
    assert texts(ask(srv, "91.2.0.192.in-addr.arpa", "PTR"), "PTR") == {"ptr-one.test.",
                                                                         "ptr-two.test."}
    chain = ask(srv, "chain16.test", tcp=True)  # unlike Knot, the whole chain in one answer
    assert texts(chain, "A") == {"192.0.2.130"} and len(chain.answer) == 17


# -- rcodes ----------------------------------------------------------------------------------------


@pytest.mark.dns
@pytest.mark.parametrize("behaviour", ["SERVFAIL", "REFUSED", "NOTIMP", "FORMERR", "NXDOMAIN"])
def test_rcodes(fault: Fault, behaviour: str) -> None:
    srv = fault(RECORDS, {"indns.test": getattr(f, behaviour)})
    for tcp in (False, True):
        r = ask(srv, "indns.test", tcp=tcp)
        assert dns.rcode.to_text(r.rcode()) == behaviour
        assert r.answer == []
    assert ask(srv, "alias.test").rcode() == dns.rcode.NOERROR  # only the named name


@pytest.mark.dns
def test_nodata(fault: Fault) -> None:
    srv = fault(RECORDS, {"indns.test": f.NoData()})
    r = ask(srv, "indns.test")
    assert r.rcode() == dns.rcode.NOERROR and r.answer == [] and r.authority


# -- silence, delay, closing --------------------------------------------------------------------


@pytest.mark.dns
def test_drop(fault: Fault) -> None:
    srv = fault(RECORDS, {"indns.test": f.Drop()})
    with pytest.raises(dns.exception.Timeout):
        ask(srv, "indns.test", timeout=0.3)
    with pytest.raises(dns.exception.Timeout):
        ask(srv, "indns.test", tcp=True, timeout=0.3)
    assert [e.action for e in srv.queries("indns.test")] == ["drop", "drop"]


@pytest.mark.dns
def test_close_tcp(fault: Fault) -> None:
    srv = fault(RECORDS, {"indns.test": f.Close()})
    with pytest.raises(EOFError):
        ask(srv, "indns.test", tcp=True)


@pytest.mark.dns
def test_delay_does_not_hold_up_other_queries(fault: Fault) -> None:
    srv = fault(RECORDS, {"slow.test": f.Delay(400, f.Answer({"A": "192.0.2.9"}))})
    done: dict[str, float] = {}

    def timed(name: str) -> None:
        t = time.monotonic()
        ask(srv, name, timeout=2)
        done[name] = time.monotonic() - t

    slow = threading.Thread(target=timed, args=("slow.test",))
    slow.start()
    time.sleep(0.05)
    timed("indns.test")
    slow.join()
    assert done["indns.test"] < 0.2
    assert 0.4 <= done["slow.test"] < 1.0
    t = time.monotonic()
    assert texts(ask(srv, "slow.test", tcp=True, timeout=2), "A") == {"192.0.2.9"}
    assert time.monotonic() - t >= 0.4


# -- replies the client must not accept ------------------------------------------------------------


@pytest.mark.dns
def test_wrong_id(fault: Fault) -> None:
    srv = fault(RECORDS, {"indns.test": f.WrongId(),
                          "alias.test": f.WrongId(correct_after_ms=100)})
    [(data, _)] = raw_udp(srv, query_wire(qid=0x1234))
    assert struct.unpack("!H", data[:2])[0] != 0x1234
    assert texts(dns.message.from_wire(data), "A") == {"192.0.2.101"}
    replies = raw_udp(srv, query_wire("alias.test", qid=0x4321), count=2)
    assert [struct.unpack("!H", d[:2])[0] == 0x4321 for d, _ in replies] == [False, True]
    # dnspython (ignore_errors=True) discards the mismatched reply and takes the right one
    q = dns.message.make_query("alias.test", "A")
    r = dns.query.udp(q, srv.address, port=srv.port, timeout=1, ignore_errors=True)
    assert texts(r, "A") == {"192.0.2.101"}


@pytest.mark.dns
def test_reply_from_another_port_and_address(fault: Fault) -> None:
    srv = fault(RECORDS, {"port.test": f.FromOtherPort(f.Answer({"A": "192.0.2.1"})),
                          "addr.test": f.FromOtherAddress(f.Answer({"A": "192.0.2.2"}))})
    [(_, peer)] = raw_udp(srv, query_wire("port.test"))
    assert peer[0] == srv.address and peer[1] != srv.port
    [(_, peer)] = raw_udp(srv, query_wire("addr.test"))
    assert peer[0] == loopback.other_loopback(srv.address) != srv.address
    assert loopback.is_loopback(peer[0])
    # a client that checks the source never accepts them
    q = dns.message.make_query("port.test", "A")
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(q, srv.address, port=srv.port, timeout=0.3, ignore_unexpected=True)
    assert texts(ask(srv, "port.test", tcp=True), "A") == {"192.0.2.1"}  # TCP: normal


@pytest.mark.dns
def test_other_question(fault: Fault) -> None:
    srv = fault(RECORDS, {"asked.test": f.OtherQuestion("indns.test", "AAAA")})
    [(data, _)] = raw_udp(srv, query_wire("asked.test", qid=77))
    r = dns.message.from_wire(data)
    assert r.id == 77
    assert r.question[0].name == dns.name.from_text("indns.test.")
    assert r.question[0].rdtype == dns.rdatatype.AAAA
    assert texts(r, "AAAA") == {"2001:db8::101"}


@pytest.mark.dns
def test_garbage(fault: Fault) -> None:
    srv = fault(RECORDS, {"g.test": f.Garbage(64), "r.test": f.Garbage(40, keep_id=False),
                          "s.test": f.Garbage(6), "d.test": f.Garbage(data=b"\x00\x00hello")})
    [(data, _)] = raw_udp(srv, query_wire("g.test", qid=0xBEEF))
    assert len(data) == 64 and data[:2] == b"\xbe\xef"
    [(data, _)] = raw_udp(srv, query_wire("r.test", qid=0xBEEF))
    assert len(data) == 40
    [(data, _)] = raw_udp(srv, query_wire("s.test", qid=0xBEEF))
    assert len(data) == 6 and data[:2] == b"\xbe\xef"
    [(data, _)] = raw_udp(srv, query_wire("d.test", qid=0xBEEF))
    assert data == b"\xbe\xefhello"


@pytest.mark.dns
def test_truncated_mid_record(fault: Fault) -> None:
    answer = f.Answer({"A": ["192.0.2.1", "192.0.2.2"]}, truncate=False)
    srv = fault(RECORDS, [f.Rule("cut.test", f.Truncated(then=answer)),
                          f.Rule("cut20.test", f.Truncated(cut=20)),
                          f.Rule("indns.test", f.Truncated(cut=-3), transport="udp")])
    [(data, _)] = raw_udp(srv, query_wire("cut.test"))
    msg_len = 12 + len(b"\x03cut\x04test\x00") + 4 + 2 * 16
    start_last = msg_len - 16
    assert start_last < len(data) < msg_len  # inside the last record
    assert f.record_spans(data) == [(start_last - 16, start_last)]  # only the first is whole
    assert not struct.unpack("!H", data[2:4])[0] & 0x0200  # no TC bit
    with pytest.raises(dns.exception.FormError):
        dns.message.from_wire(data)
    assert start_last < len(ask_raw_tcp(srv, query_wire("cut.test"))) < msg_len  # TCP too
    [(data, _)] = raw_udp(srv, query_wire("cut20.test"))
    assert len(data) == 20
    [(data, _)] = raw_udp(srv, query_wire("indns.test"))
    assert len(data) == len(ask_raw_tcp(srv, query_wire("indns.test"))) - 3


def ask_raw_tcp(srv: FaultServer, wire: bytes) -> bytes:
    with socket.create_connection((srv.address, srv.port), timeout=1) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        (n,) = struct.unpack("!H", s.recv(2))
        data = b""
        while len(data) < n:
            data += s.recv(n - len(data))
        return data


@pytest.mark.dns
def test_tc_then_a_different_tcp_answer(fault: Fault) -> None:
    srv = fault(RECORDS, {"tc.test": f.tc_then_tcp({"A": "192.0.2.77"}),
                          "partial.test": f.ByTransport(
                              udp=f.Tc(partial=1, then=f.Answer({"A": ["192.0.2.1", "192.0.2.2"]})),
                              tcp=f.Answer({"A": "192.0.2.78"}))})
    udp = ask(srv, "tc.test")
    assert udp.flags & dns.flags.TC and udp.answer == [] and udp.rcode() == dns.rcode.NOERROR
    assert texts(ask(srv, "tc.test", tcp=True), "A") == {"192.0.2.77"}
    part = ask(srv, "partial.test")
    assert part.flags & dns.flags.TC and len(texts(part, "A")) == 1
    q = dns.message.make_query("tc.test", "A")
    r, used_tcp = dns.query.udp_with_fallback(q, srv.address, port=srv.port, timeout=1)
    assert used_tcp and texts(r, "A") == {"192.0.2.77"}
    assert [e.transport for e in srv.queries("tc.test")] == ["udp", "tcp", "udp", "tcp"]


@pytest.mark.dns
@pytest.mark.parametrize("kind", ["owner", "cname", "ptr"])
def test_labels_over_63_octets(fault: Fault, kind: str) -> None:
    srv = fault(RECORDS, {"long.test": f.long_label_answer(kind, 64)})
    [(data, _)] = raw_udp(srv, query_wire("long.test", "PTR" if kind == "ptr" else "A"))
    assert b"\x40" + b"x" * 64 + b"\x04test\x00" in data
    with pytest.raises(dns.exception.DNSException):
        dns.message.from_wire(data)


@pytest.mark.dns
def test_raw_records(fault: Fault) -> None:
    srv = fault(RECORDS, {"raw.test": f.Raw([f.RawRR(None, "A", "192.0.2.5"),
                                             f.RawRR([b"other", b"test"], "A", b"\x01\x02\x03\x04")],
                                            rcode="NXDOMAIN")})
    r = ask(srv, "raw.test")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert [rr.name.to_text() for rr in r.answer] == ["raw.test.", "other.test."]


@pytest.mark.dns
def test_series(fault: Fault) -> None:
    srv = fault(RECORDS, {"indns.test": f.Series(f.SERVFAIL, f.Drop(), f.Answer())})
    assert ask(srv, "indns.test").rcode() == dns.rcode.SERVFAIL
    with pytest.raises(dns.exception.Timeout):
        ask(srv, "indns.test", timeout=0.2)
    assert texts(ask(srv, "indns.test"), "A") == {"192.0.2.101"}
    assert texts(ask(srv, "indns.test"), "A") == {"192.0.2.101"}  # the last one repeats
    assert [e.action.split(":")[0] for e in srv.log] == ["#1", "#2", "#3", "#4"]


# -- rules ---------------------------------------------------------------------------------------------


@pytest.mark.dns
def test_rule_matching(fault: Fault) -> None:
    srv = fault(RECORDS, [f.Rule("indns.test", f.SERVFAIL, qtype="AAAA"),
                          f.Rule("indns.test", f.REFUSED, transport="tcp"),
                          f.Rule("*.wild.test", f.NXDOMAIN)])
    assert ask(srv, "indns.test", "A").rcode() == dns.rcode.NOERROR
    assert ask(srv, "indns.test", "AAAA").rcode() == dns.rcode.SERVFAIL
    assert ask(srv, "indns.test", "A", tcp=True).rcode() == dns.rcode.REFUSED
    assert ask(srv, "a.wild.test").rcode() == dns.rcode.NXDOMAIN
    assert ask(srv, "wild.test").rcode() == dns.rcode.NOERROR  # "*.zone" is strictly below
    srv.set_rule("*", f.NOTIMP)  # in front of everything
    assert ask(srv, "indns.test", "AAAA").rcode() == dns.rcode.NOTIMP
    srv.clear_rules()
    assert ask(srv, "indns.test", "AAAA").rcode() == dns.rcode.NOERROR


# -- the query log -----------------------------------------------------------------------------------


@pytest.mark.dns
def test_query_log_fields(fault: Fault) -> None:
    srv = fault(RECORDS, {"x.test": f.Drop()})
    ask(srv, "InDnS.test", "AAAA", edns=0, flags=dns.flags.AD)
    ask(srv, "indns.test", tcp=True)
    q = dns.message.make_query("indns.test", "A", use_edns=0, want_dnssec=True)
    q.flags &= ~dns.flags.RD
    dns.query.udp(q, srv.address, port=srv.port, timeout=1)
    first, second, third = srv.wait_for_queries(3)
    assert first.transport == "udp" and second.transport == "tcp"
    assert first.qname == "InDnS.test." and first.qtype == "AAAA"
    assert first.edns == 1200 and first.ad and first.rd and not first.do
    assert second.edns is None and not second.ad
    assert third.do and not third.rd
    assert first.server == (srv.address, srv.port)
    assert all(loopback.is_loopback(e.client[0]) for e in srv.log)
    assert first.client[1] != second.client[1]
    assert first.action == "NOERROR an=1"
    assert 0 <= first.t <= second.t <= third.t
    assert "InDnS.test. AAAA [rd ad] edns=1200:0" in first.line()
    assert srv.queries("INDNS.TEST", qtype="A", transport="udp") == [third]
    srv.clear_log()
    assert srv.log == []


@pytest.mark.dns
def test_unparsable_queries(fault: Fault) -> None:
    srv = fault(RECORDS)
    [(data, _)] = raw_udp(srv, b"\x12\x34\x01\x00" + b"\x00\x01" + b"\x00" * 6 + b"\x07broken")
    assert data[:2] == b"\x12\x34"
    assert struct.unpack("!H", data[2:4])[0] & 0x000F == dns.rcode.FORMERR
    assert raw_udp(srv, b"\x01\x02\x03", timeout=0.2) == []
    assert [e.qname for e in srv.log] == [None, None]
    assert srv.log[1].action == "unparsable, too short: no reply"


@pytest.mark.dns
def test_ipv6_loopback(fault: Fault) -> None:
    try:
        srv = fault(RECORDS, address="::1")
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    assert texts(ask(srv, "indns.test", tcp=True), "A") == {"192.0.2.101"}
    assert srv.log[0].client[0] == "::1"
    with pytest.raises(ValueError):
        loopback.other_loopback("::1")


@pytest.mark.dns
def test_port_53_on_a_dedicated_address(fault: Fault) -> None:
    srv = fault(RECORDS, port=53)
    assert srv.port == 53 and srv.address.startswith("127.53.")
    assert texts(ask(srv, "indns.test"), "A") == {"192.0.2.101"}
    assert srv.resolv_conf().startswith(f"nameserver {srv.address}\n")
    other = fault(RECORDS, port=53)
    assert other.address != srv.address


def test_refuses_non_loopback_addresses() -> None:
    with pytest.raises(ValueError):
        FaultServer(address="192.0.2.1").start()
    with pytest.raises(ValueError):
        loopback.resolv_conf_text(["10.0.0.53"])


@pytest.mark.dns
def test_stop_is_clean_and_frees_the_port(fault: Fault) -> None:
    srv = fault(RECORDS, {"slow.test": f.Delay(5000)})
    address, port = srv.address, srv.port
    raw_udp(srv, query_wire("slow.test"), timeout=0.05)
    t = time.monotonic()
    srv.stop()
    assert time.monotonic() - t < 2
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, port))  # free again


def test_big_replies_are_rendered_once_and_reused_under_each_id(fault: Fault) -> None:
    srv = fault({"huge.test": {"A": f.huge_rrset(1000)}})
    first = ask(srv, "huge.test", tcp=True)
    second = ask(srv, "huge.test", tcp=True)  # dnspython checks that each reply carries its query's id
    assert texts(first, "A") == texts(second, "A") == set(f.huge_rrset(1000))
    assert [rr.to_text() for rr in first.answer] == [rr.to_text() for rr in second.answer]  # one rendering
    srv.records.add({"huge.test": {"A": "192.0.2.1"}})  # a change renders anew
    assert "192.0.2.1" in texts(ask(srv, "huge.test", tcp=True), "A")
