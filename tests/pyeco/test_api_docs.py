"""The public API is documented: every public name has a docstring; the CLI offers shell completion."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import netdb

ROOT = Path(__file__).resolve().parents[2]


def _public_modules() -> list[str]:
    names = ["netdb"]
    for info in pkgutil.walk_packages(netdb.__path__, "netdb."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name.startswith("netdb.cli"):
            continue
        names.append(info.name)
    return names


def _undocumented(owner: str, obj: Any) -> list[str]:
    missing = []
    if not (inspect.getdoc(obj) or "").strip():
        missing.append(owner)
    if inspect.isclass(obj):
        for attr, value in vars(obj).items():
            if attr.startswith("_"):
                continue
            target = value.fget if isinstance(value, property) else value
            if isinstance(target, (staticmethod, classmethod)):
                target = target.__func__
            if inspect.isfunction(target) and not (inspect.getdoc(target) or "").strip():
                missing.append(f"{owner}.{attr}")
    return missing


def test_every_public_name_has_a_docstring() -> None:
    missing: list[str] = []
    for modname in _public_modules():
        module = importlib.import_module(modname)
        if not (module.__doc__ or "").strip():
            missing.append(modname)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj):
                if getattr(obj, "__module__", modname).split(".")[0] != "netdb":
                    continue
                missing += _undocumented(f"{modname}.{name}", obj)
    assert missing == []


def test_netdb_all_resolves() -> None:
    for name in netdb.__all__:
        assert getattr(netdb, name) is not None, name
    assert callable(netdb.patch) and callable(netdb.install) and callable(netdb.uninstall)


def _lookup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    run_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    run_env.update(env or {})
    return subprocess.run([sys.executable, "-c", "import sys; from netdb.cli import main; sys.argv[0] = 'lookup'; main()",
                           *args], capture_output=True, text=True, env=run_env, timeout=60)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell: str) -> None:
    # typer detects the user's shell (`lookup --show-completion`); with detection off
    # the shell is given: `lookup --show-completion bash`.
    res = _lookup("--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert res.returncode == 0, res.stderr
    assert "_LOOKUP_COMPLETE" in res.stdout
    assert f"complete_{shell}" in res.stdout


def test_completion_protocol_answers_commands_and_options() -> None:
    res = _lookup(env={"_LOOKUP_COMPLETE": "complete_bash", "COMP_WORDS": "lookup con", "COMP_CWORD": "1"})
    assert res.returncode == 0, res.stderr
    assert set(res.stdout.split()) == {"config", "connect"}
    res = _lookup(env={"_LOOKUP_COMPLETE": "complete_bash", "COMP_WORDS": "lookup connect x y --ti", "COMP_CWORD": "4"})
    assert res.stdout.split() == ["--timeout"]
