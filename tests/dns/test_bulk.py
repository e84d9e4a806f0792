"""netdb.bulk.resolve_many and ``lookup host --from``: many names, one thread, same answers.

Every name's bulk outcome must equal what a single ``getaddrinfo`` gives for
it (the same resolver, the same files, the same servers), whatever the
concurrency and the order of completion.  Servers: the session's Knot (bulk
zone ``hNNNNN.bulk.test``) and fault responders for slow, silent, failing and
truncating names.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.conftest import lookup
from netdb.bulk import resolve_many
from netdb.pysocket import to_tuples
from support import faultdns as f
from support.faultdns import FaultServer
from support.glibc_ns import normalise
from support.knot import KnotServer, bulk_addresses, bulk_name
from support.netdb_dns import outcome, resolver_for

pytestmark = pytest.mark.dns

Fault = Callable[..., FaultServer]
HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost\n192.0.2.50\tfromfile.test filealias\n"


def _bulk_outcome(result: Any) -> dict[str, Any]:
    """A bulk result shaped like ``outcome`` shapes a single call."""
    if result.error is not None:
        return {"error": type(result.error).__name__, "args": normalise(result.error.args)}
    return {"ok": normalise(to_tuples(result.answer))}


def _single(r: Any, name: str | bytes, **hints: int) -> dict[str, Any]:
    return outcome(r.getaddrinfo, name, None, hints.get("family", 0), hints.get("socktype", 0), 0, hints.get("flags", 0))


def test_bulk_equals_single_lookups(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS, search=["bulk.test"])
    names: list[str | bytes] = [bulk_name(i) for i in range(0, 3000, 7)]
    names += ["fromfile.test", "filealias", "localhost", "h00042", "nosuch.test", "indns.test", "v4.test",
              "nodata.test", "127.1", "::1", "bad..name", "x" * 300, "multi.test", "bücher.test"]
    names += [b"bad..name", b"b\xc3\xbccher.test", b"\xff.test", b"indns.test", "x" * 64 + ".test"]
    for socktype, family in ((socket.SOCK_STREAM, 0), (0, socket.AF_INET6), (socket.SOCK_DGRAM, socket.AF_INET)):
        bulk = list(resolve_many(r, names, family=family, socktype=socktype, concurrency=50))
        assert [b.name for b in bulk] == names
        assert [b.position for b in bulk] == list(range(len(names)))
        for b in bulk:
            assert _bulk_outcome(b) == _single(r, b.name, family=family, socktype=socktype), b.name
    first = next(b for b in bulk if b.name == bulk_name(0))
    assert to_tuples(first.answer)[0][4][0] == bulk_addresses(0)[0]


def test_unordered_yields_every_name_once_and_fast_ones_first(fault: Fault, fixture_records: f.Records,
                                                               tmp_path: Path) -> None:
    srv = fault(fixture_records, {"slow.test": f.Delay(400, f.Answer({"A": "192.0.2.9"}))})
    r = resolver_for(srv, tmp_path)
    names = ["slow.test"] + ["indns.test", "v4.test", "multi.test"] * 5
    unordered = list(resolve_many(r, names, family=socket.AF_INET, socktype=socket.SOCK_STREAM, ordered=False))
    assert sorted(b.position for b in unordered) == list(range(len(names)))
    assert unordered[-1].name == "slow.test"
    assert to_tuples(unordered[-1].answer)[0][4][0] == "192.0.2.9"
    assert unordered[-1].seconds >= 0.39
    ordered = list(resolve_many(r, names, family=socket.AF_INET, socktype=socket.SOCK_STREAM))
    assert [b.name for b in ordered] == names
    # the slow name did not serialise the others: all 16 took about one delay, not more
    started = time.monotonic()
    list(resolve_many(r, ["slow.test"] * 8, family=socket.AF_INET, socktype=socket.SOCK_STREAM, concurrency=8))
    assert time.monotonic() - started < 8 * 0.4


def test_failures_are_results_like_single_lookups(fault: Fault, fixture_records: f.Records, tmp_path: Path) -> None:
    srv = fault(fixture_records, {"silent.test": f.Drop(), "servfail.test": f.SERVFAIL,
                                  "tc.test": f.tc_then_tcp({"A": "192.0.2.7"}), "wrongid.test": f.WrongId()})
    r = resolver_for(srv, tmp_path)
    names = ["silent.test", "servfail.test", "tc.test", "indns.test", "wrongid.test", "nosuch.test"]
    bulk = list(resolve_many(r, names, family=socket.AF_INET, socktype=socket.SOCK_STREAM, concurrency=6))
    for b in bulk:
        assert _bulk_outcome(b) == _single(r, b.name, family=socket.AF_INET, socktype=socket.SOCK_STREAM), b.name
    by_name = {b.name: b for b in bulk}
    assert by_name["silent.test"].error is not None and by_name["silent.test"].error.args[0] == -3
    assert to_tuples(by_name["tc.test"].answer)[0][4][0] == "192.0.2.7"
    assert ("tc.test.", "A") in {(str(e.qname), e.qtype) for e in srv.log if e.transport == "tcp"}


def test_input_is_read_lazily(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    taken = itertools.count()

    def names() -> Iterator[str]:
        for i in range(2000):
            next(taken)
            yield bulk_name(i)

    results = resolve_many(r, names(), family=socket.AF_INET, concurrency=10, window=20)
    first = next(results)
    assert first.name == bulk_name(0)
    assert next(taken) <= 21  # at most the window was read ahead of the first result
    rest = list(results)
    assert len(rest) == 1999 and rest[-1].name == bulk_name(1999)


def test_bad_arguments(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path)
    with pytest.raises(ValueError):
        list(resolve_many(r, ["a"], concurrency=0))
    assert list(resolve_many(r, [])) == []


def test_cli_from_file_and_stdin(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS)
    etc = Path(r.etc)
    ns = [] if knot.port == 53 else ["--nameserver", f"{knot.address}:{knot.port}"]
    names_file = tmp_path / "names"
    names_file.write_text("# hosts to check\n" + "\n".join(bulk_name(i) for i in range(300))
                          + "\nfromfile.test nosuch.test\n\n")
    res = lookup(*ns, "host", "--from", str(names_file), "--family", "4", "--concurrency", "30", etc=etc)
    assert res.returncode == 2
    lines = res.stdout.decode().splitlines()
    assert lines[:300] == [f"{bulk_name(i)} {bulk_addresses(i)[0]}" for i in range(300)]
    assert lines[300:] == ["fromfile.test 192.0.2.50"]
    assert res.stderr == b"lookup: nosuch.test: Name or service not known (EAI_NONAME)\n"
    # the same list on stdin, as JSON, in completion order
    res = lookup(*ns, "--json", "host", "--from", "-", "--unordered", etc=etc, input=names_file.read_bytes())
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    assert sorted(d["name"] for d in docs) == sorted([bulk_name(i) for i in range(300)] + ["fromfile.test", "nosuch.test"])
    by_name = {d["name"]: d for d in docs}
    assert by_name["fromfile.test"]["addresses"][0]["source"].endswith("hosts line 3")
    assert by_name["nosuch.test"]["error"]["name"] == "EAI_NONAME"
    assert all(d["seconds"] >= 0 for d in docs)


def test_cli_from_errors(tmp_path: Path, knot: KnotServer) -> None:
    r = resolver_for(knot, tmp_path)
    etc = Path(r.etc)
    res = lookup("host", "--from", str(tmp_path / "missing"), etc=etc)
    assert res.returncode == 66 and res.stderr.count(b"\n") == 1 and b"No such file" in res.stderr
    res = lookup("host", "--from", str(tmp_path), etc=etc)
    assert res.returncode == 66 and b"Traceback" not in res.stderr
    for bad in (["--explain"], ["--via", "system"], ["--concurrency", "0"]):
        res = lookup("host", "--from", "-", *bad, etc=etc, input=b"localhost\n")
        assert res.returncode == 64 and res.stderr.count(b"\n") == 1, (bad, res)
    res = lookup("host", etc=etc)
    assert res.returncode == 64 and b"--from" in res.stderr


def _addresses_of(results: list[Any]) -> list[tuple[int, str | bytes, Any]]:
    """What a worker sends back in these tests: position, name, outcome (picklable)."""
    return [(b.position, b.name, _bulk_outcome(b)) for b in results]


def test_render_many_equals_resolve_many(knot: KnotServer, tmp_path: Path) -> None:
    from netdb.bulkjobs import render_many

    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS, search=["bulk.test"])
    names: list[str | bytes] = [bulk_name(i) for i in range(0, 1500, 3)] + ["fromfile.test", "nosuch.test", "h00042"]
    single = [(b.position, b.name, _bulk_outcome(b)) for b in resolve_many(r, names, socktype=socket.SOCK_STREAM)]
    chunks = list(render_many(r, names, _addresses_of, jobs=3, chunk=37, socktype=socket.SOCK_STREAM))
    assert [x for c in chunks for x in c] == single
    sizes = [len(c) for c in chunks]
    assert sizes[0] == 37 and sizes == sorted(sizes, reverse=True)  # whole chunks, then shorter ones at the end
    unordered = list(render_many(r, names, _addresses_of, jobs=2, chunk=50, ordered=False, socktype=socket.SOCK_STREAM))
    assert sorted(x for c in unordered for x in c) == single
    with pytest.raises(ValueError):
        list(render_many(r, names, _addresses_of, jobs=0))


def test_cli_jobs_prints_what_one_process_prints(knot: KnotServer, tmp_path: Path) -> None:
    r = resolver_for(knot, tmp_path, nsswitch="hosts: files dns\n", hosts=HOSTS)
    etc = Path(r.etc)
    ns = [] if knot.port == 53 else ["--nameserver", f"{knot.address}:{knot.port}"]
    names = ("\n".join(bulk_name(i) for i in range(1200)) + "\nfromfile.test nosuch.test bad..name\n").encode()
    one = lookup(*ns, "host", "--from", "-", etc=etc, input=names)
    many = lookup(*ns, "host", "--from", "-", "--jobs", "3", etc=etc, input=names)
    assert one.returncode == many.returncode == 2
    assert many.stdout == one.stdout and len(one.stdout.splitlines()) == 2 * 1200 + 1
    assert sorted(many.stderr.splitlines()) == sorted(one.stderr.splitlines())
    as_json = lookup(*ns, "--json", "host", "--from", "-", "--jobs", "2", etc=etc, input=names)
    docs = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [d["name"] for d in docs] == [bulk_name(i) for i in range(1200)] + ["fromfile.test", "nosuch.test",
                                                                                 "bad..name"]
    bad = lookup(*ns, "host", "--from", "-", "--jobs", "0", etc=etc, input=names)
    assert bad.returncode == 64 and b"--jobs must be from 1 to 64" in bad.stderr
