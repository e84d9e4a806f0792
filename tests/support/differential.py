"""Differential runs: glibc and netdb answer the same calls in the same namespace.

``run_pairs(fixture, calls, network)`` starts **one** process inside a private
mount namespace (``support.glibc_ns``) where the fixture's files are /etc, and
that process evaluates every call twice: with the socket module (glibc) and with
``netdb.Resolver(etc="/etc")`` imported from this repository's ``src``
(``ns_evaluator.py``).  Both see the same files, the same interfaces and the same
routes, which getaddrinfo's RFC 6724 sort and AI_ADDRCONFIG depend on, and no
glibc host function is ever called outside such a namespace.

``compare`` turns the pairs into a ``Report`` (agreement counts per function,
the disagreements, which of them an explicit ``Deviation`` allows);
``Report.summary()`` and ``Report.details()`` format it for people.  Later suites
(switch, DNS) reuse this with their own fixtures, ``Network`` setups, resolver
arguments and, for DNS, a ``prefix`` command that starts a server first.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import glibc_ns

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
FIXTURES = REPO / "fixtures"
EVALUATOR = Path(__file__).resolve().with_name("ns_evaluator.py")

# The /etc files a fixture directory stands for.  A file the directory lacks is
# made to disappear from the namespace's /etc, so glibc sees exactly what
# ``netdb.Resolver(etc=DIR)`` sees.  networks and rpc are left alone (no host
# function reads them).
MODELLED = ("hosts", "services", "protocols", "nsswitch.conf", "host.conf", "gai.conf")

Call = tuple[str, tuple[Any, ...], dict[str, Any]]
Outcome = dict[str, Any]

# Lines for the terminal summary (printed by tests/conformance/conftest.py).
SUMMARY: list[str] = []


# --- fixtures and networks ---------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    """An etc directory: the files bind-mounted over /etc, the ones made absent, a hostname."""

    name: str
    files: Mapping[str, bytes]
    absent: tuple[str, ...] = ()
    hostname: str | None = None
    path: Path | None = None

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> Fixture:
        """Read a fixture directory.  A ``hostname`` file sets the UTS hostname (like /etc/hostname)."""
        p = Path(path)
        files = {n: (p / n).read_bytes() for n in glibc_ns.ETC_NAMES if (p / n).is_file()}
        absent = tuple(n for n in MODELLED if n not in files)
        hostname = None
        if (p / "hostname").is_file():
            hostname = (p / "hostname").read_text().strip() or None
        return cls(p.name, files, absent, hostname, p)


@dataclass(frozen=True)
class Network:
    """A network setup: the host's namespace, or a new one with only ``lo`` plus ``setup`` commands."""

    name: str
    netns: bool
    setup: tuple[str, ...] = ()


LOOPBACK = Network("lo", True)
HOST = Network("host", False)
# Only one family "configured" in glibc's AI_ADDRCONFIG sense (glibc-behavior.md 2.9).
LO_V4 = Network("lo+10.9.9.9", True, ("ip addr add 10.9.9.9/32 dev lo",))
LO_V6 = Network("lo+fd00::9", True, ("ip -6 addr add fd00::9/128 dev lo nodad",))


def closed_port_resolv_conf(network: Network) -> str:
    """A resolv.conf naming a loopback nameserver where nothing listens on port 53.

    In a new network namespace nothing listens anywhere.  In the host's, try a few
    unusual loopback addresses and take one whose port 53 we can bind (UDP and
    TCP) ourselves, which means no server holds it, nor a wildcard one.
    """
    opts = "options timeout:1 attempts:1\n"
    if network.netns:
        return "nameserver 127.0.0.1\n" + opts
    for addr in ("127.53.0.53", "127.53.1.53", "127.53.2.53", "127.0.0.1"):
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind((addr, 53))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
                continue
            raise
        return f"nameserver {addr}\n" + opts
    raise RuntimeError("no loopback address with a free port 53 for a closed-port resolv.conf")


# --- running -----------------------------------------------------------------------


@dataclass
class EvalRun:
    """What one namespace process answered: per call, glibc's outcome and the other one's."""

    fixture: str
    network: str
    calls: list[Call]
    pairs: list[tuple[Outcome, Outcome]]
    meta: dict[str, Any]
    seconds: float


def encode_call(call: Call) -> list[Any]:
    fn, args, kwargs = call
    return [fn, [glibc_ns._jsonable(a) for a in args], {k: glibc_ns._jsonable(v) for k, v in kwargs.items()}]


def run_pairs(
    fixture: Fixture,
    calls: Sequence[Call],
    network: Network = LOOPBACK,
    *,
    impl: str = "netdb",
    resolver: Mapping[str, Any] | None = None,
    resolv_conf: str | None = None,
    prefix: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    call_timeout: float = 10.0,
    timeout: float = 600.0,
) -> EvalRun:
    """Evaluate ``calls`` with glibc and ``impl`` in one process inside the namespace.

    ``resolver`` is passed to ``netdb.Resolver`` (default ``etc="/etc"``).
    ``resolv_conf`` replaces the fixture's (default: a closed loopback port).
    ``prefix`` is a command that must ``exec "$@"`` (for example one that starts a
    DNS server first); it runs after the ``network.setup`` commands.
    """
    files: dict[str, bytes] = dict(fixture.files)
    if resolv_conf is None and "resolv.conf" not in files:
        resolv_conf = closed_port_resolv_conf(network)
    if resolv_conf is not None:
        files["resolv.conf"] = resolv_conf.encode()
    argv: list[str] = [*prefix, sys.executable, str(EVALUATOR)]
    if network.setup:
        script = "set -e\n" + "\n".join(network.setup) + '\nexec "$@"\n'
        argv = ["sh", "-c", script, "netdb-network-setup", *argv]
    run_env = {
        "PYTHONPATH": os.pathsep.join([str(SRC), str(REPO / "tests")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    if env:
        run_env.update(env)
    request = {
        "impl": impl,
        "resolver": dict(resolver) if resolver is not None else {"etc": "/etc"},
        "timeout": call_timeout,
        "calls": [encode_call(c) for c in calls],
    }
    t0 = time.monotonic()
    res = glibc_ns.run(
        files, argv, absent=fixture.absent, netns=network.netns, hostname=fixture.hostname,
        env=run_env, stdin=json.dumps(request).encode(), timeout=timeout,
    )
    seconds = time.monotonic() - t0
    if res.returncode != 0:
        raise RuntimeError(
            f"evaluator failed in {fixture.name} @ {network.name} (rc {res.returncode}):\n"
            + res.stderr.decode(errors="replace")[-4000:]
        )
    data = json.loads(res.stdout)
    pairs = [(g, o) for g, o in data["pairs"]]
    if len(pairs) != len(calls):
        raise RuntimeError(f"evaluator answered {len(pairs)} of {len(calls)} calls")
    return EvalRun(fixture.name, network.name, list(calls), pairs, data["meta"], seconds)


# --- comparing ---------------------------------------------------------------------


def same(glibc: Outcome, other: Outcome) -> bool:
    """Two outcomes agree: the same result, or the same error class and args."""
    if "ok" in glibc or "ok" in other:
        return "ok" in glibc and "ok" in other and glibc["ok"] == other["ok"]
    return bool(glibc.get("error") == other.get("error") and glibc.get("args") == other.get("args"))


@dataclass(frozen=True)
class Deviation:
    """A documented, tested, explained difference from glibc that the suite tolerates.

    ``matches(call, glibc, netdb)`` says whether a disagreement is this deviation;
    ``test`` names the test that pins netdb's behaviour; ``why`` explains it.
    """

    id: str
    why: str
    test: str
    matches: Callable[[Call, Outcome, Outcome], bool]


@dataclass
class Disagreement:
    call: Call
    glibc: Outcome
    netdb: Outcome
    deviation: str | None = None

    def render(self) -> str:
        tag = f"  [allowed: {self.deviation}]" if self.deviation else ""
        return (f"{format_call(self.call)}{tag}\n"
                f"    glibc: {format_outcome(self.glibc)}\n"
                f"    netdb: {format_outcome(self.netdb)}")


@dataclass
class Report:
    fixture: str
    network: str
    total: Counter[str] = field(default_factory=Counter)
    agree: Counter[str] = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)
    seconds: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def only(self, *functions: str) -> Report:
        """The part of the report about these functions."""
        sub = Report(self.fixture, self.network, seconds=self.seconds, meta=self.meta)
        for fn in functions:
            sub.total[fn] = self.total[fn]
            sub.agree[fn] = self.agree[fn]
        sub.disagreements = [d for d in self.disagreements if d.call[0] in functions]
        return sub

    @property
    def unexplained(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.deviation is None]

    @property
    def allowed(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.deviation is not None]

    def summary(self) -> str:
        per_fn = ", ".join(f"{fn} {self.agree[fn]}/{self.total[fn]}" for fn in sorted(self.total))
        n, m = sum(self.agree.values()), sum(self.total.values())
        extra = f", {len(self.allowed)} allowed deviations" if self.allowed else ""
        timing = ""
        if self.meta:
            timing = (f" [{self.seconds:.1f} s; glibc {self.meta.get('seconds_glibc', 0):.1f} s,"
                      f" {self.meta.get('impl', 'netdb')} {self.meta.get('seconds_other', 0):.1f} s]")
        return f"{self.fixture} @ {self.network}: agree {n} / {m}{extra} ({per_fn}){timing}"

    def details(self, limit: int = 12) -> str:
        lines = [self.summary()]
        bad = self.unexplained
        if bad:
            lines.append(f"first {min(limit, len(bad))} of {len(bad)} unexplained disagreements:")
            lines += [d.render() for d in bad[:limit]]
            kinds = Counter(_kind(d) for d in bad)
            lines.append("disagreements by function and outcome kinds (glibc -> netdb):")
            lines += [f"    {k}: {v}" for k, v in kinds.most_common(15)]
        return "\n".join(lines)


def _kind(d: Disagreement) -> str:
    def k(o: Outcome) -> str:
        if "ok" in o:
            return "ok"
        args = o.get("args") or []
        return f"{o.get('error')}({args[0]})" if args and isinstance(args[0], int) else str(o.get("error"))
    return f"{d.call[0]}: {k(d.glibc)} -> {k(d.netdb)}"


def compare(run: EvalRun, deviations: Iterable[Deviation] = ()) -> Report:
    devs = list(deviations)
    rep = Report(run.fixture, run.network, seconds=run.seconds, meta=run.meta)
    for call, (g, o) in zip(run.calls, run.pairs, strict=True):
        fn = call[0]
        rep.total[fn] += 1
        if same(g, o):
            rep.agree[fn] += 1
            continue
        dev = next((d.id for d in devs if d.matches(call, g, o)), None)
        rep.disagreements.append(Disagreement(call, g, o, dev))
    return rep


def record(report: Report) -> None:
    """Print the summary line (visible with -s) and keep it for the terminal summary."""
    line = report.summary()
    print(line)
    SUMMARY.append(line)


# --- formatting --------------------------------------------------------------------

_AI = [(int(getattr(socket, n)), n) for n in (
    "AI_PASSIVE", "AI_CANONNAME", "AI_NUMERICHOST", "AI_V4MAPPED", "AI_ALL", "AI_ADDRCONFIG",
    "AI_NUMERICSERV")] + [(0x40, "AI_IDN"), (0x80, "AI_CANONIDN")]
_NI = [(int(getattr(socket, n)), n) for n in (
    "NI_NUMERICHOST", "NI_NUMERICSERV", "NI_NOFQDN", "NI_NAMEREQD", "NI_DGRAM")]
_FAMILIES = {0: "AF_UNSPEC", socket.AF_INET: "AF_INET", socket.AF_INET6: "AF_INET6",
             socket.AF_UNIX: "AF_UNIX"}
_TYPES = {0: "0", 1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 5: "SOCK_SEQPACKET",
          6: "SOCK_DCCP"}


def flag_names(flags: int, table: list[tuple[int, str]]) -> str:
    if not isinstance(flags, int) or flags < 0:
        return repr(flags)
    names, rest = [], flags
    for bit, name in table:
        if flags & bit:
            names.append(name)
            rest &= ~bit
    if rest:
        names.append(hex(rest))
    return "|".join(names) or "0"


def format_call(call: Call) -> str:
    fn, args, kwargs = call
    if fn == "getaddrinfo":
        a = list(args) + [0] * (6 - len(args))
        host, port, fam, typ, proto, flags = a[:6]
        fam = kwargs.get("family", fam)
        typ = kwargs.get("type", typ)
        proto = kwargs.get("proto", proto)
        flags = kwargs.get("flags", flags)
        return (f"getaddrinfo({host!r}, {port!r}, {_FAMILIES.get(fam, fam)}, {_TYPES.get(typ, typ)},"
                f" {proto}, {flag_names(flags, _AI)})")
    if fn == "getnameinfo" and len(args) == 2:
        return f"getnameinfo({args[0]!r}, {flag_names(args[1], _NI)})"
    if fn == "gethostbyname2" and len(args) == 2:
        return f"gethostbyname2({args[0]!r}, {_FAMILIES.get(args[1], args[1])})"
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{fn}({', '.join(parts)})"


def format_outcome(o: Outcome) -> str:
    if "ok" in o:
        r = o["ok"]
        if isinstance(r, list) and r and all(isinstance(x, list) and len(x) == 5 for x in r):
            items = []
            for fam, typ, proto, canon, sa in r:
                fam_s = {2: "v4", 10: "v6"}.get(fam, str(fam))
                items.append(f"{fam_s}/{typ}/{proto}{' ' + repr(canon) if canon else ''} {tuple(sa)}")
            return f"{len(r)} results: " + "; ".join(items)
        return repr(r)
    text = f"{o.get('error')}{tuple(o.get('args') or ())}"
    if " at " in str(o.get("detail", "")):  # an unexpected exception: where it was raised
        text += f"  <{o['detail']}>"
    return text
