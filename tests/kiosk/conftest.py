"""Fixtures for the kiosk tests: a loopback server, an SSH terminal client, and /proc helpers."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncssh
import pyte
import pytest

from wizard.kiosk.config import KioskConfig, build_child_argv
from wizard.kiosk.server import KioskServer

FAKE_APP = Path(__file__).with_name("fake_app.py")
WAIT = 15.0
"""Seconds any wait in these tests may take before it counts as a failure."""


def children_of(pid: int) -> dict[int, str]:
    """Live or zombie children of `pid`, mapped to their state letter, read from /proc."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found[int(entry.name)] = fields[0]
    return found


def process_exists(pid: int) -> bool:
    """True while `pid` exists at all, zombies included."""
    return Path(f"/proc/{pid}").exists()


async def wait_until(predicate: Callable[[], bool], timeout: float = WAIT, what: str = "") -> None:
    """Poll `predicate` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or predicate}")
        await asyncio.sleep(0.02)


class Terminal:
    """An SSH client session with a PTY whose output is rendered by a pyte screen."""

    def __init__(self, conn: asyncssh.SSHClientConnection, cols: int, rows: int) -> None:
        self.conn = conn
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.render = True
        """Whether output goes to the pyte screen (slow) or is only collected in `raw`."""
        self.process: asyncssh.SSHClientProcess[bytes] | None = None
        self._pump: asyncio.Task[None] | None = None
        self.eof = asyncio.Event()

    async def open(
        self, term_type: str, env: dict[str, str] | None, size: tuple[int, int] | None = None
    ) -> Terminal:
        """Open the interactive session (asking for `size` if given) and render its output."""
        self.process = await self.conn.create_process(
            term_type=term_type,
            term_size=size or (self.screen.columns, self.screen.lines),
            encoding=None,
            env=env or {},
        )
        self._pump = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.process is not None
        try:
            while data := await self.process.stdout.read(65536):
                self.raw += data
                if self.render:
                    self._stream.feed(data)
        except (asyncssh.Error, OSError):
            pass
        finally:
            self.eof.set()

    def stop_reading(self) -> None:
        """Stop reading output, like a client on a stalled network."""
        if self._pump is not None:
            self._pump.cancel()

    def start_reading(self) -> None:
        """Read output again."""
        self._pump = asyncio.create_task(self._read())

    def text(self) -> str:
        """The screen's contents, one line per row."""
        # Not screen.display: it breaks on a wide character's stub cell left behind
        # when a narrow character overwrites the wide one. Stubs hold "", so joining works.
        columns = range(self.screen.columns)
        rows = (self.screen.buffer[y] for y in range(self.screen.lines))
        return "\n".join("".join(row[x].data for x in columns).rstrip() for row in rows)

    async def wait_for(self, text: str, timeout: float = WAIT) -> None:
        """Wait until `text` is on the screen."""
        deadline = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{text!r} not on screen after {timeout}s (closed: {self.eof.is_set()});"
                    f"\nscreen:\n{self.text()}\nlast bytes: {bytes(self.raw[-400:])!r}"
                )
            await asyncio.sleep(0.02)

    def send(self, data: bytes) -> None:
        """Type `data`."""
        assert self.process is not None
        self.process.stdin.write(data)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the client window (and the local screen that renders it)."""
        assert self.process is not None
        self.screen.resize(rows, cols)
        self.process.change_terminal_size(cols, rows)

    async def wait_closed(self, timeout: float = WAIT) -> int | None:
        """Wait until the server closes the session; its exit status."""
        assert self.process is not None
        await asyncio.wait_for(self.eof.wait(), timeout)
        await asyncio.wait_for(self.process.wait_closed(), timeout)
        return self.process.exit_status

    def close(self) -> None:
        """Drop the session and the connection."""
        if self.process is not None:
            self.process.close()
        self.conn.close()


async def ssh_connect(port: int, **options: Any) -> asyncssh.SSHClientConnection:
    """A loopback client connection that ignores keys, agents and known_hosts."""
    defaults: dict[str, Any] = {
        "known_hosts": None,
        "client_keys": None,
        "agent_path": None,
        "username": "visitor",
        "config": None,
    }
    return await asyncssh.connect("127.0.0.1", port, **(defaults | options))


@pytest.fixture
def host_key(tmp_path: Path) -> Path:
    """A path for a throw-away host key (the server creates it)."""
    return tmp_path / "host_key"


@pytest.fixture
def kiosk_config(host_key: Path) -> KioskConfig:
    """A loopback config on a free port that runs the fake app."""
    return KioskConfig(
        host="127.0.0.1",
        port=0,
        host_key=host_key,
        child_argv=build_child_argv(str(FAKE_APP)),
        kill_grace=1.0,
    )


@pytest.fixture
def kiosk_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The server's log lines."""
    caplog.set_level(logging.INFO, logger="wizard.kiosk")
    return caplog


@pytest.fixture
async def start_kiosk(
    kiosk_config: KioskConfig,
) -> AsyncIterator[Callable[..., Awaitable[KioskServer]]]:
    """Start servers with config overrides; teardown stops them and kills any leftover app."""
    servers: list[KioskServer] = []

    async def start(**overrides: Any) -> KioskServer:
        server = KioskServer(replace(kiosk_config, **overrides))
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()
    _kill_leftover_children()


def _kill_leftover_children() -> None:
    for pid in children_of(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"wizard.kiosk" in cmdline:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Awaitable[Terminal]]]:
    """Open SSH terminal sessions to a server; teardown closes them."""
    terminals: list[Terminal] = []

    async def open_terminal(
        server: KioskServer,
        size: tuple[int, int] = (80, 24),
        term_type: str = "xterm-256color",
        env: dict[str, str] | None = None,
        request_size: tuple[int, int] | None = None,
        **options: Any,
    ) -> Terminal:
        conn = await ssh_connect(server.port, **options)
        terminal = Terminal(conn, *size)
        terminals.append(terminal)
        return await terminal.open(term_type, env, request_size)

    yield open_terminal
    for terminal in terminals:
        terminal.close()


@pytest.fixture
def no_children_at_end() -> Iterator[None]:
    """Fail if the test leaves a child process (live or zombie) of this process behind."""
    yield
    deadline = time.monotonic() + WAIT
    while (leftovers := children_of(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftovers, f"child processes left behind: {leftovers}"
