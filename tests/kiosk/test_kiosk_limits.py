"""Limits of a public kiosk: idle and total time, sessions per server and per address, login time."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest

from wizard.kiosk.terminal import MSG_FULL, MSG_IDLE, MSG_MAX_DURATION, MSG_PER_IP, RESET

from .conftest import ssh_connect, wait_until

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


async def test_idle_timeout_ends_session_with_reset(start_kiosk, connect, kiosk_logs) -> None:
    """A session without input for the idle timeout ends with the terminal reset and a message."""
    server = await start_kiosk(idle_timeout=1.0)
    term = await connect(server)
    assert await term.wait_closed() == 0
    assert bytes(term.raw).endswith(RESET + MSG_IDLE)
    assert "长时间没有操作" in term.text()
    await wait_until(lambda: "reason=idle" in kiosk_logs.text, what="idle log line")


async def test_typing_keeps_session_alive(start_kiosk, connect) -> None:
    """Input resets the idle timer."""
    server = await start_kiosk(idle_timeout=1.0)
    term = await connect(server)
    for _ in range(10):  # three idle timeouts' worth, typing from the very start
        term.send(b"a")
        await asyncio.sleep(0.3)
    await term.wait_for("KEYS 10")
    assert not term.eof.is_set()


async def test_max_duration_ends_busy_session(start_kiosk, connect) -> None:
    """Even a busy session ends at the maximum duration, with the reset and a message."""
    server = await start_kiosk(max_duration=2.0)
    term = await connect(server)
    while not term.eof.is_set():
        try:
            term.send(b"a")
        except BrokenPipeError:  # the server closed the channel between two keys
            break
        await asyncio.sleep(0.2)
    assert await term.wait_closed() == 0
    assert bytes(term.raw).endswith(RESET + MSG_MAX_DURATION)


async def test_full_server_says_so_and_closes(start_kiosk, connect, kiosk_logs) -> None:
    """When max sessions are running, a newcomer gets a bilingual 'server busy' message, then the slot frees."""
    server = await start_kiosk(max_sessions=1, per_ip=5)
    first = await connect(server)
    await first.wait_for("KEYS 0")
    second = await connect(server)
    assert await second.wait_closed() == 1
    assert MSG_FULL in bytes(second.raw)
    assert "服务器繁忙" in second.text() and "server is busy" in second.text()
    assert "reason=full" in kiosk_logs.text
    first.close()
    await wait_until(lambda: server.connection_count == 0, what="first connection to close")
    third = await connect(server)
    await third.wait_for("KEYS 0")


async def test_per_ip_limit_says_so_and_closes(start_kiosk, connect) -> None:
    """Beyond the per-address limit a newcomer gets a bilingual 'too many sessions' message."""
    server = await start_kiosk(max_sessions=5, per_ip=1)
    first = await connect(server)
    await first.wait_for("KEYS 0")
    second = await connect(server)
    assert await second.wait_closed() == 1
    assert MSG_PER_IP in bytes(second.raw)
    assert "会话过多" in second.text()


async def test_refused_client_sees_auth_banner(start_kiosk, connect) -> None:
    """A refused client is also told in the SSH banner, which OpenSSH shows before any prompt."""
    server = await start_kiosk(max_sessions=1)
    first = await connect(server)
    await first.wait_for("KEYS 0")
    banners: list[str] = []

    class BannerClient(asyncssh.SSHClient):
        def auth_banner_received(self, msg: str, lang: str) -> None:
            banners.append(msg)

    conn, _ = await asyncssh.create_connection(
        BannerClient,
        "127.0.0.1",
        server.port,
        known_hosts=None,
        client_keys=None,
        agent_path=None,
        username="x",
        config=None,
    )
    conn.close()
    assert banners and "server is busy" in banners[0]


async def test_connection_without_session_is_dropped(start_kiosk) -> None:
    """A logged-in connection that opens no session is closed after the login timeout."""
    server = await start_kiosk(login_timeout=1.0)
    conn = await ssh_connect(server.port)
    await asyncio.wait_for(conn.wait_closed(), 10)
    await wait_until(lambda: server.connection_count == 0, what="slot to be freed")


async def test_connection_flood_is_capped(start_kiosk, kiosk_logs) -> None:
    """Beyond 2 x max-sessions + 10 open connections, new ones are dropped at once."""
    server = await start_kiosk(max_sessions=1)
    cap = server.config.connection_cap
    held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(cap)]
    try:
        for reader, _ in held:
            assert (await asyncio.wait_for(reader.readline(), 10)).startswith(b"SSH-2.0-")
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        held.append((reader, writer))
        # Held connections stay open until the login timeout; this one is closed at once.
        await asyncio.wait_for(reader.read(), 10)
        assert reader.at_eof()
        assert "reason=hard-cap" in kiosk_logs.text
    finally:
        for _, writer in held:
            writer.close()
