"""The C-compatible text helpers: strtoul, C whitespace, ASCII case folding."""

from __future__ import annotations

import ctypes
import ctypes.util

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdb.files._text import ascii_lower, c_split, logical_lines, strtou32, strtoul

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.strtoul.restype = ctypes.c_ulong
_libc.strtoul.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]


def c_strtoul(s: str, base: int) -> tuple[int, int, bool]:
    raw = s.encode()
    buf = ctypes.create_string_buffer(raw)
    end = ctypes.c_char_p()
    ctypes.set_errno(0)
    value = _libc.strtoul(buf, ctypes.byref(end), base)
    used = ctypes.cast(end, ctypes.c_void_p).value - ctypes.addressof(buf)  # type: ignore[operator]
    return value, len(raw[:used].decode()), ctypes.get_errno() != 0


@given(st.text(alphabet="0123456789abcdefxX+- \t.gz", max_size=24), st.sampled_from([0, 8, 10, 16]))
def test_strtoul_matches_libc(s: str, base: int) -> None:
    value, end, overflow = strtoul(s, base)
    c_value, c_end, c_overflow = c_strtoul(s, base)
    assert (value, end) == (c_value, c_end)
    assert overflow == c_overflow


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80", (80, 2)), ("0x10", (16, 4)), ("010", (8, 3)), ("-0", (0, 2)), ("+5", (5, 2)),
     ("4294967295", (4294967295, 10)), ("4294967296", None), ("-1", None), ("", None), ("x", None)],
)
def test_strtou32(text: str, expected: tuple[int, int] | None) -> None:
    assert strtou32(text, 0) == expected


def test_c_split_keeps_non_c_spaces() -> None:
    assert c_split("a\u00a0b c\x1cd\te\vf\rg") == ["a\u00a0b", "c\x1cd", "e", "f", "g"]
    assert c_split("  plain  words ") == ["plain", "words"]


def test_ascii_lower_folds_ascii_only() -> None:
    assert ascii_lower("FoO.Example") == "foo.example"
    assert ascii_lower("CAFÉ") == "cafÉ"


def test_logical_lines_split_on_newline_and_cut_at_nul() -> None:
    assert logical_lines("a\r\nb\x0bc\nd\0junk\ne") == ["a\r", "b\x0bc", "d", "e"]
    assert logical_lines("x\n") == ["x"]
    assert logical_lines("") == []
