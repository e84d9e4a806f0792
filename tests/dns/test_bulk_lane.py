"""The fast lane of ``resolve_many`` (``netdb.bulklane``) gives the full path's answers.

Every name of the fixture zones (and the bulk zone, the hosts file, names
that are not host names) is resolved three ways over the same resolver: with
the lane, without it (``fast=False``), and one ``getaddrinfo`` at a time.
All three must agree, under several resolv.conf files (search lists, ndots,
EDNS, trust-ad, a dead first server); and the lane must really have answered
the plain names (counted), so that the comparison is not vacuous.  The
hostile-server module adds the lane to its fault catalogue
(test_hostile_server.py).
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from netdb import bulklane, interfaces, udpbatch
from netdb.bulk import resolve_many
from netdb.pysocket import to_tuples
from support import faultdns as f
from support import loopback
from support.faultdns import FaultServer
from support.glibc_ns import normalise
from support.knot import KnotServer, bulk_name
from support.lane_cases import (
    CONFIGS,
    HOSTS,
    NAMES,
    UNPLAIN_NAMES,
    UNPLAIN_RULES,
    full_path_outcome,
)
from support.netdb_dns import resolver_for

pytestmark = pytest.mark.dns

def _shape(result: Any) -> dict[str, Any]:
    if result.error is not None:
        return {"error": type(result.error).__name__, "args": normalise(result.error.args)}
    return {"ok": normalise(to_tuples(result.answer)), "origins": [a.origin for a in result.answer.addresses]}



@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize(("family", "socktype", "port"), [(0, socket.SOCK_STREAM, None), (0, 0, "80"),
                                                          (socket.AF_INET, 0, None)])
def test_lane_answers_equal_the_full_path(knot: KnotServer, tmp_path: Path, lane_answers: list[str], config: str,
                                          family: int, socktype: int, port: str | None) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS, **CONFIGS[config])
    hints: dict[str, Any] = {"family": family, "socktype": socktype, "port": port, "concurrency": 40,
                             "describe": True}
    fast = [_shape(b) for b in resolve_many(r, NAMES, **hints)]
    full = [_shape(b) for b in resolve_many(r, NAMES, fast=False, **hints)]
    assert len(fast) == len(full) == len(NAMES)
    for name, a, b in zip(NAMES, fast, full, strict=True):
        assert a == b, name
        assert {k: v for k, v in a.items() if k != "origins"} == full_path_outcome(r, name, port, family, socktype), name
    if family == 0:
        # the plain names (most of the bulk zone at least) took the lane
        assert len(lane_answers) >= 350, len(lane_answers)
    else:
        assert lane_answers == []


def test_lane_off_for_files_switches_it_cannot_skip(knot: KnotServer, tmp_path: Path, lane_answers: list[str]) -> None:
    for nsswitch in ("hosts: dns files\n", "hosts: files [NOTFOUND=return] dns\n", "hosts: files myhostname dns\n",
                     "hosts: dns [SUCCESS=continue] files\n"):
        r = resolver_for(knot, tmp_path, nsswitch=nsswitch, hosts=HOSTS, name=f"etc{len(lane_answers)}-{len(nsswitch)}")
        names = [bulk_name(i) for i in range(50)] + ["fromfile.test", "localhost"]
        got = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM)]
        assert [{k: v for k, v in g.items() if k != "origins"} for g in got] == [
            full_path_outcome(r, n, None, 0, socket.SOCK_STREAM) for n in names], nsswitch
        if nsswitch.startswith("hosts: dns files"):
            assert len(lane_answers) >= 50
    # "files [NOTFOUND=return] dns", "files myhostname dns", "dns [SUCCESS=continue]": never the lane
    assert len(lane_answers) == 50


def test_lane_falls_back_on_every_unplain_reply(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                               lane_answers: list[str]) -> None:
    srv: FaultServer = fault(fixture_records, UNPLAIN_RULES)
    r = resolver_for(srv, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS)
    names = UNPLAIN_NAMES
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, concurrency=20)]
    fast_log = list(srv.log)
    assert fast == [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]
    assert sorted(set(lane_answers)) == ["alias.test", "chain5.test", "indns.test", "v4.test", "v6.test"]
    # the lane's queries share sockets: fewer source ports than lookups
    full_log = srv.log[len(fast_log):]
    ports_fast = {e.client for e in fast_log if e.transport == "udp"}
    ports_full = {e.client for e in full_log if e.transport == "udp"}
    assert len(ports_fast) < len(ports_full)


def test_lane_with_a_dead_first_server(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                       lane_answers: list[str]) -> None:
    dead: FaultServer = fault(fixture_records, {"*": f.Drop()})
    alive: FaultServer = fault(fixture_records)
    r = resolver_for([dead, alive], tmp_path, options=("timeout:1", "attempts:1"))
    names = ["indns.test", "v4.test", "v6.test"]
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM)]
    assert fast == [{**_shape(b)} for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]
    assert all("ok" in x for x in fast)
    assert lane_answers == []


def test_lane_when_the_first_server_refuses(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                           lane_answers: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listens on the first server: its ICMP errors make the lane's sends fail (ECONNREFUSED)."""
    failed: list[str] = []
    original = bulklane.Lane.flush

    def counting(self: bulklane.Lane) -> list[tuple[bulklane.LaneLookup, None]]:
        out = original(self)
        failed.extend(lookup.name for lookup, _none in out)
        return out

    monkeypatch.setattr(bulklane.Lane, "flush", counting)
    alive: FaultServer = fault(fixture_records)
    with loopback.Lease.acquire() as closed:
        r = resolver_for([closed, alive], tmp_path, options=("timeout:1", "attempts:1"))
        names = ["indns.test", "v4.test", "v6.test", "nosuch.test"] * 20
        fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, concurrency=16)]
        assert failed, "no send failed: the test did not reach the lane's failure path"
        assert fast == [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]
    assert sum("ok" in x for x in fast) == 60
    assert lane_answers == []


def test_a_reply_longer_than_the_lanes_read_slot_goes_to_the_full_path(fault: Any, tmp_path: Path,
                                                                       lane_answers: list[str]) -> None:
    """A server that ignores the UDP size sends 400 A records untruncated: the lane keeps only the
    start of that datagram (netdb.udpbatch), so the full path, which reads it whole, decides."""
    records = {"big.test": {"A": f.huge_rrset(400)}, "small.test": {"A": ["192.0.2.7"]}}
    srv: FaultServer = fault(records, {"big.test": f.Answer(truncate=False)})
    r = resolver_for(srv, tmp_path, options=("timeout:1", "attempts:1"))
    names = ["big.test", "small.test"] * 3
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM)]
    assert fast == [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]
    assert len(fast[0]["ok"]) == 400
    assert "big.test" not in lane_answers and "small.test" in lane_answers


def test_a_lost_query_is_sent_again_after_the_retry_time(fault: Any, fixture_records: f.Records,
                                                          tmp_path: Path) -> None:
    # the first AAAA query for v4.test is never answered (lost on the way); the lane sends it once more
    srv: FaultServer = fault(fixture_records, [f.Rule("v4.test", f.Series(f.Drop(), f.Answer()), qtype="AAAA")])
    r = resolver_for(srv, tmp_path, options=("timeout:5", "attempts:2"))
    started = time.monotonic()
    (result,) = resolve_many(r, ["v4.test"], socktype=socket.SOCK_STREAM)
    took = time.monotonic() - started
    assert result.error is None and to_tuples(result.answer)[0][4][0] == "192.0.2.104"
    assert bulklane.MIN_RETRY <= took < bulklane.MIN_PATIENCE, took  # glibc would wait resolv.conf's 5 s
    assert [e.qtype for e in srv.log] == ["A", "AAAA", "AAAA"]  # the pair, then the AAAA again
    assert srv.log[1].id == srv.log[2].id and srv.log[1].client == srv.log[2].client  # the same query again


def test_a_query_lost_twice_costs_the_lanes_patience_not_the_timeout(fault: Any, fixture_records: f.Records,
                                                                     tmp_path: Path) -> None:
    # the first two AAAA queries for v4.test are lost: the lane's copy too; the full path then asks
    srv: FaultServer = fault(fixture_records,
                             [f.Rule("v4.test", f.Series(f.Drop(), f.Drop(), f.Answer()), qtype="AAAA")])
    r = resolver_for(srv, tmp_path, options=("timeout:5", "attempts:2"))
    started = time.monotonic()
    (result,) = resolve_many(r, ["v4.test"], socktype=socket.SOCK_STREAM)
    took = time.monotonic() - started
    assert result.error is None and to_tuples(result.answer)[0][4][0] == "192.0.2.104"
    assert bulklane.MIN_PATIENCE <= took < 2.0, took  # glibc would wait resolv.conf's 5 s
    # the lane's pair and its copy of the AAAA, then the full path's pair
    assert [e.qtype for e in srv.log] == ["A", "AAAA", "AAAA", "A", "AAAA"]


def test_lane_sends_nothing_where_glibc_sends_nothing(knot: KnotServer, tmp_path: Path,
                                                      lane_answers: list[str]) -> None:
    names = [bulk_name(i) for i in range(20)]
    r = resolver_for(knot, tmp_path, options=("timeout:1", "attempts:0"), name="no-attempts")
    got = list(resolve_many(r, names, socktype=socket.SOCK_STREAM))
    assert {b.error.args[0] for b in got if b.error is not None} == {socket.EAI_AGAIN}
    assert all(b.error is not None for b in got)
    # a caller's deadline already past: the full path refuses to send, and so does the lane
    import netdb

    r = resolver_for(knot, tmp_path, name="deadline")
    with netdb.deadline(0.001):
        time.sleep(0.01)
        got = list(resolve_many(r, names, socktype=socket.SOCK_STREAM))
        full = [full_path_outcome(r, n, None, 0, socket.SOCK_STREAM) for n in names]
    assert [b.error.args[0] if b.error else None for b in got] == [x["args"][0] for x in full]
    assert {x["args"][0] for x in full} == {socket.EAI_AGAIN}
    assert lane_answers == []


def test_lane_steps_aside_when_most_names_leave_it(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                                   lane_answers: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulklane, "BYPASS_NAMES", 512)
    srv: FaultServer = fault(fixture_records)
    r = resolver_for(srv, tmp_path, options=("timeout:3", "attempts:2"))
    names = [f"nosuch{i}.test" for i in range(1200)]
    got = list(resolve_many(r, names, socktype=socket.SOCK_STREAM, concurrency=8))  # (a Python responder)
    assert {b.error.args[0] for b in got if b.error is not None} == {socket.EAI_NONAME} and len(got) == 1200
    # the full path asks 2 queries per name; the lane's extra pairs stop after each window of misses
    windows = -(-len(names) // (bulklane.HIT_WINDOW + 512))
    assert len(srv.log) <= 2 * len(names) + 2 * bulklane.HIT_WINDOW * windows + 2 * 64
    assert lane_answers == []


def _queries(srv: FaultServer) -> list[tuple[str | None, str | None]]:
    return sorted((e.qname, e.qtype) for e in srv.log)


@pytest.mark.skipif(not udpbatch.segments_available(), reason="UDP segmentation is Linux's")
def test_the_lanes_queries_go_out_in_segmented_bursts(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                                      lane_answers: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Names begun together leave in one sendmsg per socket and length; the server sees each query once."""
    bursts: list[int] = []
    original = udpbatch.send_segments

    def counting(sock: Any, datagrams: Any) -> None:
        bursts.append(len(datagrams))
        original(sock, datagrams)

    monkeypatch.setattr(udpbatch, "send_segments", counting)
    srv: FaultServer = fault(fixture_records)
    r = resolver_for(srv, tmp_path, options=("timeout:1", "attempts:1"))
    names = ["indns.test", "v4.test", "v6.test", "target.test", "MiXeD.CaSe.test"]
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, concurrency=16)]
    assert bursts and max(bursts) >= 4, bursts  # (v4.test and v6.test, one length, went together at least)
    assert sorted(lane_answers) == sorted(n for n, x in zip(names, fast, strict=True) if "ok" in x)
    assert _queries(srv) == sorted((n + ".", t) for n in names for t in ("A", "AAAA"))  # each once, none merged
    assert fast == [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]


@pytest.mark.skipif(not udpbatch.segments_available(), reason="UDP segmentation is Linux's")
def test_when_the_kernel_refuses_segmentation_each_query_goes_alone(fault: Any, fixture_records: f.Records,
                                                                    tmp_path: Path, lane_answers: list[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A socket without UDP checksums (SO_NO_CHECK) makes the kernel refuse (EINVAL): nothing was sent,
    so the lane sends every datagram of the burst on its own, and stops trying for the rest of the call."""
    tries: list[int] = []
    original = udpbatch.send_segments

    def without_checksums(sock: Any, datagrams: Any) -> None:
        tries.append(len(datagrams))
        sock.setsockopt(socket.SOL_SOCKET, 11, 1)  # SO_NO_CHECK: segmentation needs the checksum
        original(sock, datagrams)

    monkeypatch.setattr(udpbatch, "send_segments", without_checksums)
    srv: FaultServer = fault(fixture_records)
    r = resolver_for(srv, tmp_path, options=("timeout:1", "attempts:1"))
    names = ["indns.test", "v4.test", "v6.test", "target.test", "MiXeD.CaSe.test"] * 3
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, concurrency=16)]
    assert len(tries) == 1, tries  # refused once, then never tried again in this call
    assert len(lane_answers) == sum("ok" in x for x in fast) > 0
    assert fast == [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]


def test_the_lane_sorts_with_fresh_probes_and_keeps_no_order(knot: KnotServer, tmp_path: Path,
                                                             lane_answers: list[str]) -> None:
    """The lane's answers are sorted with probes made for them, as glibc makes them, and no order is kept
    (the full path keeps each list's order with its probes for a second)."""
    r = resolver_for(knot, tmp_path)
    names = [bulk_name(i) for i in range(300, 400)]

    def orders_kept(cache: dict[object, object]) -> int:
        return sum(isinstance(key, tuple) and isinstance(key[0], int) for key in cache)

    snap = interfaces.snapshot()
    cache = snap.probe_cache
    before = orders_kept(cache)
    fast = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM)]
    assert len(lane_answers) == len(names)
    if interfaces.snapshot() is not snap or snap.probe_cache is not cache:
        pytest.skip("the interface snapshot or its probe cache was renewed during the test")
    assert orders_kept(cache) == before
    full = [_shape(b) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM, fast=False)]
    assert fast == full
    if snap.probe_cache is cache:
        assert orders_kept(cache) > before  # (the full path keeps them: the count above could have moved)
