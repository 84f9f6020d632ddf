"""The core never imports the UI or the SSH library."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ["wizard.model", "wizard.loader", "wizard.yamlload", "wizard.checks", "wizard.conditions",
        "wizard.citations", "wizard.engine", "wizard.replay", "wizard.paths", "wizard.errors",
        "wizard.answers", "wizard.resources"]


def test_core_imports_no_textual_or_asyncssh() -> None:
    """Importing every core module in a fresh interpreter leaves textual, rich and asyncssh unloaded."""
    code = "import sys\n" + "".join(f"import {m}\n" for m in CORE) + (
        "bad = [m for m in ('textual', 'rich', 'asyncssh') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_import_linter_contract_holds() -> None:
    """The import-linter contract in pyproject.toml is kept."""
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([exe], capture_output=True, text=True, cwd=root, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
