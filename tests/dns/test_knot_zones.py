"""Knot serves every fixture name as fixtures/dns/README.md says (asked with dnspython)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.reversename
import pytest

from support import knot as knotmod
from support import loopback
from support.knot import KnotServer

L63 = "l" * 63
MAXLEN = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 56]) + ".test"


def final(msg: dns.message.Message, rdtype: str) -> set[str]:
    """The rdata (as text) of every answer RRset of ``rdtype``."""
    t = dns.rdatatype.from_text(rdtype)
    return {rd.to_text() for rrset in msg.answer if rrset.rdtype == t for rd in rrset}


def cnames(msg: dns.message.Message) -> list[tuple[str, str]]:
    """(owner, target) of every CNAME in the answer, in order."""
    return [(rrset.name.to_text(), rd.target.to_text())
            for rrset in msg.answer if rrset.rdtype == dns.rdatatype.CNAME for rd in rrset]


def rcode(msg: dns.message.Message) -> str:
    return dns.rcode.to_text(msg.rcode())


# name, type, rcode, final records of that type, number of CNAMEs in the answer
ANSWERS = [
    ("indns.test", "A", "NOERROR", {"192.0.2.101"}, 0),
    ("indns.test", "AAAA", "NOERROR", {"2001:db8::101"}, 0),
    ("v4.test", "A", "NOERROR", {"192.0.2.104"}, 0),
    ("v4.test", "AAAA", "NOERROR", set(), 0),
    ("v6.test", "AAAA", "NOERROR", {"2001:db8::105"}, 0),
    ("v6.test", "A", "NOERROR", set(), 0),
    ("multi.test", "A", "NOERROR", {"192.0.2.111", "192.0.2.112"}, 0),
    ("multi.test", "AAAA", "NOERROR", {"2001:db8::111"}, 0),
    ("multi6.test", "AAAA", "NOERROR", {"2001:db8::121", "2001:db8::122"}, 0),
    ("MiXeD.CaSe.test", "A", "NOERROR", {"192.0.2.109"}, 0),
    ("mixed.case.test", "AAAA", "NOERROR", {"2001:db8::109"}, 0),
    ("MIXED.CASE.TEST", "A", "NOERROR", {"192.0.2.109"}, 0),
    ("ttl0.test", "A", "NOERROR", {"192.0.2.110"}, 0),
    ("nodata.test", "A", "NOERROR", set(), 0),
    ("nodata.test", "AAAA", "NOERROR", set(), 0),
    ("nodata.test", "TXT", "NOERROR", {'"this name exists but has no address records"'}, 0),
    ("nosuch.test", "A", "NXDOMAIN", set(), 0),
    ("nosuch.sub.test", "AAAA", "NXDOMAIN", set(), 0),
    ("test", "A", "NOERROR", set(), 0),
    ("alias.test", "A", "NOERROR", {"192.0.2.101"}, 1),
    ("alias2.test", "A", "NOERROR", {"192.0.2.101"}, 2),
    ("alias2.test", "AAAA", "NOERROR", {"2001:db8::101"}, 2),
    ("alias-v4.test", "AAAA", "NOERROR", set(), 1),
    ("cname-nodata.test", "A", "NOERROR", set(), 1),
    ("dangling.test", "A", "NXDOMAIN", set(), 1),
    ("dangling-out.test", "A", "NOERROR", set(), 1),
    ("loop1.test", "A", "NOERROR", set(), 2),
    ("loop2.test", "A", "NOERROR", set(), 2),
    ("selfloop.test", "A", "NOERROR", set(), 1),
    ("chain1.test", "A", "NOERROR", {"192.0.2.130"}, 1),
    ("chain2.test", "A", "NOERROR", {"192.0.2.130"}, 2),
    ("chain3.test", "AAAA", "NOERROR", {"2001:db8::130"}, 3),
    ("chain5.test", "A", "NOERROR", {"192.0.2.130"}, 5),
    # Knot puts at most 5 CNAMEs in one answer: longer chains end without an address.
    ("chain6.test", "A", "NOERROR", set(), 5),
    ("chain8.test", "A", "NOERROR", set(), 5),
    ("chain16.test", "A", "NOERROR", set(), 5),
    ("chain16-hop12.test", "A", "NOERROR", {"192.0.2.130"}, 4),
    ("anything.wild.test", "A", "NOERROR", {"192.0.2.140"}, 0),
    ("a.b.wild.test", "AAAA", "NOERROR", {"2001:db8::140"}, 0),
    ("exact.wild.test", "A", "NOERROR", {"192.0.2.141"}, 0),
    ("exact.wild.test", "AAAA", "NOERROR", set(), 0),
    ("wild.test", "A", "NOERROR", set(), 0),
    ("x.cwild.test", "AAAA", "NOERROR", {"2001:db8::101"}, 1),
    ("host1.sub.test", "A", "NOERROR", {"192.0.2.151"}, 0),
    ("host2.sub2.test", "A", "NOERROR", {"192.0.2.152"}, 0),
    ("host1.sub2.test", "A", "NXDOMAIN", set(), 0),
    ("both.sub.test", "A", "NOERROR", {"192.0.2.153"}, 0),
    ("both.sub2.test", "A", "NOERROR", {"192.0.2.154"}, 0),
    ("nodata.sub.test", "A", "NOERROR", set(), 0),
    ("x.y.sub.test", "A", "NOERROR", {"192.0.2.155"}, 0),
    ("y.sub.test", "A", "NOERROR", set(), 0),
    ("host1", "A", "NXDOMAIN", set(), 0),
    ("host1.", "A", "NXDOMAIN", set(), 0),
    ("nowhere.invalid", "A", "NXDOMAIN", set(), 0),
    ("localhost", "A", "NXDOMAIN", set(), 0),
    (f"{L63}.test", "A", "NOERROR", {"192.0.2.163"}, 0),
    (MAXLEN, "A", "NOERROR", {"192.0.2.164"}, 0),
    ("bad_name.test", "A", "NOERROR", {"192.0.2.97"}, 0),
    (r"bad\032name.test", "A", "NOERROR", {"192.0.2.96"}, 0),
    (r"ctl\010name.test", "A", "NOERROR", {"192.0.2.95"}, 0),
    (r"tab\009name.test", "A", "NOERROR", {"192.0.2.94"}, 0),
    (r"nul\000byte.test", "A", "NOERROR", {"192.0.2.93"}, 0),
    (r"caf\195\169.test", "A", "NOERROR", {"192.0.2.92"}, 0),
    (r"dot\.inlabel.test", "A", "NOERROR", {"192.0.2.90"}, 0),
    ("-lead.test", "A", "NOERROR", {"192.0.2.89"}, 0),
    ("ptr-one.test", "A", "NOERROR", {"192.0.2.91"}, 0),
    ("ptr-two.test", "A", "NOERROR", {"192.0.2.91"}, 0),
]

# address, PTR targets (Knot lowercases names in rdata: MiXeD.CaSe.test. comes back lower-case)
PTRS = [
    ("192.0.2.101", {"indns.test."}),
    ("192.0.2.104", {"v4.test."}),
    ("192.0.2.109", {"mixed.case.test."}),
    ("192.0.2.110", {"ttl0.test."}),
    ("192.0.2.111", {"multi.test."}),
    ("192.0.2.112", {"multi.test."}),
    ("192.0.2.130", {"target.test."}),
    ("192.0.2.141", {"exact.wild.test."}),
    ("192.0.2.151", {"host1.sub.test."}),
    ("192.0.2.152", {"host2.sub2.test."}),
    ("192.0.2.163", {f"{L63}.test."}),
    ("192.0.2.164", {MAXLEN + "."}),
    ("192.0.2.97", {"bad_name.test."}),
    ("192.0.2.96", {r"bad\032name.test."}),
    ("192.0.2.95", {r"ctl\010name.test."}),
    ("192.0.2.94", {r"tab\009name.test."}),
    ("192.0.2.93", {r"nul\000byte.test."}),
    ("192.0.2.92", {r"caf\195\169.test."}),
    ("192.0.2.91", {"ptr-one.test.", "ptr-two.test."}),
    ("192.0.2.90", {r"dot\.inlabel.test."}),
    ("192.0.2.89", {"-lead.test."}),
    ("192.0.2.88", {"classless.test."}),
    ("2001:db8::101", {"indns.test."}),
    ("2001:db8::105", {"v6.test."}),
    ("2001:db8::109", {"mixed.case.test."}),
    ("2001:db8::111", {"multi.test."}),
    ("2001:db8::121", {"multi6.test."}),
    ("2001:db8::122", {"multi6.test."}),
    ("2001:db8::130", {"target.test."}),
    ("2001:db8::97", {"bad_name.test."}),
    ("2001:db8::95", {r"ctl\010name.test."}),
]


@pytest.mark.dns
@pytest.mark.parametrize(("name", "rdtype", "want_rcode", "want", "n_cnames"), ANSWERS,
                         ids=[f"{n}/{t}" for n, t, *_ in ANSWERS])
def test_fixture_name_answers(knot: KnotServer, name: str, rdtype: str, want_rcode: str,
                              want: set[str], n_cnames: int) -> None:
    for tcp in (False, True):
        r = knot.query(name, rdtype, tcp=tcp)
        assert rcode(r) == want_rcode, r
        assert final(r, rdtype) == want, r
        assert len(cnames(r)) == n_cnames, r
        assert r.flags & dns.flags.AA
        assert not r.flags & dns.flags.TC


@pytest.mark.dns
@pytest.mark.parametrize(("address", "targets"), PTRS, ids=[a for a, _ in PTRS])
def test_fixture_ptrs(knot: KnotServer, address: str, targets: set[str]) -> None:
    r = knot.query(dns.reversename.from_address(address).to_text(), "PTR")
    assert rcode(r) == "NOERROR"
    assert final(r, "PTR") == targets


@pytest.mark.dns
@pytest.mark.parametrize("address", ["192.0.2.100", "192.0.2.99", "192.0.2.98", "2001:db8::100",
                                     "2001:db8::1"])
def test_ptr_nxdomain(knot: KnotServer, address: str) -> None:
    r = knot.query(dns.reversename.from_address(address).to_text(), "PTR")
    assert rcode(r) == "NXDOMAIN"


@pytest.mark.dns
def test_classless_ptr_goes_through_a_cname(knot: KnotServer) -> None:
    r = knot.query("88.2.0.192.in-addr.arpa", "PTR")
    assert cnames(r) == [("88.2.0.192.in-addr.arpa.", "88.sub28.2.0.192.in-addr.arpa.")]


@pytest.mark.dns
def test_answer_owner_echoes_query_case(knot: KnotServer) -> None:
    r = knot.query("MiXeD.CASE.test", "A")
    assert r.answer[0].name.to_text() == "MiXeD.CASE.test."
    wire = r.to_wire()
    assert b"\x05MiXeD\x04CASE\x04test\x00" in wire


@pytest.mark.dns
def test_ttl0(knot: KnotServer) -> None:
    assert knot.query("ttl0.test", "A").answer[0].ttl == 0
    assert knot.query("indns.test", "A").answer[0].ttl == 300


@pytest.mark.dns
def test_negative_answers_carry_the_soa(knot: KnotServer) -> None:
    nx = knot.query("nosuch.test", "A")
    assert [rr.name.to_text() for rr in nx.authority] == ["test."]
    assert nx.authority[0].rdtype == dns.rdatatype.SOA
    root = knot.query("nowhere.invalid", "A")
    assert [rr.name.to_text() for rr in root.authority] == ["."]


@pytest.mark.dns
def test_big_rrset_truncates_over_udp_and_comes_whole_over_tcp(knot: KnotServer) -> None:
    udp = knot.query("big.test", "A")
    assert udp.flags & dns.flags.TC
    assert udp.answer == []  # Knot sends an empty answer with TC
    tcp = knot.query("big.test", "A", tcp=True)
    assert final(tcp, "A") == {f"198.51.100.{i}" for i in range(1, 41)}
    assert len(tcp.to_wire()) > 512
    # with EDNS (Knot's 1232 bytes) the 40 A records fit; the 100 AAAA do not
    assert len(final(knot.query("big.test", "A", edns=True), "A")) == 40
    assert knot.query("big6.test", "AAAA", edns=True).flags & dns.flags.TC
    assert len(final(knot.query("big6.test", "AAAA", tcp=True), "AAAA")) == 100


@pytest.mark.dns
def test_dnspython_udp_with_fallback_gets_the_big_rrset(knot: KnotServer) -> None:
    import dns.query

    q = dns.message.make_query("big.test", "A", use_edns=False)
    r, used_tcp = dns.query.udp_with_fallback(q, knot.address, port=knot.port, timeout=2)
    assert used_tcp
    assert len(final(r, "A")) == 40


@pytest.mark.dns
@pytest.mark.parametrize("i", [0, 1, 4242, 9999])
def test_bulk_names(knot: KnotServer, i: int) -> None:
    name = knotmod.bulk_name(i)
    v4, v6 = knotmod.bulk_addresses(i)
    assert final(knot.query(name, "A"), "A") == {v4}
    assert final(knot.query(name, "AAAA"), "AAAA") == {v6}
    assert final(knot.query(dns.reversename.from_address(v4).to_text(), "PTR"), "PTR") == {name + "."}
    assert final(knot.query(dns.reversename.from_address(v6).to_text(), "PTR"), "PTR") == {name + "."}


@pytest.mark.dns
def test_bulk_zone_ends_where_it_should(knot: KnotServer) -> None:
    assert knotmod.bulk_name(0) == "h00000.bulk.test"
    assert knotmod.bulk_name(9999) == "h09999.bulk.test"
    assert rcode(knot.query(knotmod.bulk_name(knot.bulk), "A")) == "NXDOMAIN"


@pytest.mark.dns
def test_instance_token_identifies_this_server(knot: KnotServer) -> None:
    r = knot.query(knotmod.INSTANCE_NAME, "TXT", tcp=True)
    assert final(r, "TXT") == {f'"{knot.token}"'}


def _process_sockets(pid: int) -> list[tuple[str, str, int]]:
    """(proto, local address, port) of every inet socket the process holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        m = re.fullmatch(r"socket:\[(\d+)\]", str(fd.readlink()) if fd.is_symlink() else "")
        if m:
            inodes.add(m.group(1))
    out = []
    for proto in ("udp", "tcp", "udp6", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{proto}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                hexaddr, hexport = fields[1].split(":")
                raw = bytes.fromhex(hexaddr)
                if len(raw) == 4:
                    addr = ".".join(str(b) for b in raw[::-1])
                else:
                    import ipaddress

                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    addr = str(ipaddress.IPv6Address(words))
                out.append((proto, addr, int(hexport, 16)))
    return out


@pytest.mark.dns
def test_knotd_listens_on_loopback_only(knot: KnotServer) -> None:
    assert knot.pid is not None
    sockets = _process_sockets(knot.pid)
    assert {p[:3] for p, _, _ in sockets} >= {"udp", "tcp"}
    assert all(loopback.is_loopback(addr) for _, addr, _ in sockets), sockets
    assert {(addr, port) for _, addr, port in sockets} == {(knot.address, knot.port)}


@pytest.mark.dns
def test_a_second_server_in_parallel_gets_its_own_address(knot: KnotServer) -> None:
    """Two servers at once (as two test runs would start): separate addresses, own answers."""
    if knotmod.unavailable_reason() is not None:
        pytest.skip(knotmod.unavailable_reason())
    with KnotServer(bulk=0, ipv6=True, extra_zones={"extra.test.": (
            "@ SOA ns.test. hostmaster.test. 1 3600 900 604800 300\n@ NS ns.test.\n"
            "only-here A 192.0.2.222\n")}) as other:
        assert (other.address, other.port) != (knot.address, knot.port)
        assert other.token != knot.token
        assert final(other.query("only-here.extra.test", "A"), "A") == {"192.0.2.222"}
        assert rcode(knot.query("only-here.extra.test", "A")) == "NXDOMAIN"
        assert final(other.query("indns.test", "A", ipv6=True), "A") == {"192.0.2.101"}
        assert rcode(other.query(knotmod.bulk_name(0), "A")) == "NXDOMAIN"
        assert other.address6 == "::1"
        assert other.port6 is not None
    assert not other.running


@pytest.mark.dns
def test_parallel_starts_do_not_collide() -> None:
    reason = knotmod.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    servers = [KnotServer(bulk=0) for _ in range(3)]
    errors: list[BaseException] = []

    def start(s: KnotServer) -> None:
        try:
            s.start()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        assert len({(s.address, s.port) for s in servers}) == 3
        for s in servers:
            assert final(s.query(knotmod.INSTANCE_NAME, "TXT"), "TXT") == {f'"{s.token}"'}
    finally:
        for s in servers:
            s.stop()


@pytest.mark.dns
def test_start_failure_reports_knotd_log(tmp_path: Path) -> None:
    if knotmod.unavailable_reason() is not None:
        pytest.skip(knotmod.unavailable_reason())
    (tmp_path / "broken.zone").write_text("$ORIGIN broken.test.\n@ SOA ns. h. 1 2 3 4 5\nx CNAME a.\nx A 192.0.2.1\n")
    server = KnotServer(tmp_path, bulk=0, startup_timeout=3)
    with pytest.raises(knotmod.KnotError) as info:
        server.start()
    assert "knotd log" in str(info.value)
    assert not server.running


def test_readme_lists_every_fixture_owner() -> None:
    """Every owner name in the fixture zones is described in fixtures/dns/README.md."""
    readme = (knotmod.FIXTURES / "README.md").read_text()
    zone = knotmod.FIXTURES / "test.zone"
    owners = set()
    for line in zone.read_text().splitlines():
        if not line or line[0] in " \t;$@":
            continue
        owners.add(line.split()[0])
    missing = []
    for owner in sorted(owners):
        # chain hops and the long names are described by pattern
        if re.fullmatch(r"chain\d+-hop\d+", owner) or owner in (L63, MAXLEN[:-5]):
            continue
        if f"`{owner}" not in readme and f"{owner}." not in readme:
            missing.append(owner)
    assert not missing, f"not in fixtures/dns/README.md: {missing}"


def test_zone_origins() -> None:
    origins = {knotmod.zone_origin(p) for p in knotmod.FIXTURES.glob("*.zone")}
    assert origins == {".", "test.", "2.0.192.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."}
    assert dns.name.from_text(MAXLEN).to_text(omit_final_dot=True) == MAXLEN
    assert len(MAXLEN) == 253
