"""The configuration commands: check and config.

Declared on ``netdb.cli.app.app``; ``netdb.cli.app.load_commands`` imports
this module when one of these commands runs (every section for help and
completion).
"""

from typing import Optional

import typer

from .app import app, options

# typer reads the annotations at run time: keep Optional[...] and List[...]
# spelled the way it understands on every supported Python.
# ruff: noqa: UP045, B008


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

    opts = options(ctx)
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

    opts = options(ctx)
    return show_config(opts.resolver(), opts.json)
