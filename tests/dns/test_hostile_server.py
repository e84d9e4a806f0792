"""A hostile DNS server: every fault of ``support.hostile_dns`` against glibc and netdb.

Each fault gets its own fault responder on port 53 of its own 127.53.X.Y (two
for the ``fo-*`` faults) and an /etc whose resolv.conf says ``options
timeout:1 attempts:2``.  glibc runs the fault's calls in one process of a
private mount namespace; netdb runs the same calls, in the same order, on a
fresh ``Resolver`` over the same files, and ``netdb.aio`` once more.  The
faults that make the clients wait run all at once (waiting is not work), then
the big answers two at a time, so the module takes about two minutes.

Each call must give glibc's answer (the list, or the error number and text),
except where the catalogue documents a deviation: then netdb's documented
answer.  Every netdb call must return within its lookups' schedule plus a
margin (``Hostile.bound``).  A second pass gives netdb a caller's deadline
(``Resolver(timeout=CAP)``), which every call must keep, answering as without
it or as a timeout.  The counts are printed in pytest's terminal summary;
``NETDB_HOSTILE_REPORT=FILE`` also writes every outcome as JSON
(docs/hostile-dns.md is made from it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

import netdb
import netdb.aio
from netdb.bulk import resolve_many
from netdb.pysocket import to_tuples
from support import faultdns as f
from support import glibc_dns, glibc_ns, loopback
from support import hostile_dns as h
from support.glibc_dns import DnsEnv

pytestmark = [pytest.mark.dns, pytest.mark.glibc]

HANG = {"hang": "glibc did not return"}
#: The caller's deadline (``Resolver(timeout=...)``) of the second pass: it cuts the 2 s schedules.
CAP = 1.5
T = TypeVar("T")
#: Faults tried at once: enough to overlap the timeouts, few enough for a loaded 2-core machine.
WORKERS = 16


@dataclass
class Run:
    """One call of one fault: what glibc and netdb gave, and how long netdb took."""

    fault: h.Hostile
    label: str
    call: h.Call
    lookups: int
    glibc: dict[str, Any]
    ours: dict[str, Any]
    seconds: float
    aio: dict[str, Any]
    aio_seconds: float
    bulk: dict[str, Any] | None  # a getaddrinfo call made through resolve_many (its fast lane)

    @property
    def bound(self) -> float:
        """The most this call may take: its lookups' schedule plus the margin."""
        return self.fault.bound(self.lookups)

    def ident(self) -> str:
        return f"{self.fault.key}/{self.label}"


COUNTS: dict[str, int] = {}


class _Summary:
    """Prints the catalogue's counts in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if "faults" not in COUNTS:
            return
        terminalreporter.section("hostile DNS server")
        terminalreporter.write_line(
            f"faults tried: {COUNTS['faults']}, calls: {COUNTS['calls']}, equal to glibc: {COUNTS['equal']}, "
            f"documented deviations: {COUNTS['deviations']} (glibc hangs: {COUNTS['hangs']}), "
            f"differences: {COUNTS['differ']}, over the deadline: {COUNTS['late']}, "
            f"slowest netdb call: {COUNTS['slowest_ms'] / 1000:.2f} s; netdb.aio equal to netdb: "
            f"{COUNTS['aio_equal']}/{COUNTS['calls']}; resolve_many equal to netdb: "
            f"{COUNTS['bulk_equal']}/{COUNTS['bulk_calls']}")
        if "capped" in COUNTS:
            terminalreporter.write_line(
                f"with a caller deadline of {CAP} s: {COUNTS['capped']} calls, slowest "
                f"{COUNTS['capped_slowest_ms'] / 1000:.2f} s")


def _brief(outcome: dict[str, Any]) -> str:
    """An outcome for a failure message (a thousand addresses cut short)."""
    text = repr(outcome)
    return text if len(text) <= 300 else text[:300] + f"... ({len(text)} characters)"


def _norm(outcome: dict[str, Any], call: h.Call, fault: h.Hostile) -> Any:
    """Address order is RFC 6724's business (tested elsewhere): compare sorted address lists."""
    ok = outcome.get("ok")
    if call[0] == "gethostbyname" and isinstance(ok, str) and fault.shuffled:
        return {"ok": "one of the addresses"}
    if call[0] == "getaddrinfo" and isinstance(ok, list):
        return {"canon": ok[0][3] if ok else None, "addrs": sorted(r[4][0] for r in ok)}
    if call[0] == "gethostbyname_ex" and isinstance(ok, list):
        return [ok[0], ok[1], sorted(ok[2])]
    return outcome


def _glibc(env: DnsEnv, fault: h.Hostile, calls: list[h.Call], bounds: list[float]) -> list[dict[str, Any]]:
    """glibc's outcomes; a call that does not return within its bound + 3 s is a ``HANG``."""
    if not fault.glibc_hangs:
        try:
            return env.socket_calls(calls, timeout=sum(bounds) + 5)
        except subprocess.TimeoutExpired:
            pass  # find out which call hangs
    out = []
    for call, bound in zip(calls, bounds, strict=True):  # each its own process
        try:
            out += env.socket_calls([call], timeout=bound + 3)
        except subprocess.TimeoutExpired:
            out.append(HANG)
    return out


def _ours(env: DnsEnv, calls: list[h.Call], timeout: float | None = None) -> list[tuple[dict[str, Any], float]]:
    """netdb's outcomes and seconds, in a new thread (thread state such as h_errno starts afresh,
    as it does in glibc's new process); ``timeout`` is the caller's deadline per call."""
    resolver = netdb.Resolver(etc=env.etc, hostname=socket.gethostname(), timeout=timeout)
    out: list[tuple[dict[str, Any], float]] = []

    def work() -> None:
        for fn, args, kwargs in calls:
            t = time.monotonic()
            r = glibc_ns.outcome(getattr(resolver, fn), *args, **kwargs)
            out.append((r, time.monotonic() - t))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return out


def _bulk(env: DnsEnv, calls: list[h.Call]) -> list[dict[str, Any] | None]:
    """Each getaddrinfo call once more through ``resolve_many`` (the fast lane where it applies),
    one name at a time, in order, on one Resolver in a new thread; None for the other calls."""
    resolver = netdb.Resolver(etc=env.etc, hostname=socket.gethostname())
    out: list[dict[str, Any] | None] = []

    def work() -> None:
        for fn, args, kwargs in calls:
            if fn != "getaddrinfo":
                out.append(None)
                continue
            host, port = args
            hints = {"family": kwargs.get("family", 0), "socktype": kwargs.get("type", 0),
                     "proto": kwargs.get("proto", 0), "flags": kwargs.get("flags", 0)}
            (result,) = resolve_many(resolver, [host], port=str(port), **hints)
            if result.error is not None:
                out.append({"error": type(result.error).__name__, "args": glibc_ns.normalise(result.error.args)})
            else:
                out.append({"ok": glibc_ns.normalise(to_tuples(result.answer))})

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return out


def _aio(env: DnsEnv, calls: list[h.Call]) -> list[tuple[dict[str, Any], float]]:
    """The same calls through ``netdb.aio`` (its own event loop, in a new thread)."""
    resolver = netdb.Resolver(etc=env.etc, hostname=socket.gethostname())
    out: list[tuple[dict[str, Any], float]] = []

    async def calls_in_turn() -> None:
        for fn, args, kwargs in calls:
            t = time.monotonic()
            try:
                r: dict[str, Any] = {"ok": glibc_ns.normalise(
                    await getattr(netdb.aio, fn)(*args, **kwargs, resolver=resolver))}
            except Exception as e:
                r = {"error": type(e).__name__, "args": glibc_ns.normalise(e.args)}
            out.append((r, time.monotonic() - t))

    worker = threading.Thread(target=asyncio.run, args=(calls_in_turn(),))
    worker.start()
    worker.join()
    return out


@contextlib.contextmanager
def _fault_env(index: int) -> Iterator[DnsEnv]:
    """The fault's own responder (one thread serves its UDP: a slow fault never delays another)
    and the /etc that glibc and netdb share; checks the responder afterwards."""
    fault = h.CATALOGUE[index]
    records = h.server_records(index, fault)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(f.FaultServer(records, h.server_rules(index, fault), port=53,
                                                     cname_limit=1000, tcp=fault.tcp))]
        if fault.failover:
            servers.append(stack.enter_context(f.FaultServer(records, port=53, cname_limit=1000)))
        env = stack.enter_context(DnsEnv(servers, options=h.OPTIONS, files={"services": h.SERVICES},
                                         nsswitch=fault.nsswitch,
                                         hosts=glibc_dns.DEFAULT_HOSTS + fault.hosts))
        yield env
        for srv in servers:
            assert not srv.errors, srv.errors
            for e in srv.log:
                assert loopback.is_loopback(e.client[0]) and loopback.is_loopback(e.server[0]), e


def _each_fault(one: Callable[[int], list[T]]) -> list[T]:
    """``one(index)`` for every fault: the faults that wait all together, then the big answers
    two at a time, so that the responders' work (in this process) never delays a timed wait."""
    light = [i for i, fault in enumerate(h.CATALOGUE) if not fault.heavy]
    heavy = [i for i, fault in enumerate(h.CATALOGUE) if fault.heavy]
    out: list[T] = []
    for indexes, workers in ((light, WORKERS), (heavy, 2)):
        with ThreadPoolExecutor(workers) as pool:
            out += [r for rs in pool.map(one, indexes) for r in rs]
    return out


def _require(request: pytest.FixtureRequest) -> None:
    glibc_dns.require()
    reason = loopback.port53_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    manager = request.config.pluginmanager
    if not manager.has_plugin("netdb-hostile-dns"):
        manager.register(_Summary(), "netdb-hostile-dns")


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest) -> dict[str, Run]:
    """Every fault × call, run once for the module (glibc and netdb side by side)."""
    _require(request)

    def one(index: int) -> list[Run]:
        fault = h.CATALOGUE[index]
        planned = fault.calls(index)
        calls = [c for _, c, _ in planned]
        bounds = [fault.bound(n) for _, _, n in planned]
        with _fault_env(index) as env:
            if fault.heavy:
                # Big answers cost CPU, the responder's too (it is one Python thread): one side at a
                # time, or glibc's queries delay netdb's answers past their timed waits.
                theirs = _glibc(env, fault, calls, bounds)
                ours = _ours(env, calls)
                aio = _aio(env, calls)
                bulk = _bulk(env, calls)
            else:
                with ThreadPoolExecutor(3) as pool:
                    theirs_f = pool.submit(_glibc, env, fault, calls, bounds)
                    aio_f = pool.submit(_aio, env, calls)
                    bulk_f = pool.submit(_bulk, env, calls)
                    ours = _ours(env, calls)
                    aio = aio_f.result()
                    bulk = bulk_f.result()
                    theirs = theirs_f.result()
        return [Run(fault, label, call, n, t, o, s, a, a_s, b)
                for (label, call, n), t, (o, s), (a, a_s), b in zip(planned, theirs, ours, aio, bulk, strict=True)]

    results = _each_fault(one)
    equal = sum(1 for r in results if r.fault.expected_ours(r.label) is None
                and _norm(r.glibc, r.call, r.fault) == _norm(r.ours, r.call, r.fault))
    deviations = sum(1 for r in results if r.fault.expected_ours(r.label) is not None)
    COUNTS.update(
        faults=len(h.CATALOGUE), calls=len(results), equal=equal, deviations=deviations,
        hangs=sum(1 for r in results if r.glibc == HANG),
        differ=len(results) - equal - deviations,
        late=sum(1 for r in results if max(r.seconds, r.aio_seconds) > r.bound),
        aio_equal=sum(1 for r in results if _norm(r.aio, r.call, r.fault) == _norm(r.ours, r.call, r.fault)),
        bulk_calls=sum(1 for r in results if r.bulk is not None),
        bulk_equal=sum(1 for r in results if r.bulk is not None
                       and _norm(r.bulk, r.call, r.fault) == _norm(r.ours, r.call, r.fault)),
        slowest_ms=int(max(r.seconds for r in results) * 1000),
    )
    report = os.environ.get("NETDB_HOSTILE_REPORT")
    if report:  # the raw table behind docs/hostile-dns.md
        Path(report).write_text(json.dumps(
            [{"fault": r.fault.key, "title": r.fault.title, "label": r.label, "glibc": r.glibc,
              "netdb": r.ours, "seconds": round(r.seconds, 2), "deviation": r.fault.deviation}
             for r in results], indent=1, default=str))
    return {r.ident(): r for r in results}


@pytest.fixture(scope="module")
def capped(request: pytest.FixtureRequest) -> dict[str, tuple[dict[str, Any], float]]:
    """netdb alone with ``Resolver(timeout=CAP)``: every fault × call, outcome and seconds."""
    _require(request)

    def one(index: int) -> list[tuple[str, tuple[dict[str, Any], float]]]:
        fault = h.CATALOGUE[index]
        planned = fault.calls(index)
        with _fault_env(index) as env:
            ours = _ours(env, [c for _, c, _ in planned], timeout=CAP)
        return [(f"{fault.key}/{label}", o) for (label, _, _), o in zip(planned, ours, strict=True)]

    results = dict(_each_fault(one))
    COUNTS.update(capped=len(results), capped_slowest_ms=int(max(s for _, s in results.values()) * 1000))
    return results


ALL = [f"{fault.key}/{label}" for i, fault in enumerate(h.CATALOGUE) for label, _, _ in fault.calls(i)]


@pytest.mark.parametrize("ident", ALL)
def test_fault(runs: dict[str, Run], ident: str) -> None:
    r = runs[ident]
    want = r.fault.expected_ours(r.ident().split("/", 1)[1])
    detail = f"{r.call}\n  glibc: {_brief(r.glibc)}\n  netdb: {_brief(r.ours)}  ({r.seconds:.2f} s)"
    if want is not None:
        assert r.ours == want, f"documented deviation ({r.fault.deviation}) not kept:\n{detail}"
        if r.fault.glibc_hangs:
            assert r.glibc == HANG, f"glibc was documented to hang:\n{detail}"
    else:
        assert r.glibc != HANG, f"glibc hangs, and the catalogue does not say so:\n{detail}"
        assert _norm(r.ours, r.call, r.fault) == _norm(r.glibc, r.call, r.fault), detail
    assert r.seconds <= r.bound, f"{r.seconds:.2f} s > {r.bound:.2f} s:\n{detail}"
    assert _norm(r.aio, r.call, r.fault) == _norm(r.ours, r.call, r.fault), \
        f"netdb.aio differs: {_brief(r.aio)} ({r.aio_seconds:.2f} s)\n{detail}"
    assert r.aio_seconds <= r.bound, f"netdb.aio: {r.aio_seconds:.2f} s > {r.bound:.2f} s:\n{detail}"
    if r.bulk is not None:
        assert _norm(r.bulk, r.call, r.fault) == _norm(r.ours, r.call, r.fault), f"resolve_many differs: {_brief(r.bulk)}\n{detail}"


def _timed_out(label: str) -> list[dict[str, Any]]:
    """What a call may report when its deadline passes: a DNS timeout (gethostbyname_ex: from
    its getaddrinfo step, or from its gethostbyname_r step when the first was answered)."""
    if label.startswith("gethostbyaddr"):
        return [h.H_AGAIN]
    if label == "gethostbyname_ex":
        return [h.AGAIN, h.H_AGAIN]
    return [h.AGAIN]


@pytest.mark.parametrize("ident", ALL)
def test_caller_deadline(runs: dict[str, Run], capped: dict[str, tuple[dict[str, Any], float]], ident: str) -> None:
    """With ``Resolver(timeout=CAP)`` every call returns by then, with the answer it gives without
    a deadline (glibc's, or the documented one) or as a timeout."""
    r = runs[ident]
    outcome, seconds = capped[ident]
    full = r.fault.expected_ours(r.label) or r.glibc
    detail = f"{r.call}\n  without a deadline: {_brief(full)}\n  with {CAP} s: {_brief(outcome)}  ({seconds:.2f} s)"
    assert _norm(outcome, r.call, r.fault) == _norm(full, r.call, r.fault) or outcome in _timed_out(r.label), detail
    assert seconds <= CAP + h.MARGIN, detail
