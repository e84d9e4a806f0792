"""Names holding control characters, escapes, bidi overrides or invalid UTF-8 never reach the terminal raw.

``fixtures/etc-unsafe`` has one line per hostile name in every database
(the name and ``NAME-alias``).  The friendly commands must print them
escaped (``netdb.cli.output``: bytes as ``\\xNN``, Unicode controls and
format characters as ``\\uNNNN``), on a pipe, on a terminal and on stderr;
``--json`` must parse and give the file's bytes back; the getent-compatible
commands must print exactly what getent prints (the raw bytes).
DNS names come from the fault responder (PTR and CNAME targets with control
bytes) and from a search domain with ESC in resolv.conf.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from cli.conftest import ROOT, lookup
from support import faultdns, glibc_ns

FIXTURE = ROOT / "fixtures" / "etc-unsafe"

# (tag, the name's bytes in the files, how human output shows it, its index in the fixture files)
NAMES: list[tuple[str, bytes, str, int]] = [
    ("esc", b"e\x1b[31mred\x1b[0m", r"e\x1b[31mred\x1b[0m", 0),
    ("osc", b"t\x1b]0;pwned\x07x", r"t\x1b]0;pwned\x07x", 1),
    ("bel", b"b\x07l", r"b\x07l", 2),
    ("del", b"d\x7fl", r"d\x7fl", 3),
    ("c1", "c\u009bx".encode(), r"c\u009bx", 5),
    ("raw9b", b"r\x9bx", r"r\x9bx", 6),
    ("bidi", "bi\u202edi".encode(), r"bi\u202edi", 7),
    ("isolate", "is\u2067o\u2069".encode(), r"is\u2067o\u2069", 8),
    ("linesep", "l\u2028s".encode(), r"l\u2028s", 9),
    ("invalid", b"in\xff\xfevalid", r"in\xff\xfevalid", 10),
    ("letter", "caf\u00e9".encode(), "caf\u00e9", 11),
]
IDS = [n[0] for n in NAMES]
_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def assert_clean(data: bytes, allow: str = "\n") -> str:
    """``data`` is UTF-8 text with no control, format, separator or undecodable character (but ``allow``)."""
    text = data.decode("utf-8")  # strict: an undecodable byte fails here
    bad = [c for c in text if c not in allow and unicodedata.category(c) in _UNSAFE and c not in "\u200c\u200d"]
    assert not bad, (bad, data)
    return text


def arg(raw: bytes) -> str:
    """A name as the command line carries it (undecodable bytes as surrogates)."""
    return os.fsdecode(raw)


def raw_of(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def run_clean(*args: str, etc: Path | str = FIXTURE, allow: str = "\n") -> tuple[str, str, int]:
    res = lookup(*args, etc=etc)
    assert b"Traceback" not in res.stderr, res.stderr
    return assert_clean(res.stdout, allow), assert_clean(res.stderr), res.returncode


# -- the escaping function -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "shown"), [
    ("plain.example", "plain.example"),
    ("caf\u00e9 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629", "caf\u00e9 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629"),
    ("a\\b", "a\\b"),
    ("\x00\x1b\x7f\n\r\t", r"\x00\x1b\x7f\x0a\x0d\x09"),
    ("\u0085\u009b", r"\u0085\u009b"),
    ("\u202e\u2066\u200f\u061c\ufeff", r"\u202e\u2066\u200f\u061c\ufeff"),
    ("\u2028\u2029", r"\u2028\u2029"),
    (os.fsdecode(b"\xff\xc3"), r"\xff\xc3"),
    ("\U000e0041", r"\U000e0041"),
    ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # ZWJ stays: it spells the word
])
def test_safe(text: str, shown: str) -> None:
    from netdb.cli.output import safe

    assert safe(text) == shown
    assert safe(shown) == shown  # idempotent: escaped text passes unchanged
    assert_clean(shown.encode())


# -- getent-compatible commands: what getent prints ------------------------------------------------


def _getent_script(runs: list[tuple[str, str, list[bytes]]]) -> tuple[str, str]:
    """Shell scripts running getent and lookup for each (option, database, keys), each followed by its status."""
    python = shlex.quote(sys.executable)
    theirs, ours = [], []
    for opt, db, keys in runs:
        k = " -- " + " ".join(shlex.quote(arg(key)) for key in keys) if keys else ""
        theirs.append(f"getent {opt} {db}{k}; echo \"@rc=$?@\"")
        ours.append(f"{python} -m netdb --etc /etc {db} {opt}{k}; echo \"@rc=$?@\"")
    return "\n".join(theirs), "\n".join(ours)


@pytest.mark.glibc
def test_getent_commands_print_what_getent_prints(glibc: Any) -> None:
    raws = [raw for _t, raw, _s, _i in NAMES]
    names = raws + [raw + b"-alias" for raw in raws] + [b"c", b"r", b"c\rr"]
    numbers = [i for _t, _r, _s, i in NAMES]
    runs: list[tuple[str, str, list[bytes]]] = [
        ("", db, []) for db in ("services", "protocols", "networks", "rpc", "hosts", "ahosts")  # enumerations
    ]
    runs += [("", db, names) for db in ("services", "protocols", "networks", "rpc", "hosts")]
    runs += [("", "protocols", [b"%d" % (200 + i) for i in numbers]), ("", "rpc", [b"%d" % (300000 + i) for i in numbers]),
             ("", "networks", [b"10.%d.0.0" % (10 + i) for i in numbers]),
             ("", "services", [b"%d/tcp" % (4000 + i) for i in numbers]),
             ("", "hosts", [b"192.0.2.%d" % (50 + i) for i in numbers] + [b"2001:db8::%d" % (50 + i) for i in numbers])]
    runs += [(opt, db, raws) for db in ("ahosts", "ahostsv4", "ahostsv6") for opt in ("", "-A", "-i", "-A -i")]
    theirs_sh, ours_sh = _getent_script(runs)
    res = glibc_ns.run(FIXTURE, ["sh", "-c", theirs_sh + "\necho ====\n" + ours_sh],
                       env={"PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 0, res.stderr
    theirs, ours = res.stdout.split(b"====\n")
    assert b"e\x1b[31mred\x1b[0m" in theirs and b"in\xff\xfevalid" in theirs  # getent prints the bytes raw
    differ = [(run[:2], a, b) for run, a, b in zip(runs, theirs.split(b"@\n"), ours.split(b"@\n"), strict=False) if a != b]
    assert not differ
    assert theirs == ours


def test_getent_commands_write_the_bytes(tmp_path: Path) -> None:
    """Without glibc at hand: the bytes of the file come out unchanged (getent does not escape)."""
    res = lookup("services", arg(NAMES[0][1]), etc=FIXTURE)
    assert res.stdout == b"%-21s 4000/tcp %s-alias\n" % (NAMES[0][1], NAMES[0][1])
    res = lookup("hosts", "192.0.2.60", etc=FIXTURE)
    assert res.stdout == b"192.0.2.60      in\xff\xfevalid in\xff\xfevalid-alias\n"


# -- friendly commands, piped ----------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "raw", "shown", "i"), NAMES, ids=IDS)
def test_friendly_commands_escape(tag: str, raw: bytes, shown: str, i: int) -> None:
    name = arg(raw)
    out, err, rc = run_clean("serv", name)
    assert (out, err, rc) == (f"{shown} {4000 + i}/tcp registered {shown}-alias\n", "", 0)
    out, _, rc = run_clean("proto", str(200 + i))
    assert (out, rc) == (f"{shown} {200 + i} {shown}-alias\n", 0)
    out, _, rc = run_clean("net", f"10.{10 + i}.0.0")
    assert (out, rc) == (f"{shown} 10.{10 + i}.0.0 {shown}-alias\n", 0)
    out, _, rc = run_clean("host", name, f"{name}-alias", "--family", "4")
    assert (out, rc) == (f"{shown} 192.0.2.{50 + i}\n{shown}-alias 192.0.2.{50 + i}\n", 0)
    out, _, rc = run_clean("host", name, "--family", "6")
    assert (out, rc) == (f"2001:db8::{50 + i}\n", 0)
    out, _, rc = run_clean("addr", f"192.0.2.{50 + i}", str(4000 + i))
    assert (out, rc) == (f"{shown} {shown}\n", 0)
    _, err, rc = run_clean("serv", name + "x")
    assert (err, rc) == (f"lookup: service '{shown}x' not found in {FIXTURE}/services\n", 2)
    _, err, rc = run_clean("host", name + "x")
    assert (err, rc) == (f"lookup: {shown}x: Name or service not known (EAI_NONAME)\n", 2)


@pytest.mark.parametrize(("tag", "raw", "shown", "i"), NAMES, ids=IDS)
def test_json_round_trips(tag: str, raw: bytes, shown: str, i: int) -> None:
    name = arg(raw)
    docs = []
    for args in (["serv", name], ["proto", name], ["net", f"10.{10 + i}.0.0"], ["addr", f"192.0.2.{50 + i}", str(4000 + i)],
                 ["host", name, "--flag", "canonname", "--explain"]):
        res = lookup("--json", *args, etc=FIXTURE)
        assert res.returncode == 0, (args, res)
        assert res.stdout.isascii() and res.stdout.count(b"\n") == 1, res.stdout  # one line of ASCII JSON
        docs.append(json.loads(res.stdout))
    serv, proto, net, addr, host = docs
    for doc in (serv, proto, net):
        entry = doc["entries"][0]
        assert raw_of(entry["name"]) == raw and [raw_of(a) for a in entry["aliases"]] == [raw + b"-alias"]
    assert raw_of(addr["host"]) == raw and raw_of(addr["service"]) == raw
    assert raw_of(host["name"]) == raw and raw_of(host["canonical_name"]) == raw
    assert json.loads(json.dumps(host)) == host


# -- friendly commands on a terminal -------------------------------------------------------------


def _on_terminal(*args: str, etc: Path = FIXTURE) -> tuple[bytes, bytes, int]:
    """Run lookup with standard output on a pseudo-terminal (tables); stdout, stderr and status."""
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="200")
    env.pop("NETDB_ETC", None)
    proc = subprocess.Popen([sys.executable, "-m", "netdb", "--etc", str(etc), *args], stdout=slave,
                            stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read() if proc.stderr else b""
    rc = proc.wait(timeout=60)
    return b"".join(chunks).replace(b"\r\n", b"\n"), err, rc


def test_tables_on_a_terminal_escape() -> None:
    names = [arg(raw) for _t, raw, _s, _i in NAMES]
    for args in (["serv", names[0]], ["serv", "4010"], ["proto", names[5]], ["net", "10.16.0.0"],
                 ["addr", "192.0.2.57", "4007"], ["host", names[7], "--explain"], ["host", names[9]],
                 ["host", *names]):
        out, err, rc = _on_terminal(*args)
        assert rc == 0, (args, out, err)
        text = assert_clean(out)
        assert_clean(err)
        assert "\\x1b" in text or "\\u" in text or "\\x" in text, (args, text)
        assert "-----" in text or args[0] == "addr", text  # a table: the terminal form
    out, _, _ = _on_terminal("serv", names[0])
    assert "e\\x1b[31mred\\x1b[0m  4000/tcp" in out.decode() and "<- programs get this" in out.decode()


# -- other friendly commands ---------------------------------------------------------------------


def _hostile_etc(tmp_path: Path) -> Path:
    for f in FIXTURE.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "nsswitch.conf").write_bytes(b"hosts: files e\x1b]0;x\x07\xff dns\nservices: files\n")
    (tmp_path / "resolv.conf").write_bytes(b"nameserver 127.0.0.1\nsearch e\x1bx.test b\xffd.test\n"
                                           b"options timeout:1 attempts:1\n")
    (tmp_path / "services").write_bytes(b"x\x1by 12\x1b/tcp\nok 13/t\x9bcp\n")
    (tmp_path / "gai.conf").write_bytes(b"precedence ::1/128 50 \x1b[2J\nlabel \xff/8 3\n")
    return tmp_path


def test_check_config_explain_from_a_hostile_tree(tmp_path: Path) -> None:
    etc = _hostile_etc(tmp_path)
    out, err, rc = run_clean("check", etc=etc)
    assert rc == 1 and "services:1:" in out, (out, err)
    out, err, _ = run_clean("config", etc=etc)
    assert "e\\x1b]0;x\\x07\\xff" in out and "search e\\x1bx.test b\\xffd.test" in out, out
    out, err, rc = run_clean("host", "nosuch", "--explain", etc=etc)  # files, the unknown source, dns (port 53: closed)
    assert "e\\x1b]0;x\\x07\\xff" in out, out
    res = lookup("--json", "config", etc=etc)
    doc = json.loads(res.stdout)
    sources = [s["name"] for s in doc["switch"]["databases"][0]["sources"]]
    assert raw_of(sources[1]) == b"e\x1b]0;x\x07\xff"


def test_bulk_from_a_file(tmp_path: Path) -> None:
    names = tmp_path / "names"
    names.write_bytes(b"".join(raw + b"\n" for _t, raw, _s, _i in NAMES) + b"no\x1bsuch\n")
    out, err, rc = run_clean("host", "--from", str(names), "--family", "4")
    assert rc == 2 and err == "lookup: no\\x1bsuch: Name or service not known (EAI_NONAME)\n"
    assert out.splitlines() == [f"{shown} 192.0.2.{50 + i}" for _t, _r, shown, i in NAMES]
    res = lookup("--json", "host", "--from", str(names), etc=FIXTURE)
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [raw_of(d["name"]) for d in docs] == [raw for _t, raw, _s, _i in NAMES] + [b"no\x1bsuch"]


def test_usage_errors_quote_arguments_escaped() -> None:
    bad = arg(b"x\x1b\xff\xe2\x80\xae")
    shown = "x\\x1b\\xff\\u202e"
    for args, message in ((["host", "web", "--family", bad], f"--family must be 4, 6 or any, not '{shown}'"),
                          (["addr", bad], f"'{shown}' is not a numeric IPv4 or IPv6 address"),
                          (["host", "web", "--flag", bad], f"unknown --flag '{shown}'"),
                          (["serv", f"--{bad}"], f"No such option: --{shown}")):
        _, err, rc = run_clean(*args)
        assert rc == 64 and err.startswith("lookup: " + message), (args, err)
    res = lookup("serv", "x", etc=arg(b"/nonexistent/\x1b[2J\xff"))
    assert (res.returncode, res.stderr) == (66, b"lookup: --etc /nonexistent/\\x1b[2J\\xff: no such directory\n")


# -- names from DNS -------------------------------------------------------------------------------

DNS_RECORDS = {
    "50.2.0.192.in-addr.arpa": {"PTR": r"e\027[31mred.test."},
    "51.2.0.192.in-addr.arpa": {"PTR": r"in\255valid.test."},
    "52.2.0.192.in-addr.arpa": {"PTR": "fine.test."},
    "alias.test": {"CNAME": r"b\007l.test."},
    r"b\007l.test": {"A": "192.0.2.7"},
    "fine.test": {"A": "192.0.2.52"},
}


@pytest.fixture
def dns_etc(tmp_path: Path) -> Any:
    with faultdns.FaultServer(DNS_RECORDS) as srv:
        (tmp_path / "nsswitch.conf").write_text("hosts: dns\n")
        (tmp_path / "resolv.conf").write_bytes(b"nameserver 127.0.0.1\nsearch e\x1bx.test\n"
                                               b"options timeout:1 attempts:1\n")
        (tmp_path / "hosts").write_text("")
        yield tmp_path, f"{srv.address}:{srv.port}"
        assert not srv.errors, srv.errors


def test_dns_names_with_control_bytes(dns_etc: tuple[Path, str]) -> None:
    etc, server = dns_etc
    ns = ["--nameserver", server]
    # glibc (and netdb) skip a PTR target that is not a host name: the numeric form is what programs get
    for last, shown in ((50, "192.0.2.50"), (51, "192.0.2.51"), (52, "fine.test")):
        out, err, rc = run_clean(*ns, "addr", f"192.0.2.{last}", "--explain", etc=etc)
        assert rc == 0 and out.splitlines()[0] == shown, (out, err)
        doc = json.loads(lookup("--json", *ns, "addr", f"192.0.2.{last}", "--explain", etc=etc).stdout)
        assert doc["host"] == shown
    _, err, rc = run_clean(*ns, "addr", "192.0.2.50", "--name-required", etc=etc)
    assert rc == 2 and err == "lookup: 192.0.2.50: Name or service not known (EAI_NONAME)\n"
    # a CNAME whose target is not a host name; a typed name with ESC (refused before sending); the search domain
    for name in ("alias.test", arg(b"x\x1by.test"), "web", arg(b"\xff")):
        out, err, rc = run_clean(*ns, "host", name, "--explain", etc=etc)
        assert "how:" in out, (name, out, err)
        res = lookup("--json", *ns, "host", name, "--explain", etc=etc)
        doc = json.loads(res.stdout)
        assert raw_of(doc["name"]) == os.fsencode(name)
    out, _, _ = run_clean(*ns, "host", "web", "--explain", etc=etc)
    assert "web.e\\027x.test." in out  # the query name as DNS text: the ESC byte as \027


def test_letters_on_an_ascii_only_stream() -> None:
    """A letter the output encoding lacks is written as an escape, not a failure (status 70)."""
    for env in ({"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}):
        res = lookup("serv", "4011", etc=FIXTURE, env=env)
        assert (res.returncode, res.stdout, res.stderr) == (0, b"caf\\xe9 4011/tcp registered caf\\xe9-alias\n", b"")
    res = lookup("serv", "caf\u00e9x", etc=FIXTURE, env={"PYTHONIOENCODING": "ascii"})
    assert res.returncode == 2 and res.stderr.startswith(b"lookup: service 'caf\\xe9x' not found"), res.stderr


@pytest.mark.glibc
def test_compare_escapes(glibc: Any) -> None:
    """``compare`` asks this machine's libc too, so it runs where /etc is the fixture (and DNS is loopback)."""
    python = shlex.quote(sys.executable)
    name = shlex.quote(arg(NAMES[0][1]))
    script = (f"{python} -m netdb --etc /etc compare {name}; echo \"@rc=$?@\"; "
              f"{python} -m netdb --etc /etc --json compare {name}")
    res = glibc_ns.run(FIXTURE, ["sh", "-c", script], env={"PYTHONPATH": str(ROOT / "src")})
    assert_clean(res.stderr)
    human, rest = res.stdout.split(b"@rc=")
    rc, doc = rest.split(b"@\n")
    assert rc == b"1"  # the files and nss paths know the name, DNS alone does not
    text = assert_clean(human, allow="\n\t")
    assert "e\\x1b[31mred\\x1b[0m" in text
    assert raw_of(json.loads(doc)["name"]) == NAMES[0][1]


def test_connect_escapes_names_it_cannot_resolve() -> None:
    _, err, rc = run_clean("connect", arg(b"no\x1b]0;x\x07\xff"), "80")
    assert (err, rc) == ("lookup: no\\x1b]0;x\\x07\\xff 80: Name or service not known (EAI_NONAME)\n", 2)
    res = lookup("--json", "connect", arg(b"no\x1b\xff"), "80", etc=FIXTURE)
    assert res.returncode == 2 and raw_of(json.loads(res.stdout)["host"]) == b"no\x1b\xff"
