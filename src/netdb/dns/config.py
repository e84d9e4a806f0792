"""The DNS configuration one lookup uses, and the state glibc keeps between lookups.

``DnsConfig`` is built from our parse of resolv.conf (``netdb.files.resolvconf``,
with LOCALDOMAIN and RES_OPTIONS already applied) and a Resolver's overrides:
``nameservers`` (``"127.0.0.1:5353"``, ``"::1"``, ``"[::1]:5353"``) replaces the
servers, for tests and labs; the rest is resolv.conf's.

``ResolverState`` is what glibc remembers across calls in one process: the
``rotate`` offset (random at first use, then one step per ``res_send`` call),
and the ``single-request`` / ``single-request-reopen`` switches that
``res_send`` turns on by itself after a server answered only one of the A and
AAAA queries sent together (they stay on until resolv.conf changes).
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..files._text import c_int, encode_raw
from ..inet import inet_aton_exact, inet_ntop, inet_pton6

if TYPE_CHECKING:
    from ..files.resolvconf import ResolvConf

__all__ = ["DnsConfig", "ResolverState", "Server", "parse_server"]


class Server(NamedTuple):
    """One name server: address (no scope), family, port, scope id."""

    address: str
    family: int
    port: int = 53
    scope_id: int = 0

    @property
    def sockaddr(self) -> tuple[str, int] | tuple[str, int, int, int]:
        """The socket address queries go to."""
        if self.family == socket.AF_INET6:
            return (self.address, self.port, 0, self.scope_id)
        return (self.address, self.port)

    @property
    def label(self) -> str:
        """``127.0.0.53:53`` or ``[::1]:53``, as traces show it."""
        if self.family == socket.AF_INET6:
            scope = f"%{self.scope_id}" if self.scope_id else ""
            return f"[{self.address}{scope}]:{self.port}"
        return f"{self.address}:{self.port}"


def parse_server(text: str) -> Server:
    """A nameserver override: ``ADDR``, ``ADDR:PORT`` (IPv4) or ``[ADDR6]:PORT``.

    Raises ``ValueError`` for anything else.
    """
    host, port = text.strip(), 53
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            raise ValueError(f"bad name server {text!r}: missing ']'")
        rest = host[end + 1 :]
        host = host[1:end]
        if rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                raise ValueError(f"bad name server {text!r}: expected [ADDRESS]:PORT")
            port = int(rest[1:])
    elif host.count(":") == 1:
        host, _, port_text = host.partition(":")
        if not port_text.isdigit():
            raise ValueError(f"bad name server {text!r}: the port must be a number")
        port = int(port_text)
    if not 0 < port < 65536:
        raise ValueError(f"bad name server {text!r}: port out of range")
    packed = inet_aton_exact(host) if "." in host and ":" not in host else None
    if packed is not None:
        return Server(socket.inet_ntoa(packed), socket.AF_INET, port)
    addr, _, scope = host.partition("%")
    packed6 = inet_pton6(addr)
    if packed6 is None:
        raise ValueError(f"bad name server {text!r}: not an IPv4 or IPv6 address")
    scope_id = 0
    if scope:
        scope_id = int(scope) if scope.isdigit() else socket.if_nametoindex(scope)
    return Server(inet_ntop(packed6), socket.AF_INET6, port, scope_id)


@dataclass(frozen=True, slots=True)
class DnsConfig:
    """Everything ``res_search``/``res_send`` read from the resolver configuration.

    ``search`` holds the search domains as raw bytes, exactly as glibc stores
    them.  ``attempts`` of 0 or less means no query is ever sent.  ``fatal`` is
    set when glibc itself would abort or hang with this configuration.
    ``origin`` says where the servers came from (a path, or ``override``).
    """

    servers: tuple[Server, ...]
    search: tuple[bytes, ...]
    ndots: int = 1
    timeout: int = 5
    attempts: int = 2
    rotate: bool = False
    edns0: bool = False
    single_request: bool = False
    single_request_reopen: bool = False
    no_tld_query: bool = False
    use_vc: bool = False
    trust_ad: bool = False
    no_aaaa: bool = False
    sortlist: tuple[tuple[bytes, bytes], ...] = ()
    fatal: str | None = None
    origin: str = "resolv.conf"

    @classmethod
    def from_resolv_conf(cls, rc: ResolvConf, servers: tuple[Server, ...] | None = None) -> DnsConfig:
        """The configuration for ``rc``, with ``servers`` replacing its name servers when given."""
        origin = rc.path
        if servers is None:
            servers = tuple(Server(ns.address, ns.family, ns.port, ns.scope_id) for ns in rc.nameservers)
        else:
            origin = "override"
        sortlist = tuple((socket.inet_aton(e.address), socket.inet_aton(e.mask)) for e in rc.sortlist)
        return cls(
            servers=servers,
            search=tuple(encode_raw(d) for d in rc.search),
            ndots=rc.ndots,
            timeout=rc.timeout,
            attempts=rc.attempts,
            rotate=rc.rotate,
            edns0=rc.edns0,
            single_request=rc.single_request,
            single_request_reopen=rc.single_request_reopen,
            no_tld_query=rc.no_tld_query,
            use_vc=rc.use_vc,
            trust_ad=rc.trust_ad,
            no_aaaa=rc.no_aaaa,
            sortlist=sortlist,
            fatal=rc.fatal,
            origin=origin,
        )

    def try_timeout(self, index: int) -> int:
        """Seconds ``res_send`` waits for server ``index`` (0-based) in each round.

        ``timeout`` for the first server, ``(timeout << i) / nservers`` for the
        others, and at least 1 (glibc-behavior.md §8.4).
        """
        seconds = c_int(self.timeout << index) if index < 32 else 0
        if index > 0:
            seconds = int(seconds / len(self.servers))
        return seconds if seconds > 0 else 1

    def max_seconds(self) -> float:
        """The longest one ``res_send`` call can take by glibc's schedule (all servers, all attempts)."""
        if self.attempts <= 0:
            return 0.0
        per_round = sum(self.try_timeout(i) for i in range(len(self.servers)))
        return float(per_round * self.attempts)


class ResolverState:
    """What glibc keeps between calls: the rotate offset and the sticky single-request switches.

    One per Resolver (glibc: one per process, and per thread for the
    switches); ``reset`` forgets the switches when the configuration changes.
    """

    __slots__ = ("_lock", "_offset", "single_request", "single_request_reopen", "version")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset: int | None = None
        self.single_request = False
        self.single_request_reopen = False
        self.version: object = None

    def next_offset(self, nservers: int) -> int:
        """The rotate offset for one ``res_send`` call: a random start, then one step per call."""
        with self._lock:
            if self._offset is None:
                self._offset = int.from_bytes(os.urandom(4), "big") >> 2
            offset = self._offset
            self._offset += 1
        return offset % nservers

    def for_config(self, version: object) -> ResolverState:
        """This state, with the sticky switches forgotten when ``version`` (the config) changed."""
        if version is not self.version:
            self.version = version
            self.single_request = self.single_request_reopen = False
        return self
