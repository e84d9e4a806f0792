"""Domain names exactly as glibc's resolver handles them.

Names are kept in two forms, as in glibc:

* **text** (``bytes``): what the C functions take and return, with the
  escapes ``\\.``, ``\\\\`` and ``\\DDD``;
* **wire** (``bytes``): uncompressed labels, each prefixed by its length,
  ending with the empty root label.

``pton`` is ``ns_name_pton`` (text → wire; ``None`` where glibc fails),
``ntop`` is ``ns_name_ntop`` (wire → text, escaping the special and the
non-printable bytes), ``unpack`` is ``ns_name_unpack`` (a possibly
compressed name inside a message), ``res_hnok`` / ``binary_hnok`` are the host
name checks nss_dns applies to names it sends and to names it accepts from
answers: printable ASCII, every label made of ``[A-Za-z0-9_-]``, the first
label not starting with ``-``.
"""

from __future__ import annotations

__all__ = [
    "MAXCDNAME",
    "MAXDNAME",
    "binary_hnok",
    "hnok_wire",
    "lower_wire",
    "ntop",
    "pton",
    "res_hnok",
    "samename",
    "unpack",
]

MAXCDNAME = 255
"""The longest name in wire form (``NS_MAXCDNAME``)."""
MAXDNAME = 1025
"""The size of glibc's text name buffers (``MAXDNAME``)."""

_DIGITS = b"0123456789"
_SPECIAL = frozenset(b'".;\\()@$')
_HOST_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")
_HOST_CHARS = bytes(sorted(_HOST_BYTES))
_HOST_CHARS_DOT = _HOST_CHARS + b"."
_GRAPHIC = bytes(range(0x21, 0x7F))
_LENGTH_OCTET = [bytes((n,)) for n in range(64)]  # a label's length octet
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def pton(text: bytes, limit: int = MAXCDNAME) -> bytes | None:
    """``ns_name_pton``: a text name to wire form, or None where glibc returns -1.

    ``\\DDD`` must have three digits and be at most 255; ``\\X`` is X; an
    empty label (``a..b``, ``.a``) or a label over 63 octets fails, and so
    does a result over ``limit`` octets.  ``""`` and ``"."`` are the root.
    """
    if 0x5C not in text and text and text != b".":  # no escapes: the labels are the dot-separated fields
        labels = (text[:-1] if text[-1] == 0x2E else text).split(b".")
        if b"" in labels or max(map(len, labels)) > 63:
            return None
        wire = b"".join([_LENGTH_OCTET[len(label)] + label for label in labels]) + b"\0"
        return wire if len(wire) <= limit else None
    return _pton_escaped(text, limit)


def _pton_escaped(text: bytes, limit: int) -> bytes | None:
    """``pton`` for any text, escapes included (the general loop)."""
    out = bytearray()
    label = bytearray()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        i += 1
        if c == 0x5C:  # backslash: the next character is literal, or \DDD
            if i >= n:
                break  # a lone trailing backslash is dropped, as glibc does
            c = text[i]
            i += 1
            if c in _DIGITS:
                if i + 1 >= n:
                    return None
                d2, d3 = text[i], text[i + 1]
                if d2 not in _DIGITS or d3 not in _DIGITS:
                    return None
                value = (c - 48) * 100 + (d2 - 48) * 10 + (d3 - 48)
                if value > 255:
                    return None
                c = value
                i += 2
            label.append(c)
        elif c == 0x2E:  # a dot ends a label
            length = len(label)
            if length > 63:
                return None
            if i >= n:  # the final dot: fully qualified
                if length:
                    out.append(length)
                    out += label
                out.append(0)
                return bytes(out) if len(out) <= limit else None
            if length == 0 or text[i] == 0x2E:
                return None
            out.append(length)
            out += label
            label.clear()
        else:
            label.append(c)
    length = len(label)
    if length > 63:
        return None
    if length:
        out.append(length)
        out += label
    out.append(0)
    return bytes(out) if len(out) <= limit else None


def ntop(wire: bytes) -> bytes:
    """``ns_name_ntop``: wire form to text (no trailing dot; the root is ``.``)."""
    if not wire or wire[0] == 0:
        return b"."
    parts = []
    i = 0
    while True:
        length = wire[i]
        if length == 0:
            break
        label = wire[i + 1 : i + 1 + length]
        i += 1 + length
        if any(c in _SPECIAL or c <= 0x20 or c >= 0x7F for c in label):
            buf = bytearray()
            for c in label:
                if c in _SPECIAL:
                    buf += b"\\" + bytes((c,))
                elif c <= 0x20 or c >= 0x7F:
                    buf += b"\\%03d" % c
                else:
                    buf.append(c)
            parts.append(bytes(buf))
        else:
            parts.append(label)
    return b".".join(parts)


def binary_hnok(wire: bytes) -> bool:
    """``__res_binary_hnok``: every label of ``[A-Za-z0-9_-]``, the first not starting with ``-``."""
    if len(wire) > 1 and wire[0] and wire[1] == 0x2D:
        return False
    i = 0
    while True:
        length = wire[i]
        if length == 0:
            return True
        if wire[i + 1 : i + 1 + length].translate(None, _HOST_CHARS):  # a byte outside the set is left
            return False
        i += 1 + length


def res_hnok(text: bytes) -> bool:
    """``res_hnok``: printable ASCII that ``pton`` accepts and ``binary_hnok`` passes."""
    return hnok_wire(text) is not None


def hnok_wire(text: bytes) -> bytes | None:
    """The wire form of a name ``res_hnok`` accepts, else None (the check and the encoding at once)."""
    if text.translate(None, _GRAPHIC):  # printable ASCII without the space: 0x21-0x7E
        return None
    wire = pton(text)
    if wire is None:
        return None
    if 0x5C not in text:  # no escapes: the labels are the text's dot-separated fields, as they are
        return wire if not text.translate(None, _HOST_CHARS_DOT) and text[:1] != b"-" else None
    return wire if binary_hnok(wire) else None


def unpack(msg: bytes, offset: int) -> tuple[bytes, int] | None:
    """``ns_name_unpack``: the name at ``offset`` (following compression pointers).

    Returns the uncompressed wire name and the offset just past the name at
    its original place, or None where glibc fails (a pointer or label beyond
    the message, a loop, a name over 255 octets, the reserved label types).
    """
    end = len(msg)
    if offset < 0 or offset >= end:
        return None
    parts = []
    size = 0  # octets collected so far
    src = offset
    after = -1
    checked = 0
    while True:
        if src >= end:
            return None
        n = msg[src]
        if n == 0:
            src += 1
            break
        if n < 0x40:  # a label: its length octet and its octets are copied as they stand
            if size + n + 1 >= MAXCDNAME or src + 1 + n >= end:
                return None
            checked += n + 1
            size += n + 1
            parts.append(msg[src : src + 1 + n])
            src += 1 + n
        elif n >= 0xC0:  # a compression pointer
            src += 1
            if src >= end:
                return None
            if after < 0:
                after = src + 1
            src = ((n & 0x3F) << 8) | msg[src]
            if src >= end:
                return None
            checked += 2
            if checked >= end:
                return None
        else:
            return None
    parts.append(b"\0")
    return b"".join(parts), (after if after >= 0 else src)


def lower_wire(wire: bytes) -> bytes:
    """A wire name with ASCII letters folded to lower case (for comparisons)."""
    return wire.translate(_LOWER)


def samename(a: bytes, b: bytes) -> bool:
    """Two wire names are the same name (ASCII case-insensitive)."""
    return len(a) == len(b) and a.translate(_LOWER) == b.translate(_LOWER)
