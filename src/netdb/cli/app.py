"""The ``lookup`` commands (typer).

This module only declares the commands and their options; each command
imports the code it runs when it runs, so that ``lookup serv mysql`` loads
neither DNS nor address sorting.
"""

from typing import TYPE_CHECKING, Optional

import typer

from . import EXIT_NOINPUT, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from ..resolver import Resolver

# typer reads the annotations at run time: keep Optional[...] and List[...]
# spelled the way it understands on every supported Python.
# ruff: noqa: UP045, B008

app = typer.Typer(
    name="lookup",
    help=(
        "What a name resolves to for your programs, and why.\n\n"
        "lookup answers as the C library does (getaddrinfo, getservbyname, getent ...) "
        "from /etc/hosts, /etc/services, nsswitch.conf and the rest, and explains every answer.\n\n"
        "\b\nExamples:\n"
        "  lookup serv mysql                  the service database, friendly\n"
        "  lookup services mysql              exactly what `getent services mysql` prints\n"
        "  lookup host localhost --family 6   the addresses programs get, IPv6 only\n"
        "  lookup host www.example.com --explain\n"
        "  lookup srv _xmpp-client._tcp.example.com   a service's servers (DNS SRV), in order\n"
        "  lookup --etc ./fixture-etc check   lint a tree of configuration files"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Options:
    """The global options, shared by every command."""

    __slots__ = ("etc", "json", "nameservers", "timeout")

    def __init__(self, etc: str | None, json: bool, timeout: float | None = None,
                 nameservers: tuple[str, ...] = ()) -> None:
        self.etc = etc
        self.json = json
        self.timeout = timeout
        self.nameservers = nameservers

    def resolver(self, via: str = "nss", *, warn_files: bool = False) -> "Resolver":
        """The Resolver for ``--etc`` (or ``$NETDB_ETC``, or /etc), ``--timeout`` and ``--nameserver``.

        ``via`` ``files`` or ``dns`` replaces the hosts line of nsswitch.conf
        with that one source (``nss``: as configured).  ``warn_files``: after
        the command, a warning line on stderr names each file this Resolver
        read that exists but could not be read (the host commands, whose
        errors do not name the file; getent's commands stay silent as getent).
        """
        from ..resolver import Resolver
        from . import RESOLVERS

        switch = {"hosts": via} if via in ("files", "dns") else None
        try:
            r = Resolver(self.etc, timeout=self.timeout, nameservers=self.nameservers or None, switch=switch)
            if warn_files:
                RESOLVERS.append(r)
            return r
        except OSError as exc:  # netdb.errors (and socket with it) is loaded only on failure
            from ..errors import ConfigError

            if not isinstance(exc, ConfigError):
                raise
            import os

            from .output import shown

            origin = "--etc" if self.etc is not None or "NETDB_ETC" not in os.environ else "$NETDB_ETC"
            raise CliError(f"{origin} {shown(exc.path or '')}: {exc.message}", EXIT_NOINPUT) from None
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None


def _options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    assert isinstance(obj, Options)
    return obj


@app.callback()
def _global(
    ctx: typer.Context,
    etc: Optional[str] = typer.Option(
        None, "--etc", metavar="DIR",
        help="Read hosts, services, nsswitch.conf ... from DIR instead of /etc (default: $NETDB_ETC or /etc).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON (one document per name or key) for scripts."),
    timeout: Optional[float] = typer.Option(
        None, "--timeout", metavar="SECONDS",
        help="One overall deadline for the command's DNS work (exit 75 when it runs out).",
    ),
    nameserver: Optional[list[str]] = typer.Option(
        None, "--nameserver", metavar="ADDR[:PORT]",
        help="Ask this DNS server instead of resolv.conf's (repeatable; e.g. 127.0.0.1:5353, [::1]:53).",
    ),
) -> None:
    if timeout is not None and not timeout > 0:
        raise CliError(f"--timeout must be a positive number of seconds, not {timeout}", EXIT_USAGE)
    ctx.obj = Options(etc, json_output, timeout, tuple(nameserver or ()))


# -- getent-compatible commands --------------------------------------------------

_GETENT_EPILOG = "Exit status: 0 when every KEY was found, 2 when any was not (as getent)."


def _getent(ctx: typer.Context, database: str, keys: list[str] | None, **kw: bool) -> int:
    from .getent import run_getent

    return run_getent(_options(ctx).resolver(), database, keys or [], **kw)


@app.command(epilog=_GETENT_EPILOG)
def services(ctx: typer.Context, keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]...")) -> int:
    """Print the services database exactly as `getent services` does.

    \b
    A KEY is a name or alias, a port number, either followed by /PROTOCOL:
      lookup services            every entry, in file order
      lookup services http 22/tcp domain/udp
    """
    return _getent(ctx, "services", keys)


@app.command(epilog=_GETENT_EPILOG)
def protocols(ctx: typer.Context, keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]...")) -> int:
    """Print the protocols database exactly as `getent protocols` does.

    \b
    A KEY starting with a digit is a protocol number (read like C's atol):
      lookup protocols tcp 17
    """
    return _getent(ctx, "protocols", keys)


@app.command(epilog=_GETENT_EPILOG)
def networks(ctx: typer.Context, keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]...")) -> int:
    """Print the networks database exactly as `getent networks` does.

    \b
    A KEY starting with a digit is a network address (read like inet_addr):
      lookup networks loopback 127.0.0.0
    """
    return _getent(ctx, "networks", keys)


@app.command(epilog=_GETENT_EPILOG)
def rpc(ctx: typer.Context, keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]...")) -> int:
    """Print the rpc database exactly as `getent rpc` does.

    \b
      lookup rpc portmapper 100003
    """
    return _getent(ctx, "rpc", keys)


@app.command(epilog=_GETENT_EPILOG)
def hosts(ctx: typer.Context, keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]...")) -> int:
    """Print host entries exactly as `getent hosts` does.

    \b
    An address KEY is looked up in reverse; a name is asked for IPv6
    first and IPv4 only when that fails, as getent does:
      lookup hosts localhost 127.0.0.1
      lookup hosts               every hosts-file line (IPv4 form)
    """
    return _getent(ctx, "hosts", keys)


def _ahosts_doc(family: str) -> str:
    return (
        f"Print getaddrinfo's answer{family} exactly as `getent` does.\n\n"
        "\b\nOne line per address and socket type, the canonical name on the first:\n"
        "  lookup ahosts localhost\n"
        "  lookup ahosts -A localhost    without AI_ADDRCONFIG"
    )


def _ahosts_command(database: str, family: str) -> None:
    def command(
        ctx: typer.Context,
        keys: Optional[list[str]] = typer.Argument(None, metavar="[KEY]..."),
        no_addrconfig: bool = typer.Option(False, "-A", "--no-addrconfig", help="Do not filter by the families configured here (AI_ADDRCONFIG)."),
        no_idn: bool = typer.Option(False, "-i", "--no-idn", help="Do not convert internationalized names (AI_IDN)."),
    ) -> int:
        return _getent(ctx, database, keys, addrconfig=not no_addrconfig, idn=not no_idn)

    command.__doc__ = _ahosts_doc(family)
    app.command(name=database, epilog=_GETENT_EPILOG)(command)


_ahosts_command("ahosts", "")
_ahosts_command("ahostsv4", " for IPv4")
_ahosts_command("ahostsv6", " for IPv6 (IPv4 as v4-mapped)")


# -- friendly views ---------------------------------------------------------------


@app.command()
def serv(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="NAME|PORT", help="A service name or alias, or a port number."),
    proto: Optional[str] = typer.Option(None, "--proto", "-p", metavar="PROTO", help="Only entries for this protocol (tcp, udp ...); with --domain the SRV protocol (default tcp)."),
    domain: Optional[str] = typer.Option(None, "--domain", "-d", metavar="DOMAIN",
                                         help="Find the servers of service NAME at DOMAIN in DNS: the SRV records of _NAME._PROTO.DOMAIN (as `lookup srv`)."),
    family: str = typer.Option("any", "--family", "-f", metavar="4|6|any", help="With --domain: only IPv4 (4) or IPv6 (6) addresses."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="N", help="With --domain: fix the weighted random order (for reproducible output)."),
) -> int:
    """Show every services entry for a name or port, and which one programs get.

    \b
    For a port, also its IANA range (well-known 0-1023, registered
    1024-49151, dynamic 49152-65535). glibc returns the first matching
    line; the others are shown too, marked as shadowed.
      lookup serv mysql
      lookup serv 53 --proto udp
      lookup --json serv https
    Exit status: 0 found, 2 not found, 64 bad port.
    \b
    With --domain, the servers that offer the service at a domain, from
    DNS SRV records, in the order to try them (see `lookup srv --help`):
      lookup serv xmpp-client --domain example.com
      lookup serv sip --proto udp --domain example.com
    """
    opts = _options(ctx)
    if domain is None and (family != "any" or seed is not None):
        raise CliError(f"{'--seed' if seed is not None else '--family'} needs --domain (it is for SRV lookups)",
                       EXIT_USAGE)
    if domain is not None:
        from .srvcmd import show_srv

        return show_srv(opts.resolver(), key, proto=proto, domain=domain, family=family, seed=seed,
                        as_json=opts.json)
    from .views import show_service

    return show_service(opts.resolver(), key, proto, opts.json)


@app.command()
def srv(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="An SRV name: _SERVICE._PROTO.DOMAIN, e.g. _xmpp-client._tcp.example.com."),
    family: str = typer.Option("any", "--family", "-f", metavar="4|6|any", help="Only IPv4 (4) or IPv6 (6) addresses for the targets."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="N", help="Fix the weighted random order (for reproducible output)."),
) -> int:
    """Show the servers of a service from its DNS SRV records, in the order to try them.

    \b
    The order is RFC 2782's: lowest priority first; within a priority,
    weighted random (a server of weight 60 comes first about twice as
    often as one of weight 30). Each target is then resolved as programs
    resolve names (getaddrinfo: /etc/hosts, then DNS, as nsswitch.conf
    says). The name goes through resolv.conf's search list, so
    `_ldap._tcp` finds _ldap._tcp.<your domain>.
      lookup srv _xmpp-client._tcp.example.com
      lookup srv _sip._udp.example.com --family 4
      lookup serv xmpp-client --domain example.com     the same as the first
      lookup --json srv _imaps._tcp.example.com
    On a terminal: a table. Piped: one line per target,
    PRIORITY WEIGHT PORT TARGET ADDRESS... --json: one document.
    A lone target "." means the service is not offered at that domain.
    Exit status: 0 a target has an address, 2 no such SRV name, no
    records, service not offered or no target resolved, 75 temporary
    failure (SERVFAIL, no answer, --timeout), 64 bad option or name.
    """
    from .srvcmd import show_srv

    opts = _options(ctx)
    return show_srv(opts.resolver(), name, family=family, seed=seed, as_json=opts.json)


@app.command()
def proto(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="NAME|NUMBER", help="A protocol name or alias, or a protocol number."),
) -> int:
    """Show every protocols entry for a name or number, and which one programs get.

    \b
      lookup proto tcp
      lookup proto 58
    Exit status: 0 found, 2 not found, 64 bad number.
    """
    from .views import show_protocol

    opts = _options(ctx)
    return show_protocol(opts.resolver(), key, opts.json)


@app.command()
def net(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="NAME|ADDRESS", help="A network name or alias, or a network address."),
) -> int:
    """Show every networks entry for a name or a network address.

    \b
      lookup net loopback
      lookup net 127.0.0.0
    Exit status: 0 found, 2 not found.
    """
    from .views import show_network

    opts = _options(ctx)
    return show_network(opts.resolver(), key, opts.json)


# -- hosts --------------------------------------------------------------------------


@app.command()
def host(
    ctx: typer.Context,
    names: Optional[list[str]] = typer.Argument(None, metavar="NAME...", help="Host names or numeric addresses."),
    family: str = typer.Option("any", "--family", "-f", metavar="4|6|any", help="Only IPv4 (4) or IPv6 (6) addresses."),
    socktype: Optional[str] = typer.Option(None, "--type", "-t", metavar="TYPE", help="stream, dgram, raw, seqpacket or a number (default: all)."),
    service: Optional[str] = typer.Option(None, "--service", "-s", metavar="SERVICE", help="A service name or port to fill in the port."),
    protocol: Optional[str] = typer.Option(None, "--proto", "-p", metavar="PROTO", help="tcp, udp, sctp or a protocol number."),
    flag: Optional[list[str]] = typer.Option(
        None, "--flag", metavar="FLAG",
        help="getaddrinfo flag, repeatable: canonname, passive, numerichost, numericserv, v4mapped, all, addrconfig, idn, canonidn.",
    ),
    explain: bool = typer.Option(False, "--explain", "-e", help="Show where each address came from and why it is in its place."),
    via: str = typer.Option("nss", "--via", metavar="nss|files|dns|system",
                            help="nss: the switch, as programs resolve (default); files: /etc/hosts alone; "
                                 "dns: DNS alone (what dig sees, with the search list); system: this machine's libc."),
    from_file: Optional[str] = typer.Option(
        None, "--from", metavar="FILE",
        help="Also resolve the names listed in FILE (- for standard input), many at once; see below."),
    concurrency: int = typer.Option(64, "--concurrency", "-c", metavar="N", help="With --from: lookups in flight at once."),
    unordered: bool = typer.Option(False, "--unordered", help="With --from: print each name when done, not in input order."),
    jobs: int = typer.Option(1, "--jobs", "-j", metavar="N",
                             help="With --from: resolve in N processes (long lists, several cores)."),
) -> int:
    """Show the addresses a program gets for a name, in the order it gets them.

    \b
    This is getaddrinfo, as glibc computes it: /etc/hosts (and the other
    sources nsswitch.conf lists), numeric forms such as 127.1, the
    address ordering of RFC 6724 with /etc/gai.conf.
      lookup host localhost
      lookup host www.example.com --family 6
      lookup host db --service postgresql --type stream
      lookup host api.test --explain
    On a terminal: a table with the canonical name. Piped: one address
    per line (NAME ADDRESS when several names are given). --json: one
    object per name.
    \b
    Many names: --from FILE reads names (whitespace-separated, # comments)
    and resolves up to --concurrency of them at once on one thread, each
    exactly as alone; results stream out in input order as NAME ADDRESS
    lines (or JSON objects, with the seconds each took), failures on stderr.
      lookup host --from names.txt --concurrency 200 > addresses.txt
      cut -d' ' -f2 access.log | lookup --json host --from - --unordered
    One process uses one core; --jobs N shares the list among N worker
    processes (chunks of 512 names, output still in input order).
    Exit status: 0 all resolved, 2 a name did not resolve, 75 temporary
    failure, 64 bad option, 66 --from file unreadable.
    """
    from .hostcmds import check_via, show_hosts

    opts = _options(ctx)
    if from_file is not None:
        return _host_bulk(opts.resolver(check_via(via), warn_files=True), from_file, names or [], via=via, family=family,
                          socktype=socktype, service=service, protocol=protocol, flags=flag or [], explain=explain,
                          as_json=opts.json, concurrency=concurrency, ordered=not unordered, jobs=jobs)
    if not names:
        raise CliError("give at least one NAME, or --from FILE", EXIT_USAGE)
    return show_hosts(opts.resolver(check_via(via), warn_files=True), names, via=via, family=family, socktype=socktype, service=service,
                      protocol=protocol, flags=flag or [], explain=explain, as_json=opts.json)


def _host_bulk(r: "Resolver", source: str, names: list[str], *, via: str, family: str, socktype: Optional[str],
               service: Optional[str], protocol: Optional[str], flags: list[str], explain: bool, as_json: bool,
               concurrency: int, ordered: bool, jobs: int = 1) -> int:
    """``lookup host --from``: checks the options that do not combine, then streams."""
    from .bulkcmd import show_hosts_bulk
    from .hostcmds import PROTOCOLS, SOCKTYPES, check_port, flag_bits, number_or_name, parse_family

    if explain:
        raise CliError("--explain is for single lookups; it does not combine with --from", EXIT_USAGE)
    if via == "system":
        raise CliError("--via system does not combine with --from (the libc resolves one name at a time)", EXIT_USAGE)
    check_port(service)
    return show_hosts_bulk(r, source, names, family=parse_family(family),
                           socktype=number_or_name(socktype, SOCKTYPES, "--type"), service=service,
                           protocol=number_or_name(protocol, PROTOCOLS, "--proto"), flags=flag_bits(flags),
                           as_json=as_json, concurrency=concurrency, ordered=ordered, jobs=jobs)


@app.command()
def addr(
    ctx: typer.Context,
    address: str = typer.Argument(..., metavar="ADDRESS", help="A numeric IPv4 or IPv6 address (IPv6 may carry %scope)."),
    port: Optional[str] = typer.Argument(None, metavar="[PORT]", help="A port number to name as well."),
    numeric_host: bool = typer.Option(False, "--numeric-host", help="Do not look the address up (NI_NUMERICHOST)."),
    numeric_serv: bool = typer.Option(False, "--numeric-serv", help="Do not look the port up (NI_NUMERICSERV)."),
    name_required: bool = typer.Option(False, "--name-required", help="Fail when the address has no name (NI_NAMEREQD)."),
    no_fqdn: bool = typer.Option(False, "--no-fqdn", help="Cut the local domain from the name (NI_NOFQDN)."),
    dgram: bool = typer.Option(False, "--dgram", help="Name the port as a UDP service (NI_DGRAM)."),
    explain: bool = typer.Option(False, "--explain", "-e", help="Show where the name came from."),
    via: str = typer.Option("nss", "--via", metavar="nss|files|dns|system",
                            help="nss: the switch (default); files: /etc/hosts alone; dns: PTR in DNS alone; "
                                 "system: this machine's libc."),
) -> int:
    """Show the name of an address (and port) as getnameinfo gives it.

    \b
      lookup addr 127.0.0.1
      lookup addr 192.0.2.1 443
      lookup addr fe80::1%eth0 --name-required
    Exit status: 0 named, 2 no name (with --name-required), 75 temporary
    failure, 64 malformed address or port.
    """
    from .hostcmds import check_via, show_address

    opts = _options(ctx)
    return show_address(opts.resolver(check_via(via), warn_files=True), address, port, via=via, numeric_host=numeric_host, numeric_serv=numeric_serv,
                        name_required=name_required, no_fqdn=no_fqdn, dgram=dgram, explain=explain,
                        as_json=opts.json)


# -- configuration --------------------------------------------------------------------


@app.command()
def check(
    ctx: typer.Context,
    files: Optional[list[str]] = typer.Argument(None, metavar="[FILE]...", help="Files to check (default: every file lookup reads)."),
) -> int:
    """Lint configuration files: what glibc skips or reads differently than it looks.

    \b
    Each finding is printed as FILE:LINE: reason. A FILE is parsed by
    its name (hosts, services, protocols, networks, rpc, nsswitch.conf,
    resolv.conf, gai.conf, host.conf; a suffix such as hosts.new counts).
      lookup check
      lookup check /etc/hosts ./services.new
      lookup --etc ./chroot/etc check
    Exit status: 0 clean, 1 findings, 66 a FILE cannot be read.
    """
    from .check import run_check

    opts = _options(ctx)
    return run_check(opts.resolver() if not files else None, files or [], opts.json, etc=opts.etc)


@app.command()
def config(ctx: typer.Context) -> int:
    """Show the effective configuration and where each value came from.

    \b
    The files read, the switch order per database (with sources this
    machine cannot load marked), the nameservers, search list, ndots and
    the other resolver options, host.conf, and the address-ordering policy
    (gai.conf), each with its origin: FILE:LINE, an environment variable
    (LOCALDOMAIN, RES_OPTIONS, RESOLV_MULTI ...), the host name, or glibc's
    built-in default.
      lookup config
      lookup --etc ./chroot/etc --json config
    """
    from .config import show_config

    opts = _options(ctx)
    return show_config(opts.resolver(), opts.json)


# -- connecting -------------------------------------------------------------------------


@app.command()
def connect(
    ctx: typer.Context,
    host: str = typer.Argument(..., metavar="HOST", help="A host name or numeric address."),
    service: str = typer.Argument(..., metavar="SERVICE", help="A service name (http) or port number."),
    family: str = typer.Option("any", "--family", "-f", metavar="4|6|any", help="Only IPv4 (4) or IPv6 (6) addresses."),
    timeout: float = typer.Option(10.0, "--timeout", "-w", metavar="S", help="Give up after S seconds in all (default 10)."),
    delay: float = typer.Option(250.0, "--delay", metavar="MS", help="Connection Attempt Delay in ms, 10-2000 (default 250)."),
) -> int:
    """Connect to HOST SERVICE as a Happy Eyeballs client does, and show which address wins.

    \b
    The addresses are getaddrinfo's (TCP), in glibc's order, interleaved
    by family (RFC 8305 section 4: IPv6, IPv4, IPv6 ...). Attempts start
    every --delay ms, or at once when the running ones have failed; the
    first handshake to complete wins and the others are cancelled. Each
    attempt is shown with its start time, result (connected, refused,
    timed out, error, cancelled) and duration.
      lookup connect localhost ssh
      lookup connect api.test 8443 --family 6 --timeout 2
      lookup --json connect db.test postgresql
    Exit status: 0 connected, 1 every attempt failed, 2 the name or
    service did not resolve, 75 timed out, 64 bad option.
    """
    from .connect import run_connect

    opts = _options(ctx)
    return run_connect(opts.resolver(warn_files=True), host, service, family=family, timeout=timeout, delay_ms=delay,
                       as_json=opts.json)


@app.command()
def compare(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The host name to compare."),
    family: str = typer.Option("any", "--family", "-f", metavar="4|6|any", help="Only IPv4 (4) or IPv6 (6)."),
) -> int:
    """Compare what programs get for a name with what DNS and the system's libc say.

    \b
    Four paths, side by side: the switch (nss: what getaddrinfo gives
    programs such as ping and curl), /etc/hosts alone, DNS alone (what dig
    and host see, with the search list) and this machine's libc. Each
    disagreement is named and explained, e.g. which hosts-file line answers
    before DNS.
      lookup compare www.example.com
      lookup --json compare api.internal --family 4
    Exit status: 0 when all paths agree, 1 when they differ, 64 bad option.
    """
    from .compare import run_compare
    from .hostcmds import parse_family

    opts = _options(ctx)
    return run_compare(opts, name, parse_family(family), opts.json)
