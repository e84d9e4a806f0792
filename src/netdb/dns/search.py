"""``res_query`` and ``res_search`` as glibc 2.36 runs them, with h_errno and errno.

``res_query(ctx, name, qtype)`` builds the query (or the A+AAAA pair,
``qtype=A_AND_AAAA``), sends it with ``res_send`` and classifies the reply:
success when either answer is NOERROR with records; otherwise h_errno is
HOST_NOT_FOUND (NXDOMAIN), TRY_AGAIN (SERVFAIL, or nothing usable came back),
NO_DATA (NOERROR, no records) or NO_RECOVERY (REFUSED, NOTIMP, FORMERR ..., or
a name that cannot be encoded, in which case nothing is sent).  ``no-aaaa``
answers a lone AAAA query with a made-up NODATA without sending it.

``res_search(ctx, name, qtype)`` walks the candidates (glibc-behavior.md §8.3):

* a trailing dot: the name as is, only;
* dots >= ndots: as is first, then each search domain; else each search
  domain, then as is (unless ``no-tld-query`` and the name has no dot, or
  ``search .`` put the root on the list);
* after a failed candidate the walk goes on for HOST_NOT_FOUND, NO_DATA and a
  TRY_AGAIN whose reply was SERVFAIL; anything else (a timeout, REFUSED ...)
  ends the search list, and the as-is query still follows if it is pending;
  "connection refused" (no server listening) ends the whole search at once;
* the final h_errno: the as-is query's when it was tried first; else NO_DATA
  if any candidate gave NO_DATA; else TRY_AGAIN if any gave SERVFAIL; else
  the last candidate's.

nss_dns then reads glibc's ``errno``, which ``res_send`` leaves at ETIMEDOUT or
ECONNREFUSED when *its* last call failed and which is reset to 0 by any
later exchange: ``nss_status`` maps it to UNAVAIL (those two), TRYAGAIN
(ESRCH) or NOTFOUND (anything else).  So a SERVFAIL followed by NXDOMAINs in
a search ends as NOTFOUND with h_errno TRY_AGAIN.
"""

from __future__ import annotations

import errno as E
import struct
from collections.abc import Generator
from typing import Any, NamedTuple

from ..errors import HOST_NOT_FOUND, NO_DATA, NO_RECOVERY, TRY_AGAIN
from . import io
from .exchange import Query, ResContext
from .names import MAXDNAME, ntop, pton
from .wire import (
    FORMERR,
    HEADER_SIZE,
    NOERROR,
    NOTIMP,
    NXDOMAIN,
    SERVFAIL,
    T_A,
    T_AAAA,
    make_query,
    qtype_name,
)

__all__ = ["A_AND_AAAA", "NETDB_INTERNAL", "QueryResult", "nss_status", "res_query", "res_search"]

A_AND_AAAA = -1
"""The pseudo type for an A query and an AAAA query sent together (``T_QUERY_A_AND_AAAA``)."""
NETDB_INTERNAL = -1

Gen = Generator[io.Request, Any, "QueryResult"]


class QueryResult(NamedTuple):
    """A successful ``res_query``/``res_search``: answer 1 (``n`` bytes) and answer 2 (``resplen2``).

    ``n < 0`` means failure (``ResContext.h_errno`` says why).  ``qname`` is
    the candidate that answered.
    """

    n: int
    ans1: bytes | None
    resplen2: int
    ans2: bytes | None
    qname: bytes = b""


_FAIL = QueryResult(-1, None, 0, None)


def _mkquery(ctx: ResContext, name: bytes, qtype: int) -> Query | None:
    wire = pton(name)
    if wire is None:
        return None
    text = ntop(wire).decode("utf-8", "surrogateescape")
    data = make_query(wire, qtype, ad=ctx.conf.trust_ad, edns=ctx.conf.edns0)
    qid = struct.unpack_from("!H", data)[0]
    return Query(data, qid, qtype, text if text.endswith(".") else text + ".")


def _nodata_for(query: Query, reply: bytes) -> bytes:
    """``no-aaaa``'s rewrite of the A reply: the header kept, no records, the question as AAAA."""
    flags = struct.unpack_from("!H", reply, 2)[0]
    body = query.data[HEADER_SIZE:]
    name_end = body.index(b"\x00") + 1
    question = body[:name_end] + struct.pack("!HH", T_AAAA, 1)
    return struct.pack("!HHHHHH", query.qid, flags, 1, 0, 0, 0) + question


def _header(data: bytes | None) -> tuple[int, int]:
    if data is None or len(data) < HEADER_SIZE:
        return NOERROR, 0
    return data[3] & 0xF, struct.unpack_from("!H", data, 6)[0]


def res_query(ctx: ResContext, name: bytes, qtype: int) -> Gen:
    """``__res_context_query``: one name, one type (or the A+AAAA pair)."""
    ctx.rcode1 = NOERROR
    pretty = name.decode("utf-8", "surrogateescape")
    if qtype == A_AND_AAAA:
        q1 = _mkquery(ctx, name, T_A)
        q2 = _mkquery(ctx, name, T_AAAA) if q1 is not None else None
    else:
        q1, q2 = _mkquery(ctx, name, qtype), None
    if q1 is None or (qtype == A_AND_AAAA and q2 is None):
        ctx.h_errno = NO_RECOVERY
        what = "A+AAAA" if qtype == A_AND_AAAA else qtype_name(qtype)
        ctx.records.append(_not_sent(ctx, what, pretty, "not a valid domain name"))
        return _FAIL
    ans1: bytes | None
    ans2: bytes | None
    no_aaaa = q2 is None and qtype == T_AAAA and ctx.conf.no_aaaa
    if no_aaaa:
        # glibc sends an A query in its place and turns a NOERROR reply into NODATA
        as_a = _mkquery(ctx, name, T_A)
        assert as_a is not None
        ctx.note(T_AAAA, q1.qname, "not sent", "options no-aaaa: an A query goes instead")
        q1 = as_a
    sent = yield from ctx.res_send(q1, q2)
    if sent.n < 0:
        ctx.h_errno = TRY_AGAIN
        return _FAIL
    n, ans1, resplen2, ans2 = sent
    if no_aaaa and ans1 is not None and n >= HEADER_SIZE and ans1[3] & 0xF == NOERROR:
        ans1 = _nodata_for(q1, ans1)
        n = len(ans1)
    rc1, an1 = _header(ans1)
    if ans2 is not None and resplen2 >= HEADER_SIZE:
        rc2, an2 = _header(ans2)
        if n < HEADER_SIZE:
            rc1, an1 = rc2, an2
    else:
        rc2, an2 = rc1, an1
    if (rc1 != NOERROR or an1 == 0) and (rc2 != NOERROR or an2 == 0):
        code = rc2 if rc1 == NOERROR else rc1
        if code == NXDOMAIN:
            ctx.h_errno = HOST_NOT_FOUND
        elif code == SERVFAIL:
            ctx.h_errno = TRY_AGAIN
        elif code == NOERROR:
            ctx.h_errno = NO_DATA
        elif code in (FORMERR, NOTIMP):
            ctx.h_errno = NO_RECOVERY
        else:
            ctx.h_errno = NO_RECOVERY
        return _FAIL
    return QueryResult(n, ans1, resplen2 if ans2 is not None else 0, ans2, name)


def _not_sent(ctx: ResContext, what: str, name: str, why: str) -> Any:
    from .trace import QueryRecord

    return QueryRecord(what, name, "", "", "not sent", note=why, started=ctx.clock() - ctx.t0)


def _querydomain(ctx: ResContext, name: bytes, domain: bytes | None, qtype: int) -> Gen:
    """``__res_context_querydomain``: ``name`` or ``name.domain``, with glibc's length limits."""
    if domain is None:
        if len(name) - 1 >= MAXDNAME - 1 or not name:
            ctx.h_errno = NO_RECOVERY
            ctx.records.append(_not_sent(ctx, _what(qtype), name.decode("utf-8", "surrogateescape"), "name too long"))
            return _FAIL
        full = name
    else:
        if len(name) + len(domain) + 1 >= MAXDNAME:
            ctx.h_errno = NO_RECOVERY
            ctx.records.append(_not_sent(ctx, _what(qtype), (name + b"." + domain).decode("utf-8", "surrogateescape"),
                                         "name too long"))
            return _FAIL
        full = name + b"." + domain
    return (yield from res_query(ctx, full, qtype))


def _what(qtype: int) -> str:
    return "A+AAAA" if qtype == A_AND_AAAA else qtype_name(qtype)


def _ok(r: QueryResult) -> bool:
    return r.n > 0 or (r.n == 0 and r.resplen2 > 0)


def res_search(ctx: ResContext, name: bytes, qtype: int) -> Gen:
    """``__res_context_search``: the search list and ndots, glibc's stop rules and final h_errno."""
    conf = ctx.conf
    ctx.errno = 0
    ctx.h_errno = HOST_NOT_FOUND
    dots = name.count(b".")
    trailing = name.endswith(b".")
    saved = -1
    tried_as_is = searched = root_on_list = False
    got_nodata = got_servfail = 0
    if dots >= conf.ndots or trailing:
        r = yield from _querydomain(ctx, name, None, qtype)
        if _ok(r) or trailing:
            return r
        saved = ctx.h_errno
        tried_as_is = True
    for domain in conf.search:
        searched = True
        if domain.startswith(b"."):
            domain = domain[1:]
        if not domain:
            root_on_list = True
        r = yield from _querydomain(ctx, name, domain, qtype)
        if _ok(r):
            return r
        if ctx.errno == E.ECONNREFUSED:
            ctx.h_errno = TRY_AGAIN
            return _FAIL
        if ctx.h_errno == NO_DATA:
            got_nodata += 1
        elif ctx.h_errno == HOST_NOT_FOUND:
            pass
        elif ctx.h_errno == TRY_AGAIN and ctx.rcode1 == SERVFAIL:
            got_servfail += 1
        else:
            break
    if (dots or not searched or not conf.no_tld_query) and not (tried_as_is or root_on_list):
        r = yield from _querydomain(ctx, name, None, qtype)
        if _ok(r):
            return r
    if saved != -1:
        ctx.h_errno = saved
    elif got_nodata:
        ctx.h_errno = NO_DATA
    elif got_servfail:
        ctx.h_errno = TRY_AGAIN
    return _FAIL


def nss_status(ctx: ResContext) -> str:
    """nss_dns's status after a failed ``res_search``, from glibc's errno (h_errno is left as is)."""
    if ctx.errno == E.ESRCH:
        ctx.h_errno = TRY_AGAIN
        return "TRYAGAIN"
    if ctx.errno in (E.EMFILE, E.ENFILE):
        ctx.h_errno = NETDB_INTERNAL
        return "UNAVAIL"
    if ctx.errno in (E.ECONNREFUSED, E.ETIMEDOUT):
        return "UNAVAIL"
    return "NOTFOUND"
