"""The plumbing under the DNS tests: address leases, cleanup, safety checks, the knot CLI."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import glibc_dns, loopback
from support import knot as knotmod

TESTS = Path(__file__).resolve().parents[1]


def test_lease_is_exclusive_and_leaves_no_file() -> None:
    with loopback.Lease.acquire(0) as lease:
        assert lease.address.startswith("127.53.") and lease.port > 0
        path = loopback.lock_dir() / f"{lease.address}.lock"
        fd = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        others = [loopback.Lease.acquire(0) for _ in range(5)]
        assert lease.address not in {o.address for o in others}
        for o in others:
            o.release()
    assert not lease.held
    assert not path.exists()
    lease.release()  # idempotent


def test_port53_lease_when_root() -> None:
    reason = loopback.port53_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with loopback.Lease.acquire(53) as lease:
        assert lease.port == 53


def test_is_loopback() -> None:
    assert loopback.is_loopback("127.53.1.2") and loopback.is_loopback("::1")
    assert loopback.is_loopback("::ffff:127.0.0.1")
    assert not loopback.is_loopback("10.0.0.53") and not loopback.is_loopback("192.0.2.2")


def test_resolv_conf_text() -> None:
    text = loopback.resolv_conf_text(["127.53.1.2", "::1"], search=["sub.test"],
                                     options=["ndots:2"], extra="# end\n")
    assert text == "nameserver 127.53.1.2\nnameserver ::1\nsearch sub.test\noptions ndots:2\n# end\n"
    with pytest.raises(ValueError):
        loopback.resolv_conf_text(["127.0.0.1", "10.0.0.53"])


def test_dnsenv_refuses_what_could_leave_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        glibc_dns.DnsEnv(["10.0.0.53"])
    with loopback.Lease.acquire(0) as lease, pytest.raises(ValueError, match="port"):
        glibc_dns.DnsEnv([lease])  # glibc cannot use another port than 53
    glibc_dns.check_nsswitch("hosts: files [NOTFOUND=return] dns myhostname\nnetworks: files\n")
    glibc_dns.check_nsswitch("hosts: files mdns4_minimal\n")  # not installed: glibc skips it
    monkeypatch.setattr(glibc_dns, "_nss_module_installed", lambda name: True)
    with pytest.raises(ValueError, match="resolve"):
        glibc_dns.check_nsswitch("hosts: files resolve dns\n")
    with pytest.raises(ValueError):
        glibc_dns.DnsEnv(["127.53.1.2"], nsswitch="hosts: mdns4_minimal dns\n")


def test_dnsenv_files() -> None:
    with glibc_dns.DnsEnv(["127.53.1.2", "127.53.1.3"], search=["a.test"],
                          files={"gai.conf": "precedence ::ffff:0:0/96 100\n"},
                          env={"RES_OPTIONS": "ndots:3"}) as env:
        assert env.resolv_conf == ("nameserver 127.53.1.2\nnameserver 127.53.1.3\n"
                                   "search a.test\noptions timeout:1 attempts:1\n")
        assert sorted(p.name for p in env.etc.iterdir()) == ["gai.conf", "hosts", "nsswitch.conf",
                                                             "resolv.conf"]
        assert env.env == {"RES_OPTIONS": "ndots:3"}
        etc = env.etc
    assert not etc.exists()
    forgotten = glibc_dns.DnsEnv(["127.53.1.2"])  # never closed
    etc = forgotten.etc
    del forgotten
    assert not etc.exists()


@pytest.mark.dns
def test_knotd_dies_with_its_owner() -> None:
    """A test run killed with SIGKILL leaves no knotd behind (the watchdog), and a
    later start removes its working directory."""
    reason = knotmod.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    code = ("import os, signal, sys\n"
            "from support.knot import KnotServer\n"
            "k = KnotServer(bulk=0, port=0).start()\n"
            "print(k.pid, k.workdir, flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=TESTS, env={**os.environ, "PYTHONPATH": str(TESTS)}, timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    pid_text, workdir = proc.stdout.split()
    pid = int(pid_text)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail(f"knotd {pid} outlived its owner")
    # its working directory is left behind, and the next start (here, or in a test run going
    # on in parallel) removes it because its owner is dead
    knotmod.clean_stale_workdirs()
    assert not Path(workdir).exists()


@pytest.mark.dns
def test_knot_command_line_serves_until_interrupted() -> None:
    """``python tests/support/knot.py`` (for bench scripts and manual poking)."""
    reason = knotmod.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    # started with SIGINT ignored, as a shell starts a background job: ^C must still work
    proc = subprocess.Popen([sys.executable, str(TESTS / "support" / "knot.py"), "--bulk", "10"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("knotd pid "), first + (proc.stderr.read() if proc.stderr else "")
        knotd_pid = int(first.split()[2])
        address = first.split(" on ")[1].split()[0]
        assert address.startswith("127.53.")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(knotd_pid, 0)  # stopped (and reaped) before the command returned
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
