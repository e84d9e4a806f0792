"""Drivers for the resolution generators (the sans-I/O core).

The resolution logic (switch walk, sources, getaddrinfo ...) is written once,
as generators that yield the I/O they need (DNS exchanges) and receive the
results.  ``run_sync`` drives such a generator with blocking I/O;
``netdb.aio`` drives the same generators with asyncio.  A lookup that needs
no I/O (files, numeric input) finishes on the first ``next``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")


def run_sync(gen: Generator[Any, Any, T], perform: Callable[[Any], Any] | None = None) -> T:
    """Run ``gen`` to completion, answering each request with ``perform(request)``."""
    try:
        request = next(gen)
        while True:
            if perform is None:
                raise RuntimeError(f"no I/O driver for {request!r}")
            try:
                reply = perform(request)
            except BaseException as exc:
                request = gen.throw(exc)
            else:
                request = gen.send(reply)
    except StopIteration as done:
        result: T = done.value
        return result
