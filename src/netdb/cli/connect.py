"""``lookup connect``: which address a client ends up using (Happy Eyeballs, RFC 8305).

getaddrinfo's results for ``HOST SERVICE`` (``SOCK_STREAM``, no flags, as
``socket.create_connection`` and asyncio ask), interleaved by family and
raced with staggered attempts; see ``netdb.happy_eyeballs``.

JSON (one document)::

    {"host": "svc.test", "service": "8080", "family": "any", "delay_ms": 250.0, "timeout_s": 10.0,
     "addresses": [{"address": "::1", "family": "inet6", "port": 8080}, ...],
     "attempts": [{"index": 0, "address": "::1", "family": "inet6", "port": 8080, "start_ms": 0.01,
                   "result": "cancelled", "elapsed_ms": 250.6, "errno": null, "error": null}, ...],
     "winner": {...one of the attempts...} | null,
     "error": null | {"code": ..., "name": ..., "message": ...}}

Exit status: 0 connected; 1 every attempt failed (refused, unreachable ...);
2 the name or service did not resolve; 75 no attempt connected within
``--timeout`` (or EAI_AGAIN); 64 bad option.
"""

from __future__ import annotations

import errno as errno_mod
import os
import socket
from typing import TYPE_CHECKING, Any

from . import EXIT_TEMPFAIL, EXIT_USAGE, CliError
from .hostcmds import EXIT_NOT_FOUND, check_port, error_document, parse_family
from .output import emit_json, is_terminal, table, warn, write, write_lines

if TYPE_CHECKING:
    from ..happy_eyeballs import Attempt
    from ..resolver import Resolver

__all__ = ["run_connect"]

EXIT_FAILED = 1


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def _address_doc(info: tuple[Any, ...]) -> dict[str, Any]:
    fam = "inet6" if info[0] == socket.AF_INET6 else "inet"
    return {"address": str(info[4][0]), "family": fam, "port": int(info[4][1])}


def run_connect(r: Resolver, host: str, service: str, *, family: str, timeout: float, delay_ms: float,
                as_json: bool) -> int:
    """Resolve, race, report; return the exit status."""
    from .. import happy_eyeballs as he

    fam = parse_family(family)
    check_port(service)
    if not timeout > 0:
        raise CliError(f"--timeout must be a positive number of seconds, not {timeout!r}", EXIT_USAGE)
    delay = delay_ms / 1000
    if not he._MIN_DELAY <= delay <= he._MAX_DELAY:
        raise CliError(f"--delay must be between 10 and 2000 ms (RFC 8305), not {delay_ms!r}", EXIT_USAGE)
    doc: dict[str, Any] = {"host": host, "service": service, "family": family, "delay_ms": delay_ms,
                           "timeout_s": timeout, "addresses": [], "attempts": [], "winner": None, "error": None}
    try:
        infos = r.getaddrinfo(os.fsencode(host), os.fsencode(service), fam, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        err = error_document(exc)
        status = EXIT_TEMPFAIL if err["code"] == -3 else EXIT_NOT_FOUND
        if as_json:
            emit_json({**doc, "error": err})
        else:
            warn(f"{host} {service}: {err['message']} ({err['name']})")
        return status
    status = 0
    winner: Attempt | None = None
    try:
        conn = he.race(infos, delay=delay, timeout=timeout)
    except he.ConnectError as exc:
        attempts, order = exc.attempts, exc.addresses
        status = EXIT_TEMPFAIL if exc.errno == errno_mod.ETIMEDOUT else EXIT_FAILED
        error: dict[str, Any] | None = {"code": exc.errno, "name": errno_mod.errorcode.get(exc.errno or 0, "?"),
                                        "message": exc.strerror}
    else:
        conn.close()
        attempts, order, winner, error = conn.attempts, conn.addresses, conn.winner, None
    if as_json:
        emit_json({**doc, "addresses": [_address_doc(i) for i in order],
                   "attempts": [a.as_dict() for a in attempts],
                   "winner": winner.as_dict() if winner else None, "error": error})
        return status
    if is_terminal():
        write_lines(table(["#", "address", "port", "started", "result", "elapsed"],
                    [[str(a.index + 1), a.address, str(a.port), "+" + _ms(a.start), a.result + _why(a), _ms(a.elapsed)]
                     for a in attempts]))
        untried = len(order) - len(attempts)
        if untried:
            write(f"({untried} more address{'es' if untried > 1 else ''} not tried)")
    else:
        for a in attempts:
            write(f"{a.address} {a.port} +{a.start * 1000:.1f}ms {a.result.replace(' ', '-')} "
                  f"{'-' if a.elapsed is None else f'{a.elapsed * 1000:.1f}ms'}")
    if winner is not None:
        line = f"connected to {winner.address} port {winner.port}"
        write(line + f" (attempt {winner.index + 1}, started +{_ms(winner.start)})" if is_terminal() else line)
    else:
        warn(f"{host} {service}: no address connected "
             f"({'timed out after ' + str(timeout) + ' s' if status == EXIT_TEMPFAIL else 'every attempt failed'})")
    return status


def _why(a: Attempt) -> str:
    return f" ({a.error})" if a.result == "error" and a.error else ""
