"""Change notification for configuration files, so a warm lookup need not ``stat``.

Each ``CachedFile.get`` must notice an edited or replaced file at the next
call.  A ``stat`` per file per call does that for about 2 µs each; on Linux,
inotify does it for one ``epoll_wait`` (about 0.15 µs) covering every watched file:
the file's inode is watched for writes and attribute changes, its directory
for files created, renamed or deleted, and any event at all bumps a
generation counter that makes every cached file check itself with ``stat``
again.  Events are queued by the kernel inside the writer's system call, so a
change is visible to the very next lookup, even in the thread that made it.

It is an optimisation only: files reached through a symbolic link (such as a
systemd-managed resolv.conf), paths inotify refuses, other platforms, a child
after ``fork`` (until it re-arms), or ``NETDB_NO_INOTIFY=1`` all fall back to a
``stat`` per call.  A cached file starts watching only after it has been read
a number of times, so one-shot programs (the CLI) never load ctypes.
"""

from __future__ import annotations

import os
import select
import sys
import threading
from typing import Any

__all__ = ["QUIET", "WATCH_AFTER", "PollSlot", "Watcher", "active", "existing", "watcher"]

# Reads of one file before it is worth watching it.
WATCH_AFTER = 32

_IN_MODIFY = 0x2
_IN_ATTRIB = 0x4
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_FILE_EVENTS = _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_DELETE_SELF | _IN_MOVE_SELF
_DIR_EVENTS = _IN_CREATE | _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_ATTRIB


class PollSlot(threading.local):
    """A thread's poll object, and the one put aside while the thread is held (None until set).

    The interfaces watcher (``netdb.interfaces``) keeps its poll object here,
    one per thread, since a ``select.poll`` object may not be shared by
    threads; the files watcher shares one epoll set and sets ``poll`` only
    while held.  The class attributes answer for a thread that never set
    them, without the exception a ``getattr`` default would raise and catch.
    """

    poll: Any = None
    held: Any = None

    def hold(self, poller: Any) -> None:
        """Put ``poller`` aside and answer with :data:`QUIET` until :meth:`release` (no-op when held)."""
        if self.held is None:
            self.held = poller
            self.poll = QUIET

    def release(self) -> None:
        """Take back the poll object put aside by :meth:`hold`."""
        held = self.held
        if held is not None:
            self.poll = held
            self.held = None


class Watcher:
    """One inotify descriptor for the process, and the generation its events advance."""

    def __init__(self) -> None:
        import ctypes

        self._libc = ctypes.CDLL(None, use_errno=True)
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.fd = fd
        self.generation = 0
        #: Reports the descriptor readable while an event is pending.  One
        #: epoll set serves every thread (``epoll_wait``, unlike a ``select.poll``
        #: object, may run in several threads at once) and costs less per call.
        self.events = select.epoll()
        self.events.register(fd, select.EPOLLIN)
        #: Held while the queue is drained and the generation advanced (see ``current``).
        self.draining = threading.Lock()
        self._local = PollSlot()  # the QUIET stand-in while this thread is held
        self._lock = threading.Lock()
        self._dirs: set[str] = set()

    def watch(self, path: str) -> bool:
        """Watch ``path`` and its directory; False when it must be checked with ``stat`` instead."""
        try:
            if os.path.islink(path) or os.path.realpath(path) != os.path.abspath(path):
                return False
        except OSError:
            return False
        directory = os.path.dirname(os.path.abspath(path))
        with self._lock:
            if directory not in self._dirs:
                if self._libc.inotify_add_watch(self.fd, os.fsencode(directory), _DIR_EVENTS) < 0:
                    return False
                self._dirs.add(directory)
            # The inode (again after each replacement); a missing file is caught by the directory watch.
            self._libc.inotify_add_watch(self.fd, os.fsencode(path), _FILE_EVENTS)
        return True

    def hold(self) -> None:
        """Take in pending events now; until ``release``, this thread's ``current`` polls no more.

        For work that stands for many calls made at one moment (a batch of
        bulk lookups): the files are checked for all of them at once, as if
        every change came just after the batch.  Never held across code the
        caller runs (a generator's ``yield``).  This thread polls a stand-in
        that reports nothing, so ``current`` costs the same as ever when
        nothing is held.
        """
        self.current()
        self._local.hold(self.events)

    def release(self) -> None:
        """End ``hold``: every ``current`` polls again."""
        self._local.release()

    def current(self) -> int:
        """The generation after taking in any pending event (one ``poll``; none while held)."""
        poller = self._local.poll or self.events
        # Drain and advance under the lock, and wait for a drain in progress:
        # otherwise a thread could find the queue emptied by another one
        # before that one has advanced the generation, and answer from a
        # stale snapshot; or a drain could swallow the event of a change that
        # a file's snapshot (recorded at the old generation) never saw.
        if poller.poll(0, 1) or self.draining.locked():
            with self.draining:
                if poller.poll(0, 1):
                    try:
                        while os.read(self.fd, 65536):
                            pass
                    except OSError:  # BlockingIOError: drained
                        pass
                    self.generation += 1
        return self.generation


class _Quiet:
    """A stand-in for a poll or epoll object that never reports an event (see ``Watcher.hold``)."""

    def poll(self, timeout: float | None = None, maxevents: int = -1) -> list[tuple[int, int]]:
        """No event."""
        return []


QUIET: Any = _Quiet()
"""The poll object a held thread uses."""

active: Watcher | None = None
"""The process's watcher once a cached file has created it (``existing()``): a value kept with
one of its generations is current while ``active`` is still that watcher, ``events`` reports
nothing, ``draining`` is free and ``generation`` is unchanged (``Watcher.current`` without the
call; ``dbapi.files_table`` checks exactly that)."""
_FAILED = False


def _forget_after_fork() -> None:
    """A forked child must not share the parent's event queue: it arms its own."""
    global active, _FAILED
    active, _FAILED = None, False


os.register_at_fork(after_in_child=_forget_after_fork)


def existing() -> Watcher | None:
    """The process's watcher if a cached file has already created it (never creates one)."""
    return active


def watcher() -> Watcher | None:
    """The process's watcher, created on first use (None where inotify cannot be used)."""
    global active, _FAILED
    if active is None and not _FAILED:
        if not sys.platform.startswith("linux") or os.environ.get("NETDB_NO_INOTIFY"):
            _FAILED = True
            return None
        try:
            active = Watcher()
        except (OSError, AttributeError, ImportError):
            _FAILED = True
    return active
