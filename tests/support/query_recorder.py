"""Which DNS queries does glibc send?  A query recorder for the namespace runner.

``record(files, calls, servers=...)`` runs a small Python program inside the
private mount + network namespace of ``glibc_ns``.  The program binds UDP port
53 on each loopback ``servers`` address, answers every query with a fixed
RCODE (NXDOMAIN by default, so glibc walks its whole search list), then makes
the socket-module ``calls`` and prints the query log and the outcomes.  Nothing
leaves loopback: the namespace holds only ``lo`` and the servers must be
loopback addresses.

This is deliberately tiny (no zones, no answers): it exists to observe how
resolv.conf and nsswitch.conf are *read* (search candidates, which server,
whether DNS is consulted at all).  Real DNS tests use the test DNS server.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from . import glibc_ns

_PROGRAM = r'''
import json, socket, subprocess, sys, threading
spec = json.load(sys.stdin)
log = []
lock = threading.Lock()
def serve(sock, addr):
    while True:
        try:
            data, peer = sock.recvfrom(4096)
        except OSError:
            return
        if len(data) < 12:
            continue
        i, labels = 12, []
        while i < len(data) and data[i] != 0:
            n = data[i]
            labels.append(data[i + 1:i + 1 + n].decode("latin-1"))
            i += 1 + n
        qtype = int.from_bytes(data[i + 1:i + 3], "big") if i + 3 <= len(data) else 0
        with lock:
            log.append([addr, ".".join(labels) + ".", qtype])
        flags = 0x8000 | (int.from_bytes(data[2:4], "big") & 0x0100) | 0x0080 | spec["rcode"]
        reply = data[:2] + flags.to_bytes(2, "big") + b"\x00\x01\x00\x00\x00\x00\x00\x00" + data[12:i + 5]
        try:
            sock.sendto(reply, peer)
        except OSError:
            pass
for addr in spec["servers"]:
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    threading.Thread(target=serve, args=(s, addr), daemon=True).start()
def dec(v):
    if isinstance(v, dict) and "bytes" in v:
        return v["bytes"].encode("latin-1")
    return v
out = []
for fn, args, kwargs in spec["calls"]:
    try:
        if fn == "exec":
            p = subprocess.run(args[0], capture_output=True)
            r = [p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")]
        else:
            r = getattr(socket, fn)(*[dec(a) for a in args], **kwargs)
        out.append({"ok": json.loads(json.dumps(r, default=int))})
    except Exception as e:
        out.append({"error": type(e).__name__, "args": [a if isinstance(a, (int, str)) else repr(a) for a in e.args]})
    with lock:
        out[-1]["queries"] = log[:]
        del log[:]
json.dump(out, sys.stdout)
'''


def record(
    files: Mapping[str, str | bytes],
    calls: Iterable[tuple[str, tuple[Any, ...], dict[str, Any]]],
    *,
    servers: Iterable[str] = ("127.0.0.1",),
    rcode: int = 3,
    env: Mapping[str, str] | None = None,
    hostname: str | None = None,
    absent: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Make socket-module ``calls`` in the namespace, recording the DNS queries of each.

    Arguments may be bytes (a host name Python must not IDNA-encode).  The call
    ``("exec", (argv,), {})`` runs a command instead (``getent ...``); its
    result is ``[returncode, stdout, stderr]``.

    Returns one dict per call: ``{"ok": result}`` or ``{"error": name, "args": [...]}``,
    plus ``"queries"``: a list of ``[server, qname, qtype]`` received while the call ran.
    """
    servers = list(servers)
    for s in servers:
        if not ipaddress.ip_address(s).is_loopback:
            raise ValueError(f"recorder servers must be loopback addresses, not {s!r}")
    payload = json.dumps({"servers": servers, "rcode": rcode,
                          "calls": [[fn, [_enc(a) for a in args], kw] for fn, args, kw in calls]}).encode()
    res = glibc_ns.run(files, [sys.executable, "-c", _PROGRAM], stdin=payload, env=env,
                       hostname=hostname, absent=absent)
    if res.returncode != 0:
        raise RuntimeError(f"recorder failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _enc(v: Any) -> Any:
    return {"bytes": v.decode("latin-1")} if isinstance(v, bytes) else v


def qnames(outcome: Mapping[str, Any], qtype: int | None = 1) -> list[str]:
    """The query names of one call's outcome, in order (only type ``qtype`` unless None)."""
    return [q[1] for q in outcome["queries"] if qtype is None or q[2] == qtype]
