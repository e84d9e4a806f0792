"""netdb.aio complete: a twin for every lookup, timeout=, cancellation, netdb.deadline, and loops that resolve through netdb.

Answers come from Knot (fixtures/dns) and the fixture files; timeouts and
cancellation from a fault responder that never answers.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import os
import shutil
import socket
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

import netdb
import netdb.aio
from support import faultdns as f
from support.faultdns import FaultServer
from support.knot import KnotServer
from support.netdb_dns import DEFAULT_HOSTS, resolver_for

pytestmark = pytest.mark.dns

ROOT = Path(__file__).resolve().parents[2]
Fault = Callable[..., FaultServer]
HOSTS = DEFAULT_HOSTS + "192.0.2.175\tsrv-hostsonly.test\n127.0.0.1\tsvc.only-in-hosts.test\n"
SWITCH = ("hosts: files dns\nservices: files\nprotocols: files\nnetworks: files\nrpc: files\n")
ENUMERATIONS = {"gethostent", "getservent", "getprotoent", "getnetent", "getrpcent"}


def with_files(r: netdb.Resolver) -> netdb.Resolver:
    """Copy the services/protocols/networks/rpc fixtures into the Resolver's etc directory."""
    for kind in ("services", "protocols", "networks", "rpc"):
        shutil.copy(ROOT / "fixtures" / kind / "edge", Path(r.etc) / kind)
    return r


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return ("ok", call())
    except Exception as exc:
        return (type(exc).__name__, exc.args)


async def aoutcome(coro: Coroutine[Any, Any, Any]) -> tuple[str, Any]:
    try:
        return ("ok", await coro)
    except Exception as exc:
        return (type(exc).__name__, exc.args)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# (function name, positional arguments): hits and misses of every lookup
CASES: list[tuple[str, tuple[Any, ...]]] = [
    ("getaddrinfo", ("alias2.test", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)),
    ("getaddrinfo", ("multi.test", "http")),
    ("getaddrinfo", ("srv-hostsonly.test", None)),
    ("getaddrinfo", ("nosuch.test", 80)),
    ("getaddrinfo", ("nodata.test", 80)),
    ("resolve", ("indns.test", 443)),
    ("getnameinfo", (("192.0.2.130", 22), 0)),
    ("getnameinfo", (("2001:db8::101", 80, 0, 0), socket.NI_NAMEREQD)),
    ("getnameinfo", (("192.0.2.100", 80), socket.NI_NAMEREQD)),
    ("gethostbyname", ("v4.test",)),
    ("gethostbyname", ("v6.test",)),
    ("gethostbyname_ex", ("alias2.test",)),
    ("gethostbyname_ex", ("nosuch.test",)),
    ("gethostbyname2", ("multi6.test", socket.AF_INET6)),
    ("gethostbyaddr", ("2001:db8::101",)),
    ("gethostbyaddr", ("192.0.2.100",)),
    ("getservbyname", ("http", "tcp")),
    ("getservbyname", ("nosuchservice",)),
    ("getservbyport", (22,)),
    ("getservbyport", (1, "udp")),
    ("getprotobyname", ("tcp",)),
    ("getprotobyname", ("nosuchproto",)),
    ("getprotobynumber", (17,)),
    ("getprotobynumber", (254,)),
    ("getnetbyname", ("loopback",)),
    ("getnetbyname", ("nosuchnet",)),
    ("getnetbyaddr", (0x7F000000,)),
    ("getnetbyaddr", (0x0A000000,)),
    ("getrpcbyname", ("portmapper",)),
    ("getrpcbyname", ("nosuchrpc",)),
    ("getrpcbynumber", (100003,)),
    ("getrpcbynumber", (1,)),
]
SRV_CASES = [("_xmpp-client._tcp.test", {"rng": 4}), ("xmpp-client", {"domain": "test", "rng": 9}),
             ("_xmpp-server._tcp.test", {}), ("_nosuch._tcp.test", {})]


def test_every_sync_lookup_has_an_awaitable_twin() -> None:
    lookups = {name for name in netdb.__all__ if name.startswith("get") and name not in ENUMERATIONS}
    lookups |= {"resolve_srv"}
    assert lookups - {c[0] for c in CASES} == {"resolve_srv"}  # every one is exercised below
    for name in sorted(lookups | {"resolve"}):
        twin = getattr(netdb.aio, name)
        assert inspect.iscoroutinefunction(twin), name
        params = inspect.signature(twin).parameters
        assert params["resolver"].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert params["timeout"].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_twins_answer_as_the_blocking_calls(knot: KnotServer, tmp_path: Path) -> None:
    r = with_files(resolver_for(knot, tmp_path, nsswitch=SWITCH, hosts=HOSTS))
    expected = [outcome(functools.partial(getattr(r, name), *args)) for name, args in CASES]
    expected += [outcome(functools.partial(r.resolve_srv, name, **kw)) for name, kw in SRV_CASES]

    async def main() -> list[tuple[str, Any]]:
        calls = [getattr(netdb.aio, name)(*args, resolver=r) for name, args in CASES]
        calls += [netdb.aio.resolve_srv(name, resolver=r, **kw) for name, kw in SRV_CASES]
        return [await aoutcome(c) for c in calls]

    got = asyncio.run(main())
    assert got == expected
    # and the cases are not trivial: hits, and misses of each kind
    kinds = {k for k, _ in expected}
    assert kinds == {"ok", "gaierror", "herror", "OSError", "SrvError"}, kinds
    assert sum(1 for k, _ in expected if k == "ok") >= 20

    async def concurrently() -> list[tuple[str, Any]]:  # the same, all at once on one loop
        return list(await asyncio.gather(*(aoutcome(getattr(netdb.aio, name)(*args, resolver=r))
                                           for name, args in CASES)))

    assert asyncio.run(concurrently()) == expected[:len(CASES)]


def test_default_resolver_is_used(knot: KnotServer, tmp_path: Path) -> None:
    r = with_files(resolver_for(knot, tmp_path, nsswitch=SWITCH, hosts=HOSTS))
    netdb.set_default_resolver(r)
    try:
        async def main() -> list[Any]:
            return [await netdb.aio.gethostbyname("v4.test"), await netdb.aio.getservbyname("ssh"),
                    len(await netdb.aio.resolve_srv("_xmpp-client._tcp.test"))]

        assert asyncio.run(main()) == ["192.0.2.104", 22, 6]
    finally:
        netdb.set_default_resolver(None)


# -- timeout= and netdb.deadline against a server that never answers -------------------------------

SILENT_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("getaddrinfo", ("a.test.", 80)),
    ("resolve", ("b.test.", 80)),
    ("getnameinfo", (("192.0.2.98", 80), 0)),
    ("gethostbyname", ("c.test.",)),
    ("gethostbyname_ex", ("d.test.",)),
    ("gethostbyname2", ("e.test.", socket.AF_INET6)),
    ("gethostbyaddr", ("192.0.2.98",)),
    ("resolve_srv", ("_f._tcp.test.",)),
]


def test_timeout_gives_the_blocking_error_at_a_deadline(fault: Fault, fixture_records: f.Records,
                                                        tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"])  # 10 s each without a deadline
    blocking = []
    for name, args in SILENT_CALLS:
        t0 = time.monotonic()
        with netdb.deadline(0.3):
            blocking.append(outcome(functools.partial(getattr(r, name), *args)))
        assert time.monotonic() - t0 < 1.0, name

    async def timed(name: str, args: tuple[Any, ...]) -> tuple[tuple[str, Any], float]:
        t0 = time.monotonic()
        got = await aoutcome(getattr(netdb.aio, name)(*args, resolver=r, timeout=0.3))
        return got, time.monotonic() - t0

    async def main() -> list[tuple[tuple[str, Any], float]]:
        return list(await asyncio.gather(*(timed(name, args) for name, args in SILENT_CALLS)))

    t0 = time.monotonic()
    results = asyncio.run(main())
    assert time.monotonic() - t0 < 1.5  # all at once, each bounded by its own 0.3 s
    assert [got for got, _ in results] == blocking
    for (name, _), (_, took) in zip(SILENT_CALLS, results, strict=True):
        assert took < 1.0, name
    errors = dict(zip([n for n, _ in SILENT_CALLS], blocking, strict=True))
    assert errors["getaddrinfo"] == ("gaierror", (-3, "Temporary failure in name resolution"))
    assert errors["gethostbyname"] == errors["getaddrinfo"]
    assert errors["gethostbyaddr"][0] == "herror"
    assert errors["resolve_srv"][0] == "SrvError"


def test_timeout_is_checked() -> None:
    async def main(value: Any) -> None:
        await netdb.aio.getservbyname("ssh", timeout=value)

    for bad in (0, -2.0, float("nan")):
        with pytest.raises(ValueError):
            asyncio.run(main(bad))
    with pytest.raises(TypeError):
        asyncio.run(main("1"))


def test_one_deadline_for_a_block_of_lookups(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"])
    t0 = time.monotonic()
    with netdb.deadline(0.4):
        first = outcome(lambda: r.getaddrinfo("one.test.", 80))
        sent_by_first = len(srv.queries())
        second = outcome(lambda: r.getaddrinfo("two.test.", 80))  # starts after the deadline: nothing sent
    assert time.monotonic() - t0 < 1.0
    assert first == second == ("gaierror", (-3, "Temporary failure in name resolution"))
    assert sent_by_first >= 1 and srv.queries("two.test.") == []

    async def main() -> list[tuple[str, Any]]:
        with netdb.deadline(0.4):  # shared by the tasks gather creates inside the block
            return list(await asyncio.gather(*(aoutcome(netdb.aio.getaddrinfo(f"t{i}.test.", 80, resolver=r))
                                               for i in range(5))))

    t0 = time.monotonic()
    assert asyncio.run(main()) == [first] * 5
    assert time.monotonic() - t0 < 1.0


# -- cancellation ---------------------------------------------------------------------------------


def test_cancelled_lookups_close_their_sockets(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"])

    async def main() -> int:
        tasks = [asyncio.create_task(getattr(netdb.aio, name)(*args, resolver=r))
                 for _ in range(5) for name, args in SILENT_CALLS]
        await asyncio.sleep(0.3)
        in_flight = open_fds()
        for t in tasks:
            t.cancel()
        for t in tasks:
            with pytest.raises(asyncio.CancelledError):
                await t
        return in_flight

    gc.collect()
    before = open_fds()
    t0 = time.monotonic()
    in_flight = asyncio.run(main())
    assert time.monotonic() - t0 < 2
    gc.collect()
    assert in_flight >= before + len(SILENT_CALLS) * 5  # each had a socket open ...
    assert open_fds() <= before + 2  # ... and closed it when cancelled


def test_asyncio_timeout_cancels_cleanly(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, default=f.Drop())
    r = resolver_for(srv, tmp_path, options=["timeout:5", "attempts:2"])

    async def main() -> None:
        async with asyncio.timeout(0.3):
            await netdb.aio.resolve_srv("_g._tcp.test.", resolver=r)

    gc.collect()
    before = open_fds()
    with pytest.raises(TimeoutError):
        asyncio.run(main())
    gc.collect()
    assert open_fds() <= before + 2


# -- event loops that resolve through netdb ----------------------------------------------------------


async def echo_once(loop_host: str, port: int) -> bytes:
    reader, writer = await asyncio.open_connection(loop_host, port)
    writer.write(b"ping\n")
    await writer.drain()
    data = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return data


async def start_echo() -> tuple[asyncio.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"pong:" + await reader.readline())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def is_native(loop: asyncio.AbstractEventLoop) -> bool:
    """The loop's own getaddrinfo/getnameinfo are back (not netdb's; nothing is called to find out)."""
    return all(name not in vars(loop) and getattr(loop, name).__func__ is getattr(type(loop), name)
               for name in ("getaddrinfo", "getnameinfo"))


def test_install_makes_open_connection_use_the_hosts_file(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "hosts").write_text(HOSTS)
    (etc / "nsswitch.conf").write_text("hosts: files\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\n")
    r = netdb.Resolver(etc=etc)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server, port = await start_echo()
        assert is_native(loop) and not netdb.aio.is_installed()
        assert netdb.aio.install(resolver=r) is loop
        assert netdb.aio.is_installed(loop)
        assert await echo_once("svc.only-in-hosts.test", port) == b"pong:ping\n"
        assert await loop.getaddrinfo("svc.only-in-hosts.test", port, type=socket.SOCK_STREAM) == \
            r.getaddrinfo("svc.only-in-hosts.test", port, 0, socket.SOCK_STREAM)
        assert await loop.getnameinfo(("127.0.0.1", port), socket.NI_NUMERICSERV) == ("localhost", str(port))
        with pytest.raises(netdb.gaierror) as err:  # the hosts file is all there is
            await asyncio.open_connection("not-in-hosts.test", port)
        assert err.value.args == (-2, "Name or service not known")
        assert netdb.aio.uninstall() is True
        assert is_native(loop) and not netdb.aio.is_installed(loop)
        assert netdb.aio.uninstall(loop) is False
        server.close()
        await server.wait_closed()

    asyncio.run(main())


def test_installed_restores_what_was_there(tmp_path: Path) -> None:
    etc1, etc2 = tmp_path / "one", tmp_path / "two"
    for etc, address in ((etc1, "127.0.0.1"), (etc2, "127.0.0.2")):
        etc.mkdir()
        (etc / "hosts").write_text(f"{address}\tsvc.only-in-hosts.test\n")
        (etc / "nsswitch.conf").write_text("hosts: files\n")
    r1, r2 = netdb.Resolver(etc=etc1), netdb.Resolver(etc=etc2)

    async def first_address(loop: asyncio.AbstractEventLoop) -> str:
        infos = await loop.getaddrinfo("svc.only-in-hosts.test", 80, type=socket.SOCK_STREAM)
        return str(infos[0][4][0])

    async def main() -> None:
        loop = asyncio.get_running_loop()
        with netdb.aio.installed(resolver=r1):
            assert await first_address(loop) == "127.0.0.1"
            with netdb.aio.installed(loop, r2):
                assert await first_address(loop) == "127.0.0.2"
            assert await first_address(loop) == "127.0.0.1"  # the outer installation is back
        assert is_native(loop)
        netdb.aio.install(loop, r2)  # installing again replaces the resolver
        netdb.aio.install(loop, r1)
        assert await first_address(loop) == "127.0.0.1"
        netdb.aio.uninstall(loop)
        assert is_native(loop)

    asyncio.run(main())


def test_new_event_loop_as_a_loop_factory(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "hosts").write_text(HOSTS)
    (etc / "nsswitch.conf").write_text("hosts: files\n")
    r = netdb.Resolver(etc=etc)

    async def main() -> bytes:
        assert netdb.aio.is_installed()
        server, port = await start_echo()
        try:
            return await echo_once("svc.only-in-hosts.test", port)
        finally:
            server.close()
            await server.wait_closed()

    with asyncio.Runner(loop_factory=functools.partial(netdb.aio.new_event_loop, resolver=r)) as runner:
        assert runner.run(main()) == b"pong:ping\n"


def test_install_needs_a_loop() -> None:
    with pytest.raises(RuntimeError, match="pass loop="):
        netdb.aio.install()
    with pytest.raises(RuntimeError, match="pass loop="):
        netdb.aio.is_installed()
