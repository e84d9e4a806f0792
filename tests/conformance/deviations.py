"""Documented deviations from glibc that the differential suite tolerates.

Every disagreement between netdb and glibc is a bug, unless it is listed here.
An entry must say exactly which disagreements it covers (``matches``), why
netdb deliberately differs (``why``), and which test pins netdb's own behaviour
(``test``, a ``path::name`` under tests/).  ``test_deviations_are_documented``
checks the last part; a deviation that no longer matches anything shows up in
the run's report as unused.

The list starts empty: so far netdb has no deliberate deviation.

Known glibc behaviour the generated queries avoid instead of allowing here:
``gethostbyname2(name, AF_UNSPEC)`` with ``multi on`` and a matching hosts line
aborts the process in glibc 2.36 (assertion ``af == AF_INET || af == AF_INET6``
in nss_files/files-hosts.c:123), so the suite never asks it.
"""

from __future__ import annotations

from support.differential import Deviation

DEVIATIONS: tuple[Deviation, ...] = ()
