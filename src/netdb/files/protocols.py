"""Parser for /etc/protocols: ``name number [alias ...]`` (the number strictly decimal)."""

from __future__ import annotations

from ..records import protoent
from ._numbered import parse_numbered
from .diagnostics import Parsed

__all__ = ["parse_protocols"]


def parse_protocols(text: str, path: str = "/etc/protocols") -> Parsed[protoent]:
    """Parse protocols-file text into ``protoent`` records and diagnostics."""
    rows, diags = parse_numbered(text, path, "protocol number")
    return Parsed([protoent(n, a, v) for _, n, v, a in rows], [r[0] for r in rows], diags)
