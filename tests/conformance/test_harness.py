"""The differential harness itself: the query generator, the comparison, the namespace runs.

These run now, before netdb's getaddrinfo exists: the evaluator is checked
against glibc itself (it must agree 100%), and against a stand-in ``netdb``
package that wraps the socket module the way netdb must behave (its own
exception subclasses, hostent records), so the whole path a real netdb takes
is exercised, including the detection of a wrong answer.
"""

from __future__ import annotations

import hashlib
import socket
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conformance import gai_queries
from conformance.deviations import DEVIATIONS
from conformance.test_getaddrinfo_glibc import DEFAULT_GAI_COUNT, FIXTURE_NAMES, GAI_COUNT, MAIN
from support import differential as D
from support import glibc_ns

TESTS = Path(__file__).resolve().parents[1]

# --- the generator (no namespace needed) -------------------------------------------------


def test_at_least_5000_distinct_queries_per_run() -> None:
    """The run asks at least 5,000 distinct getaddrinfo queries; the main fixture alone does."""
    total = 0
    for name in FIXTURE_NAMES:
        qs = gai_queries.getaddrinfo_queries(D.FIXTURES / name, GAI_COUNT.get(name, DEFAULT_GAI_COUNT))
        keys = {gai_queries._key(q) for q in qs}
        assert len(keys) == len(qs), f"{name}: repeated queries"
        total += len(qs)
        if name == MAIN and GAI_COUNT:
            assert len(qs) >= 5000
    assert total >= 5000
    print(f"{total} distinct getaddrinfo queries over {len(FIXTURE_NAMES)} fixtures")


def test_generator_is_deterministic() -> None:
    d = D.FIXTURES / MAIN
    assert gai_queries.getaddrinfo_queries(d) == gai_queries.getaddrinfo_queries(d)
    assert gai_queries.getaddrinfo_queries(d, 3000) == gai_queries.getaddrinfo_queries(d, 3000)
    assert gai_queries.nameinfo_calls(d) == gai_queries.nameinfo_calls(d)
    assert gai_queries.hostent_calls(d) == gai_queries.hostent_calls(d)


def test_generator_covers_the_required_inputs() -> None:
    """Hosts, ports, families, types, protocols and flags named by the issue all occur."""
    qs = gai_queries.getaddrinfo_queries(D.FIXTURES / MAIN)
    hosts = {(type(q[0]).__name__, q[0]) for q in qs}
    ports = {(type(q[1]).__name__, q[1]) for q in qs}
    for h in [None, "", "dual", "DUAL", "dual.", "foo-alias", "nosuch", "127.1", "0x7f.1",
              "2130706433", "010.0.0.1", "0178.0.0.1", "fe80::1%lo", "::1%1", "fe80::1%99",
              "[::1]", "::ffff:127.0.0.1", b"dual", b"caf\xc3\xa9.test", "café.test", "n" * 300]:
        assert (type(h).__name__, h) in hosts, h
    for p in [None, 0, 80, 65536, -1, "80", " 80", "+80", "080", "65536", "-1", "0x50",
              "4294967295", "", "http", "www", "HTTP", "both", "sctponly", b"80", 80.0, True]:
        assert (type(p).__name__, p) in ports, p
    assert {q[2] for q in qs} >= {0, socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, 99}
    assert {q[3] for q in qs} >= {0, 1, 2, 3, 5, 99}
    assert {q[4] for q in qs} >= {0, 6, 17, 132, 33, 136, 99}
    flags = Counter(q[5] for q in qs)
    assert all(any(f & bit for f in flags) for bit in gai_queries.VALID_FLAGS)
    assert any(f & 0x800 for f in flags) and any(f & 0x10000 for f in flags)
    assert len(flags) >= 128  # every combination of the seven valid flags
    fns = Counter(c[0] for c in gai_queries.nameinfo_calls(D.FIXTURES / MAIN)
                  + gai_queries.hostent_calls(D.FIXTURES / MAIN))
    assert set(fns) == {"getnameinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                        "gethostbyname2", "hosts"}


def test_fixture_dirs_are_complete() -> None:
    """Each fixture says what every file glibc reads is: present, or absent on purpose."""
    assert len(FIXTURE_NAMES) >= 5
    for name in FIXTURE_NAMES:
        fx = D.Fixture.from_dir(D.FIXTURES / name)
        for f in ("hosts", "services", "protocols", "nsswitch.conf"):
            assert f in fx.files, f"{name} lacks {f}"
        nss = fx.files["nsswitch.conf"].decode()
        assert any(line.split() == ["hosts:", "files"] for line in nss.splitlines()), name


# --- comparison and reporting (no namespace needed) --------------------------------------


def _run(pairs: list[tuple[dict[str, object], dict[str, object]]]) -> D.EvalRun:
    calls: list[D.Call] = [("getaddrinfo", ("h", i), {}) for i in range(len(pairs))]
    return D.EvalRun("fx", "net", calls, pairs, {}, 0.0)


def test_compare_counts_and_classifies() -> None:
    ok = {"ok": [[2, 1, 6, "", ["192.0.2.1", 80]]]}
    err = {"error": "gaierror", "args": [-2, "Name or service not known"]}
    run = _run([
        (ok, ok),
        (err, {**err, "detail": "netdb.errors.gaierror"}),  # detail is never compared
        (ok, {"ok": [[2, 1, 6, "", ["192.0.2.2", 80]]]}),
        (err, {"error": "gaierror", "args": [-3, "Temporary failure in name resolution"]}),
        (err, {"error": "herror", "args": [-2, "Name or service not known"]}),
    ])
    rep = D.compare(run)
    assert (sum(rep.agree.values()), sum(rep.total.values())) == (2, 5)
    assert len(rep.unexplained) == 3
    assert "agree 2 / 5" in rep.summary()
    assert "glibc: 1 results: v4/1/6 ('192.0.2.1', 80)" in rep.details()
    dev = D.Deviation("x", "why", "tests/unit/x.py::t", lambda c, g, o: o.get("args", [0])[0] == -3)
    rep = D.compare(run, [dev])
    assert len(rep.unexplained) == 2 and [d.deviation for d in rep.allowed] == ["x"]


def test_format_call_names_the_flags() -> None:
    call: D.Call = ("getaddrinfo", ("dual", "http", socket.AF_INET6, 1, 0, 0x8 | 0x10 | 0x800), {})
    assert D.format_call(call) == "getaddrinfo('dual', 'http', AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED|AI_ALL|0x800)"
    assert D.format_call(("getnameinfo", (("::1", 80, 0, 0), 8 | 1), {})) == \
        "getnameinfo(('::1', 80, 0, 0), NI_NUMERICHOST|NI_NAMEREQD)"


def test_deviations_are_documented() -> None:
    """Every allowed deviation explains itself and names an existing test."""
    for dev in DEVIATIONS:
        assert dev.why.strip() and dev.id
        path, _, name = dev.test.partition("::")
        source = (TESTS.parent / path).read_text()
        assert f"def {name}(" in source, dev.test


# --- namespace runs ----------------------------------------------------------------------

_STUB = textwrap.dedent('''
    """A stand-in netdb: the socket module, with netdb's exception classes and records."""
    import socket
    from ns_evaluator import glibc_gethostbyname2, glibc_hosts
    from netdb_records import hostent

    class gaierror(socket.gaierror):
        pass

    class herror(socket.herror):
        pass

    WRONG = {WRONG!r}

    class Resolver:
        def __init__(self, etc="/etc"):
            assert etc == "/etc"

        def __getattr__(self, name):
            fn = getattr(socket, name)

            def call(*args, **kwargs):
                try:
                    r = fn(*args, **kwargs)
                except socket.gaierror as e:
                    raise gaierror(*e.args) from None
                except socket.herror as e:
                    raise herror(*e.args) from None
                if WRONG and name == "getaddrinfo" and len(r) > 3:
                    r = r[::-1]
                return r
            return call

        def gethostbyname2(self, name, family):
            return _record(glibc_gethostbyname2(name, family))

        def hosts(self):
            return iter([_record(h) for h in glibc_hosts()])

    def _record(shaped):
        n, aliases, addrs, addrtype = shaped
        return hostent(n, tuple(aliases), addrtype, 4 if addrtype == 2 else 16, tuple(addrs))
''')


def _stub(tmp_path: Path, wrong: bool) -> dict[str, str]:
    pkg = tmp_path / ("wrong" if wrong else "right") / "netdb"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(_STUB.replace("{WRONG!r}", repr(wrong)))
    (pkg.parent / "netdb_records.py").write_text(
        (D.SRC / "netdb" / "records.py").read_text())
    return {"PYTHONPATH": f"{pkg.parent}:{D.REPO / 'tests' / 'support'}"}


def _main_calls() -> list[D.Call]:
    d = D.FIXTURES / MAIN
    return (gai_queries.getaddrinfo_calls(gai_queries.getaddrinfo_queries(d, 3000))
            + gai_queries.nameinfo_calls(d, 500) + gai_queries.hostent_calls(d))


@pytest.mark.glibc
@pytest.mark.parametrize("network", [D.LOOPBACK, D.HOST], ids=lambda n: n.name)
def test_glibc_agrees_with_itself(glibc: object, network: D.Network) -> None:
    """glibc against glibc in one process: 100% (results are stable, encoding loses nothing)."""
    fixture = D.Fixture.from_dir(D.FIXTURES / MAIN)
    rep = D.compare(D.run_pairs(fixture, _main_calls(), network, impl="socket"))
    D.record(rep)
    assert not rep.disagreements, rep.details()
    assert sum(rep.total.values()) > 3000


@pytest.mark.glibc
def test_stand_in_netdb_path(glibc: object, tmp_path: Path) -> None:
    """A netdb that wraps glibc agrees fully; one that reverses long lists is caught."""
    fixture = D.Fixture.from_dir(D.FIXTURES / MAIN)
    calls = _main_calls()
    right = D.compare(D.run_pairs(fixture, calls, D.LOOPBACK, env=_stub(tmp_path, False)))
    assert right.meta["netdb_file"].startswith(str(tmp_path))
    assert not right.disagreements, right.details()
    wrong = D.compare(D.run_pairs(fixture, calls, D.LOOPBACK, env=_stub(tmp_path, True)))
    assert wrong.disagreements and {d.call[0] for d in wrong.disagreements} == {"getaddrinfo"}
    assert "netdb: " in wrong.details()


@pytest.mark.glibc
def test_evaluator_imports_this_repositorys_src(glibc: object) -> None:
    """netdb inside the namespace is this worktree's src, whatever the venv has installed."""
    run = D.run_pairs(D.Fixture.from_dir(D.FIXTURES / MAIN), [("gethostbyname", ("dual",), {})])
    assert run.meta["netdb_file"] == str(D.SRC / "netdb" / "__init__.py")
    assert run.pairs[0][0] == {"ok": "192.0.2.10"}


@pytest.mark.glibc
def test_namespace_files_are_the_fixture(glibc: object) -> None:
    """Absent files are absent (multi off without host.conf), the hostname file is applied, /etc is untouched."""
    before = {n: hashlib.sha256(Path("/etc", n).read_bytes()).hexdigest()
              for n in ("hosts", "host.conf", "gai.conf", "resolv.conf") if Path("/etc", n).exists()}
    calls: list[D.Call] = [("gethostbyname_ex", ("casey",), {}), ("gethostname", (), {})]
    off = D.run_pairs(D.Fixture.from_dir(D.FIXTURES / "etc-gai-multioff"), calls, impl="socket")
    assert off.pairs[0][0] == {"ok": ["casey", [], ["192.0.2.30"]]}
    crlf = D.run_pairs(D.Fixture.from_dir(D.FIXTURES / "etc-gai-crlf"), calls, D.HOST, impl="socket")
    assert crlf.pairs[1][0] == {"ok": "h1"}
    after = {n: hashlib.sha256(Path("/etc", n).read_bytes()).hexdigest() for n in before}
    assert before == after


def test_closed_port_resolv_conf_is_loopback() -> None:
    for net in (D.LOOPBACK, D.HOST):
        text = D.closed_port_resolv_conf(net)
        glibc_ns._check_resolv_conf(text)
        assert text.startswith("nameserver 127.")
