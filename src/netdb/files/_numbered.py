"""The ``name number [alias ...]`` line shared by /etc/protocols and /etc/rpc."""

from __future__ import annotations

from ._lineparse import records
from ._text import c_int, strtou32
from .diagnostics import Diagnostic

NumberedLine = tuple[int, str, int, tuple[str, ...]]


def parse_numbered(text: str, path: str, what: str) -> tuple[list[NumberedLine], list[Diagnostic]]:
    """Parse lines of a decimal number after a name; glibc skips any other line.

    Returns ``(lineno, name, number, aliases)`` tuples and the diagnostics.
    ``what`` names the number in messages ("protocol number", "program number").
    """
    out: list[NumberedLine] = []
    diags: list[Diagnostic] = []
    for lineno, fields, _ in records(text):
        field = fields[1] if len(fields) > 1 else ""
        number = strtou32(field, 10)
        if number is None or number[1] != len(field):
            why = f"no {what}" if not field else f"{what} {field!r} is not a decimal number from 0 to 4294967295"
            diags.append(Diagnostic(path, lineno, f"{why}; glibc ignores this line"))
            continue
        out.append((lineno, fields[0], c_int(number[0]), tuple(fields[2:])))
    return out, diags
