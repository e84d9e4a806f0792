"""netdb's benchmarks: each compares netdb with its references in the same run.

    .venv/bin/python bench/run.py              # everything (about two minutes)
    .venv/bin/python bench/run.py hosts cli    # some sections

Sections:

* ``hosts``    warm getaddrinfo/gethostbyname on hosts files of 10, 10k, 100k
               and 1M lines (first, middle, last and a missing name), netdb vs
               glibc (Python's socket module) in one private namespace;
* ``services`` warm getservbyname/getservbyport/getprotobyname vs the socket module;
* ``cli``      cold ``lookup serv mysql`` vs a one-command typer program vs
               ``getent services mysql`` vs the venv's ``python -c pass``;
* ``parse``    parse and index a 1,000,000-line blocklist vs a bare ``for line
               in f`` loop, with the index's memory;
* ``bulk``     resolving 10,000 names from a zone on the loopback DNS server
               (see bench/bulk.py);
* ``bulkmem``  memory while streaming 1,000,000 names through ``lookup host
               --from -`` (bench/bulk_memory.py; about five minutes;
               ``NETDB_BENCH_STREAM_NAMES`` sets the count).

Prints a Markdown table per section (medians, ratios) and writes them to
``bench/results/latest.md``.  Nothing leaves the machine: glibc runs in a
private mount and network namespace whose /etc holds the benchmark files and a
resolv.conf at a closed loopback port; DNS benchmarks use a server started on
loopback.  Needs root for the namespaces (sections that need them are skipped
with the reason otherwise).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from support import glibc_ns  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def _hosts_file(path: Path, lines: int) -> list[str]:
    """A blocklist-style hosts file; returns its first, middle and last names."""
    with open(path, "w") as fh:
        fh.write("# netdb benchmark hosts file\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n")
        for i in range(lines):
            fh.write(f"0.0.0.0 ads{i}.tracker{i % 997}.example.com\n")
    pick = [0, lines // 2, lines - 1]
    return [f"ads{i}.tracker{i % 997}.example.com" for i in pick]


def _etc(tmp: Path, hosts_lines: int) -> tuple[dict[str, bytes], list[str]]:
    hosts = tmp / f"hosts{hosts_lines}"
    names = _hosts_file(hosts, hosts_lines)
    files = {
        "hosts": hosts.read_bytes(),
        "services": Path("/etc/services").read_bytes(),
        "protocols": Path("/etc/protocols").read_bytes(),
        "nsswitch.conf": b"hosts: files\nservices: files\nprotocols: files\nnetworks: files\nrpc: files\n",
        "host.conf": b"multi on\n",
    }
    return files, names


def _inner(files: dict[str, bytes], cases: list[dict[str, object]], budget: float = 1.0) -> dict[str, dict[str, float]]:
    spec = json.dumps({"src": str(ROOT / "src"), "cases": cases, "budget": budget}).encode()
    res = glibc_ns.run(files, [PYTHON, str(ROOT / "bench" / "inner_lookups.py")], stdin=spec, timeout=1800)
    if res.returncode != 0:
        raise SystemExit(f"benchmark process failed: {res.stderr.decode(errors='replace')}")
    result: dict[str, dict[str, float]] = json.loads(res.stdout)
    return result


def _fmt_us(us: float) -> str:
    if us >= 1000:
        return f"{us / 1000:.2f} ms"
    return f"{us:.1f} µs"


def _ratio(glibc: float, ours: float) -> str:
    return f"{glibc / ours:,.1f}× faster" if ours <= glibc else f"{ours / glibc:.2f}× slower"


def section_hosts(tmp: Path) -> list[str]:
    rows = ["| hosts file | query | glibc | netdb | netdb vs glibc |", "|---|---|---|---|---|"]
    for size in (10, 10_000, 100_000, 1_000_000):
        files, (first, middle, last) = _etc(tmp, size)
        cases = []
        for label, name in (("first", first), ("middle", middle), ("last", last), ("missing", "no-such-name.example")):
            cases.append({"name": f"getaddrinfo {label}", "kind": "getaddrinfo", "args": [name, 80]})
            cases.append({"name": f"gethostbyname {label}", "kind": "gethostbyname", "args": [name]})
        result = _inner(files, cases, budget=0.6 if size < 1_000_000 else 0.3)
        for case, t in result.items():
            rows.append(f"| {size:,} lines | {case} | {_fmt_us(t['glibc'])} | {_fmt_us(t['netdb'])} | "
                        f"{_ratio(t['glibc'], t['netdb'])} |")
    return rows


def section_services(tmp: Path) -> list[str]:
    files, _ = _etc(tmp, 10)
    text = files["services"].decode()
    names = [ln.split()[0] for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    cases = [
        {"name": f"getservbyname {names[0]!r} (first line)", "kind": "getservbyname", "args": [names[0]]},
        {"name": "getservbyname 'mysql'", "kind": "getservbyname", "args": ["mysql"]},
        {"name": f"getservbyname {names[-1]!r} (last line)", "kind": "getservbyname", "args": [names[-1]]},
        {"name": "getservbyname 'domain', 'udp'", "kind": "getservbyname", "args": ["domain", "udp"]},
        {"name": "getservbyname missing", "kind": "getservbyname", "args": ["no-such-service"]},
        {"name": "getservbyport 443", "kind": "getservbyport", "args": [443]},
        {"name": "getservbyport 3306, 'tcp'", "kind": "getservbyport", "args": [3306, "tcp"]},
        {"name": "getprotobyname 'tcp'", "kind": "getprotobyname", "args": ["tcp"]},
        {"name": "getprotobyname 'ipv6-icmp'", "kind": "getprotobyname", "args": ["ipv6-icmp"]},
    ]
    rows = ["| lookup | glibc | netdb | netdb vs glibc |", "|---|---|---|---|"]
    for case, t in _inner(files, cases).items():
        rows.append(f"| {case} | {_fmt_us(t['glibc'])} | {_fmt_us(t['netdb'])} | {_ratio(t['glibc'], t['netdb'])} |")
    return rows


# As an installed package runs: bytecode cached (pip compiles at install time).
_COLD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cold(cases: dict[str, list[str]], runs: int = 40) -> dict[str, float]:
    """Median wall time in ms of each command (output discarded), the cases interleaved round by round.

    Interleaving puts every case under the same load: a burst of activity on
    the machine slows one round of all of them, not a run of one.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(runs + 3):
        for name, argv in cases.items():
            t = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=_COLD_ENV)
            if round_ >= 3:  # the first rounds warm the page cache
                times[name].append((time.perf_counter() - t) * 1000)
    return {name: statistics.median(ts) for name, ts in times.items()}


def section_cli(tmp: Path) -> list[str]:
    venv_bin = Path(PYTHON).parent
    lookup = venv_bin / "lookup"
    # An editable install has no bytecode until first run (none at all under
    # PYTHONDONTWRITEBYTECODE=1); compile it as pip does for a regular install.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "src")], stdout=subprocess.DEVNULL, check=False)
    typer_prog = tmp / "one_command.py"
    typer_prog.write_text("import typer\napp = typer.Typer()\n\n@app.command()\ndef main(name: str) -> None:\n"
                          "    print(name)\n\napp()\n")
    # `lookup host localhost` on files alone: this machine's /etc/hosts lacks ::1 localhost, and the
    # configured name server must never be asked
    etc = tmp / "etc-cli"
    etc.mkdir(exist_ok=True)
    (etc / "hosts").write_text("127.0.0.1\tlocalhost\n::1\tlocalhost\n")
    (etc / "nsswitch.conf").write_text("hosts: files\n")
    (etc / "resolv.conf").write_text("nameserver 127.0.0.1\n")
    env_argv = [str(lookup)] if lookup.exists() else [PYTHON, "-m", "netdb"]
    cases = {
        "lookup serv mysql": [*env_argv, "serv", "mysql"],
        "lookup services mysql": [*env_argv, "services", "mysql"],
        "lookup --etc DIR host localhost": [*env_argv, "--etc", str(etc), "host", "localhost"],
        "one-command typer program": [PYTHON, str(typer_prog), "x"],
        "getent services mysql": ["getent", "services", "mysql"],
        "python -c pass (venv interpreter)": [PYTHON, "-c", "pass"],
    }
    times = _cold(cases)
    floor = times["one-command typer program"]
    rows = ["| command | median | vs typer floor |", "|---|---|---|"]
    for name, ms in times.items():
        rows.append(f"| `{name}` | {ms:.1f} ms | {ms / floor:.2f}× |")
    return rows


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def section_parse(tmp: Path) -> list[str]:
    from netdb.files._text import decode
    from netdb.hostsdb import HostsDB

    path = tmp / "hosts-1m"
    _hosts_file(path, 1_000_000)
    size = path.stat().st_size

    def bare() -> None:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            for _line in fh:
                pass

    def ours() -> None:
        with open(path, "rb") as fh:
            HostsDB(decode(fh.read()), str(path))

    def best(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(5):
            gc.collect()
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    t_bare, t_ours = best(bare), best(ours)
    gc.collect()
    tracemalloc.start()
    with open(path, "rb") as fh:
        db = HostsDB(decode(fh.read()), str(path))
    used, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(db) == 1_000_002
    return ["| 1,000,000-line hosts file | median | vs bare loop |", "|---|---|---|",
            f"| bare `for line in f` loop | {t_bare:.3f} s | 1.00× |",
            f"| netdb: read, decode, parse and index | {t_ours:.3f} s | {t_ours / t_bare:.1f}× |",
            f"| index memory (text included) | {used / 1e6:.0f} MB ({used / size:.2f}× the {size / 1e6:.0f} MB file; "
            f"peak {peak / 1e6:.0f} MB) | |"]


def section_bulk(tmp: Path) -> list[str]:
    bulk = ROOT / "bench" / "bulk.py"
    if not bulk.exists():
        return ["(bulk: bench/bulk.py is not there yet)"]
    res = subprocess.run([PYTHON, str(bulk), "--markdown"], capture_output=True, text=True, timeout=3600)
    if res.returncode != 0:
        return [f"(bulk failed: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode})"]
    return res.stdout.strip().splitlines()


def section_bulkmem(tmp: Path) -> list[str]:
    names = os.environ.get("NETDB_BENCH_STREAM_NAMES", "1000000")
    res = subprocess.run([PYTHON, str(ROOT / "bench" / "bulk_memory.py"), "--names", names], capture_output=True,
                         text=True, timeout=7200)
    if res.returncode != 0:
        return [f"(bulkmem failed: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode})"]
    return res.stdout.strip().splitlines()


SECTIONS: dict[str, Callable[[Path], list[str]]] = {
    "hosts": section_hosts,
    "services": section_services,
    "cli": section_cli,
    "parse": section_parse,
    "bulk": section_bulk,
    "bulkmem": section_bulkmem,
}
NEEDS_NAMESPACE = {"hosts", "services"}


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 64
    reason = glibc_ns.unavailable_reason()
    out = [f"# netdb benchmarks ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
           f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f})", ""]
    with tempfile.TemporaryDirectory(prefix="netdb-bench-") as d:
        tmp = Path(d)
        for name in chosen:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            if name in NEEDS_NAMESPACE and reason is not None:
                rows = [f"(skipped: {reason})"]
            else:
                rows = SECTIONS[name](tmp)
            out += [f"## {name}", "", *rows, ""]
            print("\n".join(out[-len(rows) - 3:]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(out) + "\n")
    shutil.copy(RESULTS / "latest.md", RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
