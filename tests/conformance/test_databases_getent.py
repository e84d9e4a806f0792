"""services, protocols, networks, rpc: our parsers and getent formats vs getent itself.

Enumeration output must be byte-for-byte what ``getent DB`` prints for the same
file, for our edge-case fixtures and for this machine's own /etc files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdb import getent_format as fmt
from netdb.files._text import decode
from netdb.files.networks import parse_networks
from netdb.files.protocols import parse_protocols
from netdb.files.rpc import parse_rpc
from netdb.files.services import parse_services
from support import glibc_ns

ROOT = Path(__file__).resolve().parents[2]
DATABASES = {
    "services": (parse_services, fmt.format_services),
    "protocols": (parse_protocols, fmt.format_protocols),
    "networks": (parse_networks, fmt.format_networks),
    "rpc": (parse_rpc, fmt.format_rpc),
}


def _ours(db: str, data: bytes) -> bytes:
    parse, format_entry = DATABASES[db]
    return b"".join(format_entry(e) for e in parse(decode(data)).entries)  # type: ignore[operator]


@pytest.mark.glibc
@pytest.mark.parametrize("db", sorted(DATABASES))
@pytest.mark.parametrize("origin", ["fixture", "system"])
def test_enumeration_matches_getent(glibc: object, db: str, origin: str) -> None:
    path = ROOT / "fixtures" / db / "edge" if origin == "fixture" else Path("/etc") / db
    if not path.exists():
        pytest.skip(f"{path} does not exist on this machine")
    data = path.read_bytes()
    res = glibc_ns.getent({db: data, "nsswitch.conf": f"{db}: files\n"}, db)
    assert res.returncode == 0
    assert _ours(db, data) == res.stdout
