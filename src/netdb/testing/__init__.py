"""Hermetic name resolution for tests.

``hermetic()`` writes a private ``etc`` directory (hosts, services,
protocols, networks, rpc, nsswitch.conf with ``files`` only, host.conf,
resolv.conf), builds a :class:`~netdb.Resolver` on it and, for the duration
of the block, routes the ``socket`` module (see :mod:`netdb.socketpatch`)
and netdb's module-level functions through it.  A name that is not in the
given hosts content does not resolve; nothing is ever asked of DNS or of the
machine's own /etc.

    from netdb.testing import hermetic

    with hermetic({"api.test": ["127.0.0.1", "::1"]}) as env:
        urllib.request.urlopen(f"http://api.test:{port}/")
        env.add_host("db.test", "127.0.0.2")      # seen by the next lookup

With pytest (the plugin is registered by installing netdb; ``-p no:netdb``
turns it off), ask for the ``netdb_env`` fixture, and give the content with
the ``netdb`` marker or through the fixture's methods::

    @pytest.mark.netdb(hosts={"api.test": "127.0.0.1"}, services={"myapp": 8080})
    def test_client(netdb_env):
        assert socket.getaddrinfo("api.test", "myapp")[0][4] == ("127.0.0.1", 8080)

Hosts content is a mapping ``{name: address or [addresses]}`` (one hosts line
per address, in the order given, after the usual ``localhost`` lines unless
``localhost=False``) or the text of a hosts file, used verbatim.  Services
are a mapping ``{name: port | "port/proto" | [those]}`` (a bare port means
tcp and udp), put before a small built-in list of common services, or the
text of a services file, used verbatim.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..resolver import Resolver

if TYPE_CHECKING:
    from ..socketpatch import PatchHandle

__all__ = [
    "DEFAULT_NSSWITCH",
    "DEFAULT_PROTOCOLS",
    "DEFAULT_SERVICES",
    "Hermetic",
    "HermeticResolver",
    "HostsContent",
    "ServicesContent",
    "hermetic",
    "hosts_text",
    "services_text",
    "write_etc",
]

#: Hosts content: ``{name: address | [addresses]}`` or hosts-file text.
HostsContent = Mapping[str, str | Iterable[str]] | str
#: Services content: ``{name: port | "port/proto" | [those]}`` or services-file text.
ServicesContent = Mapping[str, int | str | Iterable[int | str]] | str

#: The name-service switch of a hermetic tree: files only, never DNS.
DEFAULT_NSSWITCH = """\
# written by netdb.testing: files only, so that no lookup can reach DNS
hosts:      files
networks:   files
services:   files
protocols:  files
rpc:        files
"""

_LOCALHOST = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"

#: Services every hermetic tree has after the ones a test gives.
DEFAULT_SERVICES = """\
echo		7/tcp
echo		7/udp
ftp-data	20/tcp
ftp		21/tcp
ssh		22/tcp
telnet		23/tcp
smtp		25/tcp		mail
domain		53/tcp
domain		53/udp
http		80/tcp		www
kerberos	88/tcp		kerberos5 krb5
kerberos	88/udp		kerberos5 krb5
pop3		110/tcp		pop-3
ntp		123/udp
imap2		143/tcp		imap
snmp		161/udp
ldap		389/tcp
https		443/tcp
https		443/udp
submissions	465/tcp		ssmtp smtps
syslog		514/udp
submission	587/tcp
ldaps		636/tcp
imaps		993/tcp
pop3s		995/tcp
mysql		3306/tcp
postgresql	5432/tcp	postgres
redis		6379/tcp
http-alt	8080/tcp	webcache
"""

#: Protocols every hermetic tree has (unless the test gives its own).
DEFAULT_PROTOCOLS = """\
ip	0	IP
icmp	1	ICMP
tcp	6	TCP
udp	17	UDP
ipv6	41	IPv6
ipv6-icmp	58	IPv6-ICMP
sctp	132	SCTP
udplite	136	UDPLite
"""

_HOST_CONF = "multi on\n"
_RESOLV_CONF = "# written by netdb.testing: nsswitch.conf lists no dns\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n"


def _check_name(name: str, what: str) -> str:
    if not name or any(c.isspace() or c == "#" for c in name):
        raise ValueError(f"{what} {name!r} is empty or holds whitespace or '#'")
    return name


def hosts_text(hosts: HostsContent | None, *, localhost: bool = True) -> str:
    """The hosts file for ``hosts`` (a mapping or text; see the module documentation)."""
    if hosts is None:
        return _LOCALHOST if localhost else ""
    if isinstance(hosts, str):
        return hosts if hosts.endswith("\n") or not hosts else hosts + "\n"
    lines = [_LOCALHOST] if localhost else []
    for name, addresses in hosts.items():
        _check_name(name, "host name")
        for address in [addresses] if isinstance(addresses, str) else list(addresses):
            text = str(address)
            try:
                ipaddress.ip_address(text.partition("%")[0])
            except ValueError:
                raise ValueError(f"{text!r} (for {name!r}) is not an IPv4 or IPv6 address") from None
            lines.append(f"{text}\t{name}\n")
    return "".join(lines)


def services_text(services: ServicesContent | None) -> str:
    """The services file for ``services`` (a mapping or text; see the module documentation)."""
    if services is None:
        return DEFAULT_SERVICES
    if isinstance(services, str):
        return services if services.endswith("\n") or not services else services + "\n"
    lines = []
    for name, ports in services.items():
        _check_name(name, "service name")
        for port in [ports] if isinstance(ports, (int, str)) else list(ports):
            number, _, proto = str(port).partition("/")
            if not number.isdigit() or not 0 <= int(number) <= 65535:
                raise ValueError(f"service {name!r}: {port!r} is not PORT or PORT/PROTO")
            for p in [proto] if proto else ["tcp", "udp"]:
                lines.append(f"{name}\t{int(number)}/{p}\n")
    return "".join(lines) + DEFAULT_SERVICES


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically (a new inode: a Resolver sees the change at its next call)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_etc(
    directory: str | os.PathLike[str],
    *,
    hosts: HostsContent | None = None,
    services: ServicesContent | None = None,
    protocols: str | None = None,
    nsswitch: str | None = None,
    localhost: bool = True,
) -> Path:
    """Write a hermetic ``etc`` tree into ``directory`` (created if needed) and return its path."""
    etc = Path(directory)
    etc.mkdir(parents=True, exist_ok=True)
    files = {
        "hosts": hosts_text(hosts, localhost=localhost),
        "services": services_text(services),
        "protocols": DEFAULT_PROTOCOLS if protocols is None else protocols,
        "networks": "loopback\t127.0.0.0\n",
        "rpc": "portmapper\t100000\tportmap sunrpc rpcbind\n",
        "nsswitch.conf": DEFAULT_NSSWITCH if nsswitch is None else nsswitch,
        "host.conf": _HOST_CONF,
        "resolv.conf": _RESOLV_CONF,
    }
    for name, text in files.items():
        _write(etc / name, text)
    return etc


class HermeticResolver(Resolver):
    """A Resolver that can also pretend which address families are configured.

    ``families=(has_ipv4, has_ipv6)`` fixes what AI_ADDRCONFIG sees; None
    asks this machine's interfaces, as a plain Resolver does.
    """

    def __init__(self, etc: str | os.PathLike[str], *, families: tuple[bool, bool] | None = None,
                 hostname: str | None = "localhost", env: Mapping[str, str] | None = None) -> None:
        super().__init__(etc, env={} if env is None else env, hostname=hostname)
        self.families = families

    def configured_families(self) -> tuple[bool, bool]:
        """AI_ADDRCONFIG's view: ``families`` when given, else this machine's."""
        if self.families is not None:
            return self.families
        return super().configured_families()


class Hermetic:
    """A hermetic etc tree and its Resolver; what :func:`hermetic` and the ``netdb_env`` fixture give.

    ``etc`` is the directory, ``resolver`` the Resolver reading it.  The
    methods rewrite files atomically; every Resolver call after them sees the
    new content, in every thread.
    """

    def __init__(self, etc: Path, resolver: HermeticResolver, *, localhost: bool = True) -> None:
        self.etc = etc
        self.resolver = resolver
        self.localhost = localhost
        self._lock = threading.Lock()

    def set_hosts(self, hosts: HostsContent | None) -> None:
        """Replace the hosts file with ``hosts`` (mapping or text)."""
        with self._lock:
            _write(self.etc / "hosts", hosts_text(hosts, localhost=self.localhost))

    def add_host(self, name: str, *addresses: str) -> None:
        """Append one line per address for ``name`` to the hosts file."""
        with self._lock:
            text = (self.etc / "hosts").read_text(encoding="utf-8")
            _write(self.etc / "hosts", text + hosts_text({name: list(addresses)}, localhost=False))

    def set_services(self, services: ServicesContent | None) -> None:
        """Replace the services file (a mapping is put before the built-in list)."""
        with self._lock:
            _write(self.etc / "services", services_text(services))

    def write(self, name: str, text: str) -> None:
        """Replace any file of the tree (``"gai.conf"``, ``"nsswitch.conf"`` ...) with ``text``."""
        if "/" in name or name.startswith("."):
            raise ValueError(f"not a file name of the etc tree: {name!r}")
        with self._lock:
            _write(self.etc / name, text)

    def __repr__(self) -> str:
        return f"<netdb.testing.Hermetic etc={str(self.etc)!r}>"


@contextmanager
def hermetic(
    hosts: HostsContent | None = None,
    *,
    services: ServicesContent | None = None,
    protocols: str | None = None,
    nsswitch: str | None = None,
    localhost: bool = True,
    families: tuple[bool, bool] | None = None,
    hostname: str | None = "localhost",
    directory: str | os.PathLike[str] | None = None,
    patch_socket: bool = True,
    set_default: bool = True,
) -> Iterator[Hermetic]:
    """A hermetic resolver for the duration of the block.

    Writes the tree (into ``directory``, or a temporary directory removed at
    the end), builds a :class:`HermeticResolver` (environment variables such
    as LOCALDOMAIN and RES_OPTIONS are not read; the host name is
    ``hostname``), and unless told otherwise patches the socket module
    (``patch_socket``) and makes it netdb's default Resolver
    (``set_default``).  Both are undone on exit, whatever happened in
    between; see :mod:`netdb.socketpatch` for nesting and threads.
    """
    from .. import socketpatch

    with tempfile.TemporaryDirectory(prefix="netdb-etc-") as tmp:
        etc = write_etc(directory if directory is not None else tmp, hosts=hosts, services=services,
                        protocols=protocols, nsswitch=nsswitch, localhost=localhost)
        env = Hermetic(etc, HermeticResolver(etc, families=families, hostname=hostname), localhost=localhost)
        handle: PatchHandle | None = socketpatch.install(env.resolver) if patch_socket else None
        previous = _swap_default(env.resolver) if set_default else None
        try:
            yield env
        finally:
            if set_default:
                _restore_default(env.resolver, previous)
            if handle is not None:
                socketpatch.uninstall(handle)


_default_lock = threading.Lock()


def _swap_default(resolver: Resolver) -> Resolver | None:
    import netdb

    with _default_lock:
        previous = netdb._default
        netdb.set_default_resolver(resolver)
        return previous


def _restore_default(resolver: Resolver, previous: Resolver | None) -> None:
    import netdb

    with _default_lock:
        if netdb._default is resolver:  # someone else set another one since: theirs stays
            netdb.set_default_resolver(previous)
