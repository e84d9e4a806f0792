"""Module attributes loaded on first use (a module's ``__getattr__``, PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["load"]


def load(namespace: dict[str, Any], table: Mapping[str, str], name: str) -> Any:
    """The attribute ``name`` of the module whose globals are ``namespace``, imported from
    ``netdb.<table[name]>`` and kept there; AttributeError when ``table`` does not list it."""
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"netdb.{module}"), name)
    namespace[name] = value
    return value
