"""Numeric address parsers against the C library's own (through ctypes, no name service)."""

from __future__ import annotations

import ctypes
import ctypes.util
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdb import inet

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_libc.inet_network.restype = ctypes.c_uint32
_libc.inet_network.argtypes = [ctypes.c_char_p]


class _InAddr(ctypes.Structure):
    _fields_ = [("s_addr", ctypes.c_uint32)]


_libc.inet_aton.argtypes = [ctypes.c_char_p, ctypes.POINTER(_InAddr)]

NUMERIC = st.text(alphabet="0123456789.xXabcdefABCDEFg -+\t", max_size=20)


@given(NUMERIC)
def test_inet_network_matches_libc(s: str) -> None:
    assert inet.inet_network(s) == _libc.inet_network(s.encode())


@given(NUMERIC)
def test_inet_aton_matches_libc(s: str) -> None:
    out = _InAddr()
    ok = _libc.inet_aton(s.encode(), ctypes.byref(out))
    mine = inet.inet_aton(s)
    assert bool(ok) == (mine is not None)
    if ok:
        assert mine is not None
        assert mine[0] == out.s_addr.to_bytes(4, "little")


@pytest.mark.parametrize(
    ("text", "address"),
    [("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("1.2.3", "1.2.0.3"), ("1.65535", "1.0.255.255"),
     ("0x7f.1", "127.0.0.1"), ("0X7F.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
     ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
     ("010.0.0.1", "8.0.0.1"), ("4294967295", "255.255.255.255"), ("0", "0.0.0.0")],
)
def test_inet_aton_exact_accepts_glibc_forms(text: str, address: str) -> None:
    packed = inet.inet_aton_exact(text)
    assert packed is not None and socket.inet_ntoa(packed) == address


@pytest.mark.parametrize(
    "text",
    ["0178.0.0.1", "127.0.0.256", "1.16777216", "4294967296", "1.2.3.4.5", "127.0.0.1.",
     " 127.0.0.1", "127.0.0.1 ", "127.0.0.1 foo", "127.0.0.1%lo", "", "a.b.c.d"],
)
def test_inet_aton_exact_rejects(text: str) -> None:
    assert inet.inet_aton_exact(text) is None


def test_scope_names_only_for_link_local() -> None:
    ll = inet.inet_pton6("fe80::1")
    glob = inet.inet_pton6("2001:db8::1")
    mc = inet.inet_pton6("ff02::1")
    assert ll is not None and glob is not None and mc is not None
    lo = socket.if_nametoindex("lo")
    assert inet.parse_scope(ll, "lo") == lo
    assert inet.parse_scope(mc, "lo") == lo
    assert inet.parse_scope(glob, "lo") is None
    assert inet.parse_scope(glob, "5") == 5
    assert inet.parse_scope(ll, "4294967295") == 4294967295
    assert inet.parse_scope(ll, "4294967296") is None
    assert inet.parse_scope(ll, "") is None
    assert inet.parse_scope(ll, "nosuchif0") is None
    assert inet.parse_scope(ll, "99") == 99


def test_digits_and_dots() -> None:
    assert inet.digits_and_dots("127.1")
    assert inet.digits_and_dots("2130706433")
    assert not inet.digits_and_dots("0x7f.1")
    assert not inet.digits_and_dots("1.2.3.")
    assert not inet.digits_and_dots("")
