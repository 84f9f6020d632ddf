"""One session's app process on its own pseudo-terminal: spawn, feed, read, resize, stop."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

INPUT_HIGH_WATER: Final = 64 * 1024
"""Unwritten input bytes beyond which the SSH channel stops reading from the client."""
READ_CHUNK: Final = 64 * 1024


@dataclass(frozen=True)
class ChildSpec:
    """How to start one session's process."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: Path
    size: tuple[int, int]
    """Columns and rows, already clamped."""
    pass_fds: tuple[int, ...] = ()


def set_winsize(fd: int, cols: int, rows: int) -> None:
    """Set the window size of the terminal behind `fd`; the kernel then sends SIGWINCH."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _make_raw(fd: int) -> None:
    # Until the app sets its own modes, the terminal's answers to its queries would be
    # echoed back, and Ctrl-C/Ctrl-Z/Ctrl-\ would become signals: both must be off.
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~(termios.ICRNL | termios.IXON)
    attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    attrs[6][termios.VMIN] = 1
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def open_pty(cols: int, rows: int) -> tuple[int, int]:
    """A (master, slave) pair in raw mode with the given size; both close-on-exec."""
    master, slave = os.openpty()
    try:
        _make_raw(slave)
        set_winsize(master, cols, rows)
        os.set_blocking(master, False)
    except OSError:
        os.close(master)
        os.close(slave)
        raise
    return master, slave


class ChildProcess(Protocol):
    """A session's app process, however it was started (exec'd here, or forked by the zygote)."""

    @property
    def pid(self) -> int:
        """Process id (also its process group and session id)."""
        ...

    @property
    def returncode(self) -> int | None:
        """Exit status once the process is known to have ended, else None."""
        ...

    async def wait(self) -> int:
        """Wait for the process to end; its exit status (negative: killed by that signal)."""
        ...

    def signal_group(self, signum: int) -> None:
        """Send `signum` to the process group, but never once the process has been reaped."""
        ...


class ExecChild:
    """A session's process started with `asyncio.create_subprocess_exec` (reaped by asyncio)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    @property
    def pid(self) -> int:
        """Process id."""
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """Exit status once reaped."""
        return self._process.returncode

    async def wait(self) -> int:
        """Wait until asyncio has reaped the process; its exit status."""
        return await self._process.wait()

    def signal_group(self, signum: int) -> None:
        """Signal the group while the leader is unreaped (a reaped pid may be someone else's)."""
        if self._process.returncode is not None:
            return
        try:
            os.killpg(self._process.pid, signum)
        except ProcessLookupError:
            pass


Launcher = Callable[[int], Awaitable[ChildProcess]]
"""Starts the app with the given PTY slave as its terminal; the caller closes the slave."""


class PtyProcess:
    """A child process whose stdin, stdout and stderr are the slave side of one PTY."""

    def __init__(
        self,
        process: ChildProcess,
        master: int,
        reader: asyncio.StreamReader,
        transport: asyncio.ReadTransport,
        on_backlog: Callable[[bool], None],
    ) -> None:
        self._process = process
        self._master = master
        self._reader = reader
        self._transport = transport
        self._on_backlog = on_backlog
        self._pending = bytearray()
        self._writer_armed = False
        self._backlogged = False
        self._closed = False

    @classmethod
    async def spawn(cls, spec: ChildSpec, on_backlog: Callable[[bool], None]) -> PtyProcess:
        """Start `spec.argv` on a fresh PTY; `on_backlog(True)` asks the caller to stop input."""

        async def launch(slave: int) -> ChildProcess:
            # start_new_session does setsid() in C between fork and exec, so no
            # preexec_fn runs in this threaded process; the child wrapper then makes
            # the PTY its controlling terminal.
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(spec.env),
                cwd=spec.cwd,
                start_new_session=True,
                pass_fds=spec.pass_fds,
                close_fds=True,
            )
            return ExecChild(process)

        return await cls.start(spec.size, launch, on_backlog)

    @classmethod
    async def start(
        cls, size: tuple[int, int], launch: Launcher, on_backlog: Callable[[bool], None]
    ) -> PtyProcess:
        """Open a PTY of `size` and have `launch` start the app on its slave side."""
        master, slave = open_pty(*size)
        try:
            process = await launch(slave)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)  # only the child may hold it, or EOF never arrives
        try:
            reader, transport = await _read_pipe(master)
        except BaseException:
            process.signal_group(signal.SIGKILL)  # never leave an app nobody watches
            os.close(master)
            raise
        return cls(process, master, reader, transport, on_backlog)

    @property
    def pid(self) -> int:
        """Process id of the child (also its process group and session id)."""
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """Exit status once the child has been reaped, else None."""
        return self._process.returncode

    def resize(self, cols: int, rows: int) -> None:
        """Change the terminal size; the app learns it from SIGWINCH."""
        if not self._closed:
            set_winsize(self._master, cols, rows)

    def write(self, data: bytes) -> None:
        """Queue `data` as keyboard input for the app."""
        if self._closed or not data:
            return
        self._pending += data
        self._flush()

    async def read(self) -> bytes:
        """The next chunk the app wrote to its terminal; b'' once it is gone."""
        try:
            return await self._reader.read(READ_CHUNK)
        except OSError:
            return b""  # EIO: every holder of the slave side has exited

    async def wait(self) -> int:
        """Wait for the child to exit and be reaped; its exit status."""
        return await self._process.wait()

    async def stop(self, grace: float) -> int:
        """End the child: SIGHUP to its group, SIGKILL after `grace` seconds, then reap."""
        if self._process.returncode is None:
            self._signal_group(signal.SIGHUP)
            try:
                await asyncio.wait_for(asyncio.shield(self._process.wait()), grace)
            except TimeoutError:
                self._signal_group(signal.SIGKILL)
        return await self._process.wait()

    def kill_now(self) -> None:
        """SIGKILL the child's group without waiting; a no-op once it has been reaped."""
        if self._process.returncode is None:
            self._signal_group(signal.SIGKILL)

    def close(self) -> None:
        """Release the terminal; call after `stop()`."""
        if self._closed:
            return
        self._closed = True
        self._disarm_writer()
        self._transport.close()
        os.close(self._master)

    def _signal_group(self, signum: int) -> None:
        # The group id equals the pid only while the leader is unreaped, so signal
        # only before wait() has returned: a reaped pid may belong to someone else.
        self._process.signal_group(signum)

    def _flush(self) -> None:
        while self._pending:
            try:
                written = os.write(self._master, self._pending)
            except BlockingIOError:
                break
            except OSError:
                self._pending.clear()  # the app is gone; its input goes nowhere
                break
            del self._pending[:written]
        if self._pending:
            self._arm_writer()
        else:
            self._disarm_writer()
        self._report_backlog()

    def _report_backlog(self) -> None:
        backlogged = len(self._pending) > INPUT_HIGH_WATER or (
            self._backlogged and bool(self._pending)
        )
        if backlogged != self._backlogged:
            self._backlogged = backlogged
            self._on_backlog(backlogged)

    def _arm_writer(self) -> None:
        if not self._writer_armed:
            asyncio.get_running_loop().add_writer(self._master, self._flush)
            self._writer_armed = True

    def _disarm_writer(self) -> None:
        if self._writer_armed:
            asyncio.get_running_loop().remove_writer(self._master)
            self._writer_armed = False


async def _read_pipe(master: int) -> tuple[asyncio.StreamReader, asyncio.ReadTransport]:
    # A duplicate descriptor, because the transport closes what it is given and
    # the master is still needed for writing and resizing.
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2 * READ_CHUNK, loop=loop)
    pipe = os.fdopen(os.dup(master), "rb", buffering=0)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader, loop=loop), pipe
    )
    return reader, transport
