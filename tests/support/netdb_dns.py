"""Point netdb at the test DNS servers: an etc directory per test, never the machine's.

``resolver_for(server, tmp_path, ...)`` writes a resolv.conf naming the
server (a ``KnotServer``, a ``FaultServer`` or several), an nsswitch.conf
(``hosts: dns`` by default) and a hosts file with only localhost, then
returns ``netdb.Resolver(etc=that directory)``.  A server on a port other
than 53 is reached through the ``nameservers=`` override (resolv.conf still
names its loopback address).  Only loopback addresses are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import netdb
from support import loopback

DEFAULT_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
FAST = ("timeout:1", "attempts:1")


def write_etc(directory: Path, *, resolv_conf: str, nsswitch: str = "hosts: dns\n",
              hosts: str = DEFAULT_HOSTS) -> Path:
    """An etc directory with these three files."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "resolv.conf").write_text(resolv_conf)
    (directory / "nsswitch.conf").write_text(nsswitch)
    (directory / "hosts").write_text(hosts)
    return directory


def resolver_for(
    servers: Any,
    tmp_path: Path,
    *,
    search: Iterable[str] = (),
    options: Iterable[str] = FAST,
    nsswitch: str = "hosts: dns\n",
    hosts: str = DEFAULT_HOSTS,
    extra: str = "",
    name: str = "etc",
    **kw: Any,
) -> netdb.Resolver:
    """A Resolver whose resolv.conf names ``servers`` (one server or a list)."""
    group: Sequence[Any] = servers if isinstance(servers, (list, tuple)) else [servers]
    addresses = [s.address for s in group]
    for a in addresses:
        if not loopback.is_loopback(a):
            raise ValueError(f"not a loopback server: {a}")
    text = loopback.resolv_conf_text(addresses, search=search, options=options, extra=extra)
    etc = write_etc(tmp_path / name, resolv_conf=text, nsswitch=nsswitch, hosts=hosts)
    if any(s.port != 53 for s in group) and "nameservers" not in kw:
        kw["nameservers"] = [f"[{s.address}]:{s.port}" if ":" in s.address else f"{s.address}:{s.port}" for s in group]
    kw.setdefault("hostname", "vm")
    return netdb.Resolver(etc=etc, **kw)


def addrs(result: list[tuple[Any, ...]]) -> list[str]:
    """The addresses of a getaddrinfo result, in order."""
    return [r[4][0] for r in result]


def outcome(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Call and shape the result or error like ``glibc_ns.socket_calls`` does."""
    from support import glibc_ns

    return glibc_ns.outcome(fn, *args, **kwargs)
