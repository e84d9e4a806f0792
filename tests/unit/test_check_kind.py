"""`lookup check` picks each file's parser from its name."""

from __future__ import annotations

import pytest

from netdb.cli.check import kind_of


@pytest.mark.parametrize(("name", "kind"), [
    ("hosts", "hosts"), ("/etc/hosts", "hosts"), ("hosts.new", "hosts"), ("my-hosts", "hosts"),
    ("host.conf", "host.conf"), ("host.conf.bak", "host.conf"), ("services", "services"),
    ("services.dpkg-dist", "services"), ("nsswitch.conf", "nsswitch.conf"), ("resolv-alt.conf", "resolv.conf"),
    ("resolv.conf.orig", "resolv.conf"), ("gai.conf", "gai.conf"), ("rpc", "rpc"), ("x_protocols", "protocols"),
    ("hostsfile", None), ("README", None),
])
def test_the_parser_follows_the_name(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind
