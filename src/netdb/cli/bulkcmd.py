"""``lookup host --from FILE``: many names at once, streamed.

Names come from a file (``-`` for standard input): whitespace-separated,
``#`` starts a comment, blank lines are skipped.  They are resolved
concurrently on one thread (``netdb.bulk.resolve_many``: the same
getaddrinfo as ``lookup host NAME``, with its I/O multiplexed), and each
result is printed as soon as it is known and every name before it has been
printed (``--unordered``: as soon as it is known).  The output is the one
``lookup host NAME...`` prints for several names: ``NAME ADDRESS`` lines,
failures as one line each on stderr, or with ``--json`` one object per name
(with a ``seconds`` key: how long that name took).

When standard output is not a terminal but standard error is, a progress
line (names done, failures, rate) is kept on standard error.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from . import EXIT_NOINPUT, EXIT_USAGE, CliError, resume_gc
from .hostcmds import report_host
from .output import shown

if TYPE_CHECKING:
    from ..bulk import BulkResult
    from ..resolver import Resolver

__all__ = ["names_from", "show_hosts_bulk"]

_PROGRESS_EVERY = 0.2  # seconds between progress updates
_FLUSH_EVERY = 0.1  # seconds between flushes of standard output


def names_from(stream: BinaryIO, source: str = "-") -> Iterator[bytes]:
    """The names of a name list, read lazily: fields of each line, ``#`` comments dropped.

    Names stay bytes, so they reach the resolver as a C program would pass
    them.  A read error is a ``CliError`` (exit 66) naming the line.
    """
    lineno = 0
    try:
        for lineno, line in enumerate(stream, 1):  # noqa: B007 - lineno is reported on error
            yield from line.split(b"#", 1)[0].split()
    except OSError as exc:
        raise CliError(f"--from {source}: line {lineno + 1}: {exc.strerror or exc}", EXIT_NOINPUT) from None


def _open(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CliError(f"--from {shown(path)}: {exc.strerror or exc}", EXIT_NOINPUT) from None


class _Progress:
    """A one-line progress report on stderr, rewritten in place."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = 0.0
        self.done = 0
        self.failed = 0

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and now - self.shown >= _PROGRESS_EVERY:
            self.shown = now
            rate = self.done / max(now - self.started, 1e-9)
            sys.stderr.write(f"\r{self.done} names, {self.failed} failed, {rate:.0f}/s ")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty() and not sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _report(result: BulkResult, as_json: bool) -> int:
    """Print one name's outcome as ``lookup host NAME...`` prints it; its exit status."""
    error = result.error
    if error is not None and not isinstance(error, (OSError, UnicodeError)):
        raise error
    name = result.name if isinstance(result.name, str) else os.fsdecode(result.name)
    return report_host(name, result.answer, error, as_json=as_json, multi=True,
                       extra={"seconds": round(result.seconds, 6)} if as_json else None)


class _Capture:
    """A text stream that keeps what is written (a worker's stdout or stderr), with the parent's isatty."""

    def __init__(self, terminal: bool) -> None:
        self.parts: list[str] = []
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.terminal

    def text(self) -> str:
        return "".join(self.parts)


def _render_chunk(results: list[BulkResult], *, as_json: bool, terminal: bool) -> tuple[str, str, int, list[bool]]:
    """In a worker: a chunk's output, its failures' lines, its exit status and which names failed."""
    out, err = _Capture(terminal), _Capture(False)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        codes = [_report(result, as_json) for result in results]
    finally:
        sys.stdout, sys.stderr = saved
    return out.text(), err.text(), max(codes, default=0), [code != 0 for code in codes]


def show_hosts_bulk(r: Resolver, source: str, names: Iterable[str], *, family: int, socktype: int, service: str | None,
                    protocol: int, flags: int, as_json: bool, concurrency: int, ordered: bool, jobs: int = 1) -> int:
    """Resolve the command-line names, then the names of ``source``; print each outcome as it comes.

    ``jobs`` > 1 resolves in that many worker processes (``netdb.bulkjobs``),
    each printing into a buffer that is copied out chunk by chunk.
    """
    import itertools

    resume_gc()  # a long list of names: cycles (a timed-out query's traceback ...) must not pile up
    if concurrency < 1 or concurrency > 4096:
        raise CliError(f"--concurrency must be from 1 to 4096, not {concurrency}", EXIT_USAGE)
    if jobs < 1 or jobs > 64:
        raise CliError(f"--jobs must be from 1 to 64, not {jobs}", EXIT_USAGE)
    stream = _open(source)
    progress = _Progress(_stderr_is_terminal())
    status = 0
    last_flush = time.monotonic()
    hints: dict[str, Any] = {"port": service, "family": family, "socktype": socktype, "proto": protocol, "flags": flags,
             "concurrency": concurrency, "ordered": ordered, "describe": as_json}
    try:
        all_names = itertools.chain(map(os.fsencode, names), names_from(stream, source))
        if jobs > 1:
            from functools import partial

            from ..bulkjobs import render_many
            from .output import is_terminal

            render = partial(_render_chunk, as_json=as_json, terminal=is_terminal())
            for out, err, code, failed in render_many(r, all_names, render, jobs=jobs, **hints):
                sys.stdout.write(out)
                sys.stderr.write(err)
                status = max(status, code)
                for one in failed:
                    progress.update(one)
                sys.stdout.flush()
            return status
        from ..bulk import resolve_many

        for result in resolve_many(r, all_names, **hints):
            code = _report(result, as_json)
            status = max(status, code)
            progress.update(code != 0)
            now = time.monotonic()
            if now - last_flush >= _FLUSH_EVERY:
                last_flush = now
                sys.stdout.flush()
    finally:
        progress.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    return status
