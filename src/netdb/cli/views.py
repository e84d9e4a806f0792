"""``lookup serv``, ``lookup proto``, ``lookup net``: every matching entry, explained.

glibc returns the *first* line that matches; later lines with the same name
or number are shadowed.  These views list all of them, mark the one programs
get (``selected``), and give the file and line of each.

JSON schema (one document per command)::

    {"query": "mysql", "proto": null, "file": "/etc/services",
     "entries": [{"name": "mysql", "aliases": [], "port": 3306, "proto": "tcp",
                  "line": 151, "selected": true, "range": "registered"}]}

``proto`` and ``net`` use the same shape with ``number`` (protocols) or
``network`` (networks, dotted) instead of ``port``/``proto``/``range``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import EXIT_USAGE, CliError
from .output import emit_json, is_terminal, quote, table, write, write_lines

if TYPE_CHECKING:
    from ..resolver import Resolver

__all__ = ["iana_range", "show_network", "show_protocol", "show_service", "where"]

EXIT_NOT_FOUND = 2


def iana_range(port: int) -> str:
    """The IANA port range a port falls in (RFC 6335)."""
    if port < 1024:
        return "well-known"
    if port < 49152:
        return "registered"
    return "dynamic"


def _number(key: str, what: str, limit: int) -> int | None:
    """A decimal key as a number (None when the key is a name); out of range is a usage error."""
    text = key.strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        return None
    value = int(text)
    if not 0 <= value <= limit:
        raise CliError(f"{what} {key} is out of range 0-{limit}", EXIT_USAGE)
    return value


def where(snap: Any) -> str:
    """A file's path for messages, with why it gave nothing when it was not read (missing, unreadable)."""
    if snap.ok:
        return str(snap.path)
    return f"{snap.path} ({snap.status}{': ' + snap.error if snap.error else ''})"


def _selected(r: Resolver, db: str, find: Any) -> int | None:
    """The entry index programs get: the switch's answer (None when it finds nothing)."""
    from ..dbapi import lookup

    return lookup(r, db, find)[0]


def _shadow_note(rows: list[dict[str, Any]]) -> str:
    return "" if len(rows) < 2 else f"  ({len(rows) - 1} later line(s) shadowed: programs get the first)"


def show_service(r: Resolver, key: str, proto: str | None, as_json: bool) -> int:
    """Print every services entry matching a name or port (and protocol)."""
    port = _number(key, "port", 65535)
    snap = r.services_db()
    db = snap.value
    if port is None:
        selected = _selected(r, "services", lambda t: t.index_by_name(key, proto))
        match = [k for k, e in enumerate(db.entries) if key in (e.name, *e.aliases) and (proto is None or e.proto == proto)]
    else:
        selected = _selected(r, "services", lambda t: t.index_by_port(port, proto))
        match = [k for k, e in enumerate(db.entries) if e.port == port and (proto is None or e.proto == proto)]
    rows: list[dict[str, Any]] = [
        {"name": db.entries[k].name, "aliases": list(db.entries[k].aliases), "port": db.entries[k].port,
         "proto": db.entries[k].proto, "line": db.lines[k], "selected": k == selected,
         "range": iana_range(db.entries[k].port)}
        for k in match
    ]
    if as_json:
        emit_json({"query": key, "proto": proto, "file": snap.path, "entries": rows})
        return 0 if rows else EXIT_NOT_FOUND
    if not rows:
        what = f"port {port}" if port is not None else f"service {quote(key)}"
        raise CliError(f"{what}{'/' + proto if proto else ''} not found in {where(snap)}", EXIT_NOT_FOUND)
    if is_terminal():
        write_lines(table(["name", "port/proto", "range", "aliases", "line", ""],
                    [[x["name"], f"{x['port']}/{x['proto']}", x["range"], " ".join(x["aliases"]),
                      f"{snap.path}:{x['line']}", "<- programs get this" if x["selected"] else "shadowed"]
                     for x in rows]))
        note = _shadow_note(rows)
        if note:
            write(note)
    else:
        for x in rows:
            write(" ".join([x["name"], f"{x['port']}/{x['proto']}", x["range"], *x["aliases"]]))
    return 0


def show_protocol(r: Resolver, key: str, as_json: bool) -> int:
    """Print every protocols entry matching a name or number."""
    number = _number(key, "protocol number", 2**31 - 1)
    snap = r.protocols_db()
    db = snap.value
    if number is None:
        selected = _selected(r, "protocols", lambda t: t.index_by_name(key))
        match = [k for k, e in enumerate(db.entries) if key in (e.name, *e.aliases)]
    else:
        selected = _selected(r, "protocols", lambda t: t.index_by_number(number))
        match = [k for k, e in enumerate(db.entries) if e.number == number]
    rows = [{"name": db.entries[k].name, "aliases": list(db.entries[k].aliases), "number": db.entries[k].number,
             "line": db.lines[k], "selected": k == selected} for k in match]
    return _emit_simple(rows, key, snap.path, as_json, "protocol", lambda x: str(x["number"]), where(snap))


def show_network(r: Resolver, key: str, as_json: bool) -> int:
    """Print every networks entry matching a name or network address."""
    from ..files._text import ascii_lower
    from ..files.networks import pad_network
    from ..inet import INADDR_NONE, inet_network

    snap = r.networks_db()
    db = snap.value
    if key[:1].isdigit():
        net = inet_network(pad_network(key))
        if net == INADDR_NONE:
            raise CliError(f"{quote(key)} is not a network address", EXIT_USAGE)
        selected = _selected(r, "networks", lambda t: t.index_by_addr(net, 0))
        match = [k for k, e in enumerate(db.entries) if e.net == net]
    else:
        low = ascii_lower(key)
        selected = _selected(r, "networks", lambda t: t.index_by_name(key))
        match = [k for k, e in enumerate(db.entries) if low in {ascii_lower(n) for n in (e.name, *e.aliases)}]
    rows = [{"name": db.entries[k].name, "aliases": list(db.entries[k].aliases), "network": db.entries[k].network,
             "line": db.lines[k], "selected": k == selected} for k in match]
    return _emit_simple(rows, key, snap.path, as_json, "network", lambda x: str(x["network"]), where(snap))


def _emit_simple(rows: list[dict[str, Any]], key: str, path: str, as_json: bool, what: str,
                 value: Any, location: str) -> int:
    if as_json:
        emit_json({"query": key, "file": path, "entries": rows})
        return 0 if rows else EXIT_NOT_FOUND
    if not rows:
        raise CliError(f"{what} {quote(key)} not found in {location}", EXIT_NOT_FOUND)
    if is_terminal():
        write_lines(table(["name", what, "aliases", "line", ""],
                    [[x["name"], value(x), " ".join(x["aliases"]), f"{path}:{x['line']}",
                      "<- programs get this" if x["selected"] else "shadowed"] for x in rows]))
        note = _shadow_note(rows)
        if note:
            write(note)
    else:
        for x in rows:
            write(" ".join([x["name"], value(x), *x["aliases"]]))
    return 0
