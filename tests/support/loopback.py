"""Dedicated loopback addresses for the DNS servers the tests start.

glibc cannot be told a port: a nameserver in resolv.conf is always asked on
port 53.  So every server that glibc must reach (Knot, the fault responder)
gets a loopback address of its own, ``127.53.X.Y``, and listens on port 53
there, in the host's network namespace.  Linux routes all of 127.0.0.0/8 to
``lo``, so any such address can be bound without configuring anything.

An address is leased, never just picked:

* a lock file (``flock``) per address under the temp directory makes the
  address exclusive among all test processes on the machine, including two
  test runs in parallel; the kernel drops the lock when the process dies, so
  a killed run leaks nothing;
* the port is then checked by binding it (UDP and TCP, without
  ``SO_REUSEADDR``/``SO_REUSEPORT``), so an address some other program holds is
  skipped.

Binding port 53 needs root (or CAP_NET_BIND_SERVICE).  Without it a lease can
still be taken with ``port=0``: a free port is chosen on the leased address,
which is enough for tests that talk to the server with dnspython but not for
glibc.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import ipaddress
import os
import random
import socket
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

#: Addresses are leased from 127.53.1.1 … 127.53.254.254.
PREFIX = "127.53"
#: The port glibc always uses.
DNS_PORT = 53

_LOCK_DIR_NAME = "netdb-loopback-leases"
#: glibc options that keep failing lookups short in tests.
FAST_OPTIONS = ("timeout:1", "attempts:1")


def lock_dir() -> Path:
    """The directory holding one lock file per leased address."""
    path = Path(tempfile.gettempdir()) / _LOCK_DIR_NAME
    try:
        path.mkdir(mode=0o1777, exist_ok=True)
        os.chmod(path, 0o1777)
    except PermissionError:
        pass  # created by another user; usable as long as it is world-writable
    return path


def _bindable(address: str, port: int) -> int | None:
    """Bind UDP and TCP on (address, port); return the port, or None if taken.

    With ``port=0`` the kernel chooses a UDP port and the same port must also be
    free for TCP.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    udp = socket.socket(family, socket.SOCK_DGRAM)
    tcp = socket.socket(family, socket.SOCK_STREAM)
    try:
        udp.bind((address, port))
        chosen = udp.getsockname()[1]
        tcp.bind((address, chosen))
        return int(chosen)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise
        return None
    finally:
        udp.close()
        tcp.close()


def free_port(address: str, *, tries: int = 50) -> int:
    """A port that is free for both UDP and TCP on ``address`` right now."""
    for _ in range(tries):
        port = _bindable(address, 0)
        if port is not None:
            return port
    raise OSError(f"no port free for both UDP and TCP on {address}")


@functools.cache
def port53_unavailable_reason() -> str | None:
    """None when this process may bind port 53 on a loopback address, else why not."""
    try:
        Lease.acquire(DNS_PORT).release()
    except PermissionError:
        return ("binding port 53 (glibc only asks port 53) is not permitted: "
                "needs root or CAP_NET_BIND_SERVICE")
    except OSError as exc:
        return f"could not bind port 53 on any {PREFIX}.x.y address ({exc}); another server on *:53?"
    return None


def clean_stale_leases(directory: Path | None = None) -> int:
    """Remove lock files nobody holds (left by killed processes); return how many."""
    removed = 0
    for path in (directory or lock_dir()).glob("*.lock"):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _same_file(fd, path):
                path.unlink()
                removed += 1
        except OSError:
            pass  # held by a live process, or not ours to remove
        finally:
            os.close(fd)
    return removed


def _same_file(fd: int, path: Path) -> bool:
    """True when ``path`` still names the file open as ``fd``.

    A holder unlinks its lock file before unlocking it; whoever locked the old
    file in between sees that it is no longer at ``path`` and tries again.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    fst = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (fst.st_dev, fst.st_ino)


class Lease:
    """An exclusive loopback address (and a port known to be free on it).

    Use as a context manager, or call ``release()``.  While held, no other test
    process leases the same address.
    """

    def __init__(self, address: str, port: int, lock_fd: int, lock_path: Path) -> None:
        self.address = address
        self.port = port
        self._fd: int | None = lock_fd
        self._path = lock_path

    @classmethod
    def acquire(cls, port: int = DNS_PORT, *, tries: int = 200) -> Lease:
        """Lease a free ``127.53.X.Y`` with ``port`` (0: any free port) bindable on it.

        Raises ``PermissionError`` when ``port`` is privileged and we may not bind
        it, ``OSError`` when no address could be found.
        """
        rng = random.SystemRandom()
        directory = lock_dir()
        clean_stale_leases(directory)
        for _ in range(tries):
            address = f"{PREFIX}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
            path = directory / f"{address}.lock"
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except PermissionError:  # another user's lease
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if not _same_file(fd, path):  # unlinked by its releasing holder meanwhile
                os.close(fd)
                continue
            try:
                chosen = _bindable(address, port)
            except OSError:
                os.close(fd)
                raise
            if chosen is None:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return cls(address, chosen, fd, path)
        raise OSError(f"no free loopback address {PREFIX}.x.y with port {port} after {tries} tries")

    @property
    def held(self) -> bool:
        """True until ``release()``."""
        return self._fd is not None

    def release(self) -> None:
        """Give the address back (idempotent); the lock file is removed."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                if _same_file(fd, self._path):
                    self._path.unlink()  # while still locked: see _same_file
            os.close(fd)

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "held" if self.held else "released"
        return f"<Lease {self.address} port {self.port} {state}>"


def other_loopback(address: str) -> str:
    """A loopback address different from ``address`` (for answers from a wrong source).

    Any 127/8 address is local, so binding it for sending needs no lease.
    IPv6 has only ``::1``, so there is no other address to offer.
    """
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        raise ValueError("::1 is the only IPv6 loopback address; no other source address exists")
    return "127.0.0.2" if address != "127.0.0.2" else "127.0.0.3"


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def resolv_conf_text(
    nameservers: Iterable[str],
    *,
    search: Iterable[str] = (),
    options: Iterable[str] = FAST_OPTIONS,
    extra: str = "",
) -> str:
    """A resolv.conf naming ``nameservers`` (loopback only), with search and options lines."""
    lines = []
    for ns in nameservers:
        if not is_loopback(ns):
            raise ValueError(f"refusing a non-loopback nameserver: {ns}")
        lines.append(f"nameserver {ns}")
    search = list(search)
    if search:
        lines.append("search " + " ".join(search))
    options = list(options)
    if options:
        lines.append("options " + " ".join(options))
    text = "\n".join(lines) + "\n"
    return text + extra
