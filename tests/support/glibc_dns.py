"""Run glibc against our DNS servers, and give netdb the very same configuration.

A ``DnsEnv`` is one small /etc: a resolv.conf naming our servers (Knot, the
fault responder, or a dead address), an nsswitch.conf (``hosts: files dns`` by
default) and a minimal hosts file.  glibc (the ``socket`` module, ``getent``)
runs under it in a private mount namespace that keeps the host's network
namespace (``glibc_ns.run(..., netns=False)``), because our servers listen on
``127.53.X.Y:53`` there (see ``support.knot`` for why).  The same files are
written to ``env.etc`` so that netdb, running in the test process, can be
pointed at them (``netdb.Resolver(etc=env.etc)``) and compared call for call::

    with KnotServer() as knot, DnsEnv([knot]) as env:
        glibc = env.socket_calls([("getaddrinfo", ("indns.test", 80), {})])
        ours = env.ours(netdb.Resolver(etc=env.etc), [("getaddrinfo", ("indns.test", 80), {})])
        assert ours == glibc

Safety: nameservers must be loopback (checked here and again by
``glibc_ns``), and the nsswitch.conf may only name NSS modules that cannot
reach beyond what resolv.conf names (``SAFE_NSS_MODULES``) or modules that
are not installed at all (glibc skips those).
"""

from __future__ import annotations

import ctypes.util
import glob
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from support import glibc_ns, loopback

#: A hosts file with nothing but localhost, so DNS answers are not shadowed.
DEFAULT_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
DEFAULT_NSSWITCH = "hosts: files dns\n"
#: NSS modules that never send a packet beyond what resolv.conf names (hesiod asks DNS
#: through resolv.conf too; systemd asks the local service manager for users/groups).
SAFE_NSS_MODULES = frozenset({"files", "dns", "myhostname", "db", "compat", "hesiod", "systemd"})

Call = tuple[str, tuple[Any, ...], dict[str, Any]]


class HasAddress(Protocol):
    """A server (KnotServer, FaultServer, Lease) at ``address`` port ``port``."""

    @property
    def address(self) -> str:
        """The loopback address."""
        ...

    @property
    def port(self) -> int:
        """The port (53 for glibc)."""
        ...


def unavailable_reason() -> str | None:
    """None when glibc can be run against our DNS servers here, else why not."""
    return glibc_ns.unavailable_reason() or loopback.port53_unavailable_reason()


def require() -> None:
    """Skip the calling test (pytest) when glibc cannot be run against our servers."""
    reason = unavailable_reason()
    if reason is not None:
        import pytest

        pytest.skip(reason)


def _nss_module_installed(name: str) -> bool:
    if ctypes.util.find_library(f"nss_{name}"):
        return True
    patterns = [f"{d}/libnss_{name}.so.2" for d in ("/lib", "/usr/lib", "/lib64", "/usr/lib64")]
    patterns += [f"{d}/*/libnss_{name}.so.2" for d in ("/lib", "/usr/lib")]
    return any(glob.glob(p) for p in patterns)


def check_nsswitch(text: str) -> None:
    """Refuse an nsswitch.conf naming an installed NSS module that might leave loopback."""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or ":" not in line:
            continue
        for word in line.split(":", 1)[1].split():
            if word.startswith("[") or word.endswith("]") or "=" in word:
                continue
            if word not in SAFE_NSS_MODULES and _nss_module_installed(word):
                raise ValueError(
                    f"nsswitch.conf names NSS module {word!r}, which is installed here and might "
                    f"send queries beyond loopback: {line!r}"
                )


def nameserver_address(server: HasAddress | str) -> str:
    """The resolv.conf address of a server object (which must listen on port 53) or a string."""
    if isinstance(server, str):
        address = server
    else:
        if server.port != loopback.DNS_PORT:
            raise ValueError(f"{server!r} listens on port {server.port}; glibc only uses port 53")
        address = server.address
    if not loopback.is_loopback(address):
        raise ValueError(f"refusing a non-loopback nameserver: {address}")
    return address


class DnsEnv:
    """An /etc directory pointing at our DNS servers, and glibc runs under it.

    ``servers``: servers in resolv.conf order (objects with ``address`` and
    ``port`` 53, or addresses).  ``resolv_conf`` replaces the generated file
    entirely (it must still name loopback servers only).  ``files`` adds or
    replaces other /etc files (``hosts``, ``gai.conf``, ``host.conf``…).
    ``env`` is passed to glibc's process (e.g. ``LOCALDOMAIN``, ``RES_OPTIONS``).
    """

    def __init__(
        self,
        servers: Sequence[HasAddress | str] = (),
        *,
        search: Iterable[str] = (),
        options: Iterable[str] = loopback.FAST_OPTIONS,
        resolv_conf: str | None = None,
        nsswitch: str = DEFAULT_NSSWITCH,
        hosts: str = DEFAULT_HOSTS,
        files: Mapping[str, str | bytes] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if resolv_conf is None:
            resolv_conf = loopback.resolv_conf_text(
                [nameserver_address(s) for s in servers], search=search, options=options)
        check_nsswitch(nsswitch)
        self.files: dict[str, str | bytes] = {
            "resolv.conf": resolv_conf, "nsswitch.conf": nsswitch, "hosts": hosts,
        }
        self.files.update(files or {})
        if isinstance(self.files["nsswitch.conf"], str):
            check_nsswitch(self.files["nsswitch.conf"])
        unknown = set(self.files) - set(glibc_ns.ETC_NAMES)
        if unknown:
            raise ValueError(f"not an /etc file glibc_ns can replace: {sorted(unknown)}")
        self.env = dict(env or {})
        self._tmp = Path(tempfile.mkdtemp(prefix="netdb-dnsenv-"))
        # removed on close(), or when the object is collected or the interpreter exits
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self._tmp), ignore_errors=True)
        self.etc = self._tmp / "etc"
        """The directory holding the same files glibc sees over /etc (for netdb)."""
        self.etc.mkdir()
        for name, data in self.files.items():
            path = self.etc / name
            if isinstance(data, str):
                path.write_text(data)
            else:
                path.write_bytes(data)
            os.chmod(path, 0o644)

    @property
    def resolv_conf(self) -> str:
        """The resolv.conf text glibc sees."""
        data = self.files["resolv.conf"]
        return data if isinstance(data, str) else data.decode()

    # -- running glibc ------------------------------------------------------------------------

    def run(self, argv: list[str], *, timeout: float = 60, stdin: bytes | None = None) -> glibc_ns.Result:
        """Run ``argv`` with these files over /etc (host network namespace)."""
        return glibc_ns.run(self.files, argv, netns=False, env=self.env, stdin=stdin,
                            timeout=timeout)

    def getent(self, *args: str) -> glibc_ns.Result:
        """``getent ARGS`` under this configuration."""
        return self.run(["getent", *args])

    def socket_calls(self, calls: Sequence[Call], *, timeout: float = 60) -> list[dict[str, Any]]:
        """Evaluate socket-module calls in one glibc process; outcomes as in ``glibc_ns``.

        ``timeout`` bounds the whole process (``subprocess.TimeoutExpired``).
        """
        return glibc_ns.socket_calls(self.files, list(calls), netns=False, env=self.env,
                                     timeout=timeout)

    def call(self, fn: str, *args: Any, timeout: float = 60, **kwargs: Any) -> dict[str, Any]:
        """One socket-module call: ``{"ok": result}`` or ``{"error": name, "args": [...]}``."""
        return self.socket_calls([(fn, args, kwargs)], timeout=timeout)[0]

    # -- the code under test, same calls -----------------------------------------------------

    @staticmethod
    def ours(target: object, calls: Sequence[Call]) -> list[dict[str, Any]]:
        """Evaluate the same calls in this process on ``target`` (e.g. a netdb Resolver).

        Results and errors are shaped exactly like ``socket_calls``, so the two
        lists compare with ``==``.  The calls run in a new thread, as glibc's run
        in a new process: thread state such as ``h_errno`` starts afresh.
        """
        import threading

        out: list[dict[str, Any]] = []

        def work() -> None:
            out.extend(glibc_ns.outcome(getattr(target, fn), *args, **kwargs) for fn, args, kwargs in calls)

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        return out

    # -- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Remove the files (also done when the object is garbage-collected)."""
        self._cleanup()

    def __enter__(self) -> DnsEnv:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DnsEnv {self.etc} {self.resolv_conf!r}>"
