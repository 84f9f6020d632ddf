"""Optional authentication: a shared password or authorized public keys."""

from __future__ import annotations

import asyncssh
import pytest

from .conftest import ssh_connect

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


async def test_password_auth_admits_only_the_password(start_kiosk, connect) -> None:
    """In password mode a wrong password is refused and the right one reaches the app."""
    server = await start_kiosk(auth="password", password="correct horse")
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh_connect(server.port, password="wrong")
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh_connect(server.port)
    term = await connect(server, password="correct horse")
    await term.wait_for("医保资格向导 TEST")


async def test_pubkey_auth_admits_only_listed_keys(start_kiosk, connect, tmp_path) -> None:
    """In pubkey mode only keys in the authorized_keys file get in."""
    allowed = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    authorized = tmp_path / "authorized_keys"
    authorized.write_bytes(allowed.export_public_key())
    server = await start_kiosk(auth="pubkey", authorized_keys=authorized)
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh_connect(server.port, client_keys=[stranger])
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh_connect(server.port, password="anything")
    term = await connect(server, client_keys=[allowed])
    await term.wait_for("医保资格向导 TEST")
