"""The gai.conf parser: glibc 2.36's tables, implicit rows, order and diagnostics."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdb.files.gaiconf import (
    DEFAULT_LABELS,
    DEFAULT_PRECEDENCE,
    DEFAULT_SCOPEV4,
    GaiConf,
    PrefixEntry,
    parse_gai_conf,
)


def rows(table: tuple[object, ...] | None) -> list[str]:
    assert table is not None
    return [str(e) for e in table]


def reasons(conf: GaiConf) -> list[tuple[int, str, str]]:
    return [(d.line, d.severity, d.reason) for d in conf.diagnostics]


@pytest.mark.parametrize("text", [None, "", "\n\n", "# Debian's file is all comments\n#precedence ::/0 1\n", "   \t\n"])
def test_builtin_tables_when_nothing_is_configured(text: str | None) -> None:
    conf = parse_gai_conf(text)
    assert conf.is_default
    assert conf.exists is (text is not None)
    assert conf.labels() == DEFAULT_LABELS
    assert conf.precedences() == DEFAULT_PRECEDENCE
    assert conf.scopes() == DEFAULT_SCOPEV4
    assert not conf.reload
    assert conf.diagnostics == ()


def test_builtin_tables_are_glibcs() -> None:
    assert rows(DEFAULT_PRECEDENCE) == ["::1/128 50", "2002::/16 30", "::/96 20", "::ffff:0.0.0.0/96 10", "::/0 40"]
    assert rows(DEFAULT_LABELS) == [
        "::1/128 0", "2002::/16 2", "::/96 3", "::ffff:0.0.0.0/96 4", "fec0::/10 5", "fc00::/7 6", "2001::/32 7", "::/0 1",
    ]
    assert rows(DEFAULT_SCOPEV4) == ["169.254.0.0/16 2", "127.0.0.0/8 2", "0.0.0.0/0 14"]


def test_one_precedence_line_replaces_the_whole_table() -> None:
    conf = parse_gai_conf("precedence ::ffff:0:0/96 100\n")
    assert rows(conf.precedence) == ["::ffff:0.0.0.0/96 100", "::/0 40"]
    assert conf.label is None and conf.scopev4 is None
    assert conf.precedence is not None and conf.precedence[0].line == 1 and conf.precedence[1].line == 0
    (diag,) = conf.diagnostics
    assert diag.severity == "warning" and "::1/128 50" in diag.reason


def test_implicit_rows_for_each_kind() -> None:
    conf = parse_gai_conf("label 2001:db8::/32 9\nscopev4 10.0.0.0/8 5\n")
    assert rows(conf.label) == ["2001:db8::/32 9", "::/0 1"]
    assert rows(conf.scopev4) == ["10.0.0.0/8 5", "0.0.0.0/0 14"]


def test_no_implicit_row_when_a_line_has_a_zero_prefix() -> None:
    conf = parse_gai_conf("precedence ::/0 7\nprecedence ::1/128 9\nlabel 1::/0 3\nscopev4 ::ffff:0.0.0.0/96 3\n")
    assert rows(conf.precedence) == ["::1/128 9", "::/0 7"]
    assert rows(conf.label) == ["1::/0 3"]
    assert rows(conf.scopev4) == ["0.0.0.0/0 3"]


def test_longest_prefix_first_and_ties_keep_file_order() -> None:
    conf = parse_gai_conf(
        "precedence 2001:db8::/32 1\nprecedence ::1/128 2\nprecedence fd00::/8 3\nprecedence 2001:db9::/32 4\n"
    )
    assert rows(conf.precedence) == ["::1/128 2", "2001:db8::/32 1", "2001:db9::/32 4", "fd00::/8 3", "::/0 40"]


def test_duplicate_prefix_first_line_wins() -> None:
    conf = parse_gai_conf("precedence ::/0 40\nprecedence ::/0 5\n")
    assert rows(conf.precedence) == ["::/0 40", "::/0 5"]
    assert (2, "warning", "precedence: same prefix as line 1, which comes first and wins; this line has no effect") in reasons(conf)


def test_comments_extra_tokens_and_missing_value() -> None:
    conf = parse_gai_conf(
        "precedence bogus 100\n"
        "precedence ::ffff:0:0/96 100 trailing junk\n"
        "precedence ::/0   # no value\n"
        "  label ::1/128#0 5\n"
    )
    assert rows(conf.precedence) == ["::ffff:0.0.0.0/96 100", "::/0 0"]
    assert rows(conf.label) == ["::1/128 0", "::/0 1"]  # '#' cut the line: no value
    got = reasons(conf)
    assert (1, "error", "precedence: 'bogus' is not an IPv6 prefix; line ignored") in got
    assert (2, "warning", "text after the value is ignored") in got
    assert (3, "warning", "precedence: no value; glibc uses 0") in got


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("precedence ::1 100", "prefix without /bits"),
        ("label ::1 100", "prefix without /bits"),
        ("precedence ::/129 1", "prefix length '129' is not a number from 0 to 128"),
        ("precedence ::/-1 1", "prefix length '-1'"),
        ("precedence ::/0x10 1", "prefix length '0x10'"),
        ("precedence ::/0 2147483648", "value '2147483648' is not a number from 0 to 2147483647"),
        ("precedence ::/0 -1", "value '-1'"),
        ("precedence ::/0 99999999999999999999999", "value"),
        ("precedence 10.0.0.0/8 1", "write IPv4 as ::ffff:a.b.c.d/96+n"),
        ("Precedence ::/0 1", "unknown keyword 'Precedence'"),
        ("precedences ::/0 1", "unknown keyword"),
        ("scopev4 10.0.0.0/33 1", "prefix length '33' is not a number from 0 to 32"),
        ("scopev4 ::ffff:10.0.0.0/95 1", "prefix length '95' is not a number from 96 to 128"),
        ("scopev4 2001:db8::/32 1", "not IPv4-mapped"),
        ("scopev4 bogus 1", "neither a.b.c.d/n nor ::ffff:a.b.c.d/n"),
        ("scopev4 10.1/8 1", "neither"),
    ],
)
def test_ignored_lines(line: str, why: str) -> None:
    conf = parse_gai_conf(line + "\n")
    assert conf.is_default
    assert any(d.severity == "error" and why in d.reason and d.line == 1 for d in conf.diagnostics), reasons(conf)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("precedence ::/0 +5", "::/0 5"),
        ("precedence ::/+0 -0", "::/0 0"),
        ("precedence ::/007 010", "::/7 10"),
        ("precedence ::/ 5", "::/0 5"),  # empty bits: strtoul("") = 0 and endp points at the NUL
        ("precedence 2001:db8::1/32 5", "2001:db8::1/32 5"),  # host bits kept, compared only up to /32
        ("precedence ::/0 2147483647", "::/0 2147483647"),
    ],
)
def test_accepted_number_forms(line: str, expected: str) -> None:
    conf = parse_gai_conf(line + "\n")
    assert rows(conf.precedence)[0] == expected


def test_scopev4_forms() -> None:
    conf = parse_gai_conf(
        "scopev4 ::ffff:10.0.0.0/104 5\nscopev4 192.0.2.77/24 2\nscopev4 ::ffff:169.254.0.0/112 9\nscopev4 1.2.3.4/32 3\n"
    )
    assert rows(conf.scopev4) == ["1.2.3.4/32 3", "192.0.2.0/24 2", "169.254.0.0/16 9", "10.0.0.0/8 5", "0.0.0.0/0 14"]
    assert conf.scopev4 is not None and [e.line for e in conf.scopev4] == [4, 2, 3, 1, 0]
    assert conf.scopev4[1].netmask == 0xFFFFFF00


def test_scopev4_without_bits_first_line_would_crash_glibc() -> None:
    for line in ("scopev4 192.0.2.100 1", "scopev4 ::ffff:192.0.2.100 1"):
        conf = parse_gai_conf(line + "\n")
        assert conf.scopev4 is None
        assert "SIGSEGV" in conf.diagnostics[0].reason
    # A scopev4 line whose prefix never parsed does not initialise the pointer either.
    conf = parse_gai_conf("precedence ::/0 40\nscopev4 bogus 7\nscopev4 192.0.2.10 1\n")
    assert conf.scopev4 is None
    assert any("SIGSEGV" in d.reason and d.line == 3 for d in conf.diagnostics)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        # After "scopev4 10.0.0.0/8 7" glibc's stale endp points at offset 20 of
        # its line buffer (just after the "7"); the next line is accepted when
        # that byte of *its* buffer is a NUL.  Observed with glibc 2.36.
        ("scopev4 10.0.0.0/8 7\nscopev4 192.0.2.10 1\n", True),
        ("scopev4 10.0.0.0/8 7\nscopev4 192.0.2.100 1\n", False),
        ("scopev4 10.0.0.0/8 7\nprecedence ::/0 40\nscopev4 192.0.2.10 1\n", True),
        ("scopev4 192.0.2.3/32 1\nscopev4 192.0.2.100 1\n", True),
        ("scopev4 192.0.2.3/32 1\nscopev4 192.0.2.100 1 x\n", False),
    ],
)
def test_scopev4_without_bits_follows_the_stale_pointer(text: str, accepted: bool) -> None:
    conf = parse_gai_conf(text)
    assert conf.scopev4 is not None
    has_32 = any(e.bits == 32 and e.line == len(text.splitlines()) for e in conf.scopev4)
    assert has_32 is accepted
    assert any("stale pointer" in d.reason for d in conf.diagnostics)


def test_scopev4_stale_pointer_after_buffer_growth_is_undefined() -> None:
    text = "scopev4 10.0.0.0/8 7\n" + "# " + "x" * 200 + "\nscopev4 192.0.2.10 1\n"
    conf = parse_gai_conf(text)
    assert conf.scopev4 is not None and all(e.bits != 32 for e in conf.scopev4)
    assert any("freed memory" in d.reason for d in conf.diagnostics)


def test_reload_flag_last_line_wins() -> None:
    assert parse_gai_conf("reload yes\n").reload
    conf = parse_gai_conf("reload yes\nreload no\n")
    assert not conf.reload and conf.reload_line == 2
    conf = parse_gai_conf("reload true\n")
    assert not conf.reload
    assert conf.diagnostics[0].severity == "warning"
    assert not parse_gai_conf("reload\n").reload
    assert parse_gai_conf("reload yes\n").is_default  # reload alone changes no table


def test_whitespace_is_c_isspace_and_crlf_works() -> None:
    conf = parse_gai_conf("precedence\t::ffff:0:0/96\v100\r\nlabel ::/0\f1\r\n")
    assert rows(conf.precedence) == ["::ffff:0.0.0.0/96 100", "::/0 40"]
    assert rows(conf.label) == ["::/0 1"]
    # U+00A0 is not C whitespace: the token does not split there.
    conf = parse_gai_conf("precedence\u00a0::/0 5\n")
    assert conf.is_default and "unknown keyword" in conf.diagnostics[0].reason


def test_nul_ends_the_line() -> None:
    conf = parse_gai_conf("precedence ::/0 5\0 trailing\nprecedence ::ffff:0:0/96\0 7\n")
    assert rows(conf.precedence) == ["::ffff:0.0.0.0/96 0", "::/0 5"]


def test_last_line_without_newline_and_path_in_diagnostics() -> None:
    conf = parse_gai_conf("precedence ::/0 5\nfoo", path="/x/gai.conf")
    assert rows(conf.precedence) == ["::/0 5"]
    assert str(conf.diagnostics[-1]).startswith("/x/gai.conf:2: unknown keyword 'foo'")


def test_diagnostics_are_in_line_order() -> None:
    conf = parse_gai_conf("bogus\nprecedence ::1 5\nprecedence ::/0 1 2\n")
    assert [d.line for d in conf.diagnostics] == sorted(d.line for d in conf.diagnostics)


@given(st.text(alphabet=st.sampled_from(list("labelprcdnsov4 :/0123456789abcdef.#\t\n\0yx-+")), max_size=300))
def test_never_raises_and_tables_are_well_formed(text: str) -> None:
    conf = parse_gai_conf(text)
    for table in (conf.label, conf.precedence):
        if table is not None:
            assert sum(1 for e in table if e.bits == 0) >= 1
            assert [e.bits for e in table] == sorted((e.bits for e in table), reverse=True)
            assert all(isinstance(e, PrefixEntry) and 0 <= e.value <= 0x7FFFFFFF for e in table)
    if conf.scopev4 is not None:
        assert any(e.bits == 0 for e in conf.scopev4)
        assert all(e.network & ~e.netmask & 0xFFFFFFFF == 0 for e in conf.scopev4)
    lines = text.split("\n")
    for d in conf.diagnostics:
        assert 1 <= d.line <= len(lines)


def test_prefix_entry_text() -> None:
    e = PrefixEntry(socket.inet_pton(socket.AF_INET6, "2001:db8::"), 32, 5, 3)
    assert str(e) == "2001:db8::/32 5"
