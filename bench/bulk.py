"""Resolve 10,000 names from a loopback Knot server: netdb's bulk driver against glibc.

Every contestant resolves the same names (``h00000.bulk.test`` …, one A and
one AAAA each, so two queries per name) with getaddrinfo(name, None,
AF_UNSPEC, SOCK_STREAM) through ``hosts: files dns`` and the same
resolv.conf naming the Knot server started here on 127.53.X.Y:53:

* glibc, sequential: ``socket.getaddrinfo`` in a loop (one process in a
  private mount namespace whose /etc holds the benchmark files);
* glibc, 64 threads: the same calls from a ``ThreadPoolExecutor(64)``, the
  usual way Python programs resolve many names at once;
* glibc ``getent ahosts`` with all the names as arguments (C, sequential);
* netdb, sequential: ``Resolver.getaddrinfo`` in a loop;
* netdb ``resolve_many`` at concurrency 64 without its fast lane
  (``fast=False``: every name through the full generator stack), and with
  it at concurrency 64 and 256 (one thread, epoll);
* netdb ``render_many``: ``resolve_many`` in 2 forked processes, the
  addresses extracted in the workers, at concurrency 96 and 128 in all
  (48 and 64 per worker: at 128, Knot's socket buffer -- 212,992 bytes,
  about 250 queries -- overflows now and then once both workers' queries
  leave in segmented bursts, and a lost query costs the lane's 50 ms retry);
* netdb.aio: ``asyncio.gather`` of ``netdb.aio.getaddrinfo`` under a
  semaphore of 64;
* ``lookup host --from`` end to end (process start included), with one
  process at concurrency 64 and with ``--jobs 2`` at 96 (48 per worker, as
  the first ``render_many`` row).

A second table repeats the race with every answer 20 ms late
(``bench/delayproxy.py`` in front of the same Knot), as from a distant
resolver: there concurrency, not CPU, decides (fewer names, since
glibc's sequential loop waits 20 ms for each).

Each row is checked: every contestant must return, for every name, the
addresses glibc sequential returned (the table says how many agree).
Reports names per second (median of ``--repeat`` runs) and the ratios to glibc
sequential and to glibc's 64 threads.  Nothing leaves loopback; needs root (namespaces, port 53).

    .venv/bin/python bench/bulk.py [--names 10000] [--slow-names 1000] [--latency-ms 20]
                                   [--repeat 3] [--markdown] [--only WORDS]

``--only render,lookup`` races glibc's two rows and the rows whose label
holds one of the words; ``--slow-names 0`` skips the distant-server table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import netdb  # noqa: E402
import netdb.aio  # noqa: E402
from netdb.bulk import resolve_many  # noqa: E402
from netdb.bulkjobs import render_many  # noqa: E402
from netdb.pysocket import to_tuples  # noqa: E402
from support import glibc_dns, loopback  # noqa: E402
from support.knot import KnotServer, bulk_name  # noqa: E402

STREAM = socket.SOCK_STREAM

GLIBC_WORKER = r"""
import json, socket, sys, time
from concurrent.futures import ThreadPoolExecutor
mode, names = sys.argv[1], sys.stdin.read().split()
def one(n):
    try:
        return [a[4][0] for a in socket.getaddrinfo(n, None, 0, socket.SOCK_STREAM)]
    except socket.gaierror as e:
        return e.args[0]
t = time.perf_counter()
if mode == "threads":
    with ThreadPoolExecutor(64) as pool:
        out = list(pool.map(one, names))
else:
    out = [one(n) for n in names]
print(json.dumps({"seconds": time.perf_counter() - t, "answers": out}))
"""

Answers = list[object]


def addresses(result: object) -> object:
    """A getaddrinfo outcome as compared: the addresses in order, or the error code."""
    if isinstance(result, BaseException):
        return result.args[0]
    return [t[4][0] for t in result]  # type: ignore[attr-defined]


def glibc_python(env: glibc_dns.DnsEnv, names: list[str], mode: str) -> tuple[float, Answers]:
    res = env.run([sys.executable, "-c", GLIBC_WORKER, mode], stdin="\n".join(names).encode(), timeout=3600)
    if res.returncode != 0:
        raise RuntimeError(res.stderr.decode(errors="replace"))
    doc = json.loads(res.stdout)
    return doc["seconds"], doc["answers"]


def glibc_getent(env: glibc_dns.DnsEnv, names: list[str]) -> tuple[float, Answers]:
    started = time.perf_counter()
    res = env.run(["getent", "ahosts", *names], timeout=3600)
    seconds = time.perf_counter() - started
    per_name: dict[str, list[str]] = {}
    for line in res.stdout.decode().splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] == "STREAM":
            per_name.setdefault(fields[2], []).append(fields[0])
        elif len(fields) >= 2 and fields[1] == "STREAM":
            last = list(per_name)[-1]
            per_name[last].append(fields[0])
    # getent prints the name on the first line of each answer only; rebuild in input order
    return seconds, [per_name.get(n, -2) for n in names]


def netdb_sequential(r: netdb.Resolver, names: list[str]) -> tuple[float, Answers]:
    out: Answers = []
    started = time.perf_counter()
    for n in names:
        try:
            out.append(r.getaddrinfo(n, None, 0, STREAM))
        except OSError as exc:
            out.append(exc)
    seconds = time.perf_counter() - started
    return seconds, [addresses(a) for a in out]


def netdb_bulk(r: netdb.Resolver, names: list[str], concurrency: int, fast: bool = True) -> tuple[float, Answers]:
    started = time.perf_counter()
    results = list(resolve_many(r, names, socktype=STREAM, concurrency=concurrency, fast=fast))
    seconds = time.perf_counter() - started
    return seconds, _chunk_addresses(results)  # type: ignore[arg-type]


def _chunk_addresses(results: list[object]) -> list[object]:
    """render_many's render: each name's addresses (or error code), made in the worker."""
    return [addresses(x.error) if x.error else addresses(to_tuples(x.answer)) for x in results]  # type: ignore[attr-defined]


def netdb_jobs(r: netdb.Resolver, names: list[str], jobs: int, concurrency: int) -> tuple[float, Answers]:
    started = time.perf_counter()
    chunks = list(render_many(r, names, _chunk_addresses, jobs=jobs, concurrency=concurrency, socktype=STREAM))
    seconds = time.perf_counter() - started
    return seconds, [a for chunk in chunks for a in chunk]


def netdb_aio(r: netdb.Resolver, names: list[str], concurrency: int = 64) -> tuple[float, Answers]:
    async def main() -> list[object]:
        gate = asyncio.Semaphore(concurrency)

        async def one(n: str) -> object:
            async with gate:
                try:
                    return await netdb.aio.getaddrinfo(n, None, 0, STREAM, resolver=r)
                except OSError as exc:
                    return exc

        return list(await asyncio.gather(*(one(n) for n in names)))

    started = time.perf_counter()
    out = asyncio.run(main())
    seconds = time.perf_counter() - started
    return seconds, [addresses(a) for a in out]


def lookup_cli(etc: Path, names: list[str], jobs: int = 1, concurrency: int = 64) -> tuple[float, Answers]:
    lookup = Path(sys.executable).with_name("lookup")
    started = time.perf_counter()
    res = subprocess.run([str(lookup), "--etc", str(etc), "host", "--from", "-", "--type", "stream",
                          "--concurrency", str(concurrency), "--jobs", str(jobs)], input="\n".join(names).encode(),
                         capture_output=True, timeout=3600)
    seconds = time.perf_counter() - started
    per_name: dict[str, list[str]] = {}
    for line in res.stdout.decode().splitlines():
        name, address = line.split()
        per_name.setdefault(name, []).append(address)
    return seconds, [per_name.get(n, -2) for n in names]


@contextlib.contextmanager
def slow_server(knot: KnotServer, latency_ms: float) -> Iterator[str]:
    """Knot behind ``bench/delayproxy.py`` (answers ``latency_ms`` late), on a leased 127.53.X.Y:53."""
    with loopback.Lease.acquire() as lease:
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "delayproxy.py"), lease.address, knot.address,
                                 str(knot.port), str(latency_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
        try:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("the delaying proxy did not start")
            yield lease.address
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)


def race(names: list[str], contestants: list[tuple[str, Callable[[], tuple[float, Answers]]]], repeat: int,
         verbose: bool) -> list[tuple[str, float, int]]:
    """Run each contestant ``repeat`` times; (label, median seconds, answers equal to the first's)."""
    reference: Answers | None = None
    rows = []
    for label, run in contestants:
        times = []
        answers: Answers = []
        for _ in range(repeat):
            seconds, answers = run()
            times.append(seconds)
        if reference is None:
            reference = answers
        agree = sum(a == b for a, b in zip(answers, reference, strict=False))
        median = statistics.median(times)
        rows.append((label, median, agree))
        if verbose:
            print(f"{label}: {len(names) / median:,.0f} names/s, {agree}/{len(names)} agree", file=sys.stderr)
    return rows


def table(names: list[str], rows: list[tuple[str, float, int]]) -> list[str]:
    """The Markdown table of a race."""
    base = rows[0][1]
    threads = rows[1][1]
    out = ["| resolver | names/s | time | vs glibc sequential | vs glibc 64 threads | answers equal to glibc's |",
           "|---|---:|---:|---:|---:|---:|"]
    for label, median, agree in rows:
        out.append(f"| {label} | {len(names) / median:,.0f} | {median:.2f} s | {base / median:.2f}× "
                   f"| {threads / median:.2f}× | {agree}/{len(names)} |")
    return out


def contestants_for(env: glibc_dns.DnsEnv, r: netdb.Resolver, names: list[str], *, cli: bool
                    ) -> list[tuple[str, Callable[[], tuple[float, Answers]]]]:
    """Who races: glibc first (the reference), then netdb."""
    chosen: list[tuple[str, Callable[[], tuple[float, Answers]]]] = [
        ("glibc getaddrinfo, sequential (socket module)", lambda: glibc_python(env, names, "sequential")),
        ("glibc getaddrinfo, 64 threads (socket module)", lambda: glibc_python(env, names, "threads")),
        ("glibc `getent ahosts NAME...`", lambda: glibc_getent(env, names)),
        ("netdb getaddrinfo, sequential", lambda: netdb_sequential(r, names)),
        ("netdb resolve_many, concurrency 64, no fast lane", lambda: netdb_bulk(r, names, 64, fast=False)),
        ("netdb resolve_many, concurrency 64", lambda: netdb_bulk(r, names, 64)),
        ("netdb resolve_many, concurrency 256", lambda: netdb_bulk(r, names, 256)),
        ("netdb render_many, 2 processes, concurrency 96", lambda: netdb_jobs(r, names, 2, 96)),
        ("netdb render_many, 2 processes, concurrency 128", lambda: netdb_jobs(r, names, 2, 128)),
        ("netdb.aio getaddrinfo, gather under 64", lambda: netdb_aio(r, names)),
    ]
    if cli:
        chosen.append(("`lookup host --from -` (whole process)", lambda: lookup_cli(env.etc, names)))
        chosen.append(("`lookup host --from - --jobs 2 --concurrency 96` (whole process)",
                       lambda: lookup_cli(env.etc, names, 2, 96)))
    return chosen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--slow-names", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="print only the Markdown table")
    parser.add_argument("--only", default="", metavar="WORDS",
                        help="comma-separated words: race only the rows whose label holds one of them "
                             "(glibc's sequential and 64-thread rows always race: the ratios need them)")
    args = parser.parse_args(argv)
    reason = glibc_dns.unavailable_reason()
    if reason is not None:
        print(f"(skipped: {reason})")
        return 0
    names = [bulk_name(i) for i in range(args.names)]
    verbose = not args.markdown
    options = ("timeout:2", "attempts:2")
    slow_names = names[: args.slow_names]
    words = [w for w in args.only.split(",") if w]

    def chosen(rows: list[tuple[str, Callable[[], tuple[float, Answers]]]]
               ) -> list[tuple[str, Callable[[], tuple[float, Answers]]]]:
        return rows[:2] + [row for row in rows[2:] if not words or any(w in row[0] for w in words)]

    with KnotServer() as knot:
        with glibc_dns.DnsEnv([knot], options=options) as env:
            fast = race(names, chosen(contestants_for(env, netdb.Resolver(etc=env.etc), names, cli=True)),
                        args.repeat, verbose)
        if args.slow_names == 0:
            print("\n".join(table(names, fast)))
            return 0
        with slow_server(knot, args.latency_ms) as address, glibc_dns.DnsEnv([address], options=options) as env:
            slow = race(slow_names, chosen(contestants_for(env, netdb.Resolver(etc=env.etc), slow_names, cli=False)),
                        1, verbose)
    print(f"{len(names):,} names (A + AAAA each) from Knot on loopback, `hosts: files dns`, "
          f"median of {args.repeat}; {os.cpu_count()} CPUs")
    print()
    print("\n".join(table(names, fast)))
    print()
    print(f"{len(slow_names):,} names from a server that answers {args.latency_ms:g} ms late (one run)")
    print()
    print("\n".join(table(slow_names, slow)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
