"""``netdb.aio.getaddrinfo`` through the loop's lane (``netdb.aiolane``) gives the full path's answers.

Concurrent calls on one loop share a ``netdb.bulklane.Lane``: the same names, resolv.conf variants
and hostile replies as the lane's ``resolve_many`` tests (tests/dns/test_bulk_lane.py), compared
with the full path alone (``Resolver.resolve``), with the lane counted so that the comparison is
not vacuous.  Then what is the loop's own: cancelled calls withdraw, a lane closes when idle, calls
under a deadline of their own keep to the full path, two loops in two threads.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

import netdb
import netdb.aio
from netdb import aiolane, bulklane
from netdb.pysocket import to_tuples
from support import faultdns as f
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


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _shaped(call: Coroutine[Any, Any, Any]) -> dict[str, Any]:
    """The call's result or error, shaped as ``support.glibc_ns.outcome`` shapes them."""
    try:
        value = await call
    except Exception as exc:
        return {"error": type(exc).__name__, "args": normalise(exc.args)}
    return {"ok": normalise(value)}


def _aio(r: netdb.Resolver, names: list[str | bytes], port: object = None, family: int = 0,
         socktype: int = socket.SOCK_STREAM, limit: int = 40) -> list[dict[str, Any]]:
    """``netdb.aio.getaddrinfo`` for every name, at most ``limit`` at once on one loop."""

    async def main() -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(limit)

        async def one(name: str | bytes) -> dict[str, Any]:
            async with gate:
                return await _shaped(netdb.aio.getaddrinfo(name, port, family, socktype, resolver=r))

        return await asyncio.gather(*(one(n) for n in names))

    return asyncio.run(main())



@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize(("family", "socktype", "port"), [(0, socket.SOCK_STREAM, None), (0, 0, "80"),
                                                          (socket.AF_INET, 0, None)])
def test_aio_lane_answers_equal_the_full_path(knot: KnotServer, tmp_path: Path, lane_answers: list[str], config: str,
                                              family: int, socktype: int, port: str | None) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS, **CONFIGS[config])
    got = _aio(r, NAMES, port, family, socktype)
    for name, a in zip(NAMES, got, strict=True):
        assert a == full_path_outcome(r, name, port, family, socktype), name
    if family == 0:
        assert len(lane_answers) >= 350, len(lane_answers)  # the plain names took the lane
    else:
        assert lane_answers == []


def test_aio_lane_falls_back_on_every_unplain_reply(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                                    lane_answers: list[str]) -> None:
    srv: FaultServer = fault(fixture_records, UNPLAIN_RULES)
    r = resolver_for(srv, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS, options=("timeout:1", "attempts:1"))
    names = UNPLAIN_NAMES
    got = _aio(r, names, limit=20)
    assert got == [full_path_outcome(r, n, None, 0, socket.SOCK_STREAM) for n in names]
    assert sorted(set(lane_answers)) == ["alias.test", "chain5.test", "indns.test", "v4.test", "v6.test"]


def test_cancelled_calls_withdraw_from_the_lane(fault: Any, fixture_records: f.Records, tmp_path: Path) -> None:
    srv: FaultServer = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=("timeout:5", "attempts:2"))

    async def main() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        tasks = [asyncio.create_task(netdb.aio.getaddrinfo(f"n{i}.test.", 80, resolver=r)) for i in range(50)]
        await asyncio.sleep(bulklane.MIN_PATIENCE / 5)  # sent, and still in the lane
        in_lane = sum(len(lane._lookups) for lane in aiolane._LANES.get(loop, {}).values())
        for t in tasks:
            t.cancel()
        for t in tasks:
            with pytest.raises(asyncio.CancelledError):
                await t
        return in_lane, len(aiolane._LANES.get(loop, {}))

    gc.collect()
    before = _open_fds()
    started = time.monotonic()
    in_lane, lanes_left = asyncio.run(main())
    assert time.monotonic() - started < 1
    assert in_lane == 50 and lanes_left == 0
    gc.collect()
    assert _open_fds() <= before
    assert len(srv.wait_for_queries(100, timeout=2)) >= 100  # each name's pair went out once


def test_a_call_alone_keeps_to_the_full_path(fault: Any, fixture_records: f.Records, tmp_path: Path,
                                             lane_answers: list[str]) -> None:
    """One call at a time: glibc's queries (the blocking call's), no lane opened, nothing left open."""
    srv: FaultServer = fault(fixture_records)
    r = resolver_for(srv, tmp_path, options=("timeout:1", "attempts:1"), search=["test"])
    names = ["indns.test", "v4.test", "nosuch", "v6"]

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        out = []
        for name in names:
            out.append(await netdb.aio.getaddrinfo(name, 80, resolver=r))
            assert not aiolane._LANES.get(loop)
        return out

    with pytest.raises(socket.gaierror):  # ("nosuch" is in no zone)
        asyncio.run(main())
    awaited = [(e.qname, e.qtype) for e in srv.log]
    with pytest.raises(socket.gaierror):
        for name in names:
            r.getaddrinfo(name, 80)
    assert awaited == [(e.qname, e.qtype) for e in srv.log[len(awaited):]]
    assert ("nosuch.test.", "A") in awaited
    assert lane_answers == []


def test_a_lane_closes_when_no_call_waits(knot: KnotServer, tmp_path: Path, lane_answers: list[str]) -> None:
    r = resolver_for(knot, tmp_path)
    names: list[str | bytes] = [bulk_name(i) for i in range(30)]
    gc.collect()
    before = _open_fds()
    for _ in range(3):
        assert _aio(r, names) == [full_path_outcome(r, n, None, 0, socket.SOCK_STREAM) for n in names]
        assert not any(aiolane._LANES.values())
        gc.collect()
        assert _open_fds() == before
    assert len(lane_answers) == 90


def test_calls_with_their_own_deadline_keep_to_the_full_path(knot: KnotServer, tmp_path: Path,
                                                            lane_answers: list[str]) -> None:
    r = resolver_for(knot, tmp_path)
    names = [bulk_name(i) for i in range(10)]

    async def main() -> list[Any]:
        timed = [await netdb.aio.getaddrinfo(n, 80, resolver=r, timeout=5) for n in names]
        with netdb.deadline(5):
            blocked = [await netdb.aio.getaddrinfo(n, 80, resolver=r) for n in names]
        return timed + blocked

    got = asyncio.run(main())
    assert got == [to_tuples(r.resolve(n, 80)) for n in names * 2]
    assert lane_answers == []


def test_loops_in_two_threads_each_have_their_lane(knot: KnotServer, tmp_path: Path, lane_answers: list[str]) -> None:
    r = resolver_for(knot, tmp_path)
    names: list[str | bytes] = [bulk_name(i) for i in range(300)]
    results: dict[int, list[dict[str, Any]]] = {}

    def run(k: int) -> None:
        results[k] = _aio(r, names, limit=50)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    want = [full_path_outcome(r, n, None, 0, socket.SOCK_STREAM) for n in names]
    assert results == {0: want, 1: want}
    assert len(lane_answers) == 600
