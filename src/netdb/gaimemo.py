"""Repeat an answer that came from files alone while nothing it depends on has changed.

glibc reads /etc/hosts again on every call; netdb's indexes already make the
lookup itself constant-time, and this memo removes the rest of a warm call's
work (the per-call query state, the switch walk, service and socket-type
expansion, building the tuples) when the same question comes again.

An answer (or a ``gaierror``) is kept only when all of these hold:

* it came from the files source, from numeric input or from the null host:
  nothing was asked of DNS or ``myhostname``, whose answers follow the
  network and the machine's state rather than files (``netdb.readlog``
  marks such calls volatile);
* the flags lack ``AI_ADDRCONFIG`` and the host names no ``%scope``, both of
  which read the interfaces;
* every file the call read is watched by inotify (``netdb.watch``) and was
  current at the watcher's generation when the call started, and that
  generation had not moved when it ended.  Any later event on any watched
  file advances the generation, so the next call recomputes;
* the interface snapshot (with its source-address probes, which decide the
  RFC 6724 order and are cached for ``PROBE_CACHE_SECONDS``) is still the one
  the answer was computed with.

A repeated call leaves the thread's ``h_errno`` as the first one did.  Where
inotify is unavailable (``NETDB_NO_INOTIFY=1``, files behind symbolic links,
other platforms) nothing is kept and every call is computed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

from . import interfaces, readlog
from .errors import gaierror
from .filecache import current_at
from .hostnss import set_thread_h_errno
from .watch import existing as existing_watcher

__all__ = ["ENTRY_LIMIT", "AnswerMemo"]

T = TypeVar("T")

#: Entries kept per Resolver before the memo starts again from empty.
ENTRY_LIMIT = 4096


class _Entry(NamedTuple):
    generation: int
    snapshot: Any  # the interfaces snapshot the answer was computed under
    probes: Any  # and its probe cache
    value: Any
    error: tuple[int, str] | None
    h_errno: int | None


class AnswerMemo:
    """Answers of earlier calls on one Resolver, keyed by the call's arguments."""

    def __init__(self, limit: int = ENTRY_LIMIT) -> None:
        self._entries: dict[Hashable, _Entry] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def call(self, key: Hashable, compute: Callable[[], T], copy: Callable[[Any], T]) -> T:
        """``compute()``, or ``copy`` of the answer it gave for ``key`` when that is still current."""
        w = existing_watcher()  # none yet: no file is watched, nothing could be kept
        if w is None:
            return compute()
        generation = w.current()
        entry = self._entries.get(key)
        if entry is not None and entry.generation == generation:
            snap = interfaces.snapshot()
            if snap is entry.snapshot and snap.probe_cache is entry.probes:
                if entry.h_errno is not None:
                    set_thread_h_errno(entry.h_errno)
                if entry.error is not None:
                    raise gaierror(*entry.error)
                return copy(entry.value)
        snap = interfaces.snapshot()
        probes = snap.probe_cache
        with readlog.recording() as log:
            try:
                value = compute()
            except gaierror as exc:
                self._keep(key, log, w, generation, snap, probes, None, (exc.args[0], exc.args[1]))
                raise
        self._keep(key, log, w, generation, snap, probes, value, None)
        return copy(value)

    def _keep(self, key: Hashable, log: readlog.ReadLog, w: Any, generation: int, snap: Any, probes: Any,
              value: Any, error: tuple[int, str] | None) -> None:
        if log.volatile or not log.files or not current_at(log.files, w, generation):
            return
        if interfaces.snapshot() is not snap or snap.probe_cache is not probes:
            return
        with self._lock:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            self._entries[key] = _Entry(generation, snap, probes, value, error, log.h_errno)

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()
