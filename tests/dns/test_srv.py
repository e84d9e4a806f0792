"""SRV records: netdb.resolve_srv and `lookup srv` / `lookup serv --domain` against Knot and the fault responder.

The zone (fixtures/dns/test.zone) has ``_xmpp-client._tcp.test`` with
priority 10 (weights 60/30/10/0), 20 (``srv-hostsonly.test``, a name only
in these tests' hosts file) and 30 (``nodata.test``, no address);
``_xmpp-server._tcp.test`` with a lone "." target; ``_sip._udp.test``.
"""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dns.rdatatype
import pytest

import netdb
from netdb.srv import SrvRecord, rfc2782_order
from support import faultdns as f
from support.faultdns import FaultServer
from support.knot import KnotServer
from support.netdb_dns import DEFAULT_HOSTS, resolver_for

pytestmark = pytest.mark.dns

ROOT = Path(__file__).resolve().parents[2]
Fault = Callable[..., FaultServer]
XMPP = "_xmpp-client._tcp.test"
HOSTS = DEFAULT_HOSTS + "192.0.2.175\tsrv-hostsonly.test\n"
SWITCH = "hosts: files dns\n"


@pytest.fixture
def r(knot: KnotServer, tmp_path: Path) -> netdb.Resolver:
    return resolver_for(knot, tmp_path, nsswitch=SWITCH, hosts=HOSTS, search=["test"])


def knot_records(knot: KnotServer, name: str) -> list[SrvRecord]:
    """The SRV records as Knot sends them (read with dnspython), in answer order."""
    reply = knot.query(name, "SRV")
    out = []
    for rrset in reply.answer:
        if rrset.rdtype == dns.rdatatype.SRV:
            for rd in rrset:
                out.append(SrvRecord(rd.priority, rd.weight, rd.port, rd.target.to_text(omit_final_dot=True) or ".",
                                     rrset.ttl))
    return out


# -- the API -------------------------------------------------------------------------------------


def test_order_is_rfc2782_of_what_dns_holds(knot: KnotServer, r: netdb.Resolver) -> None:
    records = knot_records(knot, XMPP)
    assert len(records) == 6
    for seed in range(40):
        res = r.resolve_srv(XMPP, rng=seed)
        assert [t.record for t in res] == rfc2782_order(records, seed)
        assert [t.priority for t in res] == [10, 10, 10, 10, 20, 30]
        assert (res.name, res.qname, res.proto) == (XMPP, XMPP, "tcp")


def test_weighted_choice_over_many_seeds(r: netdb.Resolver) -> None:
    runs = 300
    first = Counter(r.resolve_srv(XMPP, rng=seed).targets[0].target for seed in range(runs))
    # weights 60/30/10/0 of 101 draws: srv-a about 59 %, srv-b 30 %, srv-c 10 %, srv-zero 1 %
    assert 0.49 < first["srv-a.test"] / runs < 0.69, first
    assert 0.21 < first["srv-b.test"] / runs < 0.39, first
    assert 0.04 < first["srv-c.test"] / runs < 0.17, first
    assert first["srv-zero.test"] < 0.04 * runs
    assert set(first) <= {"srv-a.test", "srv-b.test", "srv-c.test", "srv-zero.test"}


def test_targets_are_resolved_through_the_switch(r: netdb.Resolver, knot: KnotServer, tmp_path: Path) -> None:
    res = r.resolve_srv(XMPP, rng=3)
    by_target = {t.target: t for t in res}
    for t in res:
        if t.error is None:
            assert list(t.addrinfo) == r.getaddrinfo(t.target, t.port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    assert by_target["srv-a.test"].addresses == ["192.0.2.171", "2001:db8::171"]
    assert by_target["srv-c.test"].addresses == ["2001:db8::173"]
    assert by_target["srv-c.test"].port == 5223
    hosts_only = by_target["srv-hostsonly.test"]
    assert hosts_only.addrinfo == ((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.175", 5222)),)
    assert hosts_only.origins[0].endswith("hosts line 3")
    assert by_target["srv-a.test"].origins == ("dns", "dns")
    # a target with no address keeps getaddrinfo's error and its place
    nodata = by_target["nodata.test"]
    assert nodata.addrinfo == () and isinstance(nodata.error, netdb.gaierror)
    assert nodata.error.args == (-5, "No address associated with hostname")
    assert res.targets[-1] is nodata

    # the hosts file wins over DNS for a target, as for any getaddrinfo with "files dns"
    override = resolver_for(knot, tmp_path, nsswitch=SWITCH, hosts=HOSTS + "192.0.2.199 srv-a.test\n", name="o")
    assert {t.target: t.addresses for t in override.resolve_srv(XMPP)}["srv-a.test"] == ["192.0.2.199"]
    # DNS alone: the hosts-only target does not resolve
    dns_only = resolver_for(knot, tmp_path, nsswitch="hosts: dns\n", hosts=HOSTS, name="d")
    err = {t.target: t.error for t in dns_only.resolve_srv(XMPP)}["srv-hostsonly.test"]
    assert err is not None and err.args[0] == -2


def test_family_and_udp(r: netdb.Resolver) -> None:
    v4 = {t.target: t for t in r.resolve_srv(XMPP, family=socket.AF_INET)}
    assert v4["srv-a.test"].addresses == ["192.0.2.171"]
    assert v4["srv-c.test"].error is not None  # IPv6 only
    sip = r.resolve_srv("sip", proto="udp", domain="test")
    assert sip.name == "_sip._udp.test" and sip.proto == "udp"
    assert [ai[1:3] for ai in sip.targets[0].addrinfo] == [(socket.SOCK_DGRAM, 17)] * 2
    assert r.resolve_srv("_sip._udp.test").proto == "udp"  # taken from the name


def test_search_list_as_res_search(r: netdb.Resolver, knot: KnotServer, tmp_path: Path) -> None:
    res = r.resolve_srv("_xmpp-client._tcp", rng=1)  # one dot, ndots 1: as is (NXDOMAIN), then + ".test"
    assert (res.name, res.qname) == ("_xmpp-client._tcp", XMPP)
    assert [q.qname for q in res.queries] == ["_xmpp-client._tcp.", XMPP + "."]
    assert r.resolve_srv("xmpp-client", domain="test", rng=1).targets == res.targets
    # with a final dot, only the name as is
    with pytest.raises(netdb.SrvError) as info:
        r.resolve_srv("_xmpp-client._tcp.")
    assert info.value.reason == "nxdomain"
    # ndots 3: the search domain first
    deep = resolver_for(knot, tmp_path, search=["test"], options=["ndots:3", "timeout:1", "attempts:1"], name="n3")
    assert [q.qname for q in deep.resolve_srv(XMPP).queries] == [XMPP + ".test.", XMPP + "."]


@pytest.mark.parametrize(("name", "reason"), [
    ("_nosuch._tcp.test", "nxdomain"),
    ("nodata.test", "nodata"),
    ("_tcp.test", "nodata"),  # an empty non-terminal
    ("_xmpp-server._tcp.test", "unavailable"),
    ("a..test", "badname"),
])
def test_errors(r: netdb.Resolver, name: str, reason: str) -> None:
    with pytest.raises(netdb.SrvError) as info:
        r.resolve_srv(name)
    assert info.value.reason == reason and info.value.name == name
    assert not info.value.temporary
    assert str(info.value).startswith(name + ": ")


def test_server_failures(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"_s._tcp.test": f.SERVFAIL, "_r._tcp.test": f.REFUSED, "_d._tcp.test": f.Drop()})
    r = resolver_for(srv, tmp_path)
    for name, reason in (("_s._tcp.test", "servfail"), ("_r._tcp.test", "refused"), ("_d._tcp.test", "timeout")):
        with pytest.raises(netdb.SrvError) as info:
            r.resolve_srv(name)
        assert info.value.reason == reason
        assert info.value.temporary == (reason != "refused")
    assert len(r.resolve_srv(XMPP)) == 6  # the same server answers the others
    closed = netdb.Resolver(etc=r.etc, nameservers=[f"{srv.address}:9"])
    with pytest.raises(netdb.SrvError) as info:
        closed.resolve_srv(XMPP)
    assert info.value.reason == "unreachable"


def test_one_deadline_for_the_srv_query_and_the_targets(fault: Fault, fixture_records: f.Records,
                                                       tmp_path: Path) -> None:
    # the SRV answer comes at once, every target's lookup is dropped: the targets share what is left
    srv = fault(fixture_records, {"srv-a.test": f.Drop(), "srv-b.test": f.Drop(), "srv-c.test": f.Drop(),
                                  "srv-zero.test": f.Drop(), "srv-hostsonly.test": f.Drop(),
                                  "nodata.test": f.Drop(), "_d._tcp.test": f.Drop()})
    r = resolver_for(srv, tmp_path, options=["timeout:2", "attempts:2"])
    t0 = time.monotonic()
    with netdb.deadline(0.5):
        res = r.resolve_srv(XMPP)
    assert time.monotonic() - t0 < 1.5
    assert [t.error.args[0] if t.error else None for t in res] == [-3] * 6  # EAI_AGAIN, as getaddrinfo at a deadline
    capped = resolver_for(srv, tmp_path, timeout=0.4, name="capped")
    t0 = time.monotonic()
    with pytest.raises(netdb.SrvError) as info:
        capped.resolve_srv("_d._tcp.test")
    assert info.value.reason == "timeout" and time.monotonic() - t0 < 1.5


def test_module_function_uses_the_given_resolver(r: netdb.Resolver) -> None:
    assert netdb.resolve_srv(XMPP, rng=5, resolver=r).targets == r.resolve_srv(XMPP, rng=5).targets


# -- the CLI -------------------------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("NETDB_ETC", None)
    return env


def lookup(r: netdb.Resolver, knot: Any, *args: str) -> subprocess.CompletedProcess[bytes]:
    argv = [sys.executable, "-m", "netdb", "--etc", r.etc, "--nameserver", f"{knot.address}:{knot.port}", *args]
    return subprocess.run(argv, capture_output=True, env=cli_env(), timeout=60)


def lookup_tty(r: netdb.Resolver, knot: Any, *args: str) -> tuple[int, str]:
    """Run lookup with its standard output on a terminal; (status, what the terminal showed)."""
    argv = [sys.executable, "-m", "netdb", "--etc", r.etc, "--nameserver", f"{knot.address}:{knot.port}", *args]
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdout=slave, stderr=subprocess.PIPE, env=cli_env())
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(master)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n")


def test_cli_lines(r: netdb.Resolver, knot: KnotServer) -> None:
    res = lookup(r, knot, "srv", XMPP, "--seed", "1")
    assert res.returncode == 0
    expected = []
    for t in r.resolve_srv(XMPP, rng=1):
        expected.append(" ".join([str(t.priority), str(t.weight), str(t.port), t.target, *t.addresses]))
    assert res.stdout.decode().splitlines() == expected
    assert "20 0 5222 srv-hostsonly.test 192.0.2.175" in expected
    assert expected[-1] == "30 5 5222 nodata.test"
    assert res.stderr == b"lookup: nodata.test: No address associated with hostname (EAI_NODATA)\n"
    # `serv NAME --domain` builds the same name
    same = lookup(r, knot, "serv", "xmpp-client", "--domain", "test", "--seed", "1")
    assert (same.returncode, same.stdout) == (0, res.stdout)
    udp = lookup(r, knot, "serv", "sip", "--proto", "udp", "--domain", "test", "--family", "4")
    assert (udp.returncode, udp.stdout) == (0, b"5 0 5060 srv-a.test 192.0.2.171\n")
    # without --domain, `serv` is still the services database
    plain = lookup(r, knot, "serv", "nosuchservice")
    assert plain.returncode == 2 and b"not found in" in plain.stderr


def test_cli_json(r: netdb.Resolver, knot: KnotServer) -> None:
    res = lookup(r, knot, "--json", "srv", "_xmpp-client._tcp", "--seed", "2")
    assert res.returncode == 0
    doc = json.loads(res.stdout)
    assert set(doc) == {"name", "qname", "proto", "error", "targets"}
    assert (doc["name"], doc["qname"], doc["proto"], doc["error"]) == ("_xmpp-client._tcp", XMPP, "tcp", None)
    api = r.resolve_srv("_xmpp-client._tcp", rng=2)
    assert [t["target"] for t in doc["targets"]] == [t.target for t in api]
    by = {t["target"]: t for t in doc["targets"]}
    assert by["srv-a.test"] == {"priority": 10, "weight": 60, "port": 5222, "target": "srv-a.test", "ttl": 300,
                                "addresses": [{"address": "192.0.2.171", "family": "inet", "source": "dns"},
                                              {"address": "2001:db8::171", "family": "inet6", "source": "dns"}],
                                "error": None}
    assert by["srv-hostsonly.test"]["addresses"][0]["source"].endswith("hosts line 3")
    assert by["nodata.test"]["error"] == {"code": -5, "name": "EAI_NODATA",
                                          "message": "No address associated with hostname"}
    gone = lookup(r, knot, "--json", "srv", "_xmpp-server._tcp.test")
    assert gone.returncode == 2
    assert json.loads(gone.stdout)["error"] == {
        "reason": "unavailable", "temporary": False,
        "message": 'the service is decidedly not available at this domain (SRV target ".")'}


def test_cli_table_on_a_terminal(r: netdb.Resolver, knot: KnotServer) -> None:
    status, shown = lookup_tty(r, knot, "srv", "_xmpp-client._tcp", "--seed", "1")
    assert status == 0
    lines = shown.splitlines()
    assert lines[0].startswith(f"_xmpp-client._tcp  (found as {XMPP})")
    assert lines[1].split() == ["#", "priority", "weight", "port", "target", "address", "from"]
    rows = [line.split() for line in lines[3:]]
    order = [t.target for t in r.resolve_srv("_xmpp-client._tcp", rng=1)]
    assert [row[4] for row in rows if row[0].isdigit()] == order
    assert any(row[4:6] == ["srv-hostsonly.test", "192.0.2.175"] and row[6].endswith("hosts") for row in rows)
    assert ["2001:db8::171", "dns"] in rows  # srv-a's second address on its own row
    assert rows[-1] == ["6", "30", "5", "5222", "nodata.test", "-", "No", "address", "associated", "with",
                        "hostname", "(EAI_NODATA)"]


@pytest.mark.parametrize(("args", "status", "message"), [
    (("srv", "_nosuch._tcp.test"), 2, "lookup: _nosuch._tcp.test: no such name (NXDOMAIN)\n"),
    (("srv", "nodata.test"), 2, "lookup: nodata.test: the name has no SRV records (NODATA)\n"),
    (("srv", "_xmpp-server._tcp.test"), 2,
     'lookup: _xmpp-server._tcp.test: the service is decidedly not available at this domain (SRV target ".")\n'),
    (("srv", "a..b"), 64, "lookup: a..b: not a valid domain name (nothing was sent)\n"),
    (("srv", XMPP, "--family", "5"), 64, "lookup: --family must be 4, 6 or any, not '5'\n"),
    (("serv", "53", "--domain", "test"), 64, "lookup: --domain needs a service name, not the port '53'\n"),
    (("serv", "a.b", "--domain", "test"), 64, "lookup: a service or protocol name has no dots: 'a.b', 'tcp'\n"),
    (("serv", "xmpp-client", "--seed", "3"), 64, "lookup: --seed needs --domain (it is for SRV lookups)\n"),
])
def test_cli_errors(r: netdb.Resolver, knot: KnotServer, args: tuple[str, ...], status: int, message: str) -> None:
    res = lookup(r, knot, *args)
    assert (res.returncode, res.stdout, res.stderr.decode()) == (status, b"", message)


def test_cli_temporary_failures(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"_s._tcp.test": f.SERVFAIL, "_d._tcp.test": f.Drop(), "srv-a.test": f.Drop()})
    r = resolver_for(srv, tmp_path)
    res = lookup(r, srv, "srv", "_s._tcp.test")
    assert (res.returncode, res.stderr) == (75, b"lookup: _s._tcp.test: the name server failed (SERVFAIL)\n")
    t0 = time.monotonic()
    res = lookup(r, srv, "--timeout", "0.3", "--json", "srv", "_d._tcp.test")
    assert res.returncode == 75 and time.monotonic() - t0 < 5
    assert json.loads(res.stdout)["error"]["reason"] == "timeout"
    # the only target times out: no target resolved, and that was temporary
    res = lookup(r, srv, "srv", "_sip._udp.test")
    assert res.returncode == 75
    assert res.stdout == b"5 0 5060 srv-a.test\n"
    assert res.stderr == b"lookup: srv-a.test: Temporary failure in name resolution (EAI_AGAIN)\n"


def test_cli_help_teaches_with_examples() -> None:
    for args in (("srv", "--help"), ("serv", "--help")):
        res = subprocess.run([sys.executable, "-m", "netdb", *args], capture_output=True, env=cli_env(), timeout=60)
        assert res.returncode == 0
        assert b"--domain" in res.stdout or b"_xmpp-client._tcp.example.com" in res.stdout
    res = subprocess.run([sys.executable, "-m", "netdb", "srv", "--help"], capture_output=True, env=cli_env(),
                         timeout=60)
    assert b"lookup srv _xmpp-client._tcp.example.com" in res.stdout and b"Exit status" in res.stdout
