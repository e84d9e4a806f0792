"""getaddrinfo's destination-address sort, as glibc 2.36 does it (``rfc3484_sort``).

glibc sorts a getaddrinfo answer whenever it holds more than one address.  For
every result it first asks the kernel which **source address** it would use
(``connect()`` on a UDP socket, then ``getsockname()``: no packet is sent), looks
that source up in the interface table (prefix length, interface index,
deprecated/home flags), and then orders the results with these rules; the first
rule that tells two results apart decides:

1. reachable (the UDP connect worked) before unreachable;
2. destination scope equal to its source's scope first;
3. source not deprecated (or optimistic) first;
4. source a home address first;
5. destination label equal to its source's label first;
6. higher precedence first;
7. native interface first (not an ipip/ip6tnl/sit tunnel);
8. smaller destination scope first;
9. longer common prefix with the source first; only between two destinations
   of the same family, and for IPv4 the prefix counts only when the
   destination lies in the source's subnet (by the interface prefix length);
10. the original order.

Rules 2-5, 7 and 9 apply only between reachable destinations.  The tables for
labels, precedence and IPv4 scopes come from /etc/gai.conf
(``netdb.files.gaiconf``); IPv6 scopes are fixed (link-local and ::1 → 2,
fec0::/10 → 5, multicast → its scope nibble, else 14).

Differences from RFC 6724 that glibc has and we copy: no precedence rows for
ULA (fc00::/7) or Teredo; 127/8 and 169.254/16 are the only link-local IPv4
scopes; no 64-bit cap on the common prefix; rule 9 is skipped across families.
Details found by reading glibc and checking on this machine:

* glibc's interface table exists only when IPv6 is configured (an address other
  than ::1).  Without it every source has prefix length 0 and no interface:
  rules 3, 4 and 7 never fire, and rule 9 for IPv4 shifts a 32-bit mask by 32,
  which on x86 leaves it at /32 -- only a destination equal to its source gets
  a non-zero prefix.
* The interface lookup of an IPv4 source under 127/8 uses 127.0.0.1, but only
  while glibc's probe socket is still IPv4 (before the first IPv6 result).
* Skipping rule 9 across families makes the comparison non-transitive when an
  IPv4 and an IPv6 destination tie on rules 1-8; the result then depends on
  the comparisons glibc's merge sort makes.  We detect that case and run the
  same merge sort; otherwise one ``sorted()`` over precomputed keys gives the
  identical order.

Layout: :func:`rfc3484_order` and :func:`sort_with_reasons` are pure (sources
given); :func:`probe_sources` asks the kernel; :func:`sort_destinations` and
:func:`explain_sort` do both and are what getaddrinfo calls.
"""

from __future__ import annotations

import _socket  # the C class: no Python-level __init__/close per lookup
import contextlib
import itertools
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from . import interfaces
from .files.gaiconf import GaiConf, PrefixEntry, ScopeEntry

__all__ = [
    "NO_INTERFACE",
    "Destination",
    "DestinationDetail",
    "Policy",
    "Reason",
    "SortExplanation",
    "Source",
    "explain_sort",
    "policy_for",
    "probe_sources",
    "rfc3484_order",
    "sort_destinations",
    "sort_with_reasons",
]

AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
#: The interface index glibc records when the source is not in its table.
NO_INTERFACE = 0xFFFFFFFF
_V4MAPPED_INT = 0xFFFF << 32
_V4MAPPED = bytes(10) + b"\xff\xff"
_PROBE_CACHE_LIMIT = 4096


class Destination(NamedTuple):
    """One getaddrinfo result address: family, packed address (4 or 16 bytes), scope id."""

    family: int
    address: bytes
    scope_id: int = 0

    @property
    def text(self) -> str:
        """Presentation form, with ``%scope`` when the scope id is set."""
        base = socket.inet_ntop(self.family, self.address)
        return f"{base}%{self.scope_id}" if self.scope_id else base


class Source(NamedTuple):
    """What glibc learns about the source address of one reachable destination.

    ``address`` is 4 bytes for an AF_INET destination and 16 for AF_INET6 (a
    v4-mapped destination gets a v4-mapped source).  ``prefixlen``, ``ifindex``,
    ``deprecated`` and ``home`` come from glibc's interface table: 0 and
    :data:`NO_INTERFACE` when the source is not in it.  ``native`` is glibc's
    rule-7 verdict for ``ifindex`` (an unknown index is not native).
    """

    address: bytes
    prefixlen: int = 0
    ifindex: int = NO_INTERFACE
    deprecated: bool = False
    home: bool = False
    native: bool = False
    ifname: str = ""

    @property
    def text(self) -> str:
        """The source address in presentation form."""
        return socket.inet_ntop(AF_INET if len(self.address) == 4 else AF_INET6, self.address)


DestinationLike = Destination | tuple[int, bytes, int] | tuple[int, bytes]


def _dest(d: DestinationLike) -> Destination:
    return d if isinstance(d, Destination) else Destination(*d)


# --- policy tables --------------------------------------------------------

_Rows = tuple[tuple[int, int, int], ...]  # (prefix, shift, value) rows of a label or precedence table
_policy_serials = itertools.count(1)


class Policy:
    """The label, precedence and IPv4-scope tables of one gai.conf, compiled.

    ``classify(packed)`` returns ``(label, precedence, scope)`` for a 4-byte
    (IPv4) or 16-byte (IPv6) address and memoises the answer.
    """

    _MEMO_LIMIT = 4096

    def __init__(self, conf: GaiConf | None = None) -> None:
        conf = conf if conf is not None else GaiConf(exists=False)
        self.conf = conf
        self.serial = next(_policy_serials)  # (names this policy in cache keys, which hold no object)
        self._labels = self._compile(conf.labels())
        self._precedence = self._compile(conf.precedences())
        self._scopes = tuple((e.network, e.netmask, e.value, e) for e in conf.scopes())
        self._memo4: dict[bytes, tuple[int, int, int]] = {}
        self._memo6: dict[bytes, tuple[int, int, int]] = {}
        self._rows_by_top: dict[int, tuple[_Rows, _Rows]] = {}
        self._key_size_by_top: dict[bytes, int] = {}
        # Rows longer than /96 inside ::ffff:0:0/96 tell IPv4 addresses apart; without any, every
        # IPv4 address gets the same label and precedence and only its scope needs a look.
        self._v4_fixed: tuple[int, int] | None = None
        self._v4_key_size = 4
        if not any(shift < 32 and (prefix << shift) >> 32 == 0xFFFF
                   for prefix, shift, _v, _e in (*self._labels, *self._precedence)):
            self._v4_fixed = (self._first(self._labels, _V4MAPPED_INT), self._first(self._precedence, _V4MAPPED_INT))
            self._v4_key_size = -(-max((e.bits for e in conf.scopes()), default=0) // 8)

    @staticmethod
    def _compile(table: Sequence[PrefixEntry]) -> tuple[tuple[int, int, int, PrefixEntry], ...]:
        return tuple(
            (int.from_bytes(e.prefix, "big") >> (128 - e.bits), 128 - e.bits, e.value, e) for e in table
        )

    def label_entry(self, packed: bytes) -> PrefixEntry:
        """The label-table row an address matches (glibc's ``match_prefix``)."""
        return self._match(self._labels, packed)

    def precedence_entry(self, packed: bytes) -> PrefixEntry:
        """The precedence-table row an address matches."""
        return self._match(self._precedence, packed)

    def scope_entry(self, packed: bytes) -> ScopeEntry | None:
        """The scopev4 row an IPv4 address matches (None for IPv6 addresses)."""
        if len(packed) != 4:
            return None
        value = int.from_bytes(packed, "big")
        for network, mask, _scope, entry in self._scopes:
            if value & mask == network:
                return entry
        raise AssertionError("scope table without a catch-all row")  # pragma: no cover

    @staticmethod
    def _match(table: tuple[tuple[int, int, int, PrefixEntry], ...], packed: bytes) -> PrefixEntry:
        value = int.from_bytes(packed, "big")
        if len(packed) == 4:
            value |= _V4MAPPED_INT
        for prefix, shift, _val, entry in table:
            if value >> shift == prefix:
                return entry
        raise AssertionError("prefix table without a catch-all row")  # pragma: no cover

    @staticmethod
    def _first(table: tuple[tuple[int, int, int, PrefixEntry], ...], value: int) -> int:
        for prefix, shift, val, _e in table:
            if value >> shift == prefix:
                return val
        return 0

    def classify(self, packed: bytes) -> tuple[int, int, int]:
        """``(label, precedence, scope)`` of a 4- or 16-byte address.

        Memoised by the address's leading bytes that decide it: as many as
        the longest table row that can match it spans (with the built-in
        tables, 2 bytes of an IPv4 address and 4 of most IPv6 ones), so a
        run of addresses from one network is classified once.
        """
        if len(packed) == 4:
            key = packed[: self._v4_key_size]
            memo = self._memo4
        else:
            size = self._key_size_by_top.get(packed[:2])
            if size is None:
                size = self._key_size_by_top[packed[:2]] = self._key_size6(packed)
            key = packed[:size]
            memo = self._memo6
        hit = memo.get(key)
        if hit is None:
            if len(memo) >= self._MEMO_LIMIT:
                memo.clear()
            hit = memo[key] = self.classify_fresh(packed)
        return hit

    def _key_size6(self, packed: bytes) -> int:
        """How many leading bytes of IPv6 addresses with ``packed``'s first 16 bits decide their class."""
        top = int.from_bytes(packed[:2], "big")
        if top == 0:
            return 16  # (::1 has its own scope; ::/96 and ::ffff:0:0/96 hold whole families)
        rows = self._rows_by_top.get(top)
        if rows is None:
            rows = self._rows_by_top[top] = self._rows_for(top)
        bits = max((128 - shift for _prefix, shift, _value in (*rows[0], *rows[1])), default=0)
        return max(2, -(-bits // 8))  # (the scope reads the first 2 bytes)

    def classify_fresh(self, packed: bytes) -> tuple[int, int, int]:
        """:meth:`classify` worked out from the tables, without the memo."""
        value = int.from_bytes(packed, "big")
        if len(packed) == 4:
            scope = 14
            for network, mask, sval, _se in self._scopes:
                if value & mask == network:
                    scope = sval
                    break
            fixed = self._v4_fixed
            if fixed is not None:
                return (fixed[0], fixed[1], scope)
            value |= _V4MAPPED_INT
        else:
            scope = _scope6(packed)
        top = value >> 112
        rows = self._rows_by_top.get(top)
        if rows is None:
            rows = self._rows_by_top[top] = self._rows_for(top)
        label = prec = 0
        for prefix, shift, val in rows[0]:
            if value >> shift == prefix:
                label = val
                break
        for prefix, shift, val in rows[1]:
            if value >> shift == prefix:
                prec = val
                break
        return (label, prec, scope)

    def _rows_for(self, top: int) -> tuple[_Rows, _Rows]:
        """The label and precedence rows that can match an address whose first 16 bits are ``top``.

        Table order is kept, so the first of them that matches is the first
        of the whole table that does.
        """
        def can_match(prefix: int, shift: int) -> bool:
            bits = 128 - shift
            return (top >> (16 - bits)) == prefix if bits <= 16 else (prefix >> (bits - 16)) == top

        return (tuple((p, sh, v) for p, sh, v, _e in self._labels if can_match(p, sh)),
                tuple((p, sh, v) for p, sh, v, _e in self._precedence if can_match(p, sh)))


def _scope6(a: bytes) -> int:
    """glibc's ``get_scope`` for IPv6 (v4-mapped addresses included: 14)."""
    if a[0] == 0xFF:
        return a[1] & 0x0F
    if (a[0] == 0xFE and a[1] & 0xC0 == 0x80) or a == b"\0" * 15 + b"\x01":
        return 2
    if a[0] == 0xFE and a[1] & 0xC0 == 0xC0:
        return 5
    return 14


_policies: dict[int, tuple[GaiConf | None, Policy]] = {}


def policy_for(conf: GaiConf | None) -> Policy:
    """The compiled :class:`Policy` of a parsed gai.conf (cached per object; None: built-in)."""
    key = id(conf)
    hit = _policies.get(key)
    if hit is not None and hit[0] is conf:
        return hit[1]
    if len(_policies) > 16:
        _policies.clear()
    policy = Policy(conf)
    _policies[key] = (conf, policy)
    return policy


# --- the comparison -------------------------------------------------------


class _Entry(NamedTuple):
    """Per-destination facts the comparison reads (computed once per destination)."""

    reachable: bool
    family: int
    dst_scope: int
    src_scope: int
    dst_label: int
    src_label: int
    precedence: int
    deprecated: bool
    home: bool
    ifindex: int
    native: bool
    bits: int  # rule 9's common-prefix length with the source
    key: tuple[int, ...]  # rules 1-8 as one tuple (smaller sorts first)
    sortbits: int  # -bits for reachable destinations, else 0


def _clz32(x: int) -> int:
    return 32 - x.bit_length()


def _rule9_bits(dest: Destination, src: Source) -> int:
    """glibc's rule-9 prefix length of one destination with its source."""
    return _prefix_bits(dest.family, dest.address, src)


def _prefix_bits(family: int, address: bytes, src: Source) -> int:
    if family == AF_INET:
        d = int.from_bytes(address, "big")
        s = int.from_bytes(src.address[-4:], "big")
        # 0xffffffff << (32 - prefixlen): with prefixlen 0 the shift count is
        # 32, which x86 reduces modulo 32, so the mask stays all ones.
        mask = (0xFFFFFFFF << ((32 - src.prefixlen) & 31)) & 0xFFFFFFFF
        return _clz32(d ^ s) if d & mask == s & mask else 0
    return 128 - (int.from_bytes(address, "big") ^ int.from_bytes(src.address, "big")).bit_length()


def _make_entry(dest: tuple[int, bytes, int], src: Source | None, policy: Policy) -> _Entry:
    family, address, _scope_id = dest
    dlabel, dprec, dscope = policy.classify(address)
    if src is None:
        key = (1, 0, 0, 0, 0, -dprec, 0, dscope)
        return _Entry(False, family, dscope, 0, dlabel, 0, dprec, False, False, NO_INTERFACE, False, 0, key, 0)
    slabel, _sprec, sscope = policy.classify(src.address)
    bits = _prefix_bits(family, address, src)
    # (booleans order as 0 and 1 in the key, as the rules read them)
    key = (0, dscope != sscope, src.deprecated, not src.home, dlabel != slabel, -dprec, not src.native, dscope)
    return _Entry(
        True, family, dscope, sscope, dlabel, slabel, dprec, src.deprecated, src.home,
        src.ifindex, src.native, bits, key, -bits,
    )


def _rules_key(address: bytes, src: Source | None, policy: Policy) -> tuple[int | bool, ...]:
    """Rules 1-8 for one destination as one tuple (smaller sorts first), as :class:`_Entry` has it."""
    dlabel, dprec, dscope = policy.classify(address)
    if src is None:
        return (1, 0, 0, 0, 0, -dprec, 0, dscope)
    slabel, _sprec, sscope = policy.classify(src.address)
    return (0, dscope != sscope, src.deprecated, not src.home, dlabel != slabel, -dprec, not src.native, dscope)


def _sort_key(dest: tuple[int, bytes, int], src: Source | None, policy: Policy) -> tuple[tuple[int, ...], int, bool, int]:
    """What ``_order`` reads of one destination: ``(key, sortbits, reachable, family)`` (no :class:`_Entry`)."""
    family, address, _scope_id = dest
    key = _rules_key(address, src, policy)
    if src is None:
        return key, 0, False, family
    return key, -_prefix_bits(family, address, src), True, family


def _order_two(a: tuple[int, bytes, int], b: tuple[int, bytes, int], src_a: Source | None, src_b: Source | None,
               policy: Policy) -> list[int]:
    """Two destinations: glibc's merge sort makes one comparison, this one.

    Rule 9's prefix lengths are worked out only when rules 1-8 tie between
    two reachable destinations of one family (an answer's A and AAAA never
    need them).
    """
    key_a = _rules_key(a[1], src_a, policy)
    key_b = _rules_key(b[1], src_b, policy)
    if key_a != key_b:
        return [0, 1] if key_a < key_b else [1, 0]
    if src_a is not None and src_b is not None and a[0] == b[0]:
        bits_a = _prefix_bits(a[0], a[1], src_a)
        bits_b = _prefix_bits(b[0], b[1], src_b)
        if bits_a != bits_b:
            return [0, 1] if bits_a > bits_b else [1, 0]
    return [0, 1]


def _sorted_order(dests: Sequence[DestinationLike], sources: Sequence[Source | None], policy: Policy) -> list[int]:
    """``_order(_entries(...))`` from the light keys; the full entries only for glibc's merge sort."""
    if len(dests) == 2 and len(sources) == 2:
        return _order_two(_norm(dests[0]), _norm(dests[1]), sources[0], sources[1], policy)
    order = _order_keys([_sort_key(_norm(d), src, policy) for d, src in zip(dests, sources, strict=True)])
    return order if order is not None else _order(_entries(dests, sources, policy))


def _norm(d: DestinationLike) -> tuple[int, bytes, int]:
    return d if len(d) == 3 else (d[0], d[1], 0)


def _entries(dests: Sequence[DestinationLike], sources: Sequence[Source | None], policy: Policy) -> list[_Entry]:
    """One :class:`_Entry` per destination."""
    if len(dests) != len(sources):
        raise ValueError("one source (or None) per destination is needed")
    return [_make_entry(_norm(d), src, policy) for d, src in zip(dests, sources, strict=True)]


def _compare(a: _Entry, b: _Entry, ia: int, ib: int) -> tuple[int, int]:
    """glibc's ``rfc3484_sort`` for two entries: (sign, deciding rule)."""
    if a.reachable != b.reachable:
        return (-1 if a.reachable else 1), 1
    if a.reachable:
        ma, mb = a.dst_scope == a.src_scope, b.dst_scope == b.src_scope
        if ma != mb:
            return (-1 if ma else 1), 2
        if a.deprecated != b.deprecated:
            return (1 if a.deprecated else -1), 3
        if a.home != b.home:
            return (-1 if a.home else 1), 4
        la, lb = a.dst_label == a.src_label, b.dst_label == b.src_label
        if la != lb:
            return (-1 if la else 1), 5
    if a.precedence != b.precedence:
        return (-1 if a.precedence > b.precedence else 1), 6
    if a.reachable and a.ifindex != b.ifindex and a.native != b.native:
        return (-1 if a.native else 1), 7
    if a.dst_scope != b.dst_scope:
        return (-1 if a.dst_scope < b.dst_scope else 1), 8
    if a.reachable and a.family == b.family and a.bits != b.bits:
        return (-1 if a.bits > b.bits else 1), 9
    return (-1 if ia < ib else 1), 10


def _order_keys(keys: Sequence[tuple[tuple[int, ...], int, bool, int]]) -> list[int] | None:
    """The sorted permutation of ``(key, sortbits, reachable, family)`` rows, or None for glibc's merge sort.

    One ``sorted()`` on the keys gives glibc's order unless an IPv4 and an
    IPv6 reachable destination tie on rules 1-8 (rule 9 is skipped across
    families, so the comparison is not transitive): then None.
    """
    if len(keys) == 2:  # one comparison, as glibc's merge sort makes
        (ka, ba, ra, fa), (kb, bb, _rb, fb) = keys
        if ka != kb:
            return [0, 1] if ka < kb else [1, 0]
        if ra and fa == fb and ba != bb:
            return [0, 1] if ba < bb else [1, 0]
        return [0, 1]
    seen: dict[tuple[int, ...], int] = {}
    for key, _bits, reachable, family in keys:
        if reachable and seen.setdefault(key, family) != family:
            return None
    return sorted(range(len(keys)), key=lambda i: (keys[i][0], keys[i][1], i))


def _msort(n: int, cmp: Callable[[int, int], int]) -> list[int]:
    """glibc 2.36's ``qsort_r`` (``msort_with_tmp``): top-down merge sort of 0..n-1."""
    items = list(range(n))

    def sort(lo: int, hi: int) -> None:
        """Sort items[lo:hi] in place: halves first, then merge (left wins ties)."""
        count = hi - lo
        if count <= 1:
            return
        mid = lo + count // 2
        sort(lo, mid)
        sort(mid, hi)
        left, right = items[lo:mid], items[mid:hi]
        i = j = 0
        k = lo
        while i < len(left) and j < len(right):
            if cmp(left[i], right[j]) <= 0:
                items[k] = left[i]
                i += 1
            else:
                items[k] = right[j]
                j += 1
            k += 1
        while i < len(left):
            items[k] = left[i]
            i += 1
            k += 1

    sort(0, n)
    return items


def _order(entries: list[_Entry]) -> list[int]:
    """The sorted permutation: one ``sorted()`` on keys unless the comparison is not transitive."""
    order = _order_keys([(e.key, e.sortbits, e.reachable, e.family) for e in entries])
    if order is not None:
        return order
    return _msort(len(entries), lambda i, j: _compare(entries[i], entries[j], i, j)[0])


def rfc3484_order(
    dests: Sequence[DestinationLike], sources: Sequence[Source | None], policy: Policy | GaiConf | None = None
) -> list[int]:
    """The order glibc puts ``dests`` in, given each one's source (None: unreachable).

    Pure.  ``dests`` are the results in their original order -- one per
    address, or one per addrinfo entry (consecutive repeats of an address are
    cheap); the answer is a permutation of their indices.
    """
    pol = policy if isinstance(policy, Policy) else policy_for(policy)
    if len(dests) != len(sources):
        raise ValueError("one source (or None) per destination is needed")
    return _sorted_order(dests, sources, pol)


# --- explanations -----------------------------------------------------------


class Reason(NamedTuple):
    """Why one destination precedes the next: the deciding rule and a sentence."""

    rule: int
    text: str


class DestinationDetail(NamedTuple):
    """Everything the sort knew about one destination (for ``--explain``)."""

    destination: Destination
    source: Source | None
    scope: int
    source_scope: int | None
    label: int
    source_label: int | None
    precedence: int
    label_line: int
    precedence_line: int
    prefix_bits: int | None


@dataclass(frozen=True)
class SortExplanation:
    """The sorted order, a reason per adjacent pair, and the facts per destination.

    ``order`` indexes the input; ``reasons[k]`` explains why ``order[k]`` comes
    before ``order[k + 1]``; ``details`` follows the *input* order.
    """

    order: list[int]
    reasons: list[Reason]
    details: list[DestinationDetail]
    sort_info_available: bool = True

    def lines(self) -> list[str]:
        """Human-readable lines: the final order with the reason for each step."""
        out: list[str] = []
        for k, i in enumerate(self.order):
            d = self.details[i]
            src = d.source.text if d.source is not None else "unreachable"
            out.append(f"{k + 1}. {d.destination.text}  (source {src})")
            if k < len(self.reasons):
                out.append(f"     before the next: {self.reasons[k].text}")
        return out


_SCOPE_WORDS = {1: "interface-local", 2: "link-local", 4: "admin-local", 5: "site-local", 8: "organisation-local", 14: "global"}


def _scope_word(scope: int) -> str:
    word = _SCOPE_WORDS.get(scope)
    return f"{scope} ({word})" if word else str(scope)


def _reason(a: _Entry, b: _Entry, ia: int, ib: int, da: Destination, db: Destination) -> Reason:
    sign, rule = _compare(a, b, ia, ib)
    x, y = (da.text, db.text) if sign < 0 else (db.text, da.text)
    ea, eb = (a, b) if sign < 0 else (b, a)
    if rule == 1:
        text = f"{x} is reachable, {y} is not (no source address: connect() failed)"
    elif rule == 2:
        text = (f"{x}'s scope matches its source's ({_scope_word(ea.dst_scope)}), "
                f"{y}'s does not ({_scope_word(eb.dst_scope)} vs source {_scope_word(eb.src_scope)})")
    elif rule == 3:
        text = f"{y}'s source address is deprecated (or optimistic), {x}'s is not"
    elif rule == 4:
        text = f"{x}'s source is a home address, {y}'s is not"
    elif rule == 5:
        text = (f"{x}'s label matches its source's ({ea.dst_label}), "
                f"{y}'s does not ({eb.dst_label} vs source {eb.src_label})")
    elif rule == 6:
        text = f"precedence {ea.precedence} > {eb.precedence}"
    elif rule == 7:
        text = f"{x} leaves through a native interface, {y} through a tunnel or an unknown one"
    elif rule == 8:
        text = f"scope {_scope_word(ea.dst_scope)} < {_scope_word(eb.dst_scope)}"
    elif rule == 9:
        text = f"longer common prefix with the source: {ea.bits} > {eb.bits} bits"
    else:
        why = "" if a.family == b.family or not a.reachable else " (rule 9 is not applied across families)"
        text = f"original order{why}"
    text = f"rule {rule}: {text}"
    if sign > 0:
        text = ("glibc's merge sort kept this order although the pair alone compares the other way "
                f"({text}); the comparison is not transitive when IPv4 and IPv6 results tie on rules 1-8")
    return Reason(rule, text)


def sort_with_reasons(
    dests: Sequence[DestinationLike], sources: Sequence[Source | None], policy: Policy | GaiConf | None = None
) -> tuple[list[int], list[Reason]]:
    """Like :func:`rfc3484_order`, plus the reason for each adjacent pair of the result."""
    pol = policy if isinstance(policy, Policy) else policy_for(policy)
    ds = [_dest(d) for d in dests]
    entries = _entries(ds, sources, pol)
    order = _order(entries)
    reasons = [
        _reason(entries[i], entries[j], i, j, ds[i], ds[j]) for i, j in itertools.pairwise(order)
    ]
    return order, reasons


def _details(ds: Sequence[Destination], sources: Sequence[Source | None], pol: Policy) -> list[DestinationDetail]:
    out = []
    for d, s in zip(ds, sources, strict=True):
        label, prec, scope = pol.classify(d.address)
        slabel: int | None = None
        sscope: int | None = None
        bits: int | None = None
        if s is not None:
            slabel, _p, sscope = pol.classify(s.address)
            bits = _rule9_bits(d, s)
        out.append(DestinationDetail(
            d, s, scope, sscope, label, slabel, prec,
            pol.label_entry(d.address).line, pol.precedence_entry(d.address).line, bits,
        ))
    return out


# --- probing the kernel -----------------------------------------------------


#: What one probe learnt: (packed source address or None when connect() failed, whether socket()
#: worked (False: glibc's fd == -1), whether the IPv6 socket refused an IPv4 destination).
_Probe = tuple[bytes | None, bool, bool]


_NO_SOCKET: _Probe = (None, False, False)


class _ProbeSockets(threading.local):
    """This thread's probe sockets, one per family, kept between probes (glibc keeps one per sort)."""

    def __init__(self) -> None:
        self.by_family: dict[int, Any] = {}


_probe_sockets = _ProbeSockets()
_inet_pton = _socket.inet_pton
_inet_ntop = _socket.inet_ntop
_disconnect: tuple[Any, Any] | bool | None = None  # libc connect() and an AF_UNSPEC address; False: unavailable


def _forget_probe_sockets() -> None:
    """A forked child keeps none of the parent's probe sockets (another thread's or process's state)."""
    global _probe_sockets
    _probe_sockets = _ProbeSockets()


os.register_at_fork(after_in_child=_forget_probe_sockets)


def _libc_disconnect() -> tuple[Any, Any] | None:
    """libc's ``connect`` with an AF_UNSPEC address (which dissolves a UDP association), or None."""
    global _disconnect
    if _disconnect is None:
        try:
            import ctypes

            # (no argtypes and no errno copy: ctypes passes the int and the buffer as they are, twice as
            # fast, and only the return value is read)
            connect = ctypes.CDLL(None).connect
            _disconnect = (connect, ctypes.create_string_buffer(16))  # all zeros: sa_family AF_UNSPEC
        except (OSError, AttributeError, ImportError):
            _disconnect = False
    return _disconnect if isinstance(_disconnect, tuple) else None


def _connect(family: int, sockaddr: tuple[str, int] | tuple[str, int, int, int]) -> _Probe:
    """UDP ``connect()`` + ``getsockname()`` (sends nothing).

    On a socket kept for the thread and family, dissolved afterwards with
    an AF_UNSPEC ``connect`` as glibc does between its probes (a connected
    UDP socket would keep its first source address), else on a fresh one.
    """
    kept = _probe_sockets.by_family
    held = kept.get(family)  # (socket, its descriptor, libc's connect and an AF_UNSPEC address)
    if held is None:
        try:
            sock = _socket.socket(family, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        except OSError:
            return _NO_SOCKET
        held = (sock, sock.fileno(), _libc_disconnect())
        if held[2] is not None:
            kept[family] = held
    sock, fd, disconnect = held
    try:
        sock.connect(sockaddr)
        host = sock.getsockname()[0]
        if "%" in host:
            host = host.split("%", 1)[0]
        probe: _Probe = (_inet_pton(family, host), True, False)
    except OSError:
        v6only = False
        if family == AF_INET6:
            with contextlib.suppress(OSError):
                v6only = bool(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
        probe = (None, True, v6only)
    if disconnect is None or disconnect[0](fd, disconnect[1], 16) != 0:
        if kept.get(family) is held:
            del kept[family]
        sock.close()
    return probe


def _lookup(snap: interfaces.InterfaceSnapshot, packed: bytes, family: int, sock_af: int) -> Source:
    """Fill in what glibc's interface table says about a source address (memoised on the snapshot)."""
    # (the memo's key: the address, whose length says its family, unless glibc looks up 127.0.0.1 for it)
    loopback_rule = family == AF_INET and sock_af == AF_INET and packed[0] == 127
    memo_key: object = (packed,) if loopback_rule else packed
    memo = snap.source_memo
    hit: Source | None = memo.get(memo_key)
    if hit is not None:
        return hit
    if family == AF_INET:
        entry = snap.source_entry(_V4MAPPED + (b"\x7f\0\0\x01" if loopback_rule else packed))
    else:
        entry = snap.source_entry(packed)
    if entry is None:
        source = Source(packed)
    else:
        source = Source(
            packed, entry.prefixlen, entry.index, entry.deprecated or entry.optimistic, entry.home,
            snap.native(entry.index), snap.name(entry.index),
        )
    if len(memo) >= _PROBE_CACHE_LIMIT:
        memo.clear()
    memo[memo_key] = source
    return source


def probe_sources(
    dests: Sequence[DestinationLike],
    snapshot: interfaces.InterfaceSnapshot | None = None,
    *,
    use_cache: bool = True,
) -> list[Source | None]:
    """Ask the kernel for each destination's source address, the way glibc does.

    One UDP ``connect()`` per distinct destination (no packet leaves); None
    for an unreachable one.  glibc probes with a single socket that starts in
    the family of the first result and switches to IPv6 at the first IPv6
    result; that matters for the 127/8 lookup rule and is reproduced.  With
    ``use_cache``, results live in the interface snapshot's probe cache (see
    ``netdb.interfaces``; it expires only through :func:`netdb.interfaces.snapshot`,
    so a snapshot passed in keeps its probes until it is replaced).
    """
    snap = snapshot if snapshot is not None else interfaces.snapshot()
    cache = snap.probe_cache if use_cache else None
    out: list[Source | None] = []
    af = 0
    sock_ok = False
    last: tuple[int, bytes, int] | None = None
    for raw in dests:
        dest = _norm(raw)
        if dest == last:
            out.append(out[-1])
            continue
        last = dest
        if not sock_ok or (af == AF_INET and dest[0] == AF_INET6):
            af = dest[0]
            sock_ok = True
        if cache is not None:
            hit = cache.get((dest, af))
            if hit is not None:
                cached = cast(tuple[Source | None, int, bool], hit)
                out.append(cached[0])
                af, sock_ok = cached[1], cached[2]
                continue
        start_af = af
        source, af, sock_ok = _probe_one(dest, af, snap)
        if cache is not None:
            if len(cache) >= _PROBE_CACHE_LIMIT:
                cache.clear()
            cache[(dest, start_af)] = (source, af, sock_ok)
        out.append(source)
    return out


def _probe_one(dest: tuple[int, bytes, int], af: int,
               snap: interfaces.InterfaceSnapshot) -> tuple[Source | None, int, bool]:
    """One destination ``(family, packed, scope_id)`` on glibc's probe socket of family ``af``.

    Returns (source or None, the socket's family afterwards, whether glibc's
    socket is open afterwards).  glibc reuses one socket (disconnecting it with
    AF_UNSPEC between uses); a fresh socket per probe selects the same source.
    """
    family, packed, scope_id = dest
    text = _inet_ntop(family, packed)
    if family == AF_INET6 or af == AF_INET6:
        source, created, v6only = _connect(AF_INET6, (text if family == AF_INET6 else "::ffff:" + text, 0, 0, scope_id))
        if source is not None:
            if family == AF_INET:  # glibc converts the v4-mapped source back
                return _lookup(snap, source[12:], AF_INET, af), af, True
            return _lookup(snap, source, AF_INET6, af), af, True
        if not (family == AF_INET and v6only):
            return None, af, created
        af = AF_INET  # glibc: EAFNOSUPPORT on an IPv6-only socket: retry on an IPv4 one
    source, created, _v6only = _connect(AF_INET, (text, 0))
    if source is None:
        return None, af, created
    return _lookup(snap, source, AF_INET, af), af, True


# --- what getaddrinfo calls -----------------------------------------------------


def sort_destinations(
    dests: Sequence[DestinationLike],
    conf: GaiConf | Policy | None = None,
    *,
    snapshot: interfaces.InterfaceSnapshot | None = None,
    probe_cache: bool = True,
) -> list[int]:
    """glibc's getaddrinfo order for ``dests``: a permutation of their indices.

    ``dests`` are ``(family, packed, scope_id)`` in the order the lookup
    produced them (one per address, or one per addrinfo entry).  ``conf`` is
    the parsed gai.conf (None: built-in tables).  glibc sorts only answers
    with more than one address; callers should too.  The order is kept in
    the snapshot's probe cache (with the probes it rests on, for as long);
    ``probe_cache=False`` probes the kernel afresh, as glibc does on every
    call.
    """
    if len(dests) < 2:
        return list(range(len(dests)))
    snap = snapshot if snapshot is not None else interfaces.snapshot()
    pol = conf if isinstance(conf, Policy) else policy_for(conf)
    if not probe_cache:
        return _sorted_order(dests, probe_sources(dests, snap, use_cache=False), pol)
    # The whole answer is kept where the probes would be (a sort is a function of the destinations,
    # their probes and the tables): one entry per distinct list, not one per destination and step.
    # (keys and orders are tuples of numbers and bytes, which the cyclic garbage collector stops
    # tracking: a bulk run keeps thousands of them, and tracked ones would make its full passes longer
    # and more frequent)
    cache = snap.probe_cache
    key = (pol.serial, tuple(dests))
    kept = cache.get(key)
    if kept is not None:
        return list(cast(tuple[int, ...], kept))
    order = _sorted_order(dests, probe_sources(dests, snap, use_cache=False), pol)
    if len(cache) >= _PROBE_CACHE_LIMIT:
        cache.clear()
    cache[key] = tuple(order)
    return order


def explain_sort(
    dests: Sequence[DestinationLike],
    conf: GaiConf | Policy | None = None,
    *,
    snapshot: interfaces.InterfaceSnapshot | None = None,
    sources: Sequence[Source | None] | None = None,
) -> SortExplanation:
    """:func:`sort_destinations` with reasons and per-destination facts (for ``--explain``).

    Probes the kernel unless ``sources`` is given.
    """
    ds = [_dest(d) for d in dests]
    snap = snapshot if snapshot is not None else (interfaces.snapshot() if sources is None else None)
    srcs = list(sources) if sources is not None else probe_sources(ds, snap)
    pol = conf if isinstance(conf, Policy) else policy_for(conf)
    order, reasons = sort_with_reasons(ds, srcs, pol)
    available = snap.sort_info_available if snap is not None else True
    return SortExplanation(order, reasons, _details(ds, srcs, pol), available)
