"""`lookup compare` and `--explain` where /etc/hosts and DNS disagree (Knot on loopback).

The commands run inside the private namespace whose /etc points at Knot, so
the `system` path (this machine's libc) reads the same files as netdb.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n198.51.100.7\tindns.test stale-name\n"


def _lookup_in(env: Any, *args: str) -> tuple[int, str]:
    """Run `lookup --etc /etc ARGS` in the namespace; (status, stdout)."""
    cmd = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "netdb", "--etc", "/etc", *args])
    res = env.run(["sh", "-c", f"PYTHONPATH={shlex.quote(str(ROOT / 'src'))} {cmd}; echo \"rc=$?\""])
    out = res.text
    body, _, rc = out.rpartition("rc=")
    return int(rc.strip()), body


@pytest.fixture
def env(knot53: Any, glibc_env: Any) -> Any:
    return glibc_env([knot53], nsswitch="hosts: files dns\n", hosts=HOSTS)


def test_compare_names_the_hosts_line_that_answers_before_dns(env: Any) -> None:
    status, out = _lookup_in(env, "--json", "compare", "indns.test", "--family", "4")
    doc = json.loads(out)
    assert status == 1 and doc["agree"] is False
    assert doc["paths"]["nss"]["addresses"] == ["198.51.100.7"]
    assert doc["paths"]["nss"]["source"] == "files"
    assert doc["paths"]["files"]["addresses"] == ["198.51.100.7"]
    assert doc["paths"]["dns"]["addresses"] == ["192.0.2.101"]
    assert doc["paths"]["system"]["addresses"] == ["198.51.100.7"]  # libc agrees with netdb's model
    finding = doc["findings"][0]
    assert finding.startswith("/etc/hosts line 3 answers before DNS") and "192.0.2.101" in finding


def test_compare_agrees_for_a_name_only_in_dns(env: Any) -> None:
    status, out = _lookup_in(env, "--json", "compare", "v4.test")
    doc = json.loads(out)
    assert status == 0 and doc["agree"] is True, doc
    assert doc["paths"]["nss"]["source"] == "dns"
    assert doc["paths"]["files"]["error"]["name"] == "EAI_NONAME"


def test_compare_text_output(env: Any) -> None:
    status, out = _lookup_in(env, "compare", "indns.test", "--family", "4")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith("nss\t198.51.100.7") and lines[2].startswith("dns\t192.0.2.101")
    assert any("answers before DNS" in line for line in lines)


def test_explain_shows_each_dns_query(env: Any) -> None:
    status, out = _lookup_in(env, "host", "v4.test", "--explain", "--family", "4")
    assert status == 0
    assert "files" in out and "NOTFOUND" in out
    assert "dns" in out and "v4.test." in out and "NOERROR" in out
    status, out = _lookup_in(env, "--json", "host", "v4.test", "--explain")
    doc = json.loads(out)
    dns_step = next(s for s in doc["explain"]["steps"] if s["source"] == "dns")
    assert dns_step["queries"] and {q["qtype"] for q in dns_step["queries"]} >= {"A", "AAAA"}


def test_via_paths(env: Any) -> None:
    assert _lookup_in(env, "host", "indns.test", "--family", "4", "--via", "files")[1].split() == ["198.51.100.7"]
    assert _lookup_in(env, "host", "indns.test", "--family", "4", "--via", "dns")[1].split() == ["192.0.2.101"]
    assert _lookup_in(env, "host", "indns.test", "--family", "4", "--via", "system")[1].split() == ["198.51.100.7"]
    assert _lookup_in(env, "host", "indns.test", "--via", "bogus")[0] == 64
    assert _lookup_in(env, "addr", "192.0.2.101", "--via", "dns")[1].split() == ["indns.test"]
