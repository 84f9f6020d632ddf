"""A kiosk session from the client's side: the app appears, takes keys, resizes, and stays up."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.kiosk.childenv import MEMORY_LIMIT_ENV, PARENT_PID_ENV
from wizard.kiosk.config import build_child_argv
from wizard.kiosk.events import EVENTS_FD_ENV
from wizard.kiosk.terminal import RESET

from .conftest import FAKE_APP, process_exists, wait_until

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]

DOWN = b"\x1b[B"
ENTER = b"\r"


def app_pid(text: str) -> int:
    """The fake app's pid, read off its screen."""
    line = next(line for line in text.splitlines() if line.startswith("PID "))
    return int(line.split()[1])


async def test_app_appears_with_cjk_title(start_kiosk, connect) -> None:
    """Connecting lands straight in the app, with its CJK title and the client's size."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("医保资格向导 TEST")
    await term.wait_for("SIZE 80x24")


async def test_keys_drive_app_to_outcome(start_kiosk, connect, kiosk_logs) -> None:
    """Keystrokes reach the app at once and take it to an outcome, which the server logs."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("是 yes")
    term.send(ENTER)
    await term.wait_for("结论：可以")
    await term.wait_for("“参保人员可以申请门诊慢特病待遇。”")
    await wait_until(lambda: "outcome=can-apply" in kiosk_logs.text, what="outcome log line")
    assert "flow=fake-flow" in kiosk_logs.text


async def test_cjk_outcome_at_narrow_width(start_kiosk, connect) -> None:
    """At 40 columns the CJK outcome still renders and wraps on the client's screen."""
    server = await start_kiosk()
    term = await connect(server, size=(40, 24))
    await term.wait_for("SIZE 40x24")
    term.send(DOWN + ENTER)
    await term.wait_for("结论：不可以")
    await term.wait_for("“未参保人员不能享受医保待遇。”")


async def test_resize_mid_session(start_kiosk, connect) -> None:
    """A window change from the client reaches the app as its new size."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("SIZE 80x24")
    term.resize(100, 30)
    await term.wait_for("SIZE 100x30")
    term.resize(60, 20)
    await term.wait_for("SIZE 60x20")


# The local pyte screen must be as big as the app thinks the terminal is: Textual
# separates rows with newlines, so a smaller screen scrolls the top rows away.


@pytest.mark.parametrize(
    ("requested", "clamped"),
    [((40000, 40000), (400, 200)), ((1, 1), (20, 8))],
)
async def test_window_size_is_clamped(start_kiosk, connect, requested, clamped) -> None:
    """Absurd window sizes from the client are clamped to 20-400 columns and 8-200 rows."""
    server = await start_kiosk()
    term = await connect(server, size=clamped, request_size=requested)
    await term.wait_for(f"SIZE {clamped[0]}x{clamped[1]}")


async def test_resize_to_huge_is_clamped(start_kiosk, connect) -> None:
    """A huge window change mid-session is clamped too."""
    server = await start_kiosk()
    term = await connect(server, size=(400, 200), request_size=(80, 24))
    await term.wait_for("SIZE 80x24")
    assert term.process is not None
    term.process.change_terminal_size(100000, 100000)
    await term.wait_for("SIZE 400x200")


async def test_typed_in_band_resize_report_is_clamped(start_kiosk, connect) -> None:
    """An in-band resize report typed by the client cannot give the app an unclamped size."""
    server = await start_kiosk()
    term = await connect(server, size=(400, 200), request_size=(80, 24))
    await term.wait_for("SIZE 80x24")
    term.send(b"\x1b")
    term.send(b"[48;40000;")  # split, as an attacker would
    term.send(b"40000;0;0t")
    await term.wait_for("SIZE 400x200")
    assert "40000" not in term.text()


async def test_control_keys_are_plain_keys(start_kiosk, connect) -> None:
    """Ctrl-C, Ctrl-Z and Ctrl-\\ reach the app as keys and neither stop nor suspend it."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    pid = app_pid(term.text())
    for key in (b"\x03", b"\x1a", b"\x1c"):
        term.send(key)
    await term.wait_for("KEYS 3")
    term.send(ENTER)
    await term.wait_for("结论：可以")
    assert Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T"


async def test_ssh_signals_and_breaks_are_ignored(start_kiosk, connect) -> None:
    """SSH signal and break requests neither stop nor suspend the app."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    pid = app_pid(term.text())
    assert term.process is not None
    for name in ("INT", "TSTP", "QUIT", "HUP", "KILL", "TERM"):
        term.process.send_signal(name)
    term.process.send_break(500)
    term.send(ENTER)
    await term.wait_for("结论：可以")
    assert process_exists(pid)
    assert Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T"


async def test_client_environment_never_reaches_app(start_kiosk, connect) -> None:
    """Variables sent by the client (PYTHONINSPECT, LD_PRELOAD, COLUMNS...) are not in the app's environment."""
    server = await start_kiosk()
    env = {
        "PYTHONINSPECT": "1",
        "LD_PRELOAD": "/tmp/evil.so",
        "KIOSK_TEST_SECRET": "leaked",
        "TEXTUAL_DRIVER": "os:system",
        "COLUMNS": "50",
        "PYTHONPATH": "/tmp",
    }
    term = await connect(server, env=env)
    await term.wait_for("INSPECT -")
    for line in ("PRELOAD -", "SECRET -", "COLUMNS -"):
        assert line in term.text()
    environ = Path(f"/proc/{app_pid(term.text())}/environ").read_bytes()
    names = {item.split(b"=", 1)[0].decode() for item in environ.split(b"\0") if item}
    allowed = {"TERM", "LANG", "PATH", "HOME", "TMPDIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
    allowed |= {"COLORTERM", EVENTS_FD_ENV, PARENT_PID_ENV, MEMORY_LIMIT_ENV}
    assert names <= allowed
    assert b"/tmp/evil.so" not in environ and b"leaked" not in environ


@pytest.mark.parametrize(
    ("term_type", "term_line", "colorterm_line"),
    [
        ("xterm-256color", "TERM xterm-256color", "COLORTERM truecolor"),
        ("vt100", "TERM vt100", "COLORTERM -"),
        ("x;$(reboot)", "TERM xterm-256color", "COLORTERM truecolor"),
    ],
)
async def test_term_comes_from_pty_request(
    start_kiosk, connect, term_type, term_line, colorterm_line
) -> None:
    """TERM comes from the PTY request (sanitised) and COLORTERM from the server's policy."""
    server = await start_kiosk()
    term = await connect(server, term_type=term_type)
    await term.wait_for(term_line)
    assert colorterm_line in term.text()


async def test_flow_options_reach_app(start_kiosk, connect, tmp_path) -> None:
    """`--flow` and `--flows` are passed to the app after `--kiosk`."""
    argv = build_child_argv(str(FAKE_APP), flow="demo", flows_dir=tmp_path)
    server = await start_kiosk(child_argv=argv)
    term = await connect(server, size=(200, 24))
    await term.wait_for(f"ARGV --kiosk --flow demo --flows {tmp_path}")


async def test_app_exit_ends_session_with_its_status(start_kiosk, connect) -> None:
    """When the app exits by itself the session closes with the app's exit status and a reset."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    term.send(b"x")
    assert await term.wait_closed() == 3
    assert bytes(term.raw).endswith(RESET)


async def test_app_crash_is_logged_without_its_message(start_kiosk, connect, kiosk_logs) -> None:
    """An app crash shows the user a short message and logs the error type but not its text."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    term.send(b"!")
    await term.wait_closed()
    assert "The wizard hit an error" in bytes(term.raw).decode("utf-8", "replace")
    await wait_until(lambda: "error=RuntimeError" in kiosk_logs.text, what="crash log line")
    assert "secret answer" not in kiosk_logs.text


async def test_keys_typed_while_app_starts_are_kept(start_kiosk, connect) -> None:
    """Keys sent before the app has drawn anything still reach it."""
    server = await start_kiosk()
    term = await connect(server)
    term.send(b"abc")
    await term.wait_for("KEYS 3")
