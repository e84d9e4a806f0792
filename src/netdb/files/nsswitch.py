"""TEMPORARY stub (replaced by the config-parsers branch)."""
from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Diagnostic

DEFAULTS = {"hosts": "files dns", "networks": "files dns"}

class SourceSpec(NamedTuple):
    name: str
    lineno: int = 0
    def action(self, status: str) -> str:
        return "return" if status == "SUCCESS" else "continue"

class NsswitchConf(NamedTuple):
    databases: dict[str, tuple[SourceSpec, ...]]
    error: Diagnostic | None
    diagnostics: tuple[Diagnostic, ...]
    def sources_for(self, db: str) -> tuple[SourceSpec, ...]:
        if db in self.databases:
            return self.databases[db]
        return tuple(SourceSpec(n) for n in DEFAULTS.get(db, "files").split())

def parse_nsswitch(text: str | None, path: str = "/etc/nsswitch.conf") -> NsswitchConf:
    dbs: dict[str, tuple[SourceSpec, ...]] = {}
    for i, line in enumerate((text or "").split("\n"), 1):
        if ":" not in line or line.lstrip().startswith("#"):
            continue
        db, _, rest = line.partition(":")
        dbs[db.strip()] = tuple(SourceSpec(w, i) for w in rest.split() if not w.startswith("["))
    return NsswitchConf(dbs, None, ())
