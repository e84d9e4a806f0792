"""The getent-compatible commands: services, protocols, networks, rpc, hosts, ahosts, ahostsv4, ahostsv6.

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


_GETENT_EPILOG = "Exit status: 0 when every KEY was found, 2 when any was not (as getent)."


def _getent(ctx: typer.Context, database: str, keys: list[str] | None, **kw: bool) -> int:
    from .getent import run_getent

    return run_getent(options(ctx).resolver(), database, keys or [], **kw)


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
