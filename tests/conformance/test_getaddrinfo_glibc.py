"""getaddrinfo, getnameinfo and the gethostby* functions: netdb against glibc 2.36.

For each fixture etc directory ``fixtures/etc-gai-*`` and each network setup,
one process inside a private mount namespace (the fixture's files over /etc,
``hosts: files``, resolv.conf naming a closed loopback port) answers the
generated queries (``gai_queries``) twice, with the socket module and with
``netdb.Resolver(etc="/etc")``, and the outcomes (results in order, or the
exception class and its args) must be equal.  Network setups: a new network
namespace holding only ``lo``, and the host's own; for the main fixture also
``lo`` plus one IPv4 or one IPv6 address, which is what AI_ADDRCONFIG looks at.

The agreement counts are printed per fixture and network (``-s``, and in the
"glibc agreement" section of the terminal summary).  A disagreement fails the
test unless ``deviations.DEVIATIONS`` documents it.
"""

from __future__ import annotations

import functools
import os

import pytest

import netdb
from conformance import gai_queries
from conformance.deviations import DEVIATIONS
from support.differential import (
    FIXTURES,
    HOST,
    LO_V4,
    LO_V6,
    LOOPBACK,
    Call,
    Fixture,
    Network,
    Report,
    compare,
    record,
    run_pairs,
)

MAIN = "etc-gai-main"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.glob("etc-gai-*") if p.is_dir())
# The main fixture gets every query of the systematic sweeps (about 14,000); the
# others a seeded sample of 4,000 of theirs, which keeps the whole run short.
# NETDB_GAI_QUERIES=N gives every fixture a seeded sample of N instead.
GAI_COUNT: dict[str, int | None] = {MAIN: None}
DEFAULT_GAI_COUNT = 4000
if os.environ.get("NETDB_GAI_QUERIES"):
    DEFAULT_GAI_COUNT = int(os.environ["NETDB_GAI_QUERIES"])
    GAI_COUNT = {}
NETWORKS = {n.name: n for n in (LOOPBACK, HOST, LO_V4, LO_V6)}


def networks_for(fixture: str) -> list[Network]:
    return [LOOPBACK, HOST, LO_V4, LO_V6] if fixture == MAIN else [LOOPBACK, HOST]


CASES = [pytest.param(f, n.name, id=f"{f}@{n.name}") for f in FIXTURE_NAMES for n in networks_for(f)]

GAI = ("getaddrinfo",)
GNI = ("getnameinfo",)
HOSTENT = ("gethostbyname", "gethostbyname_ex", "gethostbyaddr", "gethostbyname2", "hosts")


@functools.cache
def calls_for(fixture: str) -> list[Call]:
    d = FIXTURES / fixture
    gai = gai_queries.getaddrinfo_queries(d, GAI_COUNT.get(fixture, DEFAULT_GAI_COUNT))
    return (gai_queries.getaddrinfo_calls(gai) + gai_queries.nameinfo_calls(d)
            + gai_queries.hostent_calls(d))


@functools.cache
def report_for(fixture: str, network: str) -> Report:
    """Run the fixture's calls once per network setup (every test of the pair shares it)."""
    run = run_pairs(Fixture.from_dir(FIXTURES / fixture), calls_for(fixture), NETWORKS[network])
    report = compare(run, DEVIATIONS)
    record(report)
    return report


@pytest.fixture
def netdb_resolver() -> None:
    if not hasattr(netdb, "Resolver"):
        pytest.skip("netdb.Resolver is not implemented yet (the harness's self-test runs anyway)")


def check(report: Report, functions: tuple[str, ...]) -> None:
    part = report.only(*functions)
    assert part.total, "no calls of these functions were generated"
    assert not part.unexplained, "netdb disagrees with glibc:\n" + part.details()


@pytest.mark.glibc
@pytest.mark.parametrize(("fixture", "network"), CASES)
def test_getaddrinfo(glibc: object, netdb_resolver: None, fixture: str, network: str) -> None:
    """Every generated getaddrinfo query: the same list in the same order, or the same error."""
    check(report_for(fixture, network), GAI)


@pytest.mark.glibc
@pytest.mark.parametrize(("fixture", "network"), CASES)
def test_getnameinfo(glibc: object, netdb_resolver: None, fixture: str, network: str) -> None:
    """Every address of the fixture with every NI_* combination, ports with and without services."""
    check(report_for(fixture, network), GNI)


@pytest.mark.glibc
@pytest.mark.parametrize(("fixture", "network"), CASES)
def test_gethostby(glibc: object, netdb_resolver: None, fixture: str, network: str) -> None:
    """gethostbyname, gethostbyname_ex, gethostbyaddr, gethostbyname2 for every name and address; hosts()."""
    check(report_for(fixture, network), HOSTENT)
