"""netdb.aio: the same lookups on an asyncio loop — results, concurrency, deadlines, cancellation."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import netdb
import netdb.aio
from support import faultdns as f
from support.faultdns import FaultServer
from support.knot import KnotServer, bulk_addresses, bulk_name
from support.netdb_dns import resolver_for

pytestmark = pytest.mark.dns

Fault = Callable[..., FaultServer]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_same_results_as_blocking(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n")

    async def main() -> list[Any]:
        return [
            await netdb.aio.getaddrinfo("alias2.test", 80, socket.AF_INET, socket.SOCK_STREAM, 0,
                                        socket.AI_CANONNAME, resolver=r),
            await netdb.aio.gethostbyname_ex("alias2.test", resolver=r),
            await netdb.aio.gethostbyname("v4.test", resolver=r),
            await netdb.aio.gethostbyaddr("2001:db8::101", resolver=r),
            await netdb.aio.getnameinfo(("192.0.2.130", 22), 0, resolver=r),
            await netdb.aio.getaddrinfo("localhost", 80, socket.AF_INET, resolver=r),  # files: no I/O
        ]

    got = asyncio.run(main())
    assert got == [
        r.getaddrinfo("alias2.test", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME),
        r.gethostbyname_ex("alias2.test"),
        r.gethostbyname("v4.test"),
        r.gethostbyaddr("2001:db8::101"),
        r.getnameinfo(("192.0.2.130", 22), 0),
        r.getaddrinfo("localhost", 80, socket.AF_INET),
    ]

    async def failing() -> None:
        await netdb.aio.getaddrinfo("nosuch.test", 80, resolver=r)

    with pytest.raises(netdb.gaierror) as err:
        asyncio.run(failing())
    assert err.value.args == (-2, "Name or service not known")


def test_thousand_concurrent_lookups(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path, options=["timeout:2", "attempts:2"])
    count = 1000

    async def main() -> list[Any]:
        return await asyncio.gather(*(
            netdb.aio.getaddrinfo(bulk_name(i), 80, 0, socket.SOCK_STREAM, resolver=r) for i in range(count)))

    before = _open_fds()
    t = time.monotonic()
    results = asyncio.run(main())
    took = time.monotonic() - t
    for i, res in enumerate(results):
        assert sorted(x[4][0] for x in res) == sorted(bulk_addresses(i))
    assert _open_fds() <= before + 2  # every socket closed
    print(f"{count} concurrent AF_UNSPEC lookups in {took:.2f}s ({count / took:.0f}/s)")


def test_cancellation_closes_sockets(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"])

    async def main() -> None:
        tasks = [asyncio.create_task(netdb.aio.getaddrinfo(f"n{i}.test.", 80, resolver=r)) for i in range(50)]
        await asyncio.sleep(0.3)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with pytest.raises(asyncio.CancelledError):
                await t

    gc.collect()
    before = _open_fds()
    t0 = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - t0 < 2
    gc.collect()
    assert _open_fds() <= before + 2
    assert len(srv.wait_for_queries(100, timeout=2)) >= 50


def test_deadlines(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:1", "attempts:2"])
    capped = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"], timeout=0.4, name="capped")

    async def timed(coro: Any) -> tuple[Any, float]:
        t = time.monotonic()
        try:
            await coro
        except netdb.gaierror as exc:
            return exc.args[0], time.monotonic() - t
        return None, time.monotonic() - t

    async def main() -> list[tuple[Any, float]]:
        return await asyncio.gather(timed(netdb.aio.getaddrinfo("a.test.", 80, resolver=r)),
                                    timed(netdb.aio.getaddrinfo("b.test.", 80, resolver=capped)))

    (code1, t1), (code2, t2) = asyncio.run(main())
    assert code1 == code2 == -3
    assert 1.9 < t1 < 2.6 and t2 < 0.8
