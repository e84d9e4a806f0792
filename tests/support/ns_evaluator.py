"""Evaluate name-service calls twice, with glibc and with a second implementation.

This script runs *inside* a private mount namespace set up by
``support.glibc_ns`` (fixture files bind-mounted over /etc, resolv.conf pointing
at a closed loopback port), so that both implementations see the same files and
the same network: getaddrinfo's order depends on the source addresses the kernel
would pick, and AI_ADDRCONFIG on the configured interfaces.

stdin: a JSON object::

    {"impl": "netdb" | "socket",          # the second implementation
     "resolver": {"etc": "/etc", ...},     # keyword arguments of netdb.Resolver
     "timeout": 10.0,                      # seconds per call of the second implementation
     "calls": [[function, args, kwargs], ...]}

Arguments use the JSON encoding of ``support.glibc_ns``: ``{"bytes": latin-1 text}``
for bytes and ``{"tuple": [...]}`` for tuples.

stdout: ``{"meta": {...}, "pairs": [[glibc_outcome, other_outcome], ...]}``.  An
outcome is ``{"ok": result}`` (tuples as lists, enums as ints, bytes as
``{"bytes": ...}``) or ``{"error": class, "args": [...]}`` where class is the
first builtin or ``socket`` class in the exception's MRO (so ``netdb.gaierror``
compares as ``gaierror``); ``"detail"`` adds the real type and, for unexpected
exceptions, the last traceback line (never compared).

A call whose kwargs hold ``"_thread": true`` is evaluated (on both sides) in a
new thread: glibc's ``h_errno`` is per thread, and Python's gethostbyname_ex and
gethostbyaddr report the value glibc last left in it (glibc-behavior notes in
``tests/unit/test_gai_spec.py``).  Nothing is reset between calls: both
implementations see the same sequence of calls, so state such as ``h_errno``
must evolve the same way.

``impl="socket"`` evaluates the socket module twice: the harness's self-test.
``ns_evaluator.py --serve`` answers one glibc call per stdin line
(``[function, args, kwargs]``) with one outcome line: the oracle of
``support.glibc_oracle``.
glibc's ``gethostbyname2`` (which Python lacks) is called through ctypes, and its
result shaped ``[h_name, h_aliases, h_addr_list, h_addrtype]``, errors as
``herror(h_errno, hstrerror(h_errno))``.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Any

_SHAPED_AS_HOSTENT = {"gethostbyname2"}
# Functions the socket module lacks, called in glibc through ctypes.
#   gethostbyname2(name, family) -> [h_name, h_aliases, h_addr_list, h_addrtype]
#   hosts() -> that shape for every gethostent() entry (the enumeration)


class CallTimeout(Exception):
    """A call of the second implementation took longer than the per-call limit."""


def dec(v: Any) -> Any:
    if isinstance(v, dict) and "bytes" in v:
        return v["bytes"].encode("latin-1")
    if isinstance(v, dict) and "tuple" in v:
        return tuple(dec(x) for x in v["tuple"])
    if isinstance(v, list):
        return [dec(x) for x in v]
    return v


def enc(v: Any) -> Any:
    if isinstance(v, (tuple, list)):
        return [enc(x) for x in v]
    if isinstance(v, bytes):
        return {"bytes": v.decode("latin-1")}
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)  # IntEnum -> int
    if isinstance(v, float) or v is None or isinstance(v, str):
        return v
    return {"repr": repr(v)}


def error_class(e: BaseException) -> str:
    for cls in type(e).__mro__:
        if cls.__module__ in ("builtins", "socket"):
            return cls.__name__
    return type(e).__name__


def error_outcome(e: BaseException, expected: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"error": error_class(e), "args": enc(e.args)}
    detail = f"{type(e).__module__}.{type(e).__qualname__}"
    if not expected:
        tb = traceback.extract_tb(e.__traceback__)
        if tb:
            last = tb[-1]
            detail += f" at {os.path.basename(last.filename)}:{last.lineno} in {last.name}"
    out["detail"] = detail
    return out


# --- glibc's gethostbyname2 through ctypes -------------------------------------------


class _Hostent(ctypes.Structure):
    _fields_ = [
        ("h_name", ctypes.c_char_p),
        ("h_aliases", ctypes.POINTER(ctypes.c_char_p)),
        ("h_addrtype", ctypes.c_int),
        ("h_length", ctypes.c_int),
        ("h_addr_list", ctypes.POINTER(ctypes.POINTER(ctypes.c_char))),
    ]


_libc: Any = None


def _c() -> Any:
    global _libc
    if _libc is None:
        libc = ctypes.CDLL("libc.so.6")
        libc.gethostbyname2.restype = ctypes.POINTER(_Hostent)
        libc.gethostbyname2.argtypes = [ctypes.c_char_p, ctypes.c_int]
        libc.__h_errno_location.restype = ctypes.POINTER(ctypes.c_int)
        libc.hstrerror.restype = ctypes.c_char_p
        libc.hstrerror.argtypes = [ctypes.c_int]
        libc.gethostent.restype = ctypes.POINTER(_Hostent)
        _libc = libc
    return _libc


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def glibc_gethostbyname2(name: str | bytes, family: int) -> list[Any]:
    """glibc's gethostbyname2(name, family), shaped [name, aliases, addresses, addrtype]."""
    libc = _c()
    raw = name.encode("utf-8") if isinstance(name, str) else name
    h = libc.gethostbyname2(raw, family)
    if not h:
        code = libc.__h_errno_location()[0]
        raise socket.herror(code, libc.hstrerror(code).decode())
    return _shape(h.contents)


def glibc_hosts() -> list[list[Any]]:
    """Every entry of glibc's gethostent() enumeration, shaped like gethostbyname2's."""
    libc = _c()
    libc.sethostent(0)
    out = []
    try:
        while True:
            h = libc.gethostent()
            if not h:
                break
            out.append(_shape(h.contents))
    finally:
        libc.endhostent()
    return out


def _shape(he: _Hostent) -> list[Any]:
    aliases = []
    i = 0
    while he.h_aliases[i]:
        aliases.append(_text(he.h_aliases[i]))
        i += 1
    addrs = []
    i = 0
    while he.h_addr_list[i]:
        packed = ctypes.string_at(he.h_addr_list[i], he.h_length)
        addrs.append(socket.inet_ntop(he.h_addrtype, packed))
        i += 1
    return [_text(he.h_name), aliases, addrs, he.h_addrtype]


def shape_hostent(r: Any, family: int | None) -> list[Any]:
    """A hostent of the second implementation (record or 3-tuple), shaped like glibc's."""
    if hasattr(r, "h_name"):
        return [r.h_name, list(r.h_aliases), list(r.h_addr_list), r.h_addrtype]
    name, aliases, addrs = r
    return [name, list(aliases), list(addrs), family]


# --- evaluation --------------------------------------------------------------------


def glibc_call(fn: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if fn == "gethostbyname2":
        return glibc_gethostbyname2(*args, **kwargs)
    if fn == "hosts":
        return glibc_hosts()
    return getattr(socket, fn)(*args, **kwargs)


EXPECTED = (OSError, ValueError, TypeError, OverflowError)  # what the socket module raises


def evaluate(call: Any, fn: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        r = call(fn, args, kwargs)
    except CallTimeout as e:
        return {"error": "CallTimeout", "args": [str(e)]}
    except EXPECTED as e:
        return error_outcome(e)
    except Exception as e:
        return error_outcome(e, expected=False)
    return {"ok": enc(r)}


def in_thread(call: Any, fn: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``evaluate`` in a new thread (a fresh h_errno)."""
    box: list[dict[str, Any]] = []
    t = threading.Thread(target=lambda: box.append(evaluate(call, fn, args, kwargs)), daemon=True)
    t.start()
    t.join()
    return box[0]


def run_one(call: Any, fn: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.pop("_thread", False):
        return in_thread(call, fn, args, kwargs)
    return evaluate(call, fn, args, kwargs)


def serve() -> None:
    for line in sys.stdin:
        fn, args, kwargs = json.loads(line)
        out = run_one(glibc_call, fn, dec(args), {k: dec(v) for k, v in kwargs.items()})
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


def main() -> None:
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    req = json.load(sys.stdin)
    impl = req.get("impl", "netdb")
    meta: dict[str, Any] = {
        "impl": impl,
        "python": sys.version.split()[0],
        "hostname": socket.gethostname(),
        "interfaces": [list(x) for x in socket.if_nameindex()],
    }
    other: Any
    if impl == "socket":
        other = glibc_call
    else:
        try:
            import netdb

            meta["netdb_file"] = netdb.__file__
            resolver = netdb.Resolver(**req.get("resolver", {"etc": "/etc"}))
        except Exception as e:
            meta["netdb_error"] = f"{type(e).__name__}: {e}"
            resolver = None

        def other(fn: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
            if resolver is None:
                raise RuntimeError(meta["netdb_error"])
            r = getattr(resolver, fn)(*args, **kwargs)
            if fn in _SHAPED_AS_HOSTENT:
                return shape_hostent(r, args[1] if len(args) > 1 else kwargs["family"])
            if fn == "hosts":
                return [shape_hostent(h, None) for h in r]
            return r

    limit = float(req.get("timeout", 10.0))

    def on_alarm(signum: int, frame: Any) -> None:
        raise CallTimeout(f"no answer within {limit:g} s")

    signal.signal(signal.SIGALRM, on_alarm)
    pairs = []
    t_glibc = t_other = 0.0
    for fn, args, kwargs in req["calls"]:
        args = dec(args)
        kwargs = {k: dec(v) for k, v in kwargs.items()}
        t0 = time.perf_counter()
        g = run_one(glibc_call, fn, args, dict(kwargs))
        t1 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            o = run_one(other, fn, args, dict(kwargs))
        except CallTimeout as e:  # raised in the main thread while it waited for a call's thread
            o = {"error": "CallTimeout", "args": [str(e)]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        t2 = time.perf_counter()
        t_glibc += t1 - t0
        t_other += t2 - t1
        pairs.append([g, o])
    meta["seconds_glibc"] = round(t_glibc, 3)
    meta["seconds_other"] = round(t_other, 3)
    json.dump({"meta": meta, "pairs": pairs}, sys.stdout)


if __name__ == "__main__":
    main()
