"""Fixture etc directories whose files are not files, and one probe for glibc and netdb alike.

``make_etc(root, name, kind)`` writes the nine files and turns ``name`` into
``kind``: a directory, a FIFO, a link to /dev/zero or /dev/null, a 2 GB sparse
file, a symbolic-link loop, a mode-000 file, or nothing (``missing``).

``probe(api)`` asks the same questions of ``socket`` (glibc) or of a
``netdb.Resolver`` (same method names) and returns comparable outcomes; run
as a script, it probes the socket module and prints JSON (the glibc side runs
it inside a private namespace with the fixture mounted over /etc).
"""

from __future__ import annotations

import json
import os
import select
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE = {
    "hosts": "127.0.0.1 localhost\n::1 localhost\n192.0.2.7 web\n192.0.2.8 two\n192.0.2.9 two\n",
    "services": "http 80/tcp www\nhttp 80/udp\n",
    "protocols": "ip 0 IP\ntcp 6 TCP\n",
    "networks": "loopback 127\n",
    "rpc": "portmapper 100000 sunrpc\n",
    "nsswitch.conf": "hosts: files\nservices: files\nprotocols: files\nnetworks: files\nrpc: files\n",
    "resolv.conf": "nameserver 127.0.0.53\noptions ndots:3\n",
    "gai.conf": "precedence ::1/128 5\n",
    "host.conf": "multi on\n",
}
FILES = tuple(BASE)
NOBODY = 65534
KINDS = ("directory", "fifo", "dev-zero", "sparse-2g", "symlink-loop", "dev-null", "mode-000", "missing")


def make_etc(root: Path, name: str | None = None, kind: str | None = None) -> Path:
    """A fixture etc directory under ``root`` (traversable by nobody), ``name`` made into ``kind``."""
    etc = root / "etc"
    etc.mkdir(parents=True)
    for d in (root, etc):
        d.chmod(0o755)
    for n, text in BASE.items():
        (etc / n).write_text(text)
    if name is None or kind in (None, "deleted"):
        return etc
    path = etc / name
    path.unlink()
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-null":
        path.symlink_to("/dev/null")
    elif kind == "sparse-2g":
        with open(path, "wb") as fh:
            fh.truncate(2 << 30)  # a hole: no block is written
    elif kind == "symlink-loop":
        path.symlink_to(name + ".other")
        (etc / (name + ".other")).symlink_to(name)
    elif kind == "mode-000":
        path.write_text(BASE[name])
        path.chmod(0)
    elif kind != "missing":
        raise ValueError(kind)
    return etc


def outcome(fn: Callable[[], Any]) -> list[Any]:
    """The result, or the exception's class and (errno or text): comparable and JSON-able."""
    try:
        value = fn()
    except socket.gaierror as exc:
        return ["gaierror", exc.errno]
    except socket.herror as exc:
        return ["herror", exc.errno]
    except OSError as exc:
        return ["OSError", exc.errno if exc.errno is not None else str(exc)]
    return ["ok", json.loads(json.dumps(value))]


def _addrs(infos: Any) -> list[str]:
    return list(dict.fromkeys(a[4][0] for a in infos))


def probe(api: Any) -> dict[str, list[Any]]:
    """The socket-level questions: hosts (and their order: gai.conf; multi: host.conf), services, protocols."""
    calls: dict[str, Callable[[], Any]] = {
        "getaddrinfo": lambda: _addrs(api.getaddrinfo("web", None)),
        "getaddrinfo4": lambda: _addrs(api.getaddrinfo("web", None, socket.AF_INET)),
        "gethostbyname": lambda: api.gethostbyname("web"),
        "order": lambda: _addrs(api.getaddrinfo("localhost", None, 0, socket.SOCK_STREAM)),
        "multi": lambda: _addrs(api.getaddrinfo("two", None, socket.AF_INET, socket.SOCK_STREAM)),
        "gethostbyaddr": lambda: api.gethostbyaddr("192.0.2.7"),
        "getnameinfo": lambda: api.getnameinfo(("192.0.2.7", 80), socket.NI_NAMEREQD),
        "getservbyname": lambda: api.getservbyname("http", "tcp"),
        "getaddrinfo_service": lambda: sorted({a[4][1] for a in api.getaddrinfo("127.0.0.1", "http")}),
        "getprotobyname": lambda: api.getprotobyname("tcp"),
    }
    return {k: outcome(fn) for k, fn in calls.items()}


def as_nobody(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a forked child that has dropped root for nobody (root ignores mode bits)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            data = json.dumps(["ok", fn()])
        except BaseException as exc:
            data = json.dumps(["error", f"{type(exc).__name__}: {exc}"])
        os.write(w, data.encode())
        os._exit(0)
    os.close(w)
    try:
        ready, _, _ = select.select([r], [], [], 60)
        assert ready, "the unprivileged child did not answer in time"
        chunks = []
        while chunk := os.read(r, 65536):
            chunks.append(chunk)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    status, value = json.loads(b"".join(chunks))
    assert status == "ok", value
    return value


if __name__ == "__main__":
    json.dump(probe(socket), sys.stdout)
