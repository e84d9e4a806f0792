"""The DNS part of resolve_srv against glibc's own ``res_search(name, C_IN, T_SRV)``.

glibc has no SRV function, but it has ``res_search``, which is what the SRV
name goes through.  For each name (and resolv.conf: search list, ndots), glibc
runs in a private mount namespace pointed at Knot (or the fault responder) on
port 53; the name that answered and its SRV records, or ``h_errno`` on
failure, must be what ``resolve_srv`` finds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import pytest

import netdb
from support import faultdns as f
from support.faultdns import FaultServer
from support.glibc_dns import DnsEnv
from support.knot import KnotServer

pytestmark = pytest.mark.dns

# h_errno values (<netdb.h>)
H_ERRNO = {"nxdomain": 1, "servfail": 2, "timeout": 2, "unreachable": 2, "refused": 3, "nodata": 4}

GLIBC_SCRIPT = r"""
import ctypes, json, sys
import dns.message, dns.rdatatype
libc = ctypes.CDLL(None, use_errno=True)
libc.__h_errno_location.restype = ctypes.POINTER(ctypes.c_int)
out = []
for name in sys.argv[1:]:
    buf = ctypes.create_string_buffer(65536)
    n = libc.res_search(name.encode(), 1, 33, buf, len(buf))
    if n < 0:
        out.append(["fail", libc.__h_errno_location()[0]])
        continue
    msg = dns.message.from_wire(buf.raw[:n])
    records = sorted([rd.priority, rd.weight, rd.port, rd.target.to_text(omit_final_dot=True) or "."]
                     for rrset in msg.answer if rrset.rdtype == dns.rdatatype.SRV for rd in rrset)
    out.append(["ok", msg.question[0].name.to_text(omit_final_dot=True), records])
print(json.dumps(out))
"""


def glibc_res_search(env: DnsEnv, names: list[str]) -> list[Any]:
    res = env.run([sys.executable, "-c", GLIBC_SCRIPT, *names], timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    result: list[Any] = json.loads(res.stdout)
    return result


def ours(r: netdb.Resolver, name: str) -> list[Any]:
    """resolve_srv's DNS outcome in the shape of the glibc script's."""
    try:
        got = r.resolve_srv(name)
    except netdb.SrvError as exc:
        if exc.reason == "unavailable":
            return ["ok", exc.qname, [[0, 0, 0, "."]]]
        if exc.reason == "nodata" and exc.qname is not None:  # an answer without SRV records (a CNAME)
            return ["ok", exc.qname, []]
        return ["fail", H_ERRNO[exc.reason]]
    return ["ok", got.qname, sorted([t.priority, t.weight, t.port, t.target] for t in got)]


NAMES = ["_xmpp-client._tcp", "_xmpp-client._tcp.test", "_xmpp-client._tcp.test.", "_sip._udp", "_sip._udp.test",
         "_xmpp-server._tcp.test", "_nosuch._tcp.test", "_nosuch._tcp", "nodata.test", "_tcp.test", "alias.test"]


@pytest.mark.parametrize("options", [["ndots:1"], ["ndots:3"], ["ndots:1", "no-tld-query"]])
def test_srv_names_as_glibc_res_search(knot53: KnotServer, glibc_env: Callable[..., DnsEnv],
                                       options: list[str]) -> None:
    env = glibc_env([knot53], search=["sub.test", "test"], options=[*options, "timeout:1", "attempts:1"])
    expected = glibc_res_search(env, NAMES)
    r = netdb.Resolver(etc=env.etc)
    assert [ours(r, name) for name in NAMES] == expected
    assert {e[0] for e in expected} == {"ok", "fail"}


def test_srv_search_through_failures_as_glibc(fault: Callable[..., FaultServer], fixture_records: f.Records,
                                              glibc_env: Callable[..., DnsEnv]) -> None:
    # SERVFAIL on the first search candidate: glibc goes on; REFUSED ends the search list
    srv = fault(fixture_records, {"_sip._udp.sub.test": f.SERVFAIL, "_xmpp-client._tcp.sub.test": f.REFUSED,
                                  "_nosuch._tcp.sub.test": f.SERVFAIL}, port=53)
    env = glibc_env([srv], search=["sub.test", "test"], options=["ndots:3", "timeout:1", "attempts:1"])
    names = ["_sip._udp", "_xmpp-client._tcp", "_nosuch._tcp", "_xmpp-server._tcp"]
    expected = glibc_res_search(env, names)
    r = netdb.Resolver(etc=env.etc)
    assert [ours(r, name) for name in names] == expected
    assert expected[0] == ["ok", "_sip._udp.test", [[5, 0, 5060, "srv-a.test"]]]
    assert expected[2] == ["fail", 2]  # TRY_AGAIN: a SERVFAIL, then NXDOMAINs
