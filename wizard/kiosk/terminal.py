"""Terminal facts the server needs: size limits, reset bytes, messages, and an input filter."""

from __future__ import annotations

import codecs
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
MSG_APP_CRASHED: Final = _message(
    "向导出错了，请重新连接。",
    "The wizard hit an error; please connect again.",
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
    bytes after `ESC [` are ever held back, and only until the sequence ends, so a lone
    Escape key is never delayed.

    Key reports (`CSI code;modifiers;text u` and kin) that Textual's parser cannot take
    (a code past U+10FFFF, colon-separated alternates) are dropped: they would end the app.

    Bytes that are not UTF-8 (a GBK or Latin-1 terminal, line noise) become U+FFFD:
    Textual's input decoder is strict, and one such byte would end the app. (A character
    split between two packets waits for its last byte.)
    """

    _MAX_HELD: Final = 64

    def __init__(self) -> None:
        self._state = "ground"  # ground | esc | csi | passthrough | discard
        self._held = bytearray()
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> bytes:
        """Bytes to hand to the app for `data` received from the client."""
        out = bytearray()
        for byte in self._utf8.decode(data).encode():
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
        elif not 0x30 <= byte <= 0x3F:  # an intermediate byte: not a sequence we check
            out += b"[" + self._held + bytes([byte])
            self._state = "passthrough"
        elif len(self._held) >= self._MAX_HELD:
            self._state = "discard"  # an absurdly long sequence: the app never sees it
        else:
            self._held.append(byte)


_RESIZE_PREFIX = b"48;"
_RESIZE_PARAMS = re.compile(rb"48;(\d+)[^;]*;(\d+)[^;]*;(\d+)[^;]*;(\d+)[^;]*")


_KEY_FINALS = b"u~ABCDEFHPQRS"
"""Final bytes of the sequences Textual parses as (kitty-style) key reports."""
_KEY_PARAMS = re.compile(rb"[\d:;]*")


def _key_report_ok(params: bytes) -> bool:
    """Whether Textual can parse a key report with these parameters (it calls int() and chr() on them)."""
    if not _KEY_PARAMS.fullmatch(params):
        return True  # not a key report to Textual
    code, modifiers, text, *_ = params.split(b";") + [b"", b"", b""]
    numbers = [int(n) for n in [code, modifiers, *text.split(b":")] if n.isdigit()]
    return b":" not in code + modifiers and all(n <= 0x10FFFF and not 0xD800 <= n <= 0xDFFF for n in numbers)


def _rewrite_csi(params: bytes, final: int) -> bytes:
    match = _RESIZE_PARAMS.fullmatch(params) if final == ord("t") else None
    if match is None:
        if final == ord("t") and params.startswith(_RESIZE_PREFIX):
            return b""  # malformed resize report: the app must not see it at all
        if final in _KEY_FINALS and not _key_report_ok(params):
            return b""  # a key report that would end the app
        return b"[" + params + bytes([final])
    rows, cols, px_high, px_wide = (int(group) for group in match.groups())
    cols, rows = clamp_size(cols, rows)
    # At least a pixel per cell: Textual divides mouse positions by pixels per cell (0 crashes it).
    px_high, px_wide = max(rows, min(px_high, 65535)), max(cols, min(px_wide, 65535))
    return b"[48;%d;%d;%d;%dt" % (rows, cols, px_high, px_wide)
