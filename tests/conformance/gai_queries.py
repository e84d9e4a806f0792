"""Deterministic generator of name-service queries for a fixture /etc directory.

``getaddrinfo_queries(fixture_dir, count)`` yields ``count`` distinct
``(host, port, family, type, proto, flags)`` tuples built from the fixture's own
hosts and services files: official names and aliases, case and trailing-dot
variants, names that are missing, '' and None, numeric forms (the inet_aton
forms getaddrinfo accepts and the ones it rejects, IPv6 with scopes, mapped and
bracketed forms), bytes hosts (which Python hands to glibc without IDNA) and a
few str hosts that Python's IDNA codec rejects or converts; ports as None,
ints, the numeric strings whose strtoul parsing glibc-behavior.md §2.3 pins
down, service names and aliases with case variants, '' and bytes; every family,
socktype and protocol of §2.2 plus invalid ones; flag combinations with the bad
bits of §2.1.  AI_IDN/AI_CANONIDN appear only in one deliberate group.

The queries are systematic sweeps (every host with a set of base hints, every
port with the socktype/protocol table, every flag combination, the full
family x type x protocol grid) topped up with seeded random picks, so the same
fixture always gives the same list.  ``nameinfo_queries`` and
``hostent_queries`` do the same for getnameinfo and the gethostby* functions.

Nothing here calls a host function: hosts and services files are split into
tokens here (``#`` comments, C whitespace), independently of netdb's parsers.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import socket
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Host = str | bytes | None
Port = str | bytes | int | float | None
Query = tuple[Host, Port, int, int, int, int]
Call = tuple[str, tuple[Any, ...], dict[str, Any]]

SEED = 2036

AF_INET, AF_INET6, AF_UNIX = socket.AF_INET, socket.AF_INET6, socket.AF_UNIX
STREAM, DGRAM, RAW, SEQPACKET = (
    socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW, socket.SOCK_SEQPACKET)
SOCK_RDM, SOCK_DCCP = 4, 6

AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST = 0x1, 0x2, 0x4
AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG = 0x8, 0x10, 0x20
AI_IDN, AI_CANONIDN = 0x40, 0x80
AI_NUMERICSERV = 0x400
VALID_FLAGS = (AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG,
               AI_NUMERICSERV)
BAD_FLAGS = (0x800, 0x1000, 0x10000, 0x40000000)

NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM = 1, 2, 4, 8, 16
NI_BITS = (NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM)

FAMILIES = (0, AF_INET, AF_INET6, AF_UNIX, 99)
TYPES = (0, STREAM, DGRAM, RAW, SOCK_RDM, SEQPACKET, SOCK_DCCP, 99)
PROTOS = (0, 6, 17, 132, 33, 136, 1, 99)

# §2.2: the (type, proto) hints whose expansions glibc tabulates, and invalid pairs.
TYPE_PROTO = (
    (0, 0), (STREAM, 0), (DGRAM, 0), (SEQPACKET, 0), (RAW, 0), (SOCK_DCCP, 0),
    (0, 6), (0, 17), (0, 132), (0, 33), (0, 136), (0, 99),
    (STREAM, 6), (STREAM, 132), (DGRAM, 17), (DGRAM, 136), (SEQPACKET, 132), (RAW, 99),
    (STREAM, 17), (DGRAM, 6), (STREAM, 99), (99, 0), (SOCK_RDM, 0),
)

# §2.5: numeric host strings, accepted and rejected.
NUMERIC_V4 = (
    "127.0.0.1", "127.1", "127.0.1", "1.2.3", "1.65535", "0x7f.1", "0X7F.0.0.1", "2130706433",
    "0x7f000001", "017700000001", "0177.0.0.1", "010.0.0.1", "4294967295", "0", "0.0.0.0",
    "255.255.255.255", "0178.0.0.1", "127.0.0.256", "1.16777216", "4294967296", "1.2.3.4.5",
    "127.0.0.1.", " 127.0.0.1", "127.0.0.1 ", "127.0.0.1 foo", "127.0.0.1%lo", "192.0.2.10",
    "192.0.2.010", "0x", "1.", ".1", "1..2", "00", "08", "0x100000000", "192.0.2.2",
    "169.254.1.1", "10.0.0.1", "8.0.0.1", "0xffffffff", "1.2.3.4\t",
)
NUMERIC_V6 = (
    "::1", "0:0:0:0:0:0:0:1", "2001:DB8::A", "::ffff:127.0.0.1", "::127.0.0.1", "[::1]",
    "::1%1", "::1%lo", "2001:db8::1%5", "fe80::1%lo", "fe80::1%1", "fe80::1%99",
    "fe80::1%4294967295", "fe80::1%4294967296", "fe80::1%nosuchif", "fe80::1%", "ff02::1%lo",
    "ff02::1%1", "fe80::1", "fe80::1%eth0", "fe80::1%0", "::", "::ffff:192.0.2.10",
    "::ffff:0:0", "1::2::3", ":::", "2001:db8::10", "fe80::1%lo%lo", "FE80::1%LO", "fe80::1%01",
    "fe80::1%+1", "::1%-1", "fec0::1%lo", "ff01::1%lo", "ff05::1%lo", "::1%2", "fd00::2",
    "2001:db8::3", "::ffff:192.0.2.9", "fe80::1:2%lo", "2002:c000:201::1",
)
# Names no fixture has, and odd strings.
MISSING = (
    "nosuch", "nosuch.example.com", "nosuch.", "localhost.localdomain.", "foo.example",
    "ip6-localhost.", "a", "-", "_", "*", "x" * 63, "no such", "nosuch-" * 5,
)
# str hosts that Python's IDNA codec rejects (UnicodeError) or converts (§10).
PYTHON_LAYER = (".", "foo..", "a" * 64 + ".x", "n" * 300, "café.test", "CAFÉ.test", "..",
                "x." + "y" * 64, "<broadcast>")
SPECIAL_HOSTS: tuple[Host, ...] = (None, "", b"", b".", b"..", b"foo..", b"a" * 64 + b".x",
                                   b"caf\xc3\xa9.test", b"CAF\xc3\x89.test", b"latin\xe9",
                                   b"LATIN\xe9", b"\xff\xfe", b"localhost\t", b"local host")

# §2.3: ports.
PORTS_NUMERIC: tuple[Port, ...] = (
    None, 0, 1, 80, 443, 65535, 65536, 65537, -1, 4294967296, 4294967377, 2**63, -(2**63),
    "0", "80", " 80", "\t80", "+80", "080", "-0", "65535", "65536", "65537", "-1", "0x50",
    "4294967295", "4294967296", "4294967377", "18446744073709551616", "80 ", "80x", "",
    b"80", b"http", b"", b"65536", 80.0, True, "08", "0080", "-65535", "1e2",
)
PORTS_NAMED: tuple[Port, ...] = ("nosuchserv", "HTTP", "WWW", "Http", "tcp", "www ", " www",
                                 "http/tcp", "MixedSvc", "mixedsvc", "MIXED")

# §2.8, §2.9: hosts that make the flag sweep interesting.
FLAG_HOSTS: tuple[Host, ...] = ("dual", "v4only", "v6only", "localhost", "multi", "mapped9",
                                None, "127.0.0.1", "::1", "fe80::1%lo", "::ffff:127.0.0.1",
                                "nosuch", "", "127.1")


@dataclass(frozen=True)
class FixtureData:
    """What the generator needs from a fixture directory."""

    names: tuple[bytes, ...]  # official names and aliases of valid lines, file order, unique
    addresses: tuple[str, ...]  # valid addresses, unique, file order
    bad_addresses: tuple[str, ...]  # first fields that inet_pton rejects
    bad_names: tuple[bytes, ...]  # names that appear only on invalid lines
    services: tuple[str, ...]  # service names and aliases, unique
    service_ports: tuple[int, ...]  # ports of the services file (as the file gives them)


def _fields(data: bytes) -> Iterator[list[bytes]]:
    for line in data.split(b"\n"):
        fields = line.split(b"#", 1)[0].split()  # C isspace: space \t \n \v \f \r
        if fields:
            yield fields


def _pton(addr: str) -> int | None:
    for fam in (AF_INET, AF_INET6):
        try:
            socket.inet_pton(fam, addr)
            return fam
        except (OSError, ValueError):
            pass
    return None


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    """Items without repeats, in order; 80, 80.0 and True are different items here."""
    seen: dict[tuple[str, Any], Any] = {}
    for x in items:
        seen.setdefault((type(x).__name__, x), x)
    return tuple(seen.values())


def load(fixture_dir: str | Path) -> FixtureData:
    d = Path(fixture_dir)
    hosts = (d / "hosts").read_bytes() if (d / "hosts").is_file() else b""
    names: list[bytes] = []
    addrs: list[str] = []
    bad_addrs: list[str] = []
    bad_names: list[bytes] = []
    for f in _fields(hosts):
        addr = f[0].decode("latin-1")
        if _pton(addr) is None:
            bad_addrs.append(addr)
            bad_names += f[1:]
        else:
            addrs.append(addr)
            names += f[1:]
    services = (d / "services").read_bytes() if (d / "services").is_file() else b""
    svc: list[str] = []
    ports: list[int] = []
    for f in _fields(services):
        svc += [x.decode("latin-1") for x in [f[0], *f[2:]]]
        if len(f) > 1:
            num = f[1].split(b"/")[0]
            if num.isdigit():
                ports.append(int(num))
    valid = set(names)
    return FixtureData(_unique(names), _unique(addrs), _unique(bad_addrs),
                       _unique(n for n in bad_names if n not in valid), _unique(svc),
                       _unique(ports))


def _as_hosts(name: bytes) -> list[Host]:
    """A file name as Python callers would pass it: str when it decodes, and bytes."""
    out: list[Host] = []
    with contextlib.suppress(UnicodeDecodeError):
        out.append(name.decode("utf-8"))
    out.append(name)
    return out


def _spread(items: tuple[Any, ...], limit: int) -> list[Any]:
    """At most ``limit`` items: the first and last quarter, and evenly spaced ones between."""
    if len(items) <= limit:
        return list(items)
    q = limit // 4
    middle = items[q:-q]
    step = len(middle) / (limit - 2 * q)
    return [*items[:q], *(middle[int(i * step)] for i in range(limit - 2 * q)), *items[-q:]]


def host_pool(fx: FixtureData) -> dict[str, list[Host]]:
    """Hosts by category (every list is in a fixed order)."""
    text_names = [n.decode("ascii") for n in _spread(fx.names, 200) if n.isascii()]
    other_names = [n for n in fx.names if not n.isascii()]
    case = []
    for n in text_names:
        for v in (n.upper(), n.swapcase(), n.capitalize()):
            if v != n:
                case.append(v)
    dots = [n + "." for n in text_names] + [n.rstrip(".") for n in text_names if n.endswith(".")]
    pool: dict[str, list[Host]] = {
        "name": list(text_names),
        "case": _unique(case),  # type: ignore[dict-item]
        "dot": dots,
        "bytes": [n.encode() for n in text_names[:40]] + [h for n in other_names for h in _as_hosts(n)]
        + [n.upper() for n in other_names],
        "missing": list(MISSING) + [h for n in fx.bad_names for h in _as_hosts(n)],
        "numeric": list(NUMERIC_V4) + list(NUMERIC_V6) + list(fx.addresses) + list(fx.bad_addresses)
        + [b"127.0.0.1", b"::1", b"fe80::1%lo", b"0x7f.1"],
        "special": list(SPECIAL_HOSTS) + list(PYTHON_LAYER),
    }
    return {k: list(_unique(v)) for k, v in pool.items()}


def port_pool(fx: FixtureData) -> list[Port]:
    svc = list(fx.services)
    variants = [s.upper() for s in svc if s.upper() != s][:10]
    return list(_unique([*PORTS_NUMERIC, *svc, *variants, *PORTS_NAMED]))


def _key(q: Query) -> str:
    return repr(tuple((type(x).__name__, x) for x in q))


class _Collector:
    def __init__(self) -> None:
        self.items: dict[str, Query] = {}

    def add(self, q: Query) -> None:
        self.items.setdefault(_key(q), q)

    def __len__(self) -> int:
        return len(self.items)


def _flag_combos(bits: tuple[int, ...]) -> list[int]:
    out = []
    for r in range(len(bits) + 1):
        for combo in itertools.combinations(bits, r):
            out.append(sum(combo))
    return out


produced: dict[str, int] = {}  # how many distinct queries the sweeps made, before sampling


def getaddrinfo_queries(fixture_dir: str | Path, count: int | None = None) -> list[Query]:
    """Distinct getaddrinfo queries for a fixture.

    Every query of the systematic sweeps, topped up with seeded random ones to
    ``count``; when the sweeps alone exceed ``count``, a seeded sample of them.
    ``count=None`` means exactly the sweeps.
    """
    fx = load(fixture_dir)
    rng = random.Random(SEED ^ zlib.crc32(Path(fixture_dir).name.encode()))
    hosts = host_pool(fx)
    ports = port_pool(fx)
    col = _Collector()
    for q in _sweeps(hosts, ports, rng):
        col.add(q)
    produced[Path(fixture_dir).name] = len(col)
    target = len(col) if count is None else count
    attempts = 0
    while len(col) < target and attempts < target * 20:
        attempts += 1
        col.add(_random_query(hosts, ports, rng))
    items = list(col.items.values())
    if len(items) > target:
        keep = set(rng.sample(range(len(items)), target))
        items = [q for i, q in enumerate(items) if i in keep]
    return items


def _sweeps(hosts: dict[str, list[Host]], ports: list[Port], rng: random.Random) -> Iterator[Query]:
    all_hosts = [h for v in hosts.values() for h in v]
    # 1. Every host with a few base hints (§2.2, §2.4–§2.8).
    base: list[tuple[Port, int, int, int, int]] = [
        (None, 0, 0, 0, 0),
        ("http", 0, STREAM, 0, AI_CANONNAME),
        (None, AF_INET, 0, 0, 0),
        (None, AF_INET6, STREAM, 0, 0),
        (None, AF_INET6, STREAM, 0, AI_V4MAPPED),
        ("both", AF_INET6, 0, 0, AI_V4MAPPED | AI_ALL | AI_CANONNAME),
        (80, 0, DGRAM, 0, AI_ADDRCONFIG),
        (None, 0, STREAM, 0, AI_NUMERICHOST),
        ("1", AF_INET, STREAM, 0, AI_CANONNAME | AI_PASSIVE),
    ]
    for h in all_hosts:
        for port, fam, typ, proto, flags in base:
            yield (h, port, fam, typ, proto, flags)

    # 2. Every port with the socktype/protocol table, for a few hosts (§2.2, §2.3).
    for h in ("v4only", "127.0.0.1", None):
        for port in ports:
            for typ, proto in TYPE_PROTO:
                if h == "v4only" or rng.random() < 0.35:
                    yield (h, port, 0, typ, proto, 0)
            yield (h, port, AF_INET, STREAM, 0, AI_NUMERICSERV)
            yield (h, port, AF_INET, 0, 0, AI_NUMERICSERV | AI_PASSIVE)

    # 3. The full family x type x protocol grid (§1, §2.2).
    for h in ("dual", "127.0.0.1", "::1", None):
        for fam, typ, proto in itertools.product(FAMILIES, TYPES, PROTOS):
            yield (h, None, fam, typ, proto, 0)

    # 4. Every combination of the valid flags, then bad bits (§2.1, §2.8, §2.9).
    for h in FLAG_HOSTS:
        for flags in _flag_combos(VALID_FLAGS):
            fam = (0, AF_INET6, AF_INET)[flags % 3]
            yield (h, None, fam, STREAM, 0, flags)
            if rng.random() < 0.3:
                yield (h, "http", AF_INET6 if fam == 0 else 0, 0, 0, flags)
        for bad in BAD_FLAGS:
            yield (h, None, 0, 0, 0, bad)
            yield (h, "80", AF_INET, 0, 0, bad | AI_CANONNAME)
    for flags in (-1, 0x100, 0x200, 0x300 | AI_CANONNAME):
        yield ("dual", None, 0, STREAM, 0, flags)

    # 5. One deliberate IDN group (§2.6 IDN): bytes and ASCII str only reach glibc's IDN code.
    idn_hosts: list[Host] = [b"caf\xc3\xa9.test", b"CAF\xc3\x89.test", "xn--caf-dma.test",
                             "café.test", b"\xff\xfe", b"xn--caf-dma.test", "dual", b"latin\xe9"]
    for h in idn_hosts:
        for flags in (AI_IDN, AI_CANONIDN, AI_IDN | AI_CANONIDN | AI_CANONNAME,
                      AI_CANONNAME | AI_CANONIDN, AI_IDN | AI_CANONNAME):
            yield (h, None, 0, STREAM, 0, flags)


def _random_query(hosts: dict[str, list[Host]], ports: list[Port], rng: random.Random) -> Query:
    """A seeded random pick: mostly valid flags, sometimes a bad bit."""
    cat = rng.choice(list(hosts))
    h = rng.choice(hosts[cat]) if hosts[cat] else None
    port = rng.choice(ports)
    fam = rng.choice((0, 0, 0, AF_INET, AF_INET6, AF_INET6, AF_UNIX, 99))
    if rng.random() < 0.8:
        typ, proto = rng.choice(TYPE_PROTO)
    else:
        typ, proto = rng.choice(TYPES), rng.choice(PROTOS)
    flags = 0
    for bit in VALID_FLAGS:
        if rng.random() < 0.25:
            flags |= bit
    if rng.random() < 0.03:
        flags |= rng.choice(BAD_FLAGS)
    return (h, port, fam, typ, proto, flags)


def getaddrinfo_calls(queries: Iterable[Query]) -> list[Call]:
    return [("getaddrinfo", q, {}) for q in queries]


# --- getnameinfo -------------------------------------------------------------------

NI_PORTS = (0, 7, 9, 22, 53, 80, 443, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1238,
            1240, 1300, 1301, 8080, 65535, 65536, -1)
NI_EXTRA_FLAGS = (32, 64, 128, 0x1000, -1, 32 | NI_NAMEREQD, 0x100)


def _sockaddrs(fx: FixtureData) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for a in fx.addresses:
        if _pton(a) == AF_INET:
            out.append((a, 80))
        else:
            out.append((a, 80, 0, 0))
            if a.lower().startswith(("fe80", "ff02")):
                out += [(a, 80, 0, 1), (a, 80, 0, 99)]
    out += [
        ("192.0.2.99", 80), ("2001:db8::99", 80, 0, 5), ("fe80::99", 80, 0, 1),
        ("fe80::99", 80, 0, 99), ("ff02::1", 0, 0, 1), ("fe80::1", 80, 0, 4),
        ("127.1", 80), ("0x7f.1", 80), ("fe80::1%lo", 80), ("fe80::1%lo", 80, 0, 0),
        ("::1%1", 80, 0, 0), ("localhost", 80), ("::ffff:192.0.2.10", 80, 0, 0),
        ("::ffff:127.0.0.1", 80, 0, 0), ("2001:db8::10", 80, 1, 0), ("2001:db8::10", 80, 0xFFFFF, 0),
        ("127.0.0.1", 80), ("::1", 80, 0, 0), ("0.0.0.0", 0), ("::", 0, 0, 0),
    ]
    return list(_unique(out))


BAD_SOCKADDRS: tuple[Any, ...] = (
    ("1.2.3.4", 80, 0, 0), ("::1", 80, 0x100000, 0), ("::1", 80, -1, 0), ("::1",), "notatuple",
    ("", 80), ("nosuch", 80), ("1.2.3.4", "80"), ("::1", 80, 0, 2**32), (b"127.0.0.1", 80),
    ("1.2.3.4.5", 80), ("::1", 80, 0), ("[::1]", 80),
)


def nameinfo_calls(fixture_dir: str | Path, count: int = 1500) -> list[Call]:
    """getnameinfo calls: every address with every NI_* combination and the port table (§4)."""
    fx = load(fixture_dir)
    rng = random.Random(SEED + 1 ^ zlib.crc32(Path(fixture_dir).name.encode()))
    addrs = _sockaddrs(fx)
    flag_sets = _flag_combos(NI_BITS) + list(NI_EXTRA_FLAGS)
    seen: dict[str, Call] = {}

    def add(sa: Any, flags: int) -> None:
        c: Call = ("getnameinfo", (sa, flags), {})
        seen.setdefault(repr(c), c)

    for sa in addrs:  # every address, every flag combination, port 80
        for flags in flag_sets:
            if flags in (0, NI_NUMERICHOST, NI_NAMEREQD, NI_NOFQDN, NI_NUMERICHOST | NI_NAMEREQD) \
                    or rng.random() < 0.25:
                add(sa, flags)
    probe = [sa for sa in addrs if sa[0] in ("127.0.0.1", "::1", "192.0.2.10", "192.0.2.99")]
    for sa in probe:  # the port table with and without services
        for port in NI_PORTS:
            for flags in (0, NI_DGRAM, NI_NUMERICSERV, NI_DGRAM | NI_NUMERICHOST):
                add((sa[0], port, *sa[2:]), flags)
    for sa in BAD_SOCKADDRS:
        for flags in (0, NI_NUMERICHOST, NI_NAMEREQD):
            add(sa, flags)
    items = list(seen.values())
    while len(items) < count:
        sa = rng.choice(addrs)
        port = rng.choice(NI_PORTS)
        c = ("getnameinfo", ((sa[0], port, *sa[2:]), rng.choice(flag_sets)), {})
        if repr(c) not in seen:
            seen[repr(c)] = c
            items.append(c)
        elif len(seen) >= len(addrs) * len(NI_PORTS):
            break
    return items


# --- gethostbyname, gethostbyname_ex, gethostbyaddr, gethostbyname2 -----------------


def hostent_calls(fixture_dir: str | Path) -> list[Call]:
    """gethostby* calls for every name and address of the fixture, and the usual oddities (§3, §10).

    Also one ``hosts`` call: the whole gethostent() enumeration (§3.5).
    """
    fx = load(fixture_dir)
    pool = host_pool(fx)
    names: list[Host] = [*pool["name"], *pool["case"][:30], *pool["dot"][:30], *pool["bytes"],
                         *pool["missing"], "", "<broadcast>", "255.255.255.255", "127.1",
                         "0x7f.1", "010.0.0.1", "2130706433", "::1", "::ffff:127.0.0.1",
                         "1.2.3.4", "fe80::1%lo", "café.test", "a" * 64 + ".x"]
    names = list(_unique(names))
    calls: list[Call] = []
    for n in names:
        if n is None:
            continue
        calls.append(("gethostbyname", (n,), {}))
        calls.append(("gethostbyname_ex", (n,), {}))
        if not (isinstance(n, str) and not n.isascii()):
            calls.append(("gethostbyname2", (n, AF_INET), {}))
            calls.append(("gethostbyname2", (n, AF_INET6), {}))
    # Not family 0: with `multi on` and a matching line glibc 2.36 aborts the process
    # (assertion `af == AF_INET || af == AF_INET6' in nss_files/files-hosts.c:123).
    for fam in (AF_UNIX, 99):
        calls.append(("gethostbyname2", ("localhost", fam), {}))
        calls.append(("gethostbyname2", ("nosuch", fam), {}))
    addrs = [*fx.addresses, "192.0.2.99", "2001:db8::99", "::ffff:192.0.2.7", "::ffff:192.0.2.10",
             "127.1", "0x7f.1", "fe80::1%lo", "fe80::1%1", "::1%1", "", "<broadcast>",
             *[n for n in pool["name"][:20]], "nosuch", b"127.0.0.1", "[::1]"]
    for a in _unique(addrs):
        calls.append(("gethostbyaddr", (a,), {}))
    # In a fresh thread: Python reports glibc's per-thread h_errno for these (0 when fresh).
    for a in ("192.0.2.99", "2001:db8::99", "::ffff:192.0.2.7"):
        calls.append(("gethostbyaddr", (a,), {"_thread": True}))
    for n in ("0x7f.1", "<broadcast>", "nosuch", "", "dual"):
        calls.append(("gethostbyname_ex", (n,), {"_thread": True}))
    calls.append(("hosts", (), {}))  # the gethostent() enumeration, in file order
    return calls
