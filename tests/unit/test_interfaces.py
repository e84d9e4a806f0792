"""netdb.interfaces: the netlink dump agrees with `ip -j` and /proc, and the cache invalidates."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from netdb import interfaces
from netdb.interfaces import InterfaceAddress, InterfaceSnapshot, Link
from support import glibc_ns

SRC = Path(__file__).resolve().parents[2] / "src"
_FAMILY = {"inet": socket.AF_INET, "inet6": socket.AF_INET6}
_IP_FLAGS = ("deprecated", "home", "nodad", "tentative", "optimistic", "temporary", "secondary", "noprefixroute")


def _ip_json(*args: str) -> list[dict[str, object]]:
    if shutil.which("ip") is None:
        pytest.skip("needs the ip command")
    return json.loads(subprocess.run(["ip", "-j", *args], check=True, capture_output=True).stdout)  # type: ignore[no-any-return]


def _from_ip(doc: list[dict[str, object]]) -> set[tuple[object, ...]]:
    out: set[tuple[object, ...]] = set()
    for link in doc:
        for a in link["addr_info"]:  # type: ignore[attr-defined]
            shown = a.get("address", a["local"])  # the peer when there is one, as glibc uses
            flags = tuple(f for f in _IP_FLAGS if a.get(f))
            out.add((_FAMILY[a["family"]], shown, a["prefixlen"], link["ifindex"], a.get("label", link["ifname"]),
                     a["scope"], flags, a.get("dynamic", False)))
    return out


def _from_netdb(snap: InterfaceSnapshot) -> set[tuple[object, ...]]:
    out: set[tuple[object, ...]] = set()
    for a in snap.addresses:
        flags = tuple(f for f in _IP_FLAGS if f in a.flag_names)
        out.add((a.family, socket.inet_ntop(a.family, a.address), a.prefixlen, a.index, a.name, a.scope_name,
                 flags, "permanent" not in a.flag_names))
    return out


def test_dump_matches_ip_addr() -> None:
    snap = interfaces.dump()
    assert snap.ok
    assert _from_netdb(snap) == _from_ip(_ip_json("addr"))


def test_links_match_ip_link() -> None:
    snap = interfaces.dump()
    doc = _ip_json("link")
    assert {(k.index, k.name) for k in snap.links.values()} == {(d["ifindex"], d["ifname"]) for d in doc}
    for d in doc:
        link = snap.links[d["ifindex"]]  # type: ignore[index]
        if d.get("link_type") in ("loopback", "ether", "none"):
            assert link.type_name == d["link_type"]
        assert link.up == ("UP" in d["flags"])  # type: ignore[operator]
        assert link.native


_PROC_SCOPE = {0x00: 0, 0x10: 254, 0x20: 253, 0x40: 200}


def test_ipv6_dump_matches_proc_if_inet6() -> None:
    proc = Path("/proc/net/if_inet6")
    if not proc.exists():
        pytest.skip("no /proc/net/if_inet6 (IPv6 disabled?)")
    expected = set()
    for line in proc.read_text().splitlines():
        hexaddr, index, plen, scope, flags, name = line.split()
        expected.add((bytes.fromhex(hexaddr), int(index, 16), int(plen, 16), _PROC_SCOPE.get(int(scope, 16), -1),
                      int(flags, 16) & 0xFF, name))
    snap = interfaces.dump()
    got = {(a.address, a.index, a.prefixlen, a.scope, a.flags & 0xFF, a.name)
           for a in snap.addresses if a.family == socket.AF_INET6}
    assert got == expected


def test_configured_families_follow_glibcs_rule() -> None:
    addrs = {(a["family"], a["local"]) for link in _ip_json("addr") for a in link["addr_info"]}  # type: ignore[attr-defined]
    has4 = any(f == "inet" and a != "127.0.0.1" for f, a in addrs)
    has6 = any(f == "inet6" and a != "::1" for f, a in addrs)
    assert interfaces.configured_families() == (has4, has6)
    assert interfaces.snapshot().sort_info_available == has6


def test_snapshot_is_cached_and_cheap() -> None:
    first = interfaces.snapshot()
    assert interfaces.snapshot() is first
    interfaces.invalidate()
    assert interfaces.snapshot() is not first


def test_probe_cache_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    snap = interfaces.snapshot()
    snap.probe_cache["x"] = 1
    monkeypatch.setattr(interfaces, "PROBE_CACHE_SECONDS", -1.0)
    assert interfaces.snapshot() is snap
    assert "x" not in snap.probe_cache


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_gets_its_own_watcher() -> None:
    parent_snap = interfaces.snapshot()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (child)
        ok = interfaces._watcher is None and interfaces._current is None
        snap = interfaces.snapshot()
        ok = ok and snap.ok and snap is not parent_snap and interfaces._watcher is not None
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert interfaces.snapshot() is parent_snap


def test_netlink_unavailable_means_glibcs_pessimistic_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.socket

    def fake(family: int = -1, *args: object, **kw: object) -> socket.socket:
        if family == socket.AF_NETLINK:
            raise PermissionError(1, "Operation not permitted")
        return real(family, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "socket", fake)
    snap = interfaces.dump()
    assert not snap.ok
    assert snap.families == (True, True)
    assert not snap.sort_info_available
    assert snap.source_entry(bytes(15) + b"\1") is None
    interfaces.invalidate()
    monkeypatch.setattr(interfaces, "_watcher", None)
    fallback = interfaces.snapshot()
    assert not fallback.ok and interfaces.snapshot() is fallback  # reused for FALLBACK_SECONDS
    interfaces.invalidate()


def _addr(text: str, index: int, prefixlen: int = 64, flags: int = 0) -> InterfaceAddress:
    fam = socket.AF_INET6 if ":" in text else socket.AF_INET
    return InterfaceAddress(fam, socket.inet_pton(fam, text), prefixlen, index, f"if{index}", 0, flags)


def test_lookup_table_is_glibcs_bsearch() -> None:
    addrs = (_addr("fd00::1", 1), _addr("fe80::1", 2), _addr("fe80::1", 3), _addr("fe80::1", 4),
             _addr("10.0.0.1", 5, 8), _addr("::1", 1, 128))
    snap = InterfaceSnapshot(addrs, {})
    assert snap.families == (True, True)
    # Sorted: ::1, ::ffff:10.0.0.1, fd00::1, fe80::1 (if2), fe80::1 (if3), fe80::1 (if4);
    # bsearch for fe80::1 probes index 3 (if2) first and returns it.
    hit = snap.source_entry(socket.inet_pton(socket.AF_INET6, "fe80::1"))
    assert hit is not None and hit.index == 2
    v4 = snap.source_entry(bytes(10) + b"\xff\xff" + bytes([10, 0, 0, 1]))
    assert v4 is not None and v4.prefixlen == 8


def test_no_lookup_table_without_ipv6() -> None:
    snap = InterfaceSnapshot((_addr("127.0.0.1", 1, 8), _addr("10.0.0.1", 2, 8), _addr("::1", 1, 128)), {})
    assert snap.families == (True, False)
    assert not snap.sort_info_available
    assert snap.source_entry(bytes(10) + b"\xff\xff" + bytes([10, 0, 0, 1])) is None


def test_address_and_link_properties() -> None:
    a = _addr("fd00::9", 1, 64, interfaces.IFA_F_DEPRECATED | interfaces.IFA_F_HOMEADDRESS | interfaces.IFA_F_TEMPORARY)
    assert a.deprecated and a.home and a.temporary and not a.tentative and not a.optimistic
    assert a.flag_names == ("temporary", "home", "deprecated")
    assert a.text == "fd00::9/64"
    v4 = _addr("10.0.0.1", 1, 8, interfaces.IFA_F_SECONDARY)
    assert v4.flag_names == ("secondary",) and not v4.temporary
    assert v4.key16 == bytes(10) + b"\xff\xff\x0a\x00\x00\x01"
    assert a.scope_name == "global"
    assert not Link(5, "sit0", 776, 0).native
    assert not Link(5, "tun6", 769, 0).native
    assert Link(5, "tun0", 65534, 0x1).native and Link(5, "x", 65534, 0x1).up
    snap = InterfaceSnapshot((a,), {5: Link(5, "sit0", 776, 0)})
    assert not snap.native(5) and not snap.native(99) and snap.name(5) == "sit0" and snap.name(99) == ""


# --- in a private network namespace -----------------------------------------------------

_NS_SCRIPT = textwrap.dedent(r'''
    import json, subprocess, sys, time
    from netdb import interfaces

    def ip(*args):
        subprocess.run(["ip", *args], check=True)

    out = {}
    s1 = interfaces.snapshot()
    out["same"] = interfaces.snapshot() is s1
    out["families0"] = list(s1.families)
    ip("addr", "add", "10.9.9.9/8", "dev", "lo")
    s2 = interfaces.snapshot()
    out["changed_on_addr"] = s2 is not s1
    out["families1"] = list(s2.families)
    s2.probe_cache["x"] = 1
    ip("route", "add", "198.51.100.0/24", "dev", "lo")
    s3 = interfaces.snapshot()
    out["changed_on_route"] = s3 is not s2 and "x" not in s3.probe_cache
    ip("-6", "addr", "add", "fd01::9/64", "dev", "lo", "preferred_lft", "0")
    ip("-6", "addr", "add", "fd03::9/64", "dev", "lo", "home")
    ip("link", "add", "v0", "type", "veth", "peer", "name", "v1")
    ip("addr", "add", "10.7.7.7", "peer", "10.7.7.8/32", "dev", "v0")
    ip("-6", "addr", "add", "fd05::1", "peer", "fd05::2/128", "dev", "v0")
    s4 = interfaces.snapshot()
    out["netdb"] = [[a.family, a.address.hex(), a.local.hex() if a.local else None, a.prefixlen, a.index, a.name,
                     a.scope_name, list(a.flag_names)] for a in s4.addresses]
    out["families2"] = list(s4.families)
    out["ip"] = json.loads(subprocess.run(["ip", "-j", "addr"], check=True, capture_output=True).stdout)
    json.dump(out, sys.stdout)
''')


def test_in_a_namespace_cache_invalidation_flags_and_peers() -> None:
    glibc_ns.require()
    res = glibc_ns.run({}, [sys.executable, "-c", _NS_SCRIPT], env={"PYTHONPATH": str(SRC)})
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    out = json.loads(res.stdout)
    assert out["same"]
    assert out["families0"] == [False, False]
    assert out["changed_on_addr"] and out["families1"] == [True, False]
    assert out["changed_on_route"]
    assert out["families2"] == [True, True]
    got = {(f, a, local, p, i, n, s, tuple(fl)) for f, a, local, p, i, n, s, fl in out["netdb"]}
    # Point-to-point: glibc (and netdb's ``address``) use the peer, ``local`` is ours.
    assert (socket.AF_INET, "0a070708", "0a070707", 32, 3, "v0", "global", ("permanent",)) in got
    fd05 = [g for g in got if g[1] == socket.inet_pton(socket.AF_INET6, "fd05::2").hex()]
    assert len(fd05) == 1 and fd05[0][2] == socket.inet_pton(socket.AF_INET6, "fd05::1").hex()
    assert any(g[1].startswith("fd01") and "deprecated" in g[7] for g in got)
    assert any(g[1].startswith("fd03") and "home" in g[7] for g in got)
    # And everything agrees with `ip -j addr` in that namespace.
    expected = set()
    for link in out["ip"]:
        for a in link["addr_info"]:
            fam = _FAMILY[a["family"]]
            expected.add((fam, socket.inet_pton(fam, a.get("address", a["local"])).hex(), a["prefixlen"],
                          link["ifindex"], a.get("label", link["ifname"]), a["scope"],
                          tuple(f for f in _IP_FLAGS if a.get(f))))
    mine = {(f, a, p, i, n, s, tuple(x for x in _IP_FLAGS if x in fl)) for f, a, _l, p, i, n, s, fl in out["netdb"]}
    assert mine == expected


def test_snapshot_from_many_threads_at_once() -> None:
    """The change watcher is polled from any thread: a shared poll object raised RuntimeError."""
    import threading

    interfaces.snapshot()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        try:
            for _ in range(3000):
                interfaces.snapshot()
        except BaseException as exc:  # any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
