"""Timed inside a private namespace whose /etc is a benchmark fixture (run by bench/run.py).

glibc (through Python's socket module) and netdb (``Resolver(etc="/etc")``)
answer the same calls from the same files, one after the other, in the same
process, so both see the same files, the same kernel and the same load.  Prints
one JSON object: per case, the median microseconds per call of each side.

Never run this outside the namespace bench/run.py sets up: glibc's host
functions would read the machine's /etc (and could query its nameserver).
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def per_call(fn: Callable[[], Any], budget: float) -> float:
    """Median microseconds per call over several timed batches within ``budget`` seconds."""
    fn()
    start = time.perf_counter()
    fn()
    one = max(time.perf_counter() - start, 1e-7)
    batch = max(1, min(100000, int(0.05 / one)))
    samples = []
    deadline = time.perf_counter() + budget
    while len(samples) < 5 or (time.perf_counter() < deadline and len(samples) < 31):
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t) / batch * 1e6)
    return statistics.median(samples)


def quiet(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """A call that swallows the lookup's error (a missing name is a case too)."""

    def call() -> Any:
        try:
            return fn(*args)
        except OSError:
            return None

    return call


def main() -> None:
    spec = json.load(sys.stdin)
    sys.path.insert(0, spec["src"])
    import netdb

    r = netdb.Resolver("/etc")
    budget = float(spec.get("budget", 1.0))
    out: dict[str, dict[str, float]] = {}
    for case in spec["cases"]:
        kind, args = case["kind"], case["args"]
        if kind == "getaddrinfo":
            host, port = args
            sides = {"glibc": quiet(socket.getaddrinfo, host, port, socket.AF_INET, socket.SOCK_STREAM),
                     "netdb": quiet(r.getaddrinfo, host, port, socket.AF_INET, socket.SOCK_STREAM)}
            check = (quiet(socket.getaddrinfo, host, port, socket.AF_INET, socket.SOCK_STREAM)(),
                     quiet(r.getaddrinfo, host, port, socket.AF_INET, socket.SOCK_STREAM)())
        elif kind == "gethostbyname":
            sides = {"glibc": quiet(socket.gethostbyname, *args), "netdb": quiet(r.gethostbyname, *args)}
            check = (sides["glibc"](), sides["netdb"]())
        else:
            sides = {"glibc": quiet(getattr(socket, kind), *args), "netdb": quiet(getattr(r, kind), *args)}
            check = (sides["glibc"](), sides["netdb"]())
        if check[0] != check[1]:
            raise SystemExit(f"{case['name']}: glibc and netdb disagree: {check[0]!r} vs {check[1]!r}")
        out[case["name"]] = {side: per_call(fn, budget) for side, fn in sides.items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
