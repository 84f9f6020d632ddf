"""Telling the SSH kiosk server which outcome a person reached (protocol v1 of `wizard/kiosk/events.py`).

The server passes a pipe's write end as the fd number in `WIZARD_KIOSK_EVENTS_FD`; we write
`OUTCOME <flow-id> <outcome-id>\\n` and never anything about the answers. Kept here (a few
lines) rather than imported so the app does not depend on the server's package.
"""

from __future__ import annotations

import os
import re

EVENTS_FD_ENV = "WIZARD_KIOSK_EVENTS_FD"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/-]")


def _safe_id(value: str) -> str:
    return _UNSAFE.sub("_", value)[:80] or "_"


def report_outcome(flow_id: str, outcome_id: str) -> bool:
    """Write one OUTCOME line if running under the kiosk; never raises (a dead pipe must not stop the app)."""
    return _write(f"OUTCOME {_safe_id(flow_id)} {_safe_id(outcome_id)}\n")


def report_crash(error: BaseException) -> bool:
    """Write one CRASH line (exception type and where it was raised) if running under the kiosk."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else "?"
    return _write(f"CRASH {_safe_id(type(error).__name__)} {_safe_id(where)}\n")


def _write(line: str) -> bool:
    fd_text = os.environ.get(EVENTS_FD_ENV, "")
    if not fd_text.isdigit():
        return False
    try:
        os.write(int(fd_text), line.encode("utf-8"))
    except OSError:
        return False
    return True
