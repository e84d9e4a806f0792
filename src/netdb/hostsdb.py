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

glibc scans the whole file on every call.  ``HostsDB`` reads it once per
version into a compact index built for the million-line blocklists people
install: the decoded text itself, two ``array``s (line start offsets and line
numbers of the usable lines), a dict from a hash of each lower-cased name to
its line(s), and dicts from each address to its first line.  Lines are parsed
again only when a lookup returns them, and every hash hit is checked against
the line, so a hash collision can cost time but never give a wrong answer.
For a file of 1,000,000 ``0.0.0.0 name`` lines the index holds about 2.5
bytes per byte of file beside the text.
"""

import gc
import re
import socket
from array import array
from typing import NamedTuple

from .files._text import ascii_lower, c_split, encode_raw, needs_c_split
from .files.diagnostics import Diagnostic
from .files.hosts import HostsLine, parse_hosts, python_buffer_fit
from .records import hostent

__all__ = ["AddressHit", "HostsDB", "v4_mode_address"]

AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
_V4MAPPED_PREFIX = b"\0" * 10 + b"\xff\xff"
_V6_LOOPBACK = b"\0" * 15 + b"\x01"
_V4_LOOPBACK = b"\x7f\0\0\x01"
# Keys are name hashes cut to 30 bits: small ints (28 bytes) instead of 36-byte ones.
_HASH_MASK = (1 << 30) - 1
_LONG_LINE = "[^\n]{1000}"  # compiled (and cached by re) when first searched for


def v4_mode_address(packed: bytes) -> bytes | None:
    """How an AF_INET lookup reads a line's address (None: the line is skipped)."""
    if len(packed) == 4:
        return packed
    if packed.startswith(_V4MAPPED_PREFIX):
        return packed[12:]
    if packed == _V6_LOOPBACK:
        return _V4_LOOPBACK
    return None


def _pton(addr: str) -> bytes | None:
    try:
        return socket.inet_pton(AF_INET, addr)
    except (OSError, ValueError, UnicodeError):
        pass
    try:
        return socket.inet_pton(AF_INET6, addr)
    except (OSError, ValueError, UnicodeError):
        return None


class AddressHit(NamedTuple):
    """One address found for a name, with the hosts line it came from (0: not from a file)."""

    family: int
    packed: bytes
    lineno: int
    scope_id: int = 0


class HostsDB:
    """Indexes over one version of a hosts file (see the module docstring)."""

    __slots__ = ("_addr4", "_addr6", "_diagnostics", "_names", "_oversized", "_records", "_simple", "_text",
                 "linenos", "path", "starts")

    def __init__(self, text: str, path: str = "/etc/hosts") -> None:
        self.path = path
        self._text = text
        self.starts = array("I")  # offset of each usable line in the text
        self.linenos = array("I")  # its 1-based line number
        self._names: dict[int, int | tuple[int, ...]] = {}
        self._addr4: dict[bytes, int] = {}
        self._addr6: dict[bytes, int] = {}
        self._diagnostics: list[Diagnostic] | None = None
        self._oversized: tuple[tuple[int, bool, bytes | None], ...] | None = None
        self._records: list[HostsLine] | None = None
        self._simple = "\0" not in text and not needs_c_split(text)
        if self._simple:
            was_enabled = gc.isenabled()
            gc.disable()  # the build allocates millions of objects and frees none
            try:
                self._build(text)
            finally:
                if was_enabled:
                    gc.enable()
        else:
            parsed = parse_hosts(text, path)
            self._records = parsed.entries
            self._diagnostics = parsed.diagnostics
            self._index_records(parsed.entries)

    # -- building ---------------------------------------------------------

    def _add_name(self, key: str, idx: int) -> None:
        h = hash(key) & _HASH_MASK
        old = self._names.get(h)
        if old is None:
            self._names[h] = idx
        elif type(old) is int:
            self._names[h] = (old, idx)
        else:
            self._names[h] = (*old, idx)  # type: ignore[misc]

    def _add_address(self, packed: bytes, idx: int) -> None:
        if len(packed) == 16:
            self._addr6.setdefault(packed, idx)
        v4 = v4_mode_address(packed)
        if v4 is not None:
            self._addr4.setdefault(v4, idx)

    def _build(self, text: str) -> None:
        """The fast path: text with only C whitespace and no NUL (nearly every real file)."""
        low = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
        add_start, add_lineno = self.starts.append, self.linenos.append
        names = self._names
        get = names.get
        addresses: dict[str, bytes | None] = {}
        offset = 0
        idx = 0
        for lineno, line in enumerate(low.split("\n"), 1):
            length = len(line) + 1
            if "#" in line:
                line = line[: line.index("#")]
            fields = line.split()
            if fields:
                addr = fields[0]
                packed = addresses.get(addr, b"")
                if packed == b"":
                    packed = addresses[addr] = _pton(addr)
                    if packed is not None:
                        self._add_address(packed, idx)
                if packed is not None:
                    add_start(offset)
                    add_lineno(lineno)
                    if len(fields) == 2:
                        h = hash(fields[1]) & _HASH_MASK
                        old = get(h)
                        if old is None:
                            names[h] = idx
                        elif type(old) is int:
                            names[h] = (old, idx)
                        else:
                            names[h] = (*old, idx)  # type: ignore[misc]
                    else:
                        for name in set(fields[1:]) if len(fields) > 1 else ("",):
                            self._add_name(name, idx)
                    idx += 1
            offset += length

    def _index_records(self, records: list[HostsLine]) -> None:
        for idx, line in enumerate(records):
            self.starts.append(0)
            self.linenos.append(line.lineno)
            self._add_address(line.packed, idx)
            for name in {ascii_lower(line.name), *(ascii_lower(a) for a in line.aliases)}:
                self._add_name(name, idx)

    # -- reading lines back ----------------------------------------------------

    def __len__(self) -> int:
        """The number of usable lines."""
        return len(self.linenos)

    def line(self, idx: int) -> HostsLine:
        """The ``idx``-th usable line, parsed."""
        if self._records is not None:
            return self._records[idx]
        text = self._text
        start = self.starts[idx]
        end = text.find("\n", start)
        raw = text[start:] if end < 0 else text[start:end]
        cut = raw.find("#")
        if cut >= 0:
            raw = raw[:cut]
        fields = raw.split()
        packed = _pton(fields[0])
        assert packed is not None
        name = fields[1] if len(fields) > 1 else ""
        return HostsLine(self.linenos[idx], packed, name, tuple(fields[2:]))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What ``lookup check`` reports about this file (parsed when first asked)."""
        if self._diagnostics is None:
            self._diagnostics = parse_hosts(self._text, self.path).diagnostics
        return self._diagnostics

    # -- forward lookups -------------------------------------------------

    def matching(self, name: str) -> list[HostsLine]:
        """Every line that carries ``name`` (official name or alias, ASCII case ignored), in file order."""
        key = ascii_lower(name)
        hit = self._names.get(hash(key) & _HASH_MASK)
        if hit is None:
            return []
        out = []
        idxs: tuple[int, ...] = (hit,) if isinstance(hit, int) else hit
        for idx in idxs:
            line = self.line(idx)
            if ascii_lower(line.name) == key or any(ascii_lower(a) == key for a in line.aliases):
                out.append(line)
        return out

    def lookup_unspec(self, name: str, multi: bool) -> tuple[str, list[AddressHit]] | None:
        """``gethostbyname4_r``: every matching line with its own family.

        Returns the canonical name (the official name of the first matching
        line) and the addresses in file order, or None when no line matches.
        """
        lines = self.matching(name)
        if not lines:
            return None
        if not multi:
            lines = lines[:1]
        hits = [AddressHit(AF_INET if len(x.packed) == 4 else AF_INET6, x.packed, x.lineno) for x in lines]
        return lines[0].name, hits

    def lookup_family(self, name: str, family: int, multi: bool) -> tuple[hostent, list[int]] | None:
        """``gethostbyname3_r(name, family)``: a merged hostent, or None.

        The first matching line valid in the family's mode gives the official
        name, its aliases and address; with ``multi``, each later matching line
        appends its address, its aliases, and then its official name when that
        differs (case-sensitively) from the first line's.  Nothing is
        de-duplicated.  Also returns the line numbers used.
        """
        first: HostsLine | None = None
        addrs: list[str] = []
        aliases: list[str] = []
        used: list[int] = []
        for line in self.matching(name):
            if family == AF_INET:
                packed = v4_mode_address(line.packed)
            else:
                packed = line.packed if len(line.packed) == 16 else None
            if packed is None:
                continue
            addrs.append(socket.inet_ntop(family, packed))
            used.append(line.lineno)
            aliases.extend(line.aliases)
            if first is None:
                first = line
                if not multi:
                    break
            elif line.name != first.name:
                aliases.append(line.name)
        if first is None:
            return None
        length = 4 if family == AF_INET else 16
        return hostent(first.name, tuple(aliases), family, length, tuple(addrs)), used

    # -- reverse lookups -------------------------------------------------

    def lookup_addr(self, packed: bytes) -> tuple[hostent, int] | None:
        """``gethostbyaddr_r``: the first line with this address, in the address's family mode."""
        family = AF_INET if len(packed) == 4 else AF_INET6
        idx = (self._addr4 if family == AF_INET else self._addr6).get(packed)
        if idx is None:
            return None
        line = self.line(idx)
        return hostent(line.name, line.aliases, family, len(packed), (socket.inet_ntop(family, packed),)), line.lineno

    # -- enumeration -----------------------------------------------------

    def enumerate_v4(self) -> list[tuple[hostent, int]]:
        """``gethostent``: one entry per line in AF_INET mode (IPv6 lines other than ::1 and mapped are missing)."""
        out = []
        for idx in range(len(self)):
            line = self.line(idx)
            v4 = v4_mode_address(line.packed)
            if v4 is not None:
                out.append((hostent(line.name, line.aliases, AF_INET, 4, (socket.inet_ntoa(v4),)), line.lineno))
        return out

    # -- CPython's 16 KiB gethost*_r buffer --------------------------------------

    def first_oversized(self, family: int) -> int:
        """The first line a CPython ``gethost*_r`` lookup in ``family``'s mode cannot get past (0: none).

        A line too long to be read at all stops every lookup; a line whose
        alias pointers do not fit stops only lookups in a family whose mode
        accepts its address.
        """
        if self._oversized is None:
            self._oversized = self._find_oversized()
        for lineno, unreadable, packed in self._oversized:
            if unreadable:
                return lineno
            if packed is not None and (
                (family == AF_INET and v4_mode_address(packed) is not None) or (family == AF_INET6 and len(packed) == 16)
            ):
                return lineno
        return 0

    def _find_oversized(self) -> tuple[tuple[int, bool, bytes | None], ...]:
        if re.search(_LONG_LINE, self._text) is None:
            return ()
        out = []
        for lineno, raw in enumerate(self._text.split("\n"), 1):
            if len(raw) < 1000:
                continue
            content = raw.split("#", 1)[0]
            fields = c_split(content) if not self._simple else content.split()
            packed = _pton(fields[0]) if fields else None
            aliases = len(fields) - 2 if packed is not None else None
            readable, parsable = python_buffer_fit(encode_raw(raw), None if aliases is None else max(aliases, 0))
            if not readable or not parsable:
                out.append((lineno, not readable, packed))
        return tuple(out)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
