"""Settings of one kiosk server, with defaults meant for a public, unattended kiosk."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

AuthMode = Literal["none", "password", "pubkey"]
ColortermPolicy = Literal["auto", "truecolor", "none"]

CHILD_MODULE = "wizard.kiosk.child"
"""The entry wrapper every session's process starts in (see `wizard.kiosk.child`)."""

APP_TARGET = "wizard"
"""What the wrapper runs: `python -m wizard --kiosk ...`."""


def default_host_key_path() -> Path:
    """Where the host key lives when `--host-key` is not given (XDG state directory)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "wizard-kiosk" / "ssh_host_ed25519_key"


def build_app_args(flow: str | None = None, flows_dir: Path | None = None) -> tuple[str, ...]:
    """The app's kiosk options, as `python -m wizard` takes them."""
    args = ["--kiosk"]
    if flow is not None:
        args += ["--flow", flow]
    if flows_dir is not None:
        args += ["--flows", os.path.abspath(flows_dir)]  # the app runs in a temporary cwd
    return tuple(args)


def build_child_argv(
    target: str = APP_TARGET, flow: str | None = None, flows_dir: Path | None = None
) -> tuple[str, ...]:
    """The argv of a session's process: the wrapper, then the app target and its kiosk options."""
    return (sys.executable, "-m", CHILD_MODULE, target, *build_app_args(flow, flows_dir))


@dataclass(frozen=True)
class KioskConfig:
    """Everything the server needs; built by `wizard.kiosk.options` or directly by tests."""

    host: str = "127.0.0.1"
    """Address to listen on; loopback unless the operator opens it up on purpose."""
    port: int = 2222
    """TCP port; 0 picks a free one (tests)."""
    host_key: Path = field(default_factory=default_host_key_path)
    """Private host key file, created with mode 0600 when missing and reused after."""
    auth: AuthMode = "none"
    """`none` lets anyone in (public kiosk); `password` and `pubkey` restrict it."""
    authorized_keys: Path | None = None
    """OpenSSH authorized_keys file for `pubkey` auth."""
    password: str | None = field(default=None, repr=False)
    """Shared password for `password` auth; read from a file or the environment, never argv."""
    max_sessions: int = 20
    """Sessions running at once; each is a process with ~19 MiB of its own (~110 MiB without the zygote)."""
    per_ip: int = 3
    """Sessions at once from one address; 0 disables (behind a load balancer every peer is it)."""
    idle_timeout: float = 300.0
    """Seconds without a key press before the session ends."""
    max_duration: float = 3600.0
    """Seconds a session may last at all."""
    login_timeout: float = 30.0
    """Seconds from TCP connect to an open session before the connection is dropped."""
    keepalive_interval: float = 30.0
    """Seconds between SSH keepalives, so vanished clients free their slot."""
    keepalive_count_max: int = 3
    """Unanswered keepalives before the connection counts as dead."""
    flow: str | None = None
    """Start every session straight in this flow."""
    flows_dir: Path | None = None
    """Load flows from this directory instead of the packaged ones."""
    colorterm: ColortermPolicy = "auto"
    """COLORTERM for the app: OpenSSH never forwards it, so the server decides."""
    lang: str = "C.UTF-8"
    """LANG for the app; C.UTF-8 exists everywhere and is enough for CJK output."""
    memory_limit_mb: int = 1024
    """Address-space limit of a session's process in MiB (0: none); caps runaway screens."""
    kill_grace: float = 2.0
    """Seconds between SIGHUP and SIGKILL when a session ends."""
    child_argv: tuple[str, ...] | None = None
    """Full argv override of a session's process; for tests, not on the command line."""
    zygote: bool = True
    """Fork sessions of the real app from a zygote that has the app loaded (`--no-zygote`: off)."""

    @property
    def use_zygote(self) -> bool:
        """Whether sessions start from the zygote: only for the real app, never a custom argv."""
        return self.zygote and self.child_argv is None

    def app_args(self) -> tuple[str, ...]:
        """The options the zygote gives each session's app (as `python -m wizard` takes them)."""
        return build_app_args(self.flow, self.flows_dir)

    def session_argv(self) -> tuple[str, ...]:
        """The argv a session's process is started with."""
        if self.child_argv is not None:
            return self.child_argv
        return build_child_argv(APP_TARGET, self.flow, self.flows_dir)

    @property
    def connection_cap(self) -> int:
        """Open TCP connections beyond which new ones are dropped without a word."""
        return 2 * self.max_sessions + 10
