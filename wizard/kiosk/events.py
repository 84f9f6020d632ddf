"""The events pipe: how a session's app tells the kiosk server which outcome it reached.

Protocol (version 1):

* The server creates a pipe per session and passes its write end to the app process.
  The descriptor number is in the environment variable `WIZARD_KIOSK_EVENTS_FD`;
  when the variable is absent (the app is not running under the kiosk) nothing is
  written anywhere.
* The app writes UTF-8 lines ending in `\\n`, one event per line, fields separated by
  single spaces:

  - `OUTCOME <flow-id> <outcome-id>`: the user reached that outcome.
  - `CRASH <exception-type> <file:line>`: the app died (written by the child wrapper).

* Ids match `[A-Za-z0-9_.:/-]{1,80}`. Lines longer than 512 bytes, unknown verbs and
  malformed lines are ignored by the server. Never put answers in an event: the server
  logs every event it accepts.

Use `report_outcome()`; it never raises, so a broken pipe cannot break the app.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

EVENTS_FD_ENV: Final = "WIZARD_KIOSK_EVENTS_FD"
MAX_LINE: Final = 512
_ID = re.compile(r"[A-Za-z0-9_.:/-]{1,80}")
_ARITY: Final = {"OUTCOME": 2, "CRASH": 2}


@dataclass(frozen=True)
class KioskEvent:
    """One accepted line from the events pipe."""

    verb: str
    """`OUTCOME` or `CRASH`."""
    args: tuple[str, ...]
    """The ids after the verb, already checked against the id pattern."""


def parse_event(line: bytes) -> KioskEvent | None:
    """The event on one line from the pipe, or None for anything not in the protocol."""
    if len(line) > MAX_LINE:
        return None
    try:
        verb, *args = line.decode("utf-8").split()
    except (UnicodeDecodeError, ValueError):
        return None
    if _ARITY.get(verb) != len(args) or not all(_ID.fullmatch(arg) for arg in args):
        return None
    return KioskEvent(verb, tuple(args))


def _safe_id(value: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.:/-]", "_", value)[:80]
    return cleaned or "_"


def write_event(verb: str, *args: str) -> bool:
    """Write one event line if running under the kiosk; True when it was written."""
    fd_text = os.environ.get(EVENTS_FD_ENV)
    if not fd_text or not fd_text.isdigit():
        return False
    line = " ".join([verb, *(_safe_id(arg) for arg in args)]) + "\n"
    try:
        os.write(int(fd_text), line.encode("utf-8"))
    except OSError:
        return False  # the server went away or closed the pipe: the app carries on
    return True


def report_outcome(flow_id: str, outcome_id: str) -> bool:
    """Tell the kiosk server (if any) that the user reached `outcome_id` in `flow_id`."""
    return write_event("OUTCOME", flow_id, outcome_id)


class LineSplitter:
    """Splits the pipe's byte stream into lines, dropping any line longer than MAX_LINE."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skipping = False  # inside an over-long line: drop bytes up to its newline

    def feed(self, data: bytes) -> list[bytes]:
        """Complete lines (without newlines) found in the stream so far."""
        lines: list[bytes] = []
        for piece in data.split(b"\n")[:-1] if b"\n" in data else []:
            lines += self._complete(piece)
        tail = data.rsplit(b"\n", 1)[-1]
        self._buffer += tail
        if len(self._buffer) > MAX_LINE:
            self._buffer.clear()
            self._skipping = True
        return lines

    def _complete(self, piece: bytes) -> list[bytes]:
        line = bytes(self._buffer) + piece
        self._buffer.clear()
        skipped, self._skipping = self._skipping, False
        return [] if skipped or len(line) > MAX_LINE else [line]
