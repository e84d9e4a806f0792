"""Run the `lookup` command as users do: a separate process, with fixture /etc trees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lookup(*args: str, etc: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None,
           input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``lookup ARGS`` (``python -m netdb``) and capture its output."""
    run_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    run_env.pop("NETDB_ETC", None)
    if env:
        run_env.update(env)
    argv = [sys.executable, "-m", "netdb"]
    if etc is not None:
        argv += ["--etc", str(etc)]
    return subprocess.run(argv + list(args), capture_output=True, env=run_env, input=input, timeout=60)


@pytest.fixture
def edge_etc(tmp_path: Path) -> Path:
    """An /etc tree with the edge-case services/protocols/networks/rpc fixtures and files-only switch."""
    for kind in ("services", "protocols", "networks", "rpc"):
        (tmp_path / kind).write_bytes((ROOT / "fixtures" / kind / "edge").read_bytes())
    (tmp_path / "nsswitch.conf").write_text("services: files\nprotocols: files\nnetworks: files\nrpc: files\nhosts: files\n")
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n::1 localhost ip6-localhost\n192.0.2.10 web.example.test web\n")
    (tmp_path / "host.conf").write_text("multi on\n")
    (tmp_path / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return tmp_path
