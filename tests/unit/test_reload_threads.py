"""Thread safety under reloads: 16 threads resolve while another process replaces the files thousands of times.

The writer alternates two versions, A and B, of /etc/hosts and /etc/services (each replaced atomically with
``rename``; both versions have the same size, so only the inode tells them apart).  Every answer must be
exactly A's or exactly B's for the file it comes from, never a mix of the two, never an exception.  The
writer is a separate process so that it is not slowed down by the readers' GIL.  Readers use two
Resolvers: one on the directory itself (change detection by inotify once warm) and one on a directory of
symbolic links to it (inotify refuses links: one ``stat`` per call).

The C-style ``get*ent`` cursors are per thread, and a cursor keeps the version it started on, as glibc's
open stream keeps reading the replaced file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import netdb

READERS = 16
WRITER_SECONDS = 8.0
MIN_REWRITES = 2000

HOSTS = {
    "A": "192.0.2.101 web w\n192.0.2.102 web\n2001:db8::a web6\n",
    "B": "198.51.100.1 web\n198.51.100.9 web\n2001:db8::b web6\n",
}
SERVICES = {"A": "svc 1111/tcp s1\nsvc 1111/udp\n", "B": "svc 2222/tcp s2\nsvc 2222/udp\n"}
assert len(HOSTS["A"]) == len(HOSTS["B"]) and len(SERVICES["A"]) == len(SERVICES["B"])

WRITER = r"""
import os, sys, time
etc, seconds, minimum = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
versions = [(name, sys.argv[4 + 2 * i], sys.argv[5 + 2 * i]) for i, name in enumerate(("hosts", "services"))]
contents = {n: (a.encode(), b.encode()) for n, a, b in versions}
count, end = 0, time.monotonic() + seconds
while time.monotonic() < end or count < minimum:
    for name, (a, b) in contents.items():
        tmp = os.path.join(etc, name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(b if count % 2 == 0 else a)
        os.replace(tmp, os.path.join(etc, name))
    count += 1
    if count >= 20 * minimum:
        break
print(count)
"""


def _etc(root: Path, version: str, name: str = "") -> Path:
    etc = root / f"etc-{name or version}"
    etc.mkdir()
    (etc / "hosts").write_text(HOSTS[version])
    (etc / "services").write_text(SERVICES[version])
    (etc / "nsswitch.conf").write_text("hosts: files\nservices: files\n")
    (etc / "host.conf").write_text("multi on\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\n")
    return etc


def _calls(r: netdb.Resolver) -> dict[str, Any]:
    return {
        "getaddrinfo": lambda: [a[4][0] for a in r.getaddrinfo("web", None, socket.AF_INET, socket.SOCK_STREAM)],
        "getaddrinfo6": lambda: [a[4][0] for a in r.getaddrinfo("web6", "svc", socket.AF_INET6, socket.SOCK_STREAM)],
        "gethostbyname": lambda: r.gethostbyname("web"),
        "gethostbyname_ex": lambda: r.gethostbyname_ex("web"),
        "gethostbyaddr": lambda: r.gethostbyaddr("2001:db8::a")[0],
        "getservbyname": lambda: r.getservbyname("svc", "tcp"),
        "getservbyport": lambda: r.getservbyport(1111, "udp"),
        "services": lambda: [(s.name, s.port, s.proto) for s in r.services()],
    }


def _answer(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except OSError as exc:  # socket.gaierror and herror included: a version without the key
        return (type(exc).__name__, exc.args)


def test_sixteen_readers_and_thousands_of_atomic_rewrites(tmp_path: Path) -> None:
    expect = {v: {k: _answer(fn) for k, fn in _calls(netdb.Resolver(_etc(tmp_path, v))).items()} for v in "AB"}
    for k in expect["A"]:
        assert expect["A"][k] != expect["B"][k], k  # every question tells the versions apart
    etc = _etc(tmp_path, "A", "live")
    links = tmp_path / "etc-links"
    links.mkdir()
    for f in etc.iterdir():
        (links / f.name).symlink_to(f)
    resolvers = [netdb.Resolver(etc), netdb.Resolver(links)]

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(etc), str(WRITER_SECONDS), str(MIN_REWRITES),
         HOSTS["A"], HOSTS["B"], SERVICES["A"], SERVICES["B"]],
        stdout=subprocess.PIPE, text=True)
    done = threading.Event()
    seen: list[Counter[tuple[str, str]]] = [Counter() for _ in range(READERS)]
    bad: list[str] = []
    calls_made = [0] * READERS

    def reader(i: int) -> None:
        calls = list(_calls(resolvers[i % 2]).items())
        n = 0
        while not done.is_set():
            key, fn = calls[n % len(calls)]
            n += 1
            try:
                got = _answer(fn)
            except Exception as exc:  # anything but OSError is a failure
                bad.append(f"{key}: {type(exc).__name__}: {exc}")
                return
            version = next((v for v in "AB" if got == expect[v][key]), None)
            if version is None:
                bad.append(f"{key}: {got!r} is neither A's {expect['A'][key]!r} nor B's {expect['B'][key]!r}")
                return
            seen[i][(key, version)] += 1
        calls_made[i] = n

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        out, _ = writer.communicate(timeout=WRITER_SECONDS + 60)
    finally:
        done.set()
        for t in threads:
            t.join(30)
        if writer.poll() is None:
            writer.kill()
    assert not any(t.is_alive() for t in threads), "a reader hung"
    rewrites = int(out.strip())
    total: Counter[tuple[str, str]] = Counter()
    for c in seen:
        total.update(c)
    print(f"\n{rewrites} rewrites of hosts and services ({2 * rewrites} renames) survived by {READERS} threads "
          f"making {sum(calls_made)} calls in {time.monotonic() - started:.1f} s; answers by version: "
          f"A {sum(v for (_, ver), v in total.items() if ver == 'A')}, "
          f"B {sum(v for (_, ver), v in total.items() if ver == 'B')}")
    assert not bad, bad[:5]
    assert rewrites >= MIN_REWRITES
    # Once the writer is done, the very next call in any thread sees its last version (no change is lost).
    final = "B" if (rewrites - 1) % 2 == 0 else "A"
    stale: list[str] = []

    def check_final() -> None:
        for r in resolvers:
            for key, fn in _calls(r).items():
                if _answer(fn) != expect[final][key]:
                    stale.append(f"{key} via {r.etc}")

    checkers = [threading.Thread(target=check_final) for _ in range(READERS)]
    for t in checkers:
        t.start()
    for t in checkers:
        t.join(30)
    assert not stale, f"answers from before the last rewrite: {stale[:5]}"
    for key in expect["A"]:
        assert total[(key, "A")] and total[(key, "B")], f"{key}: both versions must have been seen"


def test_get_ent_cursors_are_per_thread(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "services").write_text("".join(f"s{i} {i}/tcp\n" for i in range(1, 11)))
    (etc / "protocols").write_text("".join(f"p{i} {i}\n" for i in range(1, 11)))
    r = netdb.Resolver(etc)
    barrier = threading.Barrier(2, timeout=10)
    got: dict[str, list[Any]] = {"one": [], "two": []}

    def one() -> None:
        r.setservent()
        got["one"] += [r.getservent().name for _ in range(3)]  # type: ignore[union-attr]
        barrier.wait()  # two reads five entries and restarts its own enumeration
        barrier.wait()
        got["one"] += [r.getservent().name for _ in range(2)]  # type: ignore[union-attr]
        got["one"].append(r.getprotoent().name)  # type: ignore[union-attr]  # protocols: its own cursor
        barrier.wait()  # the file is replaced: this cursor keeps its version
        barrier.wait()
        rest = []
        while (e := r.getservent()) is not None:
            rest.append(e.name)
        got["one"].append(rest)

    def two() -> None:
        barrier.wait()
        r.setservent()
        got["two"] += [r.getservent().name for _ in range(5)]  # type: ignore[union-attr]
        r.endservent()
        got["two"].append(r.getservent().name)  # type: ignore[union-attr]  # after end: from the start
        barrier.wait()
        barrier.wait()
        new = etc / "services.new"
        new.write_text("x 1/tcp\n")
        os.replace(new, etc / "services")
        r.setservent()
        got["two"].append([e.name for e in iter(r.getservent, None)])
        barrier.wait()

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert got["one"] == ["s1", "s2", "s3", "s4", "s5", "p1", ["s6", "s7", "s8", "s9", "s10"]]
    assert got["two"] == ["s1", "s2", "s3", "s4", "s5", "s1", ["x"]]
    first = r.getservent()  # this thread's own cursor, started now: the new version
    assert first is not None and first.name == "x"


def test_a_drain_in_progress_is_waited_for(tmp_path: Path) -> None:
    """A thread that finds the inotify queue emptied by another, not yet counted, waits for the new generation.

    Otherwise it would answer from a snapshot older than a change its own caller may have made.
    """
    from netdb import watch

    try:
        w = watch.Watcher()
    except OSError as exc:  # pragma: no cover - no inotify here
        import pytest

        pytest.skip(f"inotify: {exc}")
    path = tmp_path / "hosts"
    path.write_text("a\n")
    assert w.watch(str(path))
    before = w.current()
    path.write_text("b\n")  # an event is queued
    got: list[int] = []
    with w.draining:  # another thread is draining ...
        os.read(w.fd, 65536)  # ... has emptied the queue and not yet advanced the generation
        t = threading.Thread(target=lambda: got.append(w.current()))
        t.start()
        t.join(0.2)
        waited = t.is_alive()
        w.generation += 1
    t.join(10)
    assert waited and got == [before + 1]
    os.close(w.fd)
