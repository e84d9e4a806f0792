"""Fixtures for the DNS tests: a Knot server for the session, fault responders per test.

* ``knot``: one knotd for the whole session serving ``fixtures/dns`` (port 53 on
  a dedicated 127.53.X.Y when root, else a free port); skips when knotd is
  missing.
* ``knot53``: the same server, but skips unless glibc can be pointed at it
  (root, namespaces, port 53).
* ``fixture_records``: the fixture zones parsed for the fault responder, so it
  can serve the same names plus faults.
* ``fault``: a factory ``fault(records=None, rules=None, port=0, **kw)`` that
  starts a ``FaultServer`` stopped after the test (``port=53`` gives glibc a
  dedicated address; that needs root).
* ``glibc_env``: a factory ``glibc_env(servers, **kw)`` for ``DnsEnv`` that
  skips when glibc cannot be run here, and cleans up after the test.
* ``lane_answers``: the names the fast lane (``netdb.bulklane``) answered
  itself during the test, with its stepping aside turned off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from netdb import bulklane
from support import faultdns, glibc_dns, loopback
from support import knot as knotmod


@pytest.fixture(scope="session")
def knot_server() -> Iterator[knotmod.KnotServer]:
    """The session's Knot server (errors, with knotd's log, if it cannot start)."""
    reason = knotmod.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with knotmod.KnotServer() as server:
        yield server


@pytest.fixture
def knot(knot_server: knotmod.KnotServer) -> knotmod.KnotServer:
    """The session's Knot server, checked to be still running."""
    assert knot_server.running, "knotd died during the session:\n" + knot_server.log_text()
    return knot_server


@pytest.fixture
def knot53(knot: knotmod.KnotServer) -> knotmod.KnotServer:
    """The Knot server, for tests that point glibc at it (skips when that is impossible)."""
    glibc_dns.require()
    if knot.port != loopback.DNS_PORT:
        pytest.skip("the Knot server is not on port 53, so glibc cannot reach it")
    return knot


@pytest.fixture(scope="session")
def fixture_records() -> faultdns.Records:
    """The zones of fixtures/dns, for the fault responder."""
    return faultdns.Records.from_zone_files(sorted(knotmod.FIXTURES.glob("*.zone")))


@pytest.fixture
def fault() -> Iterator[Callable[..., faultdns.FaultServer]]:
    """Factory for fault responders that are stopped after the test."""
    started: list[faultdns.FaultServer] = []

    def make(records: Any = None, rules: Any = None, *, port: int = 0,
             **kw: Any) -> faultdns.FaultServer:
        if port == loopback.DNS_PORT:
            reason = loopback.port53_unavailable_reason()
            if reason is not None:
                pytest.skip(reason)
        server = faultdns.FaultServer(records, rules, port=port, **kw).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
    for server in started:
        assert not server.errors, f"fault responder errors: {server.errors}"


@pytest.fixture
def glibc_env() -> Iterator[Callable[..., glibc_dns.DnsEnv]]:
    """Factory for ``DnsEnv`` (glibc pointed at our servers); skips where glibc cannot run."""
    glibc_dns.require()
    made: list[glibc_dns.DnsEnv] = []

    def make(servers: Any = (), **kw: Any) -> glibc_dns.DnsEnv:
        env = glibc_dns.DnsEnv(servers, **kw)
        made.append(env)
        return env

    yield make
    for env in made:
        env.close()


@pytest.fixture
def lane_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names the lane answered itself (not sent down the full path)."""
    answered: list[str] = []
    original = bulklane.Lane._answer

    def counting(self: bulklane.Lane, lookup: bulklane.LaneLookup, ans1: bytes, ans2: bytes) -> Any:
        got = original(self, lookup, ans1, ans2)
        if got is not None:
            answered.append(lookup.name)
        return got

    monkeypatch.setattr(bulklane.Lane, "_answer", counting)
    # every name tries the lane here, however many leave it (the lists mix plain and odd names)
    monkeypatch.setattr(bulklane, "BYPASS_NAMES", 0)
    yield answered
