"""The hosts database through the switch: glibc's NSS-level host functions.

These generator functions are what getaddrinfo, getnameinfo and the
gethostby* family call underneath (``gethostbyname2_r``,
``gethostbyname3_r``, ``gethostbyname4_r``, ``gethostbyaddr_r``): each walks
the sources nsswitch.conf lists for ``hosts`` and returns the answer with the
status and resolver error (``h_errno``) glibc derives its error codes from.
A source that needs DNS yields requests (see ``netdb.switch``); the drivers in
``netdb.drive`` run them.
"""

import errno as errno_mod
import socket
import threading
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, NamedTuple

from . import inet, readlog
from .errors import HOST_NOT_FOUND, NO_RECOVERY
from .files.hostconf import trim_name
from .records import hostent
from .sources import files as files_source
from .switch import SUCCESS, UNAVAIL, Answer, Step, walk

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = ["NETDB_INTERNAL", "HostQuery"]

NETDB_INTERNAL = -1
AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6


class NssResult(NamedTuple):
    """The outcome of one NSS-level host function."""

    status: str
    value: Any
    h_errno: int
    errno: int
    source: str  # the source that gave the final answer ("" when none)


class _Thread(threading.local):
    """This thread's ``h_errno`` (the class attribute: 0 in a thread that never set it)."""

    h_errno: int = 0


_THREAD = _Thread()


def thread_h_errno() -> int:
    """This thread's ``h_errno``, as glibc's lookups have left it (0 in a new thread)."""
    return _THREAD.h_errno


def set_thread_h_errno(value: int) -> None:
    """Set this thread's ``h_errno``."""
    _THREAD.h_errno = value
    readlog.note_h_errno(value)


class HostQuery:
    """One call's view of the hosts configuration: the switch, host.conf, the sources.

    Built per public call so that every file is checked once per call; holds
    the trace list when the caller wants an explanation.

    ``h_errno`` follows glibc's thread-global variable, because Python builds
    its ``herror`` from it: lookups made for getaddrinfo (``mode="global"``)
    write it, as glibc passes ``&h_errno`` to the modules; the reentrant
    ``gethostbyname_r``/``gethostbyaddr_r`` that Python calls
    (``mode="local"``) leave it alone; ``gethostbyname2`` (``mode="fresh"``)
    starts from 0 and its caller stores the outcome.  The files module sets it
    to HOST_NOT_FOUND whenever it reads the hosts file to the end (a miss, or
    any hit under ``multi on``).  ``python_buffer`` makes files lookups fail
    as CPython's 16 KiB ``gethost*_r`` buffer makes them fail after an
    oversized line.
    """

    __slots__ = ("_hosts", "deadline", "describe", "h_errno", "mode", "multi", "python_buffer", "resolver",
                 "sources", "switch_errno", "switch_error", "trace")

    def __init__(self, resolver: "Resolver", trace: list[Step] | None = None, deadline: float | None = None, *,
                 mode: str = "global", python_buffer: bool = False, describe: bool = False) -> None:
        self.resolver = resolver
        self.trace = trace
        self.deadline = deadline if deadline is not None else resolver.call_deadline()
        # Say where each answer came from (file lines, DNS queries): for --explain and the CLI.
        self.describe = describe or trace is not None
        self.mode = mode
        self.h_errno = thread_h_errno() if mode == "global" else 0
        self.python_buffer = python_buffer
        conf = resolver.nsswitch()
        overridden = resolver.switch_overridden("hosts")
        self.switch_error = None if overridden else conf.error
        self.switch_errno = conf.error_errno
        self.sources = resolver.sources_for("hosts")
        self.multi = resolver.host_conf().multi
        self._hosts: Any = None

    def note_h_errno(self, value: int) -> None:
        """A module set ``h_errno`` to ``value``: keep it (and, in global mode, store it for the thread)."""
        self.h_errno = value
        if self.mode == "global":
            set_thread_h_errno(value)

    def _files(self, answer: Answer, line: int, read_to_end: bool, family: int) -> Answer:
        """Apply the files module's side effects: h_errno at end of file, CPython's buffer limit."""
        if self.python_buffer:
            snap = self.hosts_snapshot()
            oversized = snap.value.first_oversized(family) if snap.ok else 0
            if oversized and (answer.status != SUCCESS or line >= oversized):
                return Answer("TRYAGAIN", None, NETDB_INTERNAL, errno_mod.ERANGE,
                              f"line {oversized} of {self.hosts_snapshot().path} does not fit CPython's 16 KiB buffer")
        if read_to_end:
            self.note_h_errno(answer.h_errno if answer.status != SUCCESS and answer.h_errno else HOST_NOT_FOUND)
        return answer

    def _dns(self, answer: Answer) -> Answer:
        """nss_dns writes the module's h_errno argument when it fails."""
        if answer.status != SUCCESS and answer.h_errno:
            self.note_h_errno(answer.h_errno)
        return answer

    def hosts_snapshot(self) -> Any:
        """The hosts file, read (stat'ed) at most once per call."""
        if self._hosts is None:
            self._hosts = self.resolver.hosts_db()
        return self._hosts

    # -- one source, one question -------------------------------------------

    def unloadable(self, source: str) -> Answer:
        """The answer of a source glibc cannot load: UNAVAIL, NETDB_INTERNAL, EBUSY."""
        return Answer(UNAVAIL, h_errno=NETDB_INTERNAL, errno=errno_mod.EBUSY,
                      detail=f"no `{source}` hosts module on this machine (glibc cannot load libnss_{source})")

    def files_byname4(self, name: str) -> Answer:
        """``_nss_files_gethostbyname4_r`` (no I/O beyond the hosts file: a plain call, no generator)."""
        ans = files_source.byname4(self.hosts_snapshot(), name, self.multi, self.describe, self.h_errno)
        first = ans.value[1][0].lineno if ans.status == SUCCESS else 0
        return self._files(ans, first, ans.status != SUCCESS or self.multi, 0)

    def ask_byname4(self, source: str, name: str) -> Generator[Any, Any, Answer]:
        """``_nss_<source>_gethostbyname4_r``."""
        if source == "files":
            return self.files_byname4(name)
        if source == "dns":
            from .sources import dns as dns_source

            readlog.note_volatile()
            return self._dns((yield from dns_source.byname4(self, name)))
        if source == "myhostname" and source in self.resolver.host_sources:
            from .sources import myhostname

            readlog.note_volatile()
            return myhostname.byname4(self.resolver, name)
        return self.unloadable(source)

    def ask_byname3(self, source: str, name: str, family: int, *, check: bool = False) -> Generator[Any, Any, Answer]:
        """``_nss_<source>_gethostbyname3_r`` (``check``: the ``gethostbyname2_r`` entry, which checks the name)."""
        if source == "files":
            ans = files_source.byname3(self.hosts_snapshot(), name, family, self.multi, self.describe)
            first = ans.value[1][0] if ans.status == SUCCESS else 0
            return self._files(ans, first, ans.status != SUCCESS or self.multi, family)
        if source == "dns":
            from .sources import dns as dns_source

            readlog.note_volatile()
            return self._dns((yield from dns_source.byname3(self, name, family, check=check)))
        if source == "myhostname" and source in self.resolver.host_sources:
            from .sources import myhostname

            readlog.note_volatile()
            return myhostname.byname3(self.resolver, name, family)
        return self.unloadable(source)

    def ask_byaddr(self, source: str, packed: bytes) -> Generator[Any, Any, Answer]:
        """``_nss_<source>_gethostbyaddr2_r``."""
        if source == "files":
            ans = files_source.byaddr(self.hosts_snapshot(), packed, self.describe)
            family = AF_INET if len(packed) == 4 else AF_INET6
            return self._files(ans, ans.value[1] if ans.status == SUCCESS else 0, ans.status != SUCCESS, family)
        if source == "dns":
            from .sources import dns as dns_source

            readlog.note_volatile()
            return self._dns((yield from dns_source.byaddr(self, packed)))
        if source == "myhostname" and source in self.resolver.host_sources:
            from .sources import myhostname

            readlog.note_volatile()
            return myhostname.byaddr(self.resolver, packed)
        return self.unloadable(source)

    # -- the NSS entry points ------------------------------------------------

    def _walk(self, ask: Any) -> Generator[Any, Any, NssResult]:
        """The walk of glibc's ``get*by*_r`` functions: a module without the function is skipped."""
        if self.switch_error is not None:
            # __nss_hosts_lookup2 fails: the functions report NETDB_INTERNAL through h_errno.
            self.note_h_errno(NETDB_INTERNAL)
            return NssResult(UNAVAIL, None, NETDB_INTERNAL, self.switch_errno, "")
        usable = self.resolver.host_sources

        def ask_usable(source: str) -> Generator[Any, Any, Answer | None]:
            if source not in usable:
                return None
            got: Answer = yield from ask(source)
            return got

        answer, _action = yield from walk(self.sources, ask_usable, self.trace)
        if answer is None:
            if not self.sources:
                return NssResult(UNAVAIL, None, NO_RECOVERY, 0, "")
            # No listed module has the function: glibc fails with EBUSY and sets h_errno itself.
            set_thread_h_errno(NETDB_INTERNAL)
            self.h_errno = NETDB_INTERNAL
            return NssResult(UNAVAIL, None, NETDB_INTERNAL, errno_mod.EBUSY, "")
        return NssResult(answer.status, answer.value, answer.h_errno, answer.errno, answer.source)

    def gethostbyname4(self, name: str) -> Generator[Any, Any, NssResult]:
        """Addresses of all families for getaddrinfo(AF_UNSPEC)."""
        return (yield from self._walk(lambda source: self.ask_byname4(source, name)))

    def gethostbyname3(self, name: str, family: int) -> Generator[Any, Any, NssResult]:
        """A hostent of one family (getaddrinfo with AF_INET/AF_INET6)."""
        return (yield from self._walk(lambda source: self.ask_byname3(source, name, family)))

    def _gethostbyname2_walk(self, name: str, family: int) -> Generator[Any, Any, NssResult]:
        return (yield from self._walk(lambda source: self.ask_byname3(source, name, family, check=True)))

    def gethostbyname2(self, name: str, family: int) -> Generator[Any, Any, NssResult]:
        """``gethostbyname2_r``: numeric names first (digits and dots), then the switch."""
        numeric = digits_dots(name, family)
        if numeric is not None:
            if numeric.status != SUCCESS:
                # glibc sets the thread's h_errno here even for the reentrant call.
                set_thread_h_errno(HOST_NOT_FOUND)
                self.h_errno = HOST_NOT_FOUND
            return numeric
        return (yield from self._gethostbyname2_walk(name, family))

    def gethostbyaddr(self, packed: bytes) -> Generator[Any, Any, NssResult]:
        """``gethostbyaddr_r``: the unspecified address is never found."""
        if packed == bytes(16):
            return NssResult("NOTFOUND", None, HOST_NOT_FOUND, errno_mod.ENOENT, "")
        res = yield from self._walk(lambda source: self.ask_byaddr(source, packed))
        conf = self.resolver.host_conf()
        if res.status == SUCCESS and conf.trim:
            h = res.value[0]
            h = h._replace(name=trim_name(h.name, conf), aliases=tuple(trim_name(a, conf) for a in h.aliases))
            res = res._replace(value=(h, *res.value[1:]))
        return res


def digits_dots(name: str, family: int) -> NssResult | None:
    """glibc's ``__nss_hostname_digits_dots``: numeric names never reach the switch.

    A name of digits and dots (not ending in a dot) is parsed as an address of
    ``family``; a name that starts with a hex digit and holds a colon, or
    starts with a colon, is an IPv6 literal (never an IPv4 one).  None means
    the name is not numeric and the switch must be asked.
    """
    if not name:
        return None
    first = name[0]
    if first not in _HEX and first != ":":
        return None

    def found(packed: bytes) -> NssResult:
        h = hostent(name, (), family, len(packed), (inet.inet_ntop(packed),))
        return NssResult(SUCCESS, (h, []), 0, 0, "numeric")

    notfound = NssResult("NOTFOUND", None, HOST_NOT_FOUND, 0, "numeric")
    if first in _DIGITS and all(c in _DIGITS_DOTS for c in name):
        if name[-1] == ".":
            return None
        packed = inet.inet_aton_exact(name) if family == AF_INET else inet.inet_pton6(name)
        return notfound if packed is None else found(packed)
    if not (first == ":" or ":" in name):
        return None
    # Shaped like an IPv6 literal: never an IPv4 address, never asked of the switch
    # when made only of hex digits, colons and dots.
    if family == AF_INET:
        return notfound
    if not all(c in _HEX_COLON_DOT for c in name) or name[-1] == ".":
        return None
    packed6 = inet.inet_pton6(name)
    return notfound if packed6 is None else found(packed6)


_DIGITS = frozenset("0123456789")
_DIGITS_DOTS = frozenset("0123456789.")
_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_COLON_DOT = frozenset("0123456789abcdefABCDEF:.")


def local_domain(resolver: "Resolver") -> str:
    """glibc's ``nrl_domainname``: the domain NI_NOFQDN cuts at ("" when none).

    The part after the first dot of the first of: the official name of
    ``localhost``, the host name, the official name of the host name, the
    name of 127.0.0.1.
    """
    from .drive import run_sync

    def after_dot(name: str) -> str | None:
        dot = name.find(".")
        return name[dot + 1 :] if dot >= 0 else None

    query = HostQuery(resolver)
    res = run_sync(query.gethostbyname2("localhost", AF_INET), resolver.perform_io)
    if res.status == SUCCESS and (d := after_dot(res.value[0].name)) is not None:
        return d
    hostname = resolver.hostname
    if (d := after_dot(hostname)) is not None:
        return d
    res = run_sync(query.gethostbyname2(hostname, AF_INET), resolver.perform_io)
    if res.status == SUCCESS and (d := after_dot(res.value[0].name)) is not None:
        return d
    res = run_sync(query.gethostbyaddr(b"\x7f\0\0\x01"), resolver.perform_io)
    if res.status == SUCCESS and (d := after_dot(res.value[0].name)) is not None:
        return d
    return ""
