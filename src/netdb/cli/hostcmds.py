"""``lookup host`` and ``lookup addr``: getaddrinfo and getnameinfo, shown and explained.

Names are passed to the resolver as the bytes of the command line, as a C
program such as ``ping`` or ``curl`` passes them (no IDNA conversion unless
``--flag idn``).

JSON (one object per name, one per line)::

    {"name": "localhost", "canonical_name": "localhost", "error": null,
     "addresses": [{"address": "::1", "family": "inet6", "scope_id": 0,
                    "source": "/etc/hosts line 3",
                    "results": [{"type": "stream", "proto": 6, "port": 0}, ...]}],
     "explain": {...}}            # with --explain: "steps" and "order"

Each step of ``explain.steps`` is ``{"source", "status", "action", "seconds",
"detail", "queries"}``; ``queries`` lists the DNS queries of a ``dns`` step
(``netdb.dns.trace.QueryRecord.as_dict``: qtype, qname, server, transport,
outcome, answers, started, seconds, source_port, id, note).

``lookup addr``::

    {"address": "127.0.0.1", "port": null, "host": "localhost", "service": null,
     "host_source": "/etc/hosts line 1", "error": null}

An error is ``{"code": -2, "name": "EAI_NONAME", "message": "Name or service not known"}``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import EXIT_TEMPFAIL, EXIT_USAGE, CliError
from .output import emit_json, is_terminal, quote, safe, shown, table, warn, write, write_lines

if TYPE_CHECKING:
    from ..gai import GaiAnswer
    from ..resolver import Resolver
    from ..switch import Step

__all__ = ["PROTOCOLS", "SOCKTYPES", "check_port", "error_document", "flag_bits", "number_or_name", "parse_family", "report_host",
           "show_address", "show_hosts"]

EXIT_NOT_FOUND = 2

_FAMILIES = {"any": 0, "0": 0, "unspec": 0, "4": socket.AF_INET, "inet": socket.AF_INET, "ipv4": socket.AF_INET,
             "6": socket.AF_INET6, "inet6": socket.AF_INET6, "ipv6": socket.AF_INET6}
SOCKTYPES = {"stream": 1, "dgram": 2, "raw": 3, "rdm": 4, "seqpacket": 5, "dccp": 6}
_TYPE_NAMES = {v: k for k, v in SOCKTYPES.items()}
PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132, "dccp": 33, "udplite": 136, "icmp": 1, "ipv6-icmp": 58}
_FLAGS = {"passive": 0x1, "canonname": 0x2, "numerichost": 0x4, "v4mapped": 0x8, "all": 0x10,
          "addrconfig": 0x20, "idn": 0x40, "canonidn": 0x80, "numericserv": 0x400}
_EAI_NAMES = {-1: "EAI_BADFLAGS", -2: "EAI_NONAME", -3: "EAI_AGAIN", -4: "EAI_FAIL", -5: "EAI_NODATA",
              -6: "EAI_FAMILY", -7: "EAI_SOCKTYPE", -8: "EAI_SERVICE", -9: "EAI_ADDRFAMILY",
              -10: "EAI_MEMORY", -11: "EAI_SYSTEM", -12: "EAI_OVERFLOW", -105: "EAI_IDN_ENCODE"}


VIAS = ("nss", "files", "dns", "system")


def check_via(via: str) -> str:
    """``--via``: nss, files, dns or system."""
    if via not in VIAS:
        raise CliError(f"--via must be one of {', '.join(VIAS)}, not {quote(via)}", EXIT_USAGE)
    return via


def parse_family(text: str) -> int:
    """``--family``: 4, 6 or any."""
    try:
        return _FAMILIES[text.lower()]
    except KeyError:
        raise CliError(f"--family must be 4, 6 or any, not {quote(text)}", EXIT_USAGE) from None


def check_port(service: str | None) -> None:
    """A numeric SERVICE must be a port, 0-65535 (glibc would silently use it modulo 65536)."""
    if service is None:
        return
    digits = service[1:] if service[:1] in ("+", "-") else service
    if digits.isascii() and digits.isdigit() and not 0 <= int(service) <= 65535:
        raise CliError(f"port {service} is out of range 0-65535", EXIT_USAGE)


def number_or_name(text: str | None, names: dict[str, int], option: str) -> int:
    if text is None:
        return 0
    low = text.lower()
    if low in names:
        return names[low]
    if low.isascii() and low.isdigit() and int(low) < 2**31:
        return int(low)
    raise CliError(f"{option} must be one of {', '.join(names)} or a number, not {quote(text)}", EXIT_USAGE)


def flag_bits(flags: Sequence[str]) -> int:
    bits = 0
    for f in flags:
        for part in f.split(","):
            key = part.strip().lower().removeprefix("ai_")
            if key not in _FLAGS:
                raise CliError(f"unknown --flag {quote(part)} (known: {', '.join(_FLAGS)})", EXIT_USAGE)
            bits |= _FLAGS[key]
    return bits


def error_document(exc: BaseException) -> dict[str, Any]:
    """A resolver error as JSON: code, symbolic name, message."""
    from ..errors import gaierror

    if isinstance(exc, gaierror):
        return {"code": exc.code, "name": _EAI_NAMES.get(exc.code, "EAI_?"), "message": str(exc.args[1])}
    if isinstance(exc, OSError):
        return {"code": -11, "name": "EAI_SYSTEM", "message": exc.strerror or str(exc), "errno": exc.errno}
    return {"code": None, "name": type(exc).__name__, "message": str(exc)}


def _exit_for(exc: BaseException) -> int:
    doc = error_document(exc)
    return EXIT_TEMPFAIL if doc["code"] == -3 else EXIT_NOT_FOUND


def _family_name(family: int) -> str:
    return "inet6" if family == socket.AF_INET6 else "inet"


def _addresses(answer: GaiAnswer) -> list[dict[str, Any]]:
    """Group the results by address, keeping the order programs see."""
    out: list[dict[str, Any]] = []
    for e in answer.entries:
        text = socket.inet_ntop(e.family, e.packed)
        if not out or out[-1]["_key"] != (e.family, e.packed, e.scope_id, e.origin):
            out.append({"_key": (e.family, e.packed, e.scope_id, e.origin), "address": text,
                        "family": _family_name(e.family), "scope_id": e.scope_id, "source": e.origin, "results": []})
        out[-1]["results"].append({"type": _TYPE_NAMES.get(e.socktype, str(e.socktype)), "proto": e.protocol,
                                   "port": e.port})
    for item in out:
        del item["_key"]
    return out


def _aliases(r: Resolver, name: bytes, family: int) -> list[str]:
    """The aliases a hostent lookup gives (IPv6 first, as getent hosts does)."""
    from ..drive import run_sync
    from ..hostnss import HostQuery
    from ..switch import SUCCESS

    text = name.decode("utf-8", "surrogateescape")
    query = HostQuery(r)
    for fam in (socket.AF_INET6, socket.AF_INET) if family == 0 else (family,):
        try:
            res = run_sync(query.gethostbyname2(text, fam), r.perform_io)
        except Exception:
            return []
        if res.status == SUCCESS:
            return list(res.value[0].aliases)
    return []


def show_hosts(r: Resolver, names: Sequence[str], *, family: str, socktype: str | None, service: str | None,
               protocol: str | None, flags: Sequence[str], explain: bool, as_json: bool, via: str = "nss") -> int:
    """getaddrinfo for each name, printed for a terminal, a pipe or JSON."""
    fam = parse_family(family)
    check_port(service)
    stype = number_or_name(socktype, SOCKTYPES, "--type")
    proto = number_or_name(protocol, PROTOCOLS, "--proto")
    bits = flag_bits(flags)
    status = 0
    terminal = is_terminal()
    for name in names:
        raw = os.fsencode(name)
        trace: list[Step] | None = [] if explain else None
        try:
            if via == "system":
                from ..sources import system

                answer = system.getaddrinfo(raw, service, fam, stype, proto, bits)[0]
            else:
                answer = r.resolve(raw, service, fam, stype, proto, bits, trace=trace, explain=explain)
        except (OSError, UnicodeError) as exc:
            status = max(status, report_host(name, None, exc, as_json=as_json, multi=len(names) > 1,
                                             explain=trace if explain else None))
            continue
        if terminal and not as_json:
            _show_host_table(r, name, raw, fam, answer)
            if explain:
                _print_explain(trace, answer)
            continue
        report_host(name, answer, None, as_json=as_json, multi=len(names) > 1, explain=trace if explain else None)
    return status


def report_host(name: str, answer: GaiAnswer | None, error: BaseException | None, *, as_json: bool, multi: bool,
                explain: list[Step] | None = None, extra: dict[str, Any] | None = None) -> int:
    """Print one name's getaddrinfo outcome as lines or JSON; return its exit status.

    Lines: one address per line (``NAME ADDRESS`` when ``multi``), an error
    as one line on stderr.  ``extra`` adds keys to the JSON object.
    """
    if answer is None:
        exc = error if error is not None else RuntimeError("no answer")
        err = error_document(exc)
        if as_json:
            emit_json({"name": name, "canonical_name": None, "addresses": [], "error": err, **(extra or {}),
                       **({"explain": _explain_doc(explain, None)} if explain is not None else {})})
        else:
            warn(f"{shown(name)}: {err['message']} ({err['name']})")
            if explain is not None:
                _print_explain(explain, None)
        return _exit_for(exc)
    addresses = _addresses(answer)
    if as_json:
        doc: dict[str, Any] = {"name": name, "canonical_name": answer.canonname, "addresses": addresses,
                               "error": None, **(extra or {})}
        if explain is not None:
            doc["explain"] = _explain_doc(explain, answer)
        emit_json(doc)
        return 0
    seen: set[str] = set()
    for a in addresses:
        text = _with_scope(a)
        if text in seen:
            continue
        seen.add(text)
        write(f"{name} {text}" if multi else text)
    if explain is not None:
        _print_explain(explain, answer)
    return 0


def _show_host_table(r: Resolver, name: str, raw: bytes, fam: int, answer: GaiAnswer) -> None:
    addresses = _addresses(answer)
    aliases = _aliases(r, raw, fam)
    canon = answer.canonname or _canonical(r, raw, fam)
    write(name + (f"  (canonical name {canon})" if canon and canon != name else ""))
    if aliases:
        write("aliases: " + " ".join(aliases))
    write_lines(table(["address", "family", "results", "from"],
                [[_with_scope(a), "IPv6" if a["family"] == "inet6" else "IPv4",
                  " ".join(f"{x['type']}/{x['proto']}" + (f":{x['port']}" if x["port"] else "") for x in a["results"]),
                  a["source"]] for a in addresses]))


def _with_scope(a: dict[str, Any]) -> str:
    text: str = a["address"]
    return text + (f"%{a['scope_id']}" if a["scope_id"] else "")


def _canonical(r: Resolver, raw: bytes, fam: int) -> str | None:
    try:
        return r.resolve(raw, None, fam, 1, 0, _FLAGS["canonname"]).canonname
    except (OSError, UnicodeError):
        return None


def _record_doc(record: Any) -> Any:
    """One structured record of a source (a DNS query) in the JSON schema."""
    as_dict = getattr(record, "as_dict", None)
    return as_dict() if as_dict is not None else str(record)


def _explain_doc(trace: list[Step] | None, answer: GaiAnswer | None) -> dict[str, Any]:
    steps = [{"source": s.source, "status": s.status, "action": s.action, "seconds": round(s.seconds, 6),
              "detail": s.detail, "queries": [_record_doc(r) for r in s.records]} for s in (trace or [])]
    order = list(answer.sort_reasons or []) if answer is not None else []
    return {"steps": steps, "order": order}


def _print_explain(trace: list[Step] | None, answer: GaiAnswer | None) -> None:
    doc = _explain_doc(trace, answer)
    write("how:")
    if not doc["steps"]:
        write("  no source was asked (numeric address, or the name needed no lookup)")
    for n, s in enumerate(doc["steps"], 1):
        write(f"  {n}. {safe(s['source']):<10} {s['status']:<8} -> {s['action']:<8} {s['detail']} "
              f"({s['seconds'] * 1000:.2f} ms)")
    if answer is not None and len(answer.addresses) > 1:
        write("order (RFC 6724 as glibc applies it, with gai.conf):")
        for reason in doc["order"]:
            write(f"  {reason}")


def show_address(r: Resolver, address: str, port: str | None, *, numeric_host: bool, numeric_serv: bool,
                 name_required: bool, no_fqdn: bool, dgram: bool, explain: bool, as_json: bool,
                 via: str = "nss") -> int:
    """getnameinfo for one address (and port)."""
    from .. import inet
    from ..drive import run_sync
    from ..gni import NI_DGRAM, NI_NAMEREQD, NI_NOFQDN, NI_NUMERICHOST, NI_NUMERICSERV, gni_core
    from ..hostnss import HostQuery

    text, sep, scope = address.partition("%")
    packed = inet.inet_aton_exact(text) if ":" not in text else inet.inet_pton6(text)
    if packed is None or (sep and len(packed) == 4):
        raise CliError(f"{quote(address)} is not a numeric IPv4 or IPv6 address", EXIT_USAGE)
    scope_id = 0
    if sep:
        parsed = inet.parse_scope(packed, scope)
        if parsed is None:
            raise CliError(f"unknown scope {quote(scope)} in {quote(address)}", EXIT_USAGE)
        scope_id = parsed
    port_number = 0
    if port is not None:
        if not (port.isascii() and port.isdigit()):
            raise CliError(f"port {quote(port)} is not a number from 0 to 65535", EXIT_USAGE)
        check_port(port)
        port_number = int(port)
    flags = ((NI_NUMERICHOST if numeric_host else 0) | (NI_NUMERICSERV if numeric_serv or port is None else 0)
             | (NI_NAMEREQD if name_required else 0) | (NI_NOFQDN if no_fqdn else 0) | (NI_DGRAM if dgram else 0))
    trace: list[Step] | None = [] if explain else None
    query = HostQuery(r, trace, describe=True)
    try:
        if via == "system":
            from ..gni import GniAnswer
            from ..sources import system

            sockaddr = (text, port_number) if len(packed) == 4 else (text, port_number, 0, scope_id)
            host_name, service_name = system.getnameinfo(sockaddr, flags)
            gni = GniAnswer(host_name, service_name, "libc", "libc")
        else:
            gni = run_sync(gni_core(query, packed, port_number, scope_id, flags), r.perform_io)
    except OSError as exc:
        if as_json:
            emit_json({"address": address, "port": port_number if port is not None else None, "host": None,
                       "service": None, "host_source": None, "error": error_document(exc)})
        else:
            err = error_document(exc)
            warn(f"{shown(address)}: {err['message']} ({err['name']})")
        if explain and not as_json:
            _print_explain(trace, None)
        return _exit_for(exc)
    if as_json:
        doc: dict[str, Any] = {"address": address, "port": port_number if port is not None else None,
                               "host": gni.host, "service": gni.service if port is not None else None,
                               "host_source": gni.host_origin, "error": None}
        if explain:
            doc["explain"] = _explain_doc(trace, None)
        emit_json(doc)
        return 0
    if is_terminal():
        write(f"host     {gni.host}   ({gni.host_origin})")
        if port is not None:
            write(f"service  {gni.service}   ({gni.service_origin})")
    else:
        write(gni.host if port is None else f"{gni.host} {gni.service}")
    if explain:
        _print_explain(trace, None)
    return 0
