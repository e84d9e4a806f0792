"""netdb.testing (hermetic trees) and its pytest plugin (the netdb_env fixture, the netdb marker)."""

from __future__ import annotations

import importlib.metadata
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import netdb
from netdb import socketpatch
from netdb.testing import hermetic, hosts_text, services_text, write_etc

ROOT = Path(__file__).resolve().parents[2]


def test_write_etc_makes_a_files_only_tree(tmp_path: Path) -> None:
    etc = write_etc(tmp_path / "etc", hosts={"api.test": ["127.0.0.1", "::1"]}, services={"myapp": 8080})
    assert sorted(p.name for p in etc.iterdir()) == [
        "host.conf", "hosts", "networks", "nsswitch.conf", "protocols", "resolv.conf", "rpc", "services"]
    nsswitch = (etc / "nsswitch.conf").read_text()
    assert "dns" not in nsswitch.replace("no dns", "").replace("reach DNS", "")
    assert "hosts:      files\n" in nsswitch
    r = netdb.Resolver(etc, env={})
    assert {a[4][0] for a in r.getaddrinfo("api.test", "myapp")} == {"127.0.0.1", "::1"}
    assert r.getservbyname("myapp", "udp") == 8080
    assert r.getservbyname("https", "tcp") == 443  # the built-in list follows


def test_content_helpers_validate_their_input() -> None:
    assert hosts_text({"a.test": "192.0.2.1"}, localhost=False) == "192.0.2.1\ta.test\n"
    assert hosts_text("10.0.0.1 x", localhost=True) == "10.0.0.1 x\n"  # text is verbatim
    assert hosts_text(None).startswith("127.0.0.1\tlocalhost\n")
    with pytest.raises(ValueError, match="not an IPv4 or IPv6 address"):
        hosts_text({"a.test": "127.0.0.l"})
    with pytest.raises(ValueError, match="whitespace"):
        hosts_text({"a test": "127.0.0.1"})
    assert services_text({"x": "7000/sctp"}).startswith("x\t7000/sctp\n")
    with pytest.raises(ValueError, match="PORT"):
        services_text({"x": 70000})


def test_hermetic_patches_and_restores_everything() -> None:
    before = {n: getattr(socket, n) for n in socketpatch.PATCHED_FUNCTIONS}
    default_before = netdb._default
    with hermetic({"api.test": "127.0.0.1"}) as env:
        assert socket.gethostbyname("api.test") == "127.0.0.1"
        assert netdb.gethostbyname("api.test") == "127.0.0.1"
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("example.com", 80)  # never DNS
        env.add_host("db.test", "127.0.0.2")
        assert socket.gethostbyname("db.test") == "127.0.0.2"
        env.set_hosts({"api.test": "127.0.0.3"})
        assert socket.gethostbyname("api.test") == "127.0.0.3"
        with pytest.raises(socket.gaierror):
            socket.gethostbyname("db.test")
        env.set_services({"thing": "1234/tcp"})
        assert socket.getservbyname("thing", "tcp") == 1234
        env.write("gai.conf", "precedence ::ffff:0:0/96 100\n")
        assert (env.etc / "gai.conf").is_file()
        etc = env.etc
    assert not etc.exists()
    assert {n: getattr(socket, n) for n in socketpatch.PATCHED_FUNCTIONS} == before
    assert netdb._default is default_before


def test_hermetic_families_fix_what_addrconfig_sees() -> None:
    with hermetic({"dual.test": ["127.0.0.1", "::1"]}, families=(False, True)):
        infos = socket.getaddrinfo("dual.test", 80, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG)
        assert [i[4][0] for i in infos] == ["::1"]


def test_hermetic_is_visible_from_other_threads() -> None:
    seen: list[str] = []
    with hermetic({"thread.test": "127.0.0.9"}):
        t = threading.Thread(target=lambda: seen.append(socket.gethostbyname("thread.test")))
        t.start()
        t.join(10)
    assert seen == ["127.0.0.9"]


@pytest.mark.netdb(hosts={"marker.test": ["127.0.0.1"]}, services={"myapp": "8080/tcp"})
def test_plugin_fixture_in_this_suite(netdb_env: object) -> None:
    """The plugin is active in netdb's own suite when netdb is installed (scripts/test does)."""
    assert socket.getaddrinfo("marker.test", "myapp", type=socket.SOCK_STREAM)[0][4] == ("127.0.0.1", 8080)


if not any(ep.value == "netdb.testing.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11")):
    test_plugin_fixture_in_this_suite = pytest.mark.skip(  # type: ignore[assignment]
        reason="netdb is not installed from this tree (no pytest11 entry point); see test_plugin_by_name")(
        test_plugin_fixture_in_this_suite)


PLUGIN_TESTS = textwrap.dedent('''
    import asyncio, socket, threading, urllib.request, http.server
    import pytest
    import netdb

    @pytest.mark.netdb(hosts={"api.test": ["127.0.0.1"]})
    def test_marker(netdb_env):
        assert socket.gethostbyname("api.test") == "127.0.0.1"
        assert netdb.gethostbyname("api.test") == "127.0.0.1"

    @pytest.mark.netdb("10.1.2.3 text.test alias.test\\n", localhost=False)
    def test_text_hosts(netdb_env):
        assert socket.gethostbyname_ex("alias.test") == ("text.test", ["alias.test"], ["10.1.2.3"])
        with pytest.raises(socket.gaierror):
            socket.gethostbyname("localhost")

    def test_without_marker_only_localhost(netdb_env):
        assert socket.gethostbyname("localhost") == "127.0.0.1"
        with pytest.raises(socket.gaierror):
            socket.getaddrinfo("api.test", 80)
        netdb_env.add_host("late.test", "127.0.0.5")
        assert socket.gethostbyname("late.test") == "127.0.0.5"

    @pytest.mark.netdb(hosts={"web.test": "127.0.0.1"})
    def test_urllib_and_asyncio(netdb_env):
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *a):
                pass
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        port = srv.server_address[1]
        try:
            assert urllib.request.urlopen(f"http://web.test:{port}/", timeout=5).read() == b"ok"
            async def main():
                r, w = await asyncio.open_connection("web.test", port)
                w.close()
                return True
            assert asyncio.run(main())
        finally:
            srv.shutdown(); srv.server_close()

    def test_restored_after_each_test():
        from netdb import socketpatch
        assert socketpatch.active_handles() == []
        assert socket.getaddrinfo.__module__ == "_socket" or not hasattr(socket.getaddrinfo, "_netdb_layer")

    @pytest.mark.netdb(bogus=1)
    def test_bad_marker(netdb_env):
        pass
''')


def _run_pytest(tmp_path: Path, *args: str, autoload: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_user.py").write_text(PLUGIN_TESTS)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("PYTEST_ADDOPTS", None)
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "--strict-markers", "-p", "no:cacheprovider",
                           "-o", "addopts=", *args, str(tmp_path / "test_user.py")],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def test_plugin_by_name(tmp_path: Path) -> None:
    res = _run_pytest(tmp_path, "-p", "netdb.testing.pytest_plugin", autoload=False)
    assert "5 passed, 1 error" in res.stdout, res.stdout + res.stderr
    assert "unknown argument(s) ['bogus']" in res.stdout


def test_plugin_through_the_entry_point(tmp_path: Path) -> None:
    eps = [ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "netdb"]
    if not eps:
        pytest.skip("netdb is not installed with its pytest11 entry point in this environment")
    assert eps[0].value == "netdb.testing.pytest_plugin"
    res = _run_pytest(tmp_path, autoload=True)
    assert "5 passed, 1 error" in res.stdout, res.stdout + res.stderr
    res = _run_pytest(tmp_path, "-p", "no:netdb", autoload=True)
    assert res.returncode != 0
    assert "'netdb' not found in `markers`" in res.stdout, res.stdout
