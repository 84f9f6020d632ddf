"""The environment of a session's process, built from an allow-list and never from the client."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from wizard.kiosk.events import EVENTS_FD_ENV
from wizard.kiosk.terminal import colorterm_for, safe_term

PARENT_PID_ENV: Final = "WIZARD_KIOSK_PARENT_PID"
MEMORY_LIMIT_ENV: Final = "WIZARD_KIOSK_MEMORY_MB"
ENV_ROOM_ENV: Final = "WIZARD_KIOSK_ENV_ROOM"
"""Zygote only: filler that reserves room to show each session's environment in /proc."""
ENV_ROOM: Final = 256
SAFE_PATH: Final = "/usr/local/bin:/usr/bin:/bin"
PACKAGE_ROOT: Final = Path(__file__).resolve().parents[2]
"""The directory holding the `wizard` package, so the child imports this very copy."""


def child_environment(
    *,
    term_type: str | None,
    home: Path,
    lang: str,
    colorterm_policy: str,
    events_fd: int,
    parent_pid: int,
    memory_limit_mb: int,
) -> dict[str, str]:
    """Variables for the child: only these, whatever the client sent or the server has.

    Client-sent variables are dangerous (PYTHONINSPECT opens a REPL, LD_PRELOAD and
    PYTHONPATH load code, TEXTUAL_DRIVER imports a class, TEXTUAL_LOG writes files),
    and COLUMNS/LINES would pin the size so the app ignores resizes.
    """
    term = safe_term(term_type)
    env = {
        "TERM": term,
        "LANG": lang,
        "PATH": SAFE_PATH,
        "HOME": str(home),
        "TMPDIR": str(home),
        "PYTHONPATH": str(PACKAGE_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        EVENTS_FD_ENV: str(events_fd),
        PARENT_PID_ENV: str(parent_pid),
        MEMORY_LIMIT_ENV: str(memory_limit_mb),
    }
    colorterm = colorterm_for(term, colorterm_policy)
    if colorterm:
        env["COLORTERM"] = colorterm
    return env


SESSION_ONLY: Final = ("TERM", "COLORTERM", EVENTS_FD_ENV, MEMORY_LIMIT_ENV)
"""Variables that only make sense for one session, so the zygote's own environment lacks them."""


def zygote_environment(*, home: Path, lang: str, parent_pid: int) -> dict[str, str]:
    """Variables for the zygote process: the sessions' allow-list without per-session values.

    The zygote imports Textual, which reads `TEXTUAL_*` variables at import time, so it
    must start from the same allow-list as a session, never from the server's environment.
    `WIZARD_KIOSK_ENV_ROOM` only reserves space so that each forked session can write its
    own environment where `/proc/<pid>/environ` shows it; sessions never have it.
    """
    env = child_environment(
        term_type=None,
        home=home,
        lang=lang,
        colorterm_policy="none",
        events_fd=0,
        parent_pid=parent_pid,
        memory_limit_mb=0,
    )
    for name in SESSION_ONLY:
        env.pop(name, None)
    env[ENV_ROOM_ENV] = "." * ENV_ROOM
    return env
