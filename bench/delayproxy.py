"""A UDP DNS proxy on loopback that delivers every answer ``DELAY`` ms late.

It stands for a distant resolver in the bulk benchmark: queries go straight
to the upstream server (the Knot server on loopback), answers are held for
the delay and then sent back, all on one thread (a heap of timers and one
``select``), so hundreds of queries can be in flight without the proxy
becoming the bottleneck.  Message ids are rewritten on the way up so that
concurrent clients cannot collide, and restored on the way down.  At most
``UPSTREAM_WINDOW`` queries are outstanding at the upstream server at a time
(the rest wait in a queue, in order): a burst of hundreds of queries at once
would overflow the server's socket buffer (the kernel's default, about 200
KiB, some 270 small datagrams) and be dropped, which a distant resolver with
its own buffers would not do.

    python bench/delayproxy.py LISTEN_ADDRESS UPSTREAM_ADDRESS UPSTREAM_PORT DELAY_MS

Both addresses must be loopback.  The proxy prints ``ready`` when it is
listening and stops when its standard input closes.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import select
import socket
import sys
import time
from collections import deque

#: Queries outstanding at the upstream server at most.
UPSTREAM_WINDOW = 128


def _check_loopback(address: str) -> None:
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"delayproxy: refusing a non-loopback address: {address}")


def serve(listen: str, upstream: tuple[str, int], delay: float, stop_fd: int) -> None:
    """Proxy until ``stop_fd`` becomes readable (end of file)."""
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((listen, 53))
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.connect(upstream)
    for sock in (front, back):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.setblocking(False)
    print("ready", flush=True)
    pending: dict[int, tuple[tuple[str, int], bytes]] = {}  # proxy id -> (client, client's id bytes)
    waiting: deque[tuple[bytes, tuple[str, int]]] = deque()  # queries not yet forwarded
    forwarded: deque[tuple[float, int]] = deque()  # (when, proxy id) in the order sent upstream
    ids = itertools.cycle(range(65536))
    due: list[tuple[float, int, bytes, tuple[str, int]]] = []
    order = itertools.count()
    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        if waiting and (timeout is None or timeout > 0.1):
            timeout = 0.1  # come back to free the slots of queries lost upstream
        readable, _, _ = select.select([front, back, stop_fd], [], [], timeout)
        if stop_fd in readable:
            return
        if front in readable:
            while True:
                try:
                    query, client = front.recvfrom(65535)
                except BlockingIOError:
                    break
                if len(query) >= 12:
                    waiting.append((query, client))
        if back in readable:
            while True:
                try:
                    answer = back.recv(65535)
                except BlockingIOError:
                    break
                origin = pending.pop(int.from_bytes(answer[:2], "big"), None) if len(answer) >= 12 else None
                if origin is not None:
                    client, client_id = origin
                    heapq.heappush(due, (time.monotonic() + delay, next(order), client_id + answer[2:], client))
        now = time.monotonic()
        while forwarded and (forwarded[0][1] not in pending or forwarded[0][0] < now - 1.0):
            pending.pop(forwarded.popleft()[1], None)  # answered, or lost upstream: its slot is free
        while waiting and len(pending) < UPSTREAM_WINDOW:
            query, client = waiting.popleft()
            proxy_id = next(ids)
            pending[proxy_id] = (client, query[:2])
            forwarded.append((now, proxy_id))
            back.send(proxy_id.to_bytes(2, "big") + query[2:])
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, message, client = heapq.heappop(due)
            front.sendto(message, client)


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    listen, upstream, port, delay_ms = argv
    _check_loopback(listen)
    _check_loopback(upstream)
    serve(listen, (upstream, int(port)), float(delay_ms) / 1000, sys.stdin.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
