"""netdb.patch / install / uninstall: the socket module resolves through a Resolver."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

import netdb
from netdb import socketpatch
from netdb.testing import write_etc

ORIGINALS = {name: getattr(socket, name) for name in socketpatch.PATCHED_FUNCTIONS}


@pytest.fixture(autouse=True)
def _socket_module_restored() -> Iterator[None]:
    yield
    leftovers = socketpatch.active_handles()
    for handle in leftovers:
        socketpatch.uninstall(handle)
    assert not leftovers, "a test left a patch installed"
    for name, original in ORIGINALS.items():
        assert getattr(socket, name) is original, f"socket.{name} not restored"


def _resolver(tmp_path: Path, name: str, hosts: dict[str, list[str]]) -> netdb.Resolver:
    return netdb.Resolver(write_etc(tmp_path / name, hosts=hosts), env={})


@pytest.fixture
def http_server() -> Iterator[int]:
    """A local HTTP server on 127.0.0.1 answering every GET with its path."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"hello from {self.headers['Host']}{self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_urllib_fetches_by_a_name_only_the_fixture_hosts_file_knows(tmp_path: Path, http_server: int) -> None:
    r = _resolver(tmp_path, "etc", {"only-in-fixture.test": ["127.0.0.1"]})
    url = f"http://only-in-fixture.test:{http_server}/path"
    with netdb.patch(r), urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == f"hello from only-in-fixture.test:{http_server}/path".encode()
    # Outside the block the name is unknown again (the C resolver, through /etc).
    assert socket.getaddrinfo is ORIGINALS["getaddrinfo"]


def test_asyncio_open_connection_resolves_in_the_executor(tmp_path: Path, http_server: int) -> None:
    r = _resolver(tmp_path, "etc", {"async.test": ["127.0.0.1"]})

    async def fetch() -> bytes:
        reader, writer = await asyncio.open_connection("async.test", http_server)
        writer.write(b"GET /a HTTP/1.0\r\nHost: async.test\r\n\r\n")
        await writer.drain()
        data = await reader.read()
        writer.close()
        await writer.wait_closed()
        return data

    with netdb.patch(r):
        data = asyncio.run(fetch())
        infos = asyncio.run(_loop_getaddrinfo("async.test", 80))
    assert data.endswith(b"hello from async.test/a")
    assert infos[0][4] == ("127.0.0.1", 80)


async def _loop_getaddrinfo(host: str, port: int) -> list[tuple[object, ...]]:
    return await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)


def test_every_patched_function_answers_from_the_resolver(tmp_path: Path) -> None:
    etc = write_etc(tmp_path / "etc", hosts={"svc.test": ["192.0.2.7", "2001:db8::7"]},
                    services={"myproto": "4242/tcp"})
    r = netdb.Resolver(etc, env={})
    with netdb.patch(r):
        assert socket.gethostbyname("svc.test") == "192.0.2.7"
        assert socket.gethostbyname_ex("svc.test") == ("svc.test", [], ["192.0.2.7"])
        assert socket.gethostbyaddr("192.0.2.7") == ("svc.test", [], ["192.0.2.7"])
        assert socket.getnameinfo(("192.0.2.7", 4242), 0) == ("svc.test", "myproto")
        assert socket.getservbyname("myproto", "tcp") == 4242
        assert socket.getservbyport(4242) == "myproto"
        assert socket.getprotobyname("tcp") == 6
        assert socket.getfqdn("192.0.2.7") == "svc.test"
        infos = socket.getaddrinfo(host="svc.test", port="myproto", type=socket.SOCK_STREAM)
        assert sorted(i[4][0] for i in infos) == ["192.0.2.7", "2001:db8::7"]  # order: RFC 6724 here
        with pytest.raises(socket.gaierror) as err:
            socket.getaddrinfo("nowhere.test", 80)
        assert err.value.args == (socket.EAI_NONAME, "Name or service not known")
        with pytest.raises(socket.herror):
            socket.gethostbyaddr("192.0.2.99")


def test_nested_patches_and_out_of_order_uninstall(tmp_path: Path) -> None:
    outer = _resolver(tmp_path, "outer", {"n.test": ["192.0.2.1"]})
    inner = _resolver(tmp_path, "inner", {"n.test": ["192.0.2.2"]})
    with netdb.patch(outer):
        assert socket.gethostbyname("n.test") == "192.0.2.1"
        with netdb.patch(inner):
            assert socket.gethostbyname("n.test") == "192.0.2.2"
        assert socket.gethostbyname("n.test") == "192.0.2.1"
    a = netdb.install(outer)
    b = netdb.install(inner)
    netdb.uninstall(a)  # the older layer first: the newer still answers
    assert socket.gethostbyname("n.test") == "192.0.2.2"
    netdb.uninstall(b)
    netdb.uninstall(b)  # twice: nothing happens
    assert socket.gethostbyname is ORIGINALS["gethostbyname"]
    with pytest.raises(RuntimeError):
        netdb.uninstall()


def test_someone_else_patching_in_between_is_respected(tmp_path: Path) -> None:
    r = _resolver(tmp_path, "etc", {"m.test": ["192.0.2.3"]})
    handle = netdb.install(r)
    with mock.patch("socket.gethostbyname", return_value="203.0.113.9"):
        assert socket.gethostbyname("m.test") == "203.0.113.9"
        netdb.uninstall(handle)  # the mock is on top: left alone
        assert socket.gethostbyname("m.test") == "203.0.113.9"
    # mock put our (now inactive) layer back: it passes calls to the original.
    layer_function = socket.gethostbyname
    assert layer_function is not ORIGINALS["gethostbyname"]
    assert layer_function("127.0.0.1") == "127.0.0.1"
    # The next install/uninstall cycle peels the dead layer off.
    with netdb.patch(r):
        assert socket.gethostbyname("m.test") == "192.0.2.3"
    assert socket.gethostbyname is ORIGINALS["gethostbyname"]


def test_default_resolver_is_looked_up_at_each_call(tmp_path: Path) -> None:
    first = _resolver(tmp_path, "one", {"d.test": ["192.0.2.11"]})
    second = _resolver(tmp_path, "two", {"d.test": ["192.0.2.12"]})
    previous = netdb._default
    try:
        netdb.set_default_resolver(first)
        with netdb.patch():
            assert socket.gethostbyname("d.test") == "192.0.2.11"
            netdb.set_default_resolver(second)
            assert socket.gethostbyname("d.test") == "192.0.2.12"
    finally:
        netdb.set_default_resolver(previous)


def test_threads_see_the_patch_and_install_uninstall_race_safely(tmp_path: Path) -> None:
    resolvers = [_resolver(tmp_path, f"r{i}", {"t.test": [f"192.0.2.{i + 1}"]}) for i in range(4)]
    allowed = {f"192.0.2.{i + 1}" for i in range(4)}
    errors: list[BaseException] = []
    stop = threading.Event()

    def caller() -> None:
        while not stop.is_set():
            try:
                assert socket.gethostbyname("t.test") in allowed
            except BaseException as exc:
                errors.append(exc)
                return

    def patcher(r: netdb.Resolver) -> None:
        for _ in range(200):
            with netdb.patch(r):
                pass

    with netdb.patch(resolvers[0]):
        callers = [threading.Thread(target=caller) for _ in range(4)]
        patchers = [threading.Thread(target=patcher, args=(r,)) for r in resolvers[1:]]
        for t in callers + patchers:
            t.start()
        for t in patchers:
            t.join(60)
        stop.set()
        for t in callers:
            t.join(60)
        assert socket.gethostbyname("t.test") == "192.0.2.1"
    assert not errors, errors[:1]
    assert socket.gethostbyname is ORIGINALS["gethostbyname"]


def test_handle_is_a_context_manager_and_has_a_repr(tmp_path: Path) -> None:
    r = _resolver(tmp_path, "etc", {"h.test": ["192.0.2.5"]})
    with netdb.install(r) as handle:
        assert "active" in repr(handle)
        assert socketpatch.active_handles() == [handle]
        assert socket.getaddrinfo.__wrapped__ is ORIGINALS["getaddrinfo"]  # type: ignore[attr-defined]
    assert "uninstalled" in repr(handle)
