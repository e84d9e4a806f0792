"""Parser for /etc/nsswitch.conf, as glibc 2.36 reads it.

The file maps each database to an ordered list of sources, each optionally
followed by ``[STATUS=action ...]`` items::

    hosts:  files [NOTFOUND=return] dns
    hosts   files dns          # the colon is optional: any run of spaces and
                               # colons ends the name

The rules below were read from ``nss/nss_database.c`` and
``nss/nss_action_parse.c`` and checked on this machine
(``tests/conformance/test_config_files_glibc.py``; glibc-behavior.md §7.1):

* Lines end at ``\\n``; a NUL ends the line early.  **The last line is ignored
  when it does not end in a newline** (glibc stops at end-of-file before it
  processes that line).
* Leading whitespace is skipped.  The database name runs to the first
  whitespace or ``:``; then every space and colon is skipped.  A line whose
  name is empty (``: dns``) or that ends right after the name is ignored.
* Database names are compared **case-sensitively** with glibc's list
  (``aliases ethers group group_compat gshadow hosts initgroups netgroup
  networks passwd passwd_compat protocols publickey rpc services shadow
  shadow_compat``).  Other names (``sudoers``, ``HOSTS``, ``# comment``) are
  ignored *without being parsed*, so a bracket error there is harmless.  That
  is also why a line starting with ``#`` is a comment.
* A source name runs to whitespace or ``[``: ``dns[NOTFOUND=return]files`` is
  two sources, and a ``#`` after the colon is just another source name
  (``hosts: dns # files`` has three sources).
* ``[`` opens items ``[!]STATUS=action``, separated by whitespace, up to ``]``.
  STATUS is ``SUCCESS``, ``NOTFOUND``, ``UNAVAIL`` or ``TRYAGAIN`` and action
  ``return``, ``continue`` or ``merge``, both ASCII case-insensitive; spaces
  may surround ``=``.  ``!STATUS=action`` gives every *other* status that
  action.  Defaults: SUCCESS=return, all others continue.
* **Syntax errors** — an unknown or empty status (``[]``, ``[=return]``,
  ``[! NOTFOUND=return]``), a missing ``=``, an unknown action, a missing
  ``]`` — make the whole configuration unusable: glibc stops reading and every
  lookup of every database fails (getaddrinfo gives EAI_SYSTEM with errno
  EINVAL, getent exits 2).  This holds even for an error in a line that a
  later duplicate line would replace.
* A ``[`` where a source name is expected ends the list **silently**: in
  ``hosts: [NOTFOUND=return] files`` the list is empty, and in
  ``files [SUCCESS=return] [UNAVAIL=return] dns`` only ``files`` is kept.
* When a database has several lines, the last one wins.
* A database with no line (or no file at all; a missing file and an empty file
  are the same) gets glibc's default: ``files dns`` for hosts and networks,
  ``nis`` for the ``*_compat`` databases, ``nis nisplus`` for publickey, no
  sources for initgroups (glibc then uses group), and ``files`` for all others.
  shadow, gshadow and shadow_compat first inherit the passwd, group and
  passwd_compat lines when those are given.
* An explicitly empty list (``hosts:``) consults nothing.  With such a hosts
  line glibc 2.36's getaddrinfo misbehaves (EAI_NONAME or EAI_SYSTEM
  depending on the flags; Python's socket functions crash with SIGSEGV).
"""

import errno
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import NamedTuple

from ._text import C_SPACE, ascii_lower
from .diagnostics import Diagnostic
from .origin import Origin

__all__ = [
    "ACTIONS",
    "DATABASES",
    "STATUSES",
    "DatabaseLine",
    "NsswitchConf",
    "SourceSpec",
    "default_line",
    "parse_nsswitch",
    "parse_sources",
    "unreadable_nsswitch",
]

STATUSES = ("SUCCESS", "NOTFOUND", "UNAVAIL", "TRYAGAIN")
"""The switch statuses a source can report, in the order ``SourceSpec.actions`` lists them."""

ACTIONS = ("return", "continue", "merge")
"""The actions an item may name (lower-case here, whatever the file's case)."""

DATABASES = (
    "aliases", "ethers", "group", "group_compat", "gshadow", "hosts", "initgroups",
    "netgroup", "networks", "passwd", "passwd_compat", "protocols", "publickey", "rpc",
    "services", "shadow", "shadow_compat",
)
"""The database names glibc 2.36 knows (``nss/databases.def``), case-sensitive."""

# Names other programs keep in nsswitch.conf: not glibc's, but not mistakes.
_FOREIGN = frozenset({
    "automount", "bootparams", "netmasks", "sudoers", "subid", "printers",
    "sendmailvars", "timezone", "auth_attr", "prof_attr", "project",
})

# glibc 2.36 built without LINK_OBSOLETE_NSL (Debian): nss/nss_database.c.
_DEFAULT_LINES = {
    "hosts": "files dns",
    "networks": "files dns",
    "group_compat": "nis",
    "passwd_compat": "nis",
    "shadow_compat": "nis",
    "publickey": "nis nisplus",
    "initgroups": "",
}
_INHERITS = {"shadow": "passwd", "gshadow": "group", "shadow_compat": "passwd_compat"}

_STATUS_BY_NAME = {s.lower(): s for s in STATUSES}
_DEFAULT_ACTIONS = (("SUCCESS", "return"), ("NOTFOUND", "continue"),
                    ("UNAVAIL", "continue"), ("TRYAGAIN", "continue"))


class SourceSpec(NamedTuple):
    """One source of a database line, with its actions fully resolved.

    ``actions`` holds a ``(status, action)`` pair for each of the four
    ``STATUSES``, in that order, after the defaults (SUCCESS=return, others
    continue) and every bracket item were applied.  ``text`` is the source as
    written, brackets included (``dns [!UNAVAIL=return]``), for explanations;
    ``lineno`` is its line (0 for glibc's built-in defaults).
    """

    name: str
    actions: tuple[tuple[str, str], ...]
    lineno: int
    text: str

    def action(self, status: str) -> str:
        """The action (``return``, ``continue`` or ``merge``) for ``status`` (any case)."""
        wanted = _STATUS_BY_NAME.get(ascii_lower(status))
        if wanted is None:
            raise ValueError(f"unknown switch status {status!r}")
        for st, act in self.actions:
            if st == wanted:
                return act
        raise AssertionError("unreachable: every status has an action")

    def non_default(self) -> tuple[tuple[str, str], ...]:
        """The ``(status, action)`` pairs that differ from glibc's defaults."""
        return tuple(p for p, d in zip(self.actions, _DEFAULT_ACTIONS, strict=True) if p != d)


class DatabaseLine(NamedTuple):
    """The line that configures one database (the last such line in the file).

    ``ignored`` is the text glibc silently dropped at the end of the line (after
    a ``[`` that stood where a source name was expected); usually empty.
    """

    database: str
    sources: tuple[SourceSpec, ...]
    lineno: int
    text: str
    ignored: str = ""


class NsswitchConf:
    """A parsed nsswitch.conf.

    ``databases`` maps each database that has a line to that line.  ``error``
    is set when glibc would find a syntax error: then **every lookup of every
    database fails** (EAI_SYSTEM / ``OSError(22)`` from getaddrinfo, "not found"
    from the get*by* functions, getent exit 2), whatever ``databases`` says.
    ``missing`` records that the file does not exist (glibc treats that like
    an empty file).  ``diagnostics`` holds everything ``lookup check`` reports,
    the error included.
    """

    # A plain immutable class, not a dataclass: building a frozen dataclass
    # costs about a millisecond at import, which every ``lookup`` start pays.
    __slots__ = ("databases", "diagnostics", "error", "error_errno", "missing", "path")
    _FIELDS = __slots__

    path: str
    databases: Mapping[str, DatabaseLine]
    error: Diagnostic | None
    diagnostics: tuple[Diagnostic, ...]
    missing: bool
    #: The errno of getaddrinfo's EAI_SYSTEM when ``error`` is set (EISDIR for a directory).
    error_errno: int

    def __init__(self, path: str, databases: Mapping[str, DatabaseLine], error: Diagnostic | None,
                 diagnostics: tuple[Diagnostic, ...], missing: bool = False, error_errno: int = errno.EINVAL) -> None:
        for name, value in (("path", path), ("databases", databases), ("error", error),
                            ("diagnostics", diagnostics), ("missing", missing), ("error_errno", error_errno)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"NsswitchConf is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"NsswitchConf is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NsswitchConf):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # the databases mapping is not hashable

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in ("path", "databases", "error", "diagnostics",
                                                                 "missing", "error_errno"))
        return f"NsswitchConf({fields})"

    @property
    def broken(self) -> bool:
        """True when glibc fails every lookup because of a syntax error."""
        return self.error is not None

    def sources_for(self, database: str) -> tuple[SourceSpec, ...]:
        """The sources glibc consults for ``database``, in order, defaults applied.

        Callers must check ``error`` first: when it is set glibc consults
        nothing at all.  An empty tuple means the database has an explicitly
        empty list (or is initgroups without a line, which glibc serves from
        group).
        """
        line = self._line(database)
        if line is not None:
            return line.sources
        return parse_sources(default_line(database), 0)[0]

    def origin_for(self, database: str) -> Origin:
        """Where ``database``'s sources come from: a line of the file or glibc's default."""
        line = self._line(database)
        if line is None:
            return Origin("default", note=default_line(database) or "no sources")
        note = "" if line.database == database else f"as {line.database}"
        return Origin.file(self.path, line.lineno, note)

    def _line(self, database: str) -> DatabaseLine | None:
        if database not in DATABASES:
            raise ValueError(f"{database!r} is not a glibc database (one of {', '.join(DATABASES)})")
        line = self.databases.get(database)
        if line is None and database in _INHERITS:
            line = self.databases.get(_INHERITS[database])
        return line


def default_line(database: str) -> str:
    """glibc 2.36's built-in source list for a database with no line (``""``: none)."""
    return _DEFAULT_LINES.get(database, "files")


class _SyntaxError(Exception):
    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason


def parse_sources(text: str, lineno: int) -> tuple[tuple[SourceSpec, ...], str]:
    """Parse the part of a line after ``database:``, as ``__nss_action_parse`` does.

    Returns the sources and the text glibc silently ignored (after a ``[`` that
    stood where a source name was expected).  Raises ``ValueError`` with the
    reason on a syntax error.
    """
    try:
        return _parse_sources(text, lineno)
    except _SyntaxError as exc:
        raise ValueError(exc.reason) from None


def _skip_ws(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in C_SPACE:
        i += 1
    return i


def _parse_sources(s: str, lineno: int) -> tuple[tuple[SourceSpec, ...], str]:
    n = len(s)
    i = 0
    sources: list[SourceSpec] = []
    while True:
        i = _skip_ws(s, i)
        if i >= n:
            return tuple(sources), ""
        start = i
        while i < n and s[i] not in C_SPACE and s[i] != "[":
            i += 1
        if i == start:
            # A '[' where a source name belongs: glibc stops here, successfully.
            return tuple(sources), s[start:].rstrip(C_SPACE)
        name = s[start:i]
        actions = dict(_DEFAULT_ACTIONS)
        end = i
        i = _skip_ws(s, i)
        if i < n and s[i] == "[":
            i = _skip_ws(s, i + 1)
            while True:
                negate = i < n and s[i] == "!"
                if negate:
                    i += 1
                j = i
                while i < n and s[i] not in C_SPACE and s[i] not in "=]":
                    i += 1
                word = s[j:i]
                status = _STATUS_BY_NAME.get(ascii_lower(word))
                if status is None:
                    if not word:
                        what = "end of line" if i >= n else repr(s[i])
                        raise _SyntaxError(j, f"expected a status (SUCCESS, NOTFOUND, UNAVAIL or TRYAGAIN) after {name!r}, found {what}")
                    raise _SyntaxError(j, f"unknown status {word!r} (expected SUCCESS, NOTFOUND, UNAVAIL or TRYAGAIN)")
                i = _skip_ws(s, i)
                if i >= n or s[i] != "=":
                    raise _SyntaxError(i, f"expected '=' after status {word!r}")
                i = _skip_ws(s, i + 1)
                j = i
                while i < n and s[i] not in C_SPACE and s[i] not in "=]":
                    i += 1
                word2 = ascii_lower(s[j:i])
                if word2 not in ACTIONS:
                    shown = repr(s[j:i]) if s[j:i] else "nothing"
                    raise _SyntaxError(j, f"unknown action {shown} after {word}= (expected return, continue or merge)")
                if negate:
                    saved = actions[status]
                    actions = dict.fromkeys(actions, word2)
                    actions[status] = saved
                else:
                    actions[status] = word2
                i = _skip_ws(s, i)
                if i < n and s[i] == "]":
                    break
            i += 1
            end = i
        sources.append(SourceSpec(name, tuple((st, actions[st]) for st in STATUSES), lineno, s[start:end]))


def _lines(text: str) -> tuple[list[str], str]:
    """The newline-terminated lines (NUL-truncated) and the unterminated tail."""
    parts = text.split("\n")
    tail = parts.pop()
    return [p.split("\0", 1)[0] + ("\n" if "\0" not in p else "") for p in parts], tail


def parse_nsswitch(
    text: str | None,
    path: str = "/etc/nsswitch.conf",
    *,
    modules: Collection[str] | None = None,
) -> NsswitchConf:
    """Parse nsswitch.conf text into an immutable ``NsswitchConf``.

    ``text=None`` means the file does not exist: glibc then uses its defaults,
    exactly as for an empty file (``missing`` is set on the result).  When ``modules``
    is given (the source names that can be loaded here, e.g. ``files``,
    ``dns`` and every ``libnss_NAME.so.2`` found), other sources get a warning:
    glibc skips them as UNAVAIL.
    """
    diags: list[Diagnostic] = []
    databases: dict[str, DatabaseLine] = {}
    error: Diagnostic | None = None
    missing = text is None
    lines, tail = _lines(text or "")
    for lineno, line in enumerate(lines, 1):
        i = _skip_ws(line, 0)
        start = i
        while i < len(line) and line[i] not in C_SPACE and line[i] != ":":
            i += 1
        if i >= len(line) or i == start:
            if i == start and i < len(line) and line[i] == ":":
                diags.append(Diagnostic(path, lineno, "line has no database name before ':'; glibc ignores it", "warning"))
            continue
        name = line[start:i]
        if name.startswith("#"):
            continue
        colon = False
        while i < len(line) and (line[i] in C_SPACE or line[i] == ":"):
            colon = colon or line[i] == ":"
            i += 1
        rest = line[i:]
        if name not in DATABASES:
            if name not in _FOREIGN:
                hint = ""
                if ascii_lower(name) in DATABASES:
                    hint = f" (database names are case-sensitive: did you mean {ascii_lower(name)!r}?)"
                diags.append(Diagnostic(path, lineno, f"{name!r} is not a glibc database; glibc ignores this line{hint}", "warning"))
            continue
        try:
            sources, ignored = _parse_sources(rest, lineno)
        except _SyntaxError as exc:
            diag = Diagnostic(
                path, lineno,
                f"syntax error in the {name!r} line at column {i + exc.pos + 1}: {exc.reason}; "
                "glibc then fails every lookup of every database",
            )
            diags.append(diag)
            if error is None:
                error = diag
            continue
        if not colon:
            diags.append(Diagnostic(path, lineno, f"no ':' after {name!r}; glibc accepts the line anyway", "warning"))
        if name in databases:
            prev = databases[name].lineno
            diags.append(Diagnostic(path, prev, f"{name!r} is configured again on line {lineno}; glibc uses the last line only", "warning"))
        databases[name] = DatabaseLine(name, sources, lineno, line.rstrip(C_SPACE), ignored)
        _check_line(path, lineno, name, sources, ignored, modules, diags)
    last = tail.split("\0", 1)[0].strip(C_SPACE)
    if last and not last.startswith("#"):
        diags.append(Diagnostic(
            path, len(lines) + 1,
            "the last line does not end with a newline; glibc ignores it entirely", "warning"))
    diags.sort(key=lambda d: d.line)
    return NsswitchConf(path, MappingProxyType(databases), error, tuple(diags), missing)


def unreadable_nsswitch(path: str, reason: str, err: int) -> NsswitchConf:
    """nsswitch.conf opened but not readable (a directory, or a file netdb refuses to read).

    glibc's ``nss_database_reload`` gets a read error and gives up: every
    lookup of every database fails (getaddrinfo: EAI_SYSTEM with the read's
    errno, EISDIR for a directory), as for a syntax error.  (A FIFO makes
    glibc wait forever and /dev/zero makes it abort on an assertion; netdb
    fails the lookups instead, with ENXIO and EFBIG.)  A file that cannot be
    opened at all is not this case: it is read as missing.
    """
    diag = Diagnostic(path, 0, f"cannot be read ({reason})")
    return NsswitchConf(path, MappingProxyType({}), diag, (diag,), False, err)


def _check_line(
    path: str,
    lineno: int,
    name: str,
    sources: tuple[SourceSpec, ...],
    ignored: str,
    modules: Collection[str] | None,
    diags: list[Diagnostic],
) -> None:
    if ignored:
        diags.append(Diagnostic(
            path, lineno,
            f"glibc silently ignores {ignored!r} in the {name!r} line: a '[' must follow a source name",
            "warning"))
    if not sources:
        extra = (" (glibc 2.36's getaddrinfo misbehaves with an empty hosts list: EAI_NONAME or "
                 "EAI_SYSTEM depending on the flags, and Python's socket functions crash)") if name == "hosts" else ""
        diags.append(Diagnostic(path, lineno, f"{name!r} has no sources: every {name} lookup fails{extra}", "warning"))
    hashes = [s for s in sources if s.name.startswith("#")]
    if hashes:
        diags.append(Diagnostic(
            path, lineno,
            f"{hashes[0].name!r} is not a comment here: glibc reads it and every word after it as "
            "source names (comments must start a line)", "warning"))
    for s in sources:
        if any(act == "merge" for _, act in s.actions) and name != "group":
            diags.append(Diagnostic(
                path, lineno,
                f"'merge' in {s.text!r}: glibc 2.36 merges only group entries; for {name} the lookup goes on "
                "to the next source and the outcome differs between functions", "warning"))
        if modules is not None and s.name not in modules and not s.name.startswith("#"):
            diags.append(Diagnostic(
                path, lineno, f"source {s.name!r} cannot be loaded here (no libnss_{s.name}.so.2); glibc skips it (UNAVAIL)",
                "warning"))
