"""Parser for /etc/host.conf (and its RESOLV_* variables), as glibc 2.36 reads it.

Rules (``resolv/res_hconf.c``; checked on this machine: glibc-behavior.md §3.7
and ``tests/conformance/test_config_files_glibc.py``):

* The file is read with ``fgets`` into a 256-byte buffer: **a line longer than
  255 bytes is read as several lines**, each counted in the line numbers of
  glibc's messages.  A NUL ends the line.  ``#`` starts a comment anywhere.
* Keywords are ASCII case-insensitive and end at whitespace, ``#`` or ``,``:
  ``multi on|off``, ``reorder on|off``, ``trim DOMAIN...`` and ``order ...``
  (accepted and ignored).  Anything else (``nospoof``, ``spoof`` ...)
  prints ``FILE: line N: bad command `REST OF LINE'``.
* ``on``/``off`` are compared by prefix, case-insensitively: ``ON`` works,
  ``one`` is ``on`` followed by trailing garbage ``e``.  Anything else prints
  ``expected `on' or `off', found `REST'`` and leaves the flag unchanged.
  After a value, anything but whitespace or a comment prints ``ignoring
  trailing garbage `REST'``.
* ``trim`` takes domains separated by whitespace or ``,``; a ``;`` or ``:``
  after whitespace separates too, but inside a word it is part of the domain.
  Each trim line adds to the list, at most 4 domains in all (then ``cannot
  specify more than 4 trim domains``, without a newline).  A word that is
  empty (``trim`` alone, ``trim #c``, ``trim ,x``) adds an *empty* domain,
  which matches every name and so stops all later trim domains.
* ``multi`` and ``reorder`` default to **off**, also when the file is missing.
* Then the environment: ``RESOLV_MULTI`` and ``RESOLV_REORDER`` (``on``/``off``
  by prefix, no trailing-garbage check), ``RESOLV_ADD_TRIM_DOMAINS`` (added),
  ``RESOLV_OVERRIDE_TRIM_DOMAINS`` (replaces the list).  Their messages name
  the variable and ``line 1``.  ``RESOLV_HOST_CONF`` names the file to read
  instead (``host_conf_path``).

glibc prints its messages on stderr once per process, when it first reads the
file; ``HostConf.messages`` holds them byte-for-byte (as text).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._text import C_SPACE, ascii_lower, decode, encode_raw
from .diagnostics import Diagnostic
from .origin import DEFAULT, Origin

__all__ = ["TRIMDOMAINS_MAX", "HostConf", "host_conf_path", "parse_host_conf", "trim_name"]

TRIMDOMAINS_MAX = 4
"""How many trim domains glibc keeps."""

_BUF = 256  # the fgets buffer: at most 255 bytes per read
_KEYWORDS = ("order", "trim", "multi", "reorder")
_SPACE = frozenset(C_SPACE.encode())


class HostConf:
    """The effective host.conf settings.

    ``multi``: use every matching /etc/hosts line, not only the first.
    ``reorder``: gethostbyname* swap the first IPv4 address that lies on a
    directly connected subnet with the first address (checked against glibc).
    ``trim``: domains removed from the end of names in reverse results, in
    the order glibc tries them; ``trim_origins`` says where each came from.
    ``origins`` maps ``multi``, ``reorder`` and ``trim`` to where their
    current value was set.  ``messages`` are glibc's stderr texts, exactly.
    """

    # Written out as a frozen dataclass would generate it (same constructor,
    # repr, equality, hash, FrozenInstanceError, copy), without importing
    # dataclasses and building the class at startup: about a millisecond
    # that every ``lookup host`` paid (as NsswitchConf).
    __slots__ = ("path", "missing", "multi", "reorder", "trim", "trim_origins", "origins", "messages", "diagnostics")  # noqa: RUF023
    _FIELDS = __slots__
    __match_args__ = ("path", "missing", "multi", "reorder", "trim", "trim_origins", "origins", "messages", "diagnostics")

    path: str
    missing: bool
    multi: bool
    reorder: bool
    trim: tuple[str, ...]
    trim_origins: tuple[Origin, ...]
    origins: Mapping[str, Origin]
    messages: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    def __init__(self, path: str, missing: bool, multi: bool, reorder: bool, trim: tuple[str, ...],
                 trim_origins: tuple[Origin, ...], origins: Mapping[str, Origin], messages: tuple[str, ...],
                 diagnostics: tuple[Diagnostic, ...]) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "path", path)
        setattr_(self, "missing", missing)
        setattr_(self, "multi", multi)
        setattr_(self, "reorder", reorder)
        setattr_(self, "trim", trim)
        setattr_(self, "trim_origins", trim_origins)
        setattr_(self, "origins", origins)
        setattr_(self, "messages", messages)
        setattr_(self, "diagnostics", diagnostics)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._FIELDS)

    def __setattr__(self, name: str, value: object) -> None:
        if type(self) is HostConf or name in self._FIELDS:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is HostConf or name in self._FIELDS:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, HostConf)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELDS)
        return f"{self.__class__.__qualname__}({fields})"

    def __getstate__(self) -> list[Any]:
        return list(self._values())

    def __setstate__(self, state: list[Any]) -> None:
        for f, value in zip(self._FIELDS, state, strict=False):
            object.__setattr__(self, f, value)

    def origin(self, setting: str) -> Origin:
        """Where ``setting`` (``multi``, ``reorder`` or ``trim``) came from."""
        return self.origins.get(setting, DEFAULT)


def host_conf_path(env: Mapping[str, str] | None, default: str = "/etc/host.conf") -> str:
    """The file glibc reads: ``RESOLV_HOST_CONF`` when set (even empty), else ``default``."""
    if env is not None and "RESOLV_HOST_CONF" in env:
        return env["RESOLV_HOST_CONF"]
    return default


class _Parser:
    def __init__(self) -> None:
        self.flags = {"multi": False, "reorder": False}
        self.trim: list[str] = []
        self.trim_origins: list[Origin] = []
        self.origins: dict[str, Origin] = {}
        self.messages: list[str] = []
        self.diags: list[Diagnostic] = []

    def say(self, fname: str, glibc_line: int, text: str, newline: bool, where: tuple[str, int]) -> None:
        message = f"{fname}: line {glibc_line}: {text}"
        self.messages.append(message + ("\n" if newline else ""))
        self.diags.append(Diagnostic(where[0], where[1], f"glibc prints: {message}", "warning"))

    def arg_bool(self, fname: str, glibc_line: int, args: bytes, flag: str, origin: Origin,
                 where: tuple[str, int]) -> bytes | None:
        head = args[:3].lower()
        if head[:2] == b"on":
            self.flags[flag] = True
            rest = args[2:]
        elif head == b"off":
            self.flags[flag] = False
            rest = args[3:]
        else:
            self.say(fname, glibc_line, f"expected `on' or `off', found `{decode(args)}'", True, where)
            return None
        self.origins[flag] = origin
        return rest

    def arg_trim(self, fname: str, glibc_line: int, args: bytes, origin: Origin,
                 where: tuple[str, int]) -> bytes | None:
        i, n = 0, len(args)
        while True:
            start = i
            while i < n and args[i] not in _SPACE and args[i] not in b"#,":
                i += 1
            if len(self.trim) >= TRIMDOMAINS_MAX:
                self.say(fname, glibc_line, f"cannot specify more than {TRIMDOMAINS_MAX} trim domains", False, where)
                return None
            domain = decode(args[start:i])
            if not domain:
                self.diags.append(Diagnostic(
                    where[0], where[1],
                    "an empty trim domain: it matches every name, so glibc never tries the trim domains after it",
                    "warning"))
            self.trim.append(domain)
            self.trim_origins.append(origin)
            self.origins["trim"] = origin
            while i < n and args[i] in _SPACE:
                i += 1
            if i < n and args[i] in b",;:":
                i += 1
                while i < n and args[i] in _SPACE:
                    i += 1
                if i >= n or args[i] == 0x23:
                    self.say(fname, glibc_line, "list delimiter not followed by domain", False, where)
                    return None
            if i >= n or args[i] == 0x23:
                return args[i:]

    def line(self, fname: str, glibc_line: int, s: bytes, where: tuple[str, int]) -> None:
        i, n = 0, len(s)
        while i < n and s[i] in _SPACE:
            i += 1
        if i >= n or s[i] == 0x23:
            return
        start = i
        while i < n and s[i] not in _SPACE and s[i] not in b"#,":
            i += 1
        word = ascii_lower(decode(s[start:i]))
        if word not in _KEYWORDS:
            self.say(fname, glibc_line, f"bad command `{decode(s[start:])}'", True, where)
            return
        while i < n and s[i] in _SPACE:
            i += 1
        args = s[i:]
        origin = Origin.file(where[0], where[1])
        if word == "order":
            self.diags.append(Diagnostic(where[0], where[1], "'order' is accepted and ignored by glibc 2.36 (nsswitch.conf decides)", "warning"))
            return
        rest = (self.arg_trim(fname, glibc_line, args, origin, where) if word == "trim"
                else self.arg_bool(fname, glibc_line, args, word, origin, where))
        if rest is None:
            return
        j = 0
        while j < len(rest) and rest[j] in _SPACE:
            j += 1
        if j < len(rest) and rest[j] != 0x23:
            self.say(fname, glibc_line, f"ignoring trailing garbage `{decode(rest[j:])}'", True, where)


def _chunks(data: bytes) -> list[tuple[int, bytes]]:
    """What each ``fgets(buf, 256)`` call returns, with the physical line it belongs to."""
    out: list[tuple[int, bytes]] = []
    physical = 1
    i, n = 0, len(data)
    while i < n:
        end = data.find(b"\n", i, i + _BUF - 1)
        if end < 0:
            piece = data[i:i + _BUF - 1]
            i += len(piece)
            out.append((physical, piece))
        else:
            out.append((physical, data[i:end]))
            i = end + 1
            physical += 1
    return out


def parse_host_conf(
    text: str | None,
    path: str = "/etc/host.conf",
    *,
    env: Mapping[str, str] | None = None,
) -> HostConf:
    """Parse host.conf text (``None``: no file) and apply the RESOLV_* variables of ``env``.

    ``path`` is the name glibc uses in its messages: the file actually read
    (``host_conf_path(env)``).
    """
    env = env or {}
    p = _Parser()
    if text is not None:
        chunks = _chunks(encode_raw(text))
        split_lines = {ph for k, (ph, _) in enumerate(chunks) if k and chunks[k - 1][0] == ph}
        for ph in sorted(split_lines):
            p.diags.append(Diagnostic(
                path, ph, "line longer than 255 bytes: glibc reads it in pieces, each parsed as a line of its own", "warning"))
        for glibc_line, (ph, piece) in enumerate(chunks, 1):
            p.line(path, glibc_line, piece.split(b"\0", 1)[0], (path, ph))
    for var, flag in (("RESOLV_MULTI", "multi"), ("RESOLV_REORDER", "reorder")):
        if var in env:
            p.arg_bool(var, 1, encode_raw(env[var]).split(b"\0", 1)[0], flag, Origin.env(var), (var, 0))
    if "RESOLV_ADD_TRIM_DOMAINS" in env:
        var = "RESOLV_ADD_TRIM_DOMAINS"
        p.arg_trim(var, 1, encode_raw(env[var]), Origin.env(var), (var, 0))
    if "RESOLV_OVERRIDE_TRIM_DOMAINS" in env:
        var = "RESOLV_OVERRIDE_TRIM_DOMAINS"
        p.trim.clear()
        p.trim_origins.clear()
        p.arg_trim(var, 1, encode_raw(env[var]), Origin.env(var), (var, 0))
        p.origins["trim"] = Origin.env(var)
    p.diags.sort(key=lambda d: (d.path != path, d.line))
    return HostConf(
        path=path,
        missing=text is None,
        multi=p.flags["multi"],
        reorder=p.flags["reorder"],
        trim=tuple(p.trim),
        trim_origins=tuple(p.trim_origins),
        origins=MappingProxyType(p.origins),
        messages=tuple(p.messages),
        diagnostics=tuple(p.diags),
    )


def trim_name(name: str, conf: HostConf) -> str:
    """``name`` with the first matching trim domain removed (glibc's ``_res_hconf_trim_domain``).

    The trim domains are tried in order; the first one that is a
    case-insensitive (ASCII) suffix of ``name``, and shorter than it, is cut
    off exactly as written (``trim example.com`` turns ``web.example.com``
    into ``web.``).  Only reverse lookups (gethostbyaddr, getnameinfo) apply
    this, to h_name and to every alias.
    """
    raw = encode_raw(name)
    for domain in conf.trim:
        suffix = encode_raw(domain)
        if len(raw) > len(suffix) and _lower(raw[len(raw) - len(suffix):]) == _lower(suffix):
            return decode(raw[:len(raw) - len(suffix)])
    return name


def _lower(b: bytes) -> bytes:
    return b.lower()  # bytes.lower() folds ASCII letters only, as strcasecmp does
