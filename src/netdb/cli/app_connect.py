"""The connecting commands: connect and compare.

Declared on ``netdb.cli.app.app``; ``netdb.cli.app.load_commands`` imports
this module when one of these commands runs (every section for help and
completion).
"""

import typer

from .app import app, options


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

    opts = options(ctx)
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

    opts = options(ctx)
    return run_compare(opts, name, parse_family(family), opts.json)
