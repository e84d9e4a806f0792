"""Files that are not files, glibc against netdb: the same questions, the same answers.

Each of the nine files is made a directory, a symbolic-link loop, a link to
/dev/null, a mode-000 file (read as nobody: root ignores mode bits) or is
missing; the fixture directory is mounted over /etc in a private mount and
network namespace and ``support/hostile_etc.py`` asks glibc (the socket
module) and netdb the same questions.  Where glibc has no usable behaviour
(it waits forever on a FIFO, reads /dev/zero until memory runs out, aborts on
an nsswitch.conf of NULs, loops forever on a host.conf of NULs) the last test
records that behaviour, and netdb's answer is the documented clear error
(docs/hostile-files.md; tests/unit/test_hostile_files.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import netdb
from support import glibc_ns, hostile_etc
from support.hostile_etc import FILES, make_etc

pytestmark = pytest.mark.glibc

PROBE = Path(hostile_etc.__file__)
SYSTEM_PYTHON = "/usr/bin/python3"
NOBODY = "65534"
# Mount the fixture over /etc, hide nscd, bound memory (glibc reads /dev/zero without end) and time.
_SH = r'''
ip link set lo up
mount --bind "$1" /etc
for d in /run/nscd /var/run/nscd; do if [ -S "$d/socket" ]; then mount -t tmpfs none "$d"; fi; done
shift
ulimit -v 1000000
exec timeout "$@"
'''

# Deliberate deviations: (file, kind) -> why netdb answers differently.
DEVIATIONS = {
    ("resolv.conf", "directory"): (
        "glibc's res_init fails on a read error and then getaddrinfo fails in ways that depend on the family "
        "(EAI_NONAME for AF_UNSPEC even for names in /etc/hosts, EISDIR for AF_INET); netdb reads the "
        "directory as a missing resolv.conf (the defaults) and says so in `lookup check` and in a CLI warning"),
}


def glibc_probe(etc: Path, *, nobody: bool = False, seconds: int = 20) -> subprocess.CompletedProcess[bytes]:
    """Run the probe with glibc inside a private namespace where ``etc`` is /etc."""
    glibc_ns.require()
    argv = [str(seconds)]
    if nobody:
        argv += ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    argv += [SYSTEM_PYTHON, str(PROBE)]
    return subprocess.run(["unshare", "-m", "--propagation", "private", "-n", "--", "sh", "-c", _SH, "sh",
                           str(etc), *argv], capture_output=True, timeout=seconds + 30)


def netdb_probe(etc: Path) -> dict[str, Any]:
    box: dict[str, Any] = {}
    t = threading.Thread(target=lambda: box.update(hostile_etc.probe(netdb.Resolver(etc))), daemon=True)
    t.start()  # a fresh thread: h_errno starts at 0, as in the glibc process
    t.join(30)
    assert not t.is_alive(), "netdb did not answer in time"
    return box


@pytest.fixture
def root() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="netdb-hostile-glibc-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("kind", ["directory", "symlink-loop", "dev-null", "missing", "mode-000"])
@pytest.mark.parametrize("name", FILES)
def test_same_answers_as_glibc(root: Path, name: str, kind: str) -> None:
    glibc_ns.require()
    if not Path(SYSTEM_PYTHON).exists():
        pytest.skip(f"{SYSTEM_PYTHON} is needed to run the probe as nobody")
    etc = make_etc(root, name, kind)
    nobody = kind == "mode-000"
    proc = glibc_probe(etc, nobody=nobody)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    glibc = json.loads(proc.stdout)
    if nobody:
        ours = hostile_etc.as_nobody(lambda: netdb_probe(etc))
    else:
        ours = netdb_probe(etc)
    if (name, kind) in DEVIATIONS:
        assert ours != glibc, f"documented deviation no longer differs: {DEVIATIONS[(name, kind)]}"
        return
    assert ours == glibc


@pytest.mark.parametrize(("name", "kind", "what"), [
    ("hosts", "fifo", "timeout"),
    ("services", "fifo", "timeout"),
    ("host.conf", "dev-zero", "timeout"),
    ("nsswitch.conf", "fifo", "timeout"),
    ("resolv.conf", "fifo", "timeout"),
    ("gai.conf", "fifo", "timeout"),
    ("host.conf", "fifo", "timeout"),
    ("nsswitch.conf", "dev-zero", "abort"),
    ("hosts", "dev-zero", "EAI_MEMORY"),
    ("hosts", "sparse-2g", "EAI_MEMORY"),
])
def test_where_glibc_has_no_usable_answer(root: Path, name: str, kind: str, what: str) -> None:
    """glibc hangs, aborts, or runs out of (here: 1 GB of) memory; netdb answers with one clear error instead."""
    glibc_ns.require()
    etc = make_etc(root, name, kind)
    proc = glibc_probe(etc, seconds=3 if what == "timeout" else 60)
    if what == "timeout":
        assert proc.returncode == 124, proc  # still waiting (FIFO) or looping (host.conf) after 3 s
    elif what == "abort":
        assert proc.returncode in (134, -6) and b"Assertion" in proc.stderr, proc
    else:
        got = json.loads(proc.stdout)
        assert got["getaddrinfo"] == ["gaierror", -10], got  # EAI_MEMORY: Memory allocation failure
    ours = netdb_probe(etc)
    assert ours  # answered, within the deadline


def _getent_in_ns(etc: Path, argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    glibc_ns.require()
    return subprocess.run(["unshare", "-m", "--propagation", "private", "-n", "--", "sh", "-c", _SH, "sh",
                           str(etc), "20", "getent", *argv], capture_output=True, timeout=60)


@pytest.mark.parametrize("kind", ["directory", "symlink-loop", "dev-null", "missing"])
@pytest.mark.parametrize("argv", [["hosts"], ["hosts", "web"], ["ahosts", "web"], ["services"],
                                  ["services", "http"], ["protocols", "tcp"], ["networks"], ["rpc", "portmapper"]])
def test_lookup_prints_what_getent_prints(root: Path, argv: list[str], kind: str) -> None:
    """stdout and exit status equal getent's; the one extra line (a warning) goes to stderr."""
    name = {"ahosts": "hosts"}.get(argv[0], argv[0])
    etc = make_etc(root, name, kind)
    glibc = _getent_in_ns(etc, argv)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    ours = subprocess.run([sys.executable, "-m", "netdb", "--etc", str(etc), *argv], capture_output=True,
                          timeout=60, env=env)
    assert (ours.stdout, ours.returncode) == (glibc.stdout, glibc.returncode), (ours.stderr, glibc.stderr)
    assert len(ours.stderr.splitlines()) <= 1 and b"Traceback" not in ours.stderr
