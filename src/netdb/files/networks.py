"""Parser for /etc/networks: ``name network [alias ...]``.

glibc pads the network with ``.0`` to four parts (``127`` becomes
``127.0.0.0``) and reads it with ``inet_network``.  A network it cannot read
does not drop the line: the entry gets 255.255.255.255 (INADDR_NONE).
"""

from __future__ import annotations

import socket

from ..inet import INADDR_NONE, inet_network
from ..records import netent
from ._lineparse import records
from .diagnostics import Diagnostic, Parsed

__all__ = ["pad_network", "parse_networks"]


def pad_network(text: str) -> str:
    """Append ``.0`` until the network has four dotted parts, as glibc does."""
    parts = min(text.count("."), 3) + 1
    return text + ".0" * (4 - parts)


def parse_networks(text: str, path: str = "/etc/networks") -> Parsed[netent]:
    """Parse networks-file text into ``netent`` records and diagnostics."""
    entries: list[netent] = []
    lines: list[int] = []
    diags: list[Diagnostic] = []
    for lineno, fields, _ in records(text):
        name = fields[0]
        field = fields[1] if len(fields) > 1 else ""
        net = inet_network(pad_network(field))
        if net == INADDR_NONE and pad_network(field) != "255.255.255.255":
            what = f"network {field!r}" if field else "no network"
            diags.append(Diagnostic(path, lineno, f"{what} is not a network number; glibc keeps the line as 255.255.255.255", "warning"))
        entries.append(netent(name, tuple(fields[2:]), socket.AF_INET, net))
        lines.append(lineno)
    return Parsed(entries, lines, diags)
