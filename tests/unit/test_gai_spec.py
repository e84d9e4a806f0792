"""glibc-behavior.md §1, §2, §3, §4 and §10 as concrete assertions on ``netdb.Resolver``.

Fast and local: ``netdb.Resolver(etc=<fixture dir>)`` only, no namespace, no
glibc call.  The fixtures are ``fixtures/etc-gai-main`` (host.conf ``multi on``),
``etc-gai-multioff`` (no host.conf, so multi off) and ``etc-gai-longline``; see
``fixtures/etc-gai.md``.  Each test cites the section it pins.

Order across address families depends on the machine's source addresses
(§9), so where a result mixes families it is compared as a multiset; exact
order is asserted only for one family or one address.  AI_ADDRCONFIG (§2.9)
depends on the configured interfaces and is covered by the differential suite
in four network setups, not here.

Every assertion was confirmed against glibc 2.36 by running this file with
``NETDB_SPEC_ORACLE=glibc`` (``support.glibc_oracle``: each call in a private
namespace with the fixture over /etc, in the host's network namespace).
"""

from __future__ import annotations

import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import netdb
from support.differential import FIXTURES

AF_INET, AF_INET6, AF_UNIX = socket.AF_INET, socket.AF_INET6, socket.AF_UNIX
STREAM, DGRAM, RAW, SEQPACKET = (
    socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW, socket.SOCK_SEQPACKET)
SOCK_DCCP = 6
AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST = 0x1, 0x2, 0x4
AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG = 0x8, 0x10, 0x20
AI_IDN, AI_CANONIDN, AI_NUMERICSERV = 0x40, 0x80, 0x400
NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM = 1, 2, 4, 8, 16

NONAME = (-2, "Name or service not known")
BADFLAGS = (-1, "Bad value for ai_flags")
FAMILY = (-6, "ai_family not supported")
SOCKTYPE = (-7, "ai_socktype not supported")
SERVICE = (-8, "Servname not supported for ai_socktype")
ADDRFAMILY = (-9, "Address family for hostname not supported")
OVERFLOW = (-12, "Unknown error")
UNKNOWN_HOST = (1, "Unknown host")

ORACLE = os.environ.get("NETDB_SPEC_ORACLE") == "glibc"
if not ORACLE and not hasattr(netdb, "Resolver"):
    pytest.skip("netdb.Resolver is not implemented yet", allow_module_level=True)


def _resolver(name: str) -> Any:
    if ORACLE:
        from support import glibc_ns
        from support.glibc_oracle import GlibcResolver

        glibc_ns.require()
        return GlibcResolver(FIXTURES / name)
    return netdb.Resolver(etc=str(FIXTURES / name))


@pytest.fixture(scope="module")
def main() -> Any:
    """etc-gai-main: multi on, Debian's comments-only gai.conf."""
    return _resolver("etc-gai-main")


@pytest.fixture(scope="module")
def off() -> Any:
    """etc-gai-multioff: no host.conf (multi off), localhost.corp.test."""
    return _resolver("etc-gai-multioff")


@pytest.fixture(scope="module")
def longline() -> Any:
    """etc-gai-longline: a 1,600-alias line, then more names."""
    return _resolver("etc-gai-longline")


# --- helpers -------------------------------------------------------------------------


def gai_err(r: Any, *args: Any, **kw: Any) -> tuple[int, str]:
    """The (code, text) of the gaierror that getaddrinfo raises."""
    with pytest.raises(socket.gaierror) as ei:
        r.getaddrinfo(*args, **kw)
    return ei.value.args  # type: ignore[no-any-return]


def raised(fn: Callable[..., Any], *args: Any) -> tuple[str, tuple[Any, ...]]:
    """The class name (socket's, or the builtin) and args of what ``fn(*args)`` raises."""
    try:
        fn(*args)
    except Exception as e:
        for cls in type(e).__mro__:
            if cls.__module__ in ("builtins", "socket"):
                return cls.__name__, tuple(e.args)
    raise AssertionError(f"{fn.__name__}{args!r} raised nothing")


def A(r: Any, host: Any, port: Any = None, family: int = 0, type: int = STREAM, proto: int = 0,
      flags: int = 0) -> list[str]:
    """The result addresses, with %scope_id when non-zero (the probes' A())."""
    out = []
    for _f, _t, _p, _c, sa in r.getaddrinfo(host, port, family, type, proto, flags):
        out.append(sa[0] + (f"%{sa[3]}" if len(sa) == 4 and sa[3] else ""))
    return out


def prime(r: Any) -> None:
    """Leave HOST_NOT_FOUND (1) in this thread's h_errno: a files lookup that reaches the end of the file."""
    with pytest.raises(socket.gaierror):
        r.getaddrinfo("netdb-spec-nosuch", None)


def in_new_thread(r: Any, fn: str, *args: Any) -> tuple[str, tuple[Any, ...]] | Any:
    """``raised``/the result of ``r.fn(*args)`` evaluated in a fresh thread (h_errno 0)."""
    if hasattr(r, "in_new_thread"):
        return raised(r.in_new_thread, fn, *args)
    box: list[Any] = []
    t = threading.Thread(target=lambda: box.append(raised(getattr(r, fn), *args)))
    t.start()
    t.join()
    return box[0]


def bag(xs: list[str]) -> Counter[str]:
    return Counter(xs)


def TP(r: Any, port: Any, type: int = 0, proto: int = 0, host: str = "v4only") -> list[tuple[int, int, int]]:
    """(socktype, protocol, port) of each result for one address."""
    return [(t, p, sa[1]) for _f, t, p, _c, sa in r.getaddrinfo(host, port, 0, type, proto)]


def hb2(h: Any) -> tuple[str, list[str], list[str]]:
    """A gethostbyname2 result (hostent record or 3-tuple) as (name, aliases, addresses)."""
    if hasattr(h, "h_name"):
        return h.h_name, list(h.h_aliases), list(h.h_addr_list)
    name, aliases, addrs = h
    return name, list(aliases), list(addrs)


# --- §1 error codes and texts --------------------------------------------------------


def test_host_and_service_both_none(main: Any) -> None:
    """§1, §2.1: G(None, None) -> EAI_NONAME."""
    assert gai_err(main, None, None) == NONAME


@pytest.mark.parametrize("flags", [0x800, 0x1000, 0x10000])
def test_unknown_flag_bits(main: Any, flags: int) -> None:
    """§1: unknown ai_flags bits -> EAI_BADFLAGS."""
    assert gai_err(main, "dual", None, flags=flags) == BADFLAGS


@pytest.mark.parametrize("flags", [AI_CANONNAME, AI_CANONNAME | AI_PASSIVE])
def test_canonname_without_host(main: Any, flags: int) -> None:
    """§1, §2.1: AI_CANONNAME with host None -> EAI_BADFLAGS, with or without AI_PASSIVE."""
    assert gai_err(main, None, "80", flags=flags) == BADFLAGS


@pytest.mark.parametrize("family", [99, AF_UNIX])
def test_bad_family(main: Any, family: int) -> None:
    """§1: family 99 and AF_UNIX -> EAI_FAMILY."""
    assert gai_err(main, "v4only", None, family) == FAMILY


@pytest.mark.parametrize(("type", "proto"), [(99, 0), (STREAM, 17), (DGRAM, 6), (STREAM, 99)])
def test_bad_socktype(main: Any, type: int, proto: int) -> None:
    """§1, §2.2: socktype 99; STREAM+UDP; DGRAM+TCP; STREAM+99 -> EAI_SOCKTYPE."""
    assert gai_err(main, "v4only", None, 0, type, proto) == SOCKTYPE


@pytest.mark.parametrize(("port", "type"), [("nosuchserv", 0), ("udponly", STREAM), ("80", RAW),
                                            ("tcponly", DGRAM)])
def test_bad_service(main: Any, port: str, type: int) -> None:
    """§1: unknown service, a service of another protocol, any service with SOCK_RAW -> EAI_SERVICE."""
    assert gai_err(main, "v4only", port, 0, type) == SERVICE


@pytest.mark.parametrize(("host", "family"), [("::1", AF_INET), ("127.0.0.1", AF_INET6)])
def test_numeric_host_of_the_other_family(main: Any, host: str, family: int) -> None:
    """§1, §2.5: a numeric address of the other family -> EAI_ADDRFAMILY."""
    assert gai_err(main, host, None, family) == ADDRFAMILY


@pytest.mark.parametrize("flags", [0x1000, -1])
def test_getnameinfo_bad_flags(main: Any, flags: int) -> None:
    """§1, §4: getnameinfo flags 0x1000 or -1 -> EAI_BADFLAGS (texts are getaddrinfo's)."""
    assert raised(main.getnameinfo, ("192.0.2.60", 80), flags) == ("gaierror", BADFLAGS)


def test_getnameinfo_namereqd_without_name(main: Any) -> None:
    """§1, §4: NI_NAMEREQD for an address with no name -> EAI_NONAME."""
    assert raised(main.getnameinfo, ("192.0.2.99", 80), NI_NAMEREQD) == ("gaierror", NONAME)


def test_overflow_host_name(main: Any) -> None:
    """§1, §4: a host name over 1024 characters -> EAI_OVERFLOW, whose text is 'Unknown error'."""
    assert raised(main.getnameinfo, ("192.0.2.86", 0), 0) == ("gaierror", OVERFLOW)
    assert main.getnameinfo(("192.0.2.86", 0), NI_NUMERICHOST) == ("192.0.2.86", "badport")


def test_overflow_service_name(main: Any) -> None:
    """§1, §4: a service name over 31 characters -> EAI_OVERFLOW, even with NI_NUMERICHOST."""
    assert raised(main.getnameinfo, ("192.0.2.99", 1300), 0) == ("gaierror", OVERFLOW)
    assert raised(main.getnameinfo, ("192.0.2.99", 1300), NI_NUMERICHOST) == ("gaierror", OVERFLOW)
    assert main.getnameinfo(("192.0.2.99", 1301), NI_NUMERICHOST) == (
        "192.0.2.99", "a-service-name-of-thirty-one-ch")
    assert main.getnameinfo(("192.0.2.99", 1300), NI_NUMERICSERV) == ("192.0.2.99", "1300")


@pytest.mark.parametrize(("host", "family"), [("v4only", AF_INET6), ("v6only", AF_INET),
                                              ("nosuch", 0)])
def test_hosts_file_never_gives_nodata(main: Any, host: str, family: int) -> None:
    """§1, §3.2: a name missing for one family is EAI_NONAME from /etc/hosts, never EAI_NODATA."""
    assert gai_err(main, host, None, family) == NONAME


def test_herror_texts(main: Any) -> None:
    """§1: herror(code, hstrerror(code)): gethostbyname2 sets HOST_NOT_FOUND itself."""
    assert raised(main.gethostbyname2, "nosuch", AF_INET) == ("herror", UNKNOWN_HOST)
    assert raised(main.gethostbyname2, "localhost", AF_UNIX) == ("herror", UNKNOWN_HOST)


def test_herror_code_is_the_threads_h_errno(main: Any) -> None:
    """§1, §10 (found by experiment): Python's gethostbyaddr and gethostbyname_ex report h_errno.

    CPython calls glibc's gethostbyaddr_r/gethostbyname_r, which report through their
    own h_errnop argument, but builds the herror from the thread's global h_errno,
    which they leave alone.  So the code is what the thread's last non-reentrant
    lookup left there: 0 ('Resolver Error 0 (no error)') in a fresh thread, and
    HOST_NOT_FOUND (1) after any files lookup that read the hosts file to its end
    (a miss, or any hit under `multi on`).  Numeric getaddrinfo, getnameinfo and the
    *_r functions do not change it.
    """
    fresh = ("herror", (0, "Resolver Error 0 (no error)"))
    assert in_new_thread(main, "gethostbyaddr", "192.0.2.99") == fresh
    assert in_new_thread(main, "gethostbyaddr", "2001:db8::99") == fresh
    assert in_new_thread(main, "gethostbyname_ex", "<broadcast>") == fresh
    prime(main)
    assert raised(main.gethostbyaddr, "192.0.2.99") == ("herror", UNKNOWN_HOST)
    assert main.getnameinfo(("192.0.2.99", 80), 0) == ("192.0.2.99", "http")
    assert raised(main.gethostbyaddr, "2001:db8::99") == ("herror", UNKNOWN_HOST)


@pytest.mark.skipif(ORACLE, reason="netdb's own classes")
def test_error_classes_subclass_the_socket_modules(main: Any) -> None:
    """§1 (DESIGN contract): netdb.gaierror is a socket.gaierror, netdb.herror a socket.herror."""
    with pytest.raises(netdb.gaierror):
        main.getaddrinfo(None, None)
    with pytest.raises(netdb.herror):
        main.gethostbyaddr("192.0.2.99")
    assert issubclass(netdb.gaierror, socket.gaierror) and issubclass(netdb.herror, socket.herror)


# --- §2.1 flags -----------------------------------------------------------------------


@pytest.mark.parametrize("flags", [0x1, 0x2, 0x4, 0x8, 0x10, 0x40, 0x80, 0x100, 0x200, 0x400,
                                   0x7DF])
def test_accepted_flags(main: Any, flags: int) -> None:
    """§2.1: PASSIVE, CANONNAME, NUMERICHOST, V4MAPPED, ALL, IDN, CANONIDN, 0x100, 0x200, NUMERICSERV."""
    assert A(main, "127.0.0.1", "80", flags=flags) == ["127.0.0.1"]


@pytest.mark.parametrize("bit", [11, *range(12, 31)])
def test_every_other_bit_is_bad(main: Any, bit: int) -> None:
    """§2.1: any bit outside the accepted set -> EAI_BADFLAGS."""
    assert gai_err(main, "127.0.0.1", "80", flags=1 << bit) == BADFLAGS


# --- §2.2 socktypes and protocols -----------------------------------------------------


@pytest.mark.parametrize("port", [None, 0, "0", "80", 80])
def test_no_service_gives_three_socktypes(main: Any, port: Any) -> None:
    """§2.2: no service or a numeric one -> STREAM/6, DGRAM/17, RAW/0 for each address."""
    p = 80 if port in ("80", 80) else 0
    assert TP(main, port) == [(STREAM, 6, p), (DGRAM, 17, p), (RAW, 0, p)]


@pytest.mark.parametrize(("port", "type", "proto", "expected"), [
    ("both", 0, 0, [(STREAM, 6, 1002), (DGRAM, 17, 1002)]),
    ("tcponly", 0, 0, [(STREAM, 6, 1001)]),
    ("udponly", 0, 0, [(DGRAM, 17, 1003)]),
    ("sctponly", 0, 0, [(STREAM, 132, 1004), (SEQPACKET, 132, 1004)]),
    ("dccponly", 0, 0, [(SOCK_DCCP, 33, 1005)]),
    ("sctponly", STREAM, 132, [(STREAM, 132, 1004)]),
    (None, SEQPACKET, 0, [(SEQPACKET, 132, 0)]),
    ("sctponly", SEQPACKET, 0, [(SEQPACKET, 132, 1004)]),
    ("both", 0, 6, [(STREAM, 6, 1002)]),
    ("both", 0, 17, [(DGRAM, 17, 1002)]),
    (None, 0, 132, [(STREAM, 132, 0)]),
    (None, 0, 136, [(DGRAM, 136, 0)]),
    (None, 0, 99, [(RAW, 99, 0)]),
    (None, RAW, 0, [(RAW, 0, 0)]),
    (None, RAW, 99, [(RAW, 99, 0)]),
])
def test_socktype_protocol_table(main: Any, port: Any, type: int, proto: int,
                                 expected: list[tuple[int, int, int]]) -> None:
    """§2.2: the results per socktype and protocol hint, in this order."""
    assert TP(main, port, type, proto) == expected


@pytest.mark.parametrize(("port", "type"), [("udponly", STREAM), ("sctponly", STREAM),
                                            ("tcponly", DGRAM), ("both", RAW), ("80", RAW)])
def test_socktype_without_service(main: Any, port: str, type: int) -> None:
    """§2.2: STREAM means tcp, DGRAM udp; RAW with any service -> EAI_SERVICE."""
    assert gai_err(main, "v4only", port, 0, type) == SERVICE


def test_results_grouped_by_address(main: Any) -> None:
    """§2.2: the socktype entries of one address follow one another (STREAM, then DGRAM)."""
    r = main.getaddrinfo("multi", "both", AF_INET)
    assert len(r) == 10
    for i in range(0, 10, 2):
        assert (r[i][1], r[i + 1][1]) == (STREAM, DGRAM)
        assert r[i][4] == r[i + 1][4]
    assert bag([x[4][0] for x in r[::2]]) == bag(
        ["192.0.2.1", "192.0.2.2", "192.0.2.1", "10.0.0.1", "192.0.2.9"])


# --- §2.3 service strings -------------------------------------------------------------


@pytest.mark.parametrize(("port", "expected"), [
    (" 80", 80), ("+80", 80), ("080", 80), ("\t80", 80), ("65535", 65535), ("65536", 0),
    ("65537", 1), ("4294967296", 0), ("4294967377", 81), (65536, 0), (65537, 1), ("0", 0),
])
def test_numeric_service_truncated_to_16_bits(main: Any, port: Any, expected: int) -> None:
    """§2.3: strtoul(s, 10) over the whole string; the value cut to 16 bits without an error."""
    assert main.getaddrinfo("127.0.0.1", port, 0, STREAM) == [
        (AF_INET, STREAM, 6, "", ("127.0.0.1", expected))]


@pytest.mark.parametrize("port", ["80 ", "0x50", "-1", -1, "4294967295", "18446744073709551616",
                                  "80x"])
def test_not_numeric_services(main: Any, port: Any) -> None:
    """§2.3: trailing junk, hex, and values that convert to -1 are names -> EAI_SERVICE."""
    assert gai_err(main, "127.0.0.1", port, 0, STREAM) == SERVICE


def test_empty_service_is_no_service(main: Any) -> None:
    """§2.3: '' is the same as no service: port 0, full STREAM/DGRAM/RAW expansion."""
    assert TP(main, "", host="127.0.0.1") == [(STREAM, 6, 0), (DGRAM, 17, 0), (RAW, 0, 0)]


@pytest.mark.parametrize("port", ["http", "0x50", "80 ", "nosuchserv"])
def test_numericserv_with_a_name(main: Any, port: str) -> None:
    """§2.3, §11.7: AI_NUMERICSERV with a non-numeric service -> EAI_NONAME, not EAI_SERVICE."""
    assert gai_err(main, "127.0.0.1", port, 0, STREAM, 0, AI_NUMERICSERV) == NONAME


def test_numericserv_with_numbers(main: Any) -> None:
    """§2.3: AI_NUMERICSERV accepts what strtoul accepts."""
    assert A(main, "127.0.0.1", " 80", flags=AI_NUMERICSERV) == ["127.0.0.1"]
    assert main.getaddrinfo("127.0.0.1", "080", 0, STREAM, 0, AI_NUMERICSERV)[0][4] == ("127.0.0.1", 80)


@pytest.mark.parametrize(("port", "type", "expected"), [
    ("www", STREAM, 80), ("http", STREAM, 80), ("www-http", STREAM, 80), ("badport", STREAM, 0),
    ("bigport", STREAM, 34463), ("hex", STREAM, 16), ("octal", STREAM, 679),
    ("glued", STREAM, 1235), ("both", DGRAM, 1002), ("bothudp", DGRAM, 1002),
    ("MixedSvc", STREAM, 1240), ("crlf-alias", STREAM, 1244),
])
def test_service_names(main: Any, port: str, type: int, expected: int) -> None:
    """§2.3, §5.1: names and aliases, the first line wins, ports as the file reads them."""
    assert main.getaddrinfo("127.0.0.1", port, 0, type)[0][4] == ("127.0.0.1", expected)


@pytest.mark.parametrize(("port", "type"), [("WWW", STREAM), ("HTTP", STREAM), ("mixedsvc", STREAM),
                                            ("upper", STREAM), ("noproto", STREAM), ("noproto", 0),
                                            ("http", DGRAM), ("bothudp", STREAM)])
def test_service_matching_is_exact(main: Any, port: str, type: int) -> None:
    """§2.3: names and the protocol match case-sensitively; `upper 1238/TCP` and `noproto 1000` are unusable."""
    assert gai_err(main, "127.0.0.1", port, 0, type) == SERVICE


# --- §2.4 host None -----------------------------------------------------------------------


def test_host_none_is_loopback(main: Any) -> None:
    """§2.4: without AI_PASSIVE, the loopback addresses (both families)."""
    assert bag(A(main, None, "80")) == bag(["::1", "127.0.0.1"])
    assert A(main, None, "80", AF_INET) == ["127.0.0.1"]
    assert A(main, None, "80", AF_INET6) == ["::1"]


def test_host_none_passive_is_wildcard(main: Any) -> None:
    """§2.4: with AI_PASSIVE, the wildcard addresses; AF_INET6 gives ('::', 80, 0, 0) only."""
    assert bag(A(main, None, "80", flags=AI_PASSIVE)) == bag(["0.0.0.0", "::"])
    assert main.getaddrinfo(None, "80", AF_INET6, STREAM, 0, AI_PASSIVE) == [
        (AF_INET6, STREAM, 6, "", ("::", 80, 0, 0))]


def test_host_none_accepts_numerichost(main: Any) -> None:
    """§2.4: AI_NUMERICHOST is accepted with host None."""
    assert A(main, None, "80", AF_INET, flags=AI_NUMERICHOST) == ["127.0.0.1"]


# --- §2.5 numeric hosts ---------------------------------------------------------------------


@pytest.mark.parametrize(("host", "expected"), [
    ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("1.2.3", "1.2.0.3"),
    ("1.65535", "1.0.255.255"), ("0x7f.1", "127.0.0.1"), ("0X7F.0.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("010.0.0.1", "8.0.0.1"), ("4294967295", "255.255.255.255"),
    ("0", "0.0.0.0"),
])
def test_inet_aton_forms(main: Any, host: str, expected: str) -> None:
    """§2.5: getaddrinfo accepts the inet_aton forms, also with AI_NUMERICHOST."""
    assert A(main, host) == [expected]
    assert A(main, host, flags=AI_NUMERICHOST) == [expected]


@pytest.mark.parametrize("host", [
    "0178.0.0.1", "127.0.0.256", "1.16777216", "4294967296", "1.2.3.4.5", "127.0.0.1.",
    " 127.0.0.1", "127.0.0.1 ", "127.0.0.1 foo", "127.0.0.1%lo", "[::1]", "::1%lo",
    "2001:db8::1%lo", "fe80::1%4294967296", "fe80::1%nosuchif", "fe80::1%",
])
def test_rejected_numeric_forms(main: Any, host: str) -> None:
    """§2.5: rejected numeric strings -> EAI_NONAME (as names, or with AI_NUMERICHOST)."""
    assert gai_err(main, host, None) == NONAME
    assert gai_err(main, host, None, flags=AI_NUMERICHOST) == NONAME


@pytest.mark.parametrize(("host", "addr", "scope"), [
    ("0:0:0:0:0:0:0:1", "::1", 0), ("2001:DB8::A", "2001:db8::a", 0),
    ("::ffff:127.0.0.1", "::ffff:127.0.0.1", 0), ("::127.0.0.1", "::127.0.0.1", 0),
    ("::1%1", "::1", 1), ("2001:db8::1%5", "2001:db8::1", 5),
    ("fe80::1%4294967295", "fe80::1", 4294967295), ("fe80::1%lo", "fe80::1", 1),
    ("ff02::1%lo", "ff02::1", 1), ("fe80::1%99", "fe80::1", 99),
])
def test_ipv6_forms_and_scopes(main: Any, host: str, addr: str, scope: int) -> None:
    """§2.5: inet_pton forms; %number for any address, %ifname for link-local only; host without %."""
    assert main.getaddrinfo(host, 80, 0, STREAM) == [(AF_INET6, STREAM, 6, "", (addr, 80, 0, scope))]


def test_v4mapped_numeric(main: Any) -> None:
    """§2.5: '127.0.0.1' with AF_INET6|AI_V4MAPPED -> ::ffff:127.0.0.1 (AI_ALL changes nothing); AF_UNSPEC ignores it."""
    want = [(AF_INET6, STREAM, 6, "", ("::ffff:127.0.0.1", 0, 0, 0))]
    assert main.getaddrinfo("127.0.0.1", None, AF_INET6, STREAM, 0, AI_V4MAPPED) == want
    assert main.getaddrinfo("127.0.0.1", None, AF_INET6, STREAM, 0, AI_V4MAPPED | AI_ALL) == want
    assert main.getaddrinfo("127.0.0.1", None, 0, STREAM, 0, AI_V4MAPPED) == [
        (AF_INET, STREAM, 6, "", ("127.0.0.1", 0))]


@pytest.mark.parametrize("host", ["127.1", "0x7f.1", "fe80::1%lo", "2001:DB8::A", "010.0.0.1"])
def test_numeric_canonname_is_the_input(main: Any, host: str) -> None:
    """§2.5: AI_CANONNAME with a numeric host returns the input string unchanged."""
    assert main.getaddrinfo(host, None, 0, STREAM, 0, AI_CANONNAME)[0][3] == host


def test_gethostbyname_numeric_parser_is_smaller(main: Any) -> None:
    """§2.5: gethostbyname* accept only digits and dots; 0x7f.1 goes to NSS and is not found."""
    prime(main)
    assert raised(main.gethostbyname_ex, "0x7f.1") == ("herror", UNKNOWN_HOST)
    assert hb2(main.gethostbyname2("127.1", AF_INET)) == ("127.1", [], ["127.0.0.1"])
    assert hb2(main.gethostbyname2("2130706433", AF_INET)) == ("2130706433", [], ["127.0.0.1"])
    assert raised(main.gethostbyname2, "0x7f.1", AF_INET) == ("herror", UNKNOWN_HOST)
    assert main.gethostbyname_ex("127.1") == ("127.1", [], ["127.0.0.1"])


# --- §2.6 host names ------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [0, AI_PASSIVE])
def test_empty_host(longline: Any, main: Any, flags: int) -> None:
    """§2.6: '' -> EAI_NONAME, with or without AI_PASSIVE, when no line has an empty name; b'.' too."""
    assert gai_err(longline, "", None, flags=flags) == NONAME
    assert gai_err(main, b".", None, flags=flags) == NONAME


def test_empty_name_matches_address_only_lines(main: Any, off: Any) -> None:
    """§2.6, §3.1 (found by experiment): '' goes to files like any name and matches the empty
    official name of address-only lines (`192.0.2.4`, `192.0.2.44 `)."""
    assert A(main, "", family=AF_INET) == ["192.0.2.4", "192.0.2.44"]
    assert A(main, b"", family=AF_INET) == ["192.0.2.4", "192.0.2.44"]
    assert main.gethostbyname_ex("") == ("", [], ["192.0.2.4", "192.0.2.44"])
    assert hb2(main.gethostbyname2("", AF_INET)) == ("", [], ["192.0.2.4", "192.0.2.44"])
    assert A(off, "") == ["192.0.2.4"]  # multi off: the first line only
    assert main.gethostbyname("") == "0.0.0.0"  # Python's own special case comes first


def test_files_matching_is_case_insensitive(main: Any) -> None:
    """§2.6, §3.3: FOO and Foo-Alias match the line `10.1.2.3 foo.example.com foo foo-alias`."""
    assert A(main, "FOO", family=AF_INET) == ["10.1.2.3"]
    assert A(main, "Foo-Alias", family=AF_INET) == ["10.1.2.3"]
    assert A(main, "mixed.case.example") == ["192.0.2.40"]


def test_no_trailing_dot_folding(main: Any) -> None:
    """§2.6, §3.3: `foo.` does not match `foo`; `trailing.example.` matches only the literal line."""
    assert gai_err(main, "foo.", None) == NONAME
    assert A(main, "trailing.example.") == ["192.0.2.50"]
    assert gai_err(main, "trailing.example", None) == NONAME
    assert A(main, "dot.") == ["192.0.2.81"]
    assert gai_err(main, "dot", None) == NONAME


@pytest.mark.parametrize(("host", "addr"), [("a,b", "192.0.2.11"), ("c;d", "192.0.2.11"),
                                            ("under_score", "192.0.2.12"), ("trailing-dot.", "192.0.2.12"),
                                            ("bang!name", "192.0.2.15"), ("star*name", "192.0.2.15"),
                                            ("-leadinghyphen", "192.0.2.83")])
def test_files_accepts_any_token(main: Any, host: str, addr: str) -> None:
    """§2.6, §3.1: files does not validate names."""
    assert A(main, host) == [addr]


def test_idn(main: Any) -> None:
    """§2.6 IDN, §10: str hosts are IDNA-encoded by Python; bytes reach the file as they are unless AI_IDN."""
    assert A(main, "café.test") == ["192.0.2.77"]  # Python sends xn--caf-dma.test
    assert A(main, b"caf\xc3\xa9.test") == ["192.0.2.78"]  # the raw UTF-8 line
    assert A(main, b"caf\xc3\xa9.test", flags=AI_IDN) == ["192.0.2.77"]
    r = main.getaddrinfo(b"CAF\xc3\x89.test", None, 0, STREAM, 0, AI_IDN | AI_CANONNAME)
    assert (r[0][3], r[0][4][0]) == ("xn--caf-dma.test", "192.0.2.77")
    r = main.getaddrinfo(b"caf\xc3\xa9.test", None, 0, STREAM, 0, AI_IDN | AI_CANONNAME | AI_CANONIDN)
    assert r[0][3] == "café.test"


def test_idn_errors_and_canonidn(main: Any) -> None:
    """§1, §2.6 IDN: AI_IDN with bytes that are not UTF-8 -> EAI_IDN_ENCODE; AI_CANONIDN decodes a punycode canonname."""
    assert gai_err(main, b"\xff\xfe", None, flags=AI_IDN) == (
        -105, "Parameter string not correctly encoded")
    r = main.getaddrinfo("xn--caf-dma.test", None, 0, STREAM, 0, AI_CANONNAME | AI_CANONIDN)
    assert r == [(AF_INET, STREAM, 6, "café.test", ("192.0.2.77", 0))]


def test_names_that_are_not_utf8(main: Any) -> None:
    """§10 (found by experiment): Python decodes names from glibc as strict UTF-8.

    `192.0.2.79 latin\xe9` is found with bytes (case-insensitively for ASCII), but a
    canonname, a gethostbyname_ex/gethostbyaddr name or a getnameinfo host that is
    not UTF-8 raises UnicodeDecodeError.
    """
    assert A(main, b"latin\xe9") == ["192.0.2.79"]
    assert A(main, b"LATIN\xe9") == ["192.0.2.79"]
    err = ("UnicodeDecodeError", ("utf-8", b"latin\xe9", 5, 6, "unexpected end of data"))
    assert raised(main.getaddrinfo, b"latin\xe9", None, 0, 0, 0, AI_CANONNAME) == err
    assert raised(main.gethostbyname_ex, b"latin\xe9") == err
    assert raised(main.gethostbyaddr, "192.0.2.79") == err
    assert raised(main.getnameinfo, ("192.0.2.79", 0), 0) == err
    assert main.getnameinfo(("192.0.2.79", 0), NI_NUMERICHOST | NI_NUMERICSERV) == ("192.0.2.79", "0")


def test_long_names_from_files(main: Any) -> None:
    """§2.6, §10: a 1,100-character name resolves as bytes; as str Python's IDNA codec refuses it."""
    assert A(main, b"x" * 1100) == ["192.0.2.86"]
    assert raised(main.getaddrinfo, "x" * 1100, None) == (
        "UnicodeError", ("encoding with 'idna' codec failed (UnicodeError: label too long)",))


# --- §2.7 AI_CANONNAME ------------------------------------------------------------------------


def test_canonname_only_on_the_first_result(main: Any) -> None:
    """§2.7: the canonname is set on the first result only; the others have ''."""
    r = main.getaddrinfo("dual", None, AF_INET, 0, 0, AI_CANONNAME)
    assert [x[3] for x in r] == ["dual", "", ""]
    r = main.getaddrinfo("multi", "both", 0, 0, 0, AI_CANONNAME)
    assert [x[3] for x in r] == ["multi"] + [""] * (len(r) - 1)
    assert {x[3] for x in main.getaddrinfo("dual", None)} == {""}


@pytest.mark.parametrize(("host", "canon"), [("foo-alias", "foo.example.com"),
                                             ("mixedalias", "Mixed.Case.Example"),
                                             ("x-shared", "samealias"), ("MULTI-ALIAS", "multi"),
                                             ("ip6-localhost", "localhost")])
def test_canonname_is_the_official_name(main: Any, host: str, canon: str) -> None:
    """§2.7: the official name of the first matching line, in the file's case."""
    assert main.getaddrinfo(host, None, 0, STREAM, 0, AI_CANONNAME)[0][3] == canon


def test_alias_matches_only_its_lines(main: Any) -> None:
    """§3.3: `multi-alias` matches only the line containing it."""
    assert A(main, "multi-alias", flags=AI_CANONNAME) == ["192.0.2.2"]


# --- §2.8 AI_V4MAPPED and AI_ALL ---------------------------------------------------------------


@pytest.mark.parametrize(("flags", "expected"), [
    (0, None), (AI_V4MAPPED, ["::ffff:192.0.2.20"]), (AI_V4MAPPED | AI_ALL, ["::ffff:192.0.2.20"]),
    (AI_ALL, None),
])
def test_v4mapped_ipv4_only_name(main: Any, flags: int, expected: list[str] | None) -> None:
    """§2.8: an IPv4-only name with AF_INET6: mapped only with AI_V4MAPPED; AI_ALL alone is ignored."""
    if expected is None:
        assert gai_err(main, "v4only", None, AF_INET6, 0, 0, flags) == NONAME
    else:
        assert A(main, "v4only", family=AF_INET6, flags=flags) == expected


def test_v4mapped_dual_name(main: Any) -> None:
    """§2.8: a dual name: AI_V4MAPPED adds nothing; AI_V4MAPPED|AI_ALL adds the mapped IPv4 address."""
    assert A(main, "dual", family=AF_INET6) == ["2001:db8::10"]
    assert A(main, "dual", family=AF_INET6, flags=AI_V4MAPPED) == ["2001:db8::10"]
    assert A(main, "dual", family=AF_INET6, flags=AI_ALL) == ["2001:db8::10"]
    assert bag(A(main, "dual", family=AF_INET6, flags=AI_V4MAPPED | AI_ALL)) == bag(
        ["2001:db8::10", "::ffff:192.0.2.10"])


def test_v4mapped_ignored_for_unspec(main: Any) -> None:
    """§2.8: with AF_UNSPEC both flags are ignored and IPv4 results stay AF_INET."""
    r = main.getaddrinfo("v4only", None, 0, STREAM, 0, AI_V4MAPPED | AI_ALL)
    assert r == [(AF_INET, STREAM, 6, "", ("192.0.2.20", 0))]


def test_v4mapped_multi(main: Any) -> None:
    """§3.3: the multi fixture with AF_INET6 and AI_V4MAPPED|AI_ALL: 7 addresses, no de-duplication."""
    assert bag(A(main, "multi", family=AF_INET6, flags=AI_V4MAPPED | AI_ALL)) == bag([
        "2001:db8::1", "::ffff:192.0.2.9", "::ffff:192.0.2.1", "::ffff:192.0.2.2",
        "::ffff:192.0.2.1", "::ffff:10.0.0.1", "::ffff:192.0.2.9"])


# --- §3.1 hosts line syntax ---------------------------------------------------------------------


def test_comments_anywhere(main: Any) -> None:
    """§3.1: '#' starts a comment anywhere, even glued to a token."""
    assert gai_err(main, "glued-comment", None) == NONAME
    assert gai_err(main, "comment", None) == NONAME
    assert gai_err(main, "commented-out", None) == NONAME
    assert A(main, "multi-alias") == ["192.0.2.2"]


@pytest.mark.parametrize(("host", "addr"), [("Tabbed", "192.0.2.3"), ("TabAlias", "192.0.2.3"),
                                            ("vtab", "192.0.2.13"), ("cr", "192.0.2.14"),
                                            ("cr-alias", "192.0.2.14"),
                                            ("end-of-file-no-newline", "192.0.2.87")])
def test_whitespace(main: Any, host: str, addr: str) -> None:
    """§3.1: space, tab, \\v and \\r separate fields; leading/trailing blanks; no final newline."""
    assert A(main, host) == [addr]


@pytest.mark.parametrize("host", ["invalid1", "shortform", "shortloop", "hexform", "leadingzero",
                                  "scoped", "scopednum", "bignum", "bracketed"])
def test_invalid_lines_are_skipped(main: Any, host: str) -> None:
    """§3.1: an address that inet_pton rejects (1.2.3, 127.1, 0x7f.0.0.2, 192.0.2.010, fe80::1%lo ...) skips the line."""
    assert gai_err(main, host, None) == NONAME


def test_duplicate_aliases_are_kept(main: Any) -> None:
    """§3.1: `192.0.2.5 dupalias dupalias dupalias2 DUPALIAS2 dupalias`."""
    assert main.gethostbyname_ex("dupalias2") == (
        "dupalias", ["dupalias", "dupalias2", "DUPALIAS2", "dupalias"], ["192.0.2.5"])


@pytest.mark.parametrize("addr", ["192.0.2.4", "192.0.2.44"])
def test_address_only_line(main: Any, addr: str) -> None:
    """§3.1: an address-only line is an entry with an empty name, even for NI_NAMEREQD."""
    assert main.gethostbyaddr(addr) == ("", [], [addr])
    assert main.getnameinfo((addr, 0), 0) == ("", "badport")  # port 0 is `badport 65536/tcp`
    assert main.getnameinfo((addr, 0), NI_NAMEREQD | NI_NUMERICSERV) == ("", "0")


# --- §3.2 family conversions ---------------------------------------------------------------------


def test_ipv4_lookups_read_loopback_and_mapped_lines(main: Any) -> None:
    """§3.2: IPv4 lookups read `::1` as 127.0.0.1 and `::ffff:a.b.c.d` as a.b.c.d."""
    assert main.gethostbyname_ex("localhost") == (
        "localhost", ["ip6-localhost", "ip6-loopback"], ["127.0.0.1", "127.0.0.1"])
    assert main.gethostbyname_ex("ip6-localhost") == (
        "localhost", ["ip6-localhost", "ip6-loopback"], ["127.0.0.1"])
    assert A(main, "ip6-localhost", family=AF_INET) == ["127.0.0.1"]
    assert A(main, "localhost", family=AF_INET) == ["127.0.0.1", "127.0.0.1"]
    assert A(main, "mapped9", family=AF_INET) == ["192.0.2.9"]
    assert A(main, "mapped9") == ["::ffff:192.0.2.9"]
    assert A(main, "mappedonly", family=AF_INET) == ["192.0.2.21"]
    assert A(main, "mapped-hex", family=AF_INET) == ["192.0.2.22"]


def test_ipv4_lookups_ignore_other_ipv6_lines(main: Any) -> None:
    """§3.2: every other IPv6 line is ignored by IPv4 lookups (compat ::a.b.c.d included)."""
    assert gai_err(main, "v6only", None, AF_INET) == NONAME
    assert gai_err(main, "compat", None, AF_INET) == NONAME
    assert raised(main.gethostbyname_ex, "compat") == ("gaierror", NONAME)


def test_ipv6_lookups_ignore_ipv4_lines(main: Any) -> None:
    """§3.2: family AF_INET6 ignores IPv4 lines."""
    assert raised(main.gethostbyname2, "v4only", AF_INET6) == ("herror", UNKNOWN_HOST)
    assert hb2(main.gethostbyname2("localhost", AF_INET6)) == (
        "localhost", ["ip6-localhost", "ip6-loopback"], ["::1"])


def test_reverse_ipv4_finds_mapped_lines(main: Any) -> None:
    """§3.2, §3.4: gethostbyaddr('192.0.2.9') finds the first `::ffff:192.0.2.9` line; the mapped query does not find IPv4 lines."""
    assert main.gethostbyaddr("192.0.2.9") == ("multi", [], ["192.0.2.9"])
    prime(main)
    assert raised(main.gethostbyaddr, "::ffff:192.0.2.7") == ("herror", UNKNOWN_HOST)


# --- §3.3 matching and merging --------------------------------------------------------------------


def test_multi_on_getaddrinfo(main: Any) -> None:
    """§3.3: multi on: every matching line, no de-duplication."""
    assert bag(A(main, "multi")) == bag(["2001:db8::1", "192.0.2.1", "192.0.2.2", "192.0.2.1",
                                         "10.0.0.1", "::ffff:192.0.2.9"])
    assert bag(A(main, "multi", family=AF_INET)) == bag(
        ["192.0.2.1", "192.0.2.2", "192.0.2.1", "10.0.0.1", "192.0.2.9"])
    assert bag(A(main, "multi", family=AF_INET6)) == bag(["2001:db8::1", "::ffff:192.0.2.9"])


@pytest.mark.parametrize(("name", "expected"), [
    ("casey", ("casey", ["casey-alias", "CASEY"], ["192.0.2.30", "192.0.2.31", "192.0.2.32"])),
    ("x-shared", ("samealias", ["x-shared", "x-shared", "other"], ["192.0.2.18", "192.0.2.19"])),
    ("multi", ("multi", ["multi-alias", "MULTI"],
               ["192.0.2.1", "192.0.2.2", "192.0.2.1", "10.0.0.1", "192.0.2.9"])),
])
def test_multi_on_hostent_merge(main: Any, name: str, expected: Any) -> None:
    """§3.3: h_name from the first line; later lines add their aliases, then their official name if it differs (case-sensitive)."""
    assert main.gethostbyname_ex(name) == expected


def test_multi_on_gethostbyname2_ipv6(main: Any) -> None:
    """§3.3, §3.6: the IPv6 lines of `multi` (what `getent hosts multi` shows)."""
    assert hb2(main.gethostbyname2("multi", AF_INET6)) == (
        "multi", ["mv6alias"], ["2001:db8::1", "::ffff:192.0.2.9"])


def test_multi_off_uses_the_first_line(off: Any) -> None:
    """§3.3, §3.7, §11.1: without host.conf only the first matching line is used, by getaddrinfo too."""
    assert off.gethostbyname_ex("casey") == ("casey", [], ["192.0.2.30"])
    assert A(off, "localhost", flags=AI_CANONNAME) == ["127.0.0.1"]
    assert off.getaddrinfo("localhost", None, 0, STREAM, 0, AI_CANONNAME)[0][3] == "localhost.corp.test"
    assert A(off, "dualnum") == ["192.0.2.17"]
    assert A(off, "dn-alias6") == ["2001:db8::17"]
    assert A(off, "x-shared") == ["192.0.2.18"]
    assert A(off, "multi") == ["192.0.2.1"]
    assert A(off, "dualnum", family=AF_INET6) == ["2001:db8::17"]


# --- §3.4 reverse lookups --------------------------------------------------------------------------


def test_reverse_first_line_wins(main: Any) -> None:
    """§3.4: the first line with the address; later lines are not merged."""
    assert main.gethostbyaddr("192.0.2.7") == ("first", ["first-a"], ["192.0.2.7"])
    assert main.getnameinfo(("192.0.2.7", 80), 0) == ("first", "http")
    assert main.gethostbyaddr("127.0.0.1") == ("localhost", [], ["127.0.0.1"])
    assert main.gethostbyaddr("::1") == ("localhost", ["ip6-localhost", "ip6-loopback"], ["::1"])


def test_reverse_ipv6_never_reads_ipv4_lines(main: Any) -> None:
    """§3.4: `::ffff:192.0.2.10` stays numeric although `192.0.2.10 dual` exists; `::ffff:192.0.2.9` has its own line."""
    assert main.getnameinfo(("::ffff:192.0.2.10", 0, 0, 0), NI_NUMERICSERV) == ("::ffff:192.0.2.10", "0")
    assert main.getnameinfo(("::ffff:192.0.2.9", 0, 0, 0), NI_NUMERICSERV) == ("multi", "0")


def test_reverse_of_the_unspecified_ipv6_address(main: Any) -> None:
    """§3.4 (found by experiment): `::` is never found by reverse lookups, although `:: zero6 any6` exists; 0.0.0.0 is."""
    assert hb2(main.gethostbyname2("zero6", AF_INET6)) == ("zero6", ["any6"], ["::"])
    assert main.getnameinfo(("::", 0, 0, 0), NI_NUMERICSERV) == ("::", "0")
    assert raised(main.getnameinfo, ("::", 0, 0, 0), NI_NAMEREQD) == ("gaierror", NONAME)
    prime(main)
    assert raised(main.gethostbyaddr, "::") == ("herror", UNKNOWN_HOST)
    assert main.gethostbyaddr("0.0.0.0") == ("zero4", ["any4"], ["0.0.0.0"])
    assert main.getnameinfo(("0.0.0.0", 0), NI_NUMERICSERV) == ("zero4", "0")


# --- §3.5 enumeration ---------------------------------------------------------------------------------


def test_enumeration(main: Any) -> None:
    """§3.5: file order, one entry per line, ::1 as 127.0.0.1, ::ffff: as IPv4, other IPv6 and invalid lines left out."""
    entries = [hb2(h) for h in main.hosts()]
    assert entries[:4] == [
        ("localhost", [], ["127.0.0.1"]),
        ("localhost", ["ip6-localhost", "ip6-loopback"], ["127.0.0.1"]),
        ("foo.example.com", ["foo", "foo-alias"], ["10.1.2.3"]),
        ("dual", [], ["192.0.2.10"]),
    ]
    names = [e[0] for e in entries]
    assert "v6only" not in names and "invalid1" not in names and "compat" not in names
    assert ("mapped9", [], ["192.0.2.9"]) in entries
    assert ("", [], ["192.0.2.4"]) in entries
    assert names.count("multi") == 5
    assert all(len(e[2]) == 1 and ":" not in e[2][0] for e in entries)


# --- §3.6 what getent hosts shows: gethostbyname2 ---------------------------------------------------


def test_gethostbyname2_per_family(main: Any) -> None:
    """§3.6: getent tries AF_INET6 first; a name on IPv4 lines only is found with AF_INET."""
    assert raised(main.gethostbyname2, "foo-alias", AF_INET6) == ("herror", UNKNOWN_HOST)
    assert hb2(main.gethostbyname2("foo-alias", AF_INET)) == (
        "foo.example.com", ["foo", "foo-alias"], ["10.1.2.3"])
    assert hb2(main.gethostbyname2("foo", AF_INET6)) == ("foo.example.com", ["foo"], ["2001:db8::3"])
    assert hb2(main.gethostbyname2("multi", AF_INET)) == (
        "multi", ["multi-alias", "MULTI"], ["192.0.2.1", "192.0.2.2", "192.0.2.1", "10.0.0.1", "192.0.2.9"])
    assert hb2(main.gethostbyname2("::1", AF_INET6)) == ("::1", [], ["::1"])
    assert raised(main.gethostbyname2, "", AF_INET6) == ("herror", UNKNOWN_HOST)


# --- §4 getnameinfo -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("sockaddr", "flags", "expected"), [
    (("192.0.2.60", 80), 0, ("web.example.com", "http")),
    (("192.0.2.60", 80), NI_NUMERICHOST, ("192.0.2.60", "http")),
    (("192.0.2.60", 80), NI_NUMERICSERV, ("web.example.com", "80")),
    (("192.0.2.60", 80), NI_NAMEREQD, ("web.example.com", "http")),
    (("192.0.2.60", 80), NI_DGRAM, ("web.example.com", "80")),
    (("192.0.2.60", 80), 0x40, ("web.example.com", "http")),
    (("192.0.2.99", 80), 0, ("192.0.2.99", "http")),
    (("192.0.2.99", 1001), 0, ("192.0.2.99", "tcponly")),
    (("192.0.2.99", 1001), NI_DGRAM, ("192.0.2.99", "1001")),
    (("192.0.2.99", 1002), 0, ("192.0.2.99", "both")),
    (("192.0.2.99", 1002), NI_DGRAM, ("192.0.2.99", "bothudp")),
    (("192.0.2.99", 1003), 0, ("192.0.2.99", "1003")),
    (("192.0.2.99", 1003), NI_DGRAM, ("192.0.2.99", "udponly")),
    (("192.0.2.99", 1004), 0, ("192.0.2.99", "1004")),
    (("192.0.2.99", 1004), NI_DGRAM, ("192.0.2.99", "1004")),
    (("192.0.2.99", 9), 0, ("192.0.2.99", "9")),
    (("192.0.2.99", 9), NI_DGRAM, ("192.0.2.99", "discard")),
    (("192.0.2.99", 65535), 0, ("192.0.2.99", "65535")),
    (("192.0.2.99", 8080), 0, ("192.0.2.99", "http")),
    (("2001:db8::60", 80, 0, 0), 0, ("web.example.com", "http")),
])
def test_getnameinfo_table(main: Any, sockaddr: Any, flags: int, expected: tuple[str, str]) -> None:
    """§4: flags, numeric fallback, the service per protocol (tcp unless NI_DGRAM; never sctp)."""
    assert main.getnameinfo(sockaddr, flags) == expected


@pytest.mark.parametrize("addr", ["192.0.2.60", "192.0.2.99", "127.0.0.1"])
def test_numerichost_with_namereqd(main: Any, addr: str) -> None:
    """§4, §11.12: NI_NUMERICHOST|NI_NAMEREQD -> EAI_NONAME, even for addresses that have a name."""
    assert raised(main.getnameinfo, (addr, 80), NI_NUMERICHOST | NI_NAMEREQD) == ("gaierror", NONAME)


@pytest.mark.parametrize(("sockaddr", "expected"), [
    (("fe80::99", 80, 0, 1), "fe80::99%lo"),
    (("ff02::5", 80, 0, 1), "ff02::5%lo"),
    (("fe80::99", 80, 0, 99), "fe80::99%99"),
    (("2001:db8::99", 80, 0, 5), "2001:db8::99%5"),
    (("2001:db8::99", 80, 0, 1), "2001:db8::99%1"),
    (("fe80::1:2", 80, 0, 1), "ll.example.com"),
])
def test_getnameinfo_scopes(main: Any, sockaddr: Any, expected: str) -> None:
    """§4: link-local and ff02:: use the interface name, others the number; no scope when a name is found."""
    assert main.getnameinfo(sockaddr, 0)[0] == expected


def test_getnameinfo_scope_numeric(main: Any) -> None:
    """§4: NI_NUMERICHOST keeps the scope rules."""
    assert main.getnameinfo(("fe80::1:2", 80, 0, 1), NI_NUMERICHOST) == ("fe80::1:2%lo", "http")


@pytest.mark.parametrize(("name", "short"), [("web.corp.test", "web"), ("sub.web.corp.test", "sub.web"),
                                             ("corp.test", "corp.test"), ("webcorp.test", "webcorp.test"),
                                             ("a.corp.test.evil.org", "a")])
def test_nofqdn(off: Any, name: str, short: str) -> None:
    """§4: NI_NOFQDN cuts at the first '.'+domain (strstr); the domain comes from localhost's official name."""
    addr = off.gethostbyname(name)
    assert off.getnameinfo((addr, 0), NI_NOFQDN | NI_NUMERICSERV) == (short, "0")
    assert off.getnameinfo((addr, 0), NI_NUMERICSERV) == (name, "0")


def test_getnameinfo_python_layer(main: Any) -> None:
    """§4, §10: Python converts the sockaddr with getaddrinfo(AI_NUMERICHOST) first."""
    assert raised(main.getnameinfo, ("web", 80), 0) == ("gaierror", NONAME)
    assert main.getnameinfo(("127.1", 80), 0) == ("localhost", "http")
    assert main.getnameinfo(("fe80::1:2%lo", 80), 0) == ("ll.example.com", "http")
    assert main.getnameinfo(("192.0.2.99", 65536), NI_NUMERICSERV) == ("192.0.2.99", "0")
    assert raised(main.getnameinfo, ("192.0.2.99", -1), 0) == ("gaierror", SERVICE)
    assert raised(main.getnameinfo, ("1.2.3.4", 80, 0, 0), 0) == (
        "OSError", ("IPv4 sockaddr must be 2 tuple",))
    assert raised(main.getnameinfo, ("::1", 80, 0x100000, 0), 0) == (
        "OverflowError", ("getnameinfo(): flowinfo must be 0-1048575.",))
    assert raised(main.getnameinfo, ("::1",), 0) == (
        "TypeError", ("getnameinfo(): illegal sockaddr argument",))


# --- §10 the Python socket layer ------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "message"), [
    (".", "label empty or too long"), ("foo..", "label empty or too long"),
    ("a" * 64 + ".x", "label empty or too long"), ("n" * 300, "label too long"),
])
def test_idna_refusals(main: Any, host: str, message: str) -> None:
    """§10: Python's IDNA codec refuses empty and over-long labels of str hosts."""
    assert raised(main.getaddrinfo, host, None) == (
        "UnicodeError", (f"encoding with 'idna' codec failed (UnicodeError: {message})",))


@pytest.mark.parametrize("host", [b".", b"foo..", b"a" * 64 + b".x", b"n" * 300])
def test_bytes_hosts_reach_the_files(main: Any, host: bytes) -> None:
    """§10: the same names as bytes are looked up, and not found."""
    assert gai_err(main, host, None) == NONAME


def test_port_types(main: Any) -> None:
    """§10: exact ints go through %ld, str and bytes work, anything else (even True) -> OSError."""
    assert A(main, "127.0.0.1", b"80") == ["127.0.0.1"]
    assert main.getaddrinfo("127.0.0.1", b"http", 0, STREAM)[0][4] == ("127.0.0.1", 80)
    assert raised(main.getaddrinfo, "127.0.0.1", 80.0) == ("OSError", ("Int or String expected",))
    assert raised(main.getaddrinfo, "127.0.0.1", True) == ("OSError", ("Int or String expected",))
    assert raised(main.getaddrinfo, "127.0.0.1", 2**63) == (
        "OverflowError", ("Python int too large to convert to C long",))


@pytest.mark.skipif(ORACLE, reason="the oracle returns plain ints")
def test_result_types(main: Any) -> None:
    """§10: (AddressFamily, SocketKind, proto, canonname, sockaddr); IPv6 sockaddrs are 4-tuples."""
    f, t, p, c, sa = main.getaddrinfo("::1", 80, 0, STREAM)[0]
    assert isinstance(f, socket.AddressFamily) and isinstance(t, socket.SocketKind)
    assert (f, t, p, c, sa) == (AF_INET6, STREAM, 6, "", ("::1", 80, 0, 0))


def test_gethostbyname(main: Any) -> None:
    """§10: gethostbyname is getaddrinfo(AF_INET)'s first result; '' and '<broadcast>' are special."""
    assert main.gethostbyname("010.0.0.1") == "8.0.0.1"
    assert main.gethostbyname("") == "0.0.0.0"
    assert main.gethostbyname("<broadcast>") == "255.255.255.255"
    assert main.gethostbyname("255.255.255.255") == "255.255.255.255"
    assert main.gethostbyname("localhost") == "127.0.0.1"
    assert raised(main.gethostbyname, "::1") == ("gaierror", ADDRFAMILY)
    assert raised(main.gethostbyname, "v6only") == ("gaierror", NONAME)


def test_gethostbyname_ex_errors(main: Any, longline: Any) -> None:
    """§10: first-step failures are gaierror, second-step ones herror (with the thread's h_errno)."""
    assert raised(main.gethostbyname_ex, "v6only") == ("gaierror", NONAME)
    assert raised(main.gethostbyname_ex, "::1") == ("gaierror", ADDRFAMILY)
    prime(longline)
    assert raised(longline.gethostbyname_ex, "") == ("herror", UNKNOWN_HOST)
    assert raised(longline.gethostbyname_ex, "<broadcast>") == ("herror", UNKNOWN_HOST)


def test_gethostbyaddr_resolves_names_first(main: Any) -> None:
    """§10: gethostbyaddr accepts a host name; '' is refused by Python."""
    assert main.gethostbyaddr("v4only") == ("v4only", [], ["192.0.2.20"])
    assert main.gethostbyaddr("127.1") == ("localhost", [], ["127.0.0.1"])
    assert raised(main.gethostbyaddr, "") == ("OSError", ("wildcard resolved to multiple address",))


def test_sixteen_kib_buffer(longline: Any) -> None:
    """§10: after a hosts line too big for 16 KiB, gethostbyname_ex/gethostbyaddr fail; getaddrinfo and getnameinfo do not."""
    assert in_new_thread(longline, "gethostbyname_ex", "after-long") == ("herror", UNKNOWN_HOST)
    prime(longline)
    assert raised(longline.gethostbyaddr, "192.0.2.16") == ("herror", UNKNOWN_HOST)
    assert A(longline, "after-long", family=AF_INET) == ["192.0.2.16"]
    assert longline.gethostbyname("after-alias") == "192.0.2.16"
    assert longline.getnameinfo(("192.0.2.16", 0), NI_NUMERICSERV) == ("after-long", "0")
    assert longline.gethostbyaddr("192.0.2.1") == ("before-long", [], ["192.0.2.1"])
