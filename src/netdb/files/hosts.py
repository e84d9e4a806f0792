"""Parser for /etc/hosts: ``address official-name [alias ...]``.

As glibc's nss_files reads it: the address must be a strict ``inet_pton`` form
(no ``127.1``, no leading zeros, no ``%scope``); names are any tokens, kept as
written; a line with an address and no name is a valid entry with an empty
name; duplicate names and aliases are kept.  Which lines a lookup uses depends
on the family asked for; that logic lives in ``netdb.hostsdb``, not here.
"""

import socket
from typing import NamedTuple

from ._lineparse import records
from .diagnostics import Diagnostic

__all__ = ["HostsLine", "ParsedHosts", "parse_hosts"]


class HostsLine(NamedTuple):
    """One usable line of a hosts file."""

    lineno: int
    packed: bytes  # 4 bytes for IPv4, 16 for IPv6
    name: str  # the official name; "" for an address-only line
    aliases: tuple[str, ...]

    @property
    def family(self) -> int:
        """AF_INET or AF_INET6."""
        return socket.AF_INET if len(self.packed) == 4 else socket.AF_INET6

    @property
    def address(self) -> str:
        """The address in presentation form (``0:0::1`` becomes ``::1``)."""
        return socket.inet_ntop(self.family, self.packed)


class ParsedHosts(NamedTuple):
    """The usable lines of a hosts file, in file order, and the diagnostics."""

    entries: list[HostsLine]
    diagnostics: list[Diagnostic]


# CPython's gethostbyname_r/gethostbyaddr_r buffer: 16384 bytes, 16383 passed.
# nss_files puts a 32-byte hostent_data, then the line (with its newline and a
# NUL), then the alias pointer array (8-byte aligned) in it.
_PY_BUFFER = 16383
_HOSTENT_DATA = 32


def python_buffer_fit(raw_line: bytes, aliases: int | None) -> tuple[bool, bool]:
    """Whether a hosts line (without its newline) can be read, and parsed, in CPython's buffer.

    ``aliases`` is None for a line that has no usable address (only read,
    never parsed into aliases).
    """
    end = _HOSTENT_DATA + len(raw_line) + 2
    if end > _PY_BUFFER:
        return False, False
    if aliases is None:
        return True, True
    pointers = (end + 7) // 8 * 8
    return True, pointers + (aliases + 2) * 8 <= _PY_BUFFER


def parse_hosts(text: str, path: str = "/etc/hosts") -> ParsedHosts:
    """Parse hosts-file text into lines and diagnostics."""
    entries: list[HostsLine] = []
    diags: list[Diagnostic] = []
    packed_of: dict[str, bytes | None] = {}
    for lineno, fields, _ in records(text):
        addr = fields[0]
        packed = packed_of.get(addr, b"")
        if packed == b"":
            packed = packed_of[addr] = _packed(addr)
        if packed is None:
            diags.append(Diagnostic(path, lineno, _bad_address_reason(addr)))
            continue
        if len(fields) == 1:
            diags.append(Diagnostic(path, lineno, f"address {addr} has no host name; glibc keeps it with an empty name", "warning"))
            entries.append(HostsLine(lineno, packed, "", ()))
        else:
            entries.append(HostsLine(lineno, packed, fields[1], tuple(fields[2:])))
    return ParsedHosts(entries, diags)


def _packed(addr: str) -> bytes | None:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return socket.inet_pton(family, addr)
        except (OSError, ValueError, UnicodeError):
            continue
    return None


def _bad_address_reason(addr: str) -> str:
    if "%" in addr:
        why = "a scope id (%...) is not allowed in hosts files"
    elif ":" not in addr and addr[:1].isdigit():
        why = "IPv4 addresses must be four decimal parts without leading zeros"
    else:
        why = "not an IPv4 or IPv6 address"
    return f"{addr!r} is not a valid address ({why}); glibc ignores this line"
