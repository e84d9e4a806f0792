"""TEMPORARY stub (replaced by the config-parsers branch)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class HostConf(NamedTuple):
    multi: bool = False
    trim: tuple[str, ...] = ()

def host_conf_path(env: Mapping[str, str] | None, default: str) -> str:
    return (env or {}).get("RESOLV_HOST_CONF", default)

def parse_host_conf(text: str | None, path: str = "/etc/host.conf", *, env: Mapping[str, str] | None = None) -> HostConf:
    multi = False
    for line in (text or "").split("\n"):
        w = line.split()
        if len(w) >= 2 and w[0] == "multi":
            multi = w[1] == "on"
    return HostConf(multi)
