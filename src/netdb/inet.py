"""Numeric address parsing and printing, as glibc does it.

Several parsers live in glibc and each accepts a different set of strings:

* ``inet_aton_exact`` — getaddrinfo's IPv4 parser: the ``inet_aton`` forms
  (``127.1``, ``0x7f.1``, ``2130706433``, octal ``010.0.0.1``), whole string only;
* ``inet_pton4`` / ``inet_pton6`` — strict presentation forms (the hosts file,
  ``getent hosts`` keys);
* ``digits_and_dots`` — the smaller numeric test of ``gethostbyname``;
* ``inet_network`` and ``inet_addr`` — /etc/networks and ``getent networks`` keys;
* ``parse_scope`` — the ``%scope`` suffix of an IPv6 literal.

All of them return packed bytes (or host-order ints for the network
functions), never raise on bad input, and use no name service.
"""

from __future__ import annotations

import socket

from .files._text import C_SPACE, strtoul

__all__ = [
    "INADDR_NONE",
    "digits_and_dots",
    "format_scope",
    "inet_addr",
    "inet_aton",
    "inet_aton_exact",
    "inet_network",
    "inet_ntop",
    "inet_pton4",
    "inet_pton6",
    "is_link_local_scope",
    "parse_scope",
]

INADDR_NONE = 0xFFFFFFFF
_MAX_LAST_PART = (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)


def inet_aton(s: str) -> tuple[bytes, int] | None:
    """glibc's ``inet_aton`` parse: ``(packed, end)`` or None.

    Parsing stops at the first whitespace character, which ``inet_aton``
    tolerates; ``end`` is where it stopped.
    """
    parts: list[int] = []
    i, n = 0, len(s)
    digit = False
    val = 0
    while True:
        if i >= n or not ("0" <= s[i] <= "9"):
            return None
        val, used, overflow = strtoul(s[i:], 0)
        if overflow or val > 0xFFFFFFFF:
            return None
        digit = used > 0
        i += used
        if i < n and s[i] == ".":
            if len(parts) > 2 or val > 0xFF:
                return None
            parts.append(val)
            i += 1
        else:
            break
    if i < n and s[i] not in C_SPACE:
        return None
    if not digit or val > _MAX_LAST_PART[len(parts)]:
        return None
    word = 0
    for k, part in enumerate(parts):
        word |= part << (24 - 8 * k)
    word |= val
    return word.to_bytes(4, "big"), i


def inet_aton_exact(s: str) -> bytes | None:
    """getaddrinfo's IPv4 literal parser: ``inet_aton`` forms, whole string only."""
    if not s or not ("0" <= s[0] <= "9"):
        return None
    try:
        # A strict dotted quad (no leading zeros) means the same to both parsers.
        return socket.inet_pton(socket.AF_INET, s)
    except (OSError, ValueError, UnicodeError):
        pass
    res = inet_aton(s)
    if res is None or res[1] != len(s):
        return None
    return res[0]


def digits_and_dots(s: str) -> bool:
    """The numeric test ``gethostbyname`` applies: digits and dots only, not ending in a dot."""
    return bool(s) and s[0].isascii() and s[0].isdigit() and s[-1] != "." and all(c in "0123456789." for c in s)


def inet_pton4(s: str) -> bytes | None:
    """Strict dotted-quad IPv4 (no leading zeros, no short forms) or None."""
    try:
        return socket.inet_pton(socket.AF_INET, s)
    except (OSError, ValueError, UnicodeError):
        return None


def inet_pton6(s: str) -> bytes | None:
    """An IPv6 presentation form (no ``%scope``) or None."""
    try:
        return socket.inet_pton(socket.AF_INET6, s)
    except (OSError, ValueError, UnicodeError):
        return None


def inet_ntop(packed: bytes) -> str:
    """Presentation form of a 4- or 16-byte address."""
    return socket.inet_ntop(socket.AF_INET if len(packed) == 4 else socket.AF_INET6, packed)


def is_link_local_scope(packed: bytes) -> bool:
    """True for addresses whose scope may be an interface name (fe80::/10, ff01::/16, ff02::/16)."""
    if packed[0] == 0xFE and (packed[1] & 0xC0) == 0x80:
        return True
    return packed[0] == 0xFF and (packed[1] & 0x0F) in (1, 2)


def parse_scope(packed: bytes, scope: str) -> int | None:
    """The scope id of ``addr%scope``, as glibc's ``__inet6_scopeid_pton`` reads it.

    An interface name counts only for link-local addresses; otherwise the
    scope must be a decimal number up to 2**32-1.  None means invalid.
    """
    if is_link_local_scope(packed) and scope and "\0" not in scope:
        try:
            return socket.if_nametoindex(scope)
        except (OSError, ValueError, UnicodeError):
            pass
    if scope and "0" <= scope[0] <= "9" and scope.isascii() and scope.isdigit():
        number = int(scope)
        if number <= 0xFFFFFFFF:
            return number
    return None


def format_scope(packed: bytes, scope_id: int, numeric: bool = False) -> str:
    """The ``%scope`` text getnameinfo appends: an interface name for link-local addresses."""
    if not numeric and is_link_local_scope(packed):
        try:
            return socket.if_indextoname(scope_id)
        except (OSError, OverflowError, ValueError):
            pass
    return str(scope_id)


def inet_network(s: str) -> int:
    """glibc's ``inet_network``: a host-order network number or INADDR_NONE."""
    parts: list[int] = []
    i, n = 0, len(s)
    while True:
        val, base, digit = 0, 10, False
        if i < n and s[i] == "0":
            digit, base = True, 8
            i += 1
        if i < n and s[i] in "xX":
            digit, base = False, 16
            i += 1
        while i < n:
            c = s[i]
            if "0" <= c <= "9":
                if base == 8 and c in "89":
                    return INADDR_NONE
                val = (val * base + (ord(c) - 48)) & 0xFFFFFFFF
            elif base == 16 and c in "abcdefABCDEF":
                val = ((val << 4) + (ord(c.lower()) - 87)) & 0xFFFFFFFF
            else:
                break
            digit = True
            i += 1
        if not digit or len(parts) >= 4 or val > 0xFF:
            return INADDR_NONE
        if i < n and s[i] == ".":
            parts.append(val)
            i += 1
            continue
        break
    while i < n and s[i] in C_SPACE:
        i += 1
    if i < n:
        return INADDR_NONE
    parts.append(val)
    word = 0
    for part in parts:
        word = (word << 8) | part
    return word


def inet_addr(s: str) -> int:
    """glibc's ``inet_addr`` as a host-order int (INADDR_NONE on failure)."""
    res = inet_aton(s)
    if res is None:
        return INADDR_NONE
    return int.from_bytes(res[0], "big")

