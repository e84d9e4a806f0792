"""Timings of the address sort and the interface snapshot (no packet leaves the host).

    PYTHONPATH=src python bench/bench_addrsort.py

Prints microseconds per call (best of 5 runs).  "probe every call" is what
glibc does (one UDP connect() per distinct destination); "warm" uses the probe
cache that netdb.interfaces invalidates on netlink change notifications.
"""

from __future__ import annotations

import socket
import timeit

from netdb import interfaces
from netdb.addrsort import explain_sort, probe_sources, rfc3484_order, sort_destinations


def dest(text: str) -> tuple[int, bytes, int]:
    """(family, packed, 0) for an address literal."""
    fam = socket.AF_INET6 if ":" in text else socket.AF_INET
    return fam, socket.inet_pton(fam, text), 0


def main() -> None:
    """Run the timings and print one line each."""
    two = [dest("192.0.2.100"), dest("2001:db8::100")]
    ten = [dest(a) for a in ["203.0.113.8", "192.0.2.100", "10.0.0.1", "127.0.0.1", "169.254.1.1", "2001:db8::1", "fd00::1", "fe80::1", "::1", "2002:c000:201::1"]]
    srcs2, srcs10 = probe_sources(two), probe_sources(ten)
    cases = {
        "interfaces.dump() (RTM_GETLINK + RTM_GETADDR)": (interfaces.dump, 2000),
        "interfaces.snapshot(), nothing changed": (interfaces.snapshot, 200000),
        "configured_families()": (interfaces.configured_families, 200000),
        "sort 2 addresses, probe every call": (lambda: sort_destinations(two, probe_cache=False), 5000),
        "sort 2 addresses, warm": (lambda: sort_destinations(two), 100000),
        "sort 10 addresses, probe every call": (lambda: sort_destinations(ten, probe_cache=False), 2000),
        "sort 10 addresses, warm": (lambda: sort_destinations(ten), 20000),
        "pure rfc3484_order, 2 addresses": (lambda: rfc3484_order(two, srcs2), 100000),
        "pure rfc3484_order, 10 addresses": (lambda: rfc3484_order(ten, srcs10), 20000),
        "explain_sort, 10 addresses": (lambda: explain_sort(ten, sources=srcs10), 5000),
    }
    for label, (fn, number) in cases.items():
        fn()
        best = min(timeit.repeat(fn, number=number, repeat=5)) / number
        print(f"{label:48s} {best * 1e6:9.2f} us")


if __name__ == "__main__":
    main()
