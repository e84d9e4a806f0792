"""Bulk resolution over several processes: ``resolve_many`` in forked workers, chunk by chunk.

One ``resolve_many`` runs on one core; a long name list on a multi-core
machine can use more.  ``render_many`` cuts the names into chunks, has
``jobs`` forked worker processes each resolve whole chunks with
``resolve_many`` (every worker with its own copy of the resolver, its own
sockets and its own file checks), and hands each chunk's results to
``render`` *in the worker* — so what crosses back to the parent is whatever
``render`` makes of them (the CLI: the bytes to print), not the answers.
The rendered chunks come back in input order (or, ``ordered=False``, as they
finish).

Memory stays flat: names are read from the iterable only as chunks are
handed out, and at most ``2 * jobs`` chunks are out at a time.  The workers
are forked (the resolver and ``render`` are not pickled; they must be set up
before the call), so this needs a platform with ``fork``.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from .bulk import BulkResult, resolve_many
from .gai import new_tuple

__all__ = ["render_many"]

R = TypeVar("R")

MIN_TAIL_CHUNK = 32
"""The fewest names in one of the short chunks at the end of the input."""

#: What each forked worker uses: (resolver, resolve_many's keyword arguments, render).  Set in the
#: parent just before the workers are forked; never pickled.
_WORK: tuple[Any, dict[str, Any], Callable[[list[BulkResult]], Any]] | None = None


def _start_worker() -> None:
    """In a fresh worker: what it inherited from the parent stays out of the garbage collector's passes.

    (``gc.freeze``: a full collection then walks only the worker's own
    objects, and touches no inherited page, which would copy it.)
    """
    gc.freeze()


def _resolve_chunk(first: int, names: list[str | bytes]) -> Any:
    """In a worker: resolve one chunk and render its results (positions counted from ``first``)."""
    assert _WORK is not None, "render_many's worker was not forked from the caller"
    resolver, hints, render = _WORK
    results = [new_tuple(BulkResult, (first + r[0], r[1], r[2], r[3], r[4]))  # (as _replace, without its cost)
               for r in resolve_many(resolver, names, **hints)]
    return render(results)


class _Chunks:
    """The names cut into chunks, smaller towards the end so that the workers finish together.

    ``2 * jobs * size`` names are read ahead; while more follow, a chunk has
    ``size`` names, and once the input is used up each chunk takes a
    ``2 * jobs``-th of what is left (at least ``MIN_TAIL_CHUNK``): the last
    chunks are short, and no worker is left alone with a whole one.
    """

    def __init__(self, source: Iterator[str | bytes], size: int, jobs: int) -> None:
        self.source = source
        self.size = size
        self.split = 2 * jobs
        self.ahead: deque[str | bytes] = deque()
        self.exhausted = False

    def next(self) -> list[str | bytes]:
        """The next chunk (empty when every name has been handed out)."""
        ahead = self.ahead
        if not self.exhausted:
            want = self.split * self.size + self.size - len(ahead)
            if want > 0:
                before = len(ahead)
                ahead.extend(itertools.islice(self.source, want))
                self.exhausted = len(ahead) - before < want
        take = self.size if not self.exhausted else max(MIN_TAIL_CHUNK, -(-len(ahead) // self.split))
        take = min(take, self.size, len(ahead))
        return [ahead.popleft() for _ in range(take)]


def render_many(
    resolver: Any,
    names: Iterable[str | bytes],
    render: Callable[[list[BulkResult]], R],
    *,
    jobs: int = 2,
    chunk: int = 512,
    ordered: bool = True,
    concurrency: int = 256,
    **hints: Any,
) -> Iterator[R]:
    """Resolve ``names`` in ``jobs`` worker processes; yield ``render(results)`` for each chunk.

    ``render`` receives a chunk's ``BulkResult`` list (positions are in the
    whole input) and runs in the worker; its value must pickle.
    ``concurrency`` is the total of lookups in flight, shared by the workers;
    ``hints`` are ``resolve_many``'s (``port``, ``family``, ``socktype``,
    ``proto``, ``flags``, ``describe``, ``fast``).  ``ordered=False`` yields
    chunks as they finish.
    """
    global _WORK
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    per_worker = max(1, -(-concurrency // jobs))
    chunks = _Chunks(iter(names), chunk, jobs)
    _WORK = (resolver, {**hints, "concurrency": per_worker}, render)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker)
    out: deque[Future[Any]] = deque()
    position = 0
    try:
        while True:
            while len(out) < 2 * jobs:
                names_chunk = chunks.next()
                if not names_chunk:
                    break
                out.append(pool.submit(_resolve_chunk, position, names_chunk))
                position += len(names_chunk)
            if not out:
                return
            if ordered:
                yield out.popleft().result()
                continue
            finished, _ = wait(out, return_when=FIRST_COMPLETED)
            for future in [f for f in out if f in finished]:
                out.remove(future)
                yield future.result()
    finally:
        for future in out:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        _WORK = None
