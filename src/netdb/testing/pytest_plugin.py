"""pytest plugin: the ``netdb_env`` fixture and the ``netdb`` marker.

Installing netdb registers this plugin (entry point ``pytest11``, name
``netdb``); ``-p no:netdb`` disables it, ``-p netdb.testing.pytest_plugin``
loads it where netdb is on the path but not installed.

    @pytest.mark.netdb(hosts={"api.test": ["127.0.0.1"]})
    def test_fetch(netdb_env):
        ...                       # socket.getaddrinfo("api.test", ...) -> 127.0.0.1

The marker takes the keyword arguments of :func:`netdb.testing.hermetic`
(``hosts``, ``services``, ``protocols``, ``nsswitch``, ``localhost``,
``families``, ``hostname``); a positional argument is ``hosts``.  Without the
marker the test gets a tree with only ``localhost``.  The fixture yields a
:class:`netdb.testing.Hermetic` (``.resolver``, ``.etc``, ``.set_hosts()``,
``.add_host()`` ...); the socket module and netdb's default Resolver are
restored when the test ends, pass or fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from . import Hermetic

__all__ = ["netdb_env", "pytest_configure"]

_ALLOWED = {"hosts", "services", "protocols", "nsswitch", "localhost", "families", "hostname"}


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``netdb`` marker (so that ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "netdb(hosts=None, *, services=None, protocols=None, nsswitch=None, localhost=True, families=None, "
        "hostname='localhost'): the netdb_env fixture's hosts/services content (see netdb.testing)",
    )


@pytest.fixture
def netdb_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hermetic]:
    """A hermetic etc tree; socket-module resolution goes through it for the test's duration."""
    from . import hermetic

    kwargs: dict[str, Any] = {}
    marker = request.node.get_closest_marker("netdb")
    if marker is not None:
        if len(marker.args) > 1:
            raise pytest.UsageError("@pytest.mark.netdb takes at most one positional argument (hosts)")
        if marker.args:
            kwargs["hosts"] = marker.args[0]
        unknown = set(marker.kwargs) - _ALLOWED
        if unknown:
            raise pytest.UsageError(f"@pytest.mark.netdb: unknown argument(s) {sorted(unknown)}; "
                                    f"known: {sorted(_ALLOWED)}")
        kwargs.update(marker.kwargs)
    directory: Path = tmp_path_factory.mktemp("netdb-etc")
    with hermetic(directory=directory, **kwargs) as env:
        yield env
