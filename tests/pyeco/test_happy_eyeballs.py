"""Happy Eyeballs (RFC 8305) against listeners on loopback only: 127.0.0.1, 127.0.0.2, ::1.

A listener that *drops SYNs* is a socket listening with backlog 0 whose
accept queue is already full (one connection made and never accepted): Linux
then drops further SYNs, so a client's connect gets no answer.  Accepting the
queued connection later frees the queue, and the client's next SYN
retransmission (about 1 s after the first) completes: a slow listener.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdb import happy_eyeballs as he
from netdb.testing import write_etc

try:
    _probe = socket.socket(socket.AF_INET6)
    _probe.bind(("::1", 0))
    _probe.close()
    HAVE_V6 = True
except OSError:
    HAVE_V6 = False
needs_v6 = pytest.mark.skipif(not HAVE_V6, reason="no IPv6 loopback (::1) here")


def info(address: str, port: int) -> tuple[object, ...]:
    return socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)[0]


class Listeners:
    """Sockets on loopback addresses, all on one port; closed at the end."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.port = 0

    def _bind(self, address: str, backlog: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((address, self.port))
        s.listen(backlog)
        self.port = s.getsockname()[1]
        self.sockets.append(s)
        return s

    def listening(self, address: str) -> socket.socket:
        return self._bind(address, 16)

    def dropping(self, address: str) -> socket.socket:
        """A listener whose full accept queue makes the kernel drop new SYNs."""
        s = self._bind(address, 0)
        filler = socket.create_connection((address, self.port), timeout=2)
        self.sockets.append(filler)
        return s

    def close(self) -> None:
        for s in self.sockets:
            s.close()


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    ls = Listeners()
    try:
        yield ls
    finally:
        ls.close()


def closed_port(address: str) -> int:
    """A port nothing listens on at ``address`` (a connect there is refused)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


# -- interleaving (RFC 8305 §4) ----------------------------------------------------


def fake(family: int, n: int) -> tuple[object, ...]:
    host = f"2001:db8::{n}" if family == socket.AF_INET6 else f"192.0.2.{n}"
    return (family, socket.SOCK_STREAM, 6, "", (host, 80))


def test_interleave_alternates_families_starting_with_the_first_result() -> None:
    v6 = [fake(socket.AF_INET6, i) for i in (1, 2, 3)]
    v4 = [fake(socket.AF_INET, i) for i in (1, 2)]
    out = he.interleave([*v6, *v4])
    assert [i[4][0] for i in out] == ["2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "2001:db8::3"]
    out = he.interleave([*v4, *v6], first_family_count=2)
    assert [i[4][0] for i in out] == ["192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2", "2001:db8::3"]
    assert he.interleave([]) == []
    with pytest.raises(ValueError):
        he.interleave(v4, first_family_count=0)


def test_delay_is_bounded_as_rfc_8305_says() -> None:
    with pytest.raises(ValueError, match="delay"):
        he.race([], delay=0.001)
    with pytest.raises(ValueError, match="delay"):
        he.race([], delay=5)


# -- the race ------------------------------------------------------------------------


@needs_v6
def test_silent_first_address_lets_the_second_win_after_the_delay(listeners: Listeners) -> None:
    listeners.dropping("::1")
    listeners.listening("127.0.0.1")
    with he.race([info("::1", listeners.port), info("127.0.0.1", listeners.port)], timeout=5) as conn:
        first, second = conn.attempts
        assert (first.address, first.result) == ("::1", "cancelled")
        assert (second.address, second.result) == ("127.0.0.1", "connected")
        assert conn.winner is second
        assert 0.24 <= second.start <= 0.6, second.start
        assert first.elapsed is not None and abs(first.elapsed - second.start - (second.elapsed or 0)) < 0.05
        assert conn.socket.getpeername()[:2] == ("127.0.0.1", listeners.port)
        assert conn.socket.gettimeout() is None


@needs_v6
def test_refused_attempt_starts_the_next_at_once(listeners: Listeners) -> None:
    listeners.listening("127.0.0.1")
    with he.race([info("::1", listeners.port), info("127.0.0.1", listeners.port)]) as conn:
        refused, won = conn.attempts
        assert refused.result == "refused" and refused.errno == errno.ECONNREFUSED
        assert won.result == "connected"
        assert won.start < 0.1, won.start  # not after the 250 ms delay


def test_every_address_refused(listeners: Listeners) -> None:
    infos = [info("127.0.0.1", closed_port("127.0.0.1")), info("127.0.0.2", closed_port("127.0.0.2"))]
    with pytest.raises(he.ConnectError) as err:
        he.race(infos)
    assert err.value.errno == errno.ECONNREFUSED
    assert [a.result for a in err.value.attempts] == ["refused", "refused"]


def test_timeout_marks_silent_attempts_timed_out(listeners: Listeners) -> None:
    listeners.dropping("127.0.0.2")
    t0 = time.monotonic()
    with pytest.raises(he.ConnectError) as err:
        he.race([info("127.0.0.2", listeners.port)], timeout=0.4)
    assert 0.39 <= time.monotonic() - t0 < 1.5
    assert err.value.errno == errno.ETIMEDOUT
    (attempt,) = err.value.attempts
    assert attempt.result == "timed out" and attempt.elapsed is not None and attempt.elapsed >= 0.39


def test_slow_listener_connects_on_the_syn_retransmission(listeners: Listeners) -> None:
    server = listeners.dropping("127.0.0.2")
    timer = threading.Timer(0.3, lambda: listeners.sockets.append(server.accept()[0]))
    timer.start()
    try:
        with he.race([info("127.0.0.2", listeners.port)], timeout=5) as conn:
            (attempt,) = conn.attempts
            assert attempt.result == "connected"
            assert attempt.elapsed is not None and 0.8 <= attempt.elapsed <= 3.5, attempt.elapsed
    finally:
        timer.join()


@needs_v6
def test_connect_resolves_through_a_resolver_and_interleaves(tmp_path: Path, listeners: Listeners) -> None:
    import netdb

    listeners.dropping("::1")
    listeners.listening("127.0.0.2")
    etc = write_etc(tmp_path / "etc", hosts={"he.test": ["::1", "127.0.0.1", "127.0.0.2"]})
    r = netdb.Resolver(etc, env={})
    # getaddrinfo: ::1 first (precedence), then the two IPv4 addresses
    with he.connect("he.test", listeners.port, resolver=r, timeout=5, delay=0.1) as conn:
        assert [a.address for a in conn.attempts] == ["::1", "127.0.0.1", "127.0.0.2"]
        assert [a.result for a in conn.attempts] == ["cancelled", "refused", "connected"]
        # the refusal of 127.0.0.1 (started at 100 ms) starts 127.0.0.2 at once
        assert conn.attempts[2].start - conn.attempts[1].start < 0.05
    with pytest.raises(socket.gaierror):
        he.connect("nowhere.test", 80, resolver=r)


@needs_v6
def test_asyncio_driver_gives_the_same_outcome(tmp_path: Path, listeners: Listeners) -> None:
    import netdb

    listeners.dropping("::1")
    listeners.listening("127.0.0.1")
    r = netdb.Resolver(write_etc(tmp_path / "etc", hosts={"he.test": ["::1", "127.0.0.1"]}), env={})

    async def main() -> tuple[list[str], float, bool]:
        conn = await he.connect_async("he.test", listeners.port, resolver=r, timeout=5)
        _reader, writer = await asyncio.open_connection(sock=conn.socket)
        writer.close()
        await writer.wait_closed()
        return [a.result for a in conn.attempts], conn.winner.start, conn.socket.getblocking()

    results, start, blocking = asyncio.run(main())
    assert results == ["cancelled", "connected"]
    assert 0.24 <= start <= 0.6
    assert not blocking

    async def timeout() -> he.ConnectError:
        with pytest.raises(he.ConnectError) as err:
            await he.race_async([info("::1", listeners.port)], timeout=0.3)
        return err.value

    exc = asyncio.run(timeout())
    assert exc.errno == errno.ETIMEDOUT and exc.attempts[0].result == "timed out"


# -- lookup connect --------------------------------------------------------------------


def _lookup(*args: str) -> tuple[int, str, str]:
    from cli.conftest import lookup

    res = lookup(*args)
    return res.returncode, res.stdout.decode(), res.stderr.decode()


@needs_v6
def test_cli_connect_reports_every_attempt_and_the_winner(tmp_path: Path, listeners: Listeners) -> None:
    listeners.dropping("::1")
    listeners.listening("127.0.0.1")
    etc = write_etc(tmp_path / "etc", hosts={"svc.test": ["::1", "127.0.0.1"]})
    code, out, err = _lookup("--etc", str(etc), "--json", "connect", "svc.test", str(listeners.port))
    assert code == 0, err
    doc = json.loads(out)
    assert [a["address"] for a in doc["addresses"]] == ["::1", "127.0.0.1"]
    assert [(a["address"], a["result"]) for a in doc["attempts"]] == [("::1", "cancelled"), ("127.0.0.1", "connected")]
    assert doc["winner"]["address"] == "127.0.0.1" and 240 <= doc["winner"]["start_ms"] <= 600
    assert doc["error"] is None

    code, out, err = _lookup("--etc", str(etc), "connect", "svc.test", str(listeners.port), "--delay", "50")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == f"connected to 127.0.0.1 port {listeners.port}"
    assert lines[0].startswith(f"::1 {listeners.port} +0.") and " cancelled " in lines[0]
    started = float(lines[1].split()[2].removeprefix("+").removesuffix("ms"))
    assert 45 <= started <= 300

    code, out, err = _lookup("--etc", str(etc), "connect", "svc.test", str(listeners.port), "--family", "6",
                             "--timeout", "0.3")
    assert code == 75 and "timed out" in err
    assert out.split()[3] == "timed-out"


def test_cli_connect_failures_and_usage(tmp_path: Path) -> None:
    etc = write_etc(tmp_path / "etc", hosts={"svc.test": ["127.0.0.1", "127.0.0.2"]})
    port = str(closed_port("127.0.0.1"))
    code, out, err = _lookup("--etc", str(etc), "connect", "svc.test", port)
    assert code == 1 and "every attempt failed" in err
    assert [line.split()[3] for line in out.splitlines()] == ["refused", "refused"]
    code, out, err = _lookup("--etc", str(etc), "--json", "connect", "nowhere.test", port)
    assert code == 2 and json.loads(out)["error"]["name"] == "EAI_NONAME"
    code, _, err = _lookup("--etc", str(etc), "connect", "svc.test", "nosuchservice")
    assert code == 2 and "EAI_SERVICE" in err
    for bad in (["--delay", "5"], ["--timeout", "0"], ["--family", "5"]):
        code, _, err = _lookup("--etc", str(etc), "connect", "svc.test", port, *bad)
        assert code == 64, (bad, err)


with contextlib.suppress(Exception):
    del _probe
