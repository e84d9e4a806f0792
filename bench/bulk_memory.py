"""Memory while streaming many names through ``lookup host --from -``: flat, however long the input.

Feeds N names (default 1,000,000: the 10,000 names of the loopback Knot zone,
cycled) to one ``lookup host --from - --unordered`` process through a pipe,
reads its output as it comes, and samples the process's resident memory
(VmRSS) every half second.  Reports the RSS after 10 %, 50 % and 100 % of the
answers and the peak, and the rate.  Nothing leaves loopback; needs root
(port 53 on a leased 127.53.X.Y address).

    .venv/bin/python bench/bulk_memory.py [--names 1000000] [--concurrency 64] [--markdown]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from support import glibc_dns  # noqa: E402
from support.knot import BULK_DEFAULT, KnotServer, bulk_name  # noqa: E402


def rss_kib(pid: int) -> int:
    """The process's resident set size in KiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    reason = glibc_dns.unavailable_reason()
    if reason is not None:
        print(f"(skipped: {reason})")
        return 0
    zone = [bulk_name(i) for i in range(BULK_DEFAULT)]
    lookup = Path(sys.executable).with_name("lookup")
    with KnotServer() as knot, glibc_dns.DnsEnv([knot], options=("timeout:2", "attempts:2")) as env:
        proc = subprocess.Popen([str(lookup), "--etc", str(env.etc), "host", "--from", "-", "--unordered",
                                 "--concurrency", str(args.concurrency)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdin is not None and proc.stdout is not None
        stdin = proc.stdin

        def feed() -> None:
            try:
                for i in range(args.names):
                    stdin.write(f"{zone[i % len(zone)]}\n".encode())
            finally:
                stdin.close()

        threading.Thread(target=feed, daemon=True).start()
        samples: list[tuple[int, int]] = []  # (answers so far, rss KiB)
        names_seen = 0
        last_name = b""
        lines = 0
        started = time.perf_counter()
        next_sample = started
        for line in proc.stdout:
            lines += 1
            name = line.split(b" ", 1)[0]
            if name != last_name:
                names_seen += 1
                last_name = name
            if time.perf_counter() >= next_sample:
                samples.append((names_seen, rss_kib(proc.pid)))
                next_sample += 0.5
        proc.wait()
        seconds = time.perf_counter() - started

    def at(fraction: float) -> int:
        goal = fraction * args.names
        return next((kib for seen, kib in samples if seen >= goal), samples[-1][1] if samples else 0)

    peak = max((kib for _, kib in samples), default=0)
    rows = [
        f"{args.names:,} names streamed through `lookup host --from - --unordered --concurrency "
        f"{args.concurrency}` from Knot on loopback: {args.names / seconds:,.0f} names/s, {lines:,} output lines, "
        f"exit status {proc.returncode}",
        "",
        "| after | RSS |",
        "|---|---:|",
        f"| 10 % of the names | {at(0.10) / 1024:.1f} MiB |",
        f"| 50 % | {at(0.50) / 1024:.1f} MiB |",
        f"| 100 % | {at(0.999) / 1024:.1f} MiB |",
        f"| peak | {peak / 1024:.1f} MiB |",
    ]
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
