"""IDN (AI_IDN, AI_CANONIDN, NI_IDN) as glibc 2.36 does it through libidn2.

Three references: a table of cases; libidn2 itself (``idn2_lookup_u8`` and
``idn2_to_unicode_8z8z`` through ctypes, no name lookup involved), on every
code point; and glibc's getaddrinfo/getnameinfo in a private namespace with
fixture files (the ``glibc`` fixture).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import random
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import netdb
from netdb import idn
from netdb.errors import EAI_IDN_ENCODE
from netdb.testing import write_etc
from support import glibc_ns

AI_IDN, AI_CANONIDN, NI_IDN = 0x40, 0x80, 0x20


@pytest.mark.parametrize(("name", "ascii"), [
    ("café.test", "xn--caf-dma.test"),
    ("CAFÉ.TEST", "xn--caf-dma.test"),           # upper case folded, ASCII labels too
    ("faß.de", "xn--fa-hia.de"),                 # non-transitional: ß kept
    ("ｃａｆé。test", "xn--caf-dma.test"),        # full-width letters, ideographic full stop
    ("ab\u00adc.té", "abc.xn--t-bga"),           # soft hyphen ignored
    ("a_b.café", "a_b.xn--caf-dma"),             # UseSTD3ASCIIRules off
    ("l·l.cat", "xn--ll-0ea.cat"),               # CONTEXTO: libidn2 checks that a rule exists, not the rule
    ("ẞ.test", "ss.test"),                       # libidn2 2.3.3's (pre-Unicode 15.1) mapping
    ("café..test", "xn--caf-dma..test"),         # empty labels pass
])
def test_lookup_converts(name: str, ascii: str) -> None:
    assert idn.lookup(name) == ascii


@pytest.mark.parametrize(("name", "code"), [
    ("♥.test", "IDN2_DISALLOWED"),
    ("café-.test", "IDN2_HYPHEN_STARTEND"),
    ("ab-.café", "IDN2_HYPHEN_STARTEND"),        # UTS #46 checks apply to ASCII labels of the name too
    ("ab--c.café", "IDN2_2HYPHEN"),
    ("a\u200db.café", "IDN2_CONTEXTJ"),
    ("\u0301a.test", "IDN2_LEADING_COMBINING"),
    ("\u0628A.test", "IDN2_BIDI"),
    ("xn--zz.café", "IDN2_PUNYCODE_BAD_INPUT"),
    ("xn--a.café", "IDN2_INVALID_NONTRANSITIONAL"),
    ("x" * 64 + "é.test", "IDN2_PUNYCODE_BIG_OUTPUT"),
    ("a bé.test", "IDN2_ALABEL_ROUNDTRIP_FAILED"),  # libidn2's decoder takes no space in an A-label
    ("\u0c5d.test", "IDN2_DISALLOWED"),          # Unicode 14: after libidn2 2.3.3's tables
])
def test_lookup_refuses(name: str, code: str) -> None:
    with pytest.raises(idn.IdnError) as err:
        idn.lookup(name)
    assert err.value.code == code


def test_to_dns_and_from_dns_are_glibcs_wrappers() -> None:
    assert idn.to_dns("XN--CAF-DMA.Test") == "XN--CAF-DMA.Test"   # ASCII: untouched
    assert idn.to_dns("café.test") == "xn--caf-dma.test"
    for bad in ("caf\udce9.test", "café\\.test", "♥.test"):      # not UTF-8, backslash, disallowed
        with pytest.raises(netdb.gaierror) as err:
            idn.to_dns(bad)
        assert err.value.args == (EAI_IDN_ENCODE, "Parameter string not correctly encoded")
    assert idn.from_dns("XN--CAF-DMA.test") == "CAFé.test"       # case of the basic part kept
    assert idn.from_dns("xn--ls8h.test") == "\U0001F4A9.test"    # no validity check when decoding
    assert idn.from_dns("xn--zz.test") is None                    # glibc keeps the name
    assert idn.from_dns("x" * 64) is None
    assert idn.from_dns("caf\udce9.test") is None


def test_idna_is_imported_only_for_non_ascii_names(tmp_path: Path) -> None:
    code = (
        "import sys, netdb\n"
        f"r = netdb.Resolver({str(write_etc(tmp_path / 'etc', hosts={'xn--caf-dma.test': '192.0.2.1'}))!r}, env={{}})\n"
        "r.getaddrinfo(b'xn--caf-dma.test', None, flags=0x40 | 0x80 | 2)\n"
        "r.getnameinfo(('192.0.2.1', 0), 0x20)\n"
        "assert 'idna' not in sys.modules, 'imported for ASCII'\n"
        "r.getaddrinfo('café.test'.encode(), None, flags=0x40)\n"
        "assert 'idna' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60,
                   env={"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")})


# -- libidn2 itself -------------------------------------------------------------------------


def _libidn2() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL("libidn2.so.0")
    except OSError:
        pytest.skip("libidn2.so.0 is not installed")
    lib.idn2_check_version.restype = ctypes.c_char_p
    from netdb._idn_compat import LIBIDN2_VERSION

    if lib.idn2_check_version(None).decode() != LIBIDN2_VERSION:
        pytest.skip(f"netdb's tables follow libidn2 {LIBIDN2_VERSION}, this machine has another version")
    for fn in (lib.idn2_lookup_u8, lib.idn2_to_unicode_8z8z):
        fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
    return lib


def _call(fn: object, data: bytes) -> str | None:
    out = ctypes.c_char_p()
    rc = fn(data, ctypes.byref(out), 0)  # type: ignore[operator]
    return out.value.decode() if rc == 0 and out.value is not None else None


def _ours(fn: object, arg: object) -> str | None:
    try:
        return fn(arg)  # type: ignore[operator, no-any-return]
    except idn.IdnError:
        return None


@pytest.mark.slow
def test_every_code_point_against_libidn2() -> None:
    lib = _libidn2()
    diffs = []
    for cp in [*range(0x80, 0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xE1000)]:  # planes 4-13: unassigned
        c = chr(cp)
        for name in (f"a{c}b.test", f"{c}.test"):
            theirs, ours = _call(lib.idn2_lookup_u8, name.encode()), _ours(idn.lookup, name)
            if theirs != ours:
                diffs.append((hex(cp), name, theirs, ours))
    assert diffs == []


def test_random_names_against_libidn2() -> None:
    lib = _libidn2()
    pieces = [*"abcXYZ019-._ ", "é", "ß", "ς", "\u200d", "\u200c", "\u0628", "\u0627", "\u05d0", "\u0301", "\u094d",
              "क", "ｃ", "。", "\u00ad", "١", "۱", "\U0001F600", "ẞ", "Ⅻ", "⒈", "≠", "·", "xn--", "XN--", "ǅ", "Ȍ", "α"]
    rng = random.Random(8305)
    for _ in range(20000):
        name = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert _call(lib.idn2_lookup_u8, name.encode()) == _ours(idn.lookup, name), name
    bpieces = [*"abcXN019-._", "xn--", "XN--", "é"]
    for _ in range(20000):
        raw = "".join(rng.choice(bpieces) for _ in range(rng.randint(1, 14))).encode()
        assert _call(lib.idn2_to_unicode_8z8z, raw) == _ours(idn.to_unicode, raw), raw


# -- glibc, in a namespace ----------------------------------------------------------------------

HOSTS = (
    "192.0.2.1 xn--caf-dma.test\n"
    "192.0.2.2 xn--fa-hia.de\n"
    "192.0.2.3 xn--zz.test bad-punycode.test\n"
    "192.0.2.4 XN--CAF-DMA.upper.test\n"
    "192.0.2.5 ss.test\n"
)
FLAGS = AI_IDN | AI_CANONIDN | socket.AI_CANONNAME
CALLS: list[tuple[str, tuple[object, ...], dict[str, object]]] = [
    ("getaddrinfo", (b"caf\xc3\xa9.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"CAF\xc3\x89.TEST", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"caf\xc3\xa9.test", None, 0, socket.SOCK_STREAM, 0, AI_IDN | socket.AI_CANONNAME), {}),
    ("getaddrinfo", (b"caf\xc3\xa9.test", None, 0, socket.SOCK_STREAM, 0, 0), {}),
    ("getaddrinfo", ("café.test", None, 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME | AI_CANONIDN), {}),
    ("getaddrinfo", (b"\xef\xbd\x83\xef\xbd\x81\xef\xbd\x86\xc3\xa9\xe3\x80\x82test", None, 0, 1, 0, FLAGS), {}),
    ("getaddrinfo", (b"fa\xc3\x9f.de", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"\xe1\xba\x9e.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"XN--CAF-DMA.TEST", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"bad-punycode.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"xn--caf-dma.upper.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"\xe2\x99\xa5.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"caf\xc3\xa9\\.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"caf\xe9.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"x" * 64 + b"\xc3\xa9.test", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"ab-.caf\xc3\xa9", None, 0, socket.SOCK_STREAM, 0, FLAGS), {}),
    ("getaddrinfo", (b"caf\xc3\xa9.test", None, socket.AF_INET, socket.SOCK_STREAM, 0, AI_IDN), {}),
    ("getnameinfo", ({"tuple": ["192.0.2.1", 0]}, NI_IDN), {}),
    ("getnameinfo", ({"tuple": ["192.0.2.1", 0]}, 0), {}),
    ("getnameinfo", ({"tuple": ["192.0.2.3", 0]}, NI_IDN), {}),
    ("getnameinfo", ({"tuple": ["192.0.2.4", 0]}, NI_IDN), {}),
]


@pytest.mark.glibc
def test_getaddrinfo_and_getnameinfo_idn_against_glibc(glibc: object, tmp_path: Path) -> None:
    files = {"hosts": HOSTS, "nsswitch.conf": "hosts: files\n", "host.conf": "multi on\n"}
    theirs = glibc_ns.socket_calls(files, CALLS)
    etc = tmp_path / "etc"
    etc.mkdir()
    for name, text in files.items():
        (etc / name).write_text(text)
    r = netdb.Resolver(etc, env={})
    for (fn, args, _), expected in zip(CALLS, theirs, strict=True):
        real_args = tuple(tuple(a["tuple"]) if isinstance(a, dict) else a for a in args)
        ours = glibc_ns.outcome(getattr(r, fn), *real_args)
        assert ours == expected, (fn, args)
    # The outcomes this establishes, spelled out:
    assert theirs[0]["ok"][0][3] == "café.test"                      # AI_CANONIDN decodes the canonical name
    assert theirs[2]["ok"][0][3] == "xn--caf-dma.test"               # without it: the punycode name
    assert theirs[3] == {"error": "gaierror", "args": [-2, "Name or service not known"]}  # no AI_IDN: not found
    assert theirs[7]["ok"][0][4][0] == "192.0.2.5"                   # ẞ is ss.test for libidn2 2.3.3
    assert theirs[9]["ok"][0][3] == "xn--zz.test"                    # undecodable canonical name kept
    assert theirs[10]["ok"][0][3] == "CAFé.upper.test"               # decoding keeps the case of ASCII
    for k in (11, 12, 13, 14, 15):
        assert theirs[k] == {"error": "gaierror", "args": [-105, "Parameter string not correctly encoded"]}
    assert theirs[17] == {"ok": ["café.test", "0"]}
    assert theirs[19] == {"ok": ["xn--zz.test", "0"]}


@pytest.mark.glibc
def test_getent_ahosts_idn_matches_lookup(glibc: object, tmp_path: Path) -> None:
    from cli.conftest import lookup

    files = {"hosts": HOSTS, "nsswitch.conf": "hosts: files\n", "host.conf": "multi on\n"}
    etc = tmp_path / "etc"
    etc.mkdir()
    for name, text in files.items():
        (etc / name).write_text(text)
    for key in ("café.test", "CAFÉ.test", "bad-punycode.test", "♥.test", "xn--caf-dma.upper.test"):
        res = glibc_ns.getent(files, "ahosts", key)
        ours = lookup("ahosts", key, etc=etc)
        assert (ours.returncode, ours.stdout) == (res.returncode, res.stdout), key
