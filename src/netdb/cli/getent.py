"""The getent-compatible commands: byte-for-byte getent output and exit codes.

``lookup services|protocols|networks|rpc|hosts|ahosts|ahostsv4|ahostsv6
[KEY...]`` interpret keys exactly as glibc 2.36's getent does and print the
same bytes.  Exit status: 0 when every key was found (or after an
enumeration), 2 when any key was not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import getent_format as fmt
from ..files._text import strtol

if TYPE_CHECKING:
    from ..resolver import Resolver

__all__ = ["run_getent"]

EXIT_OK = 0
EXIT_NOT_FOUND = 2


def _out(data: bytes) -> None:
    sys.stdout.buffer.write(data)


def _atol_int(s: str) -> int:
    """``atol(s)`` passed to a C ``int`` parameter (getprotobynumber, getrpcbynumber)."""
    value = strtol(s)[0] & 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


def _services(r: Resolver, key: str) -> bool:
    name, slash, proto_text = key.partition("/")
    proto = proto_text if slash else None
    port, end = strtol(name)
    if name[:1].isdigit() and name[:1].isascii() and end == len(name) and 0 <= port <= 65535:
        entry = _servent_by(r, lambda t: t.index_by_port(port, proto))
    else:
        entry = _servent_by(r, lambda t: t.index_by_name(name, proto))
    if entry is None:
        return False
    _out(fmt.format_services(entry))
    return True


def _servent_by(r: Resolver, find: Callable[[Any], int | None]) -> Any:
    from ..dbapi import lookup

    i, table = lookup(r, "services", find)
    return None if i is None else table.entries[i]


def _numbered(r: Resolver, db: str, key: str, by_number: Callable[[int], Any], by_name: Callable[[str], Any],
              format_entry: Callable[[Any], bytes]) -> bool:
    try:
        entry = by_number(_atol_int(key)) if key[:1].isdigit() and key[:1].isascii() else by_name(key)
    except OSError:
        return False
    _out(format_entry(entry))
    return True


def _networks(r: Resolver, key: str) -> bool:
    import socket

    from ..inet import inet_addr

    try:
        if key[:1].isdigit() and key[:1].isascii():
            entry = r.getnetbyaddr(inet_addr(key), socket.AF_UNSPEC)
        else:
            entry = _by_name(r, "networks", key)
    except (OSError, ValueError):
        return False
    _out(fmt.format_networks(entry))
    return True


def _hosts(r: Resolver, key: str) -> bool:
    import socket

    from ..drive import run_sync
    from ..hostnss import HostQuery
    from ..inet import inet_pton4, inet_pton6
    from ..switch import SUCCESS

    query = HostQuery(r)
    packed = inet_pton6(key) or inet_pton4(key)
    if packed is not None:
        res = run_sync(query.gethostbyaddr(packed), r.perform_io)
    else:
        res = run_sync(query.gethostbyname2(key, socket.AF_INET6), r.perform_io)
        if res.status != SUCCESS:
            res = run_sync(query.gethostbyname2(key, socket.AF_INET), r.perform_io)
    if res.status != SUCCESS:
        return False
    _out(fmt.format_hosts(res.value[0]))
    return True


def _ahosts(r: Resolver, key: str, family_name: str, addrconfig: bool, idn: bool) -> bool:
    import socket

    from ..errors import gaierror
    from ..gai import AI_ADDRCONFIG, AI_CANONIDN, AI_CANONNAME, AI_IDN, AI_V4MAPPED
    from ..pysocket import to_tuples

    family: int = getattr(socket, family_name)
    flags = AI_V4MAPPED | AI_CANONNAME | (AI_ADDRCONFIG if addrconfig else 0) | (AI_IDN | AI_CANONIDN if idn else 0)
    try:
        answer = r.resolve(os.fsencode(key), None, family, 0, 0, flags)
    except (gaierror, OSError, UnicodeError):
        return False
    results = to_tuples(answer._replace(canonname=None))
    _out(fmt.format_ahosts(results, answer.canonname or ""))
    return True


def run_getent(r: Resolver, database: str, keys: Sequence[str], *, addrconfig: bool = True, idn: bool = True) -> int:
    """Print what ``getent DATABASE KEYS...`` prints; return its exit status."""
    if not keys:
        return _enumerate(r, database)
    lookups: dict[str, Callable[[str], bool]] = {
        "services": lambda k: _services(r, k),
        "protocols": lambda k: _numbered(r, "protocols", k, r.getprotobynumber,
                                         lambda n: _by_name(r, "protocols", n), fmt.format_protocols),
        "rpc": lambda k: _numbered(r, "rpc", k, r.getrpcbynumber, lambda n: _by_name(r, "rpc", n), fmt.format_rpc),
        "networks": lambda k: _networks(r, k),
        "hosts": lambda k: _hosts(r, k),
        # Families by name: _ahosts loads the socket module (the services lookups do not).
        "ahosts": lambda k: _ahosts(r, k, "AF_UNSPEC", addrconfig, idn),
        "ahostsv4": lambda k: _ahosts(r, k, "AF_INET", addrconfig, idn),
        "ahostsv6": lambda k: _ahosts(r, k, "AF_INET6", addrconfig, idn),
    }
    find = lookups[database]
    status = EXIT_OK
    for key in keys:
        if not find(key):
            status = EXIT_NOT_FOUND
        sys.stdout.flush()
    return status


def _by_name(r: Resolver, db: str, name: str) -> Any:
    """The entry for a name in ``db``, whatever bytes the name holds (getent passes them on as they are)."""
    from ..dbapi import lookup

    i, table = lookup(r, db, lambda t: t.index_by_name(name))
    if i is None:
        raise OSError(f"{db} entry not found")
    return table.entries[i]


def _enumerate(r: Resolver, database: str) -> int:
    db = "hosts" if database.startswith("ahosts") else database
    formatters: dict[str, Callable[[Any], bytes]] = {
        "services": fmt.format_services,
        "protocols": fmt.format_protocols,
        "networks": fmt.format_networks,
        "rpc": fmt.format_rpc,
        "hosts": fmt.format_hosts,
    }
    formatter = formatters[db]
    from ..dbapi import enumerate_db

    _out(b"".join(formatter(e) for e in enumerate_db(r, db)))
    return EXIT_OK
