"""The host commands: host (getaddrinfo) and addr (getnameinfo).

Declared on ``netdb.cli.app.app``; ``netdb.cli.app.load_commands`` imports
this module when one of these commands runs (every section for help and
completion).
"""

from typing import TYPE_CHECKING, Optional

import typer

from . import EXIT_USAGE, CliError
from .app import app, options

if TYPE_CHECKING:
    from ..resolver import Resolver

# typer reads the annotations at run time: keep Optional[...] and List[...]
# spelled the way it understands on every supported Python.
# ruff: noqa: UP045, B008


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
    processes (chunks of 512 names, output still in input order), which
    share --concurrency too: on a 2-core machine with a local server,
      lookup host --from names.txt --jobs 2 --concurrency 128
    Exit status: 0 all resolved, 2 a name did not resolve, 75 temporary
    failure, 64 bad option, 66 --from file unreadable.
    """
    from .hostcmds import check_via, show_hosts

    opts = options(ctx)
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

    opts = options(ctx)
    return show_address(opts.resolver(check_via(via), warn_files=True), address, port, via=via, numeric_host=numeric_host, numeric_serv=numeric_serv,
                        name_required=name_required, no_fqdn=no_fqdn, dgram=dgram, explain=explain,
                        as_json=opts.json)
