"""Parser for /etc/resolv.conf (with LOCALDOMAIN and RES_OPTIONS), as glibc 2.36 reads it.

Rules (``resolv/res_init.c``, checked on this machine: glibc-behavior.md §8 and
``tests/conformance/test_config_files_glibc.py``):

* Lines end at ``\\n`` (a last line without one still counts); a NUL ends the
  line.  A line starting with ``#`` or ``;`` is a comment.  Keywords count only
  at the very start of the line, spelled exactly (``nameserver``, ``domain``,
  ``search``, ``sortlist``, ``options``) and followed by a space or a tab;
  anything else is ignored.  Only space and tab separate words: a CRLF file
  keeps the ``\\r`` in its values, so its ``nameserver`` lines do not parse
  and its search domains end in ``\\r``.
* ``nameserver ADDR``: the first word is read with ``inet_aton`` and must be
  consumed entirely (``127.3`` is 127.0.0.3; ``127.0.0.1#x`` and
  ``127.0.0.1:53`` are skipped), else as IPv6 with an optional ``%scope``
  (interface name or number; a bad scope gives scope id 0).  Later words are
  ignored.  Only the first three servers are used; with none, 127.0.0.1.
* ``domain D`` and ``search D...`` replace each other: the last such line
  wins.  ``domain`` keeps its first word; ``search`` keeps every word, and
  ``#`` and ``;`` there are domains, not comments.  A line with no word is
  ignored.  Without any, the search list is the host name's part after its
  first dot (if it has one).  ``LOCALDOMAIN`` (even empty) replaces all this
  and makes glibc skip the file's domain/search lines; a leading blank or an
  empty value gives an empty-string domain, which means the root.
* ``options`` lines accumulate, then ``RES_OPTIONS`` is applied on top.  Each
  word is compared by **prefix**: ``ndots:N``, ``timeout:N``, ``attempts:N``
  (N read by ``atoi``), ``rotate``, ``edns0``, ``single-request-reopen``,
  ``single-request``, ``no-tld-query`` (or ``no_tld_query``), ``no-reload``,
  ``use-vc``, ``trust-ad``, ``no-aaaa``; ``rotatefoo`` is ``rotate``.  Other
  words (``inet6``, ``debug``, ``#``) are ignored.  ndots above 15 becomes
  15, and glibc keeps it in 4 bits, so ``ndots:-1`` is 15; timeout is capped
  at 30 and attempts at 5, and a zero or negative timeout means 1 s per try,
  while ``attempts`` of 0 or less (``attempts:x`` too) disables DNS.
* ``sortlist ADDR[/MASK] ...`` (used by gethostbyname only).

Two configurations make glibc 2.36 unusable, recorded in ``ResolvConf.fatal``:
a search list whose first entries do not fit glibc's 256-byte legacy buffer
(every DNS lookup aborts the process on an assertion), and a ``sortlist`` word
that glibc's parser cannot step over (``bogus/8``, a non-ASCII or ``\\r``
character: every DNS lookup loops forever).

``search_candidates`` gives the names glibc's ``res_search`` queries.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from ..inet import inet_aton_exact, inet_ntop, inet_pton6, parse_scope
from ._text import C_SPACE, c_int, c_split, encode_raw
from .diagnostics import Diagnostic
from .origin import DEFAULT, Origin

__all__ = [
    "FLAGS",
    "MAXNS",
    "NameServer",
    "ResolvConf",
    "SortEntry",
    "parse_resolv_conf",
    "search_candidates",
]

MAXNS = 3
"""How many name servers glibc uses."""

RES_MAXNDOTS = 15
"""The largest ndots glibc keeps."""
RES_MAXRETRANS = 30
"""The largest timeout (seconds) glibc keeps."""
RES_MAXRETRY = 5
"""The largest attempts glibc keeps."""
_MAXDNSRCH = 6
_DEFDNAME_SIZE = 256
_DNSRCH_BYTES = 8 * (_MAXDNSRCH + 1)
_MAXRESOLVSORT = 10
_MAXDNAME = 1025

# (prefix, field) in glibc's order: the first prefix that matches wins.
_FLAG_OPTIONS = (
    ("rotate", "rotate"),
    ("edns0", "edns0"),
    ("single-request-reopen", "single_request_reopen"),
    ("single-request", "single_request"),
    ("no_tld_query", "no_tld_query"),
    ("no-tld-query", "no_tld_query"),
    ("no-reload", "no_reload"),
    ("use-vc", "use_vc"),
    ("trust-ad", "trust_ad"),
    ("no-aaaa", "no_aaaa"),
)
FLAGS = tuple(dict.fromkeys(f for _, f in _FLAG_OPTIONS))
"""The boolean ``ResolvConf`` fields set by ``options`` words (``rotate``, ``edns0`` ...)."""
_RETIRED = {"inet6": "inet6 is no longer recognised by glibc 2.36", "debug": "debug is no longer recognised by glibc 2.36"}
_TABSPACE = re.compile("[ \t]+")


class NameServer(NamedTuple):
    """One name server: address in presentation form (no ``%scope``), family, scope id, port."""

    address: str
    family: int
    scope_id: int
    port: int
    text: str
    origin: Origin

    def sockaddr(self) -> tuple[str, int] | tuple[str, int, int, int]:
        """The socket address to send queries to (a 4-tuple for IPv6)."""
        if self.family == socket.AF_INET6:
            return (self.address, self.port, 0, self.scope_id)
        return (self.address, self.port)


class SortEntry(NamedTuple):
    """One ``sortlist`` entry: network address and mask, dotted quads."""

    address: str
    mask: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ResolvConf:
    """The resolver configuration glibc 2.36 would use.

    ``nameservers`` are the (at most 3) servers queried, in order;
    ``unused_nameservers`` the valid ones after the third.  ``search`` is the
    search list exactly as glibc stores it (``"."`` or ``""`` mean the root;
    ``search_candidates`` knows what glibc does with each entry).  ``timeout``
    and ``attempts`` are glibc's stored values (a ``timeout`` of 0 or less
    means 1 s per try; ``attempts`` of 0 or less disables DNS:
    ``dns_disabled``).  ``origins`` maps each setting name (``nameservers``,
    ``search``, ``ndots``, ``timeout``, ``attempts``, ``sortlist`` and every
    flag in ``FLAGS``) to where its value came from.  ``fatal`` is set when
    glibc would abort or hang on the first DNS lookup with this configuration.
    """

    path: str
    missing: bool
    nameservers: tuple[NameServer, ...]
    unused_nameservers: tuple[NameServer, ...]
    search: tuple[str, ...]
    ndots: int
    timeout: int
    attempts: int
    rotate: bool
    edns0: bool
    single_request: bool
    single_request_reopen: bool
    no_tld_query: bool
    no_reload: bool
    use_vc: bool
    trust_ad: bool
    no_aaaa: bool
    sortlist: tuple[SortEntry, ...]
    origins: Mapping[str, Origin]
    diagnostics: tuple[Diagnostic, ...]
    fatal: str | None = None

    @property
    def dns_disabled(self) -> bool:
        """True when ``attempts`` is 0 or less: glibc sends no query and fails at once (EAI_AGAIN)."""
        return self.attempts <= 0

    def try_timeout(self, server_index: int) -> int:
        """Seconds glibc waits for server ``server_index`` (0-based) in each round.

        ``timeout`` for the first server and ``(timeout << i) / nservers`` for
        the others, at least 1 (``res_send.c``; glibc-behavior.md §8.4).
        """
        seconds = c_int(self.timeout << server_index)
        if server_index > 0:
            seconds = int(seconds / len(self.nameservers))
        return seconds if seconds > 0 else 1

    def origin(self, setting: str) -> Origin:
        """Where ``setting`` (a field name) came from."""
        return self.origins.get(setting, DEFAULT)


class _State:
    def __init__(self) -> None:
        self.ndots = 1
        self.timeout = 5
        self.attempts = 2
        self.flags: dict[str, bool] = dict.fromkeys(FLAGS, False)
        self.origins: dict[str, Origin] = {}


def _c_atoi(s: str) -> int:
    """glibc's ``atoi``: ``(int) strtol(s, NULL, 10)``."""
    i, n = 0, len(s)
    while i < n and s[i] in C_SPACE:
        i += 1
    neg = False
    if i < n and s[i] in "+-":
        neg = s[i] == "-"
        i += 1
    j = i
    while j < n and "0" <= s[j] <= "9":
        j += 1
    value = int(s[i:j]) if j > i else 0
    if neg:
        value = -value
    value = max(-(1 << 63), min((1 << 63) - 1, value))
    return c_int(value)


def _set_options(text: str, origin: Origin, st: _State, diags: list[Diagnostic], path: str, lineno: int) -> None:
    """glibc's ``res_setoptions``: words separated by spaces and tabs, compared by prefix.

    A number is read with ``atoi`` from right after the colon, so it may reach
    past the word: ``ndots: 3`` sets ndots to 3 (and ``3`` is then an unknown word).
    """
    where = "RES_OPTIONS" if origin.kind == "env" else path

    def warn(reason: str) -> None:
        diags.append(Diagnostic(where, lineno, reason, "warning"))

    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        end = i
        while end < n and text[end] not in " \t":
            end += 1
        word = text[i:end]
        shown = word.rstrip(C_SPACE)
        if word:
            _option(text, i, word, shown, origin, st, warn)
        i = end


def _option(text: str, i: int, word: str, shown: str, origin: Origin, st: _State, warn: Callable[[str], None]) -> None:
    for key, cap in (("ndots:", RES_MAXNDOTS), ("timeout:", RES_MAXRETRANS), ("attempts:", RES_MAXRETRY)):
        if word.startswith(key):
            raw = text[i + len(key):]
            value = _c_atoi(raw)
            name = key[:-1]
            if value > cap:
                warn(f"{shown!r}: glibc caps {name} at {cap}")
                value = cap
            elif not re.fullmatch(r"[+-]?[0-9]+", word[len(key):].rstrip(C_SPACE)):
                warn(f"{shown!r}: glibc reads {name} as {value} (atoi)")
            if name == "ndots":
                if value < 0:
                    warn(f"{shown!r}: glibc keeps ndots in 4 bits, so it becomes {value & 0xF}")
                st.ndots = value & 0xF
            elif name == "timeout":
                if value <= 0:
                    warn(f"{shown!r}: every try then waits 1 second")
                st.timeout = value
            else:
                if value <= 0:
                    warn(f"{shown!r}: glibc then sends no DNS query at all (every DNS lookup fails at once)")
                st.attempts = value
            st.origins[name] = origin
            return
    for prefix, field in _FLAG_OPTIONS:
        if word.startswith(prefix):
            st.flags[field] = True
            st.origins[field] = origin
            if shown != prefix:
                warn(f"option {shown!r} is read as {prefix!r} (glibc compares only the beginning)")
            return
    if shown:
        reason = _RETIRED.get(shown, f"unknown option {shown!r}")
        warn(f"{reason}; glibc ignores it")


def _localdomain(value: str) -> list[str]:
    """LOCALDOMAIN split as glibc does: at spaces and tabs, up to a newline."""
    value = value.split("\n", 1)[0]
    parts = _TABSPACE.split(value)
    # The first entry starts at the beginning, even when that is a blank.
    return [parts[0]] + [p for p in parts[1:] if p]


def _net_mask(packed: bytes) -> str:
    first = packed[0]
    if first < 0x80:
        return "255.0.0.0"
    if first < 0xC0:
        return "255.255.0.0"
    return "255.255.255.0"


def _sortlist(s: str, origin: Origin) -> tuple[list[SortEntry], str | None]:
    """Simulate glibc's sortlist loop; the second value says why glibc would hang."""
    entries: list[SortEntry] = []
    i, n = 0, len(s)

    def stops_net(c: str) -> bool:
        return c in "/&;" or not c.isascii() or c in C_SPACE

    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n or s[i] in "\n;":
            return entries, None
        start = i
        while i < n and not stops_net(s[i]):
            i += 1
        if i == start:
            return entries, f"glibc's sortlist parser cannot step over {s[i]!r} and loops forever"
        net = s[start:i]
        sep = s[i] if i < n else ""
        packed = inet_aton_exact(net)
        if packed is not None:
            mask = _net_mask(packed)
            if sep in ("/", "&"):
                i += 1
                mstart = i
                while i < n and s[i] != ";" and s[i].isascii() and s[i] not in C_SPACE:
                    i += 1
                mpacked = inet_aton_exact(s[mstart:i])
                if mpacked is not None:
                    mask = socket.inet_ntoa(mpacked)
            entries.append(SortEntry(socket.inet_ntoa(packed), mask, origin))


def _search_list_abort(search: list[str]) -> bool:
    """True when glibc 2.36 hits the assertion in ``update_from_conf`` for this search list.

    glibc copies the first 6 domains into the 256-byte ``defdname`` buffer.  If
    one does not fit, it stops copying, and its consistency check wrongly fails
    unless the domains already copied take more than 56 bytes.
    """
    used = 0
    for domain in search[:_MAXDNSRCH]:
        need = len(encode_raw(domain)) + 1
        if used + need > _DEFDNAME_SIZE:
            return used <= _DNSRCH_BYTES
        used += need
    return False


def parse_resolv_conf(
    text: str | None,
    path: str = "/etc/resolv.conf",
    *,
    env: Mapping[str, str] | None = None,
    hostname: str = "",
) -> ResolvConf:
    """Parse resolv.conf text (``None``: no file) with LOCALDOMAIN/RES_OPTIONS from ``env``.

    ``hostname`` gives the default search domain (the part after its first
    dot).  The result is immutable; nothing is read from the system except
    the interface names of ``%scope`` suffixes.
    """
    env = env or {}
    diags: list[Diagnostic] = []
    st = _State()
    search: list[str] = []
    search_origin: Origin = DEFAULT
    search_line = 0
    servers: list[NameServer] = []
    sortlist: list[SortEntry] = []
    sort_origin: Origin | None = None
    fatal: str | None = None

    localdomain = env.get("LOCALDOMAIN")
    if localdomain is not None:
        search = _localdomain(localdomain)
        search_origin = Origin.env("LOCALDOMAIN")

    lines = (text or "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, raw in enumerate(lines, 1):
        line = raw.split("\0", 1)[0]
        if not line or line[0] in "#;":
            continue
        keyword = _keyword(line)
        if keyword is None:
            _unknown_line(line, path, lineno, diags)
            continue
        rest = line[len(keyword):]
        value = rest.lstrip(" \t")
        here = Origin.file(path, lineno)
        if keyword in ("domain", "search"):
            if localdomain is not None:
                diags.append(Diagnostic(path, lineno, f"{keyword!r} is ignored because LOCALDOMAIN is set", "warning"))
                continue
            if not value:
                diags.append(Diagnostic(path, lineno, f"{keyword!r} without a domain; glibc ignores this line", "warning"))
                continue
            if search_line:
                diags.append(Diagnostic(path, search_line, f"replaced by the {keyword!r} line {lineno}: only the last domain/search line counts", "warning"))
            if keyword == "domain":
                search = [re.split("[ \t]", value, maxsplit=1)[0]]
            else:
                search = [w for w in _TABSPACE.split(value) if w]
                for w in search:
                    if w[0] in "#;":
                        diags.append(Diagnostic(path, lineno, f"{w!r} is a search domain, not a comment: glibc queries names under it", "warning"))
                        break
            if any("\r" in w for w in search):
                diags.append(Diagnostic(path, lineno, "the line ends with a carriage return (CRLF file): glibc keeps it in the domain", "warning"))
            search_origin, search_line = here, lineno
        elif keyword == "nameserver":
            _nameserver(value, here, servers, diags)
        elif keyword == "sortlist":
            entries, hang = _sortlist(rest, here)
            sortlist.extend(entries)
            sort_origin = here
            if hang is not None:
                diags.append(Diagnostic(path, lineno, f"{hang}: every DNS lookup hangs"))
                fatal = f"{path}:{lineno}: {hang}"
                break
        else:
            _set_options(rest, here, st, diags, path, lineno)

    used = servers[:MAXNS]
    for extra in servers[MAXNS:]:
        diags.append(Diagnostic(path, extra.origin.line, f"name server {extra.text!r} is not used: glibc uses only the first {MAXNS}", "warning"))
    if used:
        st.origins["nameservers"] = used[0].origin
    else:
        used = [NameServer("127.0.0.1", socket.AF_INET, 0, 53, "127.0.0.1", DEFAULT)]

    if not search:
        dot = hostname.find(".")
        if dot >= 0:
            search = [hostname[dot + 1:]]
            search_origin = Origin("hostname", note=hostname)
    st.origins["search"] = search_origin
    for domain in search:
        stripped = domain[1:] if domain.startswith(".") else domain
        if stripped and not _wire_ok(stripped):
            where = search_origin.path if search_origin.kind == "file" else str(search_origin)
            diags.append(Diagnostic(where, search_origin.line, f"search domain {domain!r} cannot form a valid query name: glibc stops the search list there", "warning"))

    if "RES_OPTIONS" in env:
        _set_options(env["RES_OPTIONS"], Origin.env("RES_OPTIONS"), st, diags, path, 0)

    if fatal is None and _search_list_abort(search):
        fatal = ("the search list does not fit glibc's 256-byte buffer in the way glibc 2.36 "
                 "checks: every DNS lookup aborts the process (assertion in update_from_conf)")
        where = search_origin.path if search_origin.kind == "file" else str(search_origin)
        diags.append(Diagnostic(where, search_origin.line, fatal))
    if len(sortlist) > _MAXRESOLVSORT:
        diags.append(Diagnostic(path, sortlist[_MAXRESOLVSORT].origin.line, f"glibc uses only the first {_MAXRESOLVSORT} sortlist entries", "warning"))
    if sort_origin is not None:
        st.origins["sortlist"] = sortlist[0].origin if sortlist else sort_origin
    diags.sort(key=lambda d: (d.path != path, d.line))
    return ResolvConf(
        path=path,
        missing=text is None,
        nameservers=tuple(used),
        unused_nameservers=tuple(servers[MAXNS:]),
        search=tuple(search),
        ndots=st.ndots,
        timeout=st.timeout,
        attempts=st.attempts,
        sortlist=tuple(sortlist[:_MAXRESOLVSORT]),
        origins=MappingProxyType(st.origins),
        diagnostics=tuple(diags),
        fatal=fatal,
        **st.flags,
    )


_KEYWORDS = ("nameserver", "domain", "search", "sortlist", "options")


def _keyword(line: str) -> str | None:
    for kw in _KEYWORDS:
        if line.startswith(kw) and len(line) > len(kw) and line[len(kw)] in " \t":
            return kw
    return None


def _unknown_line(line: str, path: str, lineno: int, diags: list[Diagnostic]) -> None:
    words = c_split(line)
    if not words:
        return
    word = words[0]
    if line[0] in C_SPACE and _keyword(line.lstrip(C_SPACE)) is not None:
        reason = f"{word!r} is indented: glibc recognises keywords only at the start of a line and ignores this line"
    elif word in _KEYWORDS:
        reason = f"{word!r} has no value; glibc ignores this line"
    elif word.lower() in _KEYWORDS or word.lower().startswith(_KEYWORDS):
        reason = f"unknown keyword {word!r} (keywords are lower-case and followed by a space or tab); glibc ignores this line"
    else:
        reason = f"unknown keyword {word!r}; glibc ignores this line"
    diags.append(Diagnostic(path, lineno, reason, "warning"))


def _nameserver(value: str, origin: Origin, servers: list[NameServer], diags: list[Diagnostic]) -> None:
    word = re.split("[ \t\n]", value, maxsplit=1)[0]
    path, lineno = origin.path, origin.line
    if value[len(word):].strip(C_SPACE):
        diags.append(Diagnostic(path, lineno, f"glibc ignores {value[len(word):].strip(C_SPACE)!r} after the address", "warning"))
    packed = inet_aton_exact(word) if word else None
    if packed is not None:
        address = socket.inet_ntoa(packed)
        if address != word:
            diags.append(Diagnostic(path, lineno, f"{word!r} is read as {address} (inet_aton)", "warning"))
        servers.append(NameServer(address, socket.AF_INET, 0, 53, word, origin))
        return
    addr, pct, scope = word.partition("%")
    packed6 = inet_pton6(addr) if addr else None
    if packed6 is None:
        why = "the line ends with a carriage return (CRLF file)" if word.endswith("\r") else "not an IPv4 or IPv6 address"
        shown = word.rstrip(C_SPACE) or value.strip(C_SPACE)
        diags.append(Diagnostic(path, lineno, f"name server {shown!r} is skipped: {why}", "warning"))
        return
    scope_id = 0
    if pct:
        parsed = parse_scope(packed6, scope)
        if parsed is None:
            diags.append(Diagnostic(path, lineno, f"scope {scope!r} is not valid here; glibc uses scope id 0", "warning"))
        else:
            scope_id = parsed
    servers.append(NameServer(inet_ntop(packed6), socket.AF_INET6, scope_id, 53, word, origin))


def _wire_ok(name: str) -> bool:
    """True when ``ns_name_pton`` can encode ``name`` (labels 1-63 octets, 255 in all)."""
    b = encode_raw(name)
    if b == b".":
        return True
    total, cur, i, n = 1, 0, 0, len(b)
    while i < n:
        c = b[i]
        if c == 0x5C:  # backslash escape: \DDD or \X
            if i + 1 >= n:
                return False
            if 0x30 <= b[i + 1] <= 0x39:
                digits = b[i + 1:i + 4]
                if len(digits) < 3 or not digits.isdigit() or int(digits) > 255:
                    return False
                i += 4
            else:
                i += 2
            cur += 1
        elif c == 0x2E:
            if cur == 0 or cur > 63:
                return False
            total += cur + 1
            cur = 0
            i += 1
        else:
            cur += 1
            i += 1
    if cur:
        if cur > 63:
            return False
        total += cur + 1
    return total <= 255


def search_candidates(name: str, conf: ResolvConf) -> list[str]:
    """The absolute names glibc's ``res_search`` queries for ``name``, in order.

    This is the order when every query is answered NXDOMAIN (the search goes on
    after NXDOMAIN, NODATA and SERVFAIL; a timeout or unreachable servers stop
    it early, which is the DNS walk's business).  Rules (glibc-behavior.md
    §8.3 and our experiments):

    * a trailing dot: the name as-is only;
    * dots >= ndots: as-is first, then each search domain;
    * dots < ndots: each search domain, then as-is last — except that
      ``no-tld-query`` drops the last as-is query of a single-label name when
      the search list is not empty;
    * one leading dot of a search domain is dropped, and a domain that is then
      empty (``search .``, ``LOCALDOMAIN=``) stands for the root: it queries
      ``name.`` in its place, and there is no final as-is query;
    * a candidate that cannot be encoded (over 253 characters, a label over
      63, an empty label) is not sent and **ends the search list**; the final
      as-is query still follows.

    Names come back with a trailing dot.  The caller validates ``name`` itself
    first (nss_dns refuses names failing ``res_hnok`` without any query).
    """
    dots = name.count(".")
    trailing = name.endswith(".")
    out: list[str] = []

    def query(domain: str | None) -> bool:
        if domain is None:
            if len(encode_raw(name)) >= _MAXDNAME:
                return False
            full = name
        else:
            if len(encode_raw(name)) + len(encode_raw(domain)) + 1 >= _MAXDNAME:
                return False
            full = f"{name}.{domain}"
        if not _wire_ok(full):
            return False
        out.append(full if full.endswith(".") else full + ".")
        return True

    tried_as_is = False
    if dots >= conf.ndots or trailing:
        query(None)
        if trailing:
            return out
        tried_as_is = True
    searched = root_on_list = False
    for domain in conf.search:
        searched = True
        if domain.startswith("."):
            domain = domain[1:]
        if domain == "":
            root_on_list = True
        if not query(domain):
            break
    if (dots or not searched or not conf.no_tld_query) and not (tried_as_is or root_on_list):
        query(None)
    return out
