"""The real wizard app (`python -m wizard --kiosk`) behind the kiosk server."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard.kiosk.config import APP_TARGET, build_child_argv

from .conftest import WAIT, process_exists

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def _real_app_missing() -> str | None:
    """Why the real app cannot be tested yet, or None when it can."""
    if importlib.util.find_spec("wizard.__main__") is None:
        return "wizard/__main__.py does not exist yet"
    if importlib.util.find_spec("wizard.tui.app") is None:
        return "the Textual app (wizard.tui.app) does not exist yet"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PACKAGE_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", APP_TARGET, "--help"], env=env, capture_output=True, check=False
    )
    if b"--kiosk" not in result.stdout:
        return "`python -m wizard --help` does not offer --kiosk yet"
    return None


_MISSING = _real_app_missing()
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.timeout(60),
    pytest.mark.skipif(_MISSING is not None, reason=f"real app not ready: {_MISSING}"),
]

PINNED_FLOW = "reimbursement-account"
"""A shipped flow whose first choices lead to an outcome in two key presses."""


async def test_real_app_home_over_ssh(start_kiosk, connect) -> None:
    """The real app's Home appears over SSH, and Ctrl-C, Ctrl-Q, Ctrl-Z and Ctrl-\\ do not end it."""
    server = await start_kiosk(child_argv=None)
    term = await connect(server, size=(100, 30))
    await term.wait_for("医保")
    (pid,) = server.session_pids
    for key in (b"\x03", b"\x11", b"\x1a", b"\x1c"):
        term.send(key)
    term.send(b"\x1b[B")  # still answering keys afterwards
    await asyncio.sleep(0.5)  # give a wrongly ending app the time to end
    assert process_exists(pid) and not term.eof.is_set()
    assert "医保" in term.text()


async def test_real_app_at_narrow_width(start_kiosk, connect) -> None:
    """The real app draws its CJK Home in a 40-column terminal."""
    server = await start_kiosk(child_argv=None)
    term = await connect(server, size=(40, 20))
    await term.wait_for("医保")
    assert not term.eof.is_set()


async def test_real_app_outcome_is_logged(start_kiosk, connect, kiosk_logs) -> None:
    """Answering a pinned flow to its end makes the server log the flow and outcome ids."""
    argv = build_child_argv(APP_TARGET, flow=PINNED_FLOW)
    server = await start_kiosk(child_argv=argv)
    term = await connect(server, size=(100, 30))
    await term.wait_for("医保")
    expected = f"flow={PINNED_FLOW} outcome="
    deadline = time.monotonic() + WAIT
    while expected not in kiosk_logs.text:  # the first choice of each question, until the end
        assert time.monotonic() < deadline, f"no outcome logged; screen:\n{term.text()}"
        term.send(b"1")
        await asyncio.sleep(0.5)
    assert not term.eof.is_set()
