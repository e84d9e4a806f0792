"""Every parser under hostile input: records and diagnostics come out, nothing else; what is accepted round-trips.

The inputs favour what breaks line parsers: NUL bytes, invalid UTF-8 (decoded
as the Resolver decodes file bytes: UTF-8 with surrogate escapes), CR LF line
ends, every character Python or C calls a space, lines of up to 1 MB and
lines with tens of thousands of aliases.  Each of the nine parsers (and the
hosts index the Resolver builds) gets arbitrary text and arbitrary bytes.

Round trip: the records a parser accepted are written back as file text in
the file's own syntax (not getent's output: getent prints protocol numbers
above 2**31-1 as negative numbers, which glibc's parser refuses), parsed
again, and must come back equal.

The number of examples follows the hypothesis profile: ``NETDB_FUZZ=long``
selects ``ci-long`` (tests/property/conftest.py), the on-demand campaign.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from hypothesis import event, example, given
from hypothesis import strategies as st

from netdb.files._text import C_SPACE, decode, encode_raw
from netdb.files.diagnostics import Diagnostic, Parsed
from netdb.files.gaiconf import GaiConf, parse_gai_conf
from netdb.files.hostconf import HostConf, parse_host_conf
from netdb.files.hosts import ParsedHosts, parse_hosts
from netdb.files.networks import parse_networks
from netdb.files.nsswitch import NsswitchConf, parse_nsswitch
from netdb.files.protocols import parse_protocols
from netdb.files.resolvconf import FLAGS, ResolvConf, parse_resolv_conf
from netdb.files.rpc import parse_rpc
from netdb.files.services import parse_services
from netdb.hostsdb import HostsDB

# Every character str.split() or C isspace() treats as a space, and the line separators.
UNICODE_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()] + ["\x00", "\r\n", "\u0085", "\ufeff"]

# Fragments of real syntax for every file, so that the inputs reach past the first field.
WORDS = [
    "127.0.0.1", "::1", "fe80::1%lo", "192.0.2.1", "0x7f.1", "2001:db8::/32", "::ffff:0:0/96", "10/8",
    "localhost", "a", "b.c", "é", "#", "#c", ";", ",", ":", "[", "]", "!", "=", "/", "//",
    "80/tcp", "0x10/udp", "65536/tcp", "-1", "4294967296", "010", "tcp", "udp",
    "hosts:", "services:", "files", "dns", "[NOTFOUND=return]", "[!UNAVAIL=continue]", "[SUCCESS=merge]", "[x",
    "nameserver", "domain", "search", "options", "sortlist", "ndots:3", "timeout:0", "attempts:-1", "rotate",
    "edns0", "no-aaaa", "130.155.160.0/255.255.240.0",
    "label", "precedence", "scopev4", "reload", "yes", "::/0", "::ffff:0.0.0.0/96", "14", "40",
    "multi", "reorder", "trim", "on", "off", "ON", "one", "order", "nospoof",
]
SEPARATORS = [" ", "\t", "\n", "\r\n", "\v", "\f", "\0", "  ", "\n\n"]
FRAGMENT = st.one_of(st.sampled_from(WORDS), st.sampled_from(SEPARATORS), st.sampled_from(UNICODE_SPACES),
                     st.text(max_size=4), st.binary(max_size=4).map(decode),
                     st.characters(categories=["Cs"]))  # any lone surrogate, not only decode()'s
STRUCTURED = st.lists(FRAGMENT, max_size=40).map("".join)
# Records of each file's shape: a first and a second field from the file's syntax, then names.
NAME = st.one_of(st.sampled_from(WORDS), st.text(st.characters(blacklist_characters=" \t\n\v\f\r#\0"), min_size=1,
                                               max_size=12))
SHAPES = {
    "hosts": (["127.0.0.1", "::1", "192.0.2.1", "2001:db8::1", "0.0.0.0", "::ffff:1.2.3.4", "fe80::1%lo", "1.2.3",
               "0:0::1"], None),
    "services": (None, ["80/tcp", "0x10/udp", "65536/tcp", "22", "010/tcp", "8080//x", "-1/tcp", "4294967295/udp",
                        "7/"]),
    "numbered": (None, ["0", "6", "4294967295", "2147483648", "-0", "x", "17", "0x11", "+5"]),
    "networks": (None, ["10", "127.0.0", "0x7f", "10.1.2.3", "256", "1.2.3.4.5", "", "0"]),
    "nsswitch.conf": (["hosts:", "services:", "networks", "rpc:", "protocols:", "passwd:", "HOSTS:", "sudoers:"],
                      ["files", "dns", "[NOTFOUND=return]", "myhostname", "[!UNAVAIL=return]", "[success=continue]",
                       "files[notfound=RETURN]"]),
    "resolv.conf": (["nameserver", "search", "domain", "options", "sortlist"],
                    ["127.0.0.1", "::1%1", "127.3", "example.com", "ndots:2", "timeout:0", "attempts:9", "rotate",
                     "10.0.0.0/255.0.0.0", "."]),
    "gai.conf": (["label", "precedence", "scopev4", "reload"],
                 ["::1/128", "::/0", "::ffff:0:0/96", "2001:db8::/32", "::ffff:169.254.0.0/112", "10.0.0.0/8",
                  "yes", "no"]),
    "host.conf": (["multi", "reorder", "trim", "order", "MULTI"], ["on", "off", "example.com", "a,b", "hosts,bind"]),
}
TAILS = {"gai.conf": ["1", "40", "0", "-1", "99999999999", "14"]}


@st.composite
def record_line(draw: st.DrawFn) -> str:
    """One line shaped like a record of some file, its fields now and then hostile."""
    kind = draw(st.sampled_from(sorted(SHAPES)))
    firsts, seconds = SHAPES[kind]
    first = draw(st.sampled_from(firsts)) if firsts else draw(NAME)
    second = draw(st.sampled_from(seconds)) if seconds else draw(NAME)
    rest = draw(st.lists(st.sampled_from(TAILS[kind]) if kind in TAILS else NAME, max_size=4))
    sep = draw(st.sampled_from([" ", "\t", " \t ", "  "]))
    return sep.join([first, second, *rest]) + draw(st.sampled_from(["", "", "\r", " # c", " "]))


# Lines that look like real ones: words of the files' syntax, spaced, now and then a hostile fragment.
WORD_LINE = st.tuples(
    st.lists(st.one_of(st.sampled_from(WORDS), FRAGMENT), min_size=1, max_size=8),
    st.sampled_from([" ", "\t", " \t ", "\u00a0", "\v"]),
    st.sampled_from(["", "\r", " # comment", "\0tail", " "]),
).map(lambda t: t[1].join(t[0]) + t[2])
FILE_TEXT = st.tuples(st.lists(st.one_of(record_line(), record_line(), WORD_LINE), max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans()).map(
    lambda t: t[1].join(t[0]) + (t[1] if t[2] else ""))


@st.composite
def long_line(draw: st.DrawFn) -> str:
    """A line of up to 1 MB: a fragment repeated, with a real prefix."""
    prefix = draw(st.sampled_from(["127.0.0.1 ", "svc 80/tcp ", "proto 6 ", "net 10 ", "hosts: ", "search ",
                                   "options ", "label ", "trim ", ""]))
    unit = draw(st.sampled_from(["a", "a ", "\0", "\udcff", "x,", "\r", "\u00a0", "[", "#"]))
    size = draw(st.sampled_from([1, 255, 256, 16384, 1 << 16, 1 << 20]))
    return prefix + unit * max(1, size // len(unit))


@st.composite
def many_aliases(draw: st.DrawFn) -> str:
    """A line with a huge number of aliases (the same one or distinct ones)."""
    head = draw(st.sampled_from(["127.0.0.1 host", "::1 host", "svc 80/tcp", "proto 6", "net 10", "prog 100000"]))
    n = draw(st.sampled_from([1, 1000, 20_000]))
    same = draw(st.booleans())
    aliases = ("alias " * n) if same else "".join(f"a{i} " for i in range(n))
    return f"{head} {aliases}\n"


HOSTILE_TEXT = st.one_of(
    FILE_TEXT,
    FILE_TEXT,
    st.text(),
    st.binary().map(decode),
    STRUCTURED,
    st.lists(st.one_of(STRUCTURED, long_line(), many_aliases()), max_size=3).map("\n".join),
)


def _nsswitch(text: str) -> NsswitchConf:
    return parse_nsswitch(text, "f")


def _resolv(text: str) -> ResolvConf:
    return parse_resolv_conf(text, "f", env={}, hostname="host.example")


def _gai(text: str) -> GaiConf:
    return parse_gai_conf(text, "f")


def _hostconf(text: str) -> HostConf:
    return parse_host_conf(text, "f", env={})


PARSERS: dict[str, Callable[[str], Any]] = {
    "hosts": lambda t: parse_hosts(t, "f"),
    "services": lambda t: parse_services(t, "f"),
    "protocols": lambda t: parse_protocols(t, "f"),
    "networks": lambda t: parse_networks(t, "f"),
    "rpc": lambda t: parse_rpc(t, "f"),
    "nsswitch.conf": _nsswitch,
    "resolv.conf": _resolv,
    "gai.conf": _gai,
    "host.conf": _hostconf,
}
RESULT_TYPES: dict[str, type] = {
    "hosts": ParsedHosts, "services": Parsed, "protocols": Parsed, "networks": Parsed, "rpc": Parsed,
    "nsswitch.conf": NsswitchConf, "resolv.conf": ResolvConf, "gai.conf": GaiConf, "host.conf": HostConf,
}


def _check_result(kind: str, text: str, result: Any) -> None:
    assert isinstance(result, RESULT_TYPES[kind])
    lines = text.count("\n") + 1
    for d in result.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.path == "f" and 0 <= d.line <= lines, d
        assert d.severity in ("error", "warning") and d.reason


def _all_parsers(text: str) -> None:
    for kind, parse in PARSERS.items():
        _check_result(kind, text, parse(text))
    db = HostsDB(text, "f")  # the Resolver's hosts index, fast path or not
    assert [db.line(i) for i in range(len(db))] == parse_hosts(text).entries


@given(HOSTILE_TEXT)
@example("label ::1/128\nmulti on \udd00")  # found by the ci-long campaign: encode_raw refused U+DD00
@example("search 127.0.0.1 \ud800")
def test_every_parser_takes_any_text(text: str) -> None:
    _all_parsers(text)


@given(st.binary(max_size=4096))
def test_every_parser_takes_any_bytes(data: bytes) -> None:
    text = decode(data)
    assert encode_raw(text) == data
    _all_parsers(text)


@given(st.lists(st.sampled_from([*UNICODE_SPACES, "a", "1", "\n", "#"]), max_size=60).map("".join))
def test_every_unicode_space(text: str) -> None:
    _all_parsers(text)


# -- round trips: accepted records, written back as file text, parse to the same records ---------

def _count(records: Any) -> None:
    """Report in the statistics whether the round trip had records to carry."""
    n = len(records)
    event("no records" if n == 0 else "1-9 records" if n < 10 else "10+ records")


def _hosts_text(text: str) -> list[tuple[bytes, str, tuple[str, ...]]]:
    return [(e.packed, e.name, e.aliases) for e in parse_hosts(text).entries]


@given(HOSTILE_TEXT)
def test_hosts_round_trip(text: str) -> None:
    first = parse_hosts(text).entries
    _count(first)
    out = "".join(" ".join([e.address, e.name, *e.aliases]).rstrip(" ") + "\n" for e in first)
    assert _hosts_text(out) == [(e.packed, e.name, e.aliases) for e in first]


@given(HOSTILE_TEXT)
def test_services_round_trip(text: str) -> None:
    first = parse_services(text).entries
    _count(first)
    out = "".join(f"{s.name} {s.port}/{s.proto}{''.join(' ' + a for a in s.aliases)}\n" for s in first)
    assert parse_services(out).entries == first


@given(HOSTILE_TEXT)
def test_protocols_and_rpc_round_trip(text: str) -> None:
    for parse in (parse_protocols, parse_rpc):
        first = parse(text).entries
        _count(first)
        # The file holds the unsigned number; the record keeps C's int (getent prints it signed).
        out = "".join(f"{e.name} {e[2] & 0xFFFFFFFF}{''.join(' ' + a for a in e.aliases)}\n" for e in first)
        assert parse(out).entries == first


@given(HOSTILE_TEXT)
def test_networks_round_trip(text: str) -> None:
    first = parse_networks(text).entries
    _count(first)
    out = "".join(f"{n.name} {socket.inet_ntoa(n.net.to_bytes(4, 'big'))}{''.join(' ' + a for a in n.aliases)}\n"
                  for n in first)
    assert parse_networks(out).entries == first


def _switch_view(conf: NsswitchConf) -> dict[str, Any]:
    return {db: [(s.name, s.actions) for s in line.sources] for db, line in conf.databases.items()}


@given(HOSTILE_TEXT)
def test_nsswitch_round_trip(text: str) -> None:
    conf = _nsswitch(text)
    if conf.error is not None:
        return
    _count(conf.databases)
    out = "".join(f"{db}: {' '.join(s.text for s in line.sources)}\n" for db, line in conf.databases.items())
    again = _nsswitch(out)
    assert again.error is None
    assert _switch_view(again) == _switch_view(conf)


def _resolv_view(rc: ResolvConf) -> tuple[Any, ...]:
    return (tuple((n.address, n.scope_id) for n in rc.nameservers), rc.search, rc.ndots, rc.timeout, rc.attempts,
            tuple(getattr(rc, f) for f in FLAGS))


@given(HOSTILE_TEXT)
def test_resolv_conf_round_trip(text: str) -> None:
    rc = _resolv(text)
    if rc.fatal is not None:
        return
    lines = [f"nameserver {n.text}" for n in (*rc.nameservers, *rc.unused_nameservers) if not rc.missing]
    if rc.origin("nameservers").kind != "file":
        lines = []
    if rc.origin("search").kind == "file":
        lines.append("search " + " ".join(rc.search))
    opts = [f"ndots:{rc.ndots}", f"timeout:{rc.timeout}", f"attempts:{rc.attempts}"]
    opts += [f.replace("_", "-") for f in FLAGS if getattr(rc, f)]
    lines.append("options " + " ".join(opts))
    again = _resolv("".join(line + "\n" for line in lines))
    assert _resolv_view(again) == _resolv_view(rc)


def _gai_view(conf: GaiConf) -> tuple[Any, ...]:
    return (tuple((e.prefix, e.bits, e.value) for e in conf.labels()),
            tuple((e.prefix, e.bits, e.value) for e in conf.precedences()),
            tuple((e.network, e.bits, e.value) for e in conf.scopes()), conf.reload)


@given(HOSTILE_TEXT)
def test_gai_conf_round_trip(text: str) -> None:
    conf = _gai(text)
    lines = []
    for keyword, table in (("label", conf.label), ("precedence", conf.precedence)):
        for e in table or ():
            lines.append(f"{keyword} {socket.inet_ntop(socket.AF_INET6, e.prefix)}/{e.bits} {e.value}")
    for s in conf.scopev4 or ():
        lines.append(f"scopev4 {socket.inet_ntoa(s.network.to_bytes(4, 'big'))}/{s.bits} {s.value}")
    _count(lines)
    lines.append(f"reload {'yes' if conf.reload else 'no'}")
    assert _gai_view(_gai("".join(line + "\n" for line in lines))) == _gai_view(conf)


@given(HOSTILE_TEXT)
def test_host_conf_round_trip(text: str) -> None:
    conf = _hostconf(text)
    lines = [f"multi {'on' if conf.multi else 'off'}", f"reorder {'on' if conf.reorder else 'off'}"]
    lines += [f"trim {d}" for d in conf.trim]
    again = _hostconf("".join(line + "\n" for line in lines))
    assert (again.multi, again.reorder, again.trim) == (conf.multi, conf.reorder, conf.trim)


def test_strategies_reach_the_hostile_shapes() -> None:
    """The alphabet really holds every Unicode space, C's spaces and NUL (guards the strategy itself)."""
    assert all(c in UNICODE_SPACES for c in C_SPACE + "\x00\u00a0\u2028\u3000")
    assert len(UNICODE_SPACES) >= 29
