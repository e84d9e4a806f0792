"""Files that are not files: each of the nine files as a directory, a FIFO, /dev/zero, a 2 GB sparse file,
a symbolic-link loop, a file without read permission, a file deleted between stat and open, /dev/null.

Every case answers within a deadline (a FIFO without a writer must not block, /dev/zero must not be read
without bound) and gives glibc's behaviour where glibc has one, else one clear error; the table of what
glibc does is docs/hostile-files.md (measured with tests/conformance/test_hostile_files_glibc.py).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import netdb
from netdb import filecache
from netdb.filecache import CachedFile, read_file
from support import hostile_etc
from support.hostile_etc import FILES, as_nobody, make_etc, outcome

DEADLINE = 20.0  # seconds: a generous bound that only a hang exceeds

KINDS = ("directory", "fifo", "dev-zero", "sparse-2g", "symlink-loop", "deleted", "dev-null")


def within(fn: Callable[[], Any], seconds: float = DEADLINE) -> Any:
    """Run ``fn`` in a fresh thread (fresh h_errno); fail if it has not returned within ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # reported to the caller below
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"no answer within {seconds} s (a hang)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def probe(etc: Path) -> dict[str, Any]:
    """What a Resolver on ``etc`` answers, all in one fresh thread (h_errno carries from call to call, as in
    glibc): the socket-level questions of ``support.hostile_etc.probe`` and the parsed configuration."""

    def run() -> dict[str, Any]:
        r = netdb.Resolver(etc)
        got = hostile_etc.probe(r)
        got.update({
            "getservbyname_udp": outcome(lambda: r.getservbyname("http", "udp")),
            "services": outcome(lambda: len(list(r.services()))),
            "getnetbyname": outcome(lambda: r.getnetbyname("loopback").net),
            "getrpcbyname": outcome(lambda: r.getrpcbyname("portmapper").number),
            "nameservers": outcome(lambda: [n.address for n in r.resolv_conf().nameservers]),
            "ndots": outcome(lambda: r.resolv_conf().ndots),
            "gai_default": outcome(lambda: r.gai_conf().is_default),
            "host_conf_multi": outcome(lambda: r.host_conf().multi),
        })
        return got

    result: dict[str, Any] = within(run)
    return result


@pytest.fixture
def root() -> Iterator[Path]:
    """A directory others can traverse (the mode-000 case reads it as nobody)."""
    d = Path(tempfile.mkdtemp(prefix="netdb-hostile-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


HOST_KEYS = ("getaddrinfo", "getaddrinfo4", "gethostbyname", "order", "multi")
ERRNO = {"directory": errno.EISDIR, "fifo": errno.ENXIO, "dev-zero": errno.EFBIG, "sparse-2g": errno.EFBIG}


def expected(root: Path, name: str, kind: str) -> dict[str, Any]:
    """netdb's documented answer for ``name`` made into ``kind`` (docs/hostile-files.md).

    A file glibc cannot open (link loop, no permission, deleted before the open) answers exactly as a
    missing one, /dev/null as an empty one; tests/conformance/test_hostile_files_glibc.py checks those
    references (and the directory case) against glibc itself.
    """
    if kind in ("symlink-loop", "mode-000", "deleted"):
        return probe(make_etc(root / "ref", name, "missing"))
    if kind == "dev-null":
        etc = make_etc(root / "ref")
        (etc / name).write_text("")
        return probe(etc)
    want = probe(make_etc(root / "ref", name, "missing"))
    err = ["OSError", ERRNO[kind]]
    # gethostbyaddr reports the thread's h_errno, NETDB_INTERNAL after the failures before it.
    host_failures = {**dict.fromkeys(HOST_KEYS, err), "getnameinfo": err, "gethostbyaddr": ["herror", -1]}
    if name == "hosts":
        want.update(host_failures)  # nss_files: NETDB_INTERNAL and the read's errno
    elif name == "nsswitch.conf":
        # Every lookup fails.  getaddrinfo(AF_UNSPEC) decides from the thread's h_errno: EAI_NONAME in a
        # fresh thread, EAI_SYSTEM once an AF_INET lookup has failed with NETDB_INTERNAL.
        want.update(host_failures, getaddrinfo=["gaierror", socket.EAI_NONAME],
                    getservbyname=["OSError", "service/proto not found"],
                    getservbyname_udp=["OSError", "service/proto not found"],
                    getaddrinfo_service=["gaierror", socket.EAI_SERVICE], services=["ok", 0],
                    getprotobyname=["OSError", "protocol not found"], getnetbyname=["OSError", "network not found"],
                    getrpcbyname=["OSError", "rpc program not found"])
    return want


def test_references(root: Path) -> None:
    """The reference answers themselves: the base files, and each file missing."""
    base = probe(make_etc(root / "base"))
    assert base["getaddrinfo"] == ["ok", ["192.0.2.7"]] and base["getservbyname"] == ["ok", 80]
    assert base["order"] == ["ok", ["127.0.0.1", "::1"]] and base["multi"] == ["ok", ["192.0.2.8", "192.0.2.9"]]
    assert base["nameservers"] == ["ok", ["127.0.0.53"]] and base["gai_default"] == ["ok", False]
    assert base["host_conf_multi"] == ["ok", True] and base["services"] == ["ok", 2]
    missing = {name: probe(make_etc(root / name, name, "missing")) for name in FILES}
    assert missing["hosts"]["getaddrinfo"] == ["gaierror", socket.EAI_NONAME]
    assert missing["services"]["getservbyname"] == ["OSError", "service/proto not found"]
    assert missing["nsswitch.conf"] == base  # the defaults: files for all these databases
    assert missing["resolv.conf"]["nameservers"] == ["ok", ["127.0.0.1"]]
    assert missing["gai.conf"]["order"] == ["ok", ["::1", "127.0.0.1"]]
    assert missing["host.conf"]["multi"] == ["ok", ["192.0.2.8"]]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "deleted"])
@pytest.mark.parametrize("name", FILES)
def test_file_that_is_not_a_file(root: Path, name: str, kind: str) -> None:
    got = probe(make_etc(root / "case", name, kind))
    assert got == expected(root, name, kind)


@pytest.mark.parametrize("name", FILES)
def test_file_deleted_between_stat_and_open(root: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race injected at the file-cache layer: stat finds the file, open does not: a missing file."""
    etc = make_etc(root / "case", name, "deleted")
    target = str(etc / name)
    real_stat = os.stat

    def stat_then_delete(path: Any, *args: Any, **kw: Any) -> os.stat_result:
        st = real_stat(path, *args, **kw)
        if os.fspath(path) == target:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        return st

    monkeypatch.setattr(filecache.os, "stat", stat_then_delete)
    got = probe(etc)
    monkeypatch.setattr(filecache.os, "stat", real_stat)
    assert got == expected(root, name, "deleted")
    cf = CachedFile(target, lambda text, _p: text)
    assert cf.get().status == "missing"
    Path(target).write_text("back\n")
    assert cf.get().value == "back\n"  # seen at the next call


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody (a non-root owner can read mode 000 "
                    "files of its own only after chmod; the test creates them as root)")
@pytest.mark.parametrize("name", FILES)
def test_file_without_read_permission(root: Path, name: str) -> None:
    """Mode 000, read by nobody: glibc's fopen fails with EACCES, which reads as a missing file."""
    etc = make_etc(root / "case", name, "mode-000")
    got = as_nobody(lambda: probe(etc))
    assert got == expected(root, name, "mode-000")


def test_sparse_file_is_refused_without_reading_it(root: Path) -> None:
    path = root / "hosts"
    with open(path, "wb") as fh:
        fh.truncate(2 << 30)
    got = within(lambda: read_file(str(path)), 5)
    assert got.data is None and got.errno == errno.EFBIG and "256 MiB" in (got.error or "")


def test_read_is_capped_even_when_the_size_lies(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows past the cap while read (or a /proc-like size of 0) is refused, not truncated."""
    path = root / "hosts"
    path.write_bytes(b"127.0.0.1 a\n" * 100)
    monkeypatch.setattr(filecache, "MAX_FILE_BYTES", 1000)
    assert read_file(str(path)).errno == errno.EFBIG
    assert read_file(str(path), 2000).data == b"127.0.0.1 a\n" * 100


def test_dev_null_is_an_empty_file() -> None:
    got = read_file("/dev/null")
    assert got.status == "ok" and got.data == b""


def test_fifo_with_a_writer_is_still_refused(root: Path) -> None:
    """A FIFO is never read, writer or not: what it gives depends on timing."""
    path = root / "hosts"
    os.mkfifo(path)
    fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # a writer (and reader) end held open
    try:
        os.write(fd, b"127.0.0.1 a\n")
        got = within(lambda: read_file(str(path)), 5)
        assert got.errno == errno.ENXIO and "FIFO" in (got.error or "")
    finally:
        os.close(fd)


def _whole_seconds(real: Callable[..., Any]) -> Callable[..., Any]:
    """``stat``/``fstat`` as on a filesystem that keeps whole seconds: same-size rewrites keep their identity."""

    def coarse(*args: Any, **kw: Any) -> os.stat_result:
        st = real(*args, **kw)
        extra = {name: getattr(st, name) for name in dir(st)
                 if name.startswith("st_") and name not in os.stat_result.__match_args__[:7]}
        for name in ("st_atime", "st_mtime", "st_ctime"):
            extra[name] = float(int(getattr(st, name)))
            extra[name + "_ns"] = getattr(st, name + "_ns") // 1_000_000_000 * 1_000_000_000
        seq = tuple(st)[:os.stat_result.n_sequence_fields]
        return os.stat_result(seq[:7] + tuple(int(x) for x in seq[7:]), extra)

    return coarse


@pytest.mark.parametrize("clock", ["fine", "whole-seconds"])
def test_same_size_rewrite_in_place_is_seen(root: Path, clock: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two same-size versions within one clock tick share an identity; the racy check still sees the second."""
    if clock == "whole-seconds":
        monkeypatch.setattr(filecache.os, "stat", _whole_seconds(os.stat))
        monkeypatch.setattr(filecache.os, "fstat", _whole_seconds(os.fstat))
    path = root / "services"
    cf = CachedFile(str(path), lambda text, _p: text)
    for i in range(200):
        old, new = f"a {i % 10}/tcp\n", f"a {(i + 1) % 10}/tcp\n"
        with open(path, "w") as fh:
            fh.write(old)
        assert cf.get().value == old
        with open(path, "r+") as fh:  # same inode, same size, very likely the same mtime and ctime
            fh.write(new)
        assert cf.get().value == new


# -- the CLI: one clear line on stderr, getent's stdout and exit code ---------------------------------

def _lookup(etc: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "netdb", "--etc", str(etc), *args], capture_output=True,
                          text=True, timeout=60, env=env)


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-zero", "symlink-loop"])
def test_cli_services_and_host(root: Path, kind: str) -> None:
    etc = make_etc(root / "s", "services", kind)
    p = _lookup(etc, "services")
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")  # as getent services: an empty database
    p = _lookup(etc, "serv", "http")
    assert p.returncode == 2 and p.stdout == "" and p.stderr.count("\n") == 1 and f"{etc}/services" in p.stderr
    etc = make_etc(root / "h", "hosts", kind)
    p = _lookup(etc, "host", "web")
    assert p.returncode == 2 and p.stdout == ""
    assert "Traceback" not in p.stderr and f"{etc}/hosts" in p.stderr
    assert all(line.startswith("lookup: ") for line in p.stderr.splitlines())


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-zero", "sparse-2g", "symlink-loop"])
def test_cli_check(root: Path, kind: str) -> None:
    etc = make_etc(root, "gai.conf", kind)
    p = _lookup(etc, "check")
    assert p.returncode == 1 and f"{etc}/gai.conf: unreadable: " in p.stdout
    p = _lookup(etc, "check", str(etc / "gai.conf"))
    assert p.returncode == 66 and p.stdout == "" and p.stderr.startswith(f"lookup: {etc}/gai.conf: ")
    assert p.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["nsswitch.conf", "resolv.conf", "host.conf", "gai.conf"])
def test_cli_config_does_not_block_on_a_fifo(root: Path, name: str) -> None:
    etc = make_etc(root, name, "fifo")
    p = _lookup(etc, "--json", "config")
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    doc = json.loads(p.stdout)
    statuses = {doc["switch"]["path"]: doc["switch"]["status"], doc["dns"]["path"]: doc["dns"]["status"],
                doc["host_conf"]["path"]: doc["host_conf"]["status"]}
    if name != "gai.conf":
        assert statuses[str(etc / name)] == "unreadable: not a regular file"
    if name == "nsswitch.conf":
        assert doc["switch"]["error"] is not None  # glibc fails every lookup


def test_memory_stays_bounded(root: Path) -> None:
    """/dev/zero costs at most a few times the device cap; the 2 GB sparse file nothing."""
    zero = make_etc(root / "z", "hosts", "dev-zero")
    sparse = make_etc(root / "s", "services", "sparse-2g")

    def lookups() -> None:
        for etc in (zero, sparse):
            r = netdb.Resolver(etc)
            outcome(lambda r=r: r.getaddrinfo("web", "http"))  # type: ignore[misc]
            outcome(lambda r=r: r.getservbyname("http"))  # type: ignore[misc]

    lookups()  # imports and caches first: only the reads are measured below
    tracemalloc.start()
    try:
        lookups()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * filecache.MAX_DEVICE_BYTES + (1 << 20), peak


def test_a_fifo_is_not_even_opened(root: Path) -> None:
    """A writer waiting in its open() stays waiting: netdb's look at the FIFO does not release it."""
    path = root / "hosts"
    os.mkfifo(path)
    opened = threading.Event()

    def writer() -> None:
        with open(path, "wb"):  # blocks until a reader opens the FIFO
            opened.set()

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    got = within(lambda: read_file(str(path)), 5)
    assert got.errno == errno.ENXIO
    released = opened.wait(0.3)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # now release it ourselves
    t.join(10)
    os.close(fd)
    assert not released
