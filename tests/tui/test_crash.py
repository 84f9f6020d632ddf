"""An unexpected error in the app shows a plain apology, never a traceback, and is reported to the kiosk."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    from wizard.loader import load_library
    from wizard.tui.app import WizardApp

    class Broken(WizardApp):
        def on_mount(self):
            super().on_mount()
            self.call_after_refresh(self.explode)

        def explode(self):
            secret = "visitor-answer-12345"
            raise RuntimeError("boom " + secret)

    app = Broken(load_library())
    app.run(headless=True, size=(80, 24))
    raise SystemExit(app.return_code)
""")


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, **env})


def test_crash_shows_an_apology_not_a_traceback(tmp_path: Path) -> None:
    """A crash prints the bilingual apology, exits 1, and shows no traceback or local variables."""
    read, write = os.pipe()
    os.set_inheritable(write, True)
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={**os.environ, "WIZARD_KIOSK_EVENTS_FD": str(write), "WIZARD_DEBUG": ""},
                            pass_fds=(write,))
    os.close(write)
    events = os.read(read, 4096).decode()
    os.close(read)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "很抱歉，程序出了意外" in output
    assert "Traceback" not in output and "visitor-answer-12345" not in output
    assert events.startswith("CRASH RuntimeError ")


def test_debug_mode_keeps_textuals_traceback() -> None:
    """With WIZARD_DEBUG=1 developers get Textual's full traceback."""
    result = _run({"WIZARD_DEBUG": "1"})
    assert result.returncode == 1 and "RuntimeError" in result.stdout + result.stderr
