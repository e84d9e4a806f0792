"""Output for the friendly commands: safe text, tables, JSON.

Names come from files and from DNS and may hold anything: control
characters, newlines, terminal escape sequences, bytes that are not UTF-8.
``safe`` makes any of them visible instead of letting them act on the
terminal or split a line: ``\\n`` becomes ``\\x0a``-style escapes, undecodable
bytes ``\\xff``.  JSON output escapes through ``json.dumps`` (undecodable
bytes as ``\\udcff`` surrogates, the Python convention for raw bytes).  The
getent-compatible commands do not use this module: they print bytes exactly
as getent does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["emit_json", "is_terminal", "safe", "table", "write"]

_ESCAPED = {c: f"\\x{c:02x}" for c in range(0x20)}
_ESCAPED[0x7F] = "\\x7f"
_ESCAPED[0x5C] = "\\\\"
for _c in range(0x80, 0xA0):  # C1 controls (CSI 0x9b starts escape sequences too)
    _ESCAPED[_c] = f"\\x{_c:02x}"
for _c in range(0xDC80, 0xDD00):  # surrogateescape'd bytes that were not UTF-8
    _ESCAPED[_c] = f"\\x{_c - 0xDC00:02x}"
for _c in (0x2028, 0x2029, 0x202E, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069):
    _ESCAPED[_c] = f"\\u{_c:04x}"


def safe(text: str) -> str:
    """``text`` with every control, bidi-override or undecodable character escaped."""
    if text.isprintable() and text.isascii() and "\\" not in text:
        return text
    return text.translate(_ESCAPED)


def is_terminal() -> bool:
    """True when standard output is a terminal (tables) rather than a pipe (lines)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def write(line: str = "") -> None:
    """Print one line of already-safe text."""
    sys.stdout.write(line + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table (the cells are escaped here)."""
    cells = [[safe(str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()]
    lines += [fmt.format(*row).rstrip() for row in cells]
    return "\n".join(lines)


def emit_json(document: Any) -> None:
    """Print a JSON document (one per command run, or one per line for streams)."""
    import json  # only --json pays for it

    sys.stdout.write(json.dumps(document, ensure_ascii=True, indent=None if not is_terminal() else 2) + "\n")
