"""netdb.udpbatch: a burst of datagrams read with one recvmmsg, on loopback sockets only."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from netdb import udpbatch

reader = udpbatch.open_reader()
pytestmark = pytest.mark.skipif(reader is None, reason="recvmmsg is not available on this platform")


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A receiving socket and a sender connected to it, both on 127.0.0.1."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.setblocking(False)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.connect(rx.getsockname())
    try:
        yield rx, tx
    finally:
        rx.close()
        tx.close()


def _wait_readable(sock: socket.socket) -> None:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            sock.recv(1, socket.MSG_PEEK)
            return
        except BlockingIOError:
            time.sleep(0.001)


def test_nothing_waiting_reads_nothing(pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, _tx = pair
    assert reader.read(rx.fileno()) == []


def test_a_burst_comes_back_whole_and_in_order(pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, tx = pair
    sent = [bytes([i]) * (i + 1) for i in range(udpbatch.SLOTS + 5)]
    for data in sent:
        tx.send(data)
    _wait_readable(rx)
    first = reader.read(rx.fileno())
    second = reader.read(rx.fileno())
    assert len(first) == udpbatch.SLOTS  # at most SLOTS per call
    assert [d for d, _cut in first + second] == sent
    assert not any(cut for _d, cut in first + second)
    assert reader.read(rx.fileno()) == []


def test_a_datagram_longer_than_a_slot_is_marked_cut(pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, tx = pair
    big = bytes(range(256)) * (udpbatch.SLOT_SIZE // 256 + 4)
    tx.send(big)
    tx.send(b"small")
    _wait_readable(rx)
    got = reader.read(rx.fileno())
    assert got == [(big[: udpbatch.SLOT_SIZE], True), (b"small", False)]


def test_a_socket_error_raises(pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, _tx = pair
    # a connected socket whose peer port is closed: the ICMP error is reported by the next read
    port = rx.getsockname()[1]
    rx.close()
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("127.0.0.1", port))
        probe.setblocking(False)
        probe.send(b"x")
        time.sleep(0.05)
        with pytest.raises(ConnectionRefusedError):
            reader.read(probe.fileno())
    finally:
        probe.close()


# --- sending: several datagrams of one length in one sendmsg (UDP_SEGMENT) ------------------------

segments = pytest.mark.skipif(not udpbatch.segments_available(), reason="UDP segmentation is Linux's")


@segments
def test_segments_arrive_as_separate_datagrams_in_order(pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, tx = pair
    sent = [bytes([i]) * 40 for i in range(udpbatch.MAX_SEGMENTS)]
    udpbatch.send_segments(tx, sent)
    _wait_readable(rx)
    got = reader.read(rx.fileno())
    assert [d for d, _cut in got] == sent  # each its own datagram, none merged, none lost
    assert reader.read(rx.fileno()) == []


@segments
def test_datagrams_of_different_lengths_are_refused_before_anything_goes(
        pair: tuple[socket.socket, socket.socket]) -> None:
    assert reader is not None
    rx, tx = pair
    with pytest.raises(ValueError, match="one length"):
        udpbatch.send_segments(tx, [b"a" * 10, b"b" * 11])
    time.sleep(0.05)
    assert reader.read(rx.fileno()) == []


@segments
def test_a_socket_that_cannot_segment_reports_a_refusal(pair: tuple[socket.socket, socket.socket]) -> None:
    """A UDP socket without checksums (SO_NO_CHECK) cannot segment: the kernel says EINVAL, sends nothing."""
    assert reader is not None
    rx, tx = pair
    tx.setsockopt(socket.SOL_SOCKET, 11, 1)  # SO_NO_CHECK
    with pytest.raises(OSError) as raised:
        udpbatch.send_segments(tx, [b"x" * 20, b"y" * 20])
    assert raised.value.errno in udpbatch.SEGMENTS_REFUSED
    time.sleep(0.05)
    assert reader.read(rx.fileno()) == []
