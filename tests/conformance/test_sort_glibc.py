"""The address sort and AI_ADDRCONFIG against glibc, in the same network setup.

Each case runs one Python process inside a private namespace (fixture files
bind-mounted over /etc; a loopback-only network namespace, optionally with
extra addresses, or the host's network).  That process asks glibc
(``socket.getaddrinfo``) for names whose hosts lines hold many address mixes,
and computes netdb's order for the same addresses in file order, with netdb's
parse of the bind-mounted /etc/gai.conf and netdb's own netlink and probes.
Both answers come from the same kernel state, so they must agree exactly.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from support import glibc_ns

SRC = Path(__file__).resolve().parents[2] / "src"

# --- network setups ----------------------------------------------------------

# Like this machine's eth0, on a veth pair (only lo exists in a new netns).
_HOSTLIKE = """
ip link add v0 type veth peer name v1
ip link set v1 up; ip link set v0 up
ip addr add 192.0.2.2/24 dev v0
ip -6 addr add fd00::2/64 dev v0 nodad
ip route add default via 192.0.2.1
ip -6 route add default via fd00::1
"""
# Several IPv4 subnets of different lengths (rule 9 counts only inside the
# source's subnet) and global IPv6, so that glibc has interface information.
_SUBNETS = """
ip link add v0 type veth peer name v1
ip link set v1 up; ip link set v0 up
ip addr add 10.1.0.1/16 dev v0
ip addr add 10.2.3.1/24 dev v0
ip addr add 172.16.5.5/12 dev lo
ip addr add 192.0.2.2/25 dev v0
ip -6 addr add 2001:db8:1::2/48 dev v0 nodad
ip -6 addr add 2001:db8:2::2/64 dev lo
ip route add default via 10.1.0.254
ip -6 route add default via 2001:db8:1::1
"""
# Source addresses that are deprecated, home addresses or optimistic.
_FLAGS = """
ip -6 addr add fd01::9/64 dev lo preferred_lft 0
ip -6 addr add fd03::9/64 dev lo home
ip -6 addr add fd04::9/64 dev lo
ip -6 addr add 2001:db8:7::9/64 dev lo preferred_lft 0
ip -6 addr add 2001:db8:8::9/64 dev lo home
ip addr add 10.9.9.9/8 dev lo
"""
# glibc looks up an IPv4 source under 127/8 as 127.0.0.1, but only while its
# probe socket is still IPv4.  Without 127.0.0.1 that lookup fails: the source
# has no interface, which is "not native" for rule 7.
_LO_QUIRKS = (
    "ip addr del 127.0.0.1/8 dev lo; ip addr add 127.0.0.2/8 dev lo;"
    " ip addr add 10.9.9.9/8 dev lo; ip -6 addr add fd00::9/64 dev lo"
)
# ... and with a deprecated 127.1.0.2/16 the same lookup decides rule 3.
_LO_DEPRECATED = (
    "ip addr add 127.1.0.2/16 dev lo preferred_lft 0; ip addr add 10.9.9.9/8 dev lo;"
    " ip -6 addr add fd00::9/64 dev lo"
)
SETUPS: dict[str, tuple[bool, str | None]] = {
    "loopback-only": (True, None),
    "host-network": (False, None),
    "v4-extra": (True, "ip addr add 10.9.9.9/8 dev lo; ip addr add 127.0.0.2/8 dev lo"),
    "v6-extra": (True, "ip -6 addr add fd00::9/64 dev lo"),
    "host-like": (True, _HOSTLIKE),
    "subnets": (True, _SUBNETS),
    "flags": (True, _FLAGS),
    "lo-quirks": (True, _LO_QUIRKS),
    "lo-deprecated": (True, _LO_DEPRECATED),
}

# --- gai.conf variants ----------------------------------------------------------

GAI_CONFS: dict[str, str | None] = {
    "absent": None,
    "empty": "# only a comment\n\n",
    "v4-first": "precedence ::ffff:0:0/96 100\n",
    "v4-30": "precedence ::ffff:0:0/96 30\n",
    "precedence-full": (
        "precedence ::1/128 50\nprecedence ::/0 40\nprecedence 2002::/16 30\n"
        "precedence ::/96 20\nprecedence ::ffff:0:0/96 100\n"
    ),
    "rfc6724": (
        "precedence ::1/128 50\nprecedence ::/0 40\nprecedence ::ffff:0:0/96 35\nprecedence 2002::/16 30\n"
        "precedence 2001::/32 5\nprecedence fc00::/7 3\nprecedence ::/96 1\nprecedence fec0::/10 1\n"
        "precedence 3ffe::/16 1\n"
        "label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel 2002::/16 2\nlabel 2001::/32 5\n"
        "label fc00::/7 13\nlabel ::/96 3\nlabel fec0::/10 11\nlabel 3ffe::/16 12\n"
    ),
    "label-only": "label ::1/128 0\nlabel ::/0 1\n",
    "label-ula-global": "label ::/0 1\nlabel fc00::/7 1\nlabel 2001:db8::/32 1\n",
    "scopev4": "scopev4 ::ffff:10.0.0.0/104 5\nscopev4 192.0.2.0/24 2\n",
    "scopev4-stale-accept": "scopev4 10.0.0.0/8 7\nscopev4 192.0.2.10 1\n",
    "scopev4-stale-ignore": "scopev4 10.0.0.0/8 7\nscopev4 192.0.2.100 1\n",
    "scopev4-stale-junk": "scopev4 192.0.2.3/32 1\nscopev4 192.0.2.100 1 x\n",
    "junk": (
        "precedence bogus 100\nprecedence ::ffff:0:0/96 100 trailing junk\nprecedence ::/0\n"
        "label ::ffff:0:0 9\nPrecedence ::/0 1\nreload yes\n"
    ),
    "duplicates": "precedence ::/0 40\nprecedence ::/0 5\nprecedence ::ffff:0:0/96 45\nlabel ::/0 1\nlabel ::/0 7\n",
    "empty-bits": "precedence ::/ 40\nprecedence ::ffff:0:0/96 41\nscopev4 169.254.0.0/ 9\n",
}

# --- address mixes ---------------------------------------------------------------

NAMES: dict[str, list[str]] = {
    "s-global": ["192.0.2.100", "2001:db8::100"],
    "s-priv": ["10.0.0.100", "fd00::100"],
    "s-loop": ["127.0.0.100", "::1"],
    "s-v4": ["192.0.2.100", "127.0.0.1", "10.0.0.1", "172.16.0.1", "169.254.1.1", "100.64.0.1", "203.0.113.8", "192.0.2.3"],
    "s-v6": ["2001:db8::1", "fd00::1", "fe80::1", "::1", "2002:c000:201::1", "2001::1", "::ffff:1.2.3.4",
             "fec0::1", "3ffe::1", "::1.2.3.4", "fd00::2:1"],
    "s-all": ["203.0.113.8", "192.0.2.100", "10.0.0.1", "127.0.0.1", "169.254.1.1", "2001:db8::1", "fd00::1",
              "fe80::1", "::1", "2002:c000:201::1", "::ffff:1.2.3.4"],
    "localhost": ["127.0.0.1", "::1"],
    "loops": ["127.0.0.128", "127.0.0.3", "127.0.0.1", "127.0.0.2", "::ffff:127.0.0.1", "::1"],
    "dups": ["10.0.0.1", "2001:db8::1", "10.0.0.1", "::1", "2001:db8::1", "127.0.0.1", "127.0.0.1"],
    "mapped": ["::ffff:192.0.2.100", "192.0.2.100", "::ffff:127.0.0.1", "127.0.0.1", "::ffff:10.1.2.3"],
    "unspec": ["::", "0.0.0.0", "::1", "127.0.0.1"],
    "multicast": ["224.0.0.1", "ff02::1", "ff05::1", "ff0e::1", "239.1.2.3", "ff01::1", "192.0.2.100"],
    "bcast": ["255.255.255.255", "192.0.2.255", "192.0.2.100", "10.255.255.255"],
    "teredo-6to4": ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "2002:c000:202::1", "2001:db8::5", "192.0.2.5"],
    "site-local": ["fec0::1", "fec0:1::2", "fd00::5", "10.0.0.5", "fe80::5"],
    "subnet-v4": ["10.1.200.9", "10.2.3.77", "10.2.3.2", "10.2.4.1", "10.1.0.2", "172.16.5.6", "172.31.0.1",
                  "192.0.2.3", "192.0.2.200", "192.0.2.1", "8.8.4.4", "10.9.9.10", "10.9.0.1"],
    "subnet-v6": ["2001:db8:2::1", "2001:db8:1::99", "2001:db8:1:ffff::1", "2001:db8:9::1", "2001:db9::1",
                  "2001:db8:2:0:8000::1", "fd00::77", "fd00:0:0:1::1"],
    "flags": ["fd01::9", "fd03::9", "fd04::9", "fd01::20", "fd03::20", "2001:db8:7::9", "2001:db8:8::9",
              "2001:db8:7::1", "2001:db8:8::1", "10.9.9.9", "10.9.0.1"],
    "lo-v4": ["127.0.0.5", "10.9.9.9"],
    "lo-v6-first": ["fd00::9", "127.0.0.5", "10.9.9.9"],
    "lo-v6-last": ["127.0.0.5", "10.9.9.9", "::1"],
    "lo-dep-v4": ["127.1.0.5", "10.9.9.9"],
    "lo-dep-v6-first": ["::1", "127.1.0.5", "10.9.9.9"],
    "tie-v4-v6": ["::ffff:10.2.3.9", "10.2.3.8", "::ffff:10.2.3.7", "10.2.3.2", "::ffff:192.0.2.9", "192.0.2.8",
                  "10.1.1.1", "::ffff:10.1.1.2"],
}

_POOL = sorted({a for addrs in NAMES.values() for a in addrs} | {
    "192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1", "10.9.9.9", "fd00::9", "2001:db8:1::2", "203.0.113.7",
    "198.51.100.3", "2001:db8:1:2::3", "fd12:3456::1", "100.64.1.1", "::ffff:203.0.113.8", "::ffff:169.254.3.3",
})


def _random_names(count: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    out = {}
    for k in range(count):
        n = rng.randint(2, 14)
        out[f"r{k}"] = [rng.choice(_POOL) for _ in range(n)]
    return out


ALL_NAMES = {**NAMES, **_random_names(60, 6724)}

# --- the in-namespace evaluator ------------------------------------------------------

_EVALUATOR = r'''
import json, os, socket, sys
from netdb.addrsort import sort_destinations
from netdb.files.gaiconf import parse_gai_conf
from netdb.interfaces import configured_families, snapshot

job = json.load(sys.stdin)
try:
    with open("/etc/gai.conf", encoding="utf-8", errors="surrogateescape") as f:
        conf = parse_gai_conf(f.read())
except FileNotFoundError:
    conf = parse_gai_conf(None)

def dest(text):
    fam = socket.AF_INET6 if ":" in text else socket.AF_INET
    return (fam, socket.inet_pton(fam, text), 0)

out = {"names": {}, "families": list(configured_families()), "sort_info": snapshot().sort_info_available}
for name, addrs in job["names"].items():
    row = {}
    for socktype in job["socktypes"]:
        try:
            res = socket.getaddrinfo(name, None, type=socktype)
            glibc = [a[4][0] for a in res]
        except socket.gaierror as e:
            glibc = ["error", e.args[0]]
        per = 1 if socktype else 3  # glibc makes one entry per socktype
        entries = [dest(a) for a in addrs for _ in range(per)]
        order = sort_destinations(entries, conf) if len(addrs) > 1 else list(range(len(entries)))
        ours = [addrs[i // per] for i in order]
        row[str(socktype)] = {"glibc": glibc, "ours": ours}
    out["names"][name] = row
probes = {}
for fam in ("AF_INET", "AF_INET6"):
    try:
        socket.getaddrinfo("dual", None, getattr(socket, fam), socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
        probes[fam] = True
    except socket.gaierror:
        probes[fam] = False
out["glibc_families"] = [probes["AF_INET"], probes["AF_INET6"]]
json.dump(out, sys.stdout)
'''


def _hosts(names: dict[str, list[str]]) -> str:
    lines = [f"{a} {name}" for name, addrs in names.items() for a in addrs]
    return "\n".join([*lines, "192.0.2.10 dual", "2001:db8::10 dual"]) + "\n"


def _run(
    network: tuple[bool, str | None], gai: str | None, names: dict[str, list[str]], socktypes: list[int]
) -> dict[str, object]:
    netns, snippet = network
    files: dict[str, str] = {"hosts": _hosts(names), "nsswitch.conf": "hosts: files\n", "host.conf": "multi on\n"}
    absent: list[str] = []
    if gai is None:
        absent.append("gai.conf")
    else:
        files["gai.conf"] = gai
    res = glibc_ns.run(
        files, [sys.executable, "-c", _EVALUATOR], absent=absent, netns=netns, setup=snippet,
        env={"PYTHONPATH": str(SRC)}, stdin=json.dumps({"names": names, "socktypes": socktypes}).encode(),
    )
    if res.returncode != 0:
        raise AssertionError(f"evaluator failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return json.loads(res.stdout)  # type: ignore[no-any-return]


_TOTALS = {"agree": 0, "compared": 0}


@pytest.mark.glibc
@pytest.mark.parametrize("gai", sorted(GAI_CONFS))
@pytest.mark.parametrize("setup", list(SETUPS))
def test_sort_matches_glibc(glibc: object, setup: str, gai: str) -> None:
    out = _run(SETUPS[setup], GAI_CONFS[gai], ALL_NAMES, [1])
    rows = out["names"]
    assert isinstance(rows, dict)
    bad = {n: r["1"] for n, r in rows.items() if r["1"]["glibc"] != r["1"]["ours"]}
    _TOTALS["compared"] += len(rows)
    _TOTALS["agree"] += len(rows) - len(bad)
    print(f"\n[{setup} / {gai}] {len(rows) - len(bad)}/{len(rows)} orders agree with glibc")
    assert not bad, json.dumps(bad, indent=1)


@pytest.mark.glibc
@pytest.mark.parametrize("setup", ["loopback-only", "host-network", "subnets"])
def test_sort_all_socktypes_matches_glibc(glibc: object, setup: str) -> None:
    """Three entries per address (socktype 0): glibc sorts the entries, not the addresses."""
    out = _run(SETUPS[setup], None, ALL_NAMES, [0])
    rows = out["names"]
    assert isinstance(rows, dict)
    bad = {n: r["0"] for n, r in rows.items() if r["0"]["glibc"] != r["0"]["ours"]}
    print(f"\n[{setup} / socktype 0] {len(rows) - len(bad)}/{len(rows)} orders agree with glibc")
    assert not bad, json.dumps(bad, indent=1)


_ADDRCONFIG_SETUPS: dict[str, tuple[bool, str | None]] = {
    "loopback-only": (True, None),
    "host-network": (False, None),
    "127.0.0.2": (True, "ip addr add 127.0.0.2/8 dev lo"),
    "127.0.0.1/32 twice": (True, "ip addr add 127.0.0.1/32 dev lo"),
    "10.9.9.9": (True, "ip addr add 10.9.9.9/8 dev lo"),
    "fe80::9": (True, "ip -6 addr add fe80::9/64 dev lo"),
    "fd00::9": (True, "ip -6 addr add fd00::9/64 dev lo"),
    "::1 removed": (True, "ip -6 addr del ::1/128 dev lo"),
    "v4 on a down link": (True, "ip link add v0 type veth peer name v1; ip addr add 10.9.9.9/8 dev v0"),
    "v4 peer 127.0.0.1": (True, "ip link add v0 type veth peer name v1; ip addr add 10.9.9.9 peer 127.0.0.1 dev v0"),
    "v6 tentative": (True, "ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up; ip -6 addr add fd00::7/64 dev v0"),
}


@pytest.mark.glibc
@pytest.mark.parametrize("setup", list(_ADDRCONFIG_SETUPS))
def test_addrconfig_families_match_glibc(glibc: object, setup: str) -> None:
    """configured_families() says what glibc's AI_ADDRCONFIG check concluded."""
    out = _run(_ADDRCONFIG_SETUPS[setup], None, {"x": ["127.0.0.1", "::1"]}, [1])
    print(f"\n[{setup}] glibc (v4, v6) = {out['glibc_families']}, netdb = {out['families']}")
    assert out["families"] == out["glibc_families"]


@pytest.mark.glibc
@pytest.mark.parametrize("line", ["scopev4 192.0.2.100 1", "scopev4 ::ffff:192.0.2.100 1"])
def test_glibc_crashes_on_first_scopev4_without_bits(glibc: object, line: str) -> None:
    """The crash netdb's diagnostic warns about is real (glibc 2.36 on this machine)."""
    from netdb.files.gaiconf import parse_gai_conf

    files = {"hosts": "192.0.2.100 v\n127.0.0.1 v\n", "nsswitch.conf": "hosts: files\n",
             "host.conf": "multi on\n", "gai.conf": line + "\n"}
    res = glibc_ns.run(files, [sys.executable, "-c", "import socket; socket.getaddrinfo('v', None)"])
    assert res.returncode == -11  # SIGSEGV
    diags = parse_gai_conf(line + "\n").diagnostics
    assert any("SIGSEGV" in d.reason for d in diags)
