"""Diagnostics: what a parser skipped or doubted, with file and line."""

from typing import Generic, NamedTuple, TypeVar

__all__ = ["Diagnostic", "Parsed"]

T = TypeVar("T")


class Diagnostic(NamedTuple):
    """One finding about one line of a configuration file.

    ``severity`` is ``"error"`` when glibc ignores the line (or the whole file)
    and ``"warning"`` when glibc accepts it but probably not as its author meant
    (a port taken modulo 65536, a line with an address and no name ...).
    ``line`` is 1-based; 0 means the file as a whole.
    """

    path: str
    line: int
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class Parsed(NamedTuple, Generic[T]):
    """A parser's result: the records, the line each came from, the diagnostics."""

    entries: list[T]
    lines: list[int]
    diagnostics: list[Diagnostic]
