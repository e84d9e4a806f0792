"""nsswitch.conf parser: glibc 2.36's syntax, defaults and diagnostics.

Each case cites glibc-behavior.md (§7.1) or the experiment that established it
(the differential test of the same name in
tests/conformance/test_config_files_glibc.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdb.files.nsswitch import (
    DATABASES,
    STATUSES,
    NsswitchConf,
    SourceSpec,
    default_line,
    parse_nsswitch,
    parse_sources,
)
from netdb.files.origin import Origin


def names(conf: NsswitchConf, db: str = "hosts") -> list[str]:
    return [s.name for s in conf.sources_for(db)]


def warnings(conf: NsswitchConf) -> list[str]:
    return [d.reason for d in conf.diagnostics if d.severity == "warning"]


# -- line syntax -------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hosts: files dns\n", ["files", "dns"]),                  # §7.1
        ("   hosts: dns files\n", ["dns", "files"]),               # §7.1 leading whitespace
        ("hosts:dns\n", ["dns"]),                                  # §7.1 no space after the colon
        ("hosts : files\n", ["files"]),                            # experiment: space before the colon
        ("hosts::files\n", ["files"]),                             # experiment: colons are skipped like spaces
        ("hosts:\tfiles\n", ["files"]),
        ("hosts files\n", ["files"]),                              # experiment: the colon is optional
        ("hosts: files\r\n", ["files"]),                           # CR is whitespace
        ("hosts: dns # files\n", ["dns", "#", "files"]),           # §7.1 '#' is a source name
        ("hosts: dns[NOTFOUND=return]files\n", ["dns", "files"]),  # experiment: '[' ends a source name
        ("hosts: files ]dns\n", ["files", "]dns"]),                # experiment: ']' is part of a name
        ("hosts: files\0 dns\n", ["files"]),                       # experiment: NUL ends the line
        ("hosts: files\nhosts: dns\n", ["dns"]),                   # §7.1 the last line wins
        ("HOSTS: dns\n", ["files", "dns"]),                        # §7.1 names are case-sensitive
        ("# hosts: dns\n", ["files", "dns"]),                      # comment line
        (": dns\n", ["files", "dns"]),                             # experiment: no name, ignored
        ("hosts\0: dns\n", ["files", "dns"]),                      # the name runs into the NUL: ignored
        ("hosts: FILES\n", ["FILES"]),                             # module names are case-sensitive too
    ],
)
def test_line_syntax(text: str, expected: list[str]) -> None:
    conf = parse_nsswitch(text)
    assert conf.error is None
    assert names(conf) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hosts: [NOTFOUND=return] files dns\n", []),              # experiment: bracket first -> empty list
        ("hosts: files [SUCCESS=return] [UNAVAIL=return] dns\n", ["files"]),  # second bracket ends the list
        ("hosts:\n", []),                                          # §7.1 empty list
        ("hosts\n", []),                                           # experiment: bare name + newline
    ],
)
def test_lists_cut_short_without_error(text: str, expected: list[str]) -> None:
    conf = parse_nsswitch(text)
    assert conf.error is None
    assert names(conf) == expected
    assert conf.origin_for("hosts").kind == "file"


def test_ignored_rest_is_recorded_and_reported() -> None:
    conf = parse_nsswitch("hosts: files [SUCCESS=return] [UNAVAIL=return] dns\n")
    assert conf.databases["hosts"].ignored == "[UNAVAIL=return] dns"
    assert any("silently ignores '[UNAVAIL=return] dns'" in w for w in warnings(conf))


@pytest.mark.parametrize(
    "text",
    [
        "hosts: files",                 # experiment: the unterminated last line is ignored ...
        "hosts: files\nservices: files [X=y]",  # ... even when it holds a syntax error
        "hosts:",
        "hosts",
    ],
)
def test_last_line_without_newline_is_ignored(text: str) -> None:
    conf = parse_nsswitch(text)
    assert conf.error is None
    assert names(conf) == ["files", "dns"] or "\n" in text
    assert any("does not end with a newline" in w for w in warnings(conf))


def test_unterminated_comment_is_not_reported() -> None:
    assert parse_nsswitch("hosts: files\n# the end").diagnostics == ()


def test_unterminated_last_line_after_hosts_line() -> None:
    conf = parse_nsswitch("hosts: files\nservices: files [X=y]")
    assert names(conf) == ["files"]
    assert names(conf, "services") == ["files"]
    assert conf.origin_for("services").kind == "default"


# -- actions -------------------------------------------------------------------

DEFAULT = {"SUCCESS": "return", "NOTFOUND": "continue", "UNAVAIL": "continue", "TRYAGAIN": "continue"}


@pytest.mark.parametrize(
    ("items", "changes"),
    [
        ("", {}),                                                   # §7.1 defaults
        ("[NOTFOUND=return]", {"NOTFOUND": "return"}),
        ("[notfound=RETURN]", {"NOTFOUND": "return"}),              # §7.1 case-insensitive
        ("[ NOTFOUND = return ]", {"NOTFOUND": "return"}),          # experiment: spaces around '='
        ("[SUCCESS=continue]", {"SUCCESS": "continue"}),
        ("[SUCCESS=merge]", {"SUCCESS": "merge"}),
        ("[!UNAVAIL=return]", {"SUCCESS": "return", "NOTFOUND": "return", "TRYAGAIN": "return"}),
        ("[!SUCCESS=continue]", {}),                                # SUCCESS keeps return, others already continue
        ("[!SUCCESS=return]", {"NOTFOUND": "return", "UNAVAIL": "return", "TRYAGAIN": "return"}),
        ("[NOTFOUND=return UNAVAIL=return]", {"NOTFOUND": "return", "UNAVAIL": "return"}),
        ("[NOTFOUND=return NOTFOUND=continue]", {}),                # items apply in order
        ("[!UNAVAIL=return UNAVAIL=merge]", {"NOTFOUND": "return", "TRYAGAIN": "return", "UNAVAIL": "merge"}),
        ("[tryagain=continue !notfound=return]",
         {"SUCCESS": "return", "UNAVAIL": "return", "TRYAGAIN": "return", "NOTFOUND": "continue"}),
    ],
)
def test_actions_resolved(items: str, changes: dict[str, str]) -> None:
    (spec,), ignored = parse_sources(f"dns {items}\n", 3)
    assert ignored == ""
    expected = {**DEFAULT, **changes}
    assert dict(spec.actions) == expected
    assert [s for s, _ in spec.actions] == list(STATUSES)
    for status, action in expected.items():
        assert spec.action(status) == action
        assert spec.action(status.lower()) == action
    assert spec.text == f"dns {items}".rstrip()
    assert spec.lineno == 3


def test_non_default_and_unknown_status() -> None:
    (spec,), _ = parse_sources("dns [!UNAVAIL=return]", 1)
    assert spec.non_default() == (("NOTFOUND", "return"), ("TRYAGAIN", "return"))
    with pytest.raises(ValueError, match="unknown switch status"):
        spec.action("RETURN")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("hosts: dns [FOO=return] files\n", "unknown status 'FOO'"),      # §7.1
        ("services: files [BAR=x]\n", "unknown status 'BAR'"),            # §7.1: any database
        ("hosts: files [NOTFOUND=bogus]\n", "unknown action 'bogus'"),
        ("hosts: files [NOTFOUND return]\n", "expected '='"),             # §7.1 missing '='
        ("hosts: files [NOTFOUND]\n", "expected '='"),
        ("hosts: files []\n", "expected a status"),                       # experiment: empty brackets
        ("hosts: files [=return]\n", "expected a status"),                # experiment
        ("hosts: files [! NOTFOUND=return]\n", "expected a status"),      # experiment: no space after '!'
        ("hosts: files [NOTFOUND=return\n", "expected a status"),         # experiment: unclosed
        ("hosts: files [NOTFOUND=return dns\n", "unknown status 'dns'"),  # experiment: unclosed, more words
        ("hosts: files [NOTFOUND=return=continue]\n", "found '='"),    # experiment
        ("hosts: files [NOTFOUND=]\n", "unknown action nothing"),
        ("hosts: fi[les\n", "unknown status 'les'"),                       # experiment
        ("hosts: dns # files [x]\n", "unknown status 'x'"),               # §7.1
        ("hosts: files [X=y]\nhosts: files\n", "unknown status 'X'"),     # experiment: a replaced line still breaks
        ("hosts: files\nnetworks: files [X=y]\n", "unknown status 'X'"),  # experiment: another database's line
    ],
)
def test_syntax_errors_break_everything(text: str, reason: str) -> None:
    conf = parse_nsswitch(text)
    assert conf.broken
    assert conf.error is not None
    assert conf.error.severity == "error"
    assert reason in conf.error.reason
    assert "every lookup of every database" in conf.error.reason
    assert conf.error in conf.diagnostics


def test_error_names_the_first_bad_line_and_column() -> None:
    conf = parse_nsswitch("passwd: files\nhosts: files [FOO=return]\ngroup: [x\n")
    assert conf.error is not None
    assert conf.error.line == 2
    assert "column 15" in conf.error.reason
    assert sum(d.severity == "error" for d in conf.diagnostics) == 1   # group: [x is a silent cut, not an error


@pytest.mark.parametrize(
    "text",
    [
        "sudoers: files [FOO=bar]\n",     # experiment: other programs' databases are not parsed
        "HOSTS: [x\n",                    # an unknown name is not parsed either
        "#hosts: files [x\n",
        "automount: files [\n",
    ],
)
def test_unknown_databases_are_not_parsed(text: str) -> None:
    conf = parse_nsswitch(text)
    assert conf.error is None
    assert dict(conf.databases) == {}


def test_parse_sources_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        parse_sources("files [FOO=return]", 1)


# -- defaults ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("hosts", ["files", "dns"]),          # §7.1 observed; experiment default_hosts_consults_dns
        ("networks", ["files", "dns"]),       # experiment: default networks sends a PTR-type query
        ("services", ["files"]),              # §7.1 observed
        ("protocols", ["files"]),
        ("rpc", ["files"]),
        ("ethers", ["files"]),
        ("passwd", ["files"]),
        ("group", ["files"]),
        ("shadow", ["files"]),
        ("passwd_compat", ["nis"]),
        ("shadow_compat", ["nis"]),
        ("publickey", ["nis", "nisplus"]),
        ("initgroups", []),
    ],
)
@pytest.mark.parametrize("text", [None, "", "# only comments\n", "sudoers: files\n"])
def test_defaults(db: str, expected: list[str], text: str | None) -> None:
    conf = parse_nsswitch(text)
    assert names(conf, db) == expected
    assert [s.name for s in parse_sources(default_line(db), 0)[0]] == expected
    assert conf.origin_for(db) == Origin("default", note=" ".join(expected) or "no sources")
    assert all(s.lineno == 0 and s.non_default() == () for s in conf.sources_for(db))


def test_missing_and_empty_are_the_same_but_recorded() -> None:
    missing, empty = parse_nsswitch(None), parse_nsswitch("")
    assert missing.missing and not empty.missing
    assert all(names(missing, db) == names(empty, db) for db in DATABASES)


@pytest.mark.parametrize(("child", "parent"), [("shadow", "passwd"), ("gshadow", "group"), ("shadow_compat", "passwd_compat")])
def test_inherited_defaults(child: str, parent: str) -> None:
    conf = parse_nsswitch(f"{parent}: files systemd\n")
    assert names(conf, child) == ["files", "systemd"]
    assert conf.origin_for(child) == Origin.file("/etc/nsswitch.conf", 1, f"as {parent}")
    own = parse_nsswitch(f"{parent}: files systemd\n{child}: files\n")
    assert names(own, child) == ["files"]


def test_origin_for_a_line() -> None:
    conf = parse_nsswitch("\n\nhosts: dns\n", "/x/nsswitch.conf")
    assert conf.origin_for("hosts") == Origin.file("/x/nsswitch.conf", 3)
    assert str(conf.origin_for("hosts")) == "/x/nsswitch.conf:3"
    assert str(conf.origin_for("services")) == "default (files)"
    assert conf.databases["hosts"].text == "hosts: dns"


def test_unknown_database_name_rejected() -> None:
    with pytest.raises(ValueError, match="not a glibc database"):
        parse_nsswitch("").sources_for("Hosts")


# -- diagnostics -------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("hosts: dns # files\n", "'#' is not a comment here"),
        ("HOSTS: dns\n", "did you mean 'hosts'"),
        ("hots: dns\n", "'hots' is not a glibc database"),
        ("hosts: files\nhosts: dns\n", "configured again on line 2"),
        ("hosts files\n", "no ':' after 'hosts'"),
        ("hosts:\n", "'hosts' has no sources"),
        ("hosts: files [NOTFOUND=merge] dns\n", "merges only group entries"),
        (": files\n", "no database name"),
        ("hosts: files", "does not end with a newline"),
    ],
)
def test_warnings(text: str, fragment: str) -> None:
    conf = parse_nsswitch(text)
    assert conf.error is None
    assert any(fragment in w for w in warnings(conf)), warnings(conf)


def test_no_warnings_for_a_clean_debian_file() -> None:
    text = (
        "# /etc/nsswitch.conf\n#\n\npasswd:         files systemd\ngroup:          files systemd\n"
        "shadow:         files\ngshadow:        files\n\nhosts:          files dns\nnetworks:       files\n\n"
        "protocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\n"
        "netgroup:       nis\nsudoers:        files\n"
    )
    conf = parse_nsswitch(text)
    assert conf.diagnostics == ()
    assert names(conf, "services") == ["db", "files"]


def test_modules_warns_on_unloadable_sources() -> None:
    conf = parse_nsswitch("hosts: files mdns4_minimal [NOTFOUND=return] dns\n", modules={"files", "dns"})
    assert [w for w in warnings(conf) if "cannot be loaded" in w] == [
        "source 'mdns4_minimal' cannot be loaded here (no libnss_mdns4_minimal.so.2); glibc skips it (UNAVAIL)"]
    assert not warnings(parse_nsswitch("hosts: files mdns4_minimal dns\n"))


def test_diagnostics_are_sorted_by_line() -> None:
    conf = parse_nsswitch("hosts: files\nfoo: x\nhosts: dns\n")
    assert [d.line for d in conf.diagnostics] == sorted(d.line for d in conf.diagnostics)


# -- immutability and robustness ---------------------------------------------

def test_result_is_immutable() -> None:
    conf = parse_nsswitch("hosts: files\n")
    with pytest.raises(AttributeError):
        conf.error = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        conf.databases["services"] = conf.databases["hosts"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        conf.sources_for("hosts")[0].name = "dns"  # type: ignore[misc]
    assert isinstance(conf.sources_for("hosts")[0], SourceSpec)


_ALPHABET = st.sampled_from([*"hosts: files dns[]!=#\t\r\n\0\v\f", "\u00a0", "\u2028", "\udcff", "é", "NOTFOUND",
                             "return", "SUCCESS", "merge", "services", "hosts", ":", "[!UNAVAIL=return]"])


@settings(max_examples=300)
@given(st.lists(_ALPHABET, max_size=60).map("".join) | st.text(max_size=300))
def test_any_text_parses_without_exceptions(text: str) -> None:
    conf = parse_nsswitch(text)
    for db in DATABASES:
        for spec in conf.sources_for(db):
            assert len(spec.actions) == 4
            assert all(spec.action(s) in ("return", "continue", "merge") for s in STATUSES)
        conf.origin_for(db)
    assert (conf.error is None) == (not any(d.severity == "error" for d in conf.diagnostics))


def test_very_long_line() -> None:
    conf = parse_nsswitch("hosts: " + "files " * 20000 + "dns\n")
    assert len(conf.sources_for("hosts")) == 20001


@pytest.mark.parametrize("line", ["dns files", "dns [TRYAGAIN=continue] files"])
def test_walk_stops_when_the_callers_buffer_is_too_small(line: str) -> None:
    """TRYAGAIN with errno ERANGE ends the walk (glibc's get*_r), whatever the action says."""
    import errno
    from collections.abc import Generator
    from typing import Any

    from netdb.drive import run_sync
    from netdb.files.nsswitch import parse_sources
    from netdb.switch import Answer, walk

    answers = {"dns": Answer("TRYAGAIN", None, -1, errno.ERANGE), "files": Answer("SUCCESS", "from files")}
    asked: list[str] = []

    def ask(source: str) -> Generator[Any, Any, Answer | None]:
        asked.append(source)
        return answers[source]
        yield  # a generator

    sources = parse_sources(line, 1)[0]
    answer, action = run_sync(walk(sources, ask), lambda request: None)
    assert asked == ["dns"] and action == "return"
    assert answer is not None and answer.errno == errno.ERANGE
    answers["dns"] = Answer("TRYAGAIN", None, 2, errno.EAGAIN)  # a plain TRYAGAIN goes on
    asked.clear()
    answer, action = run_sync(walk(sources, ask), lambda request: None)
    assert asked == ["dns", "files"] and answer is not None and answer.value == "from files"
