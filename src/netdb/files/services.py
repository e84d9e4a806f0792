"""Parser for /etc/services: ``name port/protocol [alias ...]``.

As glibc 2.36 reads it: the port is a C number with base detection (``0x10`` is
16, ``010`` is 8), kept modulo 65536, and refused when negative or above
2**32-1; several slashes may follow it; a line with no ``/protocol`` is kept
with an empty protocol; the protocol is everything up to the next space
(``tcp/extra`` included) and its case is kept.
"""

from __future__ import annotations

from ..records import servent
from ._lineparse import records
from ._text import strtou32
from .diagnostics import Diagnostic, Parsed

__all__ = ["parse_services"]


def parse_services(text: str, path: str = "/etc/services") -> Parsed[servent]:
    """Parse services-file text into ``servent`` records and diagnostics."""
    entries: list[servent] = []
    lines: list[int] = []
    diags: list[Diagnostic] = []
    for lineno, fields, content in records(text):
        name = fields[0]
        if len(fields) < 2:
            diags.append(Diagnostic(path, lineno, f"service {name!r} has no port; glibc ignores this line"))
            continue
        field = fields[1]
        # Most ports are plain decimal ("3306/tcp"): int() reads them as
        # strtoul does; anything else (0x.., octal, signs, > 9 digits) goes to strtou32.
        slash = field.find("/")
        digits = field if slash < 0 else field[:slash]
        if digits.isdigit() and digits.isascii() and len(digits) < 10 and (len(digits) == 1 or digits[0] != "0"):
            number: tuple[int, int] | None = (int(digits), len(digits))
        else:
            number = strtou32(field, 0)
        if number is None:
            diags.append(Diagnostic(path, lineno, f"port {field!r} is not a number from 0 to 4294967295; glibc ignores this line"))
            continue
        value, end = number
        after = field[end:]
        if after.startswith("/"):
            proto = after.lstrip("/")
        elif after:
            diags.append(Diagnostic(path, lineno, f"port {field!r} has {after[0]!r} after the number {field[:end]!r}; glibc ignores this line"))
            continue
        elif len(fields) > 2 or not content.endswith(field):
            # Without a slash, the port must end the line: glibc refuses even
            # trailing spaces (or the \r of a CRLF line) after it.
            diags.append(Diagnostic(path, lineno, f"port {field!r} must be followed directly by /protocol; glibc ignores this line"))
            continue
        else:
            proto = ""
            diags.append(Diagnostic(path, lineno, f"service {name!r} has no /protocol; glibc keeps it with an empty protocol", "warning"))
        port = value & 0xFFFF
        if port != value:
            diags.append(Diagnostic(path, lineno, f"port {value} is above 65535; glibc uses {port} (the value modulo 65536)", "warning"))
        elif not field[:end].isdigit() or (field[0] == "0" and end > 1):
            diags.append(Diagnostic(path, lineno, f"port {field[:end]!r} is read as the C number {port}", "warning"))
        entries.append(servent(name, tuple(fields[2:]), port, proto))
        lines.append(lineno)
    return Parsed(entries, lines, diags)
