"""``lookup compare``: what programs get for a name, what DNS says, and why they differ.

Four paths resolve the same name with getaddrinfo (SOCK_STREAM, AI_CANONNAME):

* ``nss``    — the name-service switch, as programs (ping, curl) resolve;
* ``files``  — the hosts file alone;
* ``dns``    — DNS alone, with the search list (what ``dig +search`` and
               ``host`` see; their order is the server's, not sorted);
* ``system`` — this machine's C library (through Python's socket module),
               reading the machine's own /etc.

The paths *agree* when nss, dns and system give the same addresses (or the
same error) and the hosts file either has nothing or the same addresses.
Each disagreement is named in a sentence.

JSON::

    {"name": "web", "family": "any", "agree": false,
     "paths": {"nss": {"addresses": ["192.0.2.10"], "canonical_name": "web",
                        "source": "files", "origins": ["/etc/hosts line 3"],
                        "seconds": 0.0002, "error": null}, "files": {...}, "dns": {...}, "system": {...}},
     "findings": ["/etc/hosts line 3 answers before DNS ..."]}
"""

from __future__ import annotations

import os
import socket
import time
from typing import TYPE_CHECKING, Any

from .hostcmds import error_document
from .output import emit_json, is_terminal, table, write, write_lines, write_row

if TYPE_CHECKING:
    from ..gai import GaiAnswer
    from ..switch import Step
    from .app import Options

__all__ = ["run_compare"]

PATHS = ("nss", "files", "dns", "system")
AI_CANONNAME = 0x2


def _addr_text(family: int, packed: bytes, scope: int) -> str:
    return socket.inet_ntop(family, packed) + (f"%{scope}" if scope else "")


def _one(opts: Options, via: str, raw: bytes, family: int) -> dict[str, Any]:
    trace: list[Step] = []
    started = time.perf_counter()
    try:
        answer: GaiAnswer
        if via == "system":
            from ..sources import system

            answer, _ = system.getaddrinfo(raw, None, family, socket.SOCK_STREAM, 0, AI_CANONNAME)
        else:
            answer = opts.resolver(via, warn_files=True).resolve(raw, None, family, socket.SOCK_STREAM, 0, AI_CANONNAME, trace=trace)
    except (OSError, UnicodeError) as exc:
        return {"addresses": [], "canonical_name": None, "source": _answered_by(trace), "origins": [],
                "seconds": round(time.perf_counter() - started, 6), "error": error_document(exc),
                "steps": _steps(trace)}
    seconds = time.perf_counter() - started
    return {
        "addresses": [_addr_text(a.family, a.packed, a.scope_id) for a in answer.addresses],
        "canonical_name": answer.canonname,
        "source": "libc" if via == "system" else _answered_by(trace),
        "origins": [a.origin for a in answer.addresses],
        "seconds": round(seconds, 6),
        "error": None,
        "steps": _steps(trace),
    }


def _answered_by(trace: list[Step]) -> str | None:
    for step in reversed(trace):
        if step.status == "SUCCESS":
            return str(step.source)
    return str(trace[-1].source) if trace else None


def _steps(trace: list[Step]) -> list[dict[str, Any]]:
    return [{"source": s.source, "status": s.status, "action": s.action, "detail": s.detail} for s in trace]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["error"] or b["error"]:
        return bool(a["error"] and b["error"] and a["error"]["code"] == b["error"]["code"])
    return set(a["addresses"]) == set(b["addresses"])


def _describe(p: dict[str, Any]) -> str:
    if p["error"]:
        return f"an error ({p['error']['name']}: {p['error']['message']})"
    return ", ".join(p["addresses"]) or "nothing"


def findings(name: str, paths: dict[str, dict[str, Any]], etc_note: str | None) -> tuple[bool, list[str]]:
    """Whether the paths agree, and a sentence for each difference."""
    nss, files, dns, system = (paths[p] for p in PATHS)
    out: list[str] = []
    agree = True
    if not _same(nss, dns):
        agree = False
        if nss["source"] == "files" and not nss["error"]:
            lines = "; ".join(o for o in nss["origins"] if o) or "the hosts file"
            seen = "does not know the name" if dns["error"] else f"see {_describe(dns)}"
            out.append(f"{lines} answers before DNS for programs that use getaddrinfo "
                       f"(they get {_describe(nss)}); dig and host ask DNS and {seen}.")
        elif nss["error"] and not dns["error"]:
            out.append(f"Programs get {_describe(nss)}, although DNS alone answers {_describe(dns)}: "
                       f"the switch did not reach DNS ({_walk_sentence(nss)}).")
        else:
            out.append(f"Programs get {_describe(nss)} ({_walk_sentence(nss)}); DNS alone gives {_describe(dns)}.")
    elif not nss["error"] and nss["addresses"] != dns["addresses"]:
        out.append("Same addresses, different order: programs get them sorted by RFC 6724 (glibc's rules "
                   "and gai.conf); DNS gives the server's order.")
    if not files["error"] and not _same(files, nss):
        agree = False
        out.append(f"The hosts file alone gives {_describe(files)}, but programs get {_describe(nss)} "
                   f"({_walk_sentence(nss)}).")
    if not _same(nss, system):
        agree = False
        reason = etc_note or ("libc may use a module netdb does not model here, nscd, or a changed file "
                              "between the two lookups")
        out.append(f"This machine's libc gives {_describe(system)} where netdb's model of it gives "
                   f"{_describe(nss)}: {reason}.")
    elif not nss["error"] and nss["addresses"] != system["addresses"]:
        agree = False
        out.append("libc gives the same addresses in another order than netdb's model of it.")
    if agree and not out:
        out.append(f"All paths agree on {name}: {_describe(nss)}.")
    return agree, out


def _walk_sentence(p: dict[str, Any]) -> str:
    steps = p.get("steps") or []
    if not steps:
        return "no source was asked"
    return "; ".join(f"{s['source']} {s['status']} -> {s['action']}" for s in steps)


def run_compare(opts: Options, name: str, family: int, as_json: bool) -> int:
    """Resolve ``name`` four ways and print the comparison; 0 when all agree, 1 otherwise."""
    raw = os.fsencode(name)
    paths = {via: _one(opts, via, raw, family) for via in PATHS}
    etc_note = None
    resolver = opts.resolver(warn_files=True)
    if os.path.realpath(resolver.etc) != "/etc":
        etc_note = f"libc reads /etc, not {resolver.etc}"
    elif opts.nameservers:
        etc_note = "libc asks resolv.conf's servers, not --nameserver's"
    agree, notes = findings(name, paths, etc_note)
    fam = "4" if family == socket.AF_INET else "6" if family == socket.AF_INET6 else "any"
    if as_json:
        emit_json({"name": name, "family": fam, "agree": agree, "paths": paths, "findings": notes})
        return 0 if agree else 1
    rows = []
    for via in PATHS:
        p = paths[via]
        rows.append([via, _describe(p), p["canonical_name"] or "", p["source"] or "", f"{p['seconds'] * 1000:.1f} ms"])
    if is_terminal():
        write_lines(table(["path", "addresses", "canonical name", "answered by", "time"], rows))
    else:
        for row in rows:
            write_row(row)
    for note in notes:
        write(note)
    return 0 if agree else 1
