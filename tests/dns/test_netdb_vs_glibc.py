"""Differential tests: netdb's DNS source against glibc's, call for call, on the same servers.

glibc runs in a private mount namespace whose /etc holds the files of a
``DnsEnv`` (resolv.conf naming our Knot or fault server on port 53 of its own
127.53.X.Y); netdb runs in this process with ``Resolver(etc=env.etc)`` — the
very same files, the same servers, the same network namespace.  Results are
compared as the socket module shapes them; getaddrinfo results compare as
(canonical name, address multiset) because address *order* is RFC 6724's
business (another module) and the fault responder shuffles RRsets.  The
agreement counts are printed at the end of the run.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import netdb
from support import faultdns as f
from support import knot as knotmod
from support import loopback
from support.faultdns import FaultServer
from support.glibc_dns import DnsEnv
from support.knot import KnotServer

pytestmark = [pytest.mark.dns, pytest.mark.glibc]

Fault = Callable[..., FaultServer]
Env = Callable[..., DnsEnv]
Call = tuple[str, tuple[Any, ...], dict[str, Any]]
SERVICES = "http 80/tcp\nssh 22/tcp\n"
_COUNTS: dict[str, tuple[int, int]] = {}


class _Summary:
    """A plugin that prints the agreement counts in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not _COUNTS:
            return
        agree = sum(a for a, _ in _COUNTS.values())
        total = sum(t for _, t in _COUNTS.values())
        terminalreporter.section("netdb vs glibc (DNS)")
        terminalreporter.write_line(f"{agree}/{total} calls agree")
        for label, (a, t) in _COUNTS.items():
            terminalreporter.write_line(f"  {label}: {a}/{t}")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("netdb-dns-agreement"):
        manager.register(_Summary(), "netdb-dns-agreement")


def gai(name: str | bytes, family: int = 0, flags: int = 0) -> Call:
    return ("getaddrinfo", (name, None), {"family": family, "type": socket.SOCK_STREAM, "flags": flags})


def _norm(outcome: dict[str, Any], call: Call) -> Any:
    ok = outcome.get("ok")
    if call[0] == "getaddrinfo" and isinstance(ok, list):
        return {"canon": ok[0][3] if ok else None, "addrs": sorted(r[4][0] for r in ok)}
    if call[0] == "gethostbyname_ex" and isinstance(ok, list):
        return [ok[0], ok[1], sorted(ok[2])]
    return outcome


def differential(env: DnsEnv, calls: list[Call], label: str, *, resolver_env: dict[str, str] | None = None) -> None:
    """Run ``calls`` under glibc and netdb at the same time; assert they agree; count."""
    resolver = netdb.Resolver(etc=env.etc, hostname=socket.gethostname(), env=resolver_env or {})
    with ThreadPoolExecutor(1) as pool:
        theirs_f = pool.submit(env.socket_calls, calls, timeout=300)
        ours = env.ours(resolver, calls)
        theirs = theirs_f.result()
    diffs = [(c, t, o) for c, t, o in zip(calls, theirs, ours, strict=True) if _norm(t, c) != _norm(o, c)]
    _COUNTS[label] = (len(calls) - len(diffs), len(calls))
    assert not diffs, "\n".join(f"{c}\n  glibc: {t}\n  netdb: {o}" for c, t, o in diffs[:20])


FAMILIES = [(0, 0), (socket.AF_INET, 0), (socket.AF_INET6, 0), (socket.AF_INET, socket.AI_CANONNAME),
            (0, socket.AI_CANONNAME), (socket.AF_INET6, socket.AI_V4MAPPED),
            (socket.AF_INET6, socket.AI_V4MAPPED | socket.AI_ALL | socket.AI_CANONNAME)]


def name_calls(names: list[str], families: list[tuple[int, int]] = FAMILIES) -> list[Call]:
    calls: list[Call] = []
    for n in names:
        calls += [gai(n, fam, fl) for fam, fl in families]
        calls.append(("gethostbyname_ex", (n,), {}))
    return calls


# -- Knot -----------------------------------------------------------------------------------------------


KNOT_NAMES = ["indns.test", "v4.test", "v6.test", "multi.test", "multi6.test", "alias2.test", "alias-v4.test",
              "cname-nodata.test", "dangling.test", "dangling-out.test", "loop1.test", "selfloop.test",
              "chain3.test", "chain5.test", "chain6.test", "chain16.test", "anything.wild.test",
              "exact.wild.test", "wild.test", "x.cwild.test", "nodata.test", "nosuch.test", "test",
              "MiXeD.CaSe.test", "INDNS.TEST", "indns.test.", "ttl0.test", "big.test", "big6.test",
              "bad_name.test", "under_score.test", "h00042.bulk.test", "h99999.bulk.test",
              "l" * 63 + ".test", ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 56]) + ".test"]


def test_knot_forward(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53], files={"services": SERVICES})
    differential(env, name_calls(KNOT_NAMES), "knot forward")


@pytest.mark.parametrize("options", [["timeout:1", "attempts:1"], ["timeout:1", "attempts:1", "ndots:2"],
                                     ["timeout:1", "attempts:1", "ndots:0"], ["no-tld-query", "timeout:1"]])
def test_knot_search_list(knot53: KnotServer, glibc_env: Env, options: list[str]) -> None:
    env = glibc_env([knot53], search=["sub.test", "sub2.test"], options=options)
    names = ["host1", "host2", "both", "nodata", "x.y", "x.y.", "nosuch", "indns", "indns.test", "test",
             "host1.sub", "nodata.sub", "v4.test"]
    differential(env, name_calls(names, FAMILIES[:4]), f"knot search {' '.join(options)}")


@pytest.mark.parametrize("variables", [{"LOCALDOMAIN": "sub2.test sub.test", "RES_OPTIONS": "ndots:2"},
                                       {"LOCALDOMAIN": ""}])  # empty: a dotted miss is queried twice
def test_knot_search_from_environment(knot53: KnotServer, glibc_env: Env, variables: dict[str, str]) -> None:
    env = glibc_env([knot53], search=["test"], env=variables)
    names = ["both", "host1", "x.y", "indns", "nosuch.test", "nosuch.sub"]
    calls = name_calls(names, FAMILIES[:2])
    differential(env, calls, f"knot {' '.join(f'{k}={v!r}' for k, v in variables.items())}", resolver_env=env.env)


def test_knot_reverse(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53], files={"services": SERVICES})
    addresses = ["192.0.2.101", "2001:db8::101", "::ffff:192.0.2.101", "192.0.2.104", "192.0.2.109",
                 "192.0.2.91", "192.0.2.88", "192.0.2.164", "192.0.2.163", "192.0.2.97", "2001:db8::97",
                 "192.0.2.96", "192.0.2.95", "192.0.2.94", "192.0.2.93", "192.0.2.92", "192.0.2.90", "192.0.2.89",
                 "192.0.2.100", "2001:db8::100", "198.18.0.7", "fe80::1", "::1", "10.9.9.9"]
    calls: list[Call] = []
    for a in addresses:
        calls.append(("gethostbyaddr", (a,), {}))
        calls.append(("getnameinfo", ((a, 80), 0), {}))
        calls.append(("getnameinfo", ((a, 22), socket.NI_NAMEREQD), {}))
    differential(env, calls, "knot reverse")


# -- the fault responder ------------------------------------------------------------------------------


SEARCH_RULES = [
    f.Rule("srvfail-search.sub.test", f.SERVFAIL), f.Rule("refused-search.sub.test", f.REFUSED),
    f.Rule("drop-search.sub.test", f.Drop()), f.Rule("nodata-search.sub2.test", f.NoData()),
    f.Rule("sf2.sub2.test", f.SERVFAIL), f.Rule("x.srv", f.SERVFAIL), f.Rule("x.drop", f.Drop()),
    f.Rule("y.nd", f.NoData()), f.Rule("x.srv.sub.test", f.NoData()),
    f.Rule("a6sf.test", f.SERVFAIL, qtype="AAAA"), f.Rule("a4sf.test", f.SERVFAIL, qtype="A"),
    f.Rule("a6nd.test", f.NoData(), qtype="AAAA"), f.Rule("a6drop.test", f.Drop(), qtype="AAAA"),
    f.Rule("refall", f.REFUSED), f.Rule("refall.sub.test", f.REFUSED), f.Rule("refall.sub2.test", f.REFUSED),
    f.Rule("sfall", f.SERVFAIL), f.Rule("sfall.sub.test", f.SERVFAIL), f.Rule("sfall.sub2.test", f.SERVFAIL),
    f.Rule("nf.sub.test", f.NoData()), f.Rule("nf.sub2.test", f.SERVFAIL),
    f.Rule("servfail.test", f.SERVFAIL), f.Rule("refused.test", f.REFUSED), f.Rule("notimp.test", f.NOTIMP),
    f.Rule("formerr.test", f.FORMERR), f.Rule("empty.test", f.NoData()),
    f.Rule("wrongid.test", f.WrongId(correct_after_ms=100)), f.Rule("tc.test", f.tc_then_tcp({"A": "192.0.2.7"})),
    f.Rule("lame.test", f.Answer({"A": "192.0.2.8"}, aa=False)),
]
SEARCH_RECORDS = {
    "a6sf.test": {"A": "192.0.2.61", "AAAA": "2001:db8::61"}, "a4sf.test": {"A": "192.0.2.62", "AAAA": "2001:db8::62"},
    "a6nd.test": {"A": "192.0.2.63"}, "a6drop.test": {"A": "192.0.2.64"}, "wrongid.test": {"A": "192.0.2.65"},
}


@pytest.fixture
def search_server(fault: Fault) -> FaultServer:
    records = f.Records.from_zone_files(sorted(knotmod.FIXTURES.glob("*.zone")))
    records.add(SEARCH_RECORDS)
    return fault(records, list(SEARCH_RULES), port=53)


SEARCH_NAMES = ["srvfail-search", "refused-search", "drop-search", "nodata-search", "sf2", "nodata", "x.srv",
                "x.drop", "y.nd", "a6sf.test", "a4sf.test", "a6nd.test", "refall", "sfall", "nf", "host1", "x.y"]


@pytest.mark.parametrize("options", [["timeout:1", "attempts:1"], ["timeout:1", "attempts:1", "ndots:2"]])
def test_search_stop_rules_and_final_errors(search_server: FaultServer, glibc_env: Env, options: list[str]) -> None:
    env = glibc_env([search_server], options=options, search=["sub.test", "sub2.test"], nsswitch="hosts: dns\n")
    differential(env, name_calls(SEARCH_NAMES, FAMILIES[:4]), f"fault search {' '.join(options)}")


def test_rcodes_faults_and_names(search_server: FaultServer, glibc_env: Env) -> None:
    env = glibc_env([search_server], nsswitch="hosts: files dns\n")
    names = ["servfail.test", "refused.test", "notimp.test", "formerr.test", "empty.test", "nodata.test",
             "nosuch.test", "a6sf.test", "a4sf.test", "a6nd.test", "a6drop.test", "wrongid.test", "tc.test",
             "lame.test", "indns.test", "alias2.test", "big.test"]
    calls = name_calls(names, FAMILIES[:4])
    calls += [gai(n, fam) for n in (b"-lead.test", b"bad name.test", b"*.test", b"a..b.test", b"x-.test", b"-",
                                     b"caf\xc3\xa9.test", b"a\\065.test", b"a\\.b.test", b"", b".")
              for fam in (0, socket.AF_INET, socket.AF_INET6)]
    calls += [gai(b"-lead.test", socket.AF_INET6, socket.AI_CANONNAME), gai(b"bad name.test", socket.AF_INET, 2)]
    differential(env, calls, "fault rcodes and names")


def test_fault_reverse(search_server: FaultServer, glibc_env: Env) -> None:
    search_server.add_rules({"4.2.0.192.in-addr.arpa": f.SERVFAIL, "5.2.0.192.in-addr.arpa": f.Drop(),
                             "6.2.0.192.in-addr.arpa": f.REFUSED})
    env = glibc_env([search_server], files={"services": SERVICES})
    calls: list[Call] = []
    for a in ["192.0.2.101", "192.0.2.100", "192.0.2.96", "192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.96"]:
        calls += [("gethostbyaddr", (a,), {}), ("getnameinfo", ((a, 80), 0), {}),
                  ("getnameinfo", ((a, 80), socket.NI_NAMEREQD), {})]
    differential(env, calls, "fault reverse")


@pytest.mark.parametrize("line", ["files dns", "dns files", "dns [NOTFOUND=return] files",
                                  "dns [!UNAVAIL=return] files", "dns [UNAVAIL=return] files",
                                  "files [NOTFOUND=return] dns", "dns [TRYAGAIN=return] files",
                                  "dns [SUCCESS=continue] files", "dns"])
def test_switch(search_server: FaultServer, glibc_env: Env, line: str) -> None:
    hosts = ("127.0.0.1 localhost\n198.51.100.102 both.test indns.test-alias\n198.51.100.103 filesonly.test\n"
             "192.0.2.4 ptrfiles.test\n")
    env = glibc_env([search_server], nsswitch=f"hosts: {line}\n", hosts=hosts)
    names = ["indns.test", "both.test", "filesonly.test", "nosuch.test", "nodata.test", "servfail.test"]
    calls = name_calls(names, FAMILIES[:3])
    calls += [("gethostbyaddr", (a,), {}) for a in ("192.0.2.4", "192.0.2.101", "198.51.100.103", "192.0.2.100")]
    differential(env, calls, f"switch {line}")


def test_dead_server(glibc_env: Env) -> None:
    """Nothing listens on the name server's port: both fail at once with EAI_AGAIN."""
    with loopback.Lease.acquire(53) as dead:
        for line in ("files dns", "dns files", "dns [UNAVAIL=return] files", "dns [TRYAGAIN=return] files"):
            env = glibc_env([dead.address], nsswitch=f"hosts: {line}\n",
                            hosts="127.0.0.1 localhost\n198.51.100.103 filesonly.test\n")
            t = time.monotonic()
            differential(env, name_calls(["filesonly.test", "indns.test"], FAMILIES[:3]), f"dead server, {line}")
            assert time.monotonic() - t < 5


@pytest.mark.parametrize("options", [["no-aaaa"], ["attempts:0"], ["use-vc"], ["edns0", "trust-ad"],
                                     ["single-request"], ["single-request-reopen"], ["rotate"]])
def test_options(search_server: FaultServer, glibc_env: Env, options: list[str]) -> None:
    env = glibc_env([search_server], options=["timeout:1", "attempts:1", *options])
    names = ["indns.test", "v4.test", "v6.test", "nodata.test", "nosuch.test", "big.test", "alias2.test"]
    differential(env, name_calls(names, FAMILIES), f"options {' '.join(options)}")
