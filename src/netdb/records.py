"""Records mirroring the C structs of ``<netdb.h>``.

Each record is an immutable named tuple with readable field names (``name``,
``aliases``, ``port`` ...) and the C field names as properties (``s_name``,
``s_aliases``, ``s_port`` ...).  Two deliberate differences from C, both the
socket module's conventions: numbers are in host byte order (``s_port`` is 80,
not ``htons(80)``), and addresses are strings in presentation form
(``"192.0.2.1"``), not packed bytes.

``addrinfo`` (and the ``SockAddr`` alias) are defined in ``netdb._addrinfo``,
loaded on first access: it needs the socket module, which a services lookup
does not.
"""

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ._addrinfo import SockAddr as SockAddr
    from ._addrinfo import addrinfo

__all__ = ["addrinfo", "hostent", "netent", "protoent", "rpcent", "servent"]


class hostent(NamedTuple):
    """``struct hostent``: a host's official name, aliases and addresses."""

    name: str
    aliases: tuple[str, ...]
    addrtype: int
    length: int
    addr_list: tuple[str, ...]

    @property
    def h_name(self) -> str:
        """The official name."""
        return self.name

    @property
    def h_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def h_addrtype(self) -> int:
        """The address family (AF_INET or AF_INET6)."""
        return self.addrtype

    @property
    def h_length(self) -> int:
        """The length of one address in bytes (4 or 16)."""
        return self.length

    @property
    def h_addr_list(self) -> tuple[str, ...]:
        """The addresses, as strings."""
        return self.addr_list

    @property
    def h_addr(self) -> str | None:
        """The first address (the C macro ``h_addr``), or None."""
        return self.addr_list[0] if self.addr_list else None


class servent(NamedTuple):
    """``struct servent``: one line of /etc/services."""

    name: str
    aliases: tuple[str, ...]
    port: int
    proto: str

    @property
    def s_name(self) -> str:
        """The official service name."""
        return self.name

    @property
    def s_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def s_port(self) -> int:
        """The port number, in host byte order (0-65535)."""
        return self.port

    @property
    def s_proto(self) -> str:
        """The protocol name ("tcp", "udp", ...; "" when the line has none)."""
        return self.proto


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


def __getattr__(name: str) -> Any:
    if name in ("addrinfo", "SockAddr"):
        from . import _addrinfo

        value = getattr(_addrinfo, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "addrinfo", "SockAddr"})
