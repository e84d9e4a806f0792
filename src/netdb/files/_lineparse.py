"""The line reader shared by glibc's nss_files databases.

glibc's ``nss_files`` reads hosts, services, protocols, networks and rpc the
same way: lines end at ``\\n`` (a NUL ends the line early), a ``#`` anywhere
starts a comment, fields are separated by C whitespace, and a line with no
field left is ignored.  ``records`` yields each remaining line's number and
fields; every database then checks the fields it expects.
"""

from __future__ import annotations

from collections.abc import Iterator

from ._text import c_space_runs, logical_lines, needs_c_split


def records(text: str) -> Iterator[tuple[int, list[str], str]]:
    """Yield ``(lineno, fields, content)`` for each line with a field before any ``#``.

    ``content`` is the line without its comment, for the rare checks that
    depend on what separates the fields (a services port must end the line
    when no ``/protocol`` follows it).
    """
    slow = needs_c_split(text)
    c_spaces = c_space_runs() if slow else None
    for lineno, line in enumerate(logical_lines(text), 1):
        cut = line.find("#")
        if cut >= 0:
            line = line[:cut]
        fields = [f for f in c_spaces.split(line) if f] if c_spaces is not None else line.split()
        if fields:
            yield lineno, fields, line
