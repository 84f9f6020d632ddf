"""Smoke tests with the real OpenSSH client, run in a local PTY like a user's terminal."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pyte
import pytest

from wizard.kiosk.ptyproc import set_winsize

from .conftest import WAIT

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.timeout(60),
    pytest.mark.skipif(shutil.which("ssh") is None, reason="the OpenSSH client is not installed"),
]


def ssh_argv(port: int, home: Path, *options: str, command: tuple[str, ...] = ()) -> list[str]:
    """An ssh command line that ignores every user and system setting and trusts any host key."""
    return [
        "ssh", "-F", "/dev/null", "-p", str(port),
        "-o", "StrictHostKeyChecking=no",
        "-o", f"UserKnownHostsFile={home / 'known_hosts'}",
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR",
        "-o", "SendEnv=LANG LC_* PYTHONINSPECT",
        *options, "visitor@127.0.0.1", *command,
    ]  # fmt: skip


class LocalTerminal:
    """The OpenSSH client on a local PTY whose output is rendered by pyte."""

    def __init__(self, process: asyncio.subprocess.Process, master: int, cols: int, rows: int):
        self.process = process
        self.master = master
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        asyncio.get_running_loop().add_reader(master, self._on_output)

    def _on_output(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            return
        self.raw += data
        self._stream.feed(data)

    def text(self) -> str:
        """The screen's contents, one line per row (stub cells of wide characters hold "")."""
        columns = range(self.screen.columns)
        rows = (self.screen.buffer[y] for y in range(self.screen.lines))
        return "\n".join("".join(row[x].data for x in columns).rstrip() for row in rows)

    async def wait_for(self, text: str) -> None:
        """Wait until `text` is on the screen."""
        deadline = time.monotonic() + WAIT
        while text not in self.text():
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} not on screen; screen:\n{self.text()}")
            await asyncio.sleep(0.02)

    def send(self, data: bytes) -> None:
        """Type `data` into the local terminal."""
        os.write(self.master, data)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the local terminal; ssh gets SIGWINCH and tells the server."""
        self.screen.resize(rows, cols)
        set_winsize(self.master, cols, rows)


@pytest.fixture
async def openssh(start_kiosk, tmp_path) -> AsyncIterator[LocalTerminal]:
    """`ssh -tt` to a fresh kiosk server, in a local 80x24 PTY that is ssh's controlling tty."""
    server = await start_kiosk()
    master, slave = os.openpty()
    set_winsize(slave, 80, 24)
    os.set_blocking(master, False)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    env |= {"TERM": "xterm-256color", "LANG": "C.UTF-8", "PYTHONINSPECT": "1"}
    setsid = ["setsid", "-c"] if shutil.which("setsid") else []
    process = await asyncio.create_subprocess_exec(
        *setsid, *ssh_argv(server.port, tmp_path, "-tt"),
        stdin=slave, stdout=slave, stderr=slave, env=env,
    )  # fmt: skip
    os.close(slave)
    terminal = LocalTerminal(process, master, 80, 24)
    yield terminal
    asyncio.get_running_loop().remove_reader(master)
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()
    os.close(master)


async def test_openssh_client_lands_in_app(openssh) -> None:
    """`ssh -tt host` shows the app at once, keys drive it, and client env vars are not passed."""
    await openssh.wait_for("医保资格向导 TEST")
    await openssh.wait_for("SIZE 80x24")
    assert "INSPECT -" in openssh.text()
    openssh.send(b"\x03")  # Ctrl-C: a plain key for the app, not the end of the session
    await openssh.wait_for("KEYS 1 ctrl+c")
    openssh.send(b"\x1b[B\r")
    await openssh.wait_for("结论：不可以")


@pytest.mark.skipif(shutil.which("setsid") is None, reason="needs setsid to give ssh a tty")
async def test_openssh_client_resize(openssh) -> None:
    """Resizing the user's terminal reaches the app through OpenSSH."""
    await openssh.wait_for("SIZE 80x24")
    openssh.resize(100, 30)
    await openssh.wait_for("SIZE 100x30")


@pytest.mark.parametrize(
    ("options", "command"),
    [(("-T",), ()), (("-T",), ("id",)), (("-tt",), ("id",)), (("-s",), ("sftp",))],
)
async def test_openssh_without_interactive_terminal_is_refused(
    start_kiosk, tmp_path, options, command
) -> None:
    """`ssh -T`, `ssh host cmd` and `ssh -s sftp` are refused and run nothing."""
    server = await start_kiosk()
    process = await asyncio.create_subprocess_exec(
        *ssh_argv(server.port, tmp_path, *options, command=command),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)},
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode != 0
    assert b"uid=" not in stdout
    # The bilingual hint is written just before the refusal; ssh may exit before showing it.
    assert "request failed" in stderr.decode("utf-8", "replace")
