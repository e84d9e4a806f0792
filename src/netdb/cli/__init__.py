"""The ``lookup`` command: what a name resolves to for your programs, and why.

``main()`` runs the typer application defined in ``netdb.cli.app`` and turns
every failure into one line on stderr and a documented exit status:

====  ==========================================================================
 0    success
 1    ``compare``: the paths disagree; ``check``: a file has a diagnostic;
      ``connect``: every connection attempt failed
 2    a key or name was not found (getent's status), or did not resolve
 3    enumeration not supported for that database (getent's status)
 64   usage error: unknown option or command, bad family, port out of range,
      malformed address, unknown database
 66   an input is missing or unreadable: the ``--etc`` directory, a file to
      ``check``, a ``--from`` list
 70   internal error (a bug: please report it); never a traceback unless
      ``NETDB_DEBUG=1``
 75   temporary failure: DNS did not answer (EAI_AGAIN) or ``--timeout`` ran out
      (``connect``: no attempt connected in time)
====  ==========================================================================
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any

__all__ = ["EXIT_USAGE", "CliError", "main"]

EXIT_USAGE = 64
EXIT_NOINPUT = 66
EXIT_SOFTWARE = 70
EXIT_TEMPFAIL = 75


class CliError(Exception):
    """A failure the CLI reports as one line and an exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _say(message: str) -> None:
    from .output import warn

    warn(message)


RESOLVERS: list[Any] = []
"""The Resolvers this command made (``Options.resolver``), for ``_file_warnings``."""


def _file_warnings() -> None:
    """One line on stderr per file the command read that exists but could not be read.

    getent-compatible commands still print exactly what getent prints on
    stdout; this line says why a database came out empty or a lookup failed.
    """
    seen: set[str] = set()
    for r in RESOLVERS:
        try:
            problems = r.file_problems()
        except Exception:  # a warning must never turn into a failure
            continue
        for line in problems:
            if line not in seen:
                seen.add(line)
                _say(f"warning: {line}")


_GC_PAUSED: list[bool] = []
"""Set while ``main`` keeps the cyclic garbage collector paused (see ``resume_gc``)."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``lookup`` console script.

    The cyclic garbage collector is paused for the command: a one-shot
    command frees its objects by reference counting and exits, and the
    collector's passes over everything imported at startup (typer and click
    alone set off about thirty, some 3 ms) would be pure cost.  Commands that
    may run long (``host --from``) call ``resume_gc`` first.
    """
    if gc.isenabled():
        gc.disable()
        _GC_PAUSED.append(True)
    code = run(argv)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


def resume_gc() -> None:
    """Turn the garbage collector back on if ``main`` paused it (for a command that may run long).

    What the program has built so far (modules, the command) lives until it
    exits: it is frozen out of the collector's passes, which then walk only
    the objects the command makes from here on.
    """
    if _GC_PAUSED:
        del _GC_PAUSED[:]
        gc.freeze()
        gc.enable()


def run(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    import typer

    from .app import app

    del RESOLVERS[:]
    _tolerant_streams()
    try:
        try:
            result = _narrowed(app, argv)(args=argv, prog_name="lookup", standalone_mode=False)
        finally:
            _file_warnings()
    except CliError as exc:
        _say(exc.message)
        return exc.code
    except typer.TyperException as exc:
        return _typer_failure(exc)
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        return 130
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("NETDB_DEBUG"):
            raise
        _say(f"internal error: {type(exc).__name__}: {exc} (set NETDB_DEBUG=1 for the traceback)")
        return EXIT_SOFTWARE
    return int(result or 0) if isinstance(result, int) else 0


# Global options that take a value (``--etc DIR``), as app.py declares them.
_GLOBAL_WITH_VALUE = frozenset({"--etc", "--timeout", "--nameserver"})


def _narrowed(app: Any, argv: list[str] | None) -> Any:
    """The app with only the command being invoked, when ``argv`` names one.

    Only that command's section of declarations is imported (``load_commands``),
    and typer, which turns every registered command into a click command
    (reading its signature and annotations) before running any, builds only
    that one: a one-shot ``lookup serv mysql`` need not pay for the other
    sixteen.  Help, completion, unknown names and anything unusual get the
    whole app, so what users see is the same.
    """
    from .app import load_commands

    args = sys.argv[1:] if argv is None else argv
    if any(key.startswith("_LOOKUP_COMPLETE") for key in os.environ):
        load_commands()
        return app
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _GLOBAL_WITH_VALUE:
            i += 2
        elif arg == "--json" or (arg.startswith("--") and arg.split("=", 1)[0] in _GLOBAL_WITH_VALUE):
            i += 1
        elif arg.startswith("-"):
            load_commands()
            return app
        else:
            break
    else:
        load_commands()
        return app
    if not load_commands(args[i]):
        return app
    import copy

    from typer.main import get_command_name

    wanted = [info for info in app.registered_commands
              if (info.name or get_command_name(info.callback.__name__)) == args[i]]
    if len(wanted) != 1 or app.registered_groups:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands = wanted
    return narrowed


def _tolerant_streams() -> None:
    """Let text the locale cannot encode (a name in UTF-8 on an ASCII terminal) come out as backslash escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _typer_failure(exc: Exception) -> int:
    """Usage errors from the command-line parser: one line, status 64."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if isinstance(exc, NoArgsIsHelpError):
        sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx is not None else "")
        return EXIT_USAGE
    if isinstance(exc, UsageError):
        hint = f" (try `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        message = " ".join(exc.format_message().split()).removesuffix(".")
        _say(message + hint)
        return EXIT_USAGE
    _say(str(exc))
    return EXIT_USAGE
