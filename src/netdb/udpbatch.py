"""Move bursts of UDP datagrams with one system call each way, for the bulk lane.

Reading: the bulk lane's sockets each carry up to 64 queries, and their
replies arrive in bursts.  ``recvmmsg(2)`` reads up to :data:`SLOTS` of them
in one call into a buffer of fixed slots of :data:`SLOT_SIZE` bytes; a
datagram longer than a slot comes back cut, and marked so.  Linux only
(glibc's ``recvmmsg`` through ctypes): :func:`open_reader` returns None
elsewhere, and the caller reads one datagram per ``recv``.

Sending: queries of one length (a name's A and AAAA queries always are;
names of one length too) go out in one ``sendmsg`` with Linux's UDP
segmentation offload (``UDP_SEGMENT``, Linux 4.18): the kernel cuts the
buffer into the datagrams, which leave exactly as if each had its own
``send``, and the receiver is woken once for the burst instead of once per
datagram.  :func:`send_segments` reports when the kernel or the route
refuses it; the caller then sends each datagram on its own.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import struct
import sys
from collections.abc import Sequence
from typing import Any

__all__ = [
    "MAX_SEGMENTS",
    "SEGMENTS_REFUSED",
    "SLOTS",
    "SLOT_SIZE",
    "BatchReader",
    "open_reader",
    "segments_available",
    "send_segments",
]

SLOTS = 64
"""The most datagrams one call reads."""
SLOT_SIZE = 4096
"""The bytes kept of each datagram (a DNS reply over UDP is at most 1,200 bytes unless a server ignores EDNS)."""

MAX_SEGMENTS = 64
"""The most datagrams one segmented ``sendmsg`` carries (the kernel's ``UDP_MAX_SEGMENTS``)."""
SEGMENTS_REFUSED = frozenset({errno.EIO, errno.EINVAL, errno.ENOPROTOOPT, errno.EOPNOTSUPP})
"""The errors with which a kernel or a route refuses segmentation (nothing was sent)."""

_UDP_SEGMENT = 103  # <linux/udp.h>; the socket module has no name for it
_SOL_UDP = 17

_MSG_DONTWAIT = int(socket.MSG_DONTWAIT)
_MSG_TRUNC = int(socket.MSG_TRUNC)
_AGAIN = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)


class _Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class _Msghdr(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_void_p),
        ("namelen", ctypes.c_uint32),
        ("iov", ctypes.c_void_p),
        ("iovlen", ctypes.c_size_t),
        ("control", ctypes.c_void_p),
        ("controllen", ctypes.c_size_t),
        ("flags", ctypes.c_int),
    ]


class _Mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", _Msghdr), ("len", ctypes.c_uint)]


class BatchReader:
    """One buffer of :data:`SLOTS` slots and the headers ``recvmmsg`` fills; ``read(fd)`` empties a socket's queue.

    Not thread-safe: one reader per thread (the bulk driver's lane has its own).
    """

    def __init__(self, recvmmsg: object) -> None:
        self._recvmmsg = recvmmsg
        self._buffer = ctypes.create_string_buffer(SLOTS * SLOT_SIZE)
        self._bytes = memoryview(self._buffer).cast("B")
        self._iov = (_Iovec * SLOTS)()
        self._headers = (_Mmsghdr * SLOTS)()
        base = ctypes.addressof(self._buffer)
        for i in range(SLOTS):
            self._iov[i].base = base + i * SLOT_SIZE
            self._iov[i].len = SLOT_SIZE
            self._headers[i].hdr.iov = ctypes.addressof(self._iov[i])
            self._headers[i].hdr.iovlen = 1
        # the headers' msg_len and msg_flags, read as 32-bit words (no ctypes attribute access per datagram)
        self._words = memoryview(self._headers).cast("B").cast("I")
        stride = ctypes.sizeof(_Mmsghdr)
        assert stride % 4 == 0
        self._stride = stride // 4
        self._len_at = _Mmsghdr.len.offset // 4
        self._flags_at = (_Mmsghdr.hdr.offset + _Msghdr.flags.offset) // 4

    def read(self, fd: int) -> list[tuple[bytes, bool]]:
        """The datagrams waiting on ``fd`` (at most :data:`SLOTS`), each with True when it was cut.

        Empty when none is waiting; raises ``OSError`` for a socket error (an
        ICMP error reported on a connected socket).
        """
        count: int = self._recvmmsg(fd, self._headers, SLOTS, _MSG_DONTWAIT, None)  # type: ignore[operator]
        if count < 0:
            err = ctypes.get_errno()
            if err in _AGAIN:
                return []
            raise OSError(err, os.strerror(err))
        words, view, stride = self._words, self._bytes, self._stride
        len_at, flags_at = self._len_at, self._flags_at
        out = []
        for i in range(count):
            length = words[i * stride + len_at]
            start = i * SLOT_SIZE
            out.append((bytes(view[start : start + min(length, SLOT_SIZE)]),
                        bool(words[i * stride + flags_at] & _MSG_TRUNC)))
        return out


def open_reader() -> BatchReader | None:
    """A reader, or None where ``recvmmsg`` is not available (not Linux, no libc through ctypes)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        recvmmsg = ctypes.CDLL(None, use_errno=True).recvmmsg
    except (OSError, AttributeError):
        return None
    return BatchReader(recvmmsg)


def segments_available() -> bool:
    """Whether :func:`send_segments` can work here at all (Linux); the kernel decides the rest."""
    return sys.platform.startswith("linux")


def send_segments(sock: Any, datagrams: Sequence[bytes]) -> None:
    """Send ``datagrams`` (2 to :data:`MAX_SEGMENTS` of them, all of one length) with one ``sendmsg``.

    Raises ``OSError`` as ``send`` would, having sent nothing; an errno in
    :data:`SEGMENTS_REFUSED` means segmentation is refused here (an old
    kernel, a route through a device without checksum offload): send the
    datagrams one by one instead.
    """
    size = len(datagrams[0])
    burst = b"".join(datagrams)
    if len(burst) != size * len(datagrams):
        raise ValueError("segments must all have one length")  # (the kernel would cut them elsewhere)
    sock.sendmsg([burst], [(_SOL_UDP, _UDP_SEGMENT, struct.pack("=H", size))])
