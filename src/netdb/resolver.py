"""The Resolver: one configuration of the name-service layer.

A ``Resolver`` knows where its files are (an ``etc`` directory: ``/etc`` by
default, ``$NETDB_ETC`` when set, or the ``etc`` argument), keeps each file
parsed and indexed, and answers every ``<netdb.h>`` question from them.  Files
are checked with one ``stat`` per use and re-read when they change, except
``gai.conf`` and ``host.conf``, which glibc reads once per process (gai.conf
again on each call when it says ``reload yes``); a Resolver does the same.

Every lookup goes through the name-service switch as ``nsswitch.conf``
configures it.  Module-level functions in ``netdb`` use a default Resolver.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import dbapi
from .filecache import CachedFile, Snapshot
from .files.nsswitch import NsswitchConf, parse_nsswitch, unreadable_nsswitch

if TYPE_CHECKING:
    import random

    from .databases import NetworksDB, ProtocolsDB, RpcDB, ServicesDB
    from .files.gaiconf import GaiConf
    from .files.hostconf import HostConf
    from .files.resolvconf import ResolvConf
    from .gai import GaiAnswer
    from .hostsdb import HostsDB
    from .records import hostent, netent, protoent, rpcent, servent
    from .srv import SrvResult
    from .switch import Step
    from .watch import Watcher

__all__ = ["Resolver"]

_AF_INET = 2  # socket.AF_INET (2 on every platform); socket itself is loaded only where needed

_SYNC_PERFORM: list[Callable[[Any], Any]] = []  # netdb.dns.syncio.perform, once loaded


# Each file's parser is imported when that file is first read, so that a
# command needing one database loads only that database's code.


def _hosts_db(text: str | None, path: str) -> HostsDB:
    from .hostsdb import HostsDB

    return HostsDB(text or "", path)


def _services_db(text: str | None, path: str) -> ServicesDB:
    from .databases import ServicesDB
    from .files.services import parse_services

    return ServicesDB(parse_services(text or "", path), path)


def _protocols_db(text: str | None, path: str) -> ProtocolsDB:
    from .databases import ProtocolsDB
    from .files.protocols import parse_protocols

    return ProtocolsDB(parse_protocols(text or "", path), path)


def _networks_db(text: str | None, path: str) -> NetworksDB:
    from .databases import NetworksDB
    from .files.networks import parse_networks

    return NetworksDB(parse_networks(text or "", path), path)


def _rpc_db(text: str | None, path: str) -> RpcDB:
    from .databases import RpcDB
    from .files.rpc import parse_rpc

    return RpcDB(parse_rpc(text or "", path), path)


def _gai_conf(text: str | None, path: str) -> GaiConf:
    from .files.gaiconf import parse_gai_conf

    return parse_gai_conf(text, path)


def _load_sync_perform() -> Callable[[Any], Any]:
    from .dns.syncio import perform

    _SYNC_PERFORM.append(perform)
    return perform


def _consequence(kind: str, snap: Snapshot[Any]) -> str:
    """What a file that could not be read means for lookups (docs/hostile-files.md)."""
    why = snap.error or "unreadable"
    if snap.stage == "open":
        return f"cannot be opened ({why}); read as a missing file, as glibc does"
    verb = "cannot be read" if snap.stage == "read" else "not read"
    if kind == "nsswitch.conf":
        effect = "every lookup fails, as in glibc"
    elif kind == "hosts":
        effect = "host lookups that read it fail (EAI_SYSTEM)"
    elif kind in ("services", "protocols", "networks", "rpc"):
        effect = "read as an empty database"
    else:
        effect = "its built-in defaults apply"
    return f"{verb} ({why}); {effect}"


def _default_etc() -> str:
    return os.environ.get("NETDB_ETC") or "/etc"



_addrsort: Any = None


def _load_addrsort() -> Any:
    global _addrsort
    from . import addrsort

    _addrsort = addrsort
    return addrsort


class Resolver:
    """The name-service layer for one ``etc`` directory.

    ``Resolver(etc="/srv/chroot/etc")`` answers as glibc would inside that
    tree.  ``env`` replaces ``os.environ`` for the variables glibc reads
    (LOCALDOMAIN, RES_OPTIONS, RESOLV_MULTI, RESOLV_HOST_CONF ...);
    ``hostname`` replaces ``socket.gethostname()``.

    DNS uses this directory's ``resolv.conf`` (re-read when it changes, as
    glibc does).  ``nameservers`` replaces its servers: strings such as
    ``"127.0.0.1"``, ``"127.0.0.1:5353"``, ``"::1"`` or ``"[::1]:5353"`` (a
    port other than 53 is ours: glibc always uses 53).  ``timeout`` (seconds)
    bounds every call that needs DNS: no wait goes past it, whatever
    resolv.conf's schedule says, and the call then fails as on a timeout
    (EAI_AGAIN) — unless part of the answer is in: when the A reply came and
    the AAAA reply did not, the call returns the A addresses, as glibc does
    once its own schedule for the missing half runs out.

    ``switch`` replaces nsswitch.conf lines, as ``getent -s`` does:
    ``{"hosts": "files"}`` asks the hosts file alone, ``{"hosts": "dns"}``
    DNS alone (what ``lookup --via`` uses).  ``nss_modules`` names NSS modules
    to treat as installed although their library is missing here (for
    ``myhostname``: glibc uses it only when ``libnss_myhostname.so.2`` exists).

    Raises ``ConfigError`` when ``etc`` is not a directory and ``ValueError``
    for a malformed name server or a timeout that is not positive.
    """

    def __init__(
        self,
        etc: str | os.PathLike[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        hostname: str | None = None,
        nameservers: Sequence[str] | None = None,
        timeout: float | None = None,
        switch: Mapping[str, str] | None = None,
        nss_modules: Iterable[str] = (),
    ) -> None:
        self.etc = os.fspath(etc) if etc is not None else _default_etc()
        if not os.path.isdir(self.etc):
            from .errors import ConfigError

            raise ConfigError("no such directory" if not os.path.exists(self.etc) else "not a directory", self.etc)
        self.env: Mapping[str, str] = os.environ if env is None else env
        self._hostname = hostname
        self._servers: tuple[Any, ...] | None = None
        if nameservers is not None:
            from .dns.config import parse_server

            if isinstance(nameservers, str):
                nameservers = [nameservers]
            self._servers = tuple(parse_server(text) for text in nameservers)
            if not self._servers:
                raise ValueError("nameservers: give at least one server")
        if timeout is not None and not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.timeout = timeout
        self._switch_override: dict[str, tuple[Any, ...]] = {}
        if switch:
            from .files.nsswitch import parse_sources

            for db, line in switch.items():
                self._switch_override[db] = parse_sources(line, 0)[0]
        self._nss_modules = frozenset(nss_modules)
        self._dns: tuple[Any, Any, Any] | None = None
        self._dns_state: Any = None
        self._cursors = threading.local()
        self._answer_memo: Any = None
        #: ``dbapi.files_table``'s answers, each with the inotify generation it is valid for.
        self.files_tables: dict[str, tuple[Watcher, int, Any]] = {}
        path = self.path
        self._hosts = CachedFile(path("hosts"), _hosts_db)
        self._services = CachedFile(path("services"), _services_db)
        self._protocols = CachedFile(path("protocols"), _protocols_db)
        self._networks = CachedFile(path("networks"), _networks_db)
        self._rpc = CachedFile(path("rpc"), _rpc_db)
        self._nsswitch = CachedFile(path("nsswitch.conf"), parse_nsswitch, unreadable=unreadable_nsswitch)
        self._databases: dict[str, CachedFile[Any]] = {
            "services": self._services, "protocols": self._protocols, "networks": self._networks,
            "rpc": self._rpc, "hosts": self._hosts,
        }
        self._gaiconf = CachedFile(path("gai.conf"), _gai_conf, watch=False)
        env_ = self.env
        # glibc reads RESOLV_HOST_CONF when it is set, even empty (netdb.files.hostconf.host_conf_path)
        self._hostconf = CachedFile(
            env_["RESOLV_HOST_CONF"] if "RESOLV_HOST_CONF" in env_ else path("host.conf"),
            self._parse_host_conf,
            watch=False,
        )
        self._resolvconf: CachedFile[ResolvConf] = CachedFile(path("resolv.conf"), self._parse_resolv_conf)

    # -- configuration ---------------------------------------------------

    @functools.cached_property
    def host_sources(self) -> frozenset[str]:
        """The hosts sources netdb answers for here: files, dns, and myhostname.

        myhostname only when its NSS module is installed or named in
        ``nss_modules``.  Found on first use (a services lookup never needs
        it), then kept.
        """
        from .sources import usable_host_sources

        return usable_host_sources(self._nss_modules)

    def answer_memo(self) -> Any:
        """This Resolver's memo of answers from files alone (``netdb.gaimemo.AnswerMemo``)."""
        memo = self._answer_memo
        if memo is None:
            from .gaimemo import AnswerMemo

            memo = self._answer_memo = AnswerMemo()
        return memo

    def path(self, name: str) -> str:
        """The full path of a file of this Resolver's ``etc`` directory."""
        return os.path.join(self.etc, name)

    @property
    def hostname(self) -> str:
        """The host name this Resolver uses (``socket.gethostname()`` unless given)."""
        if self._hostname is not None:
            return self._hostname
        import socket

        return socket.gethostname()

    def hosts_db(self) -> Snapshot[HostsDB]:
        """The current hosts file, indexed."""
        return self._hosts.get()

    def services_db(self) -> Snapshot[ServicesDB]:
        """The current services file, indexed."""
        return self._services.get()

    def protocols_db(self) -> Snapshot[ProtocolsDB]:
        """The current protocols file, indexed."""
        return self._protocols.get()

    def networks_db(self) -> Snapshot[NetworksDB]:
        """The current networks file, indexed."""
        return self._networks.get()

    def rpc_db(self) -> Snapshot[RpcDB]:
        """The current rpc file, indexed."""
        return self._rpc.get()

    def nsswitch(self) -> NsswitchConf:
        """The parsed nsswitch.conf (glibc re-reads it when it changes)."""
        return self._nsswitch.get().value

    def sources_for(self, db: str) -> tuple[Any, ...]:
        """The sources the switch walks for ``db``: the ``switch`` override, else nsswitch.conf (defaults applied)."""
        override = self._switch_override.get(db)
        if override is not None:
            return override
        sources: tuple[Any, ...] = self.nsswitch().sources_for(db)
        return sources

    def switch_overridden(self, db: str) -> bool:
        """True when ``switch=`` replaced nsswitch.conf's line for ``db``."""
        return db in self._switch_override

    def nsswitch_file(self) -> CachedFile[NsswitchConf]:
        """The cached nsswitch.conf itself (for change checks)."""
        return self._nsswitch

    def database_file(self, db: str) -> CachedFile[Any]:
        """The cached file of a database (``services``, ``protocols``, ...) itself (for change checks)."""
        return self._databases[db]

    def nsswitch_snapshot(self) -> Snapshot[NsswitchConf]:
        """The current nsswitch.conf snapshot (with its ``memo`` of derived plans)."""
        return self._nsswitch.get()

    def host_conf(self) -> HostConf:
        """The parsed host.conf (read once, as glibc does)."""
        return self._hostconf.get().value

    def _parse_host_conf(self, text: str | None, path: str) -> HostConf:
        from .files.hostconf import parse_host_conf

        return parse_host_conf(text, path, env=self.env)

    def _parse_resolv_conf(self, text: str | None, path: str) -> ResolvConf:
        from .files.resolvconf import parse_resolv_conf

        return parse_resolv_conf(text, path, env=self.env, hostname=self.hostname)

    def resolv_conf(self) -> ResolvConf:
        """The parsed resolv.conf with LOCALDOMAIN and RES_OPTIONS applied (re-read when it changes)."""
        return self._resolvconf.get().value

    def dns_setup(self) -> tuple[Any, Any]:
        """The DNS configuration in force (``netdb.dns.config.DnsConfig``) and the resolver state.

        Rebuilt when resolv.conf changes; the state (rotate offset,
        single-request switches) lives as long as the Resolver.
        """
        from .dns.config import DnsConfig, ResolverState

        rc = self.resolv_conf()
        cached = self._dns
        if cached is None or cached[0] is not rc:
            conf = DnsConfig.from_resolv_conf(rc, self._servers)
            if self._dns_state is None:
                self._dns_state = ResolverState()
            cached = (rc, conf, self._dns_state.for_config(conf))
            self._dns = cached
        return cached[1], cached[2]

    @property
    def global_h_errno(self) -> int:
        """This thread's ``h_errno`` as glibc's resolver and getaddrinfo last left it (0 at first).

        The socket module's ``herror`` for gethostbyname_ex/gethostbyaddr
        reports this variable, which nss_dns does not always set: a rejected
        PTR answer leaves the value of an earlier lookup.
        """
        from .hostnss import thread_h_errno

        return thread_h_errno()

    def set_global_h_errno(self, value: int) -> None:
        """Set this thread's ``h_errno`` (see ``global_h_errno``); it is process-wide, as glibc's."""
        from .hostnss import set_thread_h_errno

        set_thread_h_errno(value)

    def call_deadline(self) -> float | None:
        """The absolute (``time.monotonic``) deadline for a call starting now, or None.

        The earlier of ``timeout`` seconds from now and the deadline of the
        enclosing ``netdb.deadline`` block (see ``netdb.deadlines``).
        """
        deadlines = sys.modules.get("netdb.deadlines")
        if deadlines is None:
            # No ``netdb.deadline`` block can be open before netdb.deadlines is
            # loaded: what its earliest() would say, without loading it (and
            # contextvars) for every lookup that never uses a deadline block.
            return None if self.timeout is None else time.monotonic() + self.timeout
        earliest: Callable[[float | None], float | None] = deadlines.earliest
        return earliest(self.timeout)

    def file_problems(self) -> list[str]:
        """One sentence per file read so far that exists but could not be read, with what follows from it.

        A missing file is not a problem (glibc reads it as empty); a file
        that cannot be opened (no permission, a link loop), is a directory,
        a FIFO or too large is.  Files not read yet are not checked.
        """
        files: list[tuple[str, CachedFile[Any]]] = [
            ("hosts", self._hosts), ("services", self._services), ("protocols", self._protocols),
            ("networks", self._networks), ("rpc", self._rpc), ("nsswitch.conf", self._nsswitch),
            ("resolv.conf", self._resolvconf), ("gai.conf", self._gaiconf), ("host.conf", self._hostconf),
        ]
        out = []
        for kind, cached in files:
            snap = cached._snapshot
            if snap is None or snap.ok or snap.status == "missing":
                continue
            out.append(f"{snap.path}: {_consequence(kind, snap)}")
        return out

    def snapshot(self, db: str) -> Snapshot[Any]:
        """The current snapshot of a database file: hosts, services, protocols, networks or rpc."""
        return self._databases[db].get()

    # -- services, protocols, networks, rpc --------------------------------

    # The functions themselves, not methods that call them: a service or
    # protocol lookup costs about 0.5 µs, and a call more would be a tenth of it.
    getservbyname = dbapi.getservbyname
    getservbyport = dbapi.getservbyport
    getprotobyname = dbapi.getprotobyname
    getprotobynumber = dbapi.getprotobynumber
    getnetbyname = dbapi.getnetbyname
    getnetbyaddr = dbapi.getnetbyaddr
    getrpcbyname = dbapi.getrpcbyname
    getrpcbynumber = dbapi.getrpcbynumber

    # -- hosts -------------------------------------------------------------

    def getaddrinfo(self, host: Any, port: Any, family: int = 0, type: int = 0,
                    proto: int = 0, flags: int = 0) -> list[tuple[Any, ...]]:
        """``socket.getaddrinfo`` with glibc's semantics on this Resolver's files.

        Returns the same 5-tuples, in the same order, as the socket module
        would on a machine with these files; errors are ``netdb.gaierror``
        (``socket.gaierror``) with glibc's code and text.
        """
        from . import pysocket

        return pysocket.getaddrinfo(self, host, port, family, type, proto, flags)

    def resolve(self, host: Any, port: Any = None, family: int = 0, type: int = 0,
                proto: int = 0, flags: int = 0, *, trace: list[Step] | None = None,
                explain: bool = False) -> GaiAnswer:
        """getaddrinfo's full answer: results with their origins, the canonical name,
        the addresses in order and (with ``explain``) why each precedes the next.
        Pass a list as ``trace`` to receive the switch walk, step by step."""
        from . import pysocket

        return pysocket.resolve(self, host, port, family, type, proto, flags, trace=trace, explain=explain)

    def getnameinfo(self, sockaddr: Any, flags: int) -> tuple[str, str]:
        """``socket.getnameinfo``: the host name and service name of a socket address."""
        from . import pysocket

        return pysocket.getnameinfo(self, sockaddr, flags)

    def gethostbyname(self, hostname: Any) -> str:
        """``socket.gethostbyname``: the first IPv4 address of a host."""
        from . import pysocket

        return pysocket.gethostbyname(self, hostname)

    def gethostbyname_ex(self, hostname: Any) -> tuple[str, list[str], list[str]]:
        """``socket.gethostbyname_ex``: ``(name, aliases, IPv4 addresses)``."""
        from . import pysocket

        return pysocket.gethostbyname_ex(self, hostname)

    def gethostbyname2(self, hostname: Any, family: int) -> tuple[str, list[str], list[str]]:
        """C ``gethostbyname2`` for AF_INET or AF_INET6, shaped like ``gethostbyname_ex``."""
        from . import pysocket

        return pysocket.gethostbyname2(self, hostname, family)

    def gethostbyaddr(self, ip_address: Any) -> tuple[str, list[str], list[str]]:
        """``socket.gethostbyaddr``: ``(name, aliases, addresses)`` for an address (or a host name)."""
        from . import pysocket

        return pysocket.gethostbyaddr(self, ip_address)

    def resolve_srv(self, name: str, *, proto: str | None = None, domain: str | None = None, family: int = 0,
                    rng: random.Random | int | None = None) -> SrvResult:
        """The SRV records of a service in the order RFC 2782 says to try them, each target resolved.

        ``resolve_srv("_xmpp-client._tcp.example.com")``, or
        ``resolve_srv("xmpp-client", domain="example.com")`` (``proto``
        default ``tcp``).  The name goes through resolv.conf's search list;
        each target through getaddrinfo (so /etc/hosts applies).  ``rng``
        (a ``random.Random`` or a seed) fixes the weighted order.  Raises
        ``netdb.SrvError`` (``reason``: nxdomain, nodata, servfail, timeout,
        unavailable ...); see ``netdb.srv``.
        """
        from .drive import run_sync
        from .srv import resolve_srv_gen

        return run_sync(resolve_srv_gen(self, name, proto=proto, domain=domain, family=family, rng=rng),
                        self.perform_io)

    def perform_io(self, request: Any) -> Any:
        """Carry out one I/O request of the resolution core (DNS) with blocking sockets.

        See ``netdb.dns.io`` for the requests and ``netdb.dns.syncio`` for
        the driver; ``netdb.aio`` drives the same requests with asyncio.
        """
        perform = _SYNC_PERFORM[0] if _SYNC_PERFORM else _load_sync_perform()
        return perform(request)

    def configured_families(self) -> tuple[bool, bool]:
        """AI_ADDRCONFIG's view of this machine: (IPv4 configured, IPv6 configured)."""
        from .interfaces import configured_families

        return configured_families()

    def gai_conf(self) -> GaiConf:
        """The parsed gai.conf, read once as glibc reads it (again on change with ``reload yes``)."""
        snap = self._gaiconf.get()
        self._gaiconf.watch = bool(snap.value.reload)
        return snap.value

    def sort_entries(self, dests: list[tuple[int, bytes, int]], explain: bool = False, *,
                     keep_order: bool = True) -> tuple[list[int], list[str] | None]:
        """glibc's getaddrinfo order for ``(family, packed, scope_id)`` results: a permutation.

        With ``explain``, also the reason each result precedes the next
        (``"rule 6: precedence 50 > 40"``).  The order is kept with the
        source-address probes it rests on (``netdb.addrsort.sort_destinations``);
        ``keep_order=False`` probes afresh and keeps nothing, as glibc does:
        bulk resolution's lists are mostly distinct names, whose orders would
        only fill the cache.
        """
        addrsort = _addrsort
        if addrsort is None:  # (imported on first use: a files-only command never sorts)
            addrsort = _load_addrsort()
        conf = self.gai_conf()
        if not explain:
            return addrsort.sort_destinations(dests, conf, probe_cache=keep_order), None
        expl = addrsort.explain_sort(dests, conf)
        return expl.order, [r.text for r in expl.reasons]

    def ordering_policy(self) -> dict[str, Any]:
        """The address-ordering tables in effect, with where they came from (``lookup config``)."""
        conf = self.gai_conf()
        doc: dict[str, Any] = {"path": conf.path, "status": "ok" if conf.exists else "missing (built-in tables)",
                               "reload": conf.reload}
        tables: tuple[tuple[str, Any, Any], ...] = (
            ("precedence", conf.precedence, conf.precedences()),
            ("label", conf.label, conf.labels()),
            ("scopev4", conf.scopev4, conf.scopes()),
        )
        for name, table, rows in tables:
            doc[name] = [{"prefix": str(e).rsplit(" ", 1)[0], "value": e.value, "line": e.line} for e in rows]
            doc[f"{name}_origin"] = "built-in" if table is None else conf.path
        return doc

    def local_domain(self) -> str:
        """NI_NOFQDN's domain, found once as glibc's ``nrl_domainname`` does."""
        domain = getattr(self, "_local_domain", None)
        if domain is None:
            from .hostnss import local_domain

            domain = local_domain(self)
            self._local_domain = domain
        return domain

    # -- enumeration -------------------------------------------------------

    def services(self) -> Iterator[servent]:
        """Every entry of the services database, in file order (``getent services``)."""
        return iter(dbapi.enumerate_db(self, "services"))

    def protocols(self) -> Iterator[protoent]:
        """Every entry of the protocols database, in file order."""
        return iter(dbapi.enumerate_db(self, "protocols"))

    def networks(self) -> Iterator[netent]:
        """Every entry of the networks database, in file order."""
        return iter(dbapi.enumerate_db(self, "networks"))

    def rpcs(self) -> Iterator[rpcent]:
        """Every entry of the rpc database, in file order."""
        return iter(dbapi.enumerate_db(self, "rpc"))

    def hosts(self) -> Iterator[hostent]:
        """Every hosts-file line as ``gethostent`` returns it (IPv4 form; see ``netdb.hostsdb``)."""
        return iter(dbapi.enumerate_db(self, "hosts"))

    # C-style cursors: one per database per thread.

    def _cursor_set(self, db: str) -> None:
        setattr(self._cursors, db, [dbapi.enumerate_db(self, db), 0])

    def _cursor_next(self, db: str) -> Any:
        cur = getattr(self._cursors, db, None)
        if cur is None:
            self._cursor_set(db)
            cur = getattr(self._cursors, db)
        entries, pos = cur
        if pos >= len(entries):
            return None
        cur[1] = pos + 1
        return entries[pos]

    def _cursor_end(self, db: str) -> None:
        if hasattr(self._cursors, db):
            delattr(self._cursors, db)

    def setservent(self, stayopen: bool = False) -> None:
        """Start (or restart) this thread's enumeration of the services database."""
        self._cursor_set("services")

    def getservent(self) -> servent | None:
        """The next services entry for this thread, or None at the end."""
        entry: servent | None = self._cursor_next("services")
        return entry

    def endservent(self) -> None:
        """End this thread's enumeration of the services database."""
        self._cursor_end("services")

    def setprotoent(self, stayopen: bool = False) -> None:
        """Start (or restart) this thread's enumeration of the protocols database."""
        self._cursor_set("protocols")

    def getprotoent(self) -> protoent | None:
        """The next protocols entry for this thread, or None at the end."""
        entry: protoent | None = self._cursor_next("protocols")
        return entry

    def endprotoent(self) -> None:
        """End this thread's enumeration of the protocols database."""
        self._cursor_end("protocols")

    def setnetent(self, stayopen: bool = False) -> None:
        """Start (or restart) this thread's enumeration of the networks database."""
        self._cursor_set("networks")

    def getnetent(self) -> netent | None:
        """The next networks entry for this thread, or None at the end."""
        entry: netent | None = self._cursor_next("networks")
        return entry

    def endnetent(self) -> None:
        """End this thread's enumeration of the networks database."""
        self._cursor_end("networks")

    def setrpcent(self, stayopen: bool = False) -> None:
        """Start (or restart) this thread's enumeration of the rpc database."""
        self._cursor_set("rpc")

    def getrpcent(self) -> rpcent | None:
        """The next rpc entry for this thread, or None at the end."""
        entry: rpcent | None = self._cursor_next("rpc")
        return entry

    def endrpcent(self) -> None:
        """End this thread's enumeration of the rpc database."""
        self._cursor_end("rpc")

    def sethostent(self, stayopen: bool = False) -> None:
        """Start (or restart) this thread's enumeration of the hosts database."""
        self._cursor_set("hosts")

    def gethostent(self) -> hostent | None:
        """The next hosts entry for this thread (IPv4 form), or None at the end."""
        entry: hostent | None = self._cursor_next("hosts")
        return entry

    def endhostent(self) -> None:
        """End this thread's enumeration of the hosts database."""
        self._cursor_end("hosts")
