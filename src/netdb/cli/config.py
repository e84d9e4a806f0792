"""``lookup config``: the effective configuration and where each value came from.

Every setting is shown with its origin: a file and line, an environment
variable, the host name, or glibc's built-in default.

JSON::

    {"etc": "/etc",
     "files": [{"file": "/etc/hosts", "status": "ok", "entries": 3, "diagnostics": 0}, ...],
     "switch": {"path": "...", "error": null,
                "databases": [{"database": "hosts", "sources": [{"name": "files", "text": "files",
                               "available": true}], "origin": "/etc/nsswitch.conf:8"}]},
     "dns": {"nameservers": [{"address": "127.0.0.1", "port": 53, "origin": "..."}],
             "search": [...], "options": {"ndots": {"value": 1, "origin": "default"}, ...}},
     "host_conf": {"multi": {"value": true, "origin": "/etc/host.conf:1"}, ...},
     "address_ordering": {...}}
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .output import emit_json, safe, write

if TYPE_CHECKING:
    from ..resolver import Resolver

__all__ = ["collect", "show_config"]

_DATABASES = ("hosts", "networks", "services", "protocols", "rpc")
_DNS_OPTIONS = ("ndots", "timeout", "attempts", "rotate", "edns0", "single_request", "single_request_reopen",
                "no_tld_query", "no_reload", "use_vc", "trust_ad", "no_aaaa")


def _read(path: str) -> tuple[str | None, str]:
    from .check import read_file

    try:
        return read_file(path), "ok"
    except FileNotFoundError:
        return None, "missing"
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"


def collect(r: Resolver) -> dict[str, Any]:
    """The effective configuration of a Resolver, as a JSON-ready document."""
    from ..files.hostconf import host_conf_path, parse_host_conf
    from ..files.resolvconf import parse_resolv_conf
    from ..sources import IMPLEMENTED, module_installed

    doc: dict[str, Any] = {"etc": r.etc, "files": []}
    for name in ("hosts", "services", "protocols", "networks", "rpc"):
        snap = r.snapshot(name)
        entries = len(snap.value) if name == "hosts" else len(snap.value.entries)
        doc["files"].append({"file": snap.path, "status": snap.status if snap.ok or not snap.error else f"{snap.status}: {snap.error}",
                             "entries": entries, "diagnostics": len(snap.value.diagnostics)})

    path = r.path("nsswitch.conf")
    ns = r.nsswitch_snapshot().value  # a file that opens but cannot be read fails every lookup
    status = _read(path)[1]
    dbs = []
    for db in _DATABASES:
        sources = []
        for spec in ns.sources_for(db):
            available = module_installed(spec.name) and db in IMPLEMENTED.get(spec.name, frozenset())
            sources.append({"name": spec.name, "text": spec.text, "available": available})
        dbs.append({"database": db, "sources": sources, "origin": str(ns.origin_for(db))})
    doc["switch"] = {"path": path, "status": status, "error": str(ns.error) if ns.error else None, "databases": dbs}

    path = r.path("resolv.conf")
    text, status = _read(path)
    rc = parse_resolv_conf(text, path, env=r.env, hostname=r.hostname)
    doc["dns"] = {
        "path": path, "status": status, "fatal": rc.fatal,
        "nameservers": [{"address": ns_.address, "port": ns_.port, "scope_id": ns_.scope_id, "origin": str(ns_.origin)}
                        for ns_ in rc.nameservers],
        "unused_nameservers": [ns_.text for ns_ in rc.unused_nameservers],
        "search": {"value": list(rc.search), "origin": str(rc.origin("search"))},
        "options": {opt: {"value": getattr(rc, opt), "origin": str(rc.origin(opt))} for opt in _DNS_OPTIONS},
    }

    hpath = host_conf_path(r.env, r.path("host.conf"))
    text, status = _read(hpath)
    hc = parse_host_conf(text, hpath, env=r.env)
    doc["host_conf"] = {
        "path": hpath, "status": status,
        "multi": {"value": hc.multi, "origin": str(hc.origin("multi"))},
        "reorder": {"value": hc.reorder, "origin": str(hc.origin("reorder"))},
        "trim": {"value": list(hc.trim), "origin": str(hc.origin("trim"))},
    }
    doc["address_ordering"] = r.ordering_policy()
    return doc


def show_config(r: Resolver, as_json: bool) -> int:
    """Print the effective configuration."""
    doc = collect(r)
    if as_json:
        emit_json(doc)
        return 0
    write(f"etc directory: {safe(doc['etc'])}" + ("  (from $NETDB_ETC)" if os.environ.get("NETDB_ETC") == doc["etc"] else ""))
    write("")
    write("files")
    for f in doc["files"]:
        write(f"  {safe(f['file']):<28} {f['status']:<10} {f['entries']:>6} entries  {f['diagnostics']} diagnostics")
    sw = doc["switch"]
    write("")
    write(f"switch ({safe(sw['path'])}, {sw['status']})")
    if sw["error"]:
        write(f"  BROKEN: {safe(sw['error'])} -- glibc fails every lookup of every database")
    for d in sw["databases"]:
        names = " ".join(s["text"] + ("" if s["available"] else "*") for s in d["sources"]) or "(none)"
        write(f"  {d['database']:<10} {safe(names):<40} {safe(d['origin'])}")
    if any(not s["available"] for d in sw["databases"] for s in d["sources"]):
        write("  * not available on this machine: answers UNAVAIL, as glibc answers a module it cannot load")
    dns = doc["dns"]
    write("")
    write(f"DNS ({safe(dns['path'])}, {dns['status']})")
    if dns["fatal"]:
        write(f"  FATAL for glibc: {safe(dns['fatal'])}")
    for n in dns["nameservers"]:
        write(f"  nameserver {safe(n['address'])}:{n['port']}  {safe(n['origin'])}")
    for text in dns["unused_nameservers"]:
        write(f"  (ignored: {safe(text)} -- glibc uses the first three)")
    search = " ".join(safe(s) or "." for s in dns["search"]["value"]) or "(none)"
    write(f"  search {search}  {safe(dns['search']['origin'])}")
    for opt, v in dns["options"].items():
        value = v["value"]
        if isinstance(value, bool) and not value and v["origin"] == "default":
            continue
        write(f"  {opt.replace('_', '-')} {value}  {safe(v['origin'])}")
    hc = doc["host_conf"]
    write("")
    write(f"host.conf ({safe(hc['path'])}, {hc['status']})")
    for key in ("multi", "reorder"):
        write(f"  {key} {'on' if hc[key]['value'] else 'off'}  {safe(hc[key]['origin'])}")
    if hc["trim"]["value"]:
        write(f"  trim {' '.join(safe(t) for t in hc['trim']['value'])}  {safe(hc['trim']['origin'])}")
    order = doc["address_ordering"]
    write("")
    write(f"address ordering ({safe(order.get('path', 'gai.conf'))}, {order.get('status', '')})")
    for table_name in ("precedence", "label", "scopev4"):
        rows = order.get(table_name, [])
        origin = order.get(f"{table_name}_origin", "")
        write(f"  {table_name}: " + ", ".join(f"{safe(row['prefix'])} {row['value']}" for row in rows) + f"  {safe(origin)}")
    return 0
