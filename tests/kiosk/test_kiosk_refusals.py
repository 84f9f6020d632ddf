"""Everything but one interactive session with a PTY is refused: no shell, no files, no tunnels."""

from __future__ import annotations

import os

import asyncssh
import pytest
from asyncssh.packet import Boolean, String, UInt32

from .conftest import children_of, ssh_connect

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


def kiosk_children() -> list[int]:
    """Pids of this process's children that are kiosk apps."""
    return [pid for pid in children_of(os.getpid()) if _is_kiosk(pid)]


def _is_kiosk(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return b"wizard.kiosk.child" in file.read()
    except OSError:
        return False


async def test_exec_request_is_refused(start_kiosk) -> None:
    """A command request (`ssh host cmd`) is refused and starts nothing."""
    server = await start_kiosk()
    async with await ssh_connect(server.port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_process("id", term_type="xterm", encoding=None)
    assert kiosk_children() == []


async def test_sftp_subsystem_is_refused(start_kiosk) -> None:
    """The sftp subsystem is refused."""
    server = await start_kiosk()
    async with await ssh_connect(server.port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()


async def test_scp_is_refused(start_kiosk, tmp_path) -> None:
    """scp (an exec request for `scp ...`) is refused."""
    server = await start_kiosk()
    async with await ssh_connect(server.port) as conn:
        with pytest.raises((asyncssh.Error, OSError)):
            await asyncssh.scp((conn, "/etc/hostname"), tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


async def test_session_without_pty_is_refused(start_kiosk) -> None:
    """A shell request without a PTY is refused and starts nothing."""
    server = await start_kiosk()
    async with await ssh_connect(server.port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_process(encoding=None)
    assert kiosk_children() == []


async def test_second_session_on_one_connection_is_refused(start_kiosk, connect) -> None:
    """A connection gets one session; a second channel is refused and the first keeps working."""
    server = await start_kiosk()
    term = await connect(server)
    await term.wait_for("KEYS 0")
    with pytest.raises(asyncssh.ChannelOpenError):
        await term.conn.create_process(term_type="xterm", encoding=None)
    term.send(b"\r")
    await term.wait_for("结论：可以")


async def test_agent_forwarding_is_refused(start_kiosk, connect) -> None:
    """An agent forwarding request is answered with a refusal."""
    server = await start_kiosk()
    term = await connect(server)
    assert term.process is not None
    # The public client API sends this request without asking for a reply.
    accepted = await term.process.channel._make_request(b"auth-agent-req@openssh.com")
    assert accepted is False


async def test_x11_forwarding_is_refused(start_kiosk, connect) -> None:
    """An X11 forwarding request is answered with a refusal."""
    server = await start_kiosk()
    term = await connect(server)
    assert term.process is not None
    accepted = await term.process.channel._make_request(
        b"x11-req", Boolean(False), String("MIT-MAGIC-COOKIE-1"), String("00" * 16), UInt32(0)
    )
    assert accepted is False


async def test_port_forwarding_is_refused(start_kiosk) -> None:
    """Local, remote and Unix-socket forwarding are all refused."""
    server = await start_kiosk()
    async with await ssh_connect(server.port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(
                asyncssh.SSHUNIXSession, "/run/dbus/system_bus_socket"
            )
