"""``lookup check``: every diagnostic of every configuration file, as FILE:LINE: reason.

JSON: ``{"files": [{"file": "/etc/hosts", "status": "ok", "diagnostics":
[{"line": 7, "severity": "error", "reason": "..."}]}], "count": 1}``.  A file
that exists but cannot be read (a directory, a FIFO, no permission) is a
finding too (``status`` says why; counted in ``count``); a missing file is not.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from . import EXIT_NOINPUT, CliError
from .output import emit_json, shown, write

if TYPE_CHECKING:
    from ..files.diagnostics import Diagnostic
    from ..resolver import Resolver

__all__ = ["FILE_KINDS", "diagnose", "read_file", "run_check"]

FILE_KINDS = ("hosts", "services", "protocols", "networks", "rpc", "nsswitch.conf", "resolv.conf", "gai.conf", "host.conf")


def _parser(kind: str) -> Callable[[str, str], Any]:
    if kind == "hosts":
        from ..files.hosts import parse_hosts

        return parse_hosts
    if kind == "services":
        from ..files.services import parse_services

        return parse_services
    if kind == "protocols":
        from ..files.protocols import parse_protocols

        return parse_protocols
    if kind == "networks":
        from ..files.networks import parse_networks

        return parse_networks
    if kind == "rpc":
        from ..files.rpc import parse_rpc

        return parse_rpc
    if kind == "nsswitch.conf":
        from ..files.nsswitch import parse_nsswitch

        return parse_nsswitch
    if kind == "resolv.conf":
        from ..files.resolvconf import parse_resolv_conf

        return lambda text, path: parse_resolv_conf(text, path, env={})
    if kind == "gai.conf":
        from ..files.gaiconf import parse_gai_conf

        return parse_gai_conf
    from ..files.hostconf import parse_host_conf

    return lambda text, path: parse_host_conf(text, path, env={})


def kind_of(path: str) -> str | None:
    """Which parser reads a file, from its name (``hosts``, ``hosts.new``, ``my-services`` ...)."""
    base = os.path.basename(path)
    if base in FILE_KINDS:
        return base
    for kind in sorted(FILE_KINDS, key=len, reverse=True):
        stem = kind.removesuffix(".conf")
        if base.startswith(kind + ".") or base.endswith(("-" + kind, "_" + kind, "." + kind)) \
                or (kind.endswith(".conf") and base.startswith(stem) and base.endswith(".conf")):
            return kind
    return None


def read_file(path: str) -> str:
    """A configuration file's text; OSError for a directory, a FIFO, a file too large.

    The file is read as the Resolver reads it (``netdb.filecache.read_file``):
    a FIFO is not opened, nothing blocks, and a file over the size cap (or a
    device giving more than 1 MiB, such as /dev/zero) is refused, so
    ``check`` never hangs and never reads without bound.  /dev/null reads
    as an empty file, as for glibc.
    """
    from ..filecache import read_file as read_bounded
    from ..files._text import decode

    got = read_bounded(path)
    if got.data is None:
        if got.status == "missing":
            raise FileNotFoundError(got.errno, os.strerror(got.errno), path)
        if got.errno == errno.ENXIO:  # a FIFO or a socket: never opened
            message = "not a regular file"
        elif got.errno == errno.EISDIR or not got.error:
            message = os.strerror(got.errno)
        else:
            message = got.error
        raise OSError(got.errno, message, path)
    return decode(got.data)


def diagnose(path: str, kind: str) -> list[Diagnostic]:
    """Read one file and return its parser's diagnostics (OSError when it cannot be read)."""
    text = read_file(path)
    result = _parser(kind)(text, path)
    diags = getattr(result, "diagnostics", ())
    error = getattr(result, "error", None)
    out = list(diags)
    if error is not None and error not in out:
        out.insert(0, error)
    return sorted(out, key=lambda d: d.line)


def run_check(r: Resolver | None, files: Sequence[str], as_json: bool, etc: str | None = None) -> int:
    """Print the diagnostics of ``files`` (or of every file the Resolver reads); 1 when there are any."""
    targets: list[tuple[str, str, bool]] = []
    if files:
        for f in files:
            kind = kind_of(f)
            if kind is None:
                raise CliError(f"{shown(f)}: cannot tell which file this is; name it like hosts, services, nsswitch.conf ...", EXIT_NOINPUT)
            targets.append((f, kind, True))
    else:
        assert r is not None
        for kind in FILE_KINDS:
            targets.append((r.path(kind), kind, False))
    report = []
    total = 0
    for path, kind, explicit in targets:
        try:
            diags = diagnose(path, kind)
            status = "ok"
        except FileNotFoundError:
            if explicit:
                raise CliError(f"{path}: no such file", EXIT_NOINPUT) from None
            diags, status = [], "missing"
        except OSError as exc:
            if explicit:
                raise CliError(f"{path}: {exc.strerror or exc}", EXIT_NOINPUT) from None
            diags, status = [], f"unreadable: {exc.strerror or exc}"
        unreadable = status.startswith("unreadable")
        total += len(diags) + unreadable
        if unreadable and not as_json:
            write(f"{path}: {status}; nothing is read from it")
        report.append({"file": path, "kind": kind, "status": status,
                       "diagnostics": [{"line": d.line, "severity": d.severity, "reason": d.reason} for d in diags]})
        if not as_json:
            for d in diags:
                prefix = "warning: " if d.severity == "warning" else ""
                write(f"{d.path}:{d.line}: {prefix}{d.reason}")
    if as_json:
        emit_json({"files": report, "count": total})
    return 1 if total else 0
