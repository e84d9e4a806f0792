"""Provenance: where one configuration value came from.

The ``lookup config`` command prints every effective setting of nsswitch.conf,
resolv.conf and host.conf together with its origin: a line of a file, an
environment variable (``LOCALDOMAIN``, ``RES_OPTIONS``, ``RESOLV_MULTI`` ...),
the host name (resolv.conf's default search domain), or glibc's built-in
default.  The configuration parsers attach an ``Origin`` to each value.
"""

from typing import NamedTuple

__all__ = ["DEFAULT", "Origin"]


class Origin(NamedTuple):
    """Where a setting came from.

    ``kind`` is one of:

    * ``"file"`` — ``path`` is the file and ``line`` the 1-based line number;
    * ``"env"`` — ``path`` is the environment variable's name;
    * ``"hostname"`` — derived from the host name (resolv.conf's search domain);
    * ``"default"`` — glibc's built-in value.

    ``note`` adds a detail for people (``"as passwd"``, ``"files dns"`` ...).
    """

    kind: str
    path: str = ""
    line: int = 0
    note: str = ""

    @classmethod
    def file(cls, path: str, line: int, note: str = "") -> "Origin":
        """A line of a configuration file."""
        return cls("file", path, line, note)

    @classmethod
    def env(cls, name: str, note: str = "") -> "Origin":
        """An environment variable."""
        return cls("env", name, 0, note)

    def __str__(self) -> str:
        if self.kind == "file":
            text = f"{self.path}:{self.line}"
        elif self.kind == "env":
            text = f"env {self.path}"
        else:
            text = self.kind
        return f"{text} ({self.note})" if self.note else text


DEFAULT = Origin("default")
