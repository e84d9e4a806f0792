"""The ``lookup`` application (typer): its global options and its commands.

The commands are declared, by section, in ``app_getent``, ``app_views``,
``app_hosts``, ``app_config`` and ``app_connect``; ``load_commands`` imports
the section of the command being run (or all of them, for help), so that
``lookup serv mysql`` does not build the options of the other commands.  Each
command imports the code it runs when it runs, so that ``lookup serv mysql``
loads neither DNS nor address sorting.
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


def options(ctx: typer.Context) -> Options:
    """The global options of the command line ``ctx`` belongs to."""
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


# The command sections, in the order ``lookup --help`` lists them.
SECTIONS: dict[str, tuple[str, ...]] = {
    "app_getent": ("services", "protocols", "networks", "rpc", "hosts", "ahosts", "ahostsv4", "ahostsv6"),
    "app_views": ("serv", "srv", "proto", "net"),
    "app_hosts": ("host", "addr"),
    "app_config": ("check", "config"),
    "app_connect": ("connect", "compare"),
}
_ORDER = {name: i for i, name in enumerate(name for names in SECTIONS.values() for name in names)}


def load_commands(command: str | None = None) -> bool:
    """Register the commands of ``command``'s section on ``app`` (every section for None or an unknown name).

    Returns whether ``command`` was a known command.  However many calls
    registered them, the commands stay in ``SECTIONS`` order.
    """
    import importlib

    from typer.main import get_command_name

    sections = [s for s, names in SECTIONS.items() if command in names]
    known = bool(sections)
    for section in sections or SECTIONS:
        importlib.import_module(f"{__package__}.{section}")

    def rank(info: typer.models.CommandInfo) -> int:
        name = info.name or (get_command_name(info.callback.__name__) if info.callback is not None else "")
        return _ORDER.get(name, len(_ORDER))

    app.registered_commands.sort(key=rank)
    return known
