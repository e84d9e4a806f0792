"""Files read once per version: stat on each use, re-parse only when they change.

A ``CachedFile`` holds the parsed form of one file together with the file's
identity ``(device, inode, size, mtime in ns, ctime in ns)``.  ``get()`` costs
one ``stat``; the file is read and parsed again only when the identity
changed, so an edited or atomically replaced file is seen at the next call (as
glibc, which re-reads /etc/hosts on every call, sees it).  A new snapshot
replaces the old one in a single assignment, so a reader never sees half of
two versions.

What glibc does with a file that cannot be read decides ``status``:
``"ok"``, ``"missing"`` (no such file: an empty database, the files source
answers UNAVAIL) or ``"unreadable"`` (no permission, a directory, a FIFO, a
device, too large, an I/O error: also UNAVAIL, with the reason in
``error``).  Nothing here blocks: FIFOs and devices are refused before
``open``.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from . import readlog
from .files._text import decode
from .watch import WATCH_AFTER, Watcher, watcher

__all__ = ["MAX_FILE_BYTES", "CachedFile", "Snapshot"]

T = TypeVar("T")

# Far above any real /etc file (a 1,000,000-line blocklist is ~40 MB), low
# enough that a stray huge or sparse file cannot exhaust memory.
MAX_FILE_BYTES = 512 * 1024 * 1024


class Snapshot(Generic[T]):
    """One parsed version of a file.

    ``memo`` holds what callers derive from this version (it is dropped with
    it when the file changes).
    """

    __slots__ = ("error", "identity", "memo", "path", "status", "value")

    def __init__(self, path: str, value: T, status: str, error: str | None, identity: tuple[int, ...] | None) -> None:
        self.path = path
        self.value = value
        self.status = status
        self.error = error
        self.identity = identity
        self.memo: dict[str, Any] = {}

    @property
    def ok(self) -> bool:
        """True when the file was read."""
        return self.status == "ok"


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class CachedFile(Generic[T]):
    """A file and the function that parses its text (``None`` when missing).

    ``watch=False`` reads the file once (glibc reads host.conf once per
    process).  Otherwise each ``get`` checks the file: with a ``stat``, or,
    once the file is read often, through ``netdb.watch`` (inotify), which
    answers "nothing changed" for all watched files with a single ``poll``.
    """

    __slots__ = ("_generation", "_lock", "_reads", "_snapshot", "_watcher", "parse", "path", "watch")

    def __init__(self, path: str, parse: Callable[[str | None, str], T], *, watch: bool = True) -> None:
        self.path = path
        self.parse = parse
        self.watch = watch
        self._snapshot: Snapshot[T] | None = None
        self._lock = threading.Lock()
        self._reads = 0
        self._watcher: Watcher | None = None
        self._generation = -1

    def get(self) -> Snapshot[T]:
        """The current snapshot, re-read if the file changed since the last call."""
        log = readlog.current()
        if log is not None:
            log.files.append(self)
        snap = self._snapshot
        if snap is not None:
            if not self.watch:
                return snap
            w = self._watcher
            if w is not None:
                if w is watcher() and w.current() == self._generation:
                    return snap
                self._watcher = None
        self._arm()
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            ident: tuple[int, ...] | None = None
            if snap is not None and snap.status == "missing":
                return snap
            return self._store(None, "missing", None, None)
        except OSError as exc:
            return self._store(None, "unreadable", _reason(exc), None)
        ident = _identity(st)
        if snap is not None and snap.identity == ident:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is not None and snap.identity == ident:
                return snap
            if not stat.S_ISREG(st.st_mode):
                kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
                return self._store(None, "unreadable", kind, ident)
            if st.st_size > MAX_FILE_BYTES:
                return self._store(None, "unreadable", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", ident)
            try:
                with open(self.path, "rb") as fh:
                    data = fh.read(MAX_FILE_BYTES + 1)
            except FileNotFoundError:
                return self._store(None, "missing", None, None)
            except OSError as exc:
                return self._store(None, "unreadable", _reason(exc), ident)
            if len(data) > MAX_FILE_BYTES:
                return self._store(None, "unreadable", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", ident)
            return self._store(decode(data), "ok", None, ident)

    def watched_at(self, w: Watcher, generation: int) -> bool:
        """True when this file's snapshot is known current at watcher ``w``'s ``generation``
        (or the file is read once per process and never re-checked)."""
        return not self.watch or (self._watcher is w and self._generation == generation)

    def _arm(self) -> int:
        """Count a ``stat``; watch the file once it is read often.  Returns the generation to record."""
        self._reads += 1
        if self._reads < WATCH_AFTER or not self.watch:
            return -1
        w = watcher()
        if w is None or not w.watch(self.path):
            self._reads = -(1 << 30)  # stat from now on
            return -1
        generation = w.current()
        self._watcher = w
        self._generation = generation
        return generation

    def _store(self, text: str | None, status: str, error: str | None, ident: tuple[int, ...] | None) -> Snapshot[T]:
        snap = Snapshot(self.path, self.parse(text, self.path), status, error, ident)
        self._snapshot = snap
        return snap

    def invalidate(self) -> None:
        """Forget the cached version; the next ``get`` reads the file again."""
        self._snapshot = None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
