"""Parser for /etc/gai.conf, the policy tables of getaddrinfo's address sort.

glibc 2.36 (``gaiconf_init`` in sysdeps/posix/getaddrinfo.c) reads the file
line by line:

* ``#`` starts a comment; a line is ``keyword value1 value2`` split on C
  whitespace, and anything after the third token is ignored;
* ``label PREFIX/BITS VALUE`` and ``precedence PREFIX/BITS VALUE`` take an IPv6
  prefix (IPv4 addresses are looked up as ``::ffff:a.b.c.d``);
* ``scopev4 PREFIX/BITS VALUE`` takes ``::ffff:a.b.c.d/96+n`` or ``a.b.c.d/n``;
* ``reload yes`` makes glibc re-read the file when its mtime changes (any other
  value, or a later ``reload`` line, switches that off);
* a missing VALUE counts as 0, ``BITS`` may be empty (``::/``) and then means 0;
* a line whose prefix, bits or value does not parse is ignored silently.

**Any** accepted line of a kind replaces that kind's whole built-in table.
glibc then appends an implicit catch-all entry (``::/0 → 1`` for labels,
``::/0 → 40`` for precedence, ``0.0.0.0/0 → 14`` for scopev4) unless one of
the lines already has a /0 prefix, and sorts the table by prefix length,
longest first.  The sort is glibc's stable merge sort, so of two entries with
the same length the earlier line comes first and wins.

A prefix without ``/BITS`` is where glibc 2.36 reads an uninitialised pointer
(``endp``).  What happens was established by experiment on Debian's 2.36
build, not guessed:

* ``label``/``precedence`` lines without ``/BITS`` are ignored (every variant
  tried, whatever came before them);
* a ``scopev4`` line without ``/BITS`` **crashes the process** (SIGSEGV inside
  getaddrinfo) unless an earlier ``scopev4`` line got as far as parsing a
  number.  After one did, the pointer still points into glibc's reused line
  buffer at the end of that number, and the line is accepted (as /32) exactly
  when that byte of the current line's buffer is a NUL.  This parser simulates
  the buffer to give the same answer, and reports the line either way.

The parser is pure: text in, a :class:`GaiConf` out, with diagnostics and the
line number of every table entry (its provenance, for ``lookup config``).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ._text import C_SPACE, encode_raw, strtoul
from .diagnostics import Diagnostic

__all__ = [
    "DEFAULT_LABELS",
    "DEFAULT_PRECEDENCE",
    "DEFAULT_SCOPEV4",
    "GaiConf",
    "PrefixEntry",
    "ScopeEntry",
    "parse_gai_conf",
]

_INT_MAX = 0x7FFFFFFF
_ULONG_MAX = (1 << 64) - 1
_SPACE = frozenset(C_SPACE.encode())
# glibc's getline starts with a 120-byte buffer and doubles it.
_GETLINE_INITIAL = 120


@dataclass(frozen=True, slots=True)
class PrefixEntry:
    """One row of a ``label`` or ``precedence`` table.

    ``prefix`` is the 16-byte address as written (glibc compares only the
    first ``bits`` bits, so host bits do not matter); ``line`` is the gai.conf
    line it came from, 0 for built-in and implicit entries.
    """

    prefix: bytes
    bits: int
    value: int
    line: int = 0

    def __str__(self) -> str:
        return f"{socket.inet_ntop(socket.AF_INET6, self.prefix)}/{self.bits} {self.value}"


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One row of the ``scopev4`` table: IPv4 ``network/bits → scope``.

    ``network`` and ``netmask`` are host-order integers with the host bits of
    ``network`` cleared, as glibc stores them; ``line`` is 0 for built-in and
    implicit entries.
    """

    network: int
    bits: int
    value: int
    line: int = 0

    @property
    def netmask(self) -> int:
        """The IPv4 netmask as a host-order integer (0 for /0)."""
        return (0xFFFFFFFF << (32 - self.bits)) & 0xFFFFFFFF if self.bits else 0

    def __str__(self) -> str:
        return f"{socket.inet_ntop(socket.AF_INET, self.network.to_bytes(4, 'big'))}/{self.bits} {self.value}"


def _p6(text: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6, text)


#: glibc 2.36's built-in label table, in lookup order.
DEFAULT_LABELS: tuple[PrefixEntry, ...] = (
    PrefixEntry(_p6("::1"), 128, 0),
    PrefixEntry(_p6("2002::"), 16, 2),
    PrefixEntry(_p6("::"), 96, 3),
    PrefixEntry(_p6("::ffff:0:0"), 96, 4),
    PrefixEntry(_p6("fec0::"), 10, 5),
    PrefixEntry(_p6("fc00::"), 7, 6),
    PrefixEntry(_p6("2001::"), 32, 7),
    PrefixEntry(_p6("::"), 0, 1),
)

#: glibc 2.36's built-in precedence table (no ULA or Teredo rows, unlike RFC 6724).
DEFAULT_PRECEDENCE: tuple[PrefixEntry, ...] = (
    PrefixEntry(_p6("::1"), 128, 50),
    PrefixEntry(_p6("2002::"), 16, 30),
    PrefixEntry(_p6("::"), 96, 20),
    PrefixEntry(_p6("::ffff:0:0"), 96, 10),
    PrefixEntry(_p6("::"), 0, 40),
)

#: glibc 2.36's built-in IPv4 scope table (169.254/16 and 127/8 are link-local).
DEFAULT_SCOPEV4: tuple[ScopeEntry, ...] = (
    ScopeEntry(0xA9FE0000, 16, 2),
    ScopeEntry(0x7F000000, 8, 2),
    ScopeEntry(0, 0, 14),
)

_IMPLICIT_LABEL = PrefixEntry(bytes(16), 0, 1)
_IMPLICIT_PRECEDENCE = PrefixEntry(bytes(16), 0, 40)
_IMPLICIT_SCOPE = ScopeEntry(0, 0, 14)


@dataclass(frozen=True)
class GaiConf:
    """The parsed gai.conf.

    ``label``, ``precedence`` and ``scopev4`` are the tables glibc would use,
    already in lookup order and with the implicit catch-all entry appended;
    each is None when the file has no accepted line of that kind, which means
    "the built-in table" (see :meth:`labels`, :meth:`precedences`,
    :meth:`scopes` for the effective tables).  ``reload`` is the final value of
    the ``reload`` flag and ``reload_line`` the line that set it (0 if none).
    """

    label: tuple[PrefixEntry, ...] | None = None
    precedence: tuple[PrefixEntry, ...] | None = None
    scopev4: tuple[ScopeEntry, ...] | None = None
    reload: bool = False
    reload_line: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    path: str = "/etc/gai.conf"
    exists: bool = True

    def labels(self) -> tuple[PrefixEntry, ...]:
        """The effective label table."""
        return self.label if self.label is not None else DEFAULT_LABELS

    def precedences(self) -> tuple[PrefixEntry, ...]:
        """The effective precedence table."""
        return self.precedence if self.precedence is not None else DEFAULT_PRECEDENCE

    def scopes(self) -> tuple[ScopeEntry, ...]:
        """The effective scopev4 table."""
        return self.scopev4 if self.scopev4 is not None else DEFAULT_SCOPEV4

    @property
    def is_default(self) -> bool:
        """True when every table is the built-in one (absent, empty or comments-only file)."""
        return self.label is None and self.precedence is None and self.scopev4 is None


class _Diags:
    """Collects diagnostics for one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def error(self, lineno: int, reason: str) -> None:
        """A line glibc ignores (or worse)."""
        self.items.append(Diagnostic(self.path, lineno, reason, "error"))

    def warn(self, lineno: int, reason: str) -> None:
        """A line glibc accepts, probably not as meant."""
        self.items.append(Diagnostic(self.path, lineno, reason, "warning"))


class _LineBuffer:
    """glibc's reused ``getline`` buffer, byte for byte (for the stale ``endp``)."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.capacity = 0
        self.generation = 0  # bumped when getline would realloc

    def load(self, raw: bytes) -> None:
        """What ``getline`` does with the next line: copy it in, NUL-terminate, maybe grow."""
        need = len(raw) + 1
        if self.capacity == 0:
            self.capacity = _GETLINE_INITIAL
        if need > self.capacity:
            self.capacity = max(need, 2 * self.capacity)
            self.generation += 1
        if len(self.buf) < need:
            self.buf.extend(bytes(need - len(self.buf)))
        self.buf[: len(raw)] = raw
        self.buf[len(raw)] = 0


def _token(buf: bytearray, pos: int, end: int) -> tuple[int, int]:
    while pos < end and buf[pos] in _SPACE:
        pos += 1
    start = pos
    while pos < end and buf[pos] not in _SPACE:
        pos += 1
    return start, pos


def _c_strtoul(token: bytes) -> tuple[int, int, bool]:
    """``strtoul(token, &end, 10)``: value, characters used (0 when no digits), overflow."""
    return strtoul(token.decode("latin-1"), 10)


def _pton(family: int, token: bytes) -> bytes | None:
    try:
        return socket.inet_pton(family, token.decode("ascii"))
    except (OSError, ValueError, UnicodeError):
        return None


_V4MAPPED = bytes(10) + b"\xff\xff"


def parse_gai_conf(text: str | None, path: str = "/etc/gai.conf") -> GaiConf:
    """Parse gai.conf text (None: the file does not exist) as glibc 2.36 does."""
    if text is None:
        return GaiConf(path=path, exists=False)
    diags = _Diags(path)
    labels: list[PrefixEntry] = []
    precs: list[PrefixEntry] = []
    scopes: list[ScopeEntry] = []
    reload, reload_line = False, 0
    lb = _LineBuffer()
    # The scopev4 block's ``endp``: None until a scopev4 line calls strtoul,
    # then (offset into the line buffer, buffer generation).
    endp: tuple[int, int] | None = None

    raw_lines = encode_raw(text).split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    last = len(raw_lines) - 1
    for lineno0, body in enumerate(raw_lines):
        lineno = lineno0 + 1
        raw = body if lineno0 == last and not text.endswith("\n") else body + b"\n"
        lb.load(raw)
        buf = lb.buf
        end = raw.find(b"\0")
        if end < 0:
            end = len(raw)
        hash_at = raw.find(b"#", 0, end)
        if hash_at >= 0:
            buf[hash_at] = 0
            end = hash_at
        cmd_s, cmd_e = _token(buf, 0, end)
        pos = cmd_e
        if pos < end:
            buf[pos] = 0
            pos += 1
        v1_s, v1_e = _token(buf, pos, end)
        if v1_e == cmd_s:
            continue  # blank or comment-only line
        pos = v1_e
        if pos < end:
            buf[pos] = 0
            pos += 1
        v2_s, v2_e = _token(buf, pos, end)
        extra = _token(buf, v2_e, end)[0] < end
        buf[v2_e] = 0  # "Ignore the rest of the line."
        cmd = bytes(buf[cmd_s:cmd_e])
        val1 = bytes(buf[v1_s:v1_e])
        val2 = bytes(buf[v2_s:v2_e])
        keyword = cmd.decode("utf-8", "replace")

        if cmd in (b"label", b"precedence"):
            entry = _prefix_line(lb, v1_s, val1, val2, lineno, keyword, diags)
            if entry is not None:
                (labels if cmd == b"label" else precs).append(entry)
        elif cmd == b"scopev4":
            scope, endp = _scope_line(lb, v1_s, v2_s, val1, val2, lineno, endp, diags)
            if scope is not None:
                scopes.append(scope)
        elif cmd == b"reload":
            reload, reload_line = val1 == b"yes", lineno
            if val1 not in (b"yes", b"no"):
                shown = val1.decode("utf-8", "replace")
                diags.warn(lineno, f"reload {shown!r}: glibc switches reloading off for anything but 'yes'")
        else:
            diags.error(lineno, f"unknown keyword {keyword!r}; line ignored (keywords: label, precedence, scopev4, reload)")
            continue
        if extra:
            diags.warn(lineno, "text after the value is ignored")

    return GaiConf(
        label=_finish(labels, _IMPLICIT_LABEL, DEFAULT_LABELS, "label", _prefix_key, diags) if labels else None,
        precedence=_finish(precs, _IMPLICIT_PRECEDENCE, DEFAULT_PRECEDENCE, "precedence", _prefix_key, diags) if precs else None,
        scopev4=_finish(scopes, _IMPLICIT_SCOPE, DEFAULT_SCOPEV4, "scopev4", _scope_key, diags) if scopes else None,
        reload=reload,
        reload_line=reload_line,
        diagnostics=tuple(sorted(diags.items, key=lambda d: d.line)),
        path=path,
    )


def _number(token: bytes, lineno: int, what: str, high: int, diags: _Diags, low: int = 0) -> int | None:
    """A glibc ``strtoul`` field that must be all digits and within [low, high]; None if not."""
    value, used, overflow = _c_strtoul(token)
    if overflow or used != len(token) or not (low <= value <= high):
        diags.error(lineno, f"{what} {token.decode('utf-8', 'replace')!r} is not a number from {low} to {high}; line ignored")
        return None
    return value


def _prefix_line(
    lb: _LineBuffer, v1_s: int, val1: bytes, val2: bytes, lineno: int, keyword: str, diags: _Diags
) -> PrefixEntry | None:
    """One ``label``/``precedence`` line (glibc's ``add_prefixlist``)."""
    slash = val1.find(b"/")
    text = val1 if slash < 0 else val1[:slash]
    if slash >= 0:
        lb.buf[v1_s + slash] = 0
    prefix = _pton(socket.AF_INET6, text)
    if prefix is None:
        shown = text.decode("utf-8", "replace")
        hint = " (write IPv4 as ::ffff:a.b.c.d/96+n)" if _pton(socket.AF_INET, text) else ""
        diags.error(lineno, f"{keyword}: {shown!r} is not an IPv6 prefix{hint}; line ignored")
        return None
    if slash < 0:
        diags.error(lineno, f"{keyword}: prefix without /bits; glibc 2.36 reads an uninitialised pointer here and ignores the line (write /128 for one address)")
        return None
    bits_text = val1[slash + 1 :]
    bits = _number(bits_text, lineno, f"{keyword}: prefix length", 128, diags)
    if bits is None:
        return None
    if not bits_text:
        diags.warn(lineno, f"{keyword}: empty prefix length; glibc reads it as /0")
    value = _number(val2, lineno, f"{keyword}: value", _INT_MAX, diags)
    if value is None:
        return None
    if not val2:
        diags.warn(lineno, f"{keyword}: no value; glibc uses 0")
    return PrefixEntry(prefix, bits, value, lineno)


def _scope_line(
    lb: _LineBuffer,
    v1_s: int,
    v2_s: int,
    val1: bytes,
    val2: bytes,
    lineno: int,
    endp: tuple[int, int] | None,
    diags: _Diags,
) -> tuple[ScopeEntry | None, tuple[int, int] | None]:
    """One ``scopev4`` line, in glibc's evaluation order (and with its stale ``endp``)."""
    slash = val1.find(b"/")
    text = val1 if slash < 0 else val1[:slash]
    if slash >= 0:
        lb.buf[v1_s + slash] = 0
    shown = val1.decode("utf-8", "replace")
    v6 = _pton(socket.AF_INET6, text)
    v4 = None if v6 is not None else _pton(socket.AF_INET, text)
    if v6 is not None:
        if v6[:12] != _V4MAPPED:
            diags.error(lineno, f"scopev4: {shown!r} is an IPv6 prefix that is not IPv4-mapped (::ffff:a.b.c.d/96+n); line ignored")
            return None, endp
        packed, low, high = v6[12:], 96, 128
    elif v4 is not None:
        packed, low, high = v4, 0, 32
    else:
        diags.error(lineno, f"scopev4: {shown!r} is neither a.b.c.d/n nor ::ffff:a.b.c.d/n; line ignored")
        return None, endp
    if slash < 0:
        bits = high
        if endp is None:
            diags.error(lineno, "scopev4: prefix without /bits and no earlier scopev4 number: glibc 2.36 dereferences an uninitialised pointer here and the program crashes (SIGSEGV); netdb ignores the line")
            return None, endp
        offset, generation = endp
        if generation != lb.generation:
            diags.error(lineno, "scopev4: prefix without /bits after glibc's line buffer grew: glibc 2.36 reads freed memory here (undefined); netdb ignores the line")
            return None, endp
        if lb.buf[offset] != 0:
            diags.error(lineno, "scopev4: prefix without /bits; glibc 2.36 reads a stale pointer here and, in this file, ignores the line (write /32)")
            return None, endp
        diags.warn(lineno, "scopev4: prefix without /bits; glibc 2.36 reads a stale pointer here and, in this file, happens to accept the line as /32 (write /32)")
    else:
        bits_text = val1[slash + 1 :]
        used = _c_strtoul(bits_text)[1]
        endp = (v1_s + slash + 1 + used, lb.generation)
        checked = _number(bits_text, lineno, "scopev4: prefix length", high, diags, low)
        if checked is None:
            return None, endp
        bits = checked
        if not bits_text:
            diags.warn(lineno, "scopev4: empty prefix length; glibc reads it as /0")
    endp = (v2_s + _c_strtoul(val2)[1], lb.generation)
    value = _number(val2, lineno, "scopev4: value", _INT_MAX, diags)
    if value is None:
        return None, endp
    if not val2:
        diags.warn(lineno, "scopev4: no value; glibc uses 0")
    v4bits = bits - 96 if v6 is not None else bits
    mask = (0xFFFFFFFF << (32 - v4bits)) & 0xFFFFFFFF if v4bits else 0
    return ScopeEntry(int.from_bytes(packed, "big") & mask, v4bits, value, lineno), endp


def _prefix_key(e: PrefixEntry) -> Hashable:
    return (e.bits, int.from_bytes(e.prefix, "big") >> (128 - e.bits))


def _scope_key(e: ScopeEntry) -> Hashable:
    return (e.bits, e.network)


_E = TypeVar("_E", PrefixEntry, ScopeEntry)


def _finish(
    entries: list[_E],
    implicit: _E,
    defaults: Sequence[_E],
    keyword: str,
    key: Callable[[_E], Hashable],
    diags: _Diags,
) -> tuple[_E, ...]:
    """glibc's table: the lines in file order, the implicit /0 row, stably sorted longest first."""
    rows: list[_E] = list(entries)
    if not any(e.bits == 0 for e in rows):
        rows.append(implicit)
    table = sorted(rows, key=lambda e: -e.bits)
    first_line: dict[Hashable, int] = {}
    for e in table:
        k = key(e)
        if k in first_line:
            diags.warn(e.line, f"{keyword}: same prefix as line {first_line[k]}, which comes first and wins; this line has no effect")
        else:
            first_line[k] = e.line
    lost = [str(d) for d in defaults if key(d) not in first_line]
    if lost:
        first = min(e.line for e in table if e.line)
        diags.warn(first, f"{keyword} lines replace the whole built-in {keyword} table; these built-in rows no longer apply: {', '.join(lost)}")
    return tuple(table)
