"""The machine's interface addresses, read from the kernel over rtnetlink.

getaddrinfo needs them twice, and glibc asks netlink (``__check_pf``) afresh
on every call that needs them:

* **AI_ADDRCONFIG** (:func:`configured_families`): IPv4 counts as configured
  when any IPv4 address other than exactly 127.0.0.1 exists (127.0.0.2 counts),
  IPv6 when any address other than ::1 exists (fe80:: link-local counts).
  Interfaces that are down count too: glibc looks at addresses only.
* **the address sort** (:meth:`InterfaceSnapshot.source_entry`): the prefix
  length, interface index and flags of the source address the kernel picked.
  glibc keeps that table only when IPv6 is configured in the sense above; on a
  host whose only IPv6 address is ::1 it has **no** interface information for
  sorting at all (see ``netdb.addrsort``).

This module speaks rtnetlink in pure Python (``RTM_GETADDR`` and
``RTM_GETLINK`` dumps over an ``AF_NETLINK`` socket, parsed with ``struct``).

Caching.  A dump costs a few tens of microseconds, which is too much to pay on
every getaddrinfo call, so :func:`snapshot` keeps the last one and a second
netlink socket subscribed to the kernel's change notifications (address, link,
route and rule groups).  The snapshot is reused until a notification arrives;
checking for one is a single ``poll()`` with a zero timeout.  A lost
notification (the socket overflowed) or a fork (the child must not share the
parent's socket) also invalidates it.  The snapshot also carries a cache of
source-address probes for ``netdb.addrsort``; because routing can change in
ways netlink does not announce (sysctls, BPF), that cache also expires after
:data:`PROBE_CACHE_SECONDS`.  Where netlink is unavailable the snapshot says
so (``ok`` is False), glibc's answer for that case is used (both families
configured, no sorting information), and it is re-read after
:data:`FALLBACK_SECONDS`.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .watch import PollSlot

__all__ = [
    "FALLBACK_SECONDS",
    "IFA_F_DADFAILED",
    "IFA_F_DEPRECATED",
    "IFA_F_HOMEADDRESS",
    "IFA_F_NODAD",
    "IFA_F_OPTIMISTIC",
    "IFA_F_PERMANENT",
    "IFA_F_SECONDARY",
    "IFA_F_TEMPORARY",
    "IFA_F_TENTATIVE",
    "PROBE_CACHE_SECONDS",
    "Gateway",
    "InterfaceAddress",
    "InterfaceSnapshot",
    "Link",
    "configured_families",
    "default_gateways",
    "dump",
    "interface_addresses",
    "invalidate",
    "snapshot",
]

# linux/if_addr.h
IFA_F_SECONDARY = 0x01
IFA_F_TEMPORARY = 0x01  # the same bit: "secondary" for IPv4, "temporary" for IPv6
IFA_F_NODAD = 0x02
IFA_F_OPTIMISTIC = 0x04
IFA_F_DADFAILED = 0x08
IFA_F_HOMEADDRESS = 0x10
IFA_F_DEPRECATED = 0x20
IFA_F_TENTATIVE = 0x40
IFA_F_PERMANENT = 0x80
_FLAG_NAMES = (
    (IFA_F_TEMPORARY, "temporary"), (IFA_F_NODAD, "nodad"), (IFA_F_OPTIMISTIC, "optimistic"),
    (IFA_F_DADFAILED, "dadfailed"), (IFA_F_HOMEADDRESS, "home"), (IFA_F_DEPRECATED, "deprecated"),
    (IFA_F_TENTATIVE, "tentative"), (IFA_F_PERMANENT, "permanent"), (0x100, "mngtmpaddr"),
    (0x200, "noprefixroute"), (0x400, "autojoin"), (0x800, "stable-privacy"),
)

#: How long cached source-address probes are trusted without a netlink event.
PROBE_CACHE_SECONDS = 1.0
#: How long a snapshot is reused when netlink itself is unavailable.
FALLBACK_SECONDS = 1.0

# linux/netlink.h, linux/rtnetlink.h
_NETLINK_ROUTE = 0
_NLMSG_ERROR = 2
_NLMSG_DONE = 3
_NLM_F_REQUEST = 0x1
_NLM_F_DUMP = 0x300
_RTM_NEWLINK, _RTM_DELLINK, _RTM_GETLINK = 16, 17, 18
_RTM_NEWADDR, _RTM_DELADDR, _RTM_GETADDR = 20, 21, 22
_IFA_ADDRESS, _IFA_LOCAL, _IFA_LABEL, _IFA_FLAGS = 1, 2, 3, 8
_IFLA_IFNAME = 3
# Notification groups: link, IPv4 addresses, IPv4 routes, IPv4 rules,
# IPv6 addresses, IPv6 routes, IPv6 rules (RTNLGRP_IPV6_RULE = 19).
_GROUPS = 0x1 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | (1 << 18)
_NLMSGHDR = struct.Struct("=IHHII")
_IFADDRMSG = struct.Struct("=BBBBI")
_IFINFOMSG = struct.Struct("=BxHiII")
_RTATTR = struct.Struct("=HH")
_U32 = struct.Struct("=I")
# linux/if_arp.h: the link types glibc's __check_native calls non-native.
_ARPHRD_TUNNEL, _ARPHRD_TUNNEL6, _ARPHRD_SIT = 768, 769, 776
_ARPHRD_NAMES = {1: "ether", 772: "loopback", 768: "ipip", 769: "tunnel6", 776: "sit", 778: "gre", 65534: "none"}
_RT_SCOPE_NAMES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}
_LOOPBACK4 = b"\x7f\x00\x00\x01"
_LOOPBACK6 = bytes(15) + b"\x01"
_V4MAPPED = bytes(10) + b"\xff\xff"


@dataclass(frozen=True, slots=True)
class InterfaceAddress:
    """One address of one interface, as ``RTM_NEWADDR`` reports it.

    ``address`` is what glibc uses: the ``IFA_ADDRESS`` attribute, which on a
    point-to-point link is the *peer*, else ``IFA_LOCAL``.  ``local`` is the
    ``IFA_LOCAL`` attribute when present (the interface's own address on
    point-to-point links).  ``scope`` is the kernel's ``RT_SCOPE_*`` number and
    ``flags`` the full ``IFA_F_*`` word (from ``IFA_FLAGS`` when present).
    """

    family: int
    address: bytes
    prefixlen: int
    index: int
    name: str
    scope: int
    flags: int
    local: bytes | None = None

    @property
    def text(self) -> str:
        """``address/prefixlen`` in presentation form."""
        return f"{socket.inet_ntop(self.family, self.address)}/{self.prefixlen}"

    @property
    def deprecated(self) -> bool:
        """IFA_F_DEPRECATED: the preferred lifetime has run out."""
        return bool(self.flags & IFA_F_DEPRECATED)

    @property
    def temporary(self) -> bool:
        """IFA_F_TEMPORARY for IPv6 (a privacy address); for IPv4 the bit means "secondary"."""
        return self.family == socket.AF_INET6 and bool(self.flags & IFA_F_TEMPORARY)

    @property
    def home(self) -> bool:
        """IFA_F_HOMEADDRESS (Mobile IPv6 home address)."""
        return bool(self.flags & IFA_F_HOMEADDRESS)

    @property
    def tentative(self) -> bool:
        """IFA_F_TENTATIVE: duplicate address detection has not finished."""
        return bool(self.flags & IFA_F_TENTATIVE)

    @property
    def optimistic(self) -> bool:
        """IFA_F_OPTIMISTIC (glibc's sort treats it like deprecated)."""
        return bool(self.flags & IFA_F_OPTIMISTIC)

    @property
    def scope_name(self) -> str:
        """The scope as ``ip addr`` prints it (global, link, host, site ...)."""
        return _RT_SCOPE_NAMES.get(self.scope, str(self.scope))

    @property
    def flag_names(self) -> tuple[str, ...]:
        """The set IFA_F_* flags by ``ip addr``'s names (``secondary`` for IPv4)."""
        names = [n for bit, n in _FLAG_NAMES if self.flags & bit]
        if self.family == socket.AF_INET and self.flags & IFA_F_SECONDARY:
            names[0] = "secondary"
        return tuple(names)

    @property
    def key16(self) -> bytes:
        """The 16-byte key glibc files it under: IPv4 as ``::ffff:a.b.c.d``."""
        return _V4MAPPED + self.address if self.family == socket.AF_INET else self.address


@dataclass(frozen=True, slots=True)
class Link:
    """One interface, as ``RTM_NEWLINK`` reports it."""

    index: int
    name: str
    type: int  # ARPHRD_*
    flags: int  # IFF_*

    @property
    def native(self) -> bool:
        """glibc's rule-7 test: not an IPv4-in-IPv4, IPv6-in-IPv6 or SIT tunnel."""
        return self.type not in (_ARPHRD_TUNNEL, _ARPHRD_TUNNEL6, _ARPHRD_SIT)

    @property
    def type_name(self) -> str:
        """The link type as a word (ether, loopback, sit ...) or its number."""
        return _ARPHRD_NAMES.get(self.type, str(self.type))

    @property
    def up(self) -> bool:
        """IFF_UP."""
        return bool(self.flags & 0x1)


@dataclass(eq=False)
class InterfaceSnapshot:
    """Everything getaddrinfo needs from the interface list, read at one moment.

    ``ok`` is False when netlink could not be read; glibc then assumes both
    families are configured and sorts without interface information.
    """

    addresses: tuple[InterfaceAddress, ...]
    links: dict[int, Link]
    ok: bool = True
    taken: float = field(default_factory=time.monotonic)
    has_ipv4: bool = field(init=False)
    has_ipv6: bool = field(init=False)
    #: Source-address probe results (``netdb.addrsort`` fills it); emptied
    #: every :data:`PROBE_CACHE_SECONDS` (``probe_cache_since`` is when it started).
    probe_cache: dict[object, object] = field(default_factory=dict, repr=False)
    probe_cache_since: float = field(default_factory=time.monotonic, repr=False)
    #: What the interface table says about each source address seen (``netdb.addrsort`` fills it;
    #: it depends on this snapshot's table alone).
    source_memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    _by_key: dict[bytes, InterfaceAddress] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.ok:
            self.has_ipv4 = self.has_ipv6 = True
            self._by_key = {}
            return
        self.has_ipv4 = any(a.family == socket.AF_INET and a.address != _LOOPBACK4 for a in self.addresses)
        self.has_ipv6 = any(a.family == socket.AF_INET6 and a.address != _LOOPBACK6 for a in self.addresses)
        self._by_key = _glibc_lookup_table(self.addresses) if self.has_ipv6 else {}

    @property
    def families(self) -> tuple[bool, bool]:
        """``(has_ipv4, has_ipv6)`` by glibc's AI_ADDRCONFIG rule."""
        return self.has_ipv4, self.has_ipv6

    @property
    def sort_info_available(self) -> bool:
        """Whether glibc has interface information for sorting (IPv6 configured)."""
        return bool(self._by_key)

    def source_entry(self, key16: bytes) -> InterfaceAddress | None:
        """The entry glibc's ``bsearch`` finds for a 16-byte source address, if any.

        None whenever glibc has no table: netlink failed, or IPv6 is not
        configured (only ::1).
        """
        return self._by_key.get(key16)

    def native(self, index: int) -> bool:
        """glibc's ``__check_native`` for an interface index (unknown index: not native)."""
        link = self.links.get(index)
        return link is not None and link.native

    def name(self, index: int) -> str:
        """The interface name for an index ("" if unknown)."""
        link = self.links.get(index)
        return link.name if link is not None else ""


def _glibc_lookup_table(addresses: tuple[InterfaceAddress, ...]) -> dict[bytes, InterfaceAddress]:
    """Which entry glibc's ``bsearch`` returns for each address.

    glibc sorts the entries by address with its stable merge sort and
    binary-searches them; with the same address on two interfaces the entry
    found depends on the search path, which this reproduces.
    """
    table = sorted(addresses, key=lambda a: a.key16)
    keys = [a.key16 for a in table]
    found: dict[bytes, InterfaceAddress] = {}
    for key in set(keys):
        lo, hi = 0, len(keys)
        while lo < hi:
            mid = (lo + hi) // 2
            if key < keys[mid]:
                hi = mid
            elif key > keys[mid]:
                lo = mid + 1
            else:
                found[key] = table[mid]
                break
    return found


# --- netlink ------------------------------------------------------------


def _attrs(data: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    end = len(data)
    while offset + 4 <= end:
        length, kind = _RTATTR.unpack_from(data, offset)
        if length < 4 or offset + length > end:
            return
        yield kind & 0x3FFF, data[offset + 4 : offset + length]
        offset += (length + 3) & ~3


def _request(sock: socket.socket, kind: int, body: bytes, seq: int) -> list[tuple[int, bytes]]:
    """Send one dump request and collect (type, payload) of every answer message."""
    msg = _NLMSGHDR.pack(_NLMSGHDR.size + len(body), kind, _NLM_F_REQUEST | _NLM_F_DUMP, seq, 0) + body
    sock.sendto(msg, (0, 0))
    out: list[tuple[int, bytes]] = []
    while True:
        data = sock.recv(65536)
        offset = 0
        while offset + _NLMSGHDR.size <= len(data):
            length, mtype, _flags, mseq, _pid = _NLMSGHDR.unpack_from(data, offset)
            if length < _NLMSGHDR.size:
                break
            payload = data[offset + _NLMSGHDR.size : offset + length]
            offset += (length + 3) & ~3
            if mseq != seq:
                continue
            if mtype == _NLMSG_DONE:
                return out
            if mtype == _NLMSG_ERROR:
                code = struct.unpack_from("=i", payload)[0] if len(payload) >= 4 else -errno.EIO
                if code == 0:
                    continue
                raise OSError(-code, os.strerror(-code))
            out.append((mtype, payload))


def _parse_link(payload: bytes) -> Link:
    _family, kind, index, flags, _change = _IFINFOMSG.unpack_from(payload)
    name = ""
    for attr, value in _attrs(payload, _IFINFOMSG.size):
        if attr == _IFLA_IFNAME:
            name = value.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
    return Link(index, name, kind, flags)


def _parse_addr(payload: bytes, links: dict[int, Link]) -> InterfaceAddress | None:
    family, prefixlen, flags, scope, index = _IFADDRMSG.unpack_from(payload)
    if family not in (socket.AF_INET, socket.AF_INET6):
        return None
    address = local = None
    label = ""
    for attr, value in _attrs(payload, _IFADDRMSG.size):
        if attr == _IFA_ADDRESS and address is None:
            address = value
        elif attr == _IFA_LOCAL and local is None:
            local = value
        elif attr == _IFA_LABEL:
            label = value.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
        elif attr == _IFA_FLAGS and len(value) >= 4:
            flags = _U32.unpack_from(value)[0]
    chosen = address if address is not None else local
    if chosen is None:
        return None
    link = links.get(index)
    name = label or (link.name if link is not None else "")
    return InterfaceAddress(family, chosen, prefixlen, index, name, scope, flags, local)


def dump() -> InterfaceSnapshot:
    """Read links and addresses from the kernel now (no cache).

    Returns a snapshot with ``ok=False`` when netlink cannot be used.
    """
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, _NETLINK_ROUTE) as sock:
            sock.bind((0, 0))
            seq = int(time.time()) & 0x7FFFFFFF
            link_msgs = _request(sock, _RTM_GETLINK, _IFINFOMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0), seq)
            addr_msgs = _request(sock, _RTM_GETADDR, _IFADDRMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0), seq + 1)
    except (OSError, struct.error):
        return InterfaceSnapshot((), {}, ok=False)
    links = {link.index: link for link in (_parse_link(p) for t, p in link_msgs if t == _RTM_NEWLINK)}
    addrs = tuple(a for a in (_parse_addr(p, links) for t, p in addr_msgs if t == _RTM_NEWADDR) if a is not None)
    return InterfaceSnapshot(addrs, links)


_RTM_GETROUTE = 26
_RTM_NEWROUTE = 24
_RTMSG = struct.Struct("=BBBBBBBBI")
_RTA_OIF = 4
_RTA_GATEWAY = 5
_RT_TABLE_MAIN = 254
_RTA_TABLE = 15


class Gateway(NamedTuple):
    """A default route's next hop: family, packed address and outgoing interface index."""

    family: int
    address: bytes
    ifindex: int


def default_gateways() -> tuple[Gateway, ...]:
    """The next hops of the main table's default routes (what systemd's ``_gateway`` names).

    Read from the kernel now, over netlink (RTM_GETROUTE); empty when netlink
    cannot be used.
    """
    out: list[Gateway] = []
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, _NETLINK_ROUTE) as sock:
            sock.bind((0, 0))
            seq = int(time.time()) & 0x7FFFFFFF
            msgs = _request(sock, _RTM_GETROUTE, _RTMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0), seq)
    except (OSError, struct.error):
        return ()
    for kind, payload in msgs:
        if kind != _RTM_NEWROUTE or len(payload) < _RTMSG.size:
            continue
        family, dst_len, _src_len, _tos, table, _proto, _scope, _type, _flags = _RTMSG.unpack_from(payload)
        if dst_len != 0:
            continue
        gateway, oif = None, 0
        for attr, value in _attrs(payload, _RTMSG.size):
            if attr == _RTA_GATEWAY:
                gateway = value
            elif attr == _RTA_OIF and len(value) >= 4:
                oif = struct.unpack_from("=I", value)[0]
            elif attr == _RTA_TABLE and len(value) >= 4:
                table = struct.unpack_from("=I", value)[0]
        if gateway is not None and table == _RT_TABLE_MAIN:
            out.append(Gateway(family, gateway, oif))
    return tuple(out)


# --- the cache ----------------------------------------------------------


class _Watcher:
    """A netlink socket subscribed to change notifications."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, _NETLINK_ROUTE)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
            self.sock.bind((0, _GROUPS))
            self.sock.setblocking(False)
        except OSError:
            self.sock.close()
            raise
        # A poll object per thread: one shared by threads raises "concurrent poll() invocation".
        self._local = PollSlot()

    def _poller(self) -> select.poll:
        poller: select.poll | None = self._local.poll
        if poller is None:
            poller = select.poll()
            poller.register(self.sock.fileno(), select.POLLIN)
            self._local.poll = poller
        return poller

    def hold(self) -> None:
        """Until ``release``, this thread sees no notification (``interfaces.hold``)."""
        self._local.hold(self._poller())

    def release(self) -> None:
        """End ``hold``."""
        self._local.release()

    def changed(self) -> bool:
        """True when at least one notification (or an overflow) arrived; drains them (any thread)."""
        if not self._poller().poll(0):
            return False
        while True:
            try:
                if not self.sock.recv(65536):
                    return True
            except BlockingIOError:
                return True
            except OSError:  # ENOBUFS: notifications were lost
                continue

    def close(self) -> None:
        """Close the notification socket."""
        self.sock.close()


_lock = threading.Lock()
_current: InterfaceSnapshot | None = None
_watcher: _Watcher | None = None


def _after_fork_in_child() -> None:
    """A forked child must not read the parent's notification socket."""
    global _lock, _current, _watcher
    _lock = threading.Lock()
    _current = None
    if _watcher is not None:
        _watcher.close()
    _watcher = None


os.register_at_fork(after_in_child=_after_fork_in_child)


def invalidate() -> None:
    """Forget the cached snapshot (the next :func:`snapshot` reads netlink again)."""
    global _current
    _current = None


def hold() -> None:
    """Check the kernel now; until ``release``, this thread's ``snapshot`` checks it no more.

    For work that stands for many calls made at one moment (a batch of bulk
    lookups); never held across code the caller runs.  This thread's poll
    object is swapped for one that reports nothing, so ``snapshot`` costs
    the same as ever when nothing is held.
    """
    snapshot()
    watcher = _watcher
    if watcher is not None:
        watcher.hold()


def release() -> None:
    """End ``hold``: every ``snapshot`` checks the kernel again."""
    watcher = _watcher
    if watcher is not None:
        watcher.release()


def snapshot() -> InterfaceSnapshot:
    """The current interface snapshot, re-read only when the kernel reports a change.

    Cheap when nothing changed (one ``poll()``; none while ``hold`` is in
    force).  See the module docstring for the invalidation rules.
    """
    global _current, _watcher
    current = _current
    watcher = _watcher
    if current is not None:
        now = time.monotonic()
        if watcher is not None:
            # While another thread refreshes (it has drained the notifications), wait for its snapshot.
            if not watcher.changed() and not _lock.locked():
                if now - current.probe_cache_since > PROBE_CACHE_SECONDS:
                    current.probe_cache = {}
                    current.probe_cache_since = now
                return current
        elif now - current.taken < FALLBACK_SECONDS:
            return current
    with _lock:
        if _watcher is None:
            try:
                _watcher = _Watcher()
            except OSError:
                _watcher = None
        else:
            _watcher.changed()  # drain what is queued; the dump below is newer
        fresh = dump()
        if not fresh.ok and _watcher is not None:
            _watcher.close()
            _watcher = None
        _current = fresh
        return fresh


def configured_families() -> tuple[bool, bool]:
    """``(has_ipv4, has_ipv6)`` as glibc's AI_ADDRCONFIG decides them.

    IPv4: any IPv4 address other than exactly 127.0.0.1.  IPv6: any IPv6
    address other than ::1 (link-local included).  Both True when netlink
    cannot be read, as in glibc.
    """
    return snapshot().families


def interface_addresses() -> tuple[InterfaceAddress, ...]:
    """Every interface address of the machine, in the kernel's dump order."""
    return snapshot().addresses
