"""Lookups in the services, protocols, networks and rpc databases, through the switch.

These are the functions behind ``Resolver.getservbyname`` and friends.  Each
walks the sources nsswitch.conf names for its database: ``files`` answers from
the indexed file; no other source serves these databases on a machine without
their NSS modules (``db``, ``nis``, ``sss`` ...), so they answer UNAVAIL, as
glibc sees a module it cannot load.  A broken nsswitch.conf makes every
lookup fail, as in glibc.

Arguments and errors follow Python's ``socket`` module where it has the
function: strings must not hold NUL characters (``ValueError``), ports are
range-checked (``OverflowError``), and a miss is ``OSError`` with the socket
module's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import watch
from .filecache import current_at
from .switch import NOTFOUND, SUCCESS, UNAVAIL, Answer, Step, walk_sync

if TYPE_CHECKING:
    from .records import hostent, netent, protoent, rpcent, servent
    from .resolver import Resolver

_AF_INET = 2  # socket.AF_INET, without loading socket for a services lookup

__all__ = [
    "DbQuery",
    "enumerate_db",
    "getnetbyaddr",
    "getnetbyname",
    "getprotobyname",
    "getprotobynumber",
    "getrpcbyname",
    "getrpcbynumber",
    "getservbyname",
    "getservbyport",
    "lookup",
]


def _c_string(value: object, what: str) -> str:
    """Check an argument the way the socket module's ``"s"`` format does."""
    if type(value) is str and value.isascii() and "\0" not in value:
        return value
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError("embedded null character")
    value.encode("utf-8")  # unencodable text fails here, as in the socket module
    return value


def files_only(conf: Any, db: str) -> bool:
    """Whether ``db``'s switch line comes down to "the files source answers".

    True when ``files`` is listed, every source before it answers UNAVAIL with
    the action ``continue`` (none of them can be loaded here), and ``files``
    returns on SUCCESS: then whatever the files table says is the answer, and
    the walk can be skipped.  (Sources after ``files`` cannot find anything.)
    """
    if conf.error is not None:
        return False
    for spec in conf.sources_for(db):
        if spec.name == "files":
            return bool(spec.action(SUCCESS) != "continue")
        if spec.action(UNAVAIL) != "continue":
            return False
    return False


def files_table(resolver: Resolver, db: str) -> Any:
    """The files table when the switch reduces to it (None if the file is unusable), else NotImplemented.

    The fast path of every service and protocol lookup.  Once nsswitch.conf
    and the database file are watched by inotify, the answer is kept with
    the watcher's generation, and while nothing watched changes it costs one
    ``epoll_wait``: ``Watcher.current`` written out here, because a call
    more would be a tenth of the lookup.  Otherwise it costs two ``stat``
    calls (nsswitch.conf and the database file).
    """
    kept = resolver.files_tables.get(db)
    if kept is not None:
        w, generation, table = kept
        # No need to note the read for a recording call (netdb.readlog): both
        # files are watched by this watcher, so any change to them advances
        # the generation that the answer memo checks as well.
        if w is watch.active and not w.events.poll(0, 1) and not w.draining.locked() \
                and w.generation == generation:
            return table
    return _files_table_checked(resolver, db)


def _files_table_checked(resolver: Resolver, db: str) -> Any:
    """``files_table`` after checking nsswitch.conf and the file (kept for the fast path when watched)."""
    if resolver.switch_overridden(db):
        return NotImplemented
    w = watch.existing()  # files start being watched only once read often (netdb.watch)
    generation = w.current() if w is not None else -1
    ns = resolver.nsswitch_snapshot()
    plan = ns.memo.get(db)
    if plan is None:
        plan = ns.memo[db] = files_only(ns.value, db)
    table: Any
    if not plan:
        table = NotImplemented
        files = [resolver.nsswitch_file()]
    else:
        snap = resolver.snapshot(db)
        table = snap.value if snap.ok else None
        files = [resolver.nsswitch_file(), resolver.database_file(db)]
    if w is not None and current_at(files, w, generation):
        resolver.files_tables[db] = (w, generation, table)
    return table


class DbQuery:
    """One call's view of a database: the switch line and the file, each checked once.

    ``find(fn)`` walks the sources with ``fn(table) -> entry index | None`` as
    the files source's question; several questions in one call (getaddrinfo
    asks the services database once per protocol) share the checks.
    """

    __slots__ = ("_snapshot", "db", "error", "resolver", "sources", "trace")

    def __init__(self, resolver: Resolver, db: str, trace: list[Step] | None = None) -> None:
        self.resolver = resolver
        self.db = db
        self.trace = trace
        conf = resolver.nsswitch()
        self.error = None if resolver.switch_overridden(db) else conf.error
        self.sources = () if self.error is not None else resolver.sources_for(db)
        self._snapshot: Any = None

    def _ask(self, source: str, find: Any) -> Answer:
        if source != "files":
            return Answer(UNAVAIL, detail=f"no `{source}` service for {self.db} on this machine")
        snap = self._snapshot
        if snap is None:
            snap = self._snapshot = self.resolver.snapshot(self.db)
        if not snap.ok:
            why = "missing" if snap.status == "missing" else snap.error
            return Answer(UNAVAIL, detail=f"{snap.path}: {why}")
        table = snap.value
        i = find(table)
        if i is None:
            return Answer(NOTFOUND, detail=f"not in {snap.path}" if self.trace is not None else "")
        return Answer(SUCCESS, (i, table), detail=f"{snap.path} line {table.line_of(i)}" if self.trace is not None else "")

    def find(self, find: Any) -> tuple[int | None, Any]:
        """Walk the sources; ``(index, table)`` from the source that found it, or ``(None, None)``."""
        if self.trace is None:
            table = files_table(self.resolver, self.db)
            if table is not NotImplemented:
                if table is None:
                    return None, None
                i = find(table)
                return (None, None) if i is None else (i, table)
        answer, _ = walk_sync(self.sources, lambda source: self._ask(source, find), self.trace)
        if answer is None or answer.status != SUCCESS:
            return None, None
        index, table = answer.value
        return index, table


def lookup(
    resolver: Resolver,
    db: str,
    find: Any,
    trace: list[Step] | None = None,
) -> tuple[int | None, Any]:
    """Walk ``db``'s sources; ``find(table)`` returns an entry index or None.

    Returns ``(index, table)`` of the first source that found it, or
    ``(None, None)``.
    """
    return DbQuery(resolver, db, trace).find(find)


def getservbyname(resolver: Resolver, servicename: str, protocolname: str | None = None) -> int:
    """The port of a service, like ``socket.getservbyname``.

    Matches the name or an alias exactly (case-sensitively), and the
    protocol exactly when given; the first matching line wins.  Raises
    ``OSError('service/proto not found')``.
    """
    # (_c_string only where an argument is not a plain ASCII str without NUL: the call would be a
    # tenth of the lookup, and getservbyname is the one benchmarked on the first line of its file)
    if type(servicename) is not str or not servicename.isascii() or "\0" in servicename:
        _c_string(servicename, "getservbyname() argument 1")
    if protocolname is not None and (type(protocolname) is not str or not protocolname.isascii()
                                     or "\0" in protocolname):
        _c_string(protocolname, "getservbyname() argument 2")
    table = files_table(resolver, "services")
    if table is not NotImplemented:
        i = None if table is None else table.index_by_name(servicename, protocolname)
    else:
        i, table = lookup(resolver, "services", lambda t: t.index_by_name(servicename, protocolname))
    if i is None:
        raise OSError("service/proto not found")
    port: int = table.entries[i].port
    return port


def getservbyport(resolver: Resolver, port: int, protocolname: str | None = None) -> str:
    """The name of the service on a port, like ``socket.getservbyport``.

    Raises ``OverflowError`` for a port outside 0-65535 and
    ``OSError('port/proto not found')`` when no line has it.
    """
    if not isinstance(port, int):
        raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an integer")
    if protocolname is not None:
        _c_string(protocolname, "getservbyport() argument 2")
    if port < 0 or port > 0xFFFF:
        raise OverflowError("getservbyport: port must be 0-65535.")
    table = files_table(resolver, "services")
    if table is not NotImplemented:
        i = None if table is None else table.index_by_port(port, protocolname)
    else:
        i, table = lookup(resolver, "services", lambda t: t.index_by_port(port, protocolname))
    if i is None:
        raise OSError("port/proto not found")
    name: str = table.entries[i].name
    return name


def getprotobyname(resolver: Resolver, protocolname: str) -> int:
    """The number of a protocol, like ``socket.getprotobyname``; ``OSError('protocol not found')``."""
    _c_string(protocolname, "getprotobyname() argument")
    table = files_table(resolver, "protocols")
    if table is not NotImplemented:
        i = None if table is None else table.index_by_name(protocolname)
    else:
        i, table = lookup(resolver, "protocols", lambda t: t.index_by_name(protocolname))
    if i is None:
        raise OSError("protocol not found")
    number: int = table.entries[i].number
    return number


def getprotobynumber(resolver: Resolver, number: int) -> protoent:
    """The protocol entry for a number (C ``getprotobynumber``); ``OSError('protocol not found')``."""
    i, table = lookup(resolver, "protocols", lambda t: t.index_by_number(number))
    if i is None:
        raise OSError("protocol not found")
    entry: protoent = table.entries[i]
    return entry


def getnetbyname(resolver: Resolver, name: str) -> netent:
    """The network entry for a name or alias, ignoring ASCII case; ``OSError('network not found')``."""
    _c_string(name, "getnetbyname() argument")
    i, table = lookup(resolver, "networks", lambda t: t.index_by_name(name))
    if i is None:
        raise OSError("network not found")
    entry: netent = table.entries[i]
    return entry


def getnetbyaddr(resolver: Resolver, net: int, type: int = _AF_INET) -> netent:
    """The network entry for a host-order network number (127.0.0.0 is 0x7f000000); C ``getnetbyaddr``."""
    i, table = lookup(resolver, "networks", lambda t: t.index_by_addr(net, type))
    if i is None:
        raise OSError("network not found")
    entry: netent = table.entries[i]
    return entry


def getrpcbyname(resolver: Resolver, name: str) -> rpcent:
    """The RPC program entry for a name or alias (exact case); ``OSError('rpc program not found')``."""
    _c_string(name, "getrpcbyname() argument")
    i, table = lookup(resolver, "rpc", lambda t: t.index_by_name(name))
    if i is None:
        raise OSError("rpc program not found")
    entry: rpcent = table.entries[i]
    return entry


def getrpcbynumber(resolver: Resolver, number: int) -> rpcent:
    """The RPC program entry for a number; ``OSError('rpc program not found')``."""
    i, table = lookup(resolver, "rpc", lambda t: t.index_by_number(number))
    if i is None:
        raise OSError("rpc program not found")
    entry: rpcent = table.entries[i]
    return entry


def enumerate_db(resolver: Resolver, db: str) -> list[Any]:
    """What ``getent DB`` (no keys) lists: the files source's entries, if the switch names it.

    Only ``files`` can enumerate; a broken nsswitch.conf or a switch without
    ``files`` lists nothing.  For hosts, the IPv4 form of each line.
    """
    conf = resolver.nsswitch()
    if conf.error is not None or not any(spec.name == "files" for spec in conf.sources_for(db)):
        return []
    snap = resolver.snapshot(db)
    if db == "hosts":
        return [h for h, _ in snap.value.enumerate_v4()]
    entries: list[servent | protoent | netent | rpcent | hostent] = snap.value.entries
    return list(entries)
