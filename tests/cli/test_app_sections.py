"""The command sections of ``netdb.cli.app``: every command in exactly one, help order kept."""

from __future__ import annotations

from typer.main import get_command_name

from netdb.cli.app import SECTIONS, app, load_commands


def _names() -> list[str]:
    return [info.name or get_command_name(info.callback.__name__) for info in app.registered_commands if info.callback]


def test_every_command_is_in_one_section_in_help_order() -> None:
    load_commands("serv")
    load_commands("compare")
    assert load_commands() is False
    listed = [name for names in SECTIONS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert _names() == listed


def test_known_and_unknown_names() -> None:
    assert load_commands("host") is True
    assert load_commands("no-such-command") is False
    assert "host" in _names()
