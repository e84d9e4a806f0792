"""Names and resolv.conf variants on which the fast lane must give the full path's answers.

Shared by the lane's tests under ``resolve_many`` (tests/dns/test_bulk_lane.py) and under asyncio
(tests/dns/test_aio_lane.py); the ``lane_answers`` fixture (tests/dns/conftest.py) counts what the
lane answered itself; ``full_path_outcome`` is what every lane answer is compared with.
"""

from __future__ import annotations

from typing import Any

import dns.name
import dns.zone

from netdb.pysocket import to_tuples
from support import faultdns as f
from support.knot import FIXTURES, bulk_name
from support.netdb_dns import outcome

HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost\n192.0.2.50\tfromfile.test filealias\n"

#: Fault-responder rules, one per reply the lane does not read (each name must leave it for the full path).
UNPLAIN_RULES: dict[str, Any] = {
    "silent.test": f.Drop(), "servfail.test": f.SERVFAIL, "refused.test": f.REFUSED,
    "tc.test": f.tc_then_tcp({"A": "192.0.2.7", "AAAA": "2001:db8::7"}), "wrongid.test": f.WrongId(),
}
#: Those names, mixed with names the lane answers and names it hands on (NXDOMAIN, NODATA, the hosts file),
#: three times over.  (No name with several records of a type: the responder shuffles them.)
UNPLAIN_NAMES: list[str | bytes] = [*UNPLAIN_RULES, "indns.test", "nosuch.test", "nodata.test", "v4.test", "v6.test",
                                    "alias.test", "chain5.test", "fromfile.test"] * 3


def _zone_names() -> list[str]:
    """Every owner name of the fixture zones, absolute and relative, wildcards filled in."""
    out: list[str] = []
    for path in sorted(FIXTURES.glob("*.zone")):
        zone = dns.zone.from_file(str(path), relativize=False, check_origin=False)
        for owner in zone.nodes:
            text = owner.to_text()
            if text.startswith("*."):
                text = "filled-in" + text[1:]
            out += [text, text.rstrip(".")]
            relative = owner.relativize(dns.name.from_text("test.")).to_text() if owner.is_subdomain(
                dns.name.from_text("test.")) else None
            if relative and relative != "@":
                out.append(relative)
    return out


NAMES: list[str | bytes] = [
    *_zone_names(), *(bulk_name(i) for i in range(0, 2000, 5)), "fromfile.test", "filealias", "localhost",
    "nosuch.test", "h00042", "h00042.bulk", "127.1", "::1", "bad..name", "x" * 300, "bücher.test", "MiXeD.CaSe.test",
    b"indns.test", b"\xff.test", "x" * 64 + ".test", "indns.test.", "*", "",
]


CONFIGS = {
    "plain": {},
    "search": {"search": ["bulk.test", "test"], "options": ("timeout:1", "attempts:1", "ndots:2")},
    "search-root-first": {"search": [".", "test"], "options": ("timeout:1", "attempts:1")},
    "edns-trust-ad": {"options": ("timeout:1", "attempts:1", "edns0", "trust-ad")},
    "ndots-0": {"search": ["test"], "options": ("timeout:1", "attempts:1", "ndots:0")},
}


def full_path_outcome(r: Any, name: str | bytes, port: object, family: int, socktype: int) -> dict[str, Any]:
    """getaddrinfo's outcome by the full path alone (``Resolver.resolve`` never takes a lane)."""
    return outcome(lambda *a: to_tuples(r.resolve(*a)), name, port, family, socktype)
