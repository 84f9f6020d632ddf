"""Processes come and go cleanly: aborted clients, many sessions, stalled clients, server shutdown."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from wizard.kiosk.options import APP_TARGET_ENV
from wizard.kiosk.terminal import MSG_SHUTDOWN, RESET

from .conftest import FAKE_APP, Terminal, children_of, ssh_connect, wait_until
from .fake_app import FLOOD_BYTES

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_background: set[asyncio.Task[None]] = set()


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def app_pid(term: Terminal) -> int:
    """The fake app's pid, read off its screen."""
    return int(re.search(r"PID (\d+)", term.text()).group(1))  # type: ignore[union-attr]


async def test_aborted_connections_leave_no_process(start_kiosk, no_children_at_end) -> None:
    """Twenty connect-and-abort cycles leave no app process and no zombie behind."""
    server = await start_kiosk()
    for cycle in range(20):
        conn = await ssh_connect(server.port)
        process = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
        if cycle % 2:
            await asyncio.wait_for(process.stdout.read(1), 15)  # the app is up and drawing
        conn.abort()
    await wait_until(lambda: server.connection_count == 0, what="connections to close")
    await wait_until(lambda: not children_of(os.getpid()), what="apps to be reaped")
    assert server.session_pids == []


async def test_sessions_at_once_reach_their_own_outcomes(start_kiosk, connect, kiosk_logs) -> None:
    """Several simultaneous sessions each reach the outcome their own keys lead to."""
    server = await start_kiosk(per_ip=0)
    terms = await asyncio.gather(*(connect(server) for _ in range(4)))
    await asyncio.gather(*(term.wait_for("KEYS 0") for term in terms))
    for index, term in enumerate(terms):
        term.send(b"\x1b[B\r" if index % 2 else b"\r")
    for index, term in enumerate(terms):
        await term.wait_for("结论：不可以" if index % 2 else "结论：可以")
    assert len({app_pid(term) for term in terms}) == 4
    await wait_until(lambda: kiosk_logs.text.count("outcome=") == 4, what="four outcome lines")
    assert kiosk_logs.text.count("outcome=can-apply") == 2


async def test_stalled_client_does_not_grow_server_buffers(start_kiosk, connect) -> None:
    """A client that stops reading stalls its app instead of filling the server's memory."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    term.stop_reading()
    term.render = False  # pyte is far too slow for megabytes
    received = len(term.raw)
    term.send(b"f")
    (session,) = server._sessions
    await wait_until(lambda: not session._writable.is_set(), what="output pump to pause")
    for _ in range(10):
        assert session._chan.get_write_buffer_size() < 256 * 1024
        await asyncio.sleep(0.05)
    term.start_reading()
    await wait_until(
        lambda: len(term.raw) - received >= FLOOD_BYTES, what="every flooded byte to arrive"
    )


async def test_server_close_ends_sessions_with_reset(start_kiosk, connect) -> None:
    """Stopping the server ends every session with the terminal reset and a message, and reaps the apps."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    pid = app_pid(term)
    await server.close()
    assert await term.wait_closed() == 0
    assert bytes(term.raw).endswith(RESET + MSG_SHUTDOWN)
    assert not process_alive_or_zombie(pid)


def process_alive_or_zombie(pid: int) -> bool:
    """True while `pid` exists in /proc at all."""
    return Path(f"/proc/{pid}").exists()


async def _start_server_process(
    host_key: Path,
) -> tuple[asyncio.subprocess.Process, int, list[str]]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(PACKAGE_ROOT),
        APP_TARGET_ENV: str(FAKE_APP),
    }
    code = "import sys; from wizard.kiosk import main; sys.exit(main(sys.argv[1:]))"
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        "--port",
        "0",
        "--host-key",
        str(host_key),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert server.stderr is not None
    lines: list[str] = []
    port = None
    while port is None:
        line = (await asyncio.wait_for(server.stderr.readline(), 15)).decode()
        assert line, f"server exited early: {lines}"
        lines.append(line)
        if found := re.search(r"listening .* port=(\d+)", line):
            port = int(found.group(1))
    _background.add(asyncio.create_task(_collect(server.stderr, lines)))
    return server, port, lines


async def _collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode())


async def test_sigterm_shuts_down_gracefully(host_key, connect) -> None:
    """`wizard serve` on SIGTERM tells sessions it is going, resets their terminals, reaps its apps and exits 0."""
    server, port, lines = await _start_server_process(host_key)
    try:
        term = await connect(_Port(port))
        await term.wait_for("KEYS 0")
        pid = app_pid(term)
        server.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.wait(), 20) == 0
        assert bytes(term.raw).endswith(RESET + MSG_SHUTDOWN)
        assert not alive(pid)
        assert any("stopped" in line for line in lines)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


async def test_app_dies_with_killed_server(host_key, connect) -> None:
    """If the server is killed outright, the kernel kills its apps too (PR_SET_PDEATHSIG)."""
    server, port, _ = await _start_server_process(host_key)
    try:
        term = await connect(_Port(port))
        await term.wait_for("KEYS 0")
        pid = app_pid(term)
        server.kill()
        await server.wait()
        await wait_until(lambda: not alive(pid), what="orphaned app to die")
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


class _Port:
    """Stands in for a KioskServer when only its port is known (a server in another process)."""

    def __init__(self, port: int) -> None:
        self.port = port


async def test_client_eof_ends_session(start_kiosk, connect, kiosk_logs) -> None:
    """When the client closes its input the session ends and the app is reaped."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    pid = app_pid(term)
    assert term.process is not None
    term.process.stdin.write_eof()
    await term.wait_closed()
    await wait_until(lambda: not process_alive_or_zombie(pid), what="app to be reaped")
    assert "reason=client-eof" in kiosk_logs.text
