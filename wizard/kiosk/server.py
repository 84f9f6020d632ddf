"""The kiosk's SSH server: admits connections, enforces limits, runs one app process per session.

It never imports Textual: each session's app runs in its own process, so a crash takes
down one session, not all of them. For the real app that process is forked by a zygote
that has the app already loaded (`wizard.kiosk.zygote`, started with the server,
restarted if it dies); with `--no-zygote`, a custom app, or no zygote available, it is
`python -m wizard.kiosk.child ...` (see `wizard.kiosk.child`).

Each app process gets the write end of a pipe, its number in `WIZARD_KIOSK_EVENTS_FD`.
The app may write UTF-8 lines `OUTCOME <flow-id> <outcome-id>\n` (the wrapper writes
`CRASH <exception-type> <file:line>\n`); the server logs them with the connection's
label. Ids match `[A-Za-z0-9_.:/-]{1,80}`; other or longer (>512 bytes) lines are
ignored. Full protocol: `wizard.kiosk.events`.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import signal
import time
from collections import Counter
from typing import Final

import asyncssh

from wizard.kiosk.config import KioskConfig
from wizard.kiosk.hostkey import load_or_create_host_key
from wizard.kiosk.session import KioskSession
from wizard.kiosk.spawner import Zygote, zygote_supported
from wizard.kiosk.terminal import MSG_FULL, MSG_PER_IP

log = logging.getLogger("wizard.kiosk")

SHUTDOWN_TIMEOUT: Final = 10.0
"""Seconds a graceful shutdown waits for sessions to end before giving up on them."""
REFUSALS: Final = {"full": MSG_FULL, "per-ip": MSG_PER_IP}


class KioskServer:
    """Listens for SSH connections and keeps the count of sessions per server and per address."""

    def __init__(self, config: KioskConfig) -> None:
        self.config = config
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[_Connection] = set()
        self._admitted: set[_Connection] = set()
        self._sessions: set[KioskSession] = set()
        self._per_ip: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self.zygote: Zygote | None = None
        """Forks the real app's sessions (None with --no-zygote or a custom app)."""

    async def start(self) -> None:
        """Load (or create) the host key, start the zygote, and start listening."""
        host_key = load_or_create_host_key(self.config.host_key)
        if self.config.use_zygote:
            if zygote_supported():
                self.zygote = Zygote(self.config)
                await self.zygote.start()
            else:
                log.warning("zygote not supported here (needs Linux >= 5.3); starting apps directly")
        try:
            self._acceptor = await asyncssh.listen(
                self.config.host,
                self.config.port,
                server_factory=lambda: _Connection(self),
                **_server_options(self.config, host_key),
            )
        except BaseException:
            if self.zygote is not None:
                await self.zygote.close()
            raise
        log.info("listening host=%s port=%d auth=%s", self.config.host, self.port, self.config.auth)

    @property
    def port(self) -> int:
        """The TCP port actually listened on (useful with port 0)."""
        assert self._acceptor is not None, "start() first"
        return self._acceptor.get_port()

    @property
    def session_pids(self) -> list[int]:
        """Process ids of the running apps (for tests and diagnostics)."""
        return [s.pid for s in self._sessions if s.pid is not None]

    @property
    def connection_count(self) -> int:
        """Open connections, admitted or not."""
        return len(self._connections)

    async def close(self) -> None:
        """Stop listening, end every session with a message, and close every connection."""
        if self._acceptor is not None:
            self._acceptor.close()
        sessions = list(self._sessions)  # includes sessions still ending after a disconnect
        for session in sessions:
            session.request_stop("shutdown")
        tasks = [s.task for s in sessions if s.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_TIMEOUT)
        for connection in list(self._connections):
            connection.close()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        if self.zygote is not None:
            await self.zygote.close()
        log.info("stopped")

    # -- bookkeeping used by connections --------------------------------------------------

    def next_id(self) -> int:
        """A number naming a connection in the log."""
        return next(self._ids)

    def admit(self, connection: _Connection) -> str | None:
        """Register a new connection; why it may not run the app, or None if it may."""
        self._connections.add(connection)
        if len(self._connections) > self.config.connection_cap:
            return "hard-cap"
        if len(self._admitted) >= self.config.max_sessions:
            return "full"
        per_ip = self.config.per_ip
        if per_ip and self._per_ip[connection.peer] >= per_ip:
            return "per-ip"
        self._admitted.add(connection)
        self._per_ip[connection.peer] += 1
        return None

    def add_session(self, session: KioskSession) -> None:
        """Track a session until it has completely ended (child reaped, channel closed)."""
        self._sessions.add(session)

    def discard_session(self, session: KioskSession) -> None:
        """The session has completely ended."""
        self._sessions.discard(session)

    def release(self, connection: _Connection) -> None:
        """Forget a closed connection and free its slot."""
        self._connections.discard(connection)
        if connection in self._admitted:
            self._admitted.discard(connection)
            self._per_ip[connection.peer] -= 1
            if self._per_ip[connection.peer] <= 0:
                del self._per_ip[connection.peer]


def _server_options(config: KioskConfig, host_key: asyncssh.SSHKey) -> dict[str, object]:
    options: dict[str, object] = {
        "server_host_keys": [host_key],
        "server_version": "WizardKiosk",
        # Raw bytes both ways; with an encoding asyncssh turns on its line editor,
        # which holds keys until Enter and can eat the first output byte.
        "encoding": None,
        "line_editor": False,
        "allow_pty": True,
        "agent_forwarding": False,
        "x11_forwarding": False,
        "allow_scp": False,
        "sftp_factory": None,
        "login_timeout": config.login_timeout,
        "keepalive_interval": config.keepalive_interval,
        "keepalive_count_max": config.keepalive_count_max,
        "host_based_auth": False,
        "gss_host": None,
        "password_auth": config.auth == "password",
        "kbdint_auth": config.auth == "password",
        "public_key_auth": config.auth == "pubkey",
    }
    if config.auth == "pubkey":
        options["authorized_client_keys"] = str(config.authorized_keys)
    return options


class _Connection(asyncssh.SSHServer):
    """One client connection: at most one session, and only if there is room."""

    def __init__(self, server: KioskServer) -> None:
        self._server = server
        self._config = server.config
        self._conn: asyncssh.SSHServerConnection | None = None
        self._verdict: str | None = None
        self._opened = time.monotonic()
        self._session_timer: asyncio.TimerHandle | None = None
        self.session: KioskSession | None = None
        self.peer = "?"
        self.label = "conn=?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        """Count the connection and decide whether it may run the app."""
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else "?"
        self.label = f"conn={self._server.next_id()} peer={self.peer}"
        self._verdict = self._server.admit(self)
        log.info("connect %s", self.label)
        if self._verdict is not None:
            log.warning("refuse %s reason=%s", self.label, self._verdict)
        if self._verdict == "hard-cap":
            asyncio.get_running_loop().call_soon(conn.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        """Free the slot."""
        self._server.release(self)
        if self._session_timer is not None:
            self._session_timer.cancel()
        if self.session is not None:
            self.session.request_stop("client-closed")
        log.info("disconnect %s duration=%.1fs", self.label, time.monotonic() - self._opened)

    def begin_auth(self, username: str) -> bool:
        """Warn refused clients before they log in; ask for credentials if configured."""
        if self._conn is not None and self._verdict in REFUSALS:
            self._conn.send_auth_banner(REFUSALS[self._verdict].decode())
        return self._config.auth != "none"

    def password_auth_supported(self) -> bool:
        """Passwords only in `password` mode."""
        return self._config.auth == "password"

    def validate_password(self, username: str, password: str) -> bool:
        """Any user name; the shared password, compared in constant time."""
        expected = self._config.password
        if expected is None:
            return False
        return hmac.compare_digest(password.encode(), expected.encode())

    def auth_completed(self) -> None:
        """A logged-in client must open its session soon, or it is holding a slot for nothing."""
        loop = asyncio.get_running_loop()
        self._session_timer = loop.call_later(self._config.login_timeout, self._close_if_unused)

    def session_requested(self) -> KioskSession | bool:
        """The first session channel gets a KioskSession; any other is refused."""
        if self.session is not None:
            log.info("request refused %s kind=second-session", self.label)
            return False
        refusal = REFUSALS.get(self._verdict or "")
        self.session = KioskSession(
            self._config, self.label, refusal, self._session_done, self._server.zygote
        )
        self._server.add_session(self.session)
        return self.session

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()

    def _close_if_unused(self) -> None:
        if self.session is None or not self.session.started:
            log.info("close %s reason=no-session", self.label)
            self.close()

    def _session_done(self, session: KioskSession) -> None:
        self._server.discard_session(session)
        self.close()  # one session per connection: nothing else may happen on it


async def serve(config: KioskConfig, stop: asyncio.Event) -> None:
    """Run a kiosk server until `stop` is set, then shut it down gracefully."""
    server = KioskServer(config)
    await server.start()
    try:
        await stop.wait()
    finally:
        await server.close()


def run(config: KioskConfig) -> int:
    """Run a kiosk server until SIGINT or SIGTERM; the exit status."""
    return asyncio.run(_run_until_signal(config))


async def _run_until_signal(config: KioskConfig) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve(config, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0
