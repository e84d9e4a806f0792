"""host.conf parser: glibc 2.36's keywords, messages, RESOLV_* variables and trimming.

Cases cite glibc-behavior.md §3.7 or the experiment that established them (the
differential tests in tests/conformance/test_config_files_glibc.py check the
same texts against glibc's own stderr).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdb.files.hostconf import (
    TRIMDOMAINS_MAX,
    HostConf,
    host_conf_path,
    parse_host_conf,
    trim_name,
)
from netdb.files.origin import DEFAULT, Origin

P = "/etc/host.conf"


@pytest.mark.parametrize("text", [None, "", "# only a comment\n", "order hosts,bind\n"])
def test_defaults(text: str | None) -> None:
    conf = parse_host_conf(text)                         # §3.7: multi defaults to off
    assert (conf.multi, conf.reorder, conf.trim) == (False, False, ())
    assert conf.messages == ()
    assert conf.origin("multi") == DEFAULT
    assert conf.missing == (text is None)


@pytest.mark.parametrize(
    ("text", "multi", "messages"),
    [
        ("multi on\n", True, []),                                          # §3.7
        ("multi off\n", False, []),
        ("multi on\nmulti off\n", False, []),
        ("MULTI ON\n", True, []),                                          # experiment H1
        ("Multi On # comment\n", True, []),
        ("  multi\ton\n", True, []),
        ("multi on\r\n", True, []),                                        # experiment H18
        ("multi on", True, []),                                            # experiment H21: no newline
        ("multi on\0 junk\n", True, []),                                   # experiment H25
        ("multi one\n", True, ["/etc/host.conf: line 1: ignoring trailing garbage `e'\n"]),   # experiment H2
        ("multi on\nmulti offx\n", False, ["/etc/host.conf: line 2: ignoring trailing garbage `x'\n"]),
        ("multi on junk # c\n", True, ["/etc/host.conf: line 1: ignoring trailing garbage `junk # c'\n"]),
        ("multi  yes\n", False, ["/etc/host.conf: line 1: expected `on' or `off', found `yes'\n"]),  # §3.7
        ("multi on\nmulti yes # no\n", True, ["/etc/host.conf: line 2: expected `on' or `off', found `yes # no'\n"]),
        ("multi\n", False, ["/etc/host.conf: line 1: expected `on' or `off', found `'\n"]),  # experiment H3
        ("multi   \n", False, ["/etc/host.conf: line 1: expected `on' or `off', found `'\n"]),
        ("multi#on\n", False, ["/etc/host.conf: line 1: expected `on' or `off', found `#on'\n"]),  # experiment H17
        ("multi,on\n", False, ["/etc/host.conf: line 1: expected `on' or `off', found `,on'\n"]),  # experiment H20
        ("bogus keyword\nmulti  yes\n", False, [                            # §3.7 (e6 hc_junk)
            "/etc/host.conf: line 1: bad command `bogus keyword'\n",
            "/etc/host.conf: line 2: expected `on' or `off', found `yes'\n"]),
        ("bogus keyword # comment\n\tBogus2\n", False, [                    # experiment H19
            "/etc/host.conf: line 1: bad command `bogus keyword # comment'\n",
            "/etc/host.conf: line 2: bad command `Bogus2'\n"]),
        ("nospoof on\nspoof warn\nspoofalert on\nmulti on\n", True, [      # experiment H9: gone in 2.36
            "/etc/host.conf: line 1: bad command `nospoof on'\n",
            "/etc/host.conf: line 2: bad command `spoof warn'\n",
            "/etc/host.conf: line 3: bad command `spoofalert on'\n"]),
        ("order hosts,bind\nmulti on\n", True, []),                        # experiment H8
        ("order\n", False, []),
        ("multi " + "x" * 300 + "\n", False, [                             # experiment H10: 255-byte reads
            "/etc/host.conf: line 1: expected `on' or `off', found `" + "x" * 249 + "'\n",
            "/etc/host.conf: line 2: bad command `" + "x" * 51 + "'\n"]),
        ("x" * 255 + "\nmulti on\n", True, [                                # a 255-byte line: the newline is a 2nd read
            "/etc/host.conf: line 1: bad command `" + "x" * 255 + "'\n"]),
    ],
)
def test_multi_and_messages(text: str, multi: bool, messages: list[str]) -> None:
    conf = parse_host_conf(text)
    assert conf.multi is multi
    assert list(conf.messages) == messages
    assert [d.reason for d in conf.diagnostics if d.reason.startswith("glibc prints")] == [
        "glibc prints: " + m.rstrip("\n") for m in messages]


def test_message_line_numbers_follow_glibc_reads() -> None:
    conf = parse_host_conf("x" * 255 + "\nbogus\n")
    assert conf.messages[-1] == "/etc/host.conf: line 3: bad command `bogus'\n"   # glibc counts the lone "\n"
    assert conf.diagnostics[-1].line == 2                                          # the physical line
    assert any("longer than 255 bytes" in d.reason for d in conf.diagnostics)


def test_path_in_messages() -> None:
    conf = parse_host_conf("bogus\n", "/etc/hosts")                       # experiment H22 (RESOLV_HOST_CONF)
    assert conf.messages == ("/etc/hosts: line 1: bad command `bogus'\n",)
    assert conf.path == "/etc/hosts"


@pytest.mark.parametrize(
    ("text", "trim", "messages"),
    [
        ("trim .example.com\n", (".example.com",), []),                   # §3.7
        ("trim example.com\n", ("example.com",), []),
        ("trim .a .b\ntrim .c\n", (".a", ".b", ".c"), []),
        ("trim .a,.b , .c\n", (".a", ".b", ".c"), []),
        ("trim .q ; .example.com\n", (".q", ".example.com"), []),         # experiment H16
        ("trim .q : .r\n", (".q", ".r"), []),
        ("trim .example.org;.example.com\n", (".example.org;.example.com",), []),   # experiment H15
        ("trim .q:.example.com\n", (".q:.example.com",), []),             # experiment H16b
        ("trim .a#.b\n", (".a",), []),
        ("trim .a # .b\n", (".a",), []),
        ("trim\n", ("",), []),                                            # experiment H7: an empty domain
        ("trim #x\n", ("",), []),                                         # experiment H7b
        ("trim ,x\n", ("", "x"), []),
        ("TRIM .a\n", (".a",), []),
        ("trim .example.com,\n", (".example.com",),                       # experiment H5 (no newline!)
         ["/etc/host.conf: line 1: list delimiter not followed by domain"]),
        ("trim .example.com , # x\n", (".example.com",), ["/etc/host.conf: line 1: list delimiter not followed by domain"]),
        ("trim .a .b .c .d .e\n", (".a", ".b", ".c", ".d"),               # experiment H6 (no newline!)
         ["/etc/host.conf: line 1: cannot specify more than 4 trim domains"]),
        ("trim .a .b .c\ntrim .d .example.com\n", (".a", ".b", ".c", ".d"),
         ["/etc/host.conf: line 2: cannot specify more than 4 trim domains"]),
        ("trim .a .b .c .d\ntrim .e\ntrim .f\n", (".a", ".b", ".c", ".d"), [
            "/etc/host.conf: line 2: cannot specify more than 4 trim domains",
            "/etc/host.conf: line 3: cannot specify more than 4 trim domains"]),
    ],
)
def test_trim_domains(text: str, trim: tuple[str, ...], messages: list[str]) -> None:
    conf = parse_host_conf(text)
    assert conf.trim == trim
    assert list(conf.messages) == messages
    assert len(conf.trim_origins) == len(trim)
    assert len(conf.trim) <= TRIMDOMAINS_MAX


def test_trim_origins() -> None:
    conf = parse_host_conf("trim .a\n\ntrim .b\n")
    assert conf.trim_origins == (Origin.file(P, 1), Origin.file(P, 3))
    assert conf.origin("trim") == Origin.file(P, 3)


@pytest.mark.parametrize(
    ("text", "env", "expected", "messages"),
    [
        ("multi on\n", {"RESOLV_MULTI": "off"}, {"multi": False}, []),             # §3.7 (e20)
        (None, {"RESOLV_MULTI": "on"}, {"multi": True}, []),                        # §3.7 (e20)
        ("multi on\n", {"RESOLV_MULTI": "yes"}, {"multi": True},                    # experiment H12
         ["RESOLV_MULTI: line 1: expected `on' or `off', found `yes'\n"]),
        (None, {"RESOLV_MULTI": "onward"}, {"multi": True}, []),                    # experiment H12b: no garbage check
        (None, {"RESOLV_MULTI": " on"}, {"multi": False},                           # no blank skipping for variables
         ["RESOLV_MULTI: line 1: expected `on' or `off', found ` on'\n"]),
        (None, {"RESOLV_MULTI": ""}, {"multi": False}, ["RESOLV_MULTI: line 1: expected `on' or `off', found `'\n"]),
        (None, {"RESOLV_REORDER": "on"}, {"reorder": True}, []),
        (None, {"RESOLV_REORDER": "maybe"}, {"reorder": False},                     # experiment H13
         ["RESOLV_REORDER: line 1: expected `on' or `off', found `maybe'\n"]),
        ("trim .x\n", {"RESOLV_ADD_TRIM_DOMAINS": ".example.org"}, {"trim": (".x", ".example.org")}, []),  # experiment H14b
        ("trim .x .y .z\n", {"RESOLV_ADD_TRIM_DOMAINS": ".p .example.com"}, {"trim": (".x", ".y", ".z", ".p")},  # experiment H14c
         ["RESOLV_ADD_TRIM_DOMAINS: line 1: cannot specify more than 4 trim domains"]),
        ("trim .example.com\n", {"RESOLV_OVERRIDE_TRIM_DOMAINS": ".example.org"}, {"trim": (".example.org",)}, []),  # experiment H14
        ("trim .a\n", {"RESOLV_ADD_TRIM_DOMAINS": ".b", "RESOLV_OVERRIDE_TRIM_DOMAINS": ".c"}, {"trim": (".c",)}, []),
        ("trim .a\n", {"RESOLV_OVERRIDE_TRIM_DOMAINS": ""}, {"trim": ("",)}, []),
        (None, {"RESOLV_ADD_TRIM_DOMAINS": " .x"}, {"trim": ("", ".x")}, []),
        ("multi on\n", {"RESOLV_HOST_CONF": "/nonexistent", "OTHER": "x"}, {"multi": True}, []),   # only selects the file
    ],
)
def test_environment(text: str | None, env: dict[str, str], expected: dict[str, object], messages: list[str]) -> None:
    conf = parse_host_conf(text, env=env)
    for field, value in expected.items():
        assert getattr(conf, field) == value, field
    assert list(conf.messages) == messages


def test_environment_origins() -> None:
    conf = parse_host_conf("multi on\ntrim .a\n", env={"RESOLV_MULTI": "off", "RESOLV_ADD_TRIM_DOMAINS": ".b"})
    assert conf.origin("multi") == Origin.env("RESOLV_MULTI")
    assert conf.trim_origins == (Origin.file(P, 2), Origin.env("RESOLV_ADD_TRIM_DOMAINS"))
    assert str(conf.origin("trim")) == "env RESOLV_ADD_TRIM_DOMAINS"
    failed = parse_host_conf("multi on\n", env={"RESOLV_MULTI": "yes"})
    assert failed.origin("multi") == Origin.file(P, 1)        # a rejected value changes nothing


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "/etc/host.conf"), ({"RESOLV_HOST_CONF": "/x/h.conf"}, "/x/h.conf"), ({"RESOLV_HOST_CONF": ""}, "")],
)
def test_host_conf_path(env: dict[str, str], expected: str) -> None:
    assert host_conf_path(env, "/etc/host.conf") == expected
    assert host_conf_path(None, "/e/host.conf") == "/e/host.conf"


@pytest.mark.parametrize(
    ("trim", "name", "expected"),
    [
        ("trim .example.com\n", "web.example.com", "web"),            # §3.7
        ("trim example.com\n", "web.example.com", "web."),            # §3.7 removed exactly as written
        ("trim .example.com\n", "WEB.EXAMPLE.COM", "WEB"),            # case-insensitive match
        ("trim .EXAMPLE.org\n", "web.example.ORG", "web"),            # experiment H14
        ("trim .example.com\n", "web.example.org", "web.example.org"),
        ("trim .example.com\n", ".example.com", ".example.com"),      # the name must be longer
        ("trim web.a\n", "web.a", "web.a"),                           # experiment H24
        ("trim .com .example.com\n", "web.example.com", "web.example"),   # experiment H23: first match only
        ("trim .example.com .com\n", "web.example.com", "web"),
        ("trim\ntrim .example.com\n", "web.example.com", "web.example.com"),  # experiment H7
        ("trim .ex\u00e9\n", "a.EX\u00c9", "a.EX\u00c9"),             # non-ASCII letters are not folded
        ("trim .ex\u00e9\n", "a.Ex\u00e9", "a"),
        ("", "web.example.com", "web.example.com"),
        ("trim .c\n", "", ""),
    ],
)
def test_trim_name(trim: str, name: str, expected: str) -> None:
    assert trim_name(name, parse_host_conf(trim)) == expected


def test_diagnostics() -> None:
    conf = parse_host_conf("order hosts\ntrim\nbogus\n")
    reasons = [d.reason for d in conf.diagnostics]
    assert any("'order' is accepted and ignored" in r for r in reasons)
    assert any("empty trim domain" in r for r in reasons)
    assert any("bad command `bogus'" in r for r in reasons)
    assert all(d.severity == "warning" for d in conf.diagnostics)


def test_result_is_immutable() -> None:
    conf = parse_host_conf("multi on\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        conf.multi = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        conf.origins["multi"] = DEFAULT  # type: ignore[index]
    assert isinstance(conf, HostConf)


_WORDS = st.sampled_from(["multi", "trim", "reorder", "order", " on", " off", "ON", " ", "\t", ",", ";", ":", "#",
                          "\n", "\r", "\0", ".example.com", "x" * 100, "\u00a0", "\udcff", "é"])


@settings(max_examples=300)
@given(st.lists(_WORDS, max_size=40).map("".join) | st.text(max_size=600),
       st.dictionaries(st.sampled_from(["RESOLV_MULTI", "RESOLV_REORDER", "RESOLV_ADD_TRIM_DOMAINS",
                                        "RESOLV_OVERRIDE_TRIM_DOMAINS"]), st.text(max_size=40)),
       st.text(max_size=40))
def test_any_text_parses_without_exceptions(text: str, env: dict[str, str], name: str) -> None:
    conf = parse_host_conf(text, env=env)
    assert len(conf.trim) <= TRIMDOMAINS_MAX
    assert len(trim_name(name, conf)) <= len(name)
    assert all(m.startswith(("/etc/host.conf: line ", "RESOLV_")) for m in conf.messages)
