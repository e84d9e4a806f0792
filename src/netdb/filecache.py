"""Files read once per version: stat on each use, re-parse only when they change.

A ``CachedFile`` holds the parsed form of one file together with the file's
identity ``(device, inode, size, mtime in ns, ctime in ns)``.  ``get()`` costs
one ``stat``; the file is read and parsed again only when the identity
changed, so an edited or atomically replaced file is seen at the next call (as
glibc, which re-reads /etc/hosts on every call, sees it).  A new snapshot
replaces the old one in a single assignment, so a reader never sees half of
two versions.

An identity cannot tell apart two same-size versions written within one tick
of the kernel's coarse clock (same inode, same mtime and ctime).  As git does
with "racily clean" index entries, a snapshot whose file changed less than
``RACY_NS`` (``RACY_COARSE_NS`` where timestamps are whole seconds) before
it was read is *racy*: the next ``get`` reads the file again and compares the
bytes (a digest) instead of trusting the identity.

Reading never blocks and never takes unbounded memory (docs/hostile-files.md):
the file is opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open
descriptor (no window between the check and the read); a FIFO or a socket is
not read at all (glibc would wait for a writer forever); a regular file is
read up to ``MAX_FILE_BYTES`` and a device (``/dev/null`` is a common
stand-in for an empty file) up to ``MAX_DEVICE_BYTES``; beyond that the file
is refused, not truncated.

What happened decides ``status`` and ``stage``, modelled on glibc's
``fopen``-then-read:

* ``"ok"``: read;
* ``"missing"``: no such file (ENOENT, ENOTDIR): an empty database;
* ``"unreadable"`` with ``stage="open"``: ``open`` failed (no permission, a
  symbolic-link loop ...): glibc's ``fopen`` fails the same way as for a
  missing file, and so the file counts as missing;
* ``"unreadable"`` with ``stage="read"``: opened, but reading fails (a
  directory: EISDIR); glibc reports that errno;
* ``"unreadable"`` with ``stage="refused"``: not read on purpose (a FIFO or
  socket: ENXIO; too large or an endless device: EFBIG).

``errno`` and ``error`` say why.
"""

import errno as errno_mod
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, TypeVar

from . import readlog
from .files._text import decode
from .watch import WATCH_AFTER, Watcher, watcher

__all__ = ["MAX_DEVICE_BYTES", "MAX_FILE_BYTES", "RACY_COARSE_NS", "RACY_NS", "CachedFile", "FileRead", "Snapshot",
           "current_at", "read_file"]

T = TypeVar("T")

# Far above any real /etc file (a 1,000,000-line blocklist is ~40 MB), low
# enough that a stray huge or sparse file cannot exhaust memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
# A device is read this far at most: /dev/null reads as empty, /dev/zero is refused.
MAX_DEVICE_BYTES = 1024 * 1024
# A file changed this recently (ns) when read may change again without a new identity.
RACY_NS = 50_000_000
# The same on a filesystem that keeps whole seconds (FAT keeps two).
RACY_COARSE_NS = 3_000_000_000
_CHUNK = 1 << 20
_MISSING_ERRNOS = (errno_mod.ENOENT, errno_mod.ENOTDIR)


class FileRead(NamedTuple):
    """The outcome of ``read_file``: the bytes (None unless ``status == "ok"``) and why not."""

    data: bytes | None
    status: str
    stage: str
    errno: int
    error: str | None
    identity: tuple[int, ...] | None
    racy: bool


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _fail(status: str, stage: str, err: int, reason: str | None, ident: tuple[int, ...] | None = None) -> FileRead:
    return FileRead(None, status, stage, err, reason, ident, False)


def read_file(path: str, limit: int | None = None) -> FileRead:
    """Read a configuration file as glibc would find it, without blocking and within ``limit`` bytes.

    ``limit`` defaults to ``MAX_FILE_BYTES`` (read at call time, so tests can
    lower it).  Never raises ``OSError``: every failure is described in the result.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        # A FIFO is refused before it is opened: even a non-blocking open would
        # release a writer waiting in its own open, to fail at its first write.
        pre = os.stat(path)
        if stat.S_ISFIFO(pre.st_mode) or stat.S_ISSOCK(pre.st_mode):
            return _not_a_stream(pre)
    except OSError:
        pass  # the open below reports it
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        err = exc.errno or 0
        if err in _MISSING_ERRNOS:
            return _fail("missing", "open", err, None)
        return _fail("unreadable", "open", err, _reason(exc))
    try:
        st = os.fstat(fd)
        ident = _identity(st)
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            return _fail("unreadable", "read", errno_mod.EISDIR, "a directory", ident)
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # replaced by one since the stat above
            return _not_a_stream(st)
        regular = stat.S_ISREG(mode)
        cap = limit if regular else min(limit, MAX_DEVICE_BYTES)
        if st.st_size > cap:
            return _fail("unreadable", "refused", errno_mod.EFBIG, _too_large(cap), ident)
        chunks: list[bytes] = []
        total = 0
        while total <= cap:
            try:
                piece = os.read(fd, min(_CHUNK, cap + 1 - total))
            except BlockingIOError:
                return _fail("unreadable", "refused", errno_mod.EAGAIN,
                             "a device with nothing to read now", ident)
            if not piece:
                break
            chunks.append(piece)
            total += len(piece)
        if total > cap:
            what = _too_large(cap) if regular else f"a device that gives more than {cap} bytes"
            return _fail("unreadable", "refused", errno_mod.EFBIG, what, ident)
        racy = _racy(st)
        return FileRead(b"".join(chunks), "ok", "", 0, None, ident, racy)
    except OSError as exc:
        return _fail("unreadable", "read", exc.errno or errno_mod.EIO, _reason(exc))
    finally:
        os.close(fd)


def _racy(st: os.stat_result) -> bool:
    """Whether the file changed so recently that a same-size rewrite could keep its identity.

    Timestamps without a sub-second part suggest a filesystem that keeps
    whole seconds (FAT: two): the window is then ``RACY_COARSE_NS``.
    """
    changed = max(st.st_mtime_ns, st.st_ctime_ns)
    whole = st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0
    return time.time_ns() - changed < (RACY_COARSE_NS if whole else RACY_NS)


def _not_a_stream(st: os.stat_result) -> FileRead:
    kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket"
    return _fail("unreadable", "refused", errno_mod.ENXIO, f"{kind}: glibc would wait for a writer forever",
                 _identity(st))


def _too_large(cap: int) -> str:
    return f"larger than {cap // (1024 * 1024)} MiB, the most netdb reads"


class Snapshot(Generic[T]):
    """One parsed version of a file.

    ``memo`` holds what callers derive from this version (it is dropped with
    it when the file changes).  ``status``, ``stage``, ``errno`` and ``error``
    describe how reading went (see the module docstring).
    """

    __slots__ = ("digest", "errno", "error", "identity", "memo", "path", "racy", "stage", "status", "value",
                 "watch_key")

    def __init__(self, path: str, value: T, status: str, error: str | None, identity: tuple[int, ...] | None,
                 *, stage: str = "", errno: int = 0, digest: bytes | None = None, racy: bool = False,
                 watch_key: tuple[Watcher, int] | None = None) -> None:
        self.path = path
        self.value = value
        self.status = status
        self.error = error
        self.identity = identity
        self.stage = stage
        self.errno = errno
        self.digest = digest
        self.racy = racy
        self.watch_key = watch_key
        self.memo: dict[str, Any] = {}

    @property
    def ok(self) -> bool:
        """True when the file was read."""
        return self.status == "ok"

    @property
    def like_missing(self) -> bool:
        """True when glibc would treat the file as absent (no file, or ``fopen`` failed)."""
        return self.status == "missing" or self.stage == "open"

    def describe(self) -> str:
        """Why the file was not read, for messages: ``missing``, ``a directory`` ..."""
        if self.status == "missing":
            return "missing"
        return self.error or self.status


class CachedFile(Generic[T]):
    """A file and the function that parses its text (``None`` when missing or unreadable).

    ``watch=False`` reads the file once (glibc reads host.conf once per
    process).  Otherwise each ``get`` checks the file: with a ``stat``, or,
    once the file is read often, through ``netdb.watch`` (inotify), which
    answers "nothing changed" for all watched files with a single ``poll``.

    ``unreadable``, when given, builds the value for a file that was opened
    but could not be read (``stage`` "read" or "refused") from
    ``(path, reason, errno)``; without it such a file parses as missing.
    """

    __slots__ = ("_lock", "_reads", "_snapshot", "parse", "path", "unreadable", "watch")

    def __init__(self, path: str, parse: Callable[[str | None, str], T], *, watch: bool = True,
                 unreadable: Callable[[str, str, int], T] | None = None) -> None:
        self.path = path
        self.parse = parse
        self.watch = watch
        self.unreadable = unreadable
        self._snapshot: Snapshot[T] | None = None
        self._lock = threading.Lock()
        self._reads = 0

    def get(self) -> Snapshot[T]:
        """The current snapshot, re-read if the file changed since the last call."""
        log = readlog.current()
        if log is not None:
            log.files.append(self)
        snap = self._snapshot
        if snap is not None:
            if not self.watch:
                return snap
            key = snap.watch_key
            if key is not None and key[0] is watcher() and key[0].current() == key[1]:
                return snap
        key = self._arm()  # before the stat: a change after this point moves the generation on
        try:
            ident: tuple[int, ...] | None = _identity(os.stat(self.path))
            gone = False
        except OSError as exc:
            ident, gone = None, exc.errno in _MISSING_ERRNOS
        if snap is not None and not snap.racy and (
                (ident is not None and snap.identity == ident) or (gone and snap.status == "missing")):
            if key is not None:
                snap.watch_key = key
            return snap
        with self._lock:
            cur = self._snapshot
            if cur is not snap and cur is not None and not cur.racy and ident is not None and cur.identity == ident:
                return cur
            got = read_file(self.path)
            # Digests serve racy snapshots only (the one read now, or the one it may replace).
            racy_pair = got.racy or (cur is not None and cur.racy)
            digest = _digest(got.data) if got.data is not None and racy_pair else None
            if cur is not None and digest is not None and cur.digest == digest:
                cur.identity = got.identity  # the same bytes: keep the parsed value
                cur.racy = got.racy
                cur.watch_key = key
                return cur
            if got.status == "ok":
                assert got.data is not None
                value = self.parse(decode(got.data), self.path)
            elif got.stage in ("read", "refused") and self.unreadable is not None:
                value = self.unreadable(self.path, got.error or "", got.errno)
            else:
                value = self.parse(None, self.path)
            new = Snapshot(self.path, value, got.status, got.error, got.identity, stage=got.stage, errno=got.errno,
                           digest=digest, racy=got.racy, watch_key=key)
            self._snapshot = new
            return new

    def watched_at(self, w: Watcher, generation: int) -> bool:
        """True when this file's snapshot is known current at watcher ``w``'s ``generation``
        (or the file is read once per process and never re-checked)."""
        if not self.watch:
            return True
        snap = self._snapshot
        key = snap.watch_key if snap is not None else None
        return key is not None and key[0] is w and key[1] == generation

    def _arm(self) -> tuple[Watcher, int] | None:
        """Count a ``stat``; watch the file once it is read often.  Returns the watcher and generation to record."""
        if not self.watch:
            return None
        self._reads += 1
        if self._reads < WATCH_AFTER:
            return None
        w = watcher()
        if w is None or not w.watch(self.path):
            self._reads = -(1 << 30)  # stat from now on
            return None
        return w, w.current()

    def invalidate(self) -> None:
        """Forget the cached version; the next ``get`` reads the file again."""
        self._snapshot = None


def current_at(files: Iterable[CachedFile[Any]], w: Watcher, generation: int) -> bool:
    """True when every file was known current at watcher ``w``'s ``generation`` and no event has moved it since.

    A value derived from those files at that generation may then be kept and
    reused for as long as ``w.current()`` still returns ``generation``.
    """
    return all(f.watched_at(w, generation) for f in files) and w.current() == generation


def _digest(data: bytes) -> bytes:
    """A file's content digest (hashlib is imported here: most runs never need it)."""
    import hashlib

    return hashlib.blake2b(data, digest_size=16).digest()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
