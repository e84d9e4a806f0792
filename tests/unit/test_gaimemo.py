"""The answer memo (netdb.gaimemo): repeated answers equal computed ones, and every change is seen at once."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path

import pytest

import netdb
from netdb import watch
from netdb.errors import HOST_NOT_FOUND
from netdb.hostnss import set_thread_h_errno, thread_h_errno

pytestmark = pytest.mark.skipif(watch.watcher() is None, reason="the memo needs inotify")

HOSTS = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n192.0.2.1 one.test one\n192.0.2.2 two.test\n2001:db8::2 two.test\n"


def _etc(tmp_path: Path, hosts: str = HOSTS, switch: str = "hosts: files\nservices: files\n") -> Path:
    etc = tmp_path / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "hosts").write_text(hosts)
    (etc / "nsswitch.conf").write_text(switch)
    (etc / "services").write_text("http 80/tcp www\nhttp 80/udp\ndomain 53/tcp\ndomain 53/udp\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return etc


def _warm(r: netdb.Resolver, *args: object) -> None:
    for _ in range(watch.WATCH_AFTER + 3):
        with contextlib.suppress(socket.gaierror):
            r.getaddrinfo(*args)


def _outcome(fn: object, *args: object) -> object:
    try:
        return fn(*args)  # type: ignore[operator]
    except OSError as exc:
        return (type(exc).__name__, exc.args)


CALLS = [
    ("one.test", 80), ("one", "http"), ("two.test", None), ("two.test", "www", socket.AF_INET6),
    ("localhost", 0, 0, socket.SOCK_DGRAM), ("missing.test", 80), ("one.test", "nosuchservice"),
    ("one.test", 80, socket.AF_INET6, 0, 0, socket.AI_V4MAPPED), ("one.test", 80, 0, 0, 0, socket.AI_CANONNAME),
    (None, 80, 0, 0, 0, socket.AI_PASSIVE), ("127.1", 80), (b"one.test", b"80"), ("one.test", 80, 99),
]


@pytest.mark.parametrize("call", CALLS, ids=[repr(c) for c in CALLS])
def test_a_repeated_answer_equals_a_computed_one(tmp_path: Path, call: tuple[object, ...]) -> None:
    etc = _etc(tmp_path)
    warm = netdb.Resolver(etc)
    _warm(warm, *call)
    assert warm.answer_memo()._entries, "nothing kept: the memo would not be under test"
    for _ in range(3):
        fresh = netdb.Resolver(etc)  # a new Resolver computes (its files are not watched yet)
        set_thread_h_errno(0)
        expected = _outcome(fresh.getaddrinfo, *call)
        expected_h_errno = thread_h_errno()
        set_thread_h_errno(0)
        assert _outcome(warm.getaddrinfo, *call) == expected
        assert thread_h_errno() == expected_h_errno
    host = call[0]
    if isinstance(host, str):
        assert _outcome(warm.gethostbyname, host) == _outcome(netdb.Resolver(etc).gethostbyname, host)


def test_answers_are_kept_only_when_files_decided_them(tmp_path: Path) -> None:
    etc = _etc(tmp_path)
    r = netdb.Resolver(etc)
    _warm(r, "one.test", 80)
    _warm(r, "localhost", 80, 0, 0, 0, socket.AI_ADDRCONFIG)
    entries = r.answer_memo()._entries
    kept = {key[1] for key in entries}
    assert "one.test" in kept
    assert "localhost" not in kept  # AI_ADDRCONFIG reads the interfaces


def test_live_sources_are_never_kept(tmp_path: Path) -> None:
    etc = _etc(tmp_path, switch="hosts: files myhostname\n")
    r = netdb.Resolver(etc, hostname="box", nss_modules=("myhostname",))
    _warm(r, "box", 80)
    assert r.getaddrinfo("box", 80)
    assert not any(key[1] == "box" for key in r.answer_memo()._entries)


def test_returned_lists_are_the_callers_own(tmp_path: Path) -> None:
    r = netdb.Resolver(_etc(tmp_path))
    _warm(r, "one.test", 80)
    first = r.getaddrinfo("one.test", 80)
    first.clear()
    assert r.getaddrinfo("one.test", 80)


def test_every_kind_of_change_is_seen_at_the_next_call(tmp_path: Path) -> None:
    etc = _etc(tmp_path)
    r = netdb.Resolver(etc)
    _warm(r, "one.test", 80)
    hosts = etc / "hosts"
    assert r.gethostbyname("one.test") == "192.0.2.1"
    # In place, same size, same second: only the contents differ.
    hosts.write_text(HOSTS.replace("192.0.2.1 ", "192.0.2.9 "))
    assert r.getaddrinfo("one.test", 80)[0][4][0] == "192.0.2.9"
    assert r.gethostbyname("one.test") == "192.0.2.9"
    # Atomic replacement by rename.
    new = etc / "hosts.new"
    new.write_text(HOSTS.replace("192.0.2.1 ", "192.0.2.7 "))
    os.replace(new, hosts)
    _warm(r, "one.test", 80)
    assert r.getaddrinfo("one.test", 80)[0][4][0] == "192.0.2.7"
    # The switch changes: hosts no longer consulted.
    (etc / "nsswitch.conf").write_text("hosts: dns\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1:1\noptions timeout:1 attempts:1\n")
    with pytest.raises(socket.gaierror):
        r.getaddrinfo("one.test", 80)
    # A service disappears.
    (etc / "nsswitch.conf").write_text("hosts: files\n")
    _warm(r, "one.test", "http")
    (etc / "services").write_text("domain 53/tcp\n")
    with pytest.raises(socket.gaierror) as err:
        r.getaddrinfo("one.test", "http")
    assert err.value.args[0] == socket.EAI_SERVICE
    # Deleted: an empty database.
    hosts.unlink()
    with pytest.raises(socket.gaierror):
        r.getaddrinfo("one.test", 80)


def test_threads_get_their_own_h_errno_and_equal_answers(tmp_path: Path) -> None:
    etc = _etc(tmp_path)
    r = netdb.Resolver(etc)
    _warm(r, "missing.test", 80)
    expected = _outcome(netdb.Resolver(etc).getaddrinfo, "one.test", 80)
    problems: list[object] = []

    def worker() -> None:
        try:
            check()
        except BaseException as exc:  # a thread's failure must fail the test
            problems.append(exc)

    def check() -> None:
        for _ in range(500):
            got = _outcome(r.getaddrinfo, "one.test", 80)
            if got != expected:
                problems.append(got)
            _outcome(r.getaddrinfo, "missing.test", 80)
            if thread_h_errno() != HOST_NOT_FOUND:
                problems.append(thread_h_errno())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not problems, problems[:3]


def test_service_and_protocol_lookups_see_every_change_at_the_next_call(tmp_path: Path) -> None:
    etc = _etc(tmp_path)
    (etc / "protocols").write_text("tcp 6 TCP\nudp 17 UDP\n")
    r = netdb.Resolver(etc)
    for _ in range(watch.WATCH_AFTER + 3):
        assert r.getservbyname("http", "tcp") == 80
        assert r.getprotobyname("udp") == 17
    assert "services" in r.files_tables  # the one-poll path is the one under test
    (etc / "services").write_text("http 81/tcp www\n")  # in place, same second
    assert r.getservbyname("http", "tcp") == 81
    assert r.getservbyname("www") == 81
    (etc / "protocols").write_text("tcp 6 TCP\nudp 71 UDP\n")
    assert r.getprotobyname("udp") == 71
    (etc / "nsswitch.conf").write_text("hosts: files\nservices: db\n")  # a module glibc cannot load
    with pytest.raises(OSError, match="service/proto not found"):
        r.getservbyname("http", "tcp")
    (etc / "nsswitch.conf").write_text("hosts: files\nservices: files\n")
    assert r.getservbyname("http", "tcp") == 81
    (etc / "services").unlink()
    with pytest.raises(OSError, match="service/proto not found"):
        r.getservbyname("http", "tcp")


def test_a_kept_answer_that_named_a_service_sees_the_services_file_change(tmp_path: Path) -> None:
    """The services table comes from the one-poll path, which does not note the read for the memo.

    That is safe because the table is kept only while both its files are watched: a change to
    either advances the generation, and with it every memo entry goes stale.
    """
    etc = _etc(tmp_path)
    r = netdb.Resolver(etc)
    for _ in range(watch.WATCH_AFTER + 3):
        assert r.getservbyname("http", "tcp") == 80
    assert "services" in r.files_tables
    _warm(r, "one.test", "http", socket.AF_INET, socket.SOCK_STREAM)
    assert r.answer_memo()._entries
    assert r.getaddrinfo("one.test", "http", socket.AF_INET, socket.SOCK_STREAM)[0][4] == ("192.0.2.1", 80)
    (etc / "services").write_text("http 81/tcp www\n")
    assert r.getaddrinfo("one.test", "http", socket.AF_INET, socket.SOCK_STREAM)[0][4] == ("192.0.2.1", 81)


def test_a_service_lookup_waits_for_a_drain_in_progress(tmp_path: Path) -> None:
    """The one-poll path must not answer from the kept table while another thread drains the queue.

    That thread has emptied the queue and not yet advanced the generation: an empty poll and an
    unchanged generation would otherwise pass the old table off as current.
    """
    etc = _etc(tmp_path)
    r = netdb.Resolver(etc)
    for _ in range(watch.WATCH_AFTER + 3):
        assert r.getservbyname("http", "tcp") == 80
    w = watch.existing()
    assert w is not None and "services" in r.files_tables
    (etc / "services").write_text("http 81/tcp www\n")  # an event is queued
    got: list[int] = []
    with w.draining:  # another thread is draining ...
        while w.events.poll(0, 1):  # ... and has emptied the queue
            os.read(w.fd, 65536)
        t = threading.Thread(target=lambda: got.append(r.getservbyname("http", "tcp")))
        t.start()
        t.join(0.2)
        waited = t.is_alive()
        w.generation += 1
    t.join(10)
    assert waited and got == [81]
