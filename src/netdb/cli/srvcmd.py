"""``lookup srv NAME`` and ``lookup serv NAME --domain D``: SRV targets in the order to try them.

Output:

* on a terminal, a table: one row per target in RFC 2782 order, with its
  priority, weight, port, addresses (getaddrinfo's, through the switch) and
  where they came from, or why the target did not resolve;
* piped, one line per target: ``PRIORITY WEIGHT PORT TARGET [ADDRESS...]``
  (a target that did not resolve has no addresses, and its error goes to
  stderr);
* ``--json``, one document::

    {"name": "_xmpp-client._tcp.example.com",      # the SRV name asked
     "qname": "_xmpp-client._tcp.example.com",     # the name that answered (search list)
     "proto": "tcp",
     "error": null,                                # or {"reason", "message", "temporary"}
     "targets": [{"priority": 10, "weight": 60, "port": 5222, "target": "xmpp1.example.com",
                  "ttl": 300,
                  "addresses": [{"address": "192.0.2.1", "family": "inet", "source": "dns"}],
                  "error": null}]}                 # or {"code", "name", "message"} (EAI_*)

``reason`` is one of ``nxdomain``, ``nodata``, ``servfail``, ``timeout``,
``unreachable``, ``refused``, ``config``, ``malformed``, ``unavailable``
(``netdb.srv``).  A name that is not a valid domain name is a usage error
(exit 64), not a document.

Exit status: 0 when some target has an address; 2 when the name has no SRV
records, the service is unavailable (target ``.``) or no target resolved;
75 on a temporary failure (SERVFAIL, no answer, ``--timeout``), also when no
target resolved and one failed temporarily; 64 bad option or a malformed name.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from . import EXIT_TEMPFAIL, EXIT_USAGE, CliError
from .output import emit_json, is_terminal, safe, table, warn, write, write_lines

if TYPE_CHECKING:
    from ..resolver import Resolver
    from ..srv import SrvError, SrvResult, SrvTarget

__all__ = ["show_srv", "srv_document"]

EXIT_NOT_FOUND = 2


def _error_doc(exc: SrvError) -> dict[str, Any]:
    return {"reason": exc.reason, "message": exc.message, "temporary": exc.temporary}


def _target_doc(t: SrvTarget) -> dict[str, Any]:
    from .hostcmds import error_document

    addresses: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ai, origin in zip(t.addrinfo, t.origins, strict=True):
        sockaddr = ai[4]
        text = str(sockaddr[0]) + (f"%{sockaddr[3]}" if len(sockaddr) > 2 and sockaddr[3] else "")
        if text in seen:
            continue
        seen.add(text)
        addresses.append({"address": text, "family": "inet6" if ai[0] == socket.AF_INET6 else "inet",
                          "source": origin})
    return {"priority": t.priority, "weight": t.weight, "port": t.port, "target": t.target, "ttl": t.ttl,
            "addresses": addresses, "error": error_document(t.error) if t.error is not None else None}


def srv_document(name: str, result: SrvResult | None, error: SrvError | None) -> dict[str, Any]:
    """The JSON document of one SRV lookup (schema in the module doc)."""
    if result is None:
        assert error is not None
        return {"name": name, "qname": None, "proto": None, "error": _error_doc(error), "targets": []}
    return {"name": result.name, "qname": result.qname, "proto": result.proto, "error": None,
            "targets": [_target_doc(t) for t in result.targets]}


def _status(result: SrvResult) -> int:
    if any(t.addrinfo for t in result.targets):
        return 0
    from .hostcmds import error_document

    if any(t.error is not None and error_document(t.error)["code"] == -3 for t in result.targets):  # EAI_AGAIN
        return EXIT_TEMPFAIL
    return EXIT_NOT_FOUND


def _family(text: str) -> int:
    from .hostcmds import parse_family

    return parse_family(text)


def show_srv(r: Resolver, name: str, *, proto: str | None = None, domain: str | None = None, family: str = "any",
             seed: int | None = None, as_json: bool) -> int:
    """Look up an SRV name (or ``_NAME._PROTO.DOMAIN``) and print its targets; return the exit status."""
    from ..srv import SrvError, srv_name

    fam = _family(family)
    if domain is not None:
        if name[:1].isdigit():
            raise CliError(f"--domain needs a service name, not the port {name!r}", EXIT_USAGE)
        try:
            srv_name(name, proto or "tcp", domain)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    asked = srv_name(name, proto or "tcp", domain) if domain is not None else name
    try:
        result = r.resolve_srv(name, proto=proto, domain=domain, family=fam, rng=seed)
    except SrvError as exc:
        if exc.reason == "badname":
            raise CliError(str(exc), EXIT_USAGE) from None
        if as_json:
            emit_json(srv_document(asked, None, exc))
        else:
            warn(str(exc))
        return EXIT_TEMPFAIL if exc.temporary else EXIT_NOT_FOUND
    except (ValueError, UnicodeError) as exc:
        raise CliError(f"{name!r}: {exc}", EXIT_USAGE) from None
    if as_json:
        emit_json(srv_document(asked, result, None))
    elif is_terminal():
        _print_table(result)
    else:
        _print_lines(result)
    return _status(result)


def _print_lines(result: SrvResult) -> None:
    from .hostcmds import error_document

    for t in result.targets:
        doc = _target_doc(t)
        write(safe(" ".join([str(t.priority), str(t.weight), str(t.port), t.target,
                             *(a["address"] for a in doc["addresses"])])))
        if t.error is not None:
            err = error_document(t.error)
            warn(f"{t.target}: {err['message']} ({err['name']})")


def _print_table(result: SrvResult) -> None:
    from .hostcmds import error_document

    head = result.name
    if result.qname != result.name:
        head += f"  (found as {result.qname})"
    write(safe(head) + f"  [{result.proto}; RFC 2782 order: priority, then weighted random]")
    rows: list[list[str]] = []
    for n, t in enumerate(result.targets, 1):
        doc = _target_doc(t)
        if t.error is not None:
            err = error_document(t.error)
            rows.append([str(n), str(t.priority), str(t.weight), str(t.port), t.target, "-",
                         f"{err['message']} ({err['name']})"])
            continue
        for k, a in enumerate(doc["addresses"]):
            lead = [str(n), str(t.priority), str(t.weight), str(t.port), t.target] if k == 0 else [""] * 5
            rows.append([*lead, a["address"], a["source"]])
    write_lines(table(["#", "priority", "weight", "port", "target", "address", "from"], rows))
