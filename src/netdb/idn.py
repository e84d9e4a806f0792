"""Internationalized names as glibc 2.36 converts them (AI_IDN, AI_CANONIDN, NI_IDN).

glibc hands the work to libidn2 (loaded on first use):

* **AI_IDN** (``__idna_to_dns_encoding``): a name whose bytes are all ASCII
  is used as it is — no case folding, no checks, even for ``xn--`` labels.
  Otherwise the name must be valid in the locale's encoding (netdb assumes
  UTF-8, as Python's runtime and ``getent`` under a UTF-8 locale are) and hold
  no backslash, and ``idn2_lookup_ul(name, &out, 0)`` converts it: UTS #46
  non-transitional mapping with UseSTD3ASCIIRules off (upper case folded,
  full-width forms and ideographic full stops mapped, soft hyphens dropped,
  ``ß`` kept), NFC, the UTS #46 validity checks on every label (also the
  ASCII ones: a leading or trailing hyphen, ``--`` in positions 3-4 fail),
  then IDNA2008 (RFC 5891/5892/5893) on each non-ASCII label and on each
  ``xn--`` label (which must decode, pass, and re-encode to itself),
  Punycode, and the length limits (63-byte labels, 255-byte names).  Any
  failure is ``EAI_IDN_ENCODE`` (-105, "Parameter string not correctly
  encoded").
* **AI_CANONIDN** and **NI_IDN** (``__idna_from_dns_encoding``):
  ``idn2_to_unicode_lzlz(name, &out, 0)`` decodes every label that starts
  with ``xn--`` (any case) from Punycode, without validity checks, and keeps
  the others; when that fails (bad Punycode, a label over 63 characters,
  bytes that are not UTF-8), glibc keeps the name as it was.

:func:`lookup` and :func:`to_unicode` are those two libidn2 functions
(raising :class:`IdnError` with libidn2's error name); :func:`to_dns` and
:func:`from_dns` add glibc's steps around them.  The Unicode tables come from
the ``idna`` package (UTS #46 and IDNA2008 properties) and from Python's
``unicodedata`` (NFC, general category, bidi class, which code points are
assigned); ``idna`` is imported only when a name has a non-ASCII label.
libidn2 2.3.3 (Debian 12) was built on older Unicode tables, so code
points whose status changed between Unicode versions may be treated
differently; the test suite compares the two on every code point.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

from .errors import EAI_IDN_ENCODE, gaierror

__all__ = ["IdnError", "from_dns", "lookup", "to_dns", "to_unicode"]

LABEL_MAX = 63
DOMAIN_MAX = 255
_PUNY_MAX_OUT = LABEL_MAX - 4  # the Punycode part of a label written into a 63-byte buffer
_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class IdnError(ValueError):
    """A name libidn2 refuses; ``code`` is libidn2's error name (``"IDN2_DISALLOWED"`` ...)."""

    def __init__(self, code: str, name: str = "") -> None:
        super().__init__(f"{code}: {name!r}" if name else code)
        self.code = code


# -- Punycode exactly as libidn2's (RFC 3492 sample code, with its changes) --------------

_BASE, _TMIN, _TMAX, _SKEW, _DAMP, _INITIAL_BIAS, _INITIAL_N = 36, 1, 26, 38, 700, 72, 0x80
_MAXINT = 0xFFFFFFFF


def _adapt(delta: int, numpoints: int, firsttime: bool) -> int:
    delta = delta // _DAMP if firsttime else delta >> 1
    delta += delta // numpoints
    k = 0
    while delta > ((_BASE - _TMIN) * _TMAX) // 2:
        delta //= _BASE - _TMIN
        k += _BASE
    return k + (_BASE - _TMIN + 1) * delta // (delta + _SKEW)


def _is_basic(b: int) -> bool:
    return 0x61 <= b <= 0x7A or 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or b in (0x2D, 0x5F)


def _digit(b: int) -> int:
    if 0x61 <= b <= 0x7A:
        return b - 0x61
    if 0x30 <= b <= 0x39:
        return b - 0x30 + 26
    if 0x41 <= b <= 0x5A:
        return b - 0x41
    return 0  # libidn2 reads '-' and '_' as digit 0


def punycode_decode(data: bytes, max_out: int = LABEL_MAX) -> list[int]:
    """libidn2's ``_idn2_punycode_decode_internal``: code points, or IdnError."""
    if not data:
        raise IdnError("IDN2_PUNYCODE_BAD_INPUT")
    b = 0
    for j, ch in enumerate(data):
        if not _is_basic(ch):
            raise IdnError("IDN2_PUNYCODE_BAD_INPUT")
        if ch == 0x2D:
            b = j
    output: list[int] = []
    if data[b] == 0x2D:
        if b == 0 or b == len(data) - 1:
            raise IdnError("IDN2_PUNYCODE_BAD_INPUT")
        if b >= max_out:
            raise IdnError("IDN2_PUNYCODE_BIG_OUTPUT")
        output = list(data[:b])
        b += 1
    n, i, bias = _INITIAL_N, 0, _INITIAL_BIAS
    pos = b
    while pos < len(data):
        oldi, w, k = i, 1, _BASE
        while True:
            if pos >= len(data):
                raise IdnError("IDN2_PUNYCODE_BAD_INPUT")
            digit = _digit(data[pos])
            pos += 1
            if digit > (_MAXINT - i) // w:
                raise IdnError("IDN2_PUNYCODE_OVERFLOW")
            i += digit * w
            t = _TMIN if k <= bias else _TMAX if k >= bias + _TMAX else k - bias
            if digit < t:
                break
            if w > _MAXINT // (_BASE - t):
                raise IdnError("IDN2_PUNYCODE_OVERFLOW")
            w *= _BASE - t
            k += _BASE
        out = len(output)
        bias = _adapt(i - oldi, out + 1, oldi == 0)
        if i // (out + 1) > _MAXINT - n:
            raise IdnError("IDN2_PUNYCODE_OVERFLOW")
        n += i // (out + 1)
        if n > 0x10FFFF or 0xD800 <= n <= 0xDBFF:
            raise IdnError("IDN2_PUNYCODE_BAD_INPUT")
        i %= out + 1
        if out >= max_out:
            raise IdnError("IDN2_PUNYCODE_BIG_OUTPUT")
        output.insert(i, n)
        i += 1
    return output


def _punycode_encode(label: str) -> str:
    encoded = label.encode("punycode").decode("ascii")
    if len(encoded) > _PUNY_MAX_OUT:
        raise IdnError("IDN2_PUNYCODE_BIG_OUTPUT")
    return encoded


def _text(cps: Sequence[int]) -> str:
    """Code points as text; lone surrogates are an encoding error (libunistring's u32_to_u8)."""
    if any(0xD800 <= c <= 0xDFFF for c in cps):
        raise IdnError("IDN2_ENCODING_ERROR")
    return "".join(map(chr, cps))


# -- Unicode properties --------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _uts46(ch: str) -> str | None:
    """UTS #46 non-transitional mapping of one code point (STD3 rules off); None: disallowed.

    Code points libidn2 2.3.3 refuses whatever their context (assigned or
    made valid after its Unicode tables) are disallowed here too, and the
    mappings that changed since are libidn2's (see ``netdb._idn_compat``).
    """
    import idna

    from ._idn_compat import MAPPING, refused

    cp = ord(ch)
    if cp in MAPPING:
        return MAPPING[cp]
    if refused(cp):
        return None
    try:
        return str(idna.uts46_remap(ch, std3_rules=False, transitional=False))
    except idna.IDNAError:
        return None


def _non_ldh(text: str) -> bool:
    """Holds ASCII other than lower-case letters, digits, hyphen (and upper case: mapped, not STD3)."""
    return any(c.isascii() and c not in _LDH and not ("A" <= c <= "Z") for c in text)


@functools.lru_cache(maxsize=4096)
def _std3(ch: str) -> bool:
    """Was ``ch`` ``disallowed_STD3_valid``/``_mapped`` in UTS #46 before Unicode 16 (libidn2's tables)?

    Those statuses were dropped in Unicode 16 (the ``idna`` package's tables
    say valid or mapped): they covered the ASCII characters other than
    letters, digits, hyphen and full stop, the characters whose decomposition
    holds one (``≠`` is ``=`` + U+0338), and those mapped to a string holding
    one (``⑴`` to ``(1)``, ``⒈`` to ``1.``), but not the full stops.
    """
    if ch.isascii():
        return ch not in _LDH and ch != "." and not ("A" <= ch <= "Z")
    if _non_ldh(unicodedata.normalize("NFD", ch)):
        return True
    mapped = _uts46(ch)
    return bool(mapped) and mapped != "." and _non_ldh(mapped or "")


def _assigned(ch: str) -> bool:
    return unicodedata.category(ch) != "Cn"


def _uts46_valid(ch: str) -> bool:
    """TR46 validity for non-transitional processing: valid or deviation (or STD3, rules off)."""
    return _assigned(ch) and (_uts46(ch) == ch or _std3(ch))


@functools.lru_cache(maxsize=4096)
def _idna2008_ok(cp: int) -> bool:
    """PVALID, CONTEXTJ or CONTEXTO in IDNA2008 (RFC 5892) — not DISALLOWED or UNASSIGNED."""
    from idna.idnadata import codepoint_classes
    from idna.intranges import intranges_contain

    if not _assigned(chr(cp)):
        return False
    return any(intranges_contain(cp, codepoint_classes[k]) for k in ("PVALID", "CONTEXTJ", "CONTEXTO"))


_BIDI_RTL = frozenset({"R", "AL", "AN"})
_BIDI_MIDDLE = frozenset({"ES", "CS", "ET", "ON", "BN"})


def _bidi_ok(label: str) -> bool:
    """libidn2's RFC 5893 check, label by label (only for labels with R, AL or AN)."""
    classes = [unicodedata.bidirectional(c) for c in label]
    if not _BIDI_RTL.intersection(classes):
        return True
    first = classes[0]
    if first == "L":
        good = {"L", "EN", "NSM"}
    elif first in ("R", "AL"):
        good = {"R", "AL", "EN", "AN", "NSM"}
    else:
        return False
    end_ok = True
    for bc in classes[1:]:
        if bc in good:
            end_ok = True
        elif bc in _BIDI_MIDDLE:
            end_ok = False
        else:
            return False
    return end_ok


def _tr46_check(label: str) -> str | None:
    """``TR46_NONTRANSITIONAL_CHECK | TEST_ALLOW_STD3_DISALLOWED``: None or the error name."""
    if unicodedata.normalize("NFC", label) != label:
        return "IDN2_NOT_NFC"
    if len(label) >= 4 and label[2:4] == "--":
        return "IDN2_2HYPHEN"
    if label and (label[0] == "-" or label[-1] == "-"):
        return "IDN2_HYPHEN_STARTEND"
    if label and unicodedata.category(label[0]).startswith("M"):
        return "IDN2_LEADING_COMBINING"
    if "." in label:
        return "IDN2_DOT_IN_LABEL"
    if not all(_uts46_valid(c) for c in label):
        return "IDN2_INVALID_NONTRANSITIONAL"
    return None


def _idna2008_check(label: str) -> str | None:
    """The IDNA2008 tests libidn2's ``label()`` applies to a U-label: None or the error name."""
    from idna.core import valid_contextj

    if unicodedata.normalize("NFC", label) != label:
        return "IDN2_NOT_NFC"
    if len(label) >= 4 and label[2:4] == "--":
        return "IDN2_2HYPHEN"
    if label and unicodedata.category(label[0]).startswith("M"):
        return "IDN2_LEADING_COMBINING"
    for pos, c in enumerate(label):
        if not _idna2008_ok(ord(c)) and not (_assigned(c) and _std3(c)):
            return "IDN2_DISALLOWED" if _assigned(c) else "IDN2_UNASSIGNED"
        if c in "\u200c\u200d" and not valid_contextj(label, pos):
            return "IDN2_CONTEXTJ"
    if not _bidi_ok(label):
        return "IDN2_BIDI"
    if "." in label:
        return "IDN2_DOT_IN_LABEL"
    if not all(_uts46_valid(c) for c in label):
        return "IDN2_INVALID_NONTRANSITIONAL"
    return None


# -- idn2_lookup_u8 (flags 0) -----------------------------------------------------------------


def _tr46(name: str) -> str:
    mapped = []
    for ch in name:
        m = _uts46(ch)
        if m is None or not _assigned(ch):
            raise IdnError("IDN2_DISALLOWED", name)
        mapped.append(m)
    text = "".join(mapped)
    if len(text) >= DOMAIN_MAX:
        raise IdnError("IDN2_TOO_BIG_DOMAIN", name)
    text = unicodedata.normalize("NFC", text)
    error = None
    for label in text.split("."):
        if label.startswith("xn--"):
            try:
                decoded = _text(punycode_decode(label[4:].encode("utf-8")))
            except IdnError as exc:
                raise IdnError(exc.code, name) from None
            error = _tr46_check(decoded) or error
        else:
            error = _tr46_check(label) or error
    if error:
        raise IdnError(error, name)
    return text


def _label(label: str) -> str:
    roundtrip = None
    if label.isascii():
        if not label.startswith("xn--"):
            if len(label) > LABEL_MAX:
                raise IdnError("IDN2_TOO_BIG_LABEL")
            return label
        roundtrip = label
        label = _text(punycode_decode(label[4:].encode("ascii")))
    error = _idna2008_check(label)
    if error:
        raise IdnError(error)
    encoded = "xn--" + _punycode_encode(label)
    if roundtrip is not None:
        if encoded.lower() != roundtrip.lower():
            raise IdnError("IDN2_ALABEL_ROUNDTRIP_FAILED")
    else:
        # libidn2 decodes what it encoded; its decoder takes only [A-Za-z0-9_-]
        # as basic code points, so a U-label holding other ASCII (after the
        # STD3-off mapping: space, "(", "!" ...) fails here.
        try:
            back = punycode_decode(encoded[4:].encode("ascii"))
        except IdnError:
            raise IdnError("IDN2_ALABEL_ROUNDTRIP_FAILED") from None
        if back != [ord(c) for c in label]:
            raise IdnError("IDN2_ALABEL_ROUNDTRIP_FAILED")
    return encoded


def lookup(name: str) -> str:
    """libidn2's ``idn2_lookup_u8(name, &out, 0)``: the ASCII name to look up, or IdnError."""
    text = _tr46(name)
    labels = text.split(".")
    out = ""
    for k, label in enumerate(labels):
        try:
            encoded = _label(label)
        except IdnError as exc:
            raise IdnError(exc.code, name) from None
        last = k == len(labels) - 1
        if len(out) + len(encoded) > DOMAIN_MAX - (1 if not encoded and last else 2):
            raise IdnError("IDN2_TOO_BIG_DOMAIN", name)
        out += encoded
        if not last:
            if len(out) + 1 > DOMAIN_MAX:
                raise IdnError("IDN2_TOO_BIG_DOMAIN", name)
            out += "."
    return out


def to_unicode(name: bytes) -> str:
    """libidn2's ``idn2_to_unicode_8z8z(name, &out, 0)`` on UTF-8 bytes: decoded text, or IdnError."""
    out: list[int] = []
    labels = name.split(b".")
    for k, label in enumerate(labels):
        more = k < len(labels) - 1
        if len(label) >= 4 and label[:2].lower() == b"xn" and label[2:4] == b"--":
            cps = punycode_decode(label[4:])
        else:
            try:
                cps = [ord(c) for c in label.decode("utf-8")]
            except UnicodeDecodeError:
                raise IdnError("IDN2_ENCODING_ERROR", name.decode("utf-8", "replace")) from None
            if len(cps) > LABEL_MAX:
                raise IdnError("IDN2_TOO_BIG_LABEL", name.decode("utf-8", "replace"))
        if len(out) + len(cps) + more > DOMAIN_MAX:
            raise IdnError("IDN2_TOO_BIG_DOMAIN", name.decode("utf-8", "replace"))
        out += cps
        if more:
            out.append(0x2E)
    return _text(out)


# -- glibc's wrappers ---------------------------------------------------------------------------


def to_dns(name: str) -> str:
    """AI_IDN: glibc's ``__idna_to_dns_encoding`` (``name`` as netdb holds C strings).

    ASCII names come back unchanged; others are converted by :func:`lookup`;
    ``gaierror(EAI_IDN_ENCODE)`` when that fails, when the bytes are not
    UTF-8, or when a non-ASCII name holds a backslash.
    """
    if name.isascii():
        return name
    try:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:
        raise gaierror(EAI_IDN_ENCODE) from None
    if "\\" in text:
        raise gaierror(EAI_IDN_ENCODE)
    try:
        return lookup(text)
    except IdnError:
        raise gaierror(EAI_IDN_ENCODE) from None


def from_dns(name: str) -> str | None:
    """AI_CANONIDN / NI_IDN: glibc's ``__idna_from_dns_encoding``; None when it fails.

    glibc then keeps the name it had ("use the punycode name as a fallback").
    """
    try:
        return to_unicode(name.encode("utf-8", "surrogateescape"))
    except IdnError:
        return None
