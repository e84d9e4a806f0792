"""The ``myhostname`` source: systemd's ``libnss_myhostname`` (systemd 252).

It answers, without any file or server:

* ``localhost``, ``localhost.localdomain`` and every name under them (ASCII
  case ignored, a final dot allowed): ``::1`` and ``127.0.0.1``, canonical
  name ``localhost`` (RFC 6761);
* the machine's host name, exactly (case-sensitive) or followed by one dot:
  every address of every interface (link-local IPv6 ones with their
  interface as scope id), or ``127.0.0.2`` when there is none;
* ``_gateway``: the next hops of the default routes; ``_outbound``: the local
  addresses the kernel would use towards them;

and in reverse: ``127.0.0.1`` and ``::1`` are ``localhost``, ``127.0.0.2``
and the machine's own addresses the host name, a gateway ``_gateway``.
glibc uses the module only when ``libnss_myhostname.so.2`` is installed
(``netdb.sources.module_installed``); ``Resolver(nss_modules={"myhostname"})``
turns it on where it is not.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from ..errors import HOST_NOT_FOUND
from ..hostsdb import AddressHit
from ..records import hostent
from ..switch import NOTFOUND, SUCCESS, Answer

if TYPE_CHECKING:
    from ..resolver import Resolver

__all__ = ["addresses_for", "byaddr", "byname3", "byname4", "canonical_for"]

AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
_LOOPBACK4 = b"\x7f\0\0\x01"
_LOCALADDRESS4 = b"\x7f\0\0\x02"
_LOOPBACK6 = bytes(15) + b"\x01"


def _is_localhost(name: str) -> bool:
    low = name.lower() if name.isascii() else name
    low = low[:-1] if low.endswith(".") else low
    return low in ("localhost", "localhost.localdomain") or low.endswith((".localhost", ".localhost.localdomain"))


def _is_special(name: str, special: str) -> bool:
    low = name.lower() if name.isascii() else name
    return low in (special, special + ".")


def _link_local(family: int, packed: bytes) -> bool:
    return family == AF_INET6 and packed[0] == 0xFE and packed[1] & 0xC0 == 0x80


def _gateways() -> list[tuple[int, bytes, int]]:
    """Default routes' next hops; only link-local ones carry their interface as scope id."""
    from ..interfaces import default_gateways

    return [(g.family, g.address, g.ifindex if _link_local(g.family, g.address) else 0) for g in default_gateways()]


def _outbounds() -> list[tuple[int, bytes, int]]:
    """The source address towards each gateway (a UDP connect: nothing is sent)."""
    out = []
    for family, address, index in _gateways():
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                target = socket.inet_ntop(family, address)
                sock.connect((target, 53) if family == AF_INET else (target, 53, 0, index))
                local = sock.getsockname()[0].split("%")[0]
        except OSError:
            continue
        out.append((family, socket.inet_pton(family, local), 0))
    return out


def _local_addresses() -> list[tuple[int, bytes, int]]:
    from ..interfaces import interface_addresses

    out = []
    for a in interface_addresses():
        if a.family == AF_INET6 and a.address == _LOOPBACK6:
            continue
        if a.family == AF_INET and a.address[0] == 127:
            continue
        out.append((a.family, a.local or a.address if a.family == AF_INET else a.address,
                    a.index if _link_local(a.family, a.address) else 0))
    return out


def canonical_for(resolver: Resolver, name: str) -> str | None:
    """The canonical name myhostname gives ``name`` (None: not one of its names)."""
    if _is_localhost(name):
        return "localhost"
    if _is_special(name, "_gateway"):
        return "_gateway"
    if _is_special(name, "_outbound"):
        return "_outbound"
    host = resolver.hostname
    if name == host or name == host + ".":
        return host
    return None


def addresses_for(resolver: Resolver, canonical: str) -> list[tuple[int, bytes, int]]:
    """(family, packed, scope id) for one of myhostname's canonical names."""
    if canonical == "localhost":
        return [(AF_INET6, _LOOPBACK6, 0), (AF_INET, _LOOPBACK4, 0)]
    if canonical == "_gateway":
        return _gateways()
    if canonical == "_outbound":
        return _outbounds()
    addresses = _local_addresses()
    return addresses or [(AF_INET6, _LOOPBACK6, 0), (AF_INET, _LOCALADDRESS4, 0)]


def byname4(resolver: Resolver, name: str) -> Answer:
    """``_nss_myhostname_gethostbyname4_r``: value ``(canonical, [AddressHit])``."""
    canonical = canonical_for(resolver, name)
    found = addresses_for(resolver, canonical) if canonical is not None else []
    if canonical is None or not found:
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, f"myhostname does not answer for {name!r}")
    hits = [AddressHit(f, p, 0, scope) for f, p, scope in found]
    return Answer(SUCCESS, (canonical, hits), 0, 0, f"myhostname: {canonical}")


def byname3(resolver: Resolver, name: str, family: int) -> Answer:
    """``_nss_myhostname_gethostbyname3_r``: value ``(hostent, [])``."""
    canonical = canonical_for(resolver, name)
    found = [p for f, p, _ in addresses_for(resolver, canonical) if f == family] if canonical is not None else []
    if canonical is None or not found:
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, f"myhostname has no {'IPv4' if family == AF_INET else 'IPv6'} address for {name!r}")
    h = hostent(canonical, (), family, 4 if family == AF_INET else 16, tuple(socket.inet_ntop(family, p) for p in found))
    return Answer(SUCCESS, (h, []), 0, 0, f"myhostname: {canonical}")


def byaddr(resolver: Resolver, packed: bytes) -> Answer:
    """``_nss_myhostname_gethostbyaddr2_r``: value ``(hostent, "myhostname")``."""
    family = AF_INET if len(packed) == 4 else AF_INET6
    name: str | None = None
    if packed in (_LOOPBACK4, _LOOPBACK6):
        name = "localhost"
    elif packed == _LOCALADDRESS4 or any(p == packed for f, p, _ in _local_addresses() if f == family):
        name = resolver.hostname
    elif any(p == packed for f, p, _ in _gateways() if f == family):
        name = "_gateway"
    if name is None:
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, "myhostname does not know this address")
    h = hostent(name, (), family, len(packed), (socket.inet_ntop(family, packed),))
    return Answer(SUCCESS, (h, "myhostname"), 0, 0, f"myhostname: {name}")
