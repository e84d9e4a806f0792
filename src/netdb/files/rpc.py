"""Parser for /etc/rpc: ``name number [alias ...]`` (the number strictly decimal)."""

from __future__ import annotations

from ..records import rpcent
from ._numbered import parse_numbered
from .diagnostics import Parsed

__all__ = ["parse_rpc"]


def parse_rpc(text: str, path: str = "/etc/rpc") -> Parsed[rpcent]:
    """Parse rpc-file text into ``rpcent`` records and diagnostics."""
    rows, diags = parse_numbered(text, path, "program number")
    return Parsed([rpcent(n, a, v) for _, n, v, a in rows], [r[0] for r in rows], diags)
