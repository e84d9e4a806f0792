"""Every class of bad input: one line on stderr, no traceback, the documented exit status.

``ROWS`` is the table README.md shows under "## Bad input"; the last test
checks that the README lists exactly these rows.  In a row's command:

* ``DIR`` is a small files-only /etc tree, ``BROKEN`` the same tree with a
  directory where ``services`` should be and a FIFO for ``hosts``, ``DNS`` a tree whose hosts line is
  ``files dns``, ``NS`` a loopback UDP port that never answers (a query sent
  there would time out: status 75), ``FILE`` a regular file;
* ``\\xNN`` is the byte NN (a command-line argument that is not UTF-8),
  ``a{300}`` 300 ``a``'s, ``''`` an empty argument.

``--etc DIR`` is added in front when the command has no ``--etc`` (and sets
no ``NETDB_ETC``).  The
message column is standard error without its newline (placeholders expanded),
empty when nothing is printed (the getent-compatible commands print nothing
for a key they do not find, as getent).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from cli.conftest import ROOT, lookup


class Row(NamedTuple):
    cls: str
    command: str
    message: str
    code: int


ROWS: list[Row] = [
    # families, ports, addresses
    Row("bad family", "lookup host web --family 5", "lookup: --family must be 4, 6 or any, not '5'", 64),
    Row("bad family", "lookup compare web --family inet7", "lookup: --family must be 4, 6 or any, not 'inet7'", 64),
    Row("port 65536", "lookup serv 65536", "lookup: port 65536 is out of range 0-65535", 64),
    Row("port 65536", "lookup addr 127.0.0.1 65536", "lookup: port 65536 is out of range 0-65535", 64),
    Row("port 65536", "lookup host web --service 65536", "lookup: port 65536 is out of range 0-65535", 64),
    Row("port 65536", "lookup connect web 65536", "lookup: port 65536 is out of range 0-65535", 64),
    Row("port 65536 (getent: a service name)", "lookup services 65536", "", 2),
    Row("negative port", "lookup serv -- -1", "lookup: port -1 is out of range 0-65535", 64),
    Row("negative port", "lookup host web --service=-1", "lookup: port -1 is out of range 0-65535", 64),
    Row("port that is not a number", "lookup addr 127.0.0.1 http",
        "lookup: port 'http' is not a number from 0 to 65535", 64),
    Row("protocol number out of range", "lookup proto 4294967296",
        "lookup: protocol number 4294967296 is out of range 0-2147483647", 64),
    Row("malformed IPv6", "lookup addr 2001:db8::1::2",
        "lookup: '2001:db8::1::2' is not a numeric IPv4 or IPv6 address", 64),
    Row("malformed IPv6 (getent: a host name)", "lookup hosts 2001:db8::1::2", "", 2),
    Row("malformed IPv4", "lookup addr 1.2.3.4.5", "lookup: '1.2.3.4.5' is not a numeric IPv4 or IPv6 address", 64),
    Row("bad scope id", "lookup addr fe80::1%nosuchif", "lookup: unknown scope 'nosuchif' in 'fe80::1%nosuchif'", 64),
    Row("scope id on IPv4", "lookup addr 127.0.0.1%1", "lookup: '127.0.0.1%1' is not a numeric IPv4 or IPv6 address", 64),
    # names
    Row("empty name", "lookup host ''", "lookup: '': Name or service not known (EAI_NONAME)", 2),
    Row("empty name", "lookup serv ''", "lookup: service '' not found in DIR/services", 2),
    Row("empty name", "lookup addr ''", "lookup: '' is not a numeric IPv4 or IPv6 address", 64),
    Row("empty name (getent)", "lookup hosts ''", "", 2),
    Row("300-character name", "lookup host a{300}", "lookup: a{300}: Name or service not known (EAI_NONAME)", 2),
    Row("300-character name, DNS (not sent)", "lookup --etc DNS --nameserver NS host a{300}",
        "lookup: a{300}: Name or service not known (EAI_NONAME)", 2),
    Row("overlong label, DNS (not sent)", "lookup --etc DNS --nameserver NS host a{64}.test",
        "lookup: a{64}.test: Name or service not known (EAI_NONAME)", 2),
    Row("non-UTF-8 argument", "lookup serv \\xff", "lookup: service '\\xff' not found in DIR/services", 2),
    Row("non-UTF-8 argument", "lookup host caf\\xe9", "lookup: caf\\xe9: Name or service not known (EAI_NONAME)", 2),
    Row("non-UTF-8 argument", "lookup host web --family \\xff", "lookup: --family must be 4, 6 or any, not '\\xff'", 64),
    Row("control characters in an argument", "lookup serv \\x1b[2J",
        "lookup: service '\\x1b[2J' not found in DIR/services", 2),
    # options and commands
    Row("unknown option", "lookup host web --xyzzy", "lookup: No such option: --xyzzy (try `lookup host --help`)", 64),
    Row("unknown option", "lookup host web --famly 4",
        "lookup: No such option: --famly (Possible options: --family, --flag, --from) (try `lookup host --help`)", 64),
    Row("unknown option (getent command)", "lookup services --bogus",
        "lookup: No such option: --bogus (try `lookup services --help`)", 64),
    Row("unknown command or database", "lookup nosuchdb localhost",
        "lookup: No such command 'nosuchdb' (try `lookup --help`)", 64),
    Row("missing argument", "lookup serv", "lookup: Missing argument 'NAME|PORT' (try `lookup serv --help`)", 64),
    Row("extra argument", "lookup serv http ssh", "lookup: Got unexpected extra argument(s) (ssh) (try `lookup serv --help`)", 64),
    Row("option without its value", "lookup host web --service",
        "lookup: Option '--service' requires an argument", 64),
    Row("unknown --flag", "lookup host web --flag bogus",
        "lookup: unknown --flag 'bogus' (known: passive, canonname, numerichost, v4mapped, all, addrconfig, idn, "
        "canonidn, numericserv)", 64),
    Row("bad --type", "lookup host web --type bogus",
        "lookup: --type must be one of stream, dgram, raw, rdm, seqpacket, dccp or a number, not 'bogus'", 64),
    Row("bad --proto", "lookup host web --proto bogus",
        "lookup: --proto must be one of tcp, udp, sctp, dccp, udplite, icmp, ipv6-icmp or a number, not 'bogus'", 64),
    Row("bad --via", "lookup host web --via bogus", "lookup: --via must be one of nss, files, dns, system, not 'bogus'", 64),
    Row("non-numeric --timeout", "lookup --timeout abc host web",
        "lookup: Invalid value for '--timeout': 'abc' is not a valid float (try `lookup --help`)", 64),
    Row("--timeout not positive", "lookup --timeout 0 host web",
        "lookup: --timeout must be a positive number of seconds, not 0.0", 64),
    Row("--concurrency 0", "lookup host --from - --concurrency 0", "lookup: --concurrency must be from 1 to 4096, not 0", 64),
    Row("--jobs 0", "lookup host --from - --jobs 0", "lookup: --jobs must be from 1 to 64, not 0", 64),
    Row("non-numeric --concurrency", "lookup host --from - --concurrency many",
        "lookup: Invalid value for '--concurrency' / '-c': 'many' is not a valid int (try `lookup host --help`)", 64),
    Row("options that do not combine", "lookup host --from - --explain",
        "lookup: --explain is for single lookups; it does not combine with --from", 64),
    Row("--delay out of range", "lookup connect web 80 --delay 5",
        "lookup: --delay must be between 10 and 2000 ms (RFC 8305), not 5.0", 64),
    Row("bad --nameserver", "lookup --nameserver bogus host web",
        "lookup: bad name server 'bogus': not an IPv4 or IPv6 address", 64),
    # files
    Row("missing --etc directory", "lookup --etc /nonexistent serv http", "lookup: --etc /nonexistent: no such directory", 66),
    Row("--etc is a file", "lookup --etc FILE serv http", "lookup: --etc FILE: not a directory", 66),
    Row("empty --etc", "lookup --etc '' serv http", "lookup: --etc '': no such directory", 66),
    Row("missing $NETDB_ETC directory", "NETDB_ETC=/nonexistent lookup serv http",
        "lookup: $NETDB_ETC /nonexistent: no such directory", 66),
    Row("unreadable file", "lookup check BROKEN/services", "lookup: BROKEN/services: Is a directory", 66),
    Row("unreadable file", "lookup --etc BROKEN serv http",
        "lookup: service 'http' not found in BROKEN/services (unreadable: a directory)", 2),
    Row("unreadable file (getent)", "lookup --etc BROKEN services http", "", 2),
    Row("a FIFO named like a file", "lookup check BROKEN/hosts", "lookup: BROKEN/hosts: not a regular file", 66),
    Row("missing file to check", "lookup check DIR/nosuch/hosts", "lookup: DIR/nosuch/hosts: no such file", 66),
    Row("unreadable --from file", "lookup host --from /nonexistent", "lookup: --from /nonexistent: No such file or directory", 66),
    Row("unreadable --from file", "lookup host --from DIR", "lookup: --from DIR: Is a directory", 66),
    Row("empty --from", "lookup host --from ''", "lookup: --from '': No such file or directory", 66),
]


class Trees(NamedTuple):
    dir: Path
    broken: Path
    dns: Path
    file: Path
    ns: str


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trees]:
    base = tmp_path_factory.mktemp("bad-input")
    good = base / "etc"
    good.mkdir()
    (good / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n192.0.2.10 web.example.test web\n")
    (good / "services").write_text("http 80/tcp www\nssh 22/tcp\n")
    (good / "protocols").write_text("tcp 6 TCP\nudp 17 UDP\n")
    (good / "nsswitch.conf").write_text("hosts: files\nservices: files\nprotocols: files\nnetworks: files\nrpc: files\n")
    (good / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    broken = base / "broken"
    shutil.copytree(good, broken)
    (broken / "services").unlink()
    (broken / "services").mkdir()
    (broken / "hosts").unlink()
    os.mkfifo(broken / "hosts")  # reading it would block until a writer comes
    dns = base / "dns"
    shutil.copytree(good, dns)
    (dns / "nsswitch.conf").write_text("hosts: files dns\n")
    file = base / "file"
    file.write_text("not a directory\n")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # receives, never answers
        silent.bind(("127.0.0.1", 0))
        yield Trees(good, broken, dns, file, f"127.0.0.1:{silent.getsockname()[1]}")


def _expand(text: str, t: Trees) -> str:
    text = re.sub(r"(\w)\{(\d+)\}", lambda m: m[1] * int(m[2]), text)
    for word, value in (("BROKEN", t.broken), ("DIR", t.dir), ("DNS", t.dns), ("FILE", t.file), ("NS", t.ns)):
        text = re.sub(rf"\b{word}\b", str(value), text)
    return text


def argv_of(command: str, t: Trees) -> tuple[list[str], dict[str, str]]:
    """The arguments after ``lookup`` (with ``--etc DIR`` in front unless the row names an etc), and the environment."""
    words = command.split()
    env = dict(w.split("=", 1) for w in words[:words.index("lookup")])
    args = []
    for token in words[words.index("lookup") + 1:]:
        if token == "''":
            args.append("")
            continue
        token = _expand(token, t)
        raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), token.encode())
        args.append(os.fsdecode(raw))
    return (args if "--etc" in args or "NETDB_ETC" in env else ["--etc", str(t.dir), *args]), env


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.cls}: {r.command}" for r in ROWS])
def test_bad_input(row: Row, trees: Trees) -> None:
    args, env = argv_of(row.command, trees)
    res = lookup(*args, env=env, input=b"")
    expected = _expand(row.message, trees)
    assert b"Traceback" not in res.stderr
    assert res.stdout == b"", res.stdout
    assert res.stderr == (expected.encode() + b"\n" if expected else b""), res.stderr
    assert res.returncode == row.code


def test_readme_lists_exactly_these_rows() -> None:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Bad input\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # after the header and rule
    assert [_cells(line) for line in rows] == [(r.cls, r.command, r.message, str(r.code)) for r in ROWS]


def _cells(line: str) -> tuple[str, ...]:
    cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
    return tuple(_unwrap(c) for c in cells)


def _unwrap(cell: str) -> str:
    for fence in ("`` ", "`"):
        end = fence[::-1]
        if cell.startswith(fence) and cell.endswith(end) and len(cell) > 2 * len(fence) - 1:
            return cell[len(fence):-len(end)]
    return "" if cell == "(nothing)" else cell


def readme_table() -> str:
    """The README table for ROWS (``PYTHONPATH=src:tests python -m cli.test_bad_input`` prints it)."""
    def code(text: str) -> str:
        text = text.replace("|", "\\|")
        return f"`` {text} ``" if "`" in text else f"`{text}`"

    lines = ["| input class | example command | message | exit code |", "|---|---|---|---|"]
    lines += [f"| {r.cls} | {code(r.command)} | {code(r.message) if r.message else '(nothing)'} | {r.code} |" for r in ROWS]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())


def test_check_reports_unreadable_files_without_blocking(trees: Trees) -> None:
    res = lookup("--etc", str(trees.broken), "check")
    assert res.returncode == 1 and res.stderr == b""
    assert res.stdout.decode().splitlines() == [f"{trees.broken}/hosts: unreadable: not a regular file; nothing is read from it",
                                                f"{trees.broken}/services: unreadable: Is a directory; nothing is read from it"]
