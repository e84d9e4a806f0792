"""Errors raised by netdb, with glibc's numbers and texts.

``gaierror`` and ``herror`` subclass the socket module's exceptions, so code that
catches ``socket.gaierror`` keeps working when it switches to netdb.  Their
``args`` are ``(code, text)`` exactly as the socket module builds them from
``gai_strerror()`` and ``hstrerror()`` (glibc 2.36).
"""

from __future__ import annotations

import socket

__all__ = [
    "EAI_ADDRFAMILY",
    "EAI_AGAIN",
    "EAI_BADFLAGS",
    "EAI_FAIL",
    "EAI_FAMILY",
    "EAI_IDN_ENCODE",
    "EAI_MEMORY",
    "EAI_NODATA",
    "EAI_NONAME",
    "EAI_OVERFLOW",
    "EAI_SERVICE",
    "EAI_SOCKTYPE",
    "EAI_SYSTEM",
    "HOST_NOT_FOUND",
    "NO_DATA",
    "NO_RECOVERY",
    "TRY_AGAIN",
    "ConfigError",
    "gai_strerror",
    "gaierror",
    "herror",
    "hstrerror",
]

# getaddrinfo/getnameinfo error codes (glibc's <netdb.h> values, as in Linux's socket module).
EAI_BADFLAGS = -1
EAI_NONAME = -2
EAI_AGAIN = -3
EAI_FAIL = -4
EAI_NODATA = -5
EAI_FAMILY = -6
EAI_SOCKTYPE = -7
EAI_SERVICE = -8
EAI_ADDRFAMILY = -9
EAI_MEMORY = -10
EAI_SYSTEM = -11
EAI_OVERFLOW = -12
EAI_IDN_ENCODE = -105

_GAI_TEXT = {
    EAI_BADFLAGS: "Bad value for ai_flags",
    EAI_NONAME: "Name or service not known",
    EAI_AGAIN: "Temporary failure in name resolution",
    EAI_FAIL: "Non-recoverable failure in name resolution",
    EAI_NODATA: "No address associated with hostname",
    EAI_FAMILY: "ai_family not supported",
    EAI_SOCKTYPE: "ai_socktype not supported",
    EAI_SERVICE: "Servname not supported for ai_socktype",
    EAI_ADDRFAMILY: "Address family for hostname not supported",
    EAI_MEMORY: "Memory allocation failure",
    EAI_SYSTEM: "System error",
    # EAI_OVERFLOW has no text in glibc 2.36: gai_strerror gives "Unknown error".
    -100: "Processing request in progress",
    -101: "Request canceled",
    -102: "Request not canceled",
    -103: "All requests done",
    -104: "Interrupted by a signal",
    EAI_IDN_ENCODE: "Parameter string not correctly encoded",
}

# h_errno values and hstrerror() texts.
HOST_NOT_FOUND = 1
TRY_AGAIN = 2
NO_RECOVERY = 3
NO_DATA = 4

_H_TEXT = {
    0: "Resolver Error 0 (no error)",
    HOST_NOT_FOUND: "Unknown host",
    TRY_AGAIN: "Host name lookup failure",
    NO_RECOVERY: "Unknown server error",
    NO_DATA: "No address associated with name",
}


def gai_strerror(code: int) -> str:
    """Return glibc's text for a getaddrinfo/getnameinfo error code."""
    return _GAI_TEXT.get(code, "Unknown error")


def hstrerror(code: int) -> str:
    """Return glibc's text for an h_errno value."""
    if code < 0:
        return "Resolver internal error"
    return _H_TEXT.get(code, "Unknown resolver error")


class gaierror(socket.gaierror):
    """A getaddrinfo/getnameinfo failure: ``args == (code, gai_strerror(code))``.

    ``explain`` optionally holds the resolution trace that led to the error.
    """

    def __init__(self, code: int, text: str | None = None) -> None:
        super().__init__(code, gai_strerror(code) if text is None else text)

    @property
    def code(self) -> int:
        """The EAI_* number."""
        return int(self.args[0])


class herror(socket.herror):
    """A gethostby* failure: ``args == (h_errno, hstrerror(h_errno))``."""

    def __init__(self, code: int, text: str | None = None) -> None:
        super().__init__(code, hstrerror(code) if text is None else text)

    @property
    def code(self) -> int:
        """The h_errno number."""
        return int(self.args[0])


class ConfigError(OSError):
    """A configuration problem that stops netdb from answering at all.

    Raised, for instance, for a directory given as ``etc`` that does not exist.
    Carries the path and, where known, the line.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return where + self.message
