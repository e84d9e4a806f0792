"""netdb's DNS source against real servers on loopback: Knot and the fault responder.

Every Resolver here reads an etc directory written by the test, whose
resolv.conf names only the test's servers (``support.netdb_dns``).  The
fault responder's query log shows exactly what netdb sent.
"""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import netdb
from netdb.dns.trace import QueryRecord
from support import faultdns as f
from support.faultdns import FaultServer
from support.knot import KnotServer
from support.netdb_dns import addrs, outcome, resolver_for

pytestmark = pytest.mark.dns

Fault = Callable[..., FaultServer]
NONAME = {"error": "gaierror", "args": [-2, "Name or service not known"]}
NODATA = {"error": "gaierror", "args": [-5, "No address associated with hostname"]}
AGAIN = {"error": "gaierror", "args": [-3, "Temporary failure in name resolution"]}
UNSPEC, INET, INET6 = 0, socket.AF_INET, socket.AF_INET6


def gai(r: netdb.Resolver, name: str | bytes, family: int = 0, flags: int = 0) -> dict[str, Any]:
    return outcome(r.getaddrinfo, name, None, family, socket.SOCK_STREAM, 0, flags)


def sent(srv: FaultServer) -> list[tuple[str | None, str | None]]:
    return [(e.qname, e.qtype) for e in srv.log]


# -- Knot: forward ------------------------------------------------------------------------------------


def test_forward_lookups(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    assert sorted(addrs(r.getaddrinfo("indns.test", 80, type=socket.SOCK_STREAM))) == ["192.0.2.101", "2001:db8::101"]
    assert addrs(r.getaddrinfo("indns.test", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.101"]
    assert addrs(r.getaddrinfo("indns.test", 80, INET6, socket.SOCK_STREAM)) == ["2001:db8::101"]
    assert sorted(addrs(r.getaddrinfo("multi.test", 80, INET, socket.SOCK_STREAM))) == ["192.0.2.111", "192.0.2.112"]
    assert addrs(r.getaddrinfo("v6.test", 80, type=socket.SOCK_STREAM)) == ["2001:db8::105"]
    assert gai(r, "v4.test", INET6) == NODATA
    assert gai(r, "nodata.test") == NODATA
    assert gai(r, "nosuch.test") == NONAME
    assert gai(r, "dangling.test") == NONAME
    assert addrs(r.getaddrinfo("anything.wild.test", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.140"]
    assert r.gethostbyname("v4.test") == "192.0.2.104"


def test_cname_chain_and_canonical_name(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    for family in (UNSPEC, INET, INET6):
        res = r.getaddrinfo("alias2.test", 80, family, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
        assert res[0][3] == "indns.test"
        assert all(x[3] == "" for x in res[1:])
    assert r.gethostbyname_ex("alias2.test") == ("indns.test", ["alias2.test", "alias.test"], ["192.0.2.101"])
    assert r.gethostbyname_ex("chain5.test")[0] == "target.test"
    res = r.getaddrinfo("indns.test.", 80, INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
    assert res[0][3] == "indns.test"  # the absolute name loses its dot
    res = r.getaddrinfo("MIXED.case.test", 80, INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
    assert res[0][3] == "MIXED.case.test"  # Knot echoes the query's case
    assert gai(r, "chain6.test") == NONAME  # Knot stops after 5 CNAMEs: no address
    assert gai(r, "chain6.test", INET) == NODATA


def test_large_rrset_over_tcp(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    got = addrs(r.getaddrinfo("big.test", 80, INET, socket.SOCK_STREAM))
    assert sorted(got) == sorted(f"198.51.100.{i}" for i in range(1, 41))
    trace: list[Any] = []
    r.resolve("big.test", 80, INET, socket.SOCK_STREAM, trace=trace)
    records: list[QueryRecord] = [rec for step in trace for rec in step.records]
    assert [(q.transport, q.outcome) for q in records] == [("udp", "truncated"), ("tcp", "NOERROR")]


def test_reverse_lookups(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    assert r.gethostbyaddr("192.0.2.101") == ("indns.test", [], ["192.0.2.101"])
    assert r.gethostbyaddr("2001:db8::101") == ("indns.test", [], ["2001:db8::101"])
    assert r.gethostbyaddr("192.0.2.88") == ("classless.test", [], ["192.0.2.88"])  # CNAME to the PTR
    assert r.getnameinfo(("192.0.2.130", 22), 0) == ("target.test", "22")
    assert r.getnameinfo(("::ffff:192.0.2.101", 22), 0) == ("indns.test", "22")  # looked up as IPv4
    assert outcome(r.gethostbyaddr, "192.0.2.100") == {"error": "herror", "args": [1, "Unknown host"]}
    assert r.getnameinfo(("192.0.2.100", 22), 0) == ("192.0.2.100", "22")
    assert outcome(r.getnameinfo, ("192.0.2.100", 22), socket.NI_NAMEREQD) == NONAME
    # a PTR target that is not a host name is refused: numeric fallback
    assert r.getnameinfo(("192.0.2.96", 22), 0) == ("192.0.2.96", "22")


# -- the fault responder: what is sent --------------------------------------------------------------


def test_search_list_and_ndots(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records)
    r = resolver_for(srv, tmp_path, search=["sub.test", "sub2.test"])
    assert addrs(r.getaddrinfo("host2", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.152"]
    assert sent(srv) == [("host2.sub.test.", "A"), ("host2.sub2.test.", "A")]
    srv.clear_log()
    assert gai(r, "nosuch") == NONAME
    assert sent(srv) == [(n, t) for n in ("nosuch.sub.test.", "nosuch.sub2.test.", "nosuch.") for t in ("A", "AAAA")]
    srv.clear_log()
    assert addrs(r.getaddrinfo("x.y", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.155"]
    assert sent(srv) == [("x.y.", "A"), ("x.y.sub.test.", "A")]  # as is first: dots >= ndots
    srv.clear_log()
    assert gai(r, "nosuch.test.", INET) == NONAME
    assert sent(srv) == [("nosuch.test.", "A")]  # trailing dot: no search list
    srv.clear_log()
    assert gai(r, "nodata", INET) == NODATA  # NODATA anywhere → EAI_NODATA
    assert sent(srv) == [("nodata.sub.test.", "A"), ("nodata.sub2.test.", "A"), ("nodata.", "A")]
    r2 = resolver_for(srv, tmp_path, search=["sub.test"], options=["ndots:2", "timeout:1", "attempts:1"], name="etc2")
    srv.clear_log()
    r2.getaddrinfo("x.y", 80, INET, socket.SOCK_STREAM)
    assert sent(srv) == [("x.y.sub.test.", "A")]


def test_timeout_stops_the_search_list(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"slow.sub.test": f.Drop()})
    r = resolver_for(srv, tmp_path, search=["sub.test", "sub2.test"])
    t = time.monotonic()
    # the last query (as is) says NXDOMAIN and reset errno: not found, like glibc
    assert gai(r, "slow", INET) == NONAME
    assert 0.9 < time.monotonic() - t < 1.6
    assert sent(srv) == [("slow.sub.test.", "A"), ("slow.", "A")]  # sub2.test skipped, as-is still tried


def test_rcodes_to_errors(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"servfail.test": f.SERVFAIL, "refused.test": f.REFUSED,
                                  "notimp.test": f.NOTIMP, "formerr.test": f.FORMERR,
                                  "sfs.sub.test": f.SERVFAIL})
    plain = resolver_for(srv, tmp_path, name="plain")
    for name in ("servfail.test", "refused.test", "notimp.test"):
        assert gai(plain, name) == AGAIN, name
        assert gai(plain, name, INET) == AGAIN, name
    assert gai(plain, "formerr.test") == NONAME
    r = resolver_for(srv, tmp_path, search=["sub.test"])
    # as is first (SERVFAIL), then servfail.test.sub.test (NXDOMAIN): h_errno stays the first
    # one's (TRY_AGAIN) but errno was reset, so the status is NOTFOUND
    assert gai(r, "servfail.test", INET) == NONAME
    assert gai(r, "servfail.test") == AGAIN
    # SERVFAIL on one candidate, then NXDOMAIN: errno was reset by the later exchange, so nss_dns
    # says NOTFOUND with h_errno TRY_AGAIN (glibc: EAI_NONAME for AF_INET, EAI_AGAIN for AF_UNSPEC)
    assert gai(r, "sfs", INET) == NONAME
    assert gai(r, "sfs") == AGAIN


def test_partial_answers(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, [f.Rule("indns.test", f.SERVFAIL, qtype="AAAA"),
                                  f.Rule("v4.test", f.Drop(), qtype="AAAA")])
    r = resolver_for(srv, tmp_path)
    assert addrs(r.getaddrinfo("indns.test", 80, type=socket.SOCK_STREAM)) == ["192.0.2.101"]
    assert gai(r, "indns.test", INET6) == AGAIN
    srv.clear_log()
    t = time.monotonic()
    assert addrs(r.getaddrinfo("v4.test", 80, type=socket.SOCK_STREAM)) == ["192.0.2.104"]
    # the pair, then single-request, then single-request-reopen: three rounds of 1 s
    assert 2.8 < time.monotonic() - t < 3.6
    assert sent(srv) == [("v4.test.", "A"), ("v4.test.", "AAAA")] * 3


def test_tc_then_tcp_and_use_vc(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"tc.test": f.tc_then_tcp({"A": "192.0.2.7"})})
    r = resolver_for(srv, tmp_path)
    assert addrs(r.getaddrinfo("tc.test", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.7"]
    assert [e.transport for e in srv.log] == ["udp", "tcp"]
    srv.clear_log()
    vc = resolver_for(srv, tmp_path, options=["use-vc", "timeout:1", "attempts:1"], name="etc-vc")
    assert sorted(addrs(vc.getaddrinfo("indns.test", 80, type=socket.SOCK_STREAM))) == ["192.0.2.101", "2001:db8::101"]
    assert [(e.transport, e.qtype) for e in srv.log] == [("tcp", "A"), ("tcp", "AAAA")]
    assert srv.log[0].client == srv.log[1].client  # one connection


def test_options_on_the_wire(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records)
    plain = resolver_for(srv, tmp_path, name="plain")
    plain.getaddrinfo("indns.test", 80)
    a, aaaa = srv.log
    assert a.client == aaaa.client and a.id != aaaa.id  # one socket, A then AAAA
    assert a.rd and not a.ad and a.edns is None
    srv.clear_log()
    opts = resolver_for(srv, tmp_path, options=["edns0", "trust-ad", "timeout:1", "attempts:1"], name="opts")
    opts.getaddrinfo("indns.test", 80, INET)
    [q] = srv.log
    assert q.edns == 1200 and not q.do and q.ad
    srv.clear_log()
    reopen = resolver_for(srv, tmp_path, options=["single-request-reopen", "timeout:1", "attempts:1"], name="reopen")
    reopen.getaddrinfo("indns.test", 80)
    a, aaaa = srv.log
    assert a.client[1] != aaaa.client[1]  # a new socket for the AAAA query
    srv.clear_log()
    noaaaa = resolver_for(srv, tmp_path, options=["no-aaaa", "timeout:1", "attempts:1"], name="noaaaa")
    assert addrs(noaaaa.getaddrinfo("indns.test", 80, type=socket.SOCK_STREAM)) == ["192.0.2.101"]
    assert gai(noaaaa, "indns.test", INET6) == NODATA
    assert [e.qtype for e in srv.log] == ["A", "A"]  # AAAA never sent: an A query goes in its place


def test_rotate(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    servers = [fault(fixture_records, address=a) for a in ("127.0.0.1", "127.0.0.2", "127.0.0.3")]
    r = resolver_for(servers, tmp_path, options=["rotate", "timeout:1", "attempts:1"])
    order = []
    for _ in range(6):
        seen = [len(s.log) for s in servers]
        r.getaddrinfo("indns.test", 80)
        grew = [i for i, s in enumerate(servers) if len(s.log) != seen[i]]
        assert len(grew) == 1  # the A and the AAAA query of one call go to one server
        order.append(grew[0])
    assert all((b - a) % 3 == 1 for a, b in itertools.pairwise(order)), order  # one step per call


def test_schedule_and_deadline(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    silent = fault(fixture_records, default=f.Drop())
    r = resolver_for(silent, tmp_path, options=["timeout:1", "attempts:2"])
    t = time.monotonic()
    assert gai(r, "indns.test.") == AGAIN
    took = time.monotonic() - t
    assert 1.9 < took < 2.5, took
    assert [round(e.t - silent.log[0].t) for e in silent.log] == [0, 0, 1, 1]
    two = [silent, fault(fixture_records, default=f.Drop(), address="127.0.0.2")]
    r2 = resolver_for(two, tmp_path, options=["timeout:1", "attempts:1"], name="two")
    t = time.monotonic()
    assert gai(r2, "v4.test.", INET) == AGAIN
    assert 1.9 < time.monotonic() - t < 2.5
    capped = resolver_for(silent, tmp_path, options=["timeout:5", "attempts:2"], timeout=0.5, name="capped")
    t = time.monotonic()
    assert gai(capped, "indns.test.") == AGAIN
    assert time.monotonic() - t < 0.8


def test_no_query_at_all(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records)
    off = resolver_for(srv, tmp_path, options=["attempts:0"])
    t = time.monotonic()
    assert gai(off, "indns.test") == AGAIN
    assert time.monotonic() - t < 0.2
    ok = resolver_for(srv, tmp_path, name="ok")
    assert gai(ok, "bad name.test") == NONAME  # not a host name: never sent
    assert gai(ok, b"-lead.test", INET6) == NONAME
    assert srv.log == []


def test_connection_refused_fails_fast(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    etc = tmp_path / "refused"
    etc.mkdir()
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
    (etc / "nsswitch.conf").write_text("hosts: dns\n")
    r = netdb.Resolver(etc=etc, nameservers=[f"127.0.0.1:{port}"])
    t = time.monotonic()
    assert gai(r, "indns.test") == AGAIN
    assert time.monotonic() - t < 0.5


def test_mismatched_replies_are_ignored(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"late.test": f.WrongId(f.Answer({"A": "192.0.2.9"}), correct_after_ms=100),
                                  "other.test": f.OtherQuestion("indns.test")})
    r = resolver_for(srv, tmp_path)
    assert addrs(r.getaddrinfo("late.test", 80, INET, socket.SOCK_STREAM)) == ["192.0.2.9"]
    t = time.monotonic()
    assert gai(r, "other.test", INET) == AGAIN
    assert time.monotonic() - t > 0.9


def test_explain_records(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records)
    r = resolver_for(srv, tmp_path, search=["sub.test", "sub2.test"], nsswitch="hosts: files dns\n")
    trace: list[Any] = []
    r.resolve("host2", 80, trace=trace)
    files, dns = trace
    assert files.source == "files" and dns.source == "dns" and dns.status == "SUCCESS"
    recs: list[QueryRecord] = list(dns.records)
    assert [(q.qtype, q.qname, q.outcome) for q in recs] == [
        ("A", "host2.sub.test.", "NXDOMAIN"), ("AAAA", "host2.sub.test.", "NXDOMAIN"),
        ("A", "host2.sub2.test.", "NOERROR"), ("AAAA", "host2.sub2.test.", "NODATA")]
    assert recs[2].answers == 1 and recs[2].server == f"127.0.0.1:{srv.port}" and recs[2].transport == "udp"
    assert dns.detail.startswith(f"A host2.sub.test. @127.0.0.1:{srv.port} NXDOMAIN ")
    assert "A host2.sub2.test. @" in dns.detail and "NOERROR 1 record" in dns.detail


def test_resolv_conf_is_reread(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    one = fault(fixture_records)
    two = fault(fixture_records, address="127.0.0.2")
    etc = tmp_path / "reread"
    etc.mkdir()
    (etc / "nsswitch.conf").write_text("hosts: dns\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\nsearch sub.test\noptions timeout:1 attempts:1\n")
    r = netdb.Resolver(etc=etc, nameservers=[f"127.0.0.1:{one.port}"])
    r.getaddrinfo("host1", 80, INET)
    assert sent(one) == [("host1.sub.test.", "A")]
    (etc / "resolv.conf").write_text("nameserver 127.0.0.2\nsearch sub2.test\noptions timeout:1 attempts:1\n")
    one.clear_log()
    r.getaddrinfo("host2", 80, INET)
    assert sent(one) == [("host2.sub2.test.", "A")]  # the new search list (servers: the override)
    assert two.log == []
