"""Text helpers that behave like the C functions glibc's parsers use.

glibc reads its files as bytes in the C library's ``isspace`` sense (space, tab,
newline, vertical tab, form feed, carriage return) and compares names with
ASCII-only case folding.  Python's ``str.split()`` and ``str.lower()`` know more
whitespace and more letters, so the parsers use these helpers instead.  Files
are decoded as UTF-8 with ``surrogateescape``: every byte survives, and
``encode_raw`` gives the original bytes back.
"""

from __future__ import annotations

import codecs
import functools
import re

# The characters C's isspace() accepts in glibc's locales.
C_SPACE = " \t\n\v\f\r"

# Characters that Python's str.split() treats as whitespace but C does not;
# the ASCII ones are looked for without a regular expression.
_PY_ONLY_SPACE = "[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def decode(data: bytes) -> str:
    """Decode file contents: UTF-8, with undecodable bytes kept as surrogates."""
    return data.decode("utf-8", "surrogateescape")


def encode_raw(text: str) -> bytes:
    """The exact bytes that ``decode`` turned into ``text``.

    Text that ``decode`` cannot have produced (a lone surrogate outside
    U+DC80-U+DCFF, passed in by a caller) is encoded too, never refused: such
    a surrogate becomes its three UTF-8-style bytes (``surrogatepass``).
    """
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "netdb-raw")


def _raw_errors(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else ch.encode("utf-8", "surrogatepass")
    return bytes(out), exc.end


codecs.register_error("netdb-raw", _raw_errors)


# The regular expressions are compiled on first use: most files are ASCII
# without a \x1c-\x1f byte, and need neither.


@functools.cache
def _py_only_space() -> re.Pattern[str]:
    return re.compile(_PY_ONLY_SPACE)


@functools.cache
def c_space_runs() -> re.Pattern[str]:
    """The compiled ``[ \\t\\n\\v\\f\\r]+``: one run of C whitespace (to split on)."""
    return re.compile("[ \t\n\v\f\r]+")


def needs_c_split(text: str) -> bool:
    """True when ``text`` holds characters ``str.split()`` would wrongly split on."""
    if text.isascii():  # constant time: only \x1c-\x1f can be there
        return "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text
    return _py_only_space().search(text) is not None


def c_split(text: str) -> list[str]:
    """Split on C whitespace only (``str.split()`` also splits on NBSP, U+2028 ...)."""
    if not needs_c_split(text):
        return text.split()
    return [f for f in c_space_runs().split(text) if f]


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as ``strcasecmp`` compares."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def logical_lines(text: str) -> list[str]:
    """Split file text into lines the way ``getline`` does (on ``\\n`` only).

    A NUL byte ends the line for C string functions, so the rest is dropped.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\0" in text:
        lines = [line.split("\0", 1)[0] for line in lines]
    return lines


ULONG_MAX = (1 << 64) - 1


def _parse_c_integer(s: str, base: int) -> tuple[bool, int, int]:
    """The part strtol and strtoul share: ``(negative, magnitude, end)``; end 0 = no digits."""
    i, n = 0, len(s)
    while i < n and s[i] in C_SPACE:
        i += 1
    negative = False
    if i < n and s[i] in "+-":
        negative = s[i] == "-"
        i += 1
    if base in (0, 16) and s[i : i + 2] in ("0x", "0X") and i + 2 < n and _digit(s[i + 2]) < 16:
        i += 2
        base = 16
    elif base == 0:
        base = 8 if i < n and s[i] == "0" else 10
    start = i
    value = 0
    while i < n:
        d = _digit(s[i])
        if d >= base:
            break
        value = value * base + d
        i += 1
    if i == start:
        return False, 0, 0
    return negative, value, i


def strtoul(s: str, base: int = 0) -> tuple[int, int, bool]:
    """C ``strtoul(s, &end, base)`` on a 64-bit machine.

    Returns ``(value, end, overflow)``: the value (negated modulo 2**64 after a
    ``-`` sign, ULONG_MAX on overflow), how many characters were consumed (0
    when no digits were found), and whether the value overflowed.
    """
    negative, value, end = _parse_c_integer(s, base)
    if value > ULONG_MAX:
        return ULONG_MAX, end, True
    if negative:
        value = (-value) & ULONG_MAX
    return value, end, False


def strtol(s: str, base: int = 10) -> tuple[int, int]:
    """C ``strtol(s, &end, base)`` on a 64-bit machine: ``(value, end)``, clamped on overflow."""
    negative, value, end = _parse_c_integer(s, base)
    value = -value if negative else value
    return max(-(2**63), min(2**63 - 1, value)), end


def _digit(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "a" <= ch <= "z":
        return ord(ch) - 87
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    return 99


def strtou32(s: str, base: int) -> tuple[int, int] | None:
    """glibc's nss_files number field: ``strtoul`` that refuses values above 2**32-1.

    Returns ``(value, end)``, or None when the field is not a number or is out
    of range (negative numbers other than ``-0`` wrap above 2**32-1 and are
    refused too, as observed with glibc 2.36).
    """
    value, end, overflow = strtoul(s, base)
    if end == 0 or overflow or value > 0xFFFFFFFF:
        return None
    return value, end


def c_int(value: int) -> int:
    """Convert an unsigned 32-bit value to a C ``int``."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value
