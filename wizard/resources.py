"""Where the bundled flows and schemas are: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def flows_dir() -> Path:
    """The bundled ``flows/`` folder."""
    return _data_dir("flows")


def schemas_dir() -> Path:
    """The bundled ``schemas/`` folder."""
    return _data_dir("schemas")


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON Schema by short name: ``flow``, ``articles`` or ``replay``."""
    data: dict[str, Any] = json.loads((schemas_dir() / f"{name}.schema.json").read_text("utf-8"))
    return data
