"""The server's SSH host key: created once with mode 0600, then reused so clients can pin it."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import asyncssh

log = logging.getLogger("wizard.kiosk")


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The host key at `path`, generating an Ed25519 key there first if there is none."""
    if not path.exists():
        _create(path)
    _warn_if_exposed(path)
    return asyncssh.read_private_key(path)


def _create(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="wizard-kiosk")
    try:
        # O_EXCL: two instances starting at once must not both write the file.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as file:
        file.write(key.export_private_key())
    os.chmod(path, 0o600)  # the mode given to open() is subject to the umask
    log.info("host key created path=%s fingerprint=%s", path, key.get_fingerprint())


def _warn_if_exposed(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("host key is readable by others path=%s mode=%o; chmod 600 it", path, mode)
