"""The hosts file as glibc's ``files`` module sees it, indexed.

glibc reads each /etc/hosts line *in the mode of the query's family*:

* **AF_INET mode** (gethostbyname, getaddrinfo with AF_INET, gethostbyaddr of
  an IPv4 address, gethostent): IPv4 lines as they are, ``::1`` read as
  127.0.0.1, ``::ffff:a.b.c.d`` read as a.b.c.d, every other IPv6 line skipped;
* **AF_INET6 mode**: IPv6 lines only;
* **unspecified** (getaddrinfo with AF_UNSPEC, through ``gethostbyname4_r``):
  every line with its own family.

Names match case-insensitively (ASCII only, as ``strcasecmp``), with no
trailing-dot folding.  With ``multi off`` only the first matching line counts.
This module answers those questions from indexes built once per file version:
the hosts file is parsed once, not scanned per call as glibc does.
"""

from __future__ import annotations

import socket
from typing import NamedTuple

from .files._text import ascii_lower
from .files.hosts import HostsLine, ParsedHosts
from .records import hostent

__all__ = ["AddressHit", "HostsDB"]

AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
_V4MAPPED_PREFIX = b"\0" * 10 + b"\xff\xff"
_V6_LOOPBACK = b"\0" * 15 + b"\x01"
_V4_LOOPBACK = b"\x7f\0\0\x01"


def v4_mode_address(packed: bytes) -> bytes | None:
    """How an AF_INET lookup reads a line's address (None: the line is skipped)."""
    if len(packed) == 4:
        return packed
    if packed.startswith(_V4MAPPED_PREFIX):
        return packed[12:]
    if packed == _V6_LOOPBACK:
        return _V4_LOOPBACK
    return None


class AddressHit(NamedTuple):
    """One address found for a name, with the hosts line it came from."""

    family: int
    packed: bytes
    lineno: int


class HostsDB:
    """Indexes over one version of a hosts file.

    ``by_name`` maps the ASCII-lower-cased name or alias to the indexes of the
    lines that carry it, in file order; ``by_addr4``/``by_addr6`` map a packed
    address to the first line that has it in AF_INET / AF_INET6 mode.
    """

    __slots__ = ("by_addr4", "by_addr6", "by_name", "diagnostics", "lines", "oversized", "path")

    def __init__(self, parsed: ParsedHosts, path: str = "/etc/hosts") -> None:
        self.path = path
        self.lines: list[HostsLine] = parsed.entries
        self.diagnostics = parsed.diagnostics
        self.oversized = parsed.oversized
        by_name: dict[str, list[int]] = {}
        by_addr4: dict[bytes, int] = {}
        by_addr6: dict[bytes, int] = {}
        for i, line in enumerate(self.lines):
            keys = {ascii_lower(line.name)}
            for alias in line.aliases:
                keys.add(ascii_lower(alias))
            for key in keys:
                hits = by_name.get(key)
                if hits is None:
                    by_name[key] = [i]
                else:
                    hits.append(i)
            packed = line.packed
            if len(packed) == 16:
                by_addr6.setdefault(packed, i)
            v4 = v4_mode_address(packed)
            if v4 is not None:
                by_addr4.setdefault(v4, i)
        self.by_name = by_name
        self.by_addr4 = by_addr4
        self.by_addr6 = by_addr6

    # -- forward lookups -------------------------------------------------

    def _matching(self, name: str) -> list[int]:
        return self.by_name.get(ascii_lower(name), [])

    def lookup_unspec(self, name: str, multi: bool) -> tuple[str, list[AddressHit]] | None:
        """``gethostbyname4_r``: every matching line with its own family.

        Returns the canonical name (the official name of the first matching
        line) and the addresses in file order, or None when no line matches.
        """
        idx = self._matching(name)
        if not idx:
            return None
        if not multi:
            idx = idx[:1]
        lines = self.lines
        hits = [AddressHit(AF_INET if len(lines[i].packed) == 4 else AF_INET6, lines[i].packed, lines[i].lineno) for i in idx]
        return lines[idx[0]].name, hits

    def lookup_family(self, name: str, family: int, multi: bool) -> tuple[hostent, list[int]] | None:
        """``gethostbyname3_r(name, family)``: a merged hostent, or None.

        The first matching line valid in the family's mode gives the official
        name, its aliases and address; with ``multi``, each later matching line
        appends its address, its aliases, and then its official name when that
        differs (case-sensitively) from the first line's.  Nothing is
        de-duplicated.  Also returns the line numbers used.
        """
        lines = self.lines
        first: HostsLine | None = None
        addrs: list[str] = []
        aliases: list[str] = []
        used: list[int] = []
        for i in self._matching(name):
            line = lines[i]
            if family == AF_INET:
                packed = v4_mode_address(line.packed)
            else:
                packed = line.packed if len(line.packed) == 16 else None
            if packed is None:
                continue
            addrs.append(socket.inet_ntop(family, packed))
            used.append(line.lineno)
            if first is None:
                first = line
                aliases.extend(line.aliases)
                if not multi:
                    break
            else:
                aliases.extend(line.aliases)
                if line.name != first.name:
                    aliases.append(line.name)
        if first is None:
            return None
        length = 4 if family == AF_INET else 16
        return hostent(first.name, tuple(aliases), family, length, tuple(addrs)), used

    def first_oversized(self, family: int) -> int:
        """The first line a CPython ``gethost*_r`` lookup in ``family``'s mode cannot get past (0: none)."""
        for o in self.oversized:
            if o.unreadable or o.packed is None:
                if o.unreadable:
                    return o.lineno
                continue
            if (family == AF_INET and v4_mode_address(o.packed) is not None) or (family == AF_INET6 and len(o.packed) == 16):
                return o.lineno
        return 0

    # -- reverse lookups -------------------------------------------------

    def lookup_addr(self, packed: bytes) -> tuple[hostent, int] | None:
        """``gethostbyaddr_r``: the first line with this address, in the address's family mode."""
        if len(packed) == 4:
            i = self.by_addr4.get(packed)
            family = AF_INET
        else:
            i = self.by_addr6.get(packed)
            family = AF_INET6
        if i is None:
            return None
        line = self.lines[i]
        return hostent(line.name, line.aliases, family, len(packed), (socket.inet_ntop(family, packed),)), line.lineno

    # -- enumeration -----------------------------------------------------

    def enumerate_v4(self) -> list[tuple[hostent, int]]:
        """``gethostent``: one entry per line in AF_INET mode (IPv6 lines other than ::1 and mapped are missing)."""
        out = []
        for line in self.lines:
            v4 = v4_mode_address(line.packed)
            if v4 is not None:
                out.append((hostent(line.name, line.aliases, AF_INET, 4, (socket.inet_ntoa(v4),)), line.lineno))
        return out
