"""glibc 2.36's rfc3484_sort, table-tested with synthetic source information."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdb import interfaces
from netdb.addrsort import (  # _scope6: glibc's get_scope for IPv6, the reference for the scope column
    NO_INTERFACE,
    Destination,
    Policy,
    Source,
    _scope6,
    explain_sort,
    policy_for,
    probe_sources,
    rfc3484_order,
    sort_destinations,
    sort_with_reasons,
)
from netdb.files.gaiconf import parse_gai_conf

AF4, AF6 = socket.AF_INET, socket.AF_INET6


def P(text: str) -> bytes:
    return socket.inet_pton(AF6 if ":" in text else AF4, text)


def D(text: str, scope_id: int = 0) -> Destination:
    return Destination(AF6 if ":" in text else AF4, P(text), scope_id)


def S(
    text: str, prefixlen: int = 0, ifindex: int = NO_INTERFACE, *,
    deprecated: bool = False, home: bool = False, native: bool | None = None,
) -> Source:
    """A synthetic source; an interface is native unless told otherwise, an unknown one is not."""
    if native is None:
        native = ifindex != NO_INTERFACE
    return Source(P(text), prefixlen, ifindex, deprecated, home, native)


def ordered(addrs: list[str], sources: list[Source | None], conf: str | None = None) -> list[str]:
    pol = policy_for(parse_gai_conf(conf)) if conf is not None else None
    return [addrs[i] for i in rfc3484_order([D(a) for a in addrs], sources, pol)]


# --- classification -----------------------------------------------------------


@pytest.mark.parametrize(
    ("addr", "label", "precedence", "scope"),
    [
        ("127.0.0.1", 4, 10, 2),  # RFC 6724 would say precedence 35
        ("169.254.1.2", 4, 10, 2),
        ("10.0.0.1", 4, 10, 14),  # private IPv4 is global scope in glibc
        ("100.64.0.1", 4, 10, 14),
        ("203.0.113.8", 4, 10, 14),
        ("224.0.0.0", 4, 10, 14),
        ("224.2.2.2", 4, 10, 14),
        ("::1", 0, 50, 2),
        ("::", 3, 20, 14),
        ("::1.2.3.4", 3, 20, 14),
        ("::ffff:1.2.3.4", 4, 10, 14),
        ("::ffff:127.0.0.1", 4, 10, 14),  # IPv6 scope rules: mapped loopback is global
        ("2001:db8::1", 1, 40, 14),
        ("2601:645:8002:a500:986f:1db8:c836:bd65", 1, 40, 14),
        ("2002::ab12", 2, 30, 14),
        ("2001::1", 7, 40, 14),  # Teredo: own label, no precedence row
        ("2001:0:ffff::1", 7, 40, 14),
        ("2001:1::1", 1, 40, 14),
        ("fd00::1", 6, 40, 14),  # ULA: own label, no precedence row
        ("fc00::1", 6, 40, 14),
        ("fec0::1", 5, 40, 5),
        ("feff::1", 5, 40, 5),
        ("fe80::1", 1, 40, 2),
        ("febf::1", 1, 40, 2),
        ("3ffe::1", 1, 40, 14),
        ("ff02::1", 1, 40, 2),
        ("ff05::1", 1, 40, 5),
        ("ff04::", 1, 40, 4),
        ("ff0e::", 1, 40, 14),
        ("ff01::1", 1, 40, 1),
        ("ff00::1", 1, 40, 0),
    ],
)
def test_builtin_classification(addr: str, label: int, precedence: int, scope: int) -> None:
    assert Policy().classify(P(addr)) == (label, precedence, scope)


def test_classification_follows_gai_conf() -> None:
    pol = Policy(parse_gai_conf("precedence ::ffff:0:0/96 100\nlabel fd00::/8 1\nscopev4 10.0.0.0/8 5\n"))
    # Each kind of line replaces its whole built-in table: every label is now 1,
    # ::1 loses precedence 50, 169.254/16 loses scope 2.
    assert pol.classify(P("10.1.2.3")) == (1, 100, 5)
    assert pol.classify(P("::1")) == (1, 40, 2)
    assert pol.classify(P("fd00::1")) == (1, 40, 14)
    assert pol.classify(P("fc00::1")) == (1, 40, 14)
    assert pol.classify(P("169.254.1.1")) == (1, 100, 14)
    assert pol.label_entry(P("fd00::1")).line == 2
    assert pol.precedence_entry(P("2001:db8::1")).line == 0
    entry = pol.scope_entry(P("10.9.9.9"))
    assert entry is not None and entry.line == 3
    assert pol.scope_entry(P("::1")) is None


_ROWS = st.sampled_from([
    "::/0", "::1/128", "::/96", "::ffff:0:0/96", "::ffff:10.0.0.0/104", "::ffff:192.168.1.0/120",
    "2001::/32", "2001:db8::/32", "2001:db8:ffff::/48", "2002::/16", "fc00::/7", "fec0::/10", "ff00::/8",
    "8000::/1", "2000::/3", "2001:db8::1/128",
])
_ADDRESSES = st.one_of(
    st.binary(min_size=4, max_size=4), st.binary(min_size=16, max_size=16),
    st.sampled_from([P(a) for a in ("::1", "::", "::ffff:10.1.2.3", "2001:db8::1", "2001:db8:ffff::7", "fe80::1",
                                    "fec0::1", "ff02::1", "10.1.2.3", "192.168.1.9", "127.0.0.1", "169.254.0.1",
                                    # neighbours, which share leading bytes with the above (the memo's keys)
                                    "::2", "::ffff:10.1.2.4", "2001:db8::2", "2001:db8:ffff::8", "2001:db9::1",
                                    "2001:db8:fffe::1", "fe80::2", "10.1.2.4", "10.1.3.3", "10.2.0.1", "127.0.1.1",
                                    "169.254.9.9", "192.168.2.9")]),
)
_SCOPE_ROWS = st.sampled_from(["::ffff:10.0.0.0/104", "::ffff:10.1.0.0/112", "::ffff:10.1.2.0/120",
                               "::ffff:10.1.2.3/128", "::ffff:192.168.0.0/108", "::ffff:0.0.0.0/96"])


@settings(max_examples=600, deadline=None)
@given(labels=st.lists(st.tuples(_ROWS, st.integers(0, 99)), max_size=5),
       precedences=st.lists(st.tuples(_ROWS, st.integers(0, 99)), max_size=5),
       scopes=st.lists(st.tuples(_SCOPE_ROWS, st.integers(0, 15)), max_size=3),
       addresses=st.lists(_ADDRESSES, min_size=1, max_size=12))
def test_classification_is_the_first_matching_row(labels: list[tuple[str, int]], precedences: list[tuple[str, int]],
                                                  scopes: list[tuple[str, int]], addresses: list[bytes]) -> None:
    """classify (memoised by leading bytes) and classify_fresh (rows pre-filtered by the first 16 bits) read the
    tables row by row."""
    text = ("".join(f"label {p} {v}\n" for p, v in labels) + "".join(f"precedence {p} {v}\n" for p, v in precedences)
            + "".join(f"scopev4 {p} {v}\n" for p, v in scopes))
    pol = Policy(parse_gai_conf(text))
    for packed in addresses:
        scope_row = pol.scope_entry(packed)
        expected = (pol.label_entry(packed).value, pol.precedence_entry(packed).value,
                    scope_row.value if scope_row is not None else _scope6(packed))
        assert pol.classify_fresh(packed) == expected
        assert pol.classify(packed) == expected
        assert pol.classify(packed) == expected  # (from the memo)


def test_the_memo_keeps_neighbours_apart() -> None:
    """Addresses that share leading bytes, but not all those a table row reads, are classified apart."""
    pol = Policy(parse_gai_conf("scopev4 ::ffff:10.1.0.0/112 5\nlabel 2001:db8:ffff::/48 9\n"))
    seen = [pol.classify(P(a)) for a in ("10.1.2.3", "10.2.0.1", "10.1.3.3", "169.254.1.1", "169.1.1.1",
                                         "2001:db8:ffff::1", "2001:db8:fffe::1", "2001:db8:ffff::2")]
    assert [scope for _label, _prec, scope in seen[:5]] == [5, 14, 5, 14, 14]  # (scopev4 replaces the built-in rows)
    assert [label for label, _prec, _scope in seen[5:]] == [9, 1, 9]
    builtin = Policy()
    assert [builtin.classify(P(a))[2] for a in ("169.254.1.1", "169.1.1.1", "127.0.0.1", "126.0.0.1")] == [2, 14, 2, 14]


def test_policy_for_caches_per_object() -> None:
    conf = parse_gai_conf("precedence ::/0 1\n")
    assert policy_for(conf) is policy_for(conf)
    assert policy_for(None) is policy_for(None)
    assert policy_for(parse_gai_conf("precedence ::/0 1\n")) is not policy_for(conf)


# --- rule 9's prefix ---------------------------------------------------------------


def bits(dest: str, src: str, prefixlen: int = 0) -> int:
    e = explain_sort([D(dest), D(dest)], sources=[S(src, prefixlen, 1), S(src, prefixlen, 1)])
    value = e.details[0].prefix_bits
    assert value is not None
    return value


def test_rule9_prefix_lengths() -> None:
    # IPv6: the whole common prefix, no 64-bit cap (Go and RFC 6724 cap at 64).
    assert bits("fe80::1", "fe80::2") == 126
    assert bits("fe81::1", "fe80::2") == 15
    assert bits("2001:db8::1", "2001:db8::1") == 128
    # IPv4 inside the source's subnet: the common prefix.
    assert bits("1.2.3.4", "1.2.3.4", 24) == 32
    assert bits("1.2.255.255", "1.2.0.0", 16) == 16
    for k, last in enumerate(["127.255", "63.255", "31.255", "15.255", "7.255", "3.255", "1.255", "0.255"]):
        assert bits("1.2." + last, "1.2.0.0", 16) == 17 + k
    # Outside the subnet: 0.
    assert bits("1.3.0.1", "1.2.0.0", 16) == 0
    # Prefix length 0 (glibc has no interface table): the mask is /32 on x86.
    assert bits("127.0.0.3", "127.0.0.1", 0) == 0
    assert bits("127.0.0.1", "127.0.0.1", 0) == 32
    # /32 source: same.
    assert bits("10.0.0.2", "10.0.0.1", 32) == 0


# --- Go's addrselect cases, with glibc's tables (anchors.md §5.10) -------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_go_matching_scope(reverse: bool) -> None:
    addrs = ["2001:db8:1::1", "198.51.100.121"]
    srcs: list[Source | None] = [S("2001:db8:1::2", 64, 2), S("169.254.13.78", 16, 2)]
    if reverse:
        addrs, srcs = addrs[::-1], srcs[::-1]
    assert ordered(addrs, srcs) == ["2001:db8:1::1", "198.51.100.121"]


@pytest.mark.parametrize("reverse", [False, True])
def test_go_matching_scope_other_way(reverse: bool) -> None:
    addrs = ["2001:db8:1::1", "198.51.100.121"]
    srcs: list[Source | None] = [S("fe80::1", 64, 2), S("198.51.100.117", 24, 2)]
    if reverse:
        addrs, srcs = addrs[::-1], srcs[::-1]
    assert ordered(addrs, srcs) == ["198.51.100.121", "2001:db8:1::1"]


@pytest.mark.parametrize("reverse", [False, True])
def test_go_precedence(reverse: bool) -> None:
    addrs = ["2001:db8:1::1", "10.1.2.3"]
    srcs: list[Source | None] = [S("2001:db8:1::2", 64, 2), S("10.1.2.4", 24, 2)]
    if reverse:
        addrs, srcs = addrs[::-1], srcs[::-1]
    assert ordered(addrs, srcs) == ["2001:db8:1::1", "10.1.2.3"]


@pytest.mark.parametrize("reverse", [False, True])
def test_go_smaller_scope(reverse: bool) -> None:
    addrs = ["2001:db8:1::1", "fe80::1"]
    srcs: list[Source | None] = [S("2001:db8:1::2", 64, 2), S("fe80::2", 64, 2)]
    if reverse:
        addrs, srcs = addrs[::-1], srcs[::-1]
    assert ordered(addrs, srcs) == ["fe80::1", "2001:db8:1::1"]


@pytest.mark.parametrize("prefixlen", [0, 8, 24])
def test_go_issue_13283_ipv4_order_kept(prefixlen: int) -> None:
    addrs = ["54.83.193.112", "184.72.238.214", "23.23.172.185", "75.101.148.21", "23.23.134.56", "23.21.50.150"]
    srcs: list[Source | None] = [S("10.2.3.4", prefixlen, 2)] * len(addrs)
    assert ordered(addrs, srcs) == addrs
    assert ordered(addrs[::-1], srcs) == addrs[::-1]


# --- glibc-behavior.md §9.3, from synthetic sources -----------------------------------


def isolated_source(addr: str) -> Source | None:
    """Only lo (127.0.0.1/8, ::1): glibc has no interface table at all."""
    d = D(addr)
    if d.family == AF4:
        return S("127.0.0.1") if addr.startswith("127.") or addr == "0.0.0.0" else None
    if addr in ("::1", "::"):
        return S("::1")
    if addr.startswith("::ffff:127."):
        return S("::ffff:127.0.0.1")
    return None


def host_source(addr: str) -> Source | None:
    """This machine: eth0 (ifindex 4) 192.0.2.2/24, fd00::2/64, fe80::fc:ff:fe00:1/64."""
    d = D(addr)
    if d.family == AF4:
        if addr.startswith("127."):
            return S("127.0.0.1", 8, 1)
        return S("192.0.2.2", 24, 4)
    if addr == "::1":
        return S("::1", 128, 1)
    if addr.startswith("fe80:"):
        return None  # no scope id: connect() fails
    if addr.startswith("::ffff:"):
        return S("::ffff:192.0.2.2", 24, 4)
    return S("fd00::2", 64, 4)


SECTION_9_3 = {
    "s-global": (["192.0.2.100", "2001:db8::100"], ["2001:db8::100", "192.0.2.100"], ["192.0.2.100", "2001:db8::100"]),
    "s-priv": (["10.0.0.100", "fd00::100"], ["fd00::100", "10.0.0.100"], ["fd00::100", "10.0.0.100"]),
    "s-loop": (["127.0.0.100", "::1"], ["::1", "127.0.0.100"], ["::1", "127.0.0.100"]),
    "s-v4": (
        ["192.0.2.100", "127.0.0.1", "10.0.0.1", "172.16.0.1", "169.254.1.1", "100.64.0.1", "203.0.113.8", "192.0.2.3"],
        ["127.0.0.1", "169.254.1.1", "192.0.2.100", "10.0.0.1", "172.16.0.1", "100.64.0.1", "203.0.113.8", "192.0.2.3"],
        ["127.0.0.1", "192.0.2.3", "192.0.2.100", "10.0.0.1", "172.16.0.1", "100.64.0.1", "203.0.113.8", "169.254.1.1"],
    ),
    "s-v6": (
        ["2001:db8::1", "fd00::1", "fe80::1", "::1", "2002:c000:201::1", "2001::1", "::ffff:1.2.3.4", "fec0::1",
         "3ffe::1", "::1.2.3.4", "fd00::2:1"],
        ["::1", "fe80::1", "fec0::1", "2001:db8::1", "fd00::1", "2001::1", "3ffe::1", "fd00::2:1",
         "2002:c000:201::1", "::1.2.3.4", "::ffff:1.2.3.4"],
        ["::1", "fd00::1", "fd00::2:1", "::ffff:1.2.3.4", "2001:db8::1", "2001::1", "3ffe::1", "2002:c000:201::1",
         "::1.2.3.4", "fec0::1", "fe80::1"],
    ),
    "s-all": (
        ["203.0.113.8", "192.0.2.100", "10.0.0.1", "127.0.0.1", "169.254.1.1", "2001:db8::1", "fd00::1", "fe80::1",
         "::1", "2002:c000:201::1", "::ffff:1.2.3.4"],
        ["::1", "127.0.0.1", "fe80::1", "2001:db8::1", "fd00::1", "2002:c000:201::1", "169.254.1.1", "203.0.113.8",
         "192.0.2.100", "10.0.0.1", "::ffff:1.2.3.4"],
        ["::1", "fd00::1", "127.0.0.1", "192.0.2.100", "203.0.113.8", "10.0.0.1", "::ffff:1.2.3.4", "2001:db8::1",
         "2002:c000:201::1", "169.254.1.1", "fe80::1"],
    ),
    "localhost": (["127.0.0.1", "::1"], ["::1", "127.0.0.1"], ["::1", "127.0.0.1"]),
    "passive": (["::", "0.0.0.0"], ["0.0.0.0", "::"], ["0.0.0.0", "::"]),
}

# e7's gai.conf variants, host network (glibc-probe/out/e7_sort.txt).
SECTION_9_4_HOST = {
    "precedence ::ffff:0:0/96 100\n": {
        "s-v6": ["::ffff:1.2.3.4", "::1", "fd00::1", "fd00::2:1", "2001:db8::1", "2002:c000:201::1", "2001::1",
                 "3ffe::1", "::1.2.3.4", "fec0::1", "fe80::1"],
        "s-all": ["127.0.0.1", "192.0.2.100", "203.0.113.8", "10.0.0.1", "::ffff:1.2.3.4", "::1", "fd00::1",
                  "2001:db8::1", "2002:c000:201::1", "169.254.1.1", "fe80::1"],
        "localhost": ["127.0.0.1", "::1"],
    },
    "label ::1/128 0\nlabel ::/0 1\n": {
        "s-global": ["2001:db8::100", "192.0.2.100"],
        "s-all": ["::1", "fd00::1", "2001:db8::1", "2002:c000:201::1", "127.0.0.1", "192.0.2.100", "203.0.113.8",
                  "10.0.0.1", "::ffff:1.2.3.4", "169.254.1.1", "fe80::1"],
    },
    "scopev4 ::ffff:10.0.0.0/104 5\nscopev4 192.0.2.0/24 2\n": {
        "s-v4": ["192.0.2.3", "192.0.2.100", "127.0.0.1", "10.0.0.1", "172.16.0.1", "169.254.1.1", "100.64.0.1",
                 "203.0.113.8"],
        "s-all": ["::1", "fd00::1", "192.0.2.100", "127.0.0.1", "::ffff:1.2.3.4", "2001:db8::1", "2002:c000:201::1",
                  "10.0.0.1", "203.0.113.8", "169.254.1.1", "fe80::1"],
    },
}


@pytest.mark.parametrize("name", sorted(SECTION_9_3))
@pytest.mark.parametrize("network", ["isolated", "host"])
def test_section_9_3_orders(name: str, network: str) -> None:
    addrs, isolated, host = SECTION_9_3[name]
    source: Callable[[str], Source | None] = isolated_source if network == "isolated" else host_source
    expected = isolated if network == "isolated" else host
    assert ordered(addrs, [source(a) for a in addrs]) == expected


@pytest.mark.parametrize("conf", sorted(SECTION_9_4_HOST))
def test_section_9_4_orders_host(conf: str) -> None:
    for name, expected in SECTION_9_4_HOST[conf].items():
        addrs = SECTION_9_3[name][0]
        assert ordered(addrs, [host_source(a) for a in addrs], conf) == expected, name


def test_section_9_4_v4_first_isolated() -> None:
    addrs = SECTION_9_3["s-v6"][0]
    got = ordered(addrs, [isolated_source(a) for a in addrs], "precedence ::ffff:0:0/96 100\n")
    assert got[:2] == ["::1", "::ffff:1.2.3.4"]  # ::1 is the only reachable address


# --- single rules -------------------------------------------------------------------


def test_rule3_deprecated_and_rule4_home() -> None:
    addrs = ["fd01::9", "fd02::9", "fd03::9"]
    srcs: list[Source | None] = [S("fd01::9", 64, 1, deprecated=True), S("fd02::9", 64, 1), S("fd03::9", 64, 1, home=True)]
    assert ordered(addrs, srcs) == ["fd03::9", "fd02::9", "fd01::9"]
    _, reasons = sort_with_reasons([D(a) for a in addrs], srcs)
    assert [r.rule for r in reasons] == [4, 3]
    assert "deprecated" in reasons[1].text


def test_rule7_native_interface_first() -> None:
    addrs = ["2001:db8::1", "2001:db8::2"]
    srcs: list[Source | None] = [S("2001:db8:9::1", 64, 7, native=False), S("2001:db8:9::2", 64, 4)]
    assert ordered(addrs, srcs) == ["2001:db8::2", "2001:db8::1"]
    # The same interface index: rule 7 does not look at the native flag.
    srcs = [S("2001:db8:9::1", 64, 4), S("2001:db8:9::2", 64, 4)]
    assert ordered(addrs, srcs) == addrs


def test_rules_2_to_5_and_9_need_reachability() -> None:
    # Two unreachable destinations: only precedence, scope and original order count.
    assert ordered(["2001:db8::1", "fe80::1"], [None, None]) == ["fe80::1", "2001:db8::1"]
    assert ordered(["10.0.0.2", "10.0.0.1"], [None, None]) == ["10.0.0.2", "10.0.0.1"]


@pytest.mark.parametrize(("addrs", "sources"), [
    (["2001:db8:1::1", "2001:db8::1"], ["2001:db8::9", "2001:db8::9"]),  # 47 against 124 bits
    (["10.0.1.9", "10.0.0.2"], ["10.0.0.1", "10.0.0.1"]),  # 23 against 30 bits, both inside the /16
])
def test_rule9_decides_between_two_destinations(addrs: list[str], sources: list[str]) -> None:
    # the longer common prefix with its source goes first, whichever came first
    srcs: list[Source | None] = [S(src, 16, 2) for src in sources]
    assert ordered(addrs, srcs) == addrs[::-1]
    assert ordered(addrs[::-1], srcs[::-1]) == addrs[::-1]
    assert ordered(addrs, srcs) == reference_order(addrs, srcs, Policy())


def test_rule9_is_skipped_across_families() -> None:
    # ::ffff:10.0.0.9 is AF_INET6 with IPv4's label and precedence: it ties with
    # IPv4 destinations on rules 1-8, and then only the original order counts.
    addrs = ["::ffff:10.0.0.9", "10.0.0.8"]
    srcs: list[Source | None] = [S("::ffff:10.0.0.1", 8, 2), S("10.0.0.1", 8, 2)]
    assert ordered(addrs, srcs) == addrs
    assert ordered(addrs[::-1], srcs[::-1]) == addrs[::-1]


def test_non_transitive_ties_follow_glibcs_merge_sort() -> None:
    # A keyed sort would say 10.0.0.1 (longer prefix) < 10.200.0.1, but the
    # IPv6 entry in between ties with both and glibc's merge sort never
    # compares the two IPv4 entries directly.
    addrs = ["10.200.0.1", "::ffff:10.0.0.7", "10.0.0.2"]
    srcs: list[Source | None] = [S("10.0.0.1", 8, 2), S("::ffff:10.0.0.1", 8, 2), S("10.0.0.1", 8, 2)]
    got = ordered(addrs, srcs)
    assert got == reference_order(addrs, srcs, Policy())
    assert got == ["10.200.0.1", "::ffff:10.0.0.7", "10.0.0.2"]


def test_consecutive_duplicates_and_entries_per_socktype() -> None:
    addrs = ["192.0.2.100", "192.0.2.100", "192.0.2.100", "2001:db8::100", "2001:db8::100", "2001:db8::100"]
    srcs = [isolated_source(a) for a in addrs]
    assert ordered(addrs, srcs) == addrs[3:] + addrs[:3]


# --- explanations ----------------------------------------------------------------


def test_sort_with_reasons() -> None:
    addrs = SECTION_9_3["s-all"][0]
    srcs = [host_source(a) for a in addrs]
    order, reasons = sort_with_reasons([D(a) for a in addrs], srcs)
    assert [addrs[i] for i in order] == SECTION_9_3["s-all"][2]
    assert len(reasons) == len(addrs) - 1
    assert reasons[0] == (6, "rule 6: precedence 50 > 40")
    assert reasons[-1].rule == 1 and "fe80::1 is not" in reasons[-1].text
    assert any(r.rule == 9 and "25 > 0 bits" in r.text for r in reasons)
    assert any(r.rule == 10 and "across families" in r.text for r in reasons)
    assert any(r.rule == 2 for r in reasons)


def test_s_global_explanation_names_rule_5() -> None:
    addrs = ["192.0.2.100", "2001:db8::100"]
    e = explain_sort([D(a) for a in addrs], sources=[host_source(a) for a in addrs])
    assert e.reasons[0].rule == 5
    assert "2001:db8::100's does not (1 vs source 6)" in e.reasons[0].text
    assert e.details[1].label == 1 and e.details[1].source_label == 6
    text = "\n".join(e.lines())
    assert "1. 192.0.2.100  (source 192.0.2.2)" in text


def test_reason_when_merge_sort_contradicts_the_pair() -> None:
    # 3 entries: the merge leaves an adjacent pair that compares the other way.
    addrs = ["10.0.0.2", "::ffff:10.0.0.7", "10.200.0.1", "::ffff:10.0.0.8"]
    srcs: list[Source | None] = [S("10.0.0.1", 8, 2), S("::ffff:10.0.0.1", 8, 2), S("10.0.0.1", 8, 2), S("::ffff:10.0.0.1", 8, 2)]
    order, reasons = sort_with_reasons([D(a) for a in addrs], srcs)
    assert order == reference_order_idx(addrs, srcs, Policy())
    for r in reasons:
        assert r.text.startswith("rule") or "not transitive" in r.text


# --- an independent transliteration of glibc, for property tests ---------------------------


def _scope(pol: Policy, packed: bytes) -> int:
    return pol.classify(packed)[2]


def _glibc_cmp(pol: Policy, d: list[Destination], s: list[Source | None], i: int, j: int) -> int:
    a1, a2 = s[i], s[j]
    if a1 is not None and a2 is None:
        return -1
    if a1 is None and a2 is not None:
        return 1
    d1s, d2s = _scope(pol, d[i].address), _scope(pol, d[j].address)
    if a1 is not None and a2 is not None:
        s1s, s2s = _scope(pol, a1.address), _scope(pol, a2.address)
        if d1s == s1s and d2s != s2s:
            return -1
        if d1s != s1s and d2s == s2s:
            return 1
        if not a1.deprecated and a2.deprecated:
            return -1
        if a1.deprecated and not a2.deprecated:
            return 1
        if not a1.home and a2.home:
            return 1
        if a1.home and not a2.home:
            return -1
        l1, l2 = pol.classify(d[i].address)[0], pol.classify(d[j].address)[0]
        sl1, sl2 = pol.classify(a1.address)[0], pol.classify(a2.address)[0]
        if l1 == sl1 and l2 != sl2:
            return -1
        if l1 != sl1 and l2 == sl2:
            return 1
    p1, p2 = pol.classify(d[i].address)[1], pol.classify(d[j].address)[1]
    if p1 > p2:
        return -1
    if p1 < p2:
        return 1
    if a1 is not None and a2 is not None and a1.ifindex != a2.ifindex:
        if a1.native and not a2.native:
            return -1
        if not a1.native and a2.native:
            return 1
    if d1s < d2s:
        return -1
    if d1s > d2s:
        return 1
    if a1 is not None and a2 is not None and d[i].family == d[j].family:
        if d[i].family == AF4:
            def b4(dd: Destination, ss: Source) -> int:
                x, y = int.from_bytes(dd.address, "big"), int.from_bytes(ss.address, "big")
                mask = (0xFFFFFFFF << ((32 - ss.prefixlen) & 31)) & 0xFFFFFFFF
                if x & mask != y & mask:
                    return 0
                n = 0
                for k in range(31, -1, -1):  # glibc's fls(): leading zero bits
                    if (x ^ y) >> k & 1:
                        break
                    n += 1
                return n
            bit1, bit2 = b4(d[i], a1), b4(d[j], a2)
        else:
            w = [(int.from_bytes(dd.address[k:k + 4], "big"), int.from_bytes(ss.address[k:k + 4], "big"))
                 for dd, ss in ((d[i], a1), (d[j], a2)) for k in (0, 4, 8, 12)]
            bit1 = bit2 = 0
            for k in range(4):
                if w[k][0] != w[k][1] or w[4 + k][0] != w[4 + k][1]:
                    bit1 = 32 - (w[k][0] ^ w[k][1]).bit_length()
                    bit2 = 32 - (w[4 + k][0] ^ w[4 + k][1]).bit_length()
                    break
        if bit1 > bit2:
            return -1
        if bit1 < bit2:
            return 1
    return -1 if i < j else 1


def _glibc_msort(items: list[int], cmp: Callable[[int, int], int]) -> list[int]:
    if len(items) <= 1:
        return items
    n1 = len(items) // 2
    b1, b2 = _glibc_msort(items[:n1], cmp), _glibc_msort(items[n1:], cmp)
    out = []
    while b1 and b2:
        out.append(b1.pop(0) if cmp(b1[0], b2[0]) <= 0 else b2.pop(0))
    return out + b1 + b2


def reference_order_idx(addrs: list[str], srcs: list[Source | None], pol: Policy) -> list[int]:
    d = [D(a) for a in addrs]
    return _glibc_msort(list(range(len(d))), lambda i, j: _glibc_cmp(pol, d, srcs, i, j))


def reference_order(addrs: list[str], srcs: list[Source | None], pol: Policy) -> list[str]:
    return [addrs[i] for i in reference_order_idx(addrs, srcs, pol)]


_POOL4 = ["10.0.0.1", "10.0.0.2", "10.0.1.9", "10.200.0.1", "127.0.0.1", "127.0.0.5", "169.254.1.1", "192.0.2.3",
          "192.0.2.100", "203.0.113.8", "0.0.0.0", "224.0.0.1"]
_POOL6 = ["::1", "::", "2001:db8::1", "2001:db8::2", "2001:db8:1::1", "fd00::1", "fd00::2:1", "fe80::1", "fec0::1",
          "2002:c000:201::1", "2001::1", "::1.2.3.4", "::ffff:10.0.0.9", "::ffff:10.0.0.1", "::ffff:192.0.2.9",
          "ff02::1", "ff05::1"]
_SRC4 = ["10.0.0.1", "127.0.0.1", "192.0.2.2", "169.254.3.3"]
_SRC6 = ["::1", "fd00::2", "2001:db8::9", "fe80::5", "::ffff:10.0.0.1", "::ffff:192.0.2.2"]
_CONFS = [None, "precedence ::ffff:0:0/96 100\n", "label ::/0 1\n", "precedence ::/0 10\n",
          "scopev4 10.0.0.0/8 2\n", "label ::/0 1\nlabel ::ffff:0:0/96 1\nprecedence ::/0 10\n"]


@st.composite
def _case(draw: st.DrawFn, max_size: int = 12) -> tuple[list[str], list[Source | None], str | None]:
    addrs = draw(st.lists(st.sampled_from(_POOL4 + _POOL6), min_size=2, max_size=max_size))
    srcs: list[Source | None] = []
    for a in addrs:
        if draw(st.integers(0, 5)) == 0:
            srcs.append(None)
            continue
        pool = _SRC4 if ":" not in a else _SRC6
        srcs.append(S(
            draw(st.sampled_from(pool)), draw(st.sampled_from([0, 8, 16, 24, 32, 64, 128])),
            draw(st.sampled_from([1, 2, 4, NO_INTERFACE])), deprecated=draw(st.booleans()), home=draw(st.booleans()),
        ))
    return addrs, srcs, draw(st.sampled_from(_CONFS))


@settings(max_examples=400, deadline=None)
@given(_case())
def test_matches_a_transliteration_of_glibc(case: tuple[list[str], list[Source | None], str | None]) -> None:
    addrs, srcs, conf = case
    pol = Policy(parse_gai_conf(conf) if conf else None)
    assert ordered(addrs, srcs, conf) == reference_order(addrs, srcs, pol)
    # the explained sort (full per-destination entries) and the light one (keys only) agree
    assert sort_with_reasons([D(a) for a in addrs], srcs, pol)[0] == reference_order_idx(addrs, srcs, pol)


@settings(max_examples=600, deadline=None)
@given(_case(max_size=2))
def test_two_destinations_match_a_transliteration_of_glibc(
        case: tuple[list[str], list[Source | None], str | None]) -> None:
    """Two destinations (an A and an AAAA, most answers) take their own shorter comparison."""
    addrs, srcs, conf = case
    pol = Policy(parse_gai_conf(conf) if conf else None)
    assert ordered(addrs, srcs, conf) == reference_order(addrs, srcs, pol)


# --- probing (loopback only, no packet leaves) -------------------------------------------


def test_probe_loopback_destinations() -> None:
    snap = interfaces.snapshot()
    srcs = probe_sources([D("127.0.0.1"), D("::1"), D("0.0.0.0"), D("::"), D("::ffff:127.0.0.1")], snap, use_cache=False)
    assert [s.text if s else None for s in srcs] == ["127.0.0.1", "::1", "127.0.0.1", "::1", "::ffff:127.0.0.1"]


def test_probe_link_local_needs_a_scope_id() -> None:
    (src,) = probe_sources([D("fe80::1")], use_cache=False)
    assert src is None


def test_probe_link_local_with_a_scope_id() -> None:
    snap = interfaces.dump()
    links = [a for a in snap.addresses if a.family == AF6 and a.address[:2] == b"\xfe\x80" and not a.tentative]
    if not links:
        pytest.skip("no usable link-local address on this machine")
    ll = links[0]
    (src,) = probe_sources([D("fe80::1", ll.index)], snap, use_cache=False)
    assert src is not None and src.address[:2] == b"\xfe\x80"
    assert src.ifindex == ll.index and src.prefixlen == ll.prefixlen


def test_probe_cache_reuses_results() -> None:
    snap = interfaces.dump()
    dests = [D("127.0.0.1"), D("::1")]
    first = probe_sources(dests, snap)
    assert len(snap.probe_cache) == 2
    assert probe_sources(dests, snap) == first


def test_sort_destinations_short_lists_need_no_probe() -> None:
    assert sort_destinations([]) == []
    assert sort_destinations([D("192.0.2.1")]) == [0]


def test_sort_destinations_localhost() -> None:
    order = sort_destinations([(AF4, P("127.0.0.1"), 0), (AF6, P("::1"), 0)])
    assert order == [1, 0]
    order = sort_destinations([(AF4, P("127.0.0.1")), (AF6, P("::1"))], parse_gai_conf("precedence ::ffff:0:0/96 100\n"))
    assert order == [0, 1]
