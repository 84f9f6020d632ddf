"""Terminal facts the server needs: size limits, reset bytes, messages, and an input filter."""

from __future__ import annotations

import re
from typing import Final

MIN_COLS: Final = 20
MAX_COLS: Final = 400
MIN_ROWS: Final = 8
MAX_ROWS: Final = 200
DEFAULT_SIZE: Final = (80, 24)

RESET: Final = (
    b"\x1b[?2026l"  # synchronized output off, in case the app died mid-frame
    b"\x1b[<u"  # pop the kitty keyboard mode Textual pushed
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?1004l"  # focus reporting off
    b"\x1b[?2048l"  # in-band resize reports off
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[0m"  # plain colours
    b"\x1b[?25h"  # cursor visible
    b"\r\n"
)
"""Sent whenever the server ends a session, so the user's terminal is usable afterwards."""


def _message(chinese: str, english: str) -> bytes:
    return f"{chinese}\r\n{english}\r\n".encode()


MSG_FULL: Final = _message(
    "服务器繁忙：同时在线的会话已满，请稍后再试。",
    "The server is busy: all sessions are in use. Please try again later.",
)
MSG_PER_IP: Final = _message(
    "来自您网络地址的会话过多，请先结束其他会话。",
    "Too many sessions from your address. Please close another session first.",
)
MSG_IDLE: Final = _message(
    "长时间没有操作，会话已结束。欢迎再次连接。",
    "The session ended after a period without input. You are welcome to connect again.",
)
MSG_MAX_DURATION: Final = _message(
    "会话已达到最长时间，已结束。欢迎再次连接。",
    "The session reached its time limit and has ended. You are welcome to connect again.",
)
MSG_SHUTDOWN: Final = _message(
    "服务器正在维护，会话已结束。",
    "The server is shutting down; the session has ended.",
)
MSG_APP_FAILED: Final = _message(
    "向导暂时无法启动，请稍后再试。",
    "The wizard could not be started. Please try again later.",
)
MSG_INTERACTIVE_ONLY: Final = _message(
    "本服务只提供交互式向导，请用 `ssh -t` 连接，不要附带命令。",
    "This service only offers the interactive wizard: connect with `ssh -t` and no command.",
)

_TERM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_TRUECOLOR_TERMS: Final = ("xterm-kitty", "alacritty", "wezterm", "foot", "xterm-ghostty")


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A window size safe to give the app: zeros mean 'unknown', the rest is clamped."""
    cols = cols or DEFAULT_SIZE[0]
    rows = rows or DEFAULT_SIZE[1]
    return max(MIN_COLS, min(MAX_COLS, cols)), max(MIN_ROWS, min(MAX_ROWS, rows))


def safe_term(term_type: str | None) -> str:
    """The client's TERM if it is a plain terminfo name, else a common default."""
    if term_type and _TERM_NAME.fullmatch(term_type):
        return term_type
    return "xterm-256color"


def colorterm_for(term: str, policy: str) -> str | None:
    """COLORTERM for the app: OpenSSH never forwards it, so guess from TERM unless told."""
    if policy == "truecolor":
        return "truecolor"
    if policy == "none":
        return None
    if term.endswith(("-256color", "-direct")) or term.startswith(_TRUECOLOR_TERMS):
        return "truecolor"
    return None


class InputFilter:
    """Clamps in-band resize reports (`CSI 48;rows;cols;ph;pw t`) typed by the client.

    Textual parses these reports from its input at any time, so without this a client
    could bypass the window-size clamp by sending the bytes as keystrokes. Only the
    bytes after `ESC [` are ever held back, and only while they can still become such
    a report, so a lone Escape key is never delayed.
    """

    _MAX_HELD: Final = 64

    def __init__(self) -> None:
        self._state = "ground"  # ground | esc | csi | passthrough | discard
        self._held = bytearray()

    def feed(self, data: bytes) -> bytes:
        """Bytes to hand to the app for `data` received from the client."""
        out = bytearray()
        for byte in data:
            self._step(byte, out)
        return bytes(out)

    def _step(self, byte: int, out: bytearray) -> None:
        if byte == 0x1B:  # an ESC starts a new sequence whatever came before, as in Textual
            if self._state == "csi":
                out += b"[" + self._held
            out.append(byte)
            self._state = "esc"
        elif self._state == "ground":
            out.append(byte)
        elif self._state == "esc":
            if byte == ord("["):
                self._state, self._held = "csi", bytearray()
            else:
                out.append(byte)
                self._state = "ground"
        elif self._state == "csi":
            self._step_csi(byte, out)
        else:  # the rest of a sequence that is passed on unchanged, or dropped
            if self._state == "passthrough":
                out.append(byte)
            if 0x40 <= byte <= 0x7E:
                self._state = "ground"

    def _step_csi(self, byte: int, out: bytearray) -> None:
        if 0x40 <= byte <= 0x7E:  # final byte: the sequence is complete
            out += _rewrite_csi(bytes(self._held), byte)
            self._state = "ground"
        elif not _could_be_resize(bytes(self._held) + bytes([byte])):
            out += b"[" + self._held + bytes([byte])
            self._state = "passthrough"
        elif len(self._held) >= self._MAX_HELD:
            self._state = "discard"  # an absurdly long report: the app never sees it
        else:
            self._held.append(byte)


_RESIZE_PREFIX = b"48;"
_RESIZE_PARAMS = re.compile(rb"48;(\d+)[^;]*;(\d+)[^;]*;(\d+)[^;]*;(\d+)[^;]*")


def _could_be_resize(params: bytes) -> bool:
    head = params[: len(_RESIZE_PREFIX)]
    return _RESIZE_PREFIX.startswith(head) and all(0x30 <= b <= 0x3F for b in params)


def _rewrite_csi(params: bytes, final: int) -> bytes:
    match = _RESIZE_PARAMS.fullmatch(params) if final == ord("t") else None
    if match is None:
        if final == ord("t") and params.startswith(_RESIZE_PREFIX):
            return b""  # malformed resize report: the app must not see it at all
        return b"[" + params + bytes([final])
    rows, cols, px_high, px_wide = (int(group) for group in match.groups())
    cols, rows = clamp_size(cols, rows)
    px_high, px_wide = min(px_high, 65535), min(px_wide, 65535)
    return b"[48;%d;%d;%d;%dt" % (rows, cols, px_high, px_wide)
