"""glibc resolves through our Knot server as glibc-behavior.md §8.5 says (and more).

glibc runs in a private mount namespace whose /etc/resolv.conf names only the
session's Knot server (127.53.X.Y:53), with ``hosts: files dns``.  These tests
are the template for the later differential tests: ``env.etc`` holds the same
files for netdb.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from support import knot as knotmod
from support.glibc_dns import DnsEnv
from support.knot import KnotServer

pytestmark = [pytest.mark.dns, pytest.mark.glibc]

Env = Callable[..., DnsEnv]
NONAME = {"error": "gaierror", "args": [-2, "Name or service not known"]}
NODATA = {"error": "gaierror", "args": [-5, "No address associated with hostname"]}
AGAIN = {"error": "gaierror", "args": [-3, "Temporary failure in name resolution"]}
UNKNOWN_HOST = {"error": "herror", "args": [1, "Unknown host"]}
STREAM = {"type": socket.SOCK_STREAM}


def gai(name: str, family: int = 0, flags: int = 0) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return ("getaddrinfo", (name, None), {"family": family, "type": socket.SOCK_STREAM,
                                          "flags": flags})


def addrs(outcome: dict[str, Any]) -> list[str]:
    assert "ok" in outcome, outcome
    return [r[4][0] for r in outcome["ok"]]


def canon(outcome: dict[str, Any]) -> str:
    assert "ok" in outcome, outcome
    return str(outcome["ok"][0][3])


def test_env_points_at_knot_only(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    assert env.resolv_conf == f"nameserver {knot53.address}\noptions timeout:1 attempts:1\n"
    assert (env.etc / "resolv.conf").read_text() == env.resolv_conf  # the same files for netdb
    assert (env.etc / "nsswitch.conf").read_text() == "hosts: files dns\n"
    assert "indns" not in (env.etc / "hosts").read_text()


def test_getaddrinfo_name_in_dns(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    unspec, v4, v6, canonical = env.socket_calls([
        gai("indns.test"), gai("indns.test", socket.AF_INET), gai("indns.test", socket.AF_INET6),
        gai("indns.test", socket.AF_INET, socket.AI_CANONNAME)])
    # the order of the two families depends on this machine's addresses (RFC 6724)
    assert sorted(addrs(unspec)) == ["192.0.2.101", "2001:db8::101"]
    assert addrs(v4) == ["192.0.2.101"]
    assert addrs(v6) == ["2001:db8::101"]
    assert canonical["ok"] == [[socket.AF_INET, socket.SOCK_STREAM, 6, "indns.test",
                                ["192.0.2.101", 0]]]


def test_outcome_table_8_5(knot53: KnotServer, glibc_env: Env) -> None:
    """The rows of glibc-behavior.md §8.5 that an authoritative server can produce."""
    env = glibc_env([knot53])
    calls = [
        gai("nosuch.test"), gai("nosuch.test", socket.AF_INET),                 # NXDOMAIN
        gai("nodata.test"), gai("nodata.test", socket.AF_INET),                 # NODATA
        gai("v4.test", socket.AF_INET6), gai("v6.test", socket.AF_INET),
        gai("v4.test"), gai("v6.test"),
        gai("multi.test"),
        gai("alias2.test", socket.AF_INET, socket.AI_CANONNAME),
        ("gethostbyname_ex", ("alias2.test",), {}),
        gai("dangling.test", 0, socket.AI_CANONNAME),
        ("gethostbyaddr", ("192.0.2.100",), {}),
        ("getnameinfo", (("192.0.2.100", 80), 0), {}),
        ("getnameinfo", (("192.0.2.100", 80), socket.NI_NAMEREQD), {}),
        ("gethostbyaddr", ("192.0.2.97",), {}),
        ("gethostbyaddr", ("192.0.2.101",), {}),
        ("gethostbyaddr", ("2001:db8::101",), {}),
        ("getnameinfo", (("2001:db8::101", 80, 0, 0), 0), {}),
        ("gethostbyname_ex", ("nodata.test",), {}),
        gai("big.test", socket.AF_INET),                                        # TC -> TCP
    ]
    r = env.socket_calls(calls)
    assert r[0] == NONAME and r[1] == NONAME
    assert r[2] == NODATA and r[3] == NODATA
    assert r[4] == NODATA and r[5] == NODATA
    assert addrs(r[6]) == ["192.0.2.104"] and addrs(r[7]) == ["2001:db8::105"]
    assert sorted(addrs(r[8])) == ["192.0.2.111", "192.0.2.112", "2001:db8::111"]
    assert canon(r[9]) == "indns.test" and addrs(r[9]) == ["192.0.2.101"]
    assert r[10] == {"ok": ["indns.test", ["alias2.test", "alias.test"], ["192.0.2.101"]]}
    assert r[11] == NONAME
    assert r[12] == UNKNOWN_HOST
    assert r[13] == {"ok": ["192.0.2.100", "http"]}
    assert r[14] == NONAME
    assert r[15] == {"ok": ["bad_name.test", [], ["192.0.2.97"]]}
    assert r[16] == {"ok": ["indns.test", [], ["192.0.2.101"]]}
    assert r[17] == {"ok": ["indns.test", [], ["2001:db8::101"]]}
    assert r[18] == {"ok": ["indns.test", "http"]}
    assert r[19] == NODATA
    assert addrs(r[20]) == [f"198.51.100.{i}" for i in range(1, 41)]


def test_cname_chains_and_knots_limit(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    names = ["chain1.test", "chain2.test", "chain5.test", "chain6.test", "chain16.test"]
    r = env.socket_calls([c for n in names for c in (gai(n, socket.AF_INET, socket.AI_CANONNAME),
                                                      ("gethostbyname_ex", (n,), {}))])
    for i, n in enumerate(names[:3]):
        assert canon(r[2 * i]) == "target.test"
        count = int(n[5:-5])
        hops = [n] + [f"chain{count}-hop{k}.test" for k in range(1, count)]
        assert r[2 * i + 1] == {"ok": ["target.test", hops, ["192.0.2.130"]]}
    # Knot stops after 5 CNAMEs, so glibc sees a chain without an address
    assert r[6] == NONAME and r[7] == NODATA
    assert r[8] == NONAME and r[9] == NODATA


def test_cname_only_answers_error_depends_on_family_and_flags(knot53: KnotServer,
                                                              glibc_env: Env) -> None:
    """An answer without a usable address: EAI_NODATA only for AF_INET without AI_CANONNAME."""
    env = glibc_env([knot53])
    names = ["loop1.test", "selfloop.test", "cname-nodata.test", "dangling-out.test", "chain6.test"]
    shapes = [(0, 0), (socket.AF_INET, 0), (socket.AF_INET, socket.AI_CANONNAME),
              (socket.AF_INET6, 0)]
    r = env.socket_calls([gai(n, fam, fl) for n in names for fam, fl in shapes])
    for i, n in enumerate(names):
        assert r[4 * i:4 * i + 4] == [NONAME, NODATA, NONAME, NONAME], n
    # a CNAME to an IPv4-only name, asked for IPv6, is EAI_NONAME (the plain name: EAI_NODATA)
    alias, plain = env.socket_calls([gai("alias-v4.test", socket.AF_INET6),
                                     gai("v4.test", socket.AF_INET6)])
    assert alias == NONAME and plain == NODATA


def test_getent_through_knot(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    hosts = env.getent("hosts", "alias2.test")
    assert hosts.returncode == 0
    assert hosts.text == "2001:db8::101   indns.test alias2.test alias.test\n"
    ahosts = env.getent("ahostsv4", "multi.test")
    assert ahosts.text.splitlines()[0] == "192.0.2.111     STREAM multi.test"
    assert len(ahosts.text.splitlines()) == 6
    missing = env.getent("hosts", "nosuch.test")
    assert (missing.returncode, missing.stdout) == (2, b"")
    rev = env.getent("hosts", "192.0.2.91")
    assert rev.text == "192.0.2.91      ptr-one.test\n"


def test_search_list(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53], search=["sub.test", "sub2.test"])
    assert "search sub.test sub2.test\n" in env.resolv_conf
    r = env.socket_calls([gai(n, socket.AF_INET, socket.AI_CANONNAME)
                          for n in ("host1", "host2", "both", "x.y", "nodata", "nosuch", "host1.")])
    assert addrs(r[0]) == ["192.0.2.151"] and canon(r[0]) == "host1.sub.test"
    assert addrs(r[1]) == ["192.0.2.152"]
    assert addrs(r[2]) == ["192.0.2.153"]  # the first domain wins
    assert addrs(r[3]) == ["192.0.2.155"] and canon(r[3]) == "x.y.sub.test"
    assert r[4] == NODATA  # nodata.sub.test had NODATA, the others NXDOMAIN
    assert r[5] == NONAME
    assert r[6] == NONAME  # a trailing dot: no search


def test_names_and_case(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    long63 = "l" * 63 + ".test"
    r = env.socket_calls([
        gai("MIXED.case.test", socket.AF_INET, socket.AI_CANONNAME),
        gai("anything.wild.test", socket.AF_INET6), gai("a.b.wild.test", socket.AF_INET),
        gai("exact.wild.test", socket.AF_INET6), gai("x.cwild.test", socket.AF_INET, socket.AI_CANONNAME),
        gai(long63, socket.AF_INET), gai("bad_name.test", socket.AF_INET),
        gai("-lead.test", socket.AF_INET),  # glibc sends no query for it
        gai("ttl0.test", socket.AF_INET),
        gai(knotmod.bulk_name(1234), socket.AF_INET6),
    ])
    assert canon(r[0]) == "MIXED.case.test"  # Knot echoes the query's case
    assert addrs(r[1]) == ["2001:db8::140"] and addrs(r[2]) == ["192.0.2.140"]
    assert r[3] == NODATA
    assert canon(r[4]) == "indns.test"
    assert addrs(r[5]) == ["192.0.2.163"] and addrs(r[6]) == ["192.0.2.97"]
    assert r[7] == NONAME
    assert addrs(r[8]) == ["192.0.2.110"]
    assert addrs(r[9]) == [knotmod.bulk_addresses(1234)[1]]


def test_reverse_lookups(knot53: KnotServer, glibc_env: Env) -> None:
    env = glibc_env([knot53])
    maxlen = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 56]) + ".test"
    r = env.socket_calls([
        ("gethostbyaddr", ("192.0.2.91",), {}),       # two PTRs
        ("gethostbyaddr", ("192.0.2.88",), {}),       # CNAME to the PTR
        ("gethostbyaddr", ("192.0.2.109",), {}),      # Knot lower-cases the target
        ("gethostbyaddr", ("192.0.2.164",), {}),      # 253 characters
        ("getnameinfo", (("192.0.2.130", 22), 0), {}),
        ("gethostbyaddr", (knotmod.bulk_addresses(7)[0],), {}),
        ("gethostbyaddr", ("2001:db8::100",), {}),
    ])
    assert r[0] == {"ok": ["ptr-one.test", [], ["192.0.2.91"]]}
    assert r[1] == {"ok": ["classless.test", [], ["192.0.2.88"]]}
    assert r[2] == {"ok": ["mixed.case.test", [], ["192.0.2.109"]]}
    assert r[3] == {"ok": [maxlen, [], ["192.0.2.164"]]}
    assert r[4] == {"ok": ["target.test", "ssh"]}
    assert r[5] == {"ok": [knotmod.bulk_name(7), [], [knotmod.bulk_addresses(7)[0]]]}
    assert r[6] == UNKNOWN_HOST


@pytest.mark.parametrize("last", [96, 95, 94, 93, 92, 90, 89])
def test_ptr_targets_glibc_rejects(knot53: KnotServer, glibc_env: Env, last: int) -> None:
    """PTR targets failing glibc's host-name check: space, newline, tab, NUL, UTF-8, '.', '-'.

    gethostbyaddr fails without setting h_errno, so Python reports whatever
    h_errno held before: 0 in a fresh process, 1 after an NXDOMAIN.
    getnameinfo falls back to the numeric form (EAI_NONAME with NI_NAMEREQD).
    """
    env = glibc_env([knot53])
    addr = f"192.0.2.{last}"
    r = env.socket_calls([
        ("gethostbyaddr", (addr,), {}),
        ("gethostbyaddr", ("192.0.2.100",), {}),      # NXDOMAIN sets h_errno = 1
        ("gethostbyaddr", (addr,), {}),
        ("getnameinfo", ((addr, 80), 0), {}),
        ("getnameinfo", ((addr, 80), socket.NI_NAMEREQD), {}),
    ])
    assert r[0] == {"error": "herror", "args": [0, "Resolver Error 0 (no error)"]}
    assert r[1] == UNKNOWN_HOST
    assert r[2] == UNKNOWN_HOST
    assert r[3] == {"ok": [addr, "http"]}
    assert r[4] == NONAME
    assert env.getent("hosts", addr).returncode == 2


def test_ours_has_the_same_shape(knot53: KnotServer, glibc_env: Env) -> None:
    """``DnsEnv.ours`` shapes in-process results exactly like glibc's, so they compare with ==."""
    env = glibc_env([knot53])

    class Stand:  # stands in for a netdb.Resolver(etc=env.etc) until the DNS client exists
        def gethostbyname_ex(self, name: str) -> tuple[str, list[str], list[str]]:
            return ("indns.test", ["alias2.test", "alias.test"], ["192.0.2.101"])

        def getaddrinfo(self, *args: Any, **kw: Any) -> Any:
            raise socket.gaierror(-2, "Name or service not known")

    calls = [("gethostbyname_ex", ("alias2.test",), {}), gai("nosuch.test")]
    assert env.ours(Stand(), calls) == env.socket_calls(calls)
