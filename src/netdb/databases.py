"""Indexed services, protocols, networks and rpc databases.

Each is built once per file version from a parser's records and answers
glibc's ``files`` lookups in constant time: **the first line that matches
wins**, names match exactly (case-sensitively) except in /etc/networks, where
``getnetbyname`` folds ASCII case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from .files._text import ascii_lower
from .files.diagnostics import Diagnostic, Parsed
from .records import servent

if TYPE_CHECKING:
    from .records import netent, protoent, rpcent

__all__ = ["NetworksDB", "ProtocolsDB", "RpcDB", "ServicesDB"]

# Unconstrained, and the other tables name their record type as a string, so
# that importing this module (for the services table) does not load
# netdb._records_other.
R = TypeVar("R")


class _Table(Generic[R]):
    """Records in file order with their line numbers and the parser's diagnostics."""

    __slots__ = ("diagnostics", "entries", "lines", "path")

    def __init__(self, parsed: Parsed[R], path: str) -> None:
        self.path = path
        self.entries: list[R] = parsed.entries
        self.lines: list[int] = parsed.lines
        self.diagnostics: list[Diagnostic] = parsed.diagnostics

    def line_of(self, entry_index: int) -> int:
        """The line number of the entry at ``entry_index``."""
        return self.lines[entry_index]


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


def _first_by_names(entries: Sequence[_Named], fold: bool = False) -> dict[str, int]:
    """Map every name and alias to the index of the first entry that has it."""
    index: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for name in (entry.name, *entry.aliases):
            index.setdefault(ascii_lower(name) if fold else name, i)
    return index


class ServicesDB(_Table[servent]):
    """/etc/services: lookups by name (and protocol) and by port (and protocol)."""

    __slots__ = ("_by_name", "_by_name_proto", "_by_port", "_by_port_proto")

    def __init__(self, parsed: Parsed[servent], path: str = "/etc/services") -> None:
        super().__init__(parsed, path)
        self._by_name = _first_by_names(self.entries)
        # The other indexes are built on first use (_more_indexes): a lookup
        # by name alone, such as ``lookup serv mysql``, needs none of them.
        self._by_name_proto: dict[tuple[str, str], int] | None = None
        self._by_port: dict[int, int] | None = None
        self._by_port_proto: dict[tuple[int, str], int] | None = None

    def _more_indexes(self) -> tuple[dict[tuple[str, str], int], dict[int, int], dict[tuple[int, str], int]]:
        """Build the by-name-and-protocol and by-port indexes (two threads may both: same dicts)."""
        by_name_proto: dict[tuple[str, str], int] = {}
        by_port: dict[int, int] = {}
        by_port_proto: dict[tuple[int, str], int] = {}
        for i, e in enumerate(self.entries):
            for name in (e.name, *e.aliases):
                by_name_proto.setdefault((name, e.proto), i)
            by_port.setdefault(e.port, i)
            by_port_proto.setdefault((e.port, e.proto), i)
        self._by_name_proto = by_name_proto
        self._by_port = by_port
        self._by_port_proto = by_port_proto
        return by_name_proto, by_port, by_port_proto

    def index_by_name(self, name: str, proto: str | None = None) -> int | None:
        """Index of the first entry named ``name`` (and with protocol ``proto``)."""
        if proto is None:
            return self._by_name.get(name)
        index = self._by_name_proto
        if index is None:
            index = self._more_indexes()[0]
        return index.get((name, proto))

    def index_by_port(self, port: int, proto: str | None = None) -> int | None:
        """Index of the first entry with ``port`` (and protocol ``proto``)."""
        if proto is None:
            by_port = self._by_port
            if by_port is None:
                by_port = self._more_indexes()[1]
            return by_port.get(port)
        index = self._by_port_proto
        if index is None:
            index = self._more_indexes()[2]
        return index.get((port, proto))

    def by_name(self, name: str, proto: str | None = None) -> servent | None:
        """``getservbyname``: the first entry with this name or alias (exact case)."""
        i = self.index_by_name(name, proto)
        return None if i is None else self.entries[i]

    def by_port(self, port: int, proto: str | None = None) -> servent | None:
        """``getservbyport``: the first entry with this port."""
        i = self.index_by_port(port, proto)
        return None if i is None else self.entries[i]


class ProtocolsDB(_Table["protoent"]):
    """/etc/protocols: lookups by name and by number."""

    __slots__ = ("_by_name", "_by_number")

    def __init__(self, parsed: Parsed[protoent], path: str = "/etc/protocols") -> None:
        super().__init__(parsed, path)
        self._by_name = _first_by_names(self.entries)
        by_number: dict[int, int] = {}
        for i, e in enumerate(self.entries):
            by_number.setdefault(e.number, i)
        self._by_number = by_number

    def index_by_name(self, name: str) -> int | None:
        """Index of the first entry with this name or alias (exact case)."""
        return self._by_name.get(name)

    def index_by_number(self, number: int) -> int | None:
        """Index of the first entry with this number."""
        return self._by_number.get(number)


class NetworksDB(_Table["netent"]):
    """/etc/networks: lookups by name (ASCII case-insensitive) and by network number."""

    __slots__ = ("_by_name", "_by_net")

    def __init__(self, parsed: Parsed[netent], path: str = "/etc/networks") -> None:
        super().__init__(parsed, path)
        self._by_name = _first_by_names(self.entries, fold=True)
        by_net: dict[int, int] = {}
        for i, e in enumerate(self.entries):
            by_net.setdefault(e.net, i)
        self._by_net = by_net

    def index_by_name(self, name: str) -> int | None:
        """Index of the first entry with this name or alias, ignoring ASCII case."""
        return self._by_name.get(ascii_lower(name))

    def index_by_addr(self, net: int, addrtype: int) -> int | None:
        """``getnetbyaddr(net, type)``: type AF_INET or AF_UNSPEC matches (every entry is AF_INET)."""
        if addrtype not in (0, 2):  # AF_UNSPEC, AF_INET
            return None
        return self._by_net.get(net & 0xFFFFFFFF)


class RpcDB(_Table["rpcent"]):
    """/etc/rpc: lookups by name and by program number."""

    __slots__ = ("_by_name", "_by_number")

    def __init__(self, parsed: Parsed[rpcent], path: str = "/etc/rpc") -> None:
        super().__init__(parsed, path)
        self._by_name = _first_by_names(self.entries)
        by_number: dict[int, int] = {}
        for i, e in enumerate(self.entries):
            by_number.setdefault(e.number, i)
        self._by_number = by_number

    def index_by_name(self, name: str) -> int | None:
        """Index of the first entry with this name or alias (exact case)."""
        return self._by_name.get(name)

    def index_by_number(self, number: int) -> int | None:
        """Index of the first entry with this number."""
        return self._by_number.get(number)
