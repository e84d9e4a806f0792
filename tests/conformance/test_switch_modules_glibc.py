"""Sources glibc cannot load (no libnss_<name>.so.2 here), in each place of the hosts line.

getaddrinfo's own walk reports such a module as UNAVAIL with EBUSY (EAI_SYSTEM
when it is the last one asked); the get*by*_r walk (gethostbyname, gethostbyaddr,
getaddrinfo with AF_INET) skips it, unless none of the listed modules can answer.
`hosts:` with an empty list makes CPython crash inside glibc (SIGSEGV), so it is
not compared here; netdb answers EAI_NONAME (documented deviation).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import netdb
from support import glibc_ns

LINES = [
    "hosts: myhostname\n",
    "hosts: bogus\n",
    "hosts: files myhostname\n",
    "hosts: files bogus\n",
    "hosts: bogus files\n",
    "hosts: bogus [UNAVAIL=return] files\n",
    "hosts: files [NOTFOUND=continue] bogus [UNAVAIL=return] files\n",
    "hosts: files [SUCCESS=continue] bogus\n",
]
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("getaddrinfo", ("localhost", None), {}),
    ("getaddrinfo", ("localhost", None, 2), {}),
    ("getaddrinfo", ("localhost", None, 10), {}),
    ("getaddrinfo", ("nosuch", None), {}),
    ("getaddrinfo", ("nosuch", None, 2), {}),
    ("getaddrinfo", ("nosuch", None, 2, 1, 0, 2), {}),
    ("gethostbyname", ("localhost",), {}),
    ("gethostbyname", ("nosuch",), {}),
    ("gethostbyname_ex", ("localhost",), {}),
    ("gethostbyaddr", ("127.0.0.1",), {}),
    ("gethostbyaddr", ("127.0.0.9",), {}),
    ("getnameinfo", (("127.0.0.1", 80), 0), {}),
    ("getnameinfo", (("127.0.0.9", 80), 0), {}),
]


@pytest.mark.glibc
@pytest.mark.parametrize("line", LINES)
def test_unloadable_modules_like_glibc(glibc: Any, tmp_path: Path, line: str) -> None:
    files = {"hosts": "127.0.0.1 localhost\n", "nsswitch.conf": line, "services": "http 80/tcp\n"}
    theirs = glibc_ns.socket_calls(files, CALLS)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    r = netdb.Resolver(tmp_path)
    ours: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: ours.extend(glibc_ns.outcome(getattr(r, fn), *a) for fn, a, _ in CALLS))
    worker.start()
    worker.join()
    bad = [(c, t, o) for c, t, o in zip(CALLS, theirs, ours, strict=True) if t != o]
    print(f"{line.strip()}: {len(CALLS) - len(bad)}/{len(CALLS)} agree")
    assert not bad
