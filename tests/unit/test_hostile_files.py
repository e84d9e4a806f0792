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
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import netdb
from netdb import filecache
from netdb.filecache import CachedFile, read_file

DEADLINE = 10.0  # seconds: a generous bound that only a hang exceeds
NOBODY = 65534

BASE = {
    "hosts": "127.0.0.1 localhost\n::1 localhost\n192.0.2.7 web\n",
    "services": "http 80/tcp www\nhttp 80/udp\n",
    "protocols": "ip 0 IP\ntcp 6 TCP\n",
    "networks": "loopback 127\n",
    "rpc": "portmapper 100000 sunrpc\n",
    "nsswitch.conf": "hosts: files\nservices: files\nprotocols: files\nnetworks: files\nrpc: files\n",
    "resolv.conf": "nameserver 127.0.0.53\noptions ndots:3\n",
    "gai.conf": "precedence ::1/128 5\n",
    "host.conf": "multi on\n",
}
FILES = tuple(BASE)
KINDS = ("directory", "fifo", "dev-zero", "sparse-2g", "symlink-loop", "deleted", "dev-null")


def make_etc(root: Path, name: str | None = None, kind: str | None = None) -> Path:
    """A fixture etc directory; ``name`` made into ``kind`` (``deleted`` leaves it in place for the race)."""
    etc = root / "etc"
    etc.mkdir(parents=True)
    for d in (root, etc):
        d.chmod(0o755)
    for n, text in BASE.items():
        (etc / n).write_text(text)
    if name is None or kind in (None, "deleted"):
        return etc
    path = etc / name
    path.unlink()
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-null":
        path.symlink_to("/dev/null")
    elif kind == "sparse-2g":
        with open(path, "wb") as fh:
            fh.truncate(2 << 30)  # a hole: no block is written
    elif kind == "symlink-loop":
        path.symlink_to(name + ".other")
        (etc / (name + ".other")).symlink_to(name)
    elif kind == "mode-000":
        path.write_text(BASE[name])
        path.chmod(0)
    else:
        raise ValueError(kind)
    return etc


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


def outcome(fn: Callable[[], Any]) -> Any:
    """The result, or the exception's class and (errno or text): comparable and JSON-able."""
    try:
        value = within(fn)
    except socket.gaierror as exc:
        return ["gaierror", exc.errno]
    except socket.herror as exc:
        return ["herror", exc.errno]
    except OSError as exc:
        return ["OSError", exc.errno if exc.errno is not None else str(exc)]
    return ["ok", json.loads(json.dumps(value))]


def probe(etc: Path) -> dict[str, Any]:
    """What a Resolver on ``etc`` answers: one call per file, plus the parsed configuration."""
    r = netdb.Resolver(etc)
    calls: dict[str, Callable[[], Any]] = {
        "getaddrinfo": lambda: sorted({a[4][0] for a in r.getaddrinfo("web", None)}),
        "getaddrinfo4": lambda: sorted({a[4][0] for a in r.getaddrinfo("web", None, socket.AF_INET)}),
        "gethostbyname": lambda: r.gethostbyname("web"),
        "getservbyname": lambda: r.getservbyname("http", "tcp"),
        "services": lambda: len(list(r.services())),
        "getprotobyname": lambda: r.getprotobyname("tcp"),
        "getnetbyname": lambda: r.getnetbyname("loopback").net,
        "getrpcbyname": lambda: r.getrpcbyname("portmapper").number,
        "nameservers": lambda: [n.address for n in r.resolv_conf().nameservers],
        "ndots": lambda: r.resolv_conf().ndots,
        "gai_default": lambda: r.gai_conf().is_default,
        "multi": lambda: r.host_conf().multi,
    }
    return {k: outcome(fn) for k, fn in calls.items()}


@pytest.fixture
def root() -> Iterator[Path]:
    """A directory others can traverse (the mode-000 case reads it as nobody)."""
    d = Path(tempfile.mkdtemp(prefix="netdb-hostile-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def expected(name: str, kind: str, baseline: dict[str, Any]) -> dict[str, Any]:
    """netdb's documented answer for ``name`` made into ``kind`` (docs/hostile-files.md)."""
    want = dict(baseline)
    # glibc's fopen fails (or the file is empty): the same as a missing file.
    like_missing = kind in ("symlink-loop", "mode-000", "deleted", "dev-null")
    err = {"directory": errno.EISDIR, "fifo": errno.ENXIO, "dev-zero": errno.EFBIG, "sparse-2g": errno.EFBIG}.get(kind)
    if name == "hosts":
        if kind == "dev-null":  # an empty file: the name is not found
            want.update(getaddrinfo=["gaierror", socket.EAI_NONAME], getaddrinfo4=["gaierror", socket.EAI_NONAME],
                        gethostbyname=["gaierror", socket.EAI_NONAME])
        elif like_missing:
            want.update(getaddrinfo=["gaierror", socket.EAI_NONAME], getaddrinfo4=["gaierror", netdb_eai_nodata()],
                        gethostbyname=["gaierror", netdb_eai_nodata()])
        else:
            want.update(getaddrinfo=["OSError", err], getaddrinfo4=["OSError", err], gethostbyname=["OSError", err])
    elif name == "services":
        want.update(getservbyname=["OSError", "service/proto not found"], services=["ok", 0])
    elif name == "protocols":
        want.update(getprotobyname=["OSError", "protocol not found"])
    elif name == "networks":
        want.update(getnetbyname=["OSError", "network not found"])
    elif name == "rpc":
        want.update(getrpcbyname=["OSError", "rpc program not found"])
    elif name == "nsswitch.conf" and not like_missing:
        # glibc: a read error fails every lookup of every database (EISDIR for a directory).
        want.update(getaddrinfo=["OSError", err], getaddrinfo4=["OSError", err], gethostbyname=["OSError", err],
                    getservbyname=["OSError", "service/proto not found"], services=["ok", 0],
                    getprotobyname=["OSError", "protocol not found"], getnetbyname=["OSError", "network not found"],
                    getrpcbyname=["OSError", "rpc program not found"])
    elif name == "resolv.conf":
        want.update(nameservers=["ok", ["127.0.0.1"]], ndots=["ok", 1])
    elif name == "gai.conf":
        want.update(gai_default=["ok", True])
    elif name == "host.conf":
        want.update(multi=["ok", False])
    return want


def netdb_eai_nodata() -> int:
    return int(getattr(socket, "EAI_NODATA", -5))


def test_baseline(root: Path) -> None:
    got = probe(make_etc(root))
    assert got["getaddrinfo"] == ["ok", ["192.0.2.7"]] and got["getservbyname"] == ["ok", 80]
    assert got["nameservers"] == ["ok", ["127.0.0.53"]] and got["gai_default"] == ["ok", False]
    assert got["multi"] == ["ok", True] and got["services"] == ["ok", 2]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "deleted"])
@pytest.mark.parametrize("name", FILES)
def test_file_that_is_not_a_file(root: Path, name: str, kind: str) -> None:
    baseline = probe(make_etc(root / "base"))
    got = probe(make_etc(root / "case", name, kind))
    assert got == expected(name, kind, baseline)


@pytest.mark.parametrize("name", FILES)
def test_file_deleted_between_stat_and_open(root: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race injected at the file-cache layer: stat finds the file, open does not: a missing file."""
    baseline = probe(make_etc(root / "base"))
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
    assert probe(etc) == expected(name, "deleted", baseline)
    monkeypatch.setattr(filecache.os, "stat", real_stat)
    cf = CachedFile(target, lambda text, _p: text)
    assert cf.get().status == "missing"
    Path(target).write_text("back\n")
    assert cf.get().value == "back\n"  # seen at the next call


def _as_nobody(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a forked child that has dropped root for nobody (root ignores mode bits)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            data = json.dumps(["ok", fn()])
        except BaseException as exc:
            data = json.dumps(["error", f"{type(exc).__name__}: {exc}"])
        os.write(w, data.encode())
        os._exit(0)
    os.close(w)
    try:
        ready, _, _ = select.select([r], [], [], DEADLINE)
        assert ready, "the unprivileged child did not answer in time"
        chunks = []
        while chunk := os.read(r, 65536):
            chunks.append(chunk)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    status, value = json.loads(b"".join(chunks))
    assert status == "ok", value
    return value


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody (a non-root owner can read mode 000 "
                    "files of its own only after chmod; the test creates them as root)")
@pytest.mark.parametrize("name", FILES)
def test_file_without_read_permission(root: Path, name: str) -> None:
    """Mode 000, read by nobody: glibc's fopen fails with EACCES, which reads as a missing file."""
    base = make_etc(root / "base")
    baseline = _as_nobody(lambda: probe(base))
    etc = make_etc(root / "case", name, "mode-000")
    got = _as_nobody(lambda: probe(etc))
    assert got == expected(name, "mode-000", baseline)


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


def test_same_size_rewrite_in_place_is_seen(root: Path) -> None:
    """Two same-size versions within one clock tick share an identity; the racy check still sees the second."""
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
    assert (p.returncode, p.stdout) == (0, "")  # getent services: an empty database
    assert p.stderr.count("\n") == 1 and f"{etc}/services" in p.stderr and "warning" in p.stderr
    etc = make_etc(root / "h", "hosts", kind)
    p = _lookup(etc, "host", "web")
    assert p.returncode == 2 and p.stdout == ""
    assert "Traceback" not in p.stderr and f"{etc}/hosts" in p.stderr
    assert all(line.startswith("lookup: ") for line in p.stderr.splitlines())


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-zero", "sparse-2g", "symlink-loop"])
def test_cli_check(root: Path, kind: str) -> None:
    etc = make_etc(root, "gai.conf", kind)
    p = _lookup(etc, "check")
    assert p.returncode == 1 and f"{etc}/gai.conf:0: cannot be read: " in p.stdout
    p = _lookup(etc, "check", str(etc / "gai.conf"))
    assert p.returncode == 66 and p.stdout == "" and p.stderr.startswith(f"lookup: {etc}/gai.conf: ")
    assert p.stderr.count("\n") == 1
