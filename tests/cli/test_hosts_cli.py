"""`lookup hosts|ahosts|ahostsv4|ahostsv6` against getent, and `lookup host`/`addr` outputs.

getent's ahosts output depends on the machine's addresses (AI_ADDRCONFIG and
the RFC 6724 order), so both commands run in the same private namespace.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.conftest import ROOT, lookup
from support import glibc_ns

FIXTURE = ROOT / "fixtures" / "etc-gai-main"

KEYS = ["localhost", "LOCALHOST", "dual", "v4only", "v6only", "multi", "foo-alias", "nosuch", "127.1", "0x7f.1",
        "2130706433", "::1", "::ffff:127.0.0.1", "fe80::1%lo", "192.0.2.10", "2001:db8::10", "web.example.com",
        "s-global", "s-v6", "trailing.example.", "foo.", ""]


def _both(db: str, no_addrconfig: bool, netns: bool) -> tuple[list[str], list[str]]:
    """Run getent and lookup for every key in one namespace; their outputs, each key followed by its status."""
    getent_opt = "-A " if no_addrconfig else ""
    our_opt = " -A" if no_addrconfig else ""
    python = shlex.quote(sys.executable)
    glibc_part = "\n".join(f"getent {getent_opt}{db} -- {shlex.quote(k)}; echo \"rc=$?\"" for k in KEYS)
    ours_part = "\n".join(f"{python} -m netdb --etc /etc {db}{our_opt} -- {shlex.quote(k)}; echo \"rc=$?\"" for k in KEYS)
    res = glibc_ns.run(FIXTURE, ["sh", "-c", glibc_part + "\necho ====\n" + ours_part], netns=netns,
                       env={"PYTHONPATH": str(ROOT / "src")})
    assert res.returncode == 0, res.stderr
    theirs, ours = res.text.split("====\n")
    return theirs.splitlines(), ours.splitlines()


@pytest.mark.glibc
@pytest.mark.parametrize("netns", [True, False], ids=["lo", "host"])
@pytest.mark.parametrize("no_addrconfig", [False, True], ids=["", "-A"])
@pytest.mark.parametrize("db", ["hosts", "ahosts", "ahostsv4", "ahostsv6"])
def test_like_getent(glibc: Any, db: str, no_addrconfig: bool, netns: bool) -> None:
    if db == "hosts" and no_addrconfig:
        pytest.skip("-A applies to the ahosts databases")
    theirs, ours = _both(db, no_addrconfig, netns)
    assert ours == theirs


def test_host_piped_json_and_errors(edge_etc: Path) -> None:
    res = lookup("host", "web", etc=edge_etc)
    assert res.returncode == 0
    assert res.stdout.decode().split() == ["192.0.2.10"]
    res = lookup("host", "web", "localhost", etc=edge_etc)
    lines = res.stdout.decode().splitlines()
    assert lines[0] == "web 192.0.2.10" and {"localhost ::1", "localhost 127.0.0.1"} <= set(lines)
    res = lookup("--json", "host", "web", "--flag", "canonname", etc=edge_etc)
    doc = json.loads(res.stdout)
    assert doc["canonical_name"] == "web.example.test"
    assert doc["addresses"][0]["address"] == "192.0.2.10"
    assert doc["addresses"][0]["source"].endswith("hosts line 3")
    assert [r["type"] for r in doc["addresses"][0]["results"]] == ["stream", "dgram", "raw"]
    res = lookup("--json", "host", "nosuch", etc=edge_etc)
    assert res.returncode == 2
    assert json.loads(res.stdout)["error"] == {"code": -2, "name": "EAI_NONAME", "message": "Name or service not known"}
    res = lookup("host", "nosuch", etc=edge_etc)
    assert res.returncode == 2 and res.stderr == b"lookup: nosuch: Name or service not known (EAI_NONAME)\n"
    for bad in (["--family", "5"], ["--type", "bogus"], ["--flag", "nosuch"]):
        res = lookup("host", "web", *bad, etc=edge_etc)
        assert res.returncode == 64 and res.stderr.count(b"\n") == 1, (bad, res)


def test_host_explain_names_file_lines_and_rules(edge_etc: Path) -> None:
    res = lookup("host", "localhost", "--explain", etc=edge_etc)
    text = res.stdout.decode()
    assert "files" in text and "SUCCESS" in text and "lines 1, 2" in text
    assert "rule" in text  # why ::1 and 127.0.0.1 are in their order
    doc = json.loads(lookup("--json", "host", "localhost", "--explain", etc=edge_etc).stdout)
    assert doc["explain"]["steps"][0]["source"] == "files"
    assert doc["explain"]["order"] and doc["explain"]["order"][0].startswith("rule")


def test_addr(edge_etc: Path) -> None:
    assert lookup("addr", "192.0.2.10", etc=edge_etc).stdout == b"web.example.test\n"
    assert lookup("addr", "192.0.2.10", "80", etc=edge_etc).stdout == b"web.example.test http\n"
    assert lookup("addr", "192.0.2.10", "80", "--numeric-serv", etc=edge_etc).stdout == b"web.example.test 80\n"
    assert lookup("addr", "192.0.2.99", etc=edge_etc).stdout == b"192.0.2.99\n"
    res = lookup("addr", "192.0.2.99", "--name-required", etc=edge_etc)
    assert res.returncode == 2
    assert lookup("addr", "192.0.2.10", "--numeric-host", etc=edge_etc).stdout == b"192.0.2.10\n"
    doc = json.loads(lookup("--json", "addr", "127.0.0.1", "22", etc=edge_etc).stdout)
    assert doc["host"] == "localhost" and doc["host_source"].endswith("hosts line 1")
    for bad in (["1.2.3.4.5"], ["::1::"], ["127.0.0.1", "65536"], ["fe80::1%nosuchif"]):
        res = lookup("addr", *bad, etc=edge_etc)
        assert res.returncode == 64 and b"Traceback" not in res.stderr, (bad, res)
