"""The compact hosts index answers exactly as a plain scan of the parsed lines would."""

from __future__ import annotations

import socket

from hypothesis import given, settings
from hypothesis import strategies as st

from netdb.files._text import ascii_lower
from netdb.files.hosts import parse_hosts
from netdb.hostsdb import HostsDB, v4_mode_address

ADDRS = st.sampled_from(["127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "192.0.2.1", "192.0.2.2", "2001:db8::1",
                         "::ffff:192.0.2.1", "fe80::1", "0.0.0.0", "1.2.3", "bogus", "fe80::1%lo"])
NAMES = st.sampled_from(["a", "A", "b", "web", "WEB", "Web.Example", "web.example", "x.", "", "é", "É", "#c", "a#b"])
SEP = st.sampled_from([" ", "\t", "  ", " \t", "\v", "\r"])
LINE = st.tuples(ADDRS, st.lists(NAMES, max_size=4), SEP, st.sampled_from(["", " # comment", "#x", "\r"])).map(
    lambda t: t[0] + "".join(t[2] + n for n in t[1]) + t[3])
TEXT = st.lists(st.one_of(LINE, st.sampled_from(["", "# c", "   ", "\u00a0x 1.2.3.4"])), max_size=25).map("\n".join)


def _scan(text: str, name: str, multi: bool) -> list[int]:
    key = ascii_lower(name)
    lines = [e.lineno for e in parse_hosts(text).entries
             if ascii_lower(e.name) == key or any(ascii_lower(a) == key for a in e.aliases)]
    return lines if multi else lines[:1]


@settings(max_examples=400)
@given(TEXT, NAMES, st.booleans())
def test_index_equals_scan(text: str, name: str, multi: bool) -> None:
    db = HostsDB(text)
    found = db.lookup_unspec(name, multi)
    assert ([h.lineno for h in found[1]] if found else []) == _scan(text, name, multi)
    entries = parse_hosts(text).entries
    assert [db.line(i) for i in range(len(db))] == entries
    for e in entries:
        first4 = next((x.lineno for x in entries if v4_mode_address(x.packed) == v4_mode_address(e.packed)), None)
        if v4_mode_address(e.packed) is not None:
            hit = db.lookup_addr(v4_mode_address(e.packed))  # type: ignore[arg-type]
            assert hit is not None and hit[1] == first4
        if len(e.packed) == 16:
            first6 = next(x.lineno for x in entries if x.packed == e.packed)
            hit6 = db.lookup_addr(e.packed)
            assert hit6 is not None and hit6[1] == first6
    for fam in (socket.AF_INET, socket.AF_INET6):
        got = db.lookup_family(name, fam, multi)
        assert (got is None) == (not any(
            (v4_mode_address(e.packed) if fam == socket.AF_INET else (e.packed if len(e.packed) == 16 else None)) is not None
            for e in entries if e.lineno in _scan(text, name, True)))
