"""The hostile-server catalogue: each fault, the calls it is tried with, and where netdb deviates.

A ``Hostile`` entry names one misbehaviour of a DNS server (a ``faultdns``
behaviour, or records no sane server would hold).  ``server_rules`` and
``server_records`` give a fault its own ``FaultServer``: fault number *i*
owns the forward name ``<key>.h.test`` and the reverse name of
``192.0.2.<i+1>``.  ``calls`` gives the
socket-module calls a fault is tried with (forward: getaddrinfo AF_UNSPEC,
AF_INET, AF_INET6, AF_INET with AI_CANONNAME, gethostbyname,
gethostbyname_ex; reverse: gethostbyaddr, getnameinfo with and without
NI_NAMEREQD, then gethostbyaddr and getnameinfo of an IPv6 address).

Where glibc hangs, or where netdb deliberately answers otherwise, the entry's
``deviation`` says why in one line and ``ours`` gives netdb's documented
outcome per call label (``*`` for every call).  docs/hostile-dns.md is the
prose version of this table.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from support import faultdns as f

#: resolv.conf options for the whole catalogue: every lookup's schedule is timeout × attempts = 2 s.
TIMEOUT = 1
ATTEMPTS = 2
OPTIONS = (f"timeout:{TIMEOUT}", f"attempts:{ATTEMPTS}")
#: Seconds a netdb call may take beyond its lookups' schedule (a loaded machine, thread start-up).
MARGIN = 1.0
ZONE = "h.test"
#: The services file glibc and netdb both read (getnameinfo names port 80).
SERVICES = "http 80/tcp\n"

Call = tuple[str, tuple[Any, ...], dict[str, Any]]

AGAIN = {"error": "gaierror", "args": [-3, "Temporary failure in name resolution"]}
NONAME = {"error": "gaierror", "args": [-2, "Name or service not known"]}
NODATA = {"error": "gaierror", "args": [-5, "No address associated with hostname"]}
H_AGAIN = {"error": "herror", "args": [2, "Host name lookup failure"]}


def _gai(family: int, flags: int = 0) -> Callable[[str], Call]:
    return lambda name: ("getaddrinfo", (name, 80), {"family": family, "type": socket.SOCK_STREAM,
                                                      "flags": flags})


#: label → (builder from the name, DNS lookups the call makes: its deadline is lookups × timeout × attempts)
FORWARD: dict[str, tuple[Callable[[str], Call], int]] = {
    "gai/unspec": (_gai(socket.AF_UNSPEC), 1),
    "gai/inet": (_gai(socket.AF_INET), 1),
    "gai/inet6": (_gai(socket.AF_INET6), 1),
    "gai/inet+canon": (_gai(socket.AF_INET, socket.AI_CANONNAME), 1),
    "gethostbyname": (lambda n: ("gethostbyname", (n,), {}), 1),
    # CPython's gethostbyname_ex asks getaddrinfo first, then gethostbyname_r: two lookups.
    "gethostbyname_ex": (lambda n: ("gethostbyname_ex", (n,), {}), 2),
}
REVERSE: dict[str, tuple[Callable[[str], Call], int]] = {
    "gethostbyaddr": (lambda a: ("gethostbyaddr", (a,), {}), 1),
    "getnameinfo": (lambda a: ("getnameinfo", ((a, 80), 0), {}), 1),
    "getnameinfo/namereqd": (lambda a: ("getnameinfo", ((a, 80), socket.NI_NAMEREQD), {}), 1),
}
#: The same questions about an IPv6 address (a PTR query in ip6.arpa).
REVERSE6: dict[str, tuple[Callable[[str], Call], int]] = {
    "gethostbyaddr/v6": (lambda a: ("gethostbyaddr", (a,), {}), 1),
    "getnameinfo/v6": (lambda a: ("getnameinfo", ((a, 80, 0, 0), 0), {}), 1),
}


@dataclass(frozen=True)
class Hostile:
    """One hostile behaviour and how it is tried.

    ``behaviour`` applies to every query for the fault's names (forward and
    reverse, any type, both transports) unless ``only_qtype`` narrows it;
    ``records`` are served for the forward name (``{name}`` in keys and
    values is replaced by it) and ``ptr`` is served at the reverse name.
    ``kinds`` says which call families to try: ``forward``, ``reverse``.
    ``glibc_hangs``: glibc never returns (its calls run each in their own
    process, which is killed after the deadline plus a few seconds).
    ``deviation`` + ``ours``: netdb deliberately differs, and this is what it
    gives instead (call label or ``*`` → outcome).
    """

    key: str
    title: str
    behaviour: f.Behaviour | None = None
    records: Mapping[str, Mapping[str, str | list[str]]] = field(default_factory=dict)
    ptr: str | None = None
    kinds: tuple[str, ...] = ("forward", "reverse")
    only_qtype: str | None = None
    glibc_hangs: bool = False
    deviation: str = ""
    ours: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    """Call labels to try (empty: every label of the kinds)."""
    nsswitch: str = "hosts: files dns\n"
    """The hosts line glibc and netdb use for this fault."""
    hosts: str = ""
    """Lines added to the hosts file (after localhost)."""
    waits: int = 0
    """Timeouts glibc's schedule waits per lookup when not ``attempts`` (a half-answered pair:
    the normal round, then single-request, then single-request-reopen)."""
    tcp: bool = True
    """False: nothing listens on the hostile server's TCP port (connections are refused)."""
    failover: bool = False
    """A second, well-behaved server follows the hostile one in resolv.conf."""
    heavy: bool = False
    """Big answers (the responder spends CPU on each): tried apart from the faults whose timing matters."""
    shuffled: bool = False
    """Several addresses in one RRset, sent in a new random order each time: ``gethostbyname``'s
    single address is compared as "some address", not which one."""

    def name(self) -> str:
        """The forward name this fault owns."""
        return f"{self.key}.{ZONE}"

    def calls(self, index: int) -> list[tuple[str, Call, int]]:
        """(label, call, lookups) for every call this fault is tried with."""
        out: list[tuple[str, Call, int]] = []
        if "forward" in self.kinds:
            out += [(label, build(self.name()), n) for label, (build, n) in FORWARD.items()]
        if "reverse" in self.kinds:
            out += [(label, build(address(index)), n) for label, (build, n) in REVERSE.items()]
            out += [(label, build(address6(index)), n) for label, (build, n) in REVERSE6.items()]
        if self.labels:
            out = [c for c in out if c[0] in self.labels]
        return out

    def bound(self, lookups: int) -> float:
        """The seconds a call making ``lookups`` DNS lookups may take: its schedule plus ``MARGIN``.

        With two servers each round waits ``timeout`` for the first and
        ``max(1, (timeout << 1) / 2)`` for the second (glibc-behavior.md §8.4).
        """
        per_round = TIMEOUT + (max(1, (TIMEOUT << 1) // 2) if self.failover else 0)
        return lookups * (self.waits or ATTEMPTS) * per_round + MARGIN

    def expected_ours(self, label: str) -> dict[str, Any] | None:
        """netdb's documented outcome for ``label`` when this is a deviation, else None."""
        if not self.deviation:
            return None
        label = label.removesuffix("/v6")  # an IPv6 address is documented with its IPv4 twin
        return self.ours.get(label, self.ours.get("*"))


def address(index: int) -> str:
    """The reverse-lookup address of fault ``index``."""
    return f"192.0.2.{index + 1}"


def reverse_name(index: int) -> str:
    """The PTR query name of fault ``index``."""
    return f"{index + 1}.2.0.192.in-addr.arpa"


def address6(index: int) -> str:
    """The IPv6 reverse-lookup address of fault ``index``."""
    return f"2001:db8::{index + 1:x}"


def reverse_name6(index: int) -> str:
    """The ip6.arpa PTR query name of fault ``index``."""
    packed = socket.inet_pton(socket.AF_INET6, address6(index))
    return ".".join(f"{b & 15:x}.{b >> 4:x}" for b in reversed(packed)) + ".ip6.arpa"


def _fill(text: str, name: str) -> str:
    return text.replace("{name}", name)


def server_records(index: int, fault: Hostile) -> dict[str, dict[str, str | list[str]]]:
    """The records a fault's own server holds: its forward name, its PTR, a common target."""
    name = fault.name()
    out: dict[str, dict[str, str | list[str]]] = {
        ZONE: {"SOA": "ns.test. hostmaster.test. 1 3600 900 604800 300"},
        f"target.{ZONE}": {"A": "192.0.2.200", "AAAA": "2001:db8::200"},
    }
    if not fault.records:
        out[name] = {"A": "192.0.2.10", "AAAA": "2001:db8::10"}
    for owner, types in fault.records.items():
        node = out.setdefault(_fill(owner, name), {})
        for t, v in types.items():
            node[t] = _fill(v, name) if isinstance(v, str) else [_fill(x, name) for x in v]
    out[reverse_name(index)] = out[reverse_name6(index)] = {
        "PTR": fault.ptr if fault.ptr is not None else f"{name}."}
    return out


def server_rules(index: int, fault: Hostile) -> list[f.Rule]:
    """The fault's behaviour for its forward and reverse names (none: plain answers)."""
    if fault.behaviour is None:
        return []
    names = []
    if "forward" in fault.kinds:
        names.append(fault.name())
    if "reverse" in fault.kinds:
        names += [reverse_name(index), reverse_name6(index)]
    return [f.Rule(n, fault.behaviour, qtype=fault.only_qtype) for n in names]


def _chain(key: str, length: int) -> dict[str, dict[str, str | list[str]]]:
    """``length`` CNAMEs from the fault's name to ``target.h.test``."""
    return dict(f.cname_chain(f"{key}.{ZONE}", length, f"target.{ZONE}"))  # type: ignore[arg-type]


def _ptr(key: str, target: str, title: str) -> Hostile:
    return Hostile(key, title, ptr=target, kinds=("reverse",))


def _huge(key: str, count: int, title: str) -> Hostile:
    return Hostile(key, title, records={"{name}": {"A": f.huge_rrset(count), "AAAA": "2001:db8::10"}},
                   kinds=("forward",), shuffled=True, heavy=True)


CATALOGUE: list[Hostile] = [
    # -- replies that must be ignored (glibc waits for the real one) ------------------------------------
    Hostile("silence", "no reply at all", f.Drop()),
    Hostile("wrongid", "every reply carries another message id", f.WrongId()),
    Hostile("wrongid-then-right", "a wrong id first, the right reply 200 ms later",
            f.WrongId(correct_after_ms=200)),
    Hostile("otherport", "the reply comes from another source port", f.FromOtherPort()),
    Hostile("otheraddr", "the reply comes from another loopback address", f.FromOtherAddress()),
    Hostile("otherquestion", "the reply answers another name (same id)",
            f.OtherQuestion(f"target.{ZONE}")),
    Hostile("othertype", "the reply answers another type (same name, TXT)", None),  # rule built below
    Hostile("garbage", "64 random bytes after the right id", f.Garbage(64)),
    Hostile("garbage-noid", "64 random bytes (random id too)", f.Garbage(64, keep_id=False, seed=3)),
    Hostile("garbage-header", "12 random bytes after the right id (a header, nothing else)", f.Garbage(12)),
    Hostile("cut-question", "the reply cut inside the question (20 bytes)", f.Truncated(cut=20),
            deviation="glibc compares the question up to the end of its answer buffer, reading bytes the "
                      "reply never wrote (left from earlier calls); netdb reads them as zeros (a fresh "
                      "buffer): the question differs, the reply is ignored, the query times out",
            ours={"*": AGAIN, "gethostbyaddr": H_AGAIN}),
    Hostile("cut-header-only", "the reply cut right after the header (12 bytes)", f.Truncated(cut=12),
            deviation="as for cut-question: glibc reads the whole question from memory the reply never "
                      "wrote; netdb reads zeros, so the reply is ignored and the query times out",
            ours={"*": AGAIN, "gethostbyaddr": H_AGAIN}),
    Hostile("echo", "the query sent back as it came (QR clear, no answer)", f.Echo()),
    # -- half an answer: glibc retries the pair in single-request, then single-request-reopen mode ------
    Hostile("aaaa-silent", "the A query is answered, the AAAA query never", f.Drop(), only_qtype="AAAA",
            kinds=("forward",), waits=3),
    Hostile("a-silent", "the AAAA query is answered, the A query never", f.Drop(), only_qtype="A",
            kinds=("forward",), waits=3),
    Hostile("aaaa-wrongid", "the AAAA reply always carries a wrong id", f.WrongId(), only_qtype="AAAA",
            kinds=("forward",), waits=3),
    # -- replies that fail the query -------------------------------------------------------------------
    Hostile("garbage-short", "6 bytes: shorter than a DNS header", f.Garbage(6)),
    Hostile("cut-header", "the reply cut inside the header (8 bytes)", f.Truncated(cut=8)),
    Hostile("cut-answer", "the reply cut inside the last answer record", f.Truncated()),
    Hostile("cut-answer-fixed", "the reply cut inside the first answer's fixed part",
            f.Truncated(cut=-14)),
    # -- the same faults with a good second server: does glibc move on to it? -------------------------
    *[Hostile(f"fo-{key}", f"{title}; a good second server", behaviour, failover=True) for key, title, behaviour in (
        ("silence", "no reply", f.Drop()),
        ("wrongid", "a wrong id", f.WrongId()),
        ("garbage-short", "6 bytes", f.Garbage(6)),
        ("cut-header", "cut inside the header", f.Truncated(cut=8)),
        ("cut-answer", "cut inside the answer", f.Truncated()),
        ("echo", "the query sent back", f.Echo()),
        ("otherquestion", "another question answered", f.OtherQuestion(f"target.{ZONE}")),
        ("tc-close", "TC, then the TCP connection closed", f.ByTransport(udp=f.Tc(), tcp=f.Close())),
        ("tc-servfail", "TC, then SERVFAIL over TCP", f.ByTransport(udp=f.Tc(), tcp=f.SERVFAIL)),
        ("lame", "NOERROR, no answer, neither AA nor RA (a lame server)", f.Answer({"TXT": '"x"'}, aa=False)),
        ("lame-nx", "NXDOMAIN without AA", f.Answer({}, aa=False)),
    )],
    # -- TC and TCP ------------------------------------------------------------------------------------
    Hostile("tc-other", "TC on UDP, then a different answer over TCP",
            f.ByTransport(udp=f.Tc(then=f.Answer({"A": "192.0.2.66", "AAAA": "2001:db8::66"})),
                          tcp=f.Answer({"A": "192.0.2.77", "AAAA": "2001:db8::77"})),
            ptr="tcp-answer.test."),
    Hostile("tc-partial", "TC on UDP with one record kept, the full answer over TCP",
            f.ByTransport(udp=f.Tc(partial=1), tcp=f.Answer()),
            records={"{name}": {"A": ["192.0.2.11", "192.0.2.12"], "AAAA": "2001:db8::11"}}, shuffled=True),
    Hostile("tc-close", "TC on UDP, then the TCP connection closed unanswered",
            f.ByTransport(udp=f.Tc(), tcp=f.Close())),
    Hostile("tc-servfail", "TC on UDP, then SERVFAIL over TCP", f.ByTransport(udp=f.Tc(), tcp=f.SERVFAIL)),
    Hostile("tc-no-tcp", "TC on UDP, and TCP connections refused", f.Tc(), tcp=False),
    Hostile("fo-tc-no-tcp", "TC on UDP, and TCP connections refused; a good second server", f.Tc(),
            tcp=False, failover=True),
    Hostile("tc-tcp-garbage", "TC on UDP, then garbage over TCP",
            f.ByTransport(udp=f.Tc(), tcp=f.Garbage(40))),
    Hostile("tc-tcp-wrongid", "TC on UDP, then a reply with a wrong id over TCP (and nothing else)",
            f.ByTransport(udp=f.Tc(), tcp=f.WrongId()), glibc_hangs=True,
            deviation="glibc skips the TCP reply with the wrong id and waits for another for ever; netdb "
                      "gives up after the server's per-try timeout",
            ours={"*": AGAIN, "gethostbyaddr": H_AGAIN}),
    Hostile("tc-silent", "TC on UDP, then a TCP server that never answers",
            f.ByTransport(udp=f.Tc(), tcp=f.Drop()), glibc_hangs=True,
            deviation="glibc's TCP read has no timeout and blocks for ever; netdb gives up after the "
                      "server's per-try timeout (resolv.conf timeout) and reports a timeout",
            ours={"*": AGAIN, "gethostbyaddr": H_AGAIN}),
    # -- huge answers ----------------------------------------------------------------------------------
    _huge("huge1000", 1000, "1000 A records (16 kB over TCP)"),
    _huge("huge1362", 1362, "1362 A records"),
    _huge("huge1363", 1363, "1363 A records"),
    _huge("huge1400", 1400, "1400 A records"),
    _huge("huge4000", 4000, "4000 A records (64 kB: the largest TCP message)"),
    _huge("huge5000", 5000, "5000 A records: over 64 KiB, so the TCP reply keeps the 4093 that fit and sets TC"),
    Hostile("huge-dns-files", "1400 A records with `hosts: dns files` and the name in the hosts file",
            records={"{name}": {"A": f.huge_rrset(1400)}}, kinds=("forward",), shuffled=True, heavy=True,
            nsswitch="hosts: dns files\n", hosts="192.0.2.99 huge-dns-files.h.test\n"),
    # -- CNAMEs ----------------------------------------------------------------------------------------
    Hostile("loop", "a two-name CNAME loop", records={
        "{name}": {"CNAME": "loop-b.{name}."}, "loop-b.{name}": {"CNAME": "{name}."}}, kinds=("forward",)),
    Hostile("selfloop", "a CNAME to itself", records={"{name}": {"CNAME": "{name}."}}, kinds=("forward",)),
    *[Hostile(f"chain{n}", f"a chain of {n} CNAMEs to the addresses", records=_chain(f"chain{n}", n),
              kinds=("forward",), heavy=n >= 100) for n in (8, 16, 17, 64, 100, 200, 400, 530, 531, 700)],
    Hostile("cname-pointer-loop", "a CNAME whose target is a compression pointer to itself", None,
            kinds=("forward",)),  # rule built below
    Hostile("cname-ptr", "a PTR reached through a CNAME (RFC 2317 delegation style)", None,
            kinds=("reverse",)),  # rule built below
    # -- names the wire should never carry -------------------------------------------------------------
    Hostile("longlabel-cname", "a CNAME target with a 64-octet label", f.long_label_answer("cname")),
    Hostile("longlabel-owner", "an address record whose owner has a 64-octet label",
            f.long_label_answer("owner")),
    Hostile("longlabel-ptr", "a PTR target with a 64-octet label", f.long_label_answer("ptr"),
            kinds=("reverse",)),
    Hostile("longlabel-ptr-255", "a PTR target with a 255-octet label",
            f.long_label_answer("ptr", 255), kinds=("reverse",)),
    # -- PTR answers that are not host names -----------------------------------------------------------
    _ptr("ptr-space", "bad\\032name.test.", "a PTR target with a space"),
    _ptr("ptr-newline", "evil\\010name.test.", "a PTR target with a newline"),
    _ptr("ptr-ctl", "ctl\\007\\013x.test.", "a PTR target with BEL and CR"),
    _ptr("ptr-nul", "nul\\000x.test.", "a PTR target with a NUL byte"),
    _ptr("ptr-dot-in-label", "a\\.b.test.", "a PTR target with a dot inside a label"),
    _ptr("ptr-backslash", "back\\\\slash.test.", "a PTR target with a backslash"),
    _ptr("ptr-high", "caf\\195\\169.test.", "a PTR target with UTF-8 bytes"),
    _ptr("ptr-underscore", "under_score.test.", "a PTR target with an underscore"),
    _ptr("ptr-leading-hyphen", "-lead.test.", "a PTR target starting with a hyphen"),
    _ptr("ptr-star", "*.test.", "a PTR target that is a wildcard"),
    _ptr("ptr-root", ".", "a PTR of the root name \".\""),
    _ptr("ptr-long", ".".join(["p" * 63] * 3 + ["q" * 61]) + ".", "a PTR target of 253 characters"),
]


def _finish() -> None:
    """Behaviours that need the fault's own names."""
    for i, h in enumerate(CATALOGUE):
        if h.key == "othertype":
            CATALOGUE[i] = Hostile(h.key, h.title, f.OtherQuestion(h.name(), "TXT"), kinds=("forward",))
        if h.key == "cname-pointer-loop":
            # header, question (name, type, class), the record's owner (the name again), its fixed part
            qname = len(f.encode_name(h.name()))
            here = 12 + qname + 4 + qname + 10
            CATALOGUE[i] = Hostile(h.key, h.title, f.Raw([f.RawRR(None, "CNAME", bytes([0xC0, here]))]),
                                   kinds=("forward",))
        if h.key == "cname-ptr":
            target = f"{i + 1}.sub.2.0.192.in-addr.arpa"
            CATALOGUE[i] = Hostile(h.key, h.title, f.Raw([
                f.RawRR(None, "CNAME", target), f.RawRR(target, "PTR", "via-cname.test")]), kinds=("reverse",))


_finish()
