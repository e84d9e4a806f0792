"""The ``files`` source for the hosts database (glibc's ``libnss_files``).

Each function answers one NSS question from the indexed hosts file and says
where the answer came from, for ``--explain``.  When the file cannot be read
the source is UNAVAIL, as nss_files is when ``fopen`` fails.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from ..errors import HOST_NOT_FOUND
from ..switch import NOTFOUND, SUCCESS, UNAVAIL, Answer

if TYPE_CHECKING:
    from ..filecache import Snapshot
    from ..hostsdb import HostsDB

NETDB_INTERNAL = -1

__all__ = ["byaddr", "byname3", "byname4"]


def _unavailable(snap: Snapshot[HostsDB], h_errno: int) -> Answer:
    """UNAVAIL as nss_files answers it.

    When ``fopen`` fails (no file, no permission, a link loop ...) the
    module leaves ``h_errno`` alone (``h_errno`` is the caller's value).  When
    the file opens but cannot be read (a directory) it reports
    NETDB_INTERNAL and the errno (getaddrinfo: EAI_SYSTEM); netdb does the
    same for a file it refuses to read (a FIFO, a file over the size cap).
    """
    if snap.status == "missing":
        return Answer(UNAVAIL, h_errno=h_errno, detail=f"{snap.path} does not exist")
    if snap.like_missing:
        return Answer(UNAVAIL, h_errno=h_errno, detail=f"{snap.path} cannot be opened ({snap.error})")
    return Answer(UNAVAIL, h_errno=NETDB_INTERNAL, errno=snap.errno, detail=f"{snap.path} cannot be read ({snap.error})")


def _lines(numbers: list[int]) -> str:
    return "line " + str(numbers[0]) if len(numbers) == 1 else "lines " + ", ".join(map(str, numbers))


def byname4(snap: Snapshot[HostsDB], name: str, multi: bool, describe: bool = True, h_errno: int = 0) -> Answer:
    """``gethostbyname4_r``: addresses of every family; value ``(canonname, [AddressHit])``.

    ``describe=False`` skips the sentence for ``--explain`` (the hot path).
    ``h_errno`` is the caller's current value, which an unopenable file leaves
    as it is (getaddrinfo then fails with EAI_NODATA only when it was NO_DATA).
    """
    if not snap.ok:
        return _unavailable(snap, h_errno)
    found = snap.value.lookup_unspec(name, multi)
    if found is None:
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, f"no line of {snap.path} names {name!r}" if describe else "")
    return Answer(SUCCESS, found, 0, 0, f"{snap.path} {_lines([h.lineno for h in found[1]])}" if describe else "")


def byname3(snap: Snapshot[HostsDB], name: str, family: int, multi: bool, describe: bool = True) -> Answer:
    """``gethostbyname3_r(name, family)``: value ``(hostent, line numbers)``."""
    if not snap.ok:
        return _unavailable(snap, 0)
    found = snap.value.lookup_family(name, family, multi)
    if found is None:
        fam = "IPv4" if family == socket.AF_INET else "IPv6"
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, f"no {fam} line of {snap.path} names {name!r}" if describe else "")
    return Answer(SUCCESS, found, 0, 0, f"{snap.path} {_lines(found[1])}" if describe else "")


def byaddr(snap: Snapshot[HostsDB], packed: bytes, describe: bool = True) -> Answer:
    """``gethostbyaddr_r``: value ``(hostent, line number)`` of the first line with the address."""
    if not snap.ok:
        return _unavailable(snap, 0)
    found = snap.value.lookup_addr(packed)
    if found is None:
        text = socket.inet_ntop(socket.AF_INET if len(packed) == 4 else socket.AF_INET6, packed)
        return Answer(NOTFOUND, None, HOST_NOT_FOUND, 0, f"no line of {snap.path} has {text}" if describe else "")
    return Answer(SUCCESS, found, 0, 0, f"{snap.path} line {found[1]}" if describe else "")
