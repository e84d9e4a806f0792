"""resolv.conf parser and search-list expansion: glibc 2.36's rules.

Cases cite glibc-behavior.md §8 or the experiment that established them (the
differential tests in tests/conformance/test_config_files_glibc.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdb.files.origin import DEFAULT, Origin
from netdb.files.resolvconf import (
    MAXNS,
    ResolvConf,
    _c_atoi,
    parse_resolv_conf,
    search_candidates,
)

P = "/etc/resolv.conf"
NS = "nameserver 127.0.0.1\n"


def servers(conf: ResolvConf) -> list[str]:
    return [n.address + (f"%{n.scope_id}" if n.scope_id else "") for n in conf.nameservers]


def warnings(conf: ResolvConf) -> list[str]:
    return [d.reason for d in conf.diagnostics if d.severity == "warning"]


# -- defaults ------------------------------------------------------------------

@pytest.mark.parametrize("text", [None, "", "# nothing\n", "nameserver bogus\n"])
def test_defaults(text: str | None) -> None:
    conf = parse_resolv_conf(text)                     # §8.1: no usable server -> 127.0.0.1
    assert servers(conf) == ["127.0.0.1"]
    assert conf.nameservers[0].origin == DEFAULT
    assert conf.nameservers[0].sockaddr() == ("127.0.0.1", 53)
    assert (conf.ndots, conf.timeout, conf.attempts) == (1, 5, 2)
    assert conf.search == ()
    assert not any(getattr(conf, f) for f in ("rotate", "edns0", "single_request", "single_request_reopen",
                                              "no_tld_query", "no_reload", "use_vc", "trust_ad", "no_aaaa"))
    assert conf.origin("ndots") == DEFAULT and conf.origin("search") == DEFAULT
    assert conf.missing == (text is None)
    assert conf.fatal is None


# -- nameserver ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nameserver 127.3\n", ["127.0.0.3"]),                       # §8.1 inet_aton style
        ("nameserver 0x7f.1\n", ["127.0.0.1"]),
        ("nameserver ::1\n", ["::1"]),                               # §8.1
        ("nameserver 0:0::1\n", ["::1"]),
        ("nameserver 127.0.0.2 extra\n", ["127.0.0.2"]),             # §8.1 extra tokens ignored
        ("nameserver\t127.0.0.2\n", ["127.0.0.2"]),                  # §8.1 tabs
        ("nameserver 127.0.0.3#c\nnameserver 127.0.0.4\n", ["127.0.0.4"]),   # §8.1 skipped
        ("nameserver 127.0.0.3:5353\n", ["127.0.0.1"]),
        ("nameserver 127.0.0.2%lo\n", ["127.0.0.1"]),                # experiment: no scope on IPv4
        ("nameserver 127.0.0.2\r\n", ["127.0.0.1"]),                 # experiment: CRLF lines do not parse
        ("nameserver fe80::1%1\n", ["fe80::1%1"]),
        ("nameserver ::1%999999999999\n", ["::1"]),                  # bad scope -> 0
        ("nameserver [::1]\n", ["127.0.0.1"]),
        ("nameserver \n", ["127.0.0.1"]),
        (" nameserver 127.0.0.9\n", ["127.0.0.1"]),                  # §8.1 indented keyword ignored
        ("NAMESERVER 127.0.0.9\n", ["127.0.0.1"]),                   # §8.1 case-sensitive
        ("nameserver127.0.0.9\n", ["127.0.0.1"]),                    # keyword needs a blank after it
        ("# nameserver 127.0.0.9\n; nameserver 127.0.0.8\n", ["127.0.0.1"]),
        ("nameserver 127.0.0.2\0x\n", ["127.0.0.2"]),
        ("nameserver 127.0.0.2", ["127.0.0.2"]),                     # last line without newline counts
        ("".join(f"nameserver 127.0.0.{i}\n" for i in range(2, 7)), ["127.0.0.2", "127.0.0.3", "127.0.0.4"]),  # §8.1 first 3
    ],
)
def test_nameservers(text: str, expected: list[str]) -> None:
    assert servers(parse_resolv_conf(text)) == expected


def test_nameserver_records() -> None:
    conf = parse_resolv_conf("\nnameserver fe80::1%1\nnameserver 127.3\n" + "".join(f"nameserver 127.0.0.{i}\n" for i in (7, 8)))
    v6, v4, _third = conf.nameservers
    assert v6.family == socket.AF_INET6 and v6.scope_id == 1 and v6.port == 53 and v6.text == "fe80::1%1"
    assert v6.sockaddr() == ("fe80::1", 53, 0, 1)
    assert v6.origin == Origin.file(P, 2)
    assert v4.address == "127.0.0.3" and v4.text == "127.3"
    assert [n.address for n in conf.unused_nameservers] == ["127.0.0.8"]
    assert conf.origin("nameservers") == Origin.file(P, 2)
    assert len(conf.nameservers) == MAXNS
    assert any("only the first 3" in w for w in warnings(conf))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nameserver 127.0.0.2\r\n", "carriage return"),
        ("nameserver bogus\n", "not an IPv4 or IPv6 address"),
        ("nameserver 127.0.0.2 x\n", "glibc ignores 'x'"),
        ("nameserver 127.3\n", "read as 127.0.0.3"),
        (" nameserver 127.0.0.9\n", "indented"),
        ("NAMESERVER 127.0.0.9\n", "unknown keyword 'NAMESERVER'"),
        ("nameserver\n", "has no value"),
        ("nameserver ::1%nosuchif\n", "scope 'nosuchif' is not valid"),
    ],
)
def test_nameserver_warnings(text: str, fragment: str) -> None:
    assert any(fragment in w for w in warnings(parse_resolv_conf(text))), warnings(parse_resolv_conf(text))


# -- search and domain ---------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "env", "hostname", "expected", "origin"),
    [
        (NS + "search example.test other.test\n", {}, "", ("example.test", "other.test"), Origin.file(P, 2)),
        (NS + "domain example.test\n", {}, "", ("example.test",), Origin.file(P, 2)),
        (NS + "domain a.test b.test\n", {}, "", ("a.test",), Origin.file(P, 2)),              # experiment
        (NS + "domain a.test\nsearch b.test c.test\n", {}, "", ("b.test", "c.test"), Origin.file(P, 3)),  # §8.1 last wins
        (NS + "search b.test c.test\ndomain a.test\n", {}, "", ("a.test",), Origin.file(P, 3)),
        (NS + "search b.test\nsearch c.test\n", {}, "", ("c.test",), Origin.file(P, 3)),
        (NS + "search example.test # other.test\n", {}, "", ("example.test", "#", "other.test"), Origin.file(P, 2)),  # §8.1
        (NS + "search example.test ;other.test\n", {}, "", ("example.test", ";other.test"), Origin.file(P, 2)),
        (NS + "search a.test\t\tb.test\t\n", {}, "", ("a.test", "b.test"), Origin.file(P, 2)),  # experiment
        (NS + "search .\n", {}, "", (".",), Origin.file(P, 2)),
        (NS + "search example.test\r\n", {}, "", ("example.test\r",), Origin.file(P, 2)),  # experiment: CR kept
        (NS + "search example.test\nsearch   \n", {}, "", ("example.test",), Origin.file(P, 2)),  # experiment
        (NS + "search \n", {}, "h1.host.test", ("host.test",), Origin("hostname", note="h1.host.test")),  # experiment
        (NS + "domain a.test\ndomain \t \n", {}, "", ("a.test",), Origin.file(P, 2)),  # experiment
        (NS, {}, "h1.example.test", ("example.test",), Origin("hostname", note="h1.example.test")),  # §8.1
        (NS, {}, "vm", (), DEFAULT),                                                    # §8.1
        (NS, {}, "h1.", ("",), Origin("hostname", note="h1.")),
        (NS + "search example.test\n", {"LOCALDOMAIN": "a.test b.test"}, "", ("a.test", "b.test"), Origin.env("LOCALDOMAIN")),  # §8.1
        (NS + "search example.test\n", {"LOCALDOMAIN": ""}, "h.x.test", ("",), Origin.env("LOCALDOMAIN")),  # §8.1 (root)
        (NS, {"LOCALDOMAIN": " a.test"}, "", ("", "a.test"), Origin.env("LOCALDOMAIN")),   # experiment
        (NS, {"LOCALDOMAIN": "a.test\tb.test \nc.test"}, "", ("a.test", "b.test"), Origin.env("LOCALDOMAIN")),
        (NS + "domain a.test\n", {"LOCALDOMAIN": "l.test"}, "", ("l.test",), Origin.env("LOCALDOMAIN")),  # experiment
        (NS + "search example.test", {}, "", ("example.test",), Origin.file(P, 2)),       # no final newline
        (NS + " search example.test\n", {}, "", (), DEFAULT),
        (NS + "SEARCH example.test\n", {}, "", (), DEFAULT),                              # §8.1
    ],
)
def test_search_list(text: str, env: dict[str, str], hostname: str, expected: tuple[str, ...], origin: Origin) -> None:
    conf = parse_resolv_conf(text, env=env, hostname=hostname)
    assert conf.search == expected
    assert conf.origin("search") == origin


@pytest.mark.parametrize(
    ("text", "env", "fragment"),
    [
        (NS + "search a.test # b.test\n", {}, "'#' is a search domain, not a comment"),
        (NS + "search a.test\r\n", {}, "carriage return"),
        (NS + "search a\nsearch b\n", {}, "replaced by the 'search' line 3"),
        (NS + "search \n", {}, "without a domain"),
        (NS + "search a.test\n", {"LOCALDOMAIN": "b"}, "ignored because LOCALDOMAIN is set"),
        (NS + "search ..example.test\n", {}, "cannot form a valid query name"),
        (NS + "search " + "x" * 64 + ".test\n", {}, "cannot form a valid query name"),
    ],
)
def test_search_warnings(text: str, env: dict[str, str], fragment: str) -> None:
    conf = parse_resolv_conf(text, env=env)
    assert any(fragment in w for w in warnings(conf)), warnings(conf)


# -- options -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("options", "env", "expected"),
    [
        ("ndots:2", "", {"ndots": 2}),
        ("ndots:x", "", {"ndots": 0}),                      # §8.1 atoi
        ("ndots:2x", "", {"ndots": 2}),                     # §8.1
        ("ndots:99", "", {"ndots": 15}),                    # §8.1 cap
        ("ndots:-1", "", {"ndots": 15}),                    # experiment: stored in 4 bits
        ("ndots:-2", "", {"ndots": 14}),
        ("ndots:-16", "", {"ndots": 0}),                    # experiment
        ("ndots:4294967298", "", {"ndots": 2}),             # experiment: atoi wraps to int
        ("ndots:99999999999999999999", "", {"ndots": 15}),  # experiment: strtol saturates, (int) -> -1
        ("ndots: 3", "", {"ndots": 3}),                     # experiment: atoi reads past the word
        ("timeout:1", "", {"timeout": 1}),
        ("timeout:100", "", {"timeout": 30}),               # §8.1 cap
        ("timeout:0", "", {"timeout": 0}),                  # §8.1: means 1 s per try
        ("timeout:abc", "", {"timeout": 0}),
        ("timeout:-3", "", {"timeout": -3}),
        ("attempts:9", "", {"attempts": 5}),                # §8.1 cap
        ("attempts:0", "", {"attempts": 0}),                # §8.1 DNS disabled
        ("attempts:-1", "", {"attempts": -1}),
        ("attempts:x", "", {"attempts": 0}),
        ("rotate", "", {"rotate": True}),
        ("rotatefoo", "", {"rotate": True}),                # experiment: prefix match
        ("edns0", "", {"edns0": True}),
        ("single-request", "", {"single_request": True, "single_request_reopen": False}),
        ("single-request-reopen", "", {"single_request_reopen": True, "single_request": False}),
        ("no-tld-query", "", {"no_tld_query": True}),
        ("no_tld_query", "", {"no_tld_query": True}),
        ("no-tld-query-foo", "", {"no_tld_query": True}),   # experiment
        ("no-reload", "", {"no_reload": True}),
        ("use-vc", "", {"use_vc": True}),
        ("trust-ad", "", {"trust_ad": True}),
        ("no-aaaa", "", {"no_aaaa": True}),
        ("inet6 debug tcp bogus", "", {"ndots": 1, "rotate": False}),  # §8.1 unknown words ignored
        ("ndots:2 # ndots:1", "", {"ndots": 1}),            # experiment: '#' is just a word
        ("ndots:1", "ndots:2", {"ndots": 2}),               # experiment: RES_OPTIONS wins
        ("ndots:3", "attempts:1", {"ndots": 3, "attempts": 1}),
        ("", "rotate\ttimeout:2", {"rotate": True, "timeout": 2}),
        ("", "ndots:2\nrotate", {"ndots": 2, "rotate": False}),  # a newline is not a separator
        ("ndots:2\toptions ndots:3", "", {"ndots": 3}),
    ],
)
def test_options(options: str, env: str, expected: dict[str, object]) -> None:
    conf = parse_resolv_conf(NS + f"options {options}\n", env={"RES_OPTIONS": env} if env else {})
    for field, value in expected.items():
        assert getattr(conf, field) == value, field


def test_options_accumulate_and_keep_provenance() -> None:
    conf = parse_resolv_conf(NS + "options ndots:2\noptions rotate\noptions\tndots:3 edns0\n",
                             env={"RES_OPTIONS": "attempts:1"})
    assert (conf.ndots, conf.rotate, conf.edns0, conf.attempts) == (3, True, True, 1)
    assert conf.origin("ndots") == Origin.file(P, 4)
    assert conf.origin("rotate") == Origin.file(P, 3)
    assert conf.origin("attempts") == Origin.env("RES_OPTIONS")
    assert str(conf.origin("attempts")) == "env RES_OPTIONS"
    assert conf.origin("timeout") == DEFAULT


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("options bogus", "unknown option 'bogus'"),
        ("options inet6", "inet6 is no longer recognised"),
        ("options rotatefoo", "read as 'rotate'"),
        ("options ndots:x", "reads ndots as 0"),
        ("options ndots:99", "caps ndots at 15"),
        ("options ndots:-1", "becomes 15"),
        ("options timeout:0", "waits 1 second"),
        ("options attempts:0", "no DNS query at all"),
        ("option ndots:2", "unknown keyword 'option'"),
        (" options ndots:2", "indented"),
    ],
)
def test_option_warnings(line: str, fragment: str) -> None:
    conf = parse_resolv_conf(NS + line + "\n")
    assert any(fragment in w for w in warnings(conf)), warnings(conf)


def test_dns_disabled_and_try_timeout() -> None:
    assert parse_resolv_conf(NS + "options attempts:0\n").dns_disabled     # §8.1
    assert parse_resolv_conf(NS + "options attempts:-1\n").dns_disabled
    assert not parse_resolv_conf(NS).dns_disabled
    one = parse_resolv_conf(NS)
    assert one.try_timeout(0) == 5
    three = parse_resolv_conf("nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver 127.0.0.3\noptions timeout:2\n")
    assert [three.try_timeout(i) for i in range(3)] == [2, 1, 2]    # §8.4: sends at 0, 2, 3 (then 5 ...)
    two = parse_resolv_conf("nameserver 127.0.0.1\nnameserver 127.0.0.2\noptions timeout:1\n")
    assert [two.try_timeout(i) for i in range(2)] == [1, 1]          # §8.4
    for t in ("0", "abc", "-4"):
        assert parse_resolv_conf(NS + f"options timeout:{t}\n").try_timeout(0) == 1   # §8.4
    assert parse_resolv_conf(NS + "options timeout:100\n").try_timeout(0) == 30


_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_libc.atoi.restype = ctypes.c_int
_libc.atoi.argtypes = [ctypes.c_char_p]


@given(st.text(alphabet="0123456789+- \tx\n", max_size=25))
def test_atoi_matches_libc(s: str) -> None:
    assert _c_atoi(s) == _libc.atoi(s.encode())


# -- sortlist ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sortlist 130.155.160.0/255.255.240.0 130.155.0.0", [("130.155.160.0", "255.255.240.0"), ("130.155.0.0", "255.255.0.0")]),
        ("sortlist 10.0.0.0 192.168.1.0 200.1.1.1&255.255.0.0", [("10.0.0.0", "255.0.0.0"), ("192.168.1.0", "255.255.255.0"), ("200.1.1.1", "255.255.0.0")]),
        ("sortlist 1.2.3.4/junk", [("1.2.3.4", "255.0.0.0")]),
        ("sortlist bogus 1.2.3.4", [("1.2.3.4", "255.0.0.0")]),
        ("sortlist 1.2.3.4 ;5.6.7.8", [("1.2.3.4", "255.0.0.0")]),
        ("sortlist 1.2.3.4;5.6.7.8", [("1.2.3.4", "255.0.0.0")]),
    ],
)
def test_sortlist(line: str, expected: list[tuple[str, str]]) -> None:
    conf = parse_resolv_conf(NS + line + "\n")
    assert [(e.address, e.mask) for e in conf.sortlist] == expected
    assert conf.fatal is None
    assert conf.origin("sortlist") == Origin.file(P, 2)


@pytest.mark.parametrize(
    "line",
    ["sortlist bogus/8", "sortlist 1.2.3.4\u00e9", "sortlist 1.2.3.4\r", "sortlist 1.2.3.4 \v",
     "sortlist 1.2.3.4/255.0.0.0\r", "sortlist &", "sortlist 1.2.3.4/255.0.0.0\udcff"],
)
def test_sortlist_that_hangs_glibc(line: str) -> None:
    conf = parse_resolv_conf(NS + line + "\nnameserver 127.0.0.2\n")       # experiment: glibc loops forever
    assert conf.fatal is not None and "loops forever" in conf.fatal
    assert any(d.severity == "error" and "hangs" in d.reason for d in conf.diagnostics)


def test_sortlist_keeps_ten() -> None:
    conf = parse_resolv_conf(NS + "sortlist " + " ".join(f"10.0.0.{i}" for i in range(12)) + "\n")
    assert len(conf.sortlist) == 10
    assert any("first 10 sortlist" in w for w in warnings(conf))


# -- search-list assertion (glibc aborts) ----------------------------------------

def _dom(k: int) -> str:
    labels, left = [], k
    while left > 61:
        labels.append("x" * 60)
        left -= 61
    labels.append("y" * left)
    return ".".join(labels)


@pytest.mark.parametrize(
    ("domains", "aborts"),
    [
        ([_dom(256)], True),                           # experiment L1l: first domain does not fit
        ([_dom(255)], False),                          # experiment L1h: 255 + NUL fits exactly
        (["a" * 40, _dom(251)], True),                 # experiment L1e
        (["a" * 55, _dom(201)], True),                 # experiment L1j: 56 bytes copied, not > 56
        (["a" * 56, _dom(200)], False),                # experiment L1k: 57 bytes copied
        (["a.t", "b.t", "c.t", _dom(250), "d.t"], True),   # experiment L1m
        (["a.t", "b.t", "c.t", "d.t", "e.t", "f.t", _dom(300)], False),  # experiment L1n: 7th is never copied
        ([f"d{i}xx.t" for i in range(8)], False),
    ],
)
def test_search_list_that_aborts_glibc(domains: list[str], aborts: bool) -> None:
    conf = parse_resolv_conf(NS + "search " + " ".join(domains) + "\n")
    assert (conf.fatal is not None) == aborts
    env_conf = parse_resolv_conf(NS, env={"LOCALDOMAIN": " ".join(domains)})   # experiment L1g: same via LOCALDOMAIN
    assert (env_conf.fatal is not None) == aborts


# -- search_candidates -----------------------------------------------------------

def cands(name: str, text: str, env: dict[str, str] | None = None, hostname: str = "") -> list[str]:
    return search_candidates(name, parse_resolv_conf(text, env=env, hostname=hostname))


SEARCH2 = NS + "search example.test other.test\n"


@pytest.mark.parametrize(
    ("name", "text", "env", "expected"),
    [
        # §8.3
        ("nosuch.x", SEARCH2, None, ["nosuch.x.", "nosuch.x.example.test.", "nosuch.x.other.test."]),
        ("nosuch", SEARCH2, None, ["nosuch.example.test.", "nosuch.other.test.", "nosuch."]),
        ("host1.", SEARCH2, None, ["host1."]),
        ("x.y", NS + "search example.test\noptions ndots:2\n", None, ["x.y.example.test.", "x.y."]),
        ("host1", NS + "search example.test\noptions ndots:0\n", None, ["host1.", "host1.example.test."]),
        ("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", NS + "search example.test\noptions ndots:99\n", None,
         ["a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.example.test."]),
        ("nosuch", NS, None, ["nosuch."]),
        ("nosuch", NS + "search .\n", None, ["nosuch."]),                                       # §8.1
        ("nosuch", NS + "search example.test.\n", None, ["nosuch.example.test.", "nosuch."]),     # §8.1 no double dot
        ("nosuch", NS + "search x.test\n", {"LOCALDOMAIN": ""}, ["nosuch."]),                   # §8.1
        ("nosuch", NS + "search a.test\noptions no-tld-query\n", None, ["nosuch.a.test."]),      # §8.2
        ("x.y", NS + "search a.test\noptions no-tld-query\n", None, ["x.y.", "x.y.a.test."]),
        ("localhost", NS, None, ["localhost."]),                                                # §8.3
        # experiments (R1-R34)
        ("nosuch", NS + "search . example.test\n", None, ["nosuch.", "nosuch.example.test."]),
        ("nosuch", NS + "search example.test .\n", None, ["nosuch.example.test.", "nosuch."]),
        ("a.b", NS + "search example.test .\n", None, ["a.b.", "a.b.example.test.", "a.b."]),
        ("a.b", NS, {"LOCALDOMAIN": ""}, ["a.b.", "a.b."]),
        ("nosuch", NS, {"LOCALDOMAIN": " a.test"}, ["nosuch.", "nosuch.a.test."]),
        ("a.b", NS + "search example.test\noptions ndots:-1\n", None, ["a.b.example.test.", "a.b."]),
        ("nosuch", NS + "search example.test\noptions ndots:-16\n", None, ["nosuch.", "nosuch.example.test."]),
        ("nosuch", NS + "search example.test\r\n", None, ["nosuch.example.test\r.", "nosuch."]),
        ("nosuch", NS + "options no-tld-query\n", None, ["nosuch."]),                           # empty list: as-is anyway
        ("nosuch", NS + "search ..example.test ok.test\n", None, ["nosuch."]),                  # bad domain ends the list
        ("nosuch", NS + "search .example.test\n", None, ["nosuch.example.test.", "nosuch."]),
        ("nosuch", NS + "search " + "x" * 64 + ".test ok.test\n", None, ["nosuch."]),
        ("nosuch", NS + "search a " + _dom(250) + "\n", None, ["nosuch.a.", "nosuch."]),          # experiment L1
        ("a.b", NS + "search example.test\noptions ndots:4294967298\n", None, ["a.b.example.test.", "a.b."]),
        ("a.b", NS + "search example.test\noptions ndots:2 # ndots:1\n", None, ["a.b.", "a.b.example.test."]),
        ("nosuch", NS + "search d1.t d2.t d3.t d4.t d5.t d6.t d7.t\n", None,
         [f"nosuch.d{i}.t." for i in range(1, 8)] + ["nosuch."]),                               # §8.1 no 6-domain limit
        (".", SEARCH2, None, ["."]),
    ],
)
def test_search_candidates(name: str, text: str, env: dict[str, str] | None, expected: list[str]) -> None:
    assert cands(name, text, env) == expected


def test_search_candidates_from_hostname() -> None:
    assert cands("host1", NS, hostname="h1.example.test") == ["host1.example.test.", "host1."]   # §8.1


@pytest.mark.parametrize(
    ("length", "domains", "expected_suffixes"),
    [
        # experiments L2: a candidate that cannot be encoded ends the list; as-is still follows
        (241, "example.test o.t", [None]),
        (245, "o.t example.test p.t", ["o.t", None]),
        (249, "o.t", ["o.t", None]),          # 253 characters: sent
        (250, "o.t", [None]),                 # 254: not sent
        (249, "o.t.", ["o.t.", None]),        # a trailing dot does not count
        (250, "o.t.", [None]),
        (253, "o.t", [None]),                 # the name alone fits
        (254, "o.t", []),                     # nothing can be sent
    ],
)
def test_search_candidates_length_limits(length: int, domains: str, expected_suffixes: list[str | None]) -> None:
    name = _dom(length)
    got = cands(name, NS + f"search {domains}\noptions ndots:9\n")
    want = [f"{name}." if s is None else f"{name}.{s}" + ("" if s.endswith(".") else ".") for s in expected_suffixes]
    assert got == want


def test_escaped_names() -> None:
    conf = parse_resolv_conf(NS + "search t\n")
    assert search_candidates("a\\.b", conf) == ["a\\.b.", "a\\.b.t."]
    assert search_candidates("a\\999", conf) == []             # \999 is not an octet
    assert search_candidates("a\\", conf) == ["a\\.t."]     # glibc pastes blindly: "a\\" + ".t" is valid
    assert search_candidates("a" * 63 + "\\065", conf) == []  # 64 octets in one label


# -- immutability and robustness ----------------------------------------------------

def test_result_is_immutable() -> None:
    conf = parse_resolv_conf(NS + "options rotate\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        conf.ndots = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        conf.origins["ndots"] = DEFAULT  # type: ignore[index]
    with pytest.raises(AttributeError):
        conf.nameservers[0].port = 5353  # type: ignore[misc]


_WORDS = st.sampled_from(["nameserver ", "search ", "domain ", "options ", "sortlist ", "ndots:", "timeout:",
                          "attempts:", "rotate", "127.0.0.1", "::1%lo", "fe80::1%", "1.2.3.4/8", "&", ";", "#",
                          "example.test", ".", "\t", " ", "\r", "\n", "\0", "\u00a0", "\udcff", "é", "-1", "99"])


@settings(max_examples=300)
@given(st.lists(_WORDS, max_size=60).map("".join) | st.text(max_size=300),
       st.dictionaries(st.sampled_from(["LOCALDOMAIN", "RES_OPTIONS", "OTHER"]), st.text(max_size=40)),
       st.text(max_size=30))
def test_any_text_parses_without_exceptions(text: str, env: dict[str, str], hostname: str) -> None:
    conf = parse_resolv_conf(text, env=env, hostname=hostname)
    assert 1 <= len(conf.nameservers) <= MAXNS
    assert 0 <= conf.ndots <= 15 and conf.timeout <= 30 and conf.attempts <= 5
    for name in ("a", "a.b", "a.b.", "", "x" * 300):
        for candidate in search_candidates(name, conf):
            assert candidate.endswith(".")
    assert conf.try_timeout(2) >= 1


def test_very_long_lines() -> None:
    conf = parse_resolv_conf("search " + " ".join(f"d{i}.test" for i in range(5000)) + "\n" + "options " + "rotate " * 10000 + "\n")
    assert len(conf.search) == 5000 and conf.rotate
