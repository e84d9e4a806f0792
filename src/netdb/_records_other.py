"""``netdb.records.protoent``, ``netent`` and ``rpcent``, loaded on first use.

``netdb.records`` imports this module the first time one of these names is
asked for, so that a services or host lookup does not build their classes.
Each class reports ``netdb.records`` as its module.
"""

from typing import NamedTuple

__all__ = ["netent", "protoent", "rpcent"]


class protoent(NamedTuple):
    """``struct protoent``: one line of /etc/protocols."""

    name: str
    aliases: tuple[str, ...]
    number: int

    @property
    def p_name(self) -> str:
        """The official protocol name."""
        return self.name

    @property
    def p_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def p_proto(self) -> int:
        """The protocol number."""
        return self.number


class netent(NamedTuple):
    """``struct netent``: one line of /etc/networks."""

    name: str
    aliases: tuple[str, ...]
    addrtype: int
    net: int

    @property
    def n_name(self) -> str:
        """The official network name."""
        return self.name

    @property
    def n_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def n_addrtype(self) -> int:
        """The address family (always AF_INET)."""
        return self.addrtype

    @property
    def n_net(self) -> int:
        """The network number in host byte order (127.0.0.0 is 0x7f000000)."""
        return self.net

    @property
    def network(self) -> str:
        """The network number as a dotted quad (what ``inet_ntoa`` prints)."""
        n = self.net & 0xFFFFFFFF
        return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class rpcent(NamedTuple):
    """``struct rpcent``: one line of /etc/rpc."""

    name: str
    aliases: tuple[str, ...]
    number: int

    @property
    def r_name(self) -> str:
        """The official program name."""
        return self.name

    @property
    def r_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def r_number(self) -> int:
        """The RPC program number."""
        return self.number


# Where users find them (and pickle looks them up):
protoent.__module__ = "netdb.records"
netent.__module__ = "netdb.records"
rpcent.__module__ = "netdb.records"
