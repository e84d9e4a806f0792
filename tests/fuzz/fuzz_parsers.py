"""An atheris (libFuzzer) target for every parser: run on demand, not collected by pytest.

    python -m pip install atheris          # in a scratch venv: not a test dependency
    PYTHONPATH=src python tests/fuzz/fuzz_parsers.py -atheris_runs=1000000 [-max_len=65536] [CORPUS_DIR]

Each input is file bytes, decoded as the Resolver decodes them, given to all
nine parsers and the hosts index; any exception other than a clean return is a
crash that libFuzzer reports with the input that caused it.  The property
tests (tests/property/test_parser_fuzz.py) check the same contract and the
round trips; this target adds coverage-guided exploration.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from netdb.files._text import decode
    from netdb.files.diagnostics import Diagnostic
    from netdb.files.gaiconf import parse_gai_conf
    from netdb.files.hostconf import parse_host_conf
    from netdb.files.hosts import parse_hosts
    from netdb.files.networks import parse_networks
    from netdb.files.nsswitch import parse_nsswitch
    from netdb.files.protocols import parse_protocols
    from netdb.files.resolvconf import parse_resolv_conf
    from netdb.files.rpc import parse_rpc
    from netdb.files.services import parse_services
    from netdb.hostsdb import HostsDB


def one_input(data: bytes) -> None:
    """Parse ``data`` as each of the nine files; only results with well-formed diagnostics may come out."""
    text = decode(data)
    results = [
        parse_hosts(text, "f"), parse_services(text, "f"), parse_protocols(text, "f"), parse_networks(text, "f"),
        parse_rpc(text, "f"), parse_nsswitch(text, "f"), parse_resolv_conf(text, "f", env={}, hostname="h.example"),
        parse_gai_conf(text, "f"), parse_host_conf(text, "f", env={}),
    ]
    lines = text.count("\n") + 1
    for result in results:
        for d in result.diagnostics:
            if not (isinstance(d, Diagnostic) and d.path == "f" and 0 <= d.line <= lines and d.reason):
                raise AssertionError(f"malformed diagnostic {d!r}")
    db = HostsDB(text, "f")
    if [db.line(i) for i in range(len(db))] != results[0].entries:
        raise AssertionError("the hosts index differs from the parsed lines")


def main() -> None:
    """Run libFuzzer on ``one_input`` with the command line's options."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
