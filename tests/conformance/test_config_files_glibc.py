"""nsswitch.conf, resolv.conf and host.conf: our parsers against glibc itself.

Every test runs glibc inside a private mount + network namespace with fixture
files over /etc (``support.glibc_ns``); DNS goes only to the query recorder on
loopback (``support.query_recorder``), which answers NXDOMAIN and logs each
query.  What glibc does is compared with what our parse predicts:

* nsswitch.conf: which sources are consulted and whether the name is found,
  for ``getent hosts``, ``getent services`` and ``getent networks``;
* resolv.conf: the exact query names, in order, and the server they go to;
* host.conf: ``multi``, ``trim`` and glibc's stderr messages, byte for byte.

The cases cover glibc-behavior.md §3.7, §7.1, §8.1-8.3 and the behaviours
established while writing the parsers (named in the parsers' docstrings).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from netdb.files.hostconf import host_conf_path, parse_host_conf, trim_name
from netdb.files.nsswitch import NsswitchConf, parse_nsswitch
from netdb.files.resolvconf import parse_resolv_conf, search_candidates
from support import glibc_ns, query_recorder

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.glibc


def etc(fixture: str, **files: str | None) -> dict[str, str]:
    """The files of ``fixtures/etc-FIXTURE``, with ``files`` replacing (or, when None, removing) some."""
    d = ROOT / "fixtures" / f"etc-{fixture}"
    out = {p.name: p.read_text() for p in d.iterdir() if p.name in glibc_ns.ETC_NAMES}
    for name, text in files.items():
        name = name.replace("_", ".") if name.endswith("_conf") else name
        if text is None:
            out.pop(name, None)
        else:
            out[name] = text
    return out


# -- nsswitch.conf ---------------------------------------------------------------

def _walk(conf: NsswitchConf, db: str, in_files: bool) -> tuple[bool, bool]:
    """(found, dns consulted) for one lookup: files knows the name or not, dns says NXDOMAIN."""
    status, dns = "NOTFOUND", False
    for spec in conf.sources_for(db):
        if spec.name == "files":
            status = "SUCCESS" if in_files else "NOTFOUND"
        elif spec.name == "dns" and db in ("hosts", "networks"):
            status, dns = "NOTFOUND", True
        else:
            status = "UNAVAIL"          # no such module, or no function for this database
        if spec.action(status) == "return":
            break
    return status == "SUCCESS", dns


def _predict(conf: NsswitchConf) -> dict[str, tuple[bool, bool]]:
    if conf.broken:
        return dict.fromkeys(("hosts filesonly", "hosts nosuch", "services http", "networks nosuchnet"), (False, False))
    # getent hosts NAME tries AF_INET6 first (files has no IPv6 line for these names), then AF_INET.
    v6_found, v6_dns = _walk(conf, "hosts", False)
    found, dns = _walk(conf, "hosts", True)
    nf_found, nf_dns = _walk(conf, "hosts", False)
    return {
        "hosts filesonly": (found or v6_found, v6_dns or dns),
        "hosts nosuch": (nf_found, nf_dns),
        "services http": (_walk(conf, "services", True)[0], False),
        "networks nosuchnet": _walk(conf, "networks", False),
    }


NSSWITCH_CASES = [
    # §7.1
    "hosts: files dns\n",
    "hosts: dns files\n",
    "hosts: dns [NOTFOUND=return] files\n",
    "hosts: files [NOTFOUND=return] dns\n",
    "hosts: dns [!UNAVAIL=return] files\n",
    "hosts: dns [SUCCESS=continue] files\n",
    "hosts:dns\n",
    "   hosts: files\n",
    "HOSTS: dns\n",
    "hosts: files\nhosts: dns\n",
    "hosts: dns # files\n",
    "hosts: bogus files\n",
    "hosts: dns [notfound=RETURN] files\n",
    "hosts: dns [FOO=return] files\n",
    "services: files [BAR=x]\n",
    "hosts:\n",
    # established by experiment
    "hosts : files\n",
    "hosts::files\n",
    "hosts files\n",
    "hosts\n",
    "hosts: [NOTFOUND=return] files dns\n",
    "hosts: files [SUCCESS=return] [UNAVAIL=return] dns\n",
    "hosts: files [] dns\n",
    "hosts: files [NOTFOUND=return\n",
    "hosts: files [NOTFOUND=return dns\n",
    "hosts: files [ NOTFOUND = return ] dns\n",
    "hosts: files [! NOTFOUND=return] dns\n",
    "hosts: files [!SUCCESS=continue] dns\n",
    "hosts: files [=return] dns\n",
    "hosts: files [NOTFOUND=return=continue] dns\n",
    "hosts: dns[NOTFOUND=continue]files\n",
    "hosts: fi[les\n",
    "hosts: files ]dns\n",
    "hosts: FILES\n",
    "hosts: files\0 dns\n",
    ": dns\nhosts: files\n",
    "sudoers: files [FOO=bar]\nHOSTS: [x\n",
    "hosts: files [NOTFOUND=return]\r\nservices: files\r\n",
    "hosts: files\nnetworks: files [X=y]\n",
    "hosts: files [X=y]\nhosts: files\n",
    "hosts: files",                                   # unterminated last line: ignored
    "hosts: files\nservices: files [X=y]",            # ... even with an error in it
    "networks: files\n",
    "services: dns files\n",
    "",
]


@pytest.mark.parametrize("text", NSSWITCH_CASES)
def test_nsswitch_sources_match_glibc(glibc: object, text: str) -> None:
    conf = parse_nsswitch(text)
    calls = [("exec", (["getent", *key.split()],), {}) for key in _predict(conf)]
    got = query_recorder.record(etc("nsswitch", nsswitch_conf=text), calls, hostname="vm")
    observed = {key: (o["ok"][0] == 0, bool(o["queries"])) for key, o in zip(_predict(conf), got, strict=True)}
    assert observed == _predict(conf)
    if conf.broken:
        assert all(o["ok"][0] == 2 for o in got)


def test_nsswitch_missing_file_means_defaults(glibc: object) -> None:
    conf = parse_nsswitch(None)
    calls = [("exec", (["getent", *key.split()],), {}) for key in _predict(conf)]
    got = query_recorder.record(etc("nsswitch", nsswitch_conf=None), calls, absent=("nsswitch.conf",), hostname="vm")
    observed = {key: (o["ok"][0] == 0, bool(o["queries"])) for key, o in zip(_predict(conf), got, strict=True)}
    assert observed == _predict(conf) == {
        "hosts filesonly": (True, True), "hosts nosuch": (False, True),
        "services http": (True, False), "networks nosuchnet": (False, True)}


@pytest.mark.parametrize("text", ["passwd: bogus\ngroup: bogus\n", "passwd: files\n", "shadow: bogus\n",
                                  "passwd: bogus\nshadow: files\n"])
def test_nsswitch_shadow_inherits_passwd(glibc: object, text: str) -> None:
    """Experiment: shadow and gshadow without a line use the passwd and group lines (the machine's own files)."""
    conf = parse_nsswitch(text)
    res = glibc_ns.run({"nsswitch.conf": text}, ["sh", "-c", "for db in shadow gshadow passwd; do "
                                                 "getent $db root >/dev/null; echo $?; done"])
    found = [rc == "0" for rc in res.stdout.decode().split()]
    assert found == [[s.name for s in conf.sources_for(db)] == ["files"] for db in ("shadow", "gshadow", "passwd")]


def test_nsswitch_default_hosts_consults_files_then_dns(glibc: object) -> None:
    """§7.1: hosts without a line is ``files dns`` (files answers first, DNS only when files has nothing)."""
    got = query_recorder.record(etc("nsswitch", nsswitch_conf="services: files\n"), [
        ("getaddrinfo", ("filesonly", None, socket.AF_INET), {}),
        ("getaddrinfo", ("nosuch", None, socket.AF_INET), {}),
    ])
    assert [x[4][0] for x in got[0]["ok"]] == ["192.0.2.1"] * 3 and got[0]["queries"] == []
    assert query_recorder.qnames(got[1]) == ["nosuch."]
    assert [s.name for s in parse_nsswitch("services: files\n").sources_for("hosts")] == ["files", "dns"]


def test_nsswitch_syntax_error_is_eai_system(glibc: object) -> None:
    """§7.1: a syntax error anywhere makes getaddrinfo fail with OSError(22)."""
    conf = parse_nsswitch("services: files [BAR=x]\n")
    assert conf.broken
    got = query_recorder.record(etc("nsswitch", nsswitch_conf="services: files [BAR=x]\n"), [
        ("getaddrinfo", ("filesonly", None, socket.AF_INET), {}),
        ("getaddrinfo", ("127.0.0.1", "80", socket.AF_INET, socket.SOCK_STREAM), {}),
    ])
    assert got[0]["error"] == "OSError" and got[0]["args"][0] == 22
    assert got[1]["ok"] == [[2, 1, 6, "", ["127.0.0.1", 80]]]        # numeric lookups still work


def test_nsswitch_empty_hosts_list_breaks_python(glibc: object) -> None:
    """Experiment: with ``hosts:`` glibc 2.36's getaddrinfo misbehaves; Python never gets an answer."""
    conf = parse_nsswitch("hosts:\n")
    assert conf.sources_for("hosts") == ()
    assert any("misbehaves" in d.reason for d in conf.diagnostics)
    res = glibc_ns.run(etc("nsswitch", nsswitch_conf="hosts:\n"), [
        sys.executable, "-c", "import socket\ntry: print(socket.getaddrinfo('filesonly', None, socket.AF_INET))\n"
                              "except OSError as e: print(type(e).__name__)"])
    assert res.returncode < 0 or b"error" in res.stdout.lower()      # SIGSEGV here; never a result


# -- resolv.conf -------------------------------------------------------------------

NS = "nameserver 127.0.0.1\n"
SERVERS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "::1")

RESOLV_CASES: list[tuple[str, str | None, dict[str, str], str, list[str | bytes]]] = [
    # (id, resolv.conf, env, hostname, names)                                  §8.1-8.3
    ("search", NS + "search example.test other.test\n", {}, "vm", ["host1", "nosuch.x", "host1.", "x.y"]),
    ("domain", NS + "domain example.test\n", {}, "vm", ["nosuch"]),
    ("domain-then-search", NS + "domain a.test\nsearch b.test c.test\n", {}, "vm", ["nosuch"]),
    ("search-then-domain", NS + "search b.test c.test\ndomain a.test\n", {}, "vm", ["nosuch"]),
    ("two-search", NS + "search b.test\nsearch c.test\n", {}, "vm", ["nosuch"]),
    ("hash-in-search", NS + "search example.test # other.test\n", {}, "vm", ["nosuch"]),
    ("semicolon", NS + "search example.test ;other.test\n", {}, "vm", ["nosuch"]),
    ("many", NS + "search s1.test s2.test s3.test s4.test s5.test s6.test s7.test s8.test\n", {}, "vm", ["nosuch"]),
    ("dot", NS + "search .\n", {}, "vm", ["nosuch"]),
    ("trailing-dot", NS + "search example.test.\n", {}, "vm", ["nosuch"]),
    ("ndots2", NS + "search example.test\noptions ndots:2\n", {}, "vm", ["x.y", "a.b.c"]),
    ("ndots0", NS + "search example.test\noptions ndots:0\n", {}, "vm", ["host1"]),
    ("ndots99", NS + "search example.test\noptions ndots:99\n", {}, "vm", ["a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p"]),
    ("ndotsx", NS + "search example.test\noptions ndots:x\n", {}, "vm", ["host1"]),
    ("ndots2x", NS + "search example.test\noptions ndots:2x\n", {}, "vm", ["x.y"]),
    ("no-tld-query", NS + "search example.test\noptions no-tld-query\n", {}, "vm", ["nosuch", "x.y"]),
    ("hostname-domain", NS, {}, "h1.example.test", ["host1"]),
    ("hostname-nodot", NS, {}, "h1", ["nosuch"]),
    ("localdomain", NS + "search example.test\n", {"LOCALDOMAIN": "other.test s9.test"}, "vm", ["nosuch"]),
    ("localdomain-empty", NS + "search example.test\n", {"LOCALDOMAIN": ""}, "vm", ["nosuch", "a.b"]),
    ("res-options", NS + "search example.test\noptions ndots:1\n", {"RES_OPTIONS": "ndots:3 attempts:1"}, "vm", ["x.y"]),
    ("leading-space", " nameserver 127.0.0.2\n" + NS + " search example.test\n", {}, "vm", ["nosuch"]),
    ("upper-case", "NAMESERVER 127.0.0.2\nSEARCH example.test\n", {}, "vm", ["nosuch"]),
    ("inet-aton-server", "nameserver 127.3\n", {}, "vm", ["x.test"]),
    ("ipv6-server", "nameserver ::1\n", {}, "vm", ["x.test"]),
    ("server-extra-words", "nameserver 127.0.0.2 extra\n", {}, "vm", ["x.test"]),
    ("bad-servers", "nameserver bogus\nnameserver 127.0.0.3#c\nnameserver 127.0.0.3:5353\nnameserver 127.0.0.2\n", {}, "vm", ["x.test"]),
    ("tabs", "nameserver\t127.0.0.2\nsearch\ta.test\tb.test\n", {}, "vm", ["nosuch"]),
    ("empty", "", {}, "vm", ["nosuch"]),
    ("missing", None, {}, "h2.example.test", ["nosuch"]),
    ("attempts0", NS + "options attempts:0\n", {}, "vm", ["x.test"]),
    ("attempts-1", NS + "options attempts:-1\n", {}, "vm", ["x.test"]),
    # established by experiment
    ("root-first", NS + "search . example.test\n", {}, "vm", ["nosuch"]),
    ("root-last", NS + "search example.test .\n", {}, "vm", ["nosuch", "a.b"]),
    ("localdomain-leading-blank", NS, {"LOCALDOMAIN": " a.test"}, "vm", ["nosuch"]),
    ("ndots-1", NS + "search example.test\noptions ndots:-1\n", {}, "vm",
     ["a.b", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p"]),
    ("ndots-16", NS + "search example.test\noptions ndots:-16\n", {}, "vm", ["nosuch"]),
    ("ndots-wrap", NS + "search example.test\noptions ndots:4294967298\n", {}, "vm", ["a.b"]),
    ("ndots-blank", NS + "search example.test\noptions ndots: 3\n", {}, "vm", ["a.b.c", "a.b.c.d"]),
    ("options-hash", NS + "search example.test\noptions ndots:2 # ndots:1\n", {}, "vm", ["a.b"]),
    ("options-prefix", NS + "search example.test\noptions no-tld-query-foo\n", {}, "vm", ["nosuch"]),
    ("option-typo", NS + "search example.test\noption ndots:3\n options ndots:3\n", {}, "vm", ["a.b"]),
    ("crlf-server", "nameserver 127.0.0.2\r\n", {}, "vm", ["x.test"]),
    ("crlf-search", NS + "search example.test\r\n", {}, "vm", ["nosuch"]),
    ("v4-scope", "nameserver 127.0.0.2%lo\n", {}, "vm", ["x.test"]),
    ("v6-scope", "nameserver ::1%lo\n", {}, "vm", ["x.test"]),
    ("four-servers", "nameserver 127.0.0.2\nnameserver 127.0.0.3\nnameserver ::1\nnameserver 127.0.0.1\n", {}, "vm", ["x.test"]),
    ("no-tld-empty-list", NS + "options no-tld-query\n", {}, "h1", ["nosuch"]),
    ("empty-search-keeps", NS + "search example.test\nsearch   \n", {}, "vm", ["nosuch"]),
    ("empty-search-hostname", NS + "search \n", {}, "h1.host.test", ["nosuch"]),
    ("localdomain-over-domain", NS + "domain a.test\n", {"LOCALDOMAIN": "l.test"}, "vm", ["nosuch"]),
    ("bad-domain-stops", NS + "search ..example.test ok.test\n", {}, "vm", ["nosuch"]),
    ("leading-dot", NS + "search .example.test\n", {}, "vm", ["nosuch"]),
    ("long-label-domain", NS + "search " + "x" * 64 + ".test ok.test\n", {}, "vm", ["nosuch"]),
    ("no-final-newline", NS + "search example.test", {}, "vm", ["nosuch"]),
    ("res-options-newline", NS + "search example.test\n", {"RES_OPTIONS": "ndots:0\nrotate"}, "vm", ["nosuch"]),
]


def _long(k: int) -> str:
    labels, left = [], k
    while left > 61:
        labels.append("x" * 60)
        left -= 61
    labels.append("y" * left)
    return ".".join(labels)


RESOLV_CASES += [
    ("long-first-fails", NS + "search example.test o.t\noptions ndots:9\n", {}, "vm", [_long(241).encode()]),
    ("long-second-fails", NS + "search o.t example.test p.t\noptions ndots:9\n", {}, "vm", [_long(245).encode()]),
    ("long-253", NS + "search o.t\noptions ndots:9\n", {}, "vm", [_long(249).encode(), _long(250).encode()]),
    ("long-abs-domain", NS + "search o.t.\noptions ndots:9\n", {}, "vm", [_long(249).encode(), _long(250).encode()]),
    ("long-domain", NS + "search a " + _long(250) + "\n", {}, "vm", ["nosuch"]),
    ("long-7th", NS + "search a.t b.t c.t d.t e.t f.t " + _long(300) + "\n", {}, "vm", ["nosuch"]),
]


@pytest.mark.parametrize(("text", "env", "hostname", "names"), [c[1:] for c in RESOLV_CASES], ids=[c[0] for c in RESOLV_CASES])
def test_resolv_conf_queries_match_glibc(glibc: object, text: str | None, env: dict[str, str], hostname: str,
                                         names: list[str | bytes]) -> None:
    conf = parse_resolv_conf(text, env=env, hostname=hostname)
    files = etc("resolvconf", resolv_conf=text)
    absent = ("resolv.conf",) if text is None else ()
    calls = [("getaddrinfo", (n, None, socket.AF_INET), {}) for n in names]
    got = query_recorder.record(files, calls, servers=SERVERS, env=env, hostname=hostname, absent=absent)
    for name, outcome in zip(names, got, strict=True):
        label = name if isinstance(name, str) else name.decode()
        if conf.dns_disabled:
            assert outcome["queries"] == [] and outcome["args"][0] == socket.EAI_AGAIN
            continue
        assert query_recorder.qnames(outcome) == search_candidates(label, conf), label
        assert {q[0] for q in outcome["queries"]} <= {conf.nameservers[0].address}


def test_resolv_conf_search_list_abort(glibc: object) -> None:
    """Experiment: a search list glibc's legacy copy trips over aborts every DNS lookup."""
    prog = "import socket\ntry: socket.getaddrinfo('nosuch', None, socket.AF_INET)\nexcept OSError as e: print(e)"
    for domains, aborts in ((["a" * 55, _long(201)], True), (["a" * 56, _long(200)], False)):
        text = NS + "search " + " ".join(domains) + "\n"
        assert (parse_resolv_conf(text).fatal is not None) == aborts
        res = glibc_ns.run(etc("resolvconf", resolv_conf=text), [sys.executable, "-c", prog], hostname="vm")
        assert (res.returncode == -6) == aborts
        assert (b"update_from_conf: Assertion" in res.stderr) == aborts


@pytest.mark.parametrize(("line", "hangs"), [("sortlist bogus/8", True), ("sortlist 1.2.3.4\r", True),
                                             ("sortlist 130.155.160.0/255.255.240.0 130.155.0.0", False)])
def test_resolv_conf_sortlist_hang(glibc: object, line: str, hangs: bool) -> None:
    """Experiment: a sortlist word glibc's parser cannot step over makes it loop forever."""
    text = NS + line + "\n"
    assert (parse_resolv_conf(text).fatal is not None) == hangs
    prog = "import socket\ntry: socket.getaddrinfo('x.test', None, socket.AF_INET)\nexcept OSError as e: print(e)"
    try:
        res = glibc_ns.run(etc("resolvconf", resolv_conf=text), [sys.executable, "-c", prog], hostname="vm", timeout=3)
    except subprocess.TimeoutExpired:
        assert hangs
    else:
        assert not hangs and res.returncode == 0


# -- host.conf ---------------------------------------------------------------------

_HOSTCONF_PROG = r'''
import json, socket
out = {"casey": socket.gethostbyname_ex("casey")[2]}
for a in ("192.0.2.60", "192.0.2.61"):
    h = socket.gethostbyaddr(a)
    out[a] = [h[0], h[1]]
print(json.dumps(out))
'''

HOSTCONF_CASES: list[tuple[str, str | None, dict[str, str]]] = [
    ("absent", None, {}),                                                    # §3.7 multi off
    ("empty", "", {}),
    ("multi-on", "multi on\n", {}),
    ("trim", "multi on\ntrim .example.com\n", {}),                           # §3.7
    ("trim-nodot", "trim example.com\n", {}),                                # §3.7
    ("trim-absolute", "trim example.com.\n", {}),
    ("junk", "bogus keyword\nmulti  yes\n", {}),                             # §3.7 messages
    ("env-multi-off", "multi on\n", {"RESOLV_MULTI": "off"}),                # §3.7
    ("env-multi-on", None, {"RESOLV_MULTI": "on"}),
    ("env-add-trim", "multi on\n", {"RESOLV_ADD_TRIM_DOMAINS": ".example.com"}),
    ("upper", "MULTI ON\n", {}),
    ("one", "multi one\n", {}),
    ("offx", "multi on\nmulti offx\n", {}),
    ("bare", "multi\n", {}),
    ("garbage", "multi on junk # c\n", {}),
    ("delimiter", "trim .example.com,\n", {}),
    ("five", "trim .a .b .c .d .e\n", {}),
    ("two-lines", "trim .a .b .c\ntrim .d .example.com\n", {}),
    ("empty-trim", "trim\ntrim .example.com\n", {}),
    ("comment-trim", "trim #x\ntrim .example.com\n", {}),
    ("order", "order hosts,bind\nmulti on\n", {}),
    ("spoof", "nospoof on\nspoof warn\nspoofalert on\nmulti on\n", {}),
    ("long-line", "multi " + "x" * 300 + "\n", {}),
    ("255", "x" * 255 + "\nbogus\n", {}),
    ("reorder", "reorder on\n", {}),
    ("env-yes", "multi on\n", {"RESOLV_MULTI": "yes"}),
    ("env-onward", None, {"RESOLV_MULTI": "onward"}),
    ("env-reorder", None, {"RESOLV_REORDER": "maybe"}),
    ("env-override", "trim .example.com\n", {"RESOLV_OVERRIDE_TRIM_DOMAINS": ".example.org"}),
    ("env-add-many", "trim .x .y .z\n", {"RESOLV_ADD_TRIM_DOMAINS": ".p .example.com"}),
    ("env-leading-blank", None, {"RESOLV_ADD_TRIM_DOMAINS": " .example.com"}),
    ("semicolon", "trim .example.org;.example.com\n", {}),
    ("spaced-semicolon", "trim .q ; .example.com\n", {}),
    ("colon", "trim .q:.example.com\n", {}),
    ("hash", "multi#on\n", {}),
    ("crlf", "multi on\r\ntrim .example.com\r\n", {}),
    ("comma", "multi,on\n", {}),
    ("no-newline", "multi on", {}),
    ("first-match", "trim .com .example.com\n", {}),
    ("exact-name", "trim web.a\n", {}),
    ("nul", "multi on\0 junk\n", {}),
    ("host-conf-env", "multi on\n", {"RESOLV_HOST_CONF": "/etc/hosts"}),     # §3.7: another file is read
    ("host-conf-missing", "multi on\n", {"RESOLV_HOST_CONF": "/nonexistent"}),
]


@pytest.mark.parametrize(("text", "env"), [c[1:] for c in HOSTCONF_CASES], ids=[c[0] for c in HOSTCONF_CASES])
def test_host_conf_matches_glibc(glibc: object, text: str | None, env: Mapping[str, str]) -> None:
    files = etc("hostconf", host_conf=text)
    path = host_conf_path(env, "/etc/host.conf")
    read = files.get(path.removeprefix("/etc/")) if path.startswith("/etc/") else None
    conf = parse_host_conf(read, path, env=env)
    res = glibc_ns.run(files, [sys.executable, "-c", _HOSTCONF_PROG], env=dict(env),
                       absent=("host.conf",) if text is None else ())
    assert res.returncode == 0, res.stderr
    got: dict[str, Any] = json.loads(res.stdout)
    casey = ["192.0.2.30", "192.0.2.31", "192.0.2.32"] if conf.multi else ["192.0.2.30"]
    assert got["casey"] == casey
    hosts = {"192.0.2.60": ["web.example.com", ["web.EXAMPLE.org", "web.a", "web.b", "web.c", "web.d", "web.e", "web"]],
             "192.0.2.61": ["db.example.com.", []]}
    for addr, (name, aliases) in hosts.items():
        assert got[addr] == [trim_name(name, conf), [trim_name(a, conf) for a in aliases]], addr
    assert res.stderr.decode("utf-8", "surrogateescape") == "".join(conf.messages)


@pytest.mark.parametrize(("text", "env"), [("multi on\n", {}), ("multi on\nreorder on\n", {}),
                                          ("multi on\n", {"RESOLV_REORDER": "on"}), ("multi on\nREORDER onx\n", {})])
def test_host_conf_reorder_matches_glibc(glibc: object, text: str, env: dict[str, str]) -> None:
    """Experiment: ``reorder`` swaps the first address on a local subnet (lo: 127/8) with the first address."""
    conf = parse_host_conf(text, env=env)
    hosts = "192.0.2.30 casey\n192.0.2.31 casey\n127.0.0.5 casey\n"
    res = glibc_ns.run({"hosts": hosts, "host.conf": text, "nsswitch.conf": "hosts: files\n"},
                       [sys.executable, "-c", "import socket; print(socket.gethostbyname_ex('casey')[2])"], env=env)
    expected = ["127.0.0.5", "192.0.2.31", "192.0.2.30"] if conf.reorder else ["192.0.2.30", "192.0.2.31", "127.0.0.5"]
    assert res.stdout.decode().strip() == repr(expected)
    assert res.stderr.decode() == "".join(conf.messages)
