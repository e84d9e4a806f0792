"""The sources the switch can name, and which of them glibc could load here.

glibc loads ``libnss_<name>.so.2`` for each source nsswitch.conf names; a
source whose library is missing (or lacks the function asked for) answers
UNAVAIL.  netdb implements ``files`` and ``dns`` (built into glibc 2.34 and
later, always present) and ``myhostname`` (systemd's module, used only when
``libnss_myhostname.so.2`` is installed, as glibc would); every other source
is answered UNAVAIL, as glibc answers a module it cannot use.
"""

from __future__ import annotations

import functools
import os

__all__ = ["IMPLEMENTED", "module_installed", "usable_host_sources"]

# Which databases each implemented source serves.
IMPLEMENTED = {
    "files": frozenset({"hosts", "services", "protocols", "networks", "rpc"}),
    "dns": frozenset({"hosts"}),
    "myhostname": frozenset({"hosts"}),
}
_ALWAYS_PRESENT = frozenset({"files", "dns"})
_LIBRARY_DIRS = (
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
    "/lib64", "/usr/lib64", "/lib", "/usr/lib",
)


@functools.cache
def module_installed(name: str) -> bool:
    """True when ``libnss_<name>.so.2`` exists in a standard library directory."""
    if name in _ALWAYS_PRESENT:
        return True
    if not name or "/" in name or "\0" in name:
        return False
    return any(os.path.exists(os.path.join(d, f"libnss_{name}.so.2")) for d in _LIBRARY_DIRS)


def usable_host_sources(extra: frozenset[str] = frozenset()) -> frozenset[str]:
    """The hosts sources netdb answers for on this machine (``extra`` forces modules on)."""
    return frozenset(s for s in ("files", "dns", "myhostname") if s in extra or module_installed(s))
