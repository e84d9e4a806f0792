"""Route the ``socket`` module's name functions through a netdb Resolver.

    with netdb.patch(netdb.Resolver(etc="/srv/fixture/etc")):
        urllib.request.urlopen("http://api.test:8080/")   # resolved by netdb

    handle = netdb.install(resolver)     # the same, without a with-block
    ...
    netdb.uninstall(handle)

While a patch is installed, ``socket.getaddrinfo``, ``getnameinfo``,
``gethostbyname``, ``gethostbyname_ex``, ``gethostbyaddr``,
``getservbyname``, ``getservbyport`` and ``getprotobyname`` are netdb's.
Whatever looks these names up on the ``socket`` module *when it calls them*
resolves through netdb: ``socket.create_connection`` (so ``http.client``,
``urllib``, ``smtplib``, ``ftplib``, urllib3/requests), ``socket.getfqdn``,
and asyncio's ``loop.getaddrinfo``/``loop.getnameinfo`` (the default event
loop runs ``socket.getaddrinfo`` in its executor thread; its
``create_connection``, ``open_connection`` and ``create_server`` call
``loop.getaddrinfo``).

What a patch does not reach:

* code that took a reference before the patch (``from socket import
  getaddrinfo`` at import time) keeps calling the C function;
* a name given straight to a socket method (``sock.connect(("api.test",
  80))``, ``sendto``, ``bind``) is resolved inside the C socket module;
* event loops with their own resolver (uvloop, which calls libuv's), and
  ``ssl`` (which resolves nothing).

Rules
-----

* **Process-wide.**  A patch applies to every thread, including threads that
  already exist and the executor threads asyncio uses; it is not tied to the
  thread or the context that installed it.  (A thread- or context-local patch
  could not work: asyncio's executor does not carry context variables into
  ``socket.getaddrinfo``.)
* **Layers.**  Each ``install`` puts one layer on top of whatever the socket
  module holds at that moment and returns a handle; the newest active layer
  answers.  Nested ``with netdb.patch(...)`` blocks therefore behave as
  expected: the inner Resolver answers inside, the outer one again after it.
* **Uninstall in any order.**  Uninstalling a layer deactivates it at once.
  If the socket module still holds that layer's functions, they are replaced
  by what was there before the layer (skipping layers that were already
  uninstalled), so when every layer is gone the socket module holds exactly
  the objects it held before the first ``install``.  If someone else
  replaced the functions after the layer was installed (``unittest.mock``,
  another library), netdb leaves their functions alone; its own layer below
  stays as a transparent pass-through to what it replaced, so restoring their
  patch later restores a working chain, never a stale netdb resolver.
* **Thread-safe.**  Install and uninstall take a lock; calls take none (they
  read one attribute of their layer).  A call that started before an
  uninstall may still finish on that layer's Resolver.
* **Resolver.**  ``resolver=None`` means netdb's default Resolver
  (:func:`netdb.default_resolver`) looked up at each call, so
  :func:`netdb.set_default_resolver` takes effect inside the patch.

The functions installed take the socket module's arguments and return its
results; errors are ``netdb.gaierror``/``netdb.herror``, subclasses of
``socket.gaierror``/``socket.herror``, so existing ``except`` clauses work.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = ["PATCHED_FUNCTIONS", "PatchHandle", "active_handles", "install", "patch", "uninstall"]

#: The socket-module functions a patch replaces.
PATCHED_FUNCTIONS: tuple[str, ...] = (
    "getaddrinfo",
    "getnameinfo",
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "getservbyname",
    "getservbyport",
    "getprotobyname",
)

_lock = threading.RLock()
_layers: list[PatchHandle] = []  # installed and still active, oldest first


class PatchHandle:
    """One installed layer: what :func:`install` returns and :func:`uninstall` takes.

    ``resolver`` is the Resolver it routes to (None: the default Resolver at
    each call); ``active`` is False once uninstalled; ``replaced`` maps each
    function name to the object the socket module held before this layer.
    """

    __slots__ = ("active", "functions", "replaced", "resolver")

    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self.active = True
        self.replaced: dict[str, Any] = {}
        self.functions: dict[str, Callable[..., Any]] = {}

    def current_resolver(self) -> Resolver:
        """The Resolver this layer answers with now."""
        if self.resolver is not None:
            return self.resolver
        from . import default_resolver

        return default_resolver()

    def __enter__(self) -> PatchHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        uninstall(self)

    def __repr__(self) -> str:
        state = "active" if self.active else "uninstalled"
        target = "default resolver" if self.resolver is None else f"Resolver(etc={self.resolver.etc!r})"
        return f"<netdb.PatchHandle {state}: {target}>"


def _make_function(layer: PatchHandle, name: str, below: Any) -> Callable[..., Any]:
    """The function installed as ``socket.<name>`` for one layer."""

    def function(*args: Any, **kwargs: Any) -> Any:
        if layer.active:
            method = getattr(layer.current_resolver(), name)
            return method(*args, **kwargs)
        return below(*args, **kwargs)

    original_doc = getattr(below, "__doc__", None) or ""
    function.__name__ = name
    function.__qualname__ = name
    function.__module__ = "socket"
    function.__doc__ = f"netdb's {name} (installed by netdb.patch).\n\n{original_doc}"
    function.__wrapped__ = below  # type: ignore[attr-defined]
    function._netdb_layer = layer  # type: ignore[attr-defined]
    return function


def _layer_of(obj: Any) -> PatchHandle | None:
    layer = getattr(obj, "_netdb_layer", None)
    return layer if isinstance(layer, PatchHandle) else None


def install(resolver: Resolver | None = None) -> PatchHandle:
    """Route the socket module's name functions through ``resolver`` until :func:`uninstall`.

    Returns the handle to pass to :func:`uninstall` (it is also a context
    manager).  See the module documentation for the rules on nesting,
    threads and restoring.
    """
    layer = PatchHandle(resolver)
    with _lock:
        for name in PATCHED_FUNCTIONS:
            below = getattr(socket, name)
            layer.replaced[name] = below
            layer.functions[name] = _make_function(layer, name, below)
        for name, function in layer.functions.items():
            setattr(socket, name, function)
        _layers.append(layer)
    return layer


def _unwound(obj: Any) -> Any:
    """``obj`` with netdb layers that are no longer active peeled off the top."""
    while True:
        layer = _layer_of(obj)
        if layer is None or layer.active:
            return obj
        obj = obj.__wrapped__


def uninstall(handle: PatchHandle | None = None) -> None:
    """Remove a layer installed by :func:`install` (default: the newest active one).

    Uninstalling a handle twice does nothing.  Raises ``RuntimeError`` when
    ``handle`` is None and no layer is installed.
    """
    with _lock:
        if handle is None:
            if not _layers:
                raise RuntimeError("netdb.uninstall(): no patch is installed")
            handle = _layers[-1]
        if not handle.active:
            return
        handle.active = False
        if handle in _layers:
            _layers.remove(handle)
        for name in PATCHED_FUNCTIONS:
            current = getattr(socket, name)
            if _layer_of(current) is None:
                continue  # someone else's function is on top: leave it
            restored = _unwound(current)
            if restored is not current:
                setattr(socket, name, restored)


@contextmanager
def patch(resolver: Resolver | None = None) -> Iterator[PatchHandle]:
    """Context manager: the socket module resolves through ``resolver`` inside the block.

        with netdb.patch(netdb.Resolver(etc="tests/etc")):
            http.client.HTTPConnection("api.test", 8080).request("GET", "/")
    """
    handle = install(resolver)
    try:
        yield handle
    finally:
        uninstall(handle)


def active_handles() -> list[PatchHandle]:
    """The layers installed and not yet uninstalled, oldest first."""
    with _lock:
        return list(_layers)
