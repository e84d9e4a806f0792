"""Start and stop a real authoritative DNS server (Knot DNS) on loopback.

Design: the server runs in the host's network namespace on a loopback address
of its own, ``127.53.X.Y`` port 53 (see ``support.loopback``), and glibc runs
in a private *mount* namespace only (``unshare -m``, no ``-n``) whose
/etc/resolv.conf says ``nameserver 127.53.X.Y``.  Why this and not knotd inside
a private network namespace:

* netdb's own DNS client, the code under test, runs in the pytest process and
  reaches the very same server at the very same address glibc uses, reading
  the very same resolv.conf.  Nothing needs to be run in a namespace to be
  compared.
* glibc and netdb then also see the same interfaces, so address sorting
  (RFC 6724) and AI_ADDRCONFIG agree between the two sides of a comparison.
* A bench script can start the same server with no privileges beyond
  binding port 53.
* Traffic still never leaves loopback: every server binds 127.0.0.0/8 (or
  ::1) only, and the resolv.conf given to glibc names only those servers
  (``glibc_ns`` refuses anything else).

Parallel runs cannot collide: each server leases its address with a lock
file and checks that the port is free before using it.  Readiness is proven
by asking the server for an identity record (``_netdb-instance. TXT``) that
holds a random token written into this instance's copy of the root zone, over
UDP and TCP, so a test never talks to some other server that happens to
answer there.

Zones: every ``*.zone`` file in ``fixtures/dns`` (the ``$ORIGIN`` line names
the zone), plus generated bulk zones (``h00000.bulk.test.`` …; see
``bulk_name``) and any extra zones passed in.  No DNSSEC, no zone transfers,
no journal, no zone-file sync.

Usable without pytest (for ``bench/``)::

    from support.knot import KnotServer
    with KnotServer() as knot:
        print(knot.address, knot.port, knot.resolv_conf())

or from a shell: ``python tests/support/knot.py`` serves until interrupted.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

if __package__ in (None, ""):  # run as a script: make `support` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import loopback

ROOT = Path(__file__).resolve().parents[2]
#: The zone files written for the tests.
FIXTURES = ROOT / "fixtures" / "dns"
#: The name whose TXT record holds the instance token.
INSTANCE_NAME = "_netdb-instance."
#: Number of names in the generated bulk zone by default.
BULK_DEFAULT = 10_000
#: Zones generated for the bulk names.
BULK_ZONE = "bulk.test."
BULK_REVERSE4 = "18.198.in-addr.arpa."
BULK_REVERSE6 = "f.f.f.f.8.b.d.0.1.0.0.2.ip6.arpa."
FAST_OPTIONS = loopback.FAST_OPTIONS
#: Working directories are ``$TMPDIR/netdb-knot-*``.
WORKDIR_PREFIX = "netdb-knot-"


def knotd_path() -> str | None:
    """The knotd executable, or None (it lives in /usr/sbin, often not on PATH)."""
    found = shutil.which("knotd")
    if found:
        return found
    for candidate in ("/usr/sbin/knotd", "/usr/local/sbin/knotd"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable_reason(*, port53: bool = False) -> str | None:
    """None when a Knot server can be started here, else why not.

    With ``port53=True`` also require that port 53 can be bound (glibc tests).
    """
    if sys.platform != "linux":
        return "the Knot test server needs Linux"
    if knotd_path() is None:
        return "knotd is not installed (Debian package `knot`; scripts/test installs it as root)"
    if port53:
        return loopback.port53_unavailable_reason()
    return None


def zone_origin(path: Path) -> str:
    """The zone a fixture file defines: its first ``$ORIGIN`` line."""
    for line in path.read_text().splitlines():
        parts = line.split(";", 1)[0].split()
        if len(parts) >= 2 and parts[0].upper() == "$ORIGIN":
            origin = parts[1]
            return origin if origin.endswith(".") else origin + "."
    raise ValueError(f"{path}: no $ORIGIN line")


def bulk_name(i: int, count: int = BULK_DEFAULT) -> str:
    """The i-th bulk host name, e.g. ``h00042.bulk.test`` (no trailing dot)."""
    width = max(5, len(str(count - 1)))
    return f"h{i:0{width}d}.bulk.test"


def bulk_addresses(i: int) -> tuple[str, str]:
    """The (IPv4, IPv6) addresses of the i-th bulk name: 198.18.0.0/15, 2001:db8:ffff::/48."""
    if not 0 <= i < 65536:
        raise ValueError("the bulk zone holds at most 65536 names")
    v4 = ipaddress.IPv4Address(int(ipaddress.IPv4Address("198.18.0.0")) + i)
    v6 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("2001:db8:ffff::")) + i)
    return str(v4), str(v6)


_BULK_SOA = "@ 300 SOA ns.test. hostmaster.test. 1 3600 900 604800 300\n@ 300 NS ns.test.\n"


def write_bulk_zones(directory: Path, count: int = BULK_DEFAULT) -> dict[str, str]:
    """Write the bulk zones (names, IPv4 and IPv6 PTRs) into ``directory``.

    Returns {zone origin: file name}.  Each name ``bulk_name(i)`` has one A and
    one AAAA record (``bulk_addresses(i)``) and both addresses have a PTR back.
    """
    fwd = [f"$ORIGIN {BULK_ZONE}\n$TTL 300\n", _BULK_SOA]
    rev4 = [f"$ORIGIN {BULK_REVERSE4}\n$TTL 300\n", _BULK_SOA]
    rev6 = [f"$ORIGIN {BULK_REVERSE6}\n$TTL 300\n", _BULK_SOA]
    for i in range(count):
        name = bulk_name(i, count)
        v4, v6 = bulk_addresses(i)
        label = name.split(".", 1)[0]
        fwd.append(f"{label} A {v4}\n{label} AAAA {v6}\n")
        b3, b4 = v4.split(".")[2:]
        rev4.append(f"{b4}.{b3} PTR {name}.\n")
        nibbles = ipaddress.IPv6Address(v6).exploded.replace(":", "")[12:]
        rev6.append(".".join(reversed(nibbles)) + f" PTR {name}.\n")
    files = {BULK_ZONE: "bulk.test.zone", BULK_REVERSE4: "bulk-reverse4.zone",
             BULK_REVERSE6: "bulk-reverse6.zone"}
    for origin, text in ((BULK_ZONE, fwd), (BULK_REVERSE4, rev4), (BULK_REVERSE6, rev6)):
        (directory / files[origin]).write_text("".join(text))
    return files


class KnotError(RuntimeError):
    """knotd could not be started or stopped; the message carries its log."""


class KnotServer:
    """A knotd serving the fixture zones on a dedicated loopback address.

    ``port=None`` means 53 when this process may bind it (root), else a free
    port (then ``resolv_conf()`` is unavailable: glibc only talks to port 53).
    ``bulk`` is the number of generated bulk names (0: no bulk zones).
    ``extra_zones`` maps zone origins to zone-file text served in addition.
    ``ipv6=True`` also listens on ``::1`` at a free port (``address6``/``port6``).
    """

    def __init__(
        self,
        zones_dir: Path | str = FIXTURES,
        *,
        port: int | None = None,
        bulk: int = BULK_DEFAULT,
        extra_zones: Mapping[str, str] | None = None,
        ipv6: bool = False,
        startup_timeout: float = 20.0,
        keep_workdir: bool = False,
    ) -> None:
        self.zones_dir = Path(zones_dir)
        self.requested_port = port
        self.bulk = bulk
        self.extra_zones = dict(extra_zones or {})
        self.ipv6 = ipv6
        self.startup_timeout = startup_timeout
        self.keep_workdir = keep_workdir
        self.token = secrets.token_hex(8)
        self.workdir: Path | None = None
        self.zones: dict[str, str] = {}
        self.address6: str | None = None
        self.port6: int | None = None
        self.startup_seconds: float | None = None
        self._lease: loopback.Lease | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None

    # -- properties -------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """The IPv4 loopback address the server listens on."""
        if self._lease is None:
            raise RuntimeError("the server is not running")
        return self._lease.address

    @property
    def port(self) -> int:
        """The port on ``address`` (53 unless started without the right to bind it)."""
        if self._lease is None:
            raise RuntimeError("the server is not running")
        return self._lease.port

    @property
    def pid(self) -> int | None:
        """knotd's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        """True while knotd is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path:
        """knotd's own log (stderr), kept in the working directory."""
        if self.workdir is None:
            raise RuntimeError("the server was never started")
        return self.workdir / "knotd.log"

    def log_text(self) -> str:
        """knotd's log so far ('' when none)."""
        try:
            return self.log_path.read_text(errors="replace")
        except (OSError, RuntimeError):
            return ""

    # -- glibc ------------------------------------------------------------------------------

    def resolv_conf(
        self,
        *,
        search: Iterable[str] = (),
        options: Iterable[str] = FAST_OPTIONS,
        extra: str = "",
    ) -> str:
        """resolv.conf text that sends glibc's queries to this server."""
        if self.port != loopback.DNS_PORT:
            raise RuntimeError(
                f"this server listens on port {self.port}; glibc can only use port 53 (run as root)"
            )
        return loopback.resolv_conf_text([self.address], search=search, options=options, extra=extra)

    # -- queries (for tests) ---------------------------------------------------------------

    def query(
        self,
        name: str,
        rdtype: str | int = "A",
        *,
        tcp: bool = False,
        edns: bool = False,
        ipv6: bool = False,
        timeout: float = 2.0,
    ) -> dns.message.Message:
        """Ask the server one question with dnspython (no retries, no TC fallback)."""
        q = dns.message.make_query(name, dns.rdatatype.RdataType.make(rdtype),
                                   use_edns=0 if edns else False)
        where, port = (self.address6, self.port6) if ipv6 else (self.address, self.port)
        if where is None or port is None:
            raise RuntimeError("the server does not listen on IPv6 (pass ipv6=True)")
        if tcp:
            return dns.query.tcp(q, where, port=port, timeout=timeout)
        return dns.query.udp(q, where, port=port, timeout=timeout)

    # -- life cycle --------------------------------------------------------------------------

    def _write_config(self) -> Path:
        assert self.workdir is not None and self._lease is not None
        zones_dir = self.workdir / "zones"
        zones_dir.mkdir()
        (self.workdir / "run").mkdir()
        (self.workdir / "db").mkdir()
        zones: dict[str, str] = {}
        for path in sorted(self.zones_dir.glob("*.zone")):
            origin = zone_origin(path).lower()
            if origin in zones:
                raise ValueError(f"zone {origin} defined twice ({zones[origin]}, {path.name})")
            zones[origin] = path.name
            shutil.copyfile(path, zones_dir / path.name)
        for i, (origin, text) in enumerate(sorted(self.extra_zones.items())):
            origin = origin.lower() if origin.endswith(".") else origin.lower() + "."
            if origin in zones:
                raise ValueError(f"extra zone {origin} is already a fixture zone")
            name = f"extra-{i}.zone"
            (zones_dir / name).write_text(f"$ORIGIN {origin}\n$TTL 300\n{text}\n")
            zones[origin] = name
        if self.bulk:
            zones.update(write_bulk_zones(zones_dir, self.bulk))
        if "." not in zones:
            (zones_dir / "root.zone").write_text(
                "$ORIGIN .\n$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 900 604800 300\n"
                "@ NS ns.test.\n"
            )
            zones["."] = "root.zone"
        with open(zones_dir / zones["."], "a") as f:
            f.write(f'\n{INSTANCE_NAME} 0 TXT "{self.token}"\n')
        self.zones = zones

        listen = [f"{self._lease.address}@{self._lease.port}"]
        if self.ipv6:
            self.address6 = "::1"
            self.port6 = loopback.free_port("::1")
            listen.append(f"{self.address6}@{self.port6}")
        wd = self.workdir
        zone_lines = "".join(
            f'  - domain: "{origin}"\n    file: "{fname}"\n' for origin, fname in sorted(zones.items())
        )
        conf = f"""\
# Generated by tests/support/knot.py for one test server; loopback only.
server:
    rundir: "{wd}/run"
    pidfile: "{wd}/run/knot.pid"
    listen: [ {", ".join(listen)} ]
    udp-workers: 2
    tcp-workers: 2
    background-workers: 1
    identity: ""
    version: ""
    nsid: ""
    tcp-io-timeout: 1000

control:
    listen: "{wd}/run/knot.sock"

log:
  - target: stderr
    any: info

database:
    storage: "{wd}/db"
    journal-db-max-size: 64M
    kasp-db-max-size: 16M
    timer-db-max-size: 16M
    catalog-db-max-size: 16M

template:
  - id: default
    storage: "{wd}/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
    dnssec-signing: off

zone:
{zone_lines}"""
        path = wd / "knot.conf"
        path.write_text(conf)
        return path

    def start(self) -> KnotServer:
        """Start knotd, wait until it answers its identity record, check every zone loaded.

        Raises ``KnotError`` (with knotd's log) when it does not come up.
        """
        if self._proc is not None:
            raise RuntimeError("already started")
        knotd = knotd_path()
        if knotd is None:
            raise KnotError(unavailable_reason() or "knotd missing")
        t0 = time.monotonic()
        if self.requested_port is None:
            port = 0 if loopback.port53_unavailable_reason() else loopback.DNS_PORT
        else:
            port = self.requested_port
        self._lease = loopback.Lease.acquire(port)
        try:
            clean_stale_workdirs()
            self.workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
            (self.workdir / "owner").write_text(f"{os.getpid()}\n")
            conf = self._write_config()
            with open(self.log_path, "wb") as log:
                self._proc = subprocess.Popen(
                    [knotd, "-c", str(conf)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )
            self._watchdog = _start_watchdog(self._proc.pid)
            self._wait_ready()
            self._check_zones()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error: object = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise KnotError(
                    f"knotd exited with status {self._proc.returncode} while starting\n"
                    f"--- knotd log ---\n{self.log_text()}"
                )
            try:
                if self._identity(tcp=False) and self._identity(tcp=True):
                    if not self.ipv6 or self._identity(tcp=False, ipv6=True):
                        return
                    last_error = "no answer on ::1 yet"
            except (OSError, dns.exception.DNSException) as exc:
                last_error = exc
            time.sleep(0.02)
        raise KnotError(
            f"knotd did not answer within {self.startup_timeout}s (last: {last_error!r})\n"
            f"--- knotd log ---\n{self.log_text()}"
        )

    def _check_zones(self) -> None:
        """Every zone must have loaded: a zone knotd rejects is otherwise just missing."""
        bad = []
        for origin in self.zones:
            r = self.query(origin, "SOA", timeout=2)
            owners = [rrset.name.to_text().lower() for rrset in r.answer
                      if rrset.rdtype == dns.rdatatype.SOA]
            if r.rcode() != 0 or owners != [origin]:
                bad.append(origin)
        if bad:
            raise KnotError(f"knotd did not load zone(s) {bad}\n--- knotd log ---\n{self.log_text()}")

    def _identity(self, *, tcp: bool, ipv6: bool = False) -> bool:
        r = self.query(INSTANCE_NAME, "TXT", tcp=tcp, ipv6=ipv6, timeout=0.25)
        texts = [b"".join(rd.strings).decode() for rrset in r.answer for rd in rrset]
        if texts and texts != [self.token]:
            raise KnotError(f"another DNS server answers on {self.address}:{self.port}: {texts}")
        return texts == [self.token]

    def stop(self) -> None:
        """Stop knotd (SIGTERM, then SIGKILL after 5 s), free the address, remove files."""
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:  # first, so that it can never signal a reused pid
            watchdog.kill()
            watchdog.wait()
            if watchdog.stdin is not None:
                watchdog.stdin.close()
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._lease is not None:
            self._lease.release()
        if self.workdir is not None and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> KnotServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        if self._lease is None:
            return "<KnotServer (not started)>"
        state = "running" if self.running else "stopped"
        return f"<KnotServer {self._lease.address}:{self._lease.port} pid={self.pid} {state}>"


def clean_stale_workdirs(max_age: float = 3600.0) -> list[Path]:
    """Remove working directories left by runs that were killed; return them.

    A directory goes when the process that created it (its ``owner`` file) is
    gone, or when it has no owner file and is older than ``max_age`` (a fresh
    one may be starting right now).
    """
    removed = []
    for path in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        try:
            owner = (path / "owner").read_text().strip()
        except OSError:
            owner = ""
        try:
            if owner.isdigit():
                if _alive(int(owner)):
                    continue
            elif time.time() - path.stat().st_mtime < max_age:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_watchdog(pid: int) -> subprocess.Popen[bytes]:
    """A tiny process that SIGTERMs ``pid`` when this process goes away, however it dies.

    It waits for end-of-file on a pipe whose only writer is this process; the
    kernel closes the pipe when we exit (even on SIGKILL), so knotd never
    outlives the test run.  (PR_SET_PDEATHSIG would fire when the *thread*
    that started knotd exits, which breaks servers started from worker threads.)
    """
    return subprocess.Popen(
        ["sh", "-c", 'cat >/dev/null; kill -TERM "$1" 2>/dev/null', "netdb-knot-watchdog", str(pid)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        description="Serve the netdb DNS fixtures with knotd until interrupted (^C or SIGTERM).")
    ap.add_argument("--bulk", type=int, default=BULK_DEFAULT, help="number of bulk names")
    ap.add_argument("--port", type=int, default=None, help="port (default 53 when root)")
    args = ap.parse_args(argv)
    # ^C and SIGTERM stop the server cleanly; SIGINT is set explicitly because a shell
    # starts background jobs with it ignored, and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with KnotServer(bulk=args.bulk, port=args.port) as knot:
            print(f"knotd pid {knot.pid} on {knot.address} port {knot.port} "
                  f"(ready in {knot.startup_seconds:.2f}s, workdir {knot.workdir})", flush=True)
            if knot.port == loopback.DNS_PORT:
                print("--- resolv.conf ---\n" + knot.resolv_conf(), end="", flush=True)
            while True:
                signal.pause()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
