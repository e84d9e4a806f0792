"""Output for the friendly commands: safe text, tables, JSON.

Names come from files, from DNS and from the command line, and may hold
anything: control characters, newlines, terminal escape sequences, bidi
overrides, bytes that are not UTF-8.  Every line of human output goes through
``safe`` (``write``, ``write_row`` and ``warn`` apply it), which makes such
characters visible instead of letting them act on the terminal or split a
line:

* a byte — an ASCII control (C0, DEL) or a byte that is not UTF-8 (carried
  as a surrogateescape surrogate) — is written ``\\xNN``: ESC is ``\\x1b``,
  an undecodable 0xff is ``\\xff``;
* a Unicode character that is a control (C1, e.g. U+009B CSI), a format
  character (bidi overrides and isolates such as U+202E, zero-width marks;
  ZWJ and ZWNJ excepted), a line or paragraph separator, or a surrogate is
  written ``\\uNNNN`` (``\\UNNNNNNNN`` beyond the BMP);
* everything else — letters of any script, digits, punctuation, spaces,
  backslashes — is written as it is.

``safe`` is idempotent, so text escaped once (table cells, aligned columns)
passes through unchanged.  A backslash is not doubled: human output is for
reading; ``--json`` is the exact form.

``--json`` output is ASCII-only JSON (``json.dumps`` with ``ensure_ascii``):
controls and every non-ASCII character are ``\\uNNNN`` escapes, and a byte
that is not UTF-8 is the lone surrogate ``\\udcNN`` (Python's surrogateescape
convention: ``json.loads(out)[...].encode("utf-8", "surrogateescape")`` gives
the file's bytes back).

The getent-compatible commands do not use this module: they print the bytes
of the files exactly as getent does, controls included.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["emit_json", "is_terminal", "quote", "safe", "shown", "table", "warn", "write", "write_lines", "write_row"]

_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: needed to spell words in several scripts
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def _escape(c: str) -> str:
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"


def _unsafe(c: str) -> bool:
    import unicodedata

    return unicodedata.category(c) in _UNSAFE_CATEGORIES and c not in _KEEP_FORMAT


def safe(text: str) -> str:
    """``text`` with every control, format (bidi), separator or undecodable character escaped."""
    if text.isascii():
        if text.isprintable():
            return text
        return "".join(_escape(c) if c < " " or c == "\x7f" else c for c in text)
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def quote(text: str) -> str:
    """``text`` in single quotes, for messages (escaped when the message is printed)."""
    return f"'{text}'"


def shown(name: str) -> str:
    """A name as messages show it: as it is, or ``''`` when it is empty."""
    return name if name else "''"


def is_terminal() -> bool:
    """True when standard output is a terminal (tables) rather than a pipe (lines)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def write(line: str = "") -> None:
    """Print one line of human output, escaped (a table's lines: one call each, or ``write_lines``)."""
    sys.stdout.write(safe(line) + "\n")


def write_lines(lines: Sequence[str]) -> None:
    """Print several lines of human output, each escaped."""
    for line in lines:
        write(line)


def write_row(cells: Sequence[str], sep: str = "\t") -> None:
    """Print one line of fields, each escaped, joined by ``sep`` (which is written as it is)."""
    sys.stdout.write(sep.join(safe(c) for c in cells) + "\n")


def warn(message: str) -> None:
    """Print ``lookup: MESSAGE`` on standard error, escaped, as one line."""
    sys.stderr.write(f"lookup: {safe(message)}\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain aligned table, as lines (the cells are escaped here, before widths are measured)."""
    cells = [[safe(str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()]
    lines += [fmt.format(*row).rstrip() for row in cells]
    return lines


def emit_json(document: Any) -> None:
    """Print a JSON document (one per command run, or one per line for streams), ASCII only."""
    import json  # only --json pays for it

    sys.stdout.write(json.dumps(document, ensure_ascii=True, indent=None if not is_terminal() else 2) + "\n")
