"""The friendly views: serv, srv (a service's servers from DNS SRV records), proto, net.

Declared on ``netdb.cli.app.app``; ``netdb.cli.app.load_commands`` imports
this module when one of these commands runs (every section for help and
completion).
"""

from typing import Optional

import typer

from . import EXIT_USAGE, CliError
from .app import app, options

# typer reads the annotations at run time: keep Optional[...] and List[...]
# spelled the way it understands on every supported Python.
# ruff: noqa: UP045


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
    opts = options(ctx)
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

    opts = options(ctx)
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

    opts = options(ctx)
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

    opts = options(ctx)
    return show_network(opts.resolver(), key, opts.json)
