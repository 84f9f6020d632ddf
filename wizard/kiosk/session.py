"""One kiosk session: an SSH channel wired to an app process on its own PTY."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

import asyncssh

from wizard.kiosk.childenv import child_environment
from wizard.kiosk.config import KioskConfig
from wizard.kiosk.events import LineSplitter, parse_event
from wizard.kiosk.ptyproc import ChildSpec, PtyProcess
from wizard.kiosk.spawner import ZygoteUnavailable
from wizard.kiosk.terminal import (
    MSG_APP_CRASHED,
    MSG_APP_FAILED,
    MSG_IDLE,
    MSG_INTERACTIVE_ONLY,
    MSG_MAX_DURATION,
    MSG_SHUTDOWN,
    RESET,
    InputFilter,
    clamp_size,
)

if TYPE_CHECKING:
    from wizard.kiosk.spawner import Zygote

log = logging.getLogger("wizard.kiosk")

EARLY_INPUT_LIMIT: Final = 64 * 1024
"""Input kept while the app is still starting; more than this is dropped."""
OUTPUT_FLUSH_TIMEOUT: Final = 1.0
"""Seconds to forward the app's last output after it has exited."""
CLOSE_TIMEOUT: Final = 5.0
"""Seconds to wait for the client to acknowledge the channel close."""

SERVER_ENDED: Final = {
    "idle": MSG_IDLE,
    "max-duration": MSG_MAX_DURATION,
    "shutdown": MSG_SHUTDOWN,
}
"""Reasons for which the server ends the session, with what it tells the user."""


class KioskSession(asyncssh.SSHServerSession[bytes]):
    """Accepts only an interactive shell with a PTY and runs the app for it."""

    def __init__(
        self,
        config: KioskConfig,
        label: str,
        refusal: bytes | None,
        on_done: Callable[[KioskSession], None],
        zygote: Zygote | None = None,
    ) -> None:
        self._config = config
        self._zygote = zygote
        self._label = label
        self._refusal = refusal
        self._on_done = on_done
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._chan_open = False
        self._term_type: str | None = None
        self._size = clamp_size(0, 0)
        self._child: PtyProcess | None = None
        self._early = bytearray()
        self._filter = InputFilter()
        self._writable = asyncio.Event()
        self._writable.set()
        self._stop = asyncio.Event()
        self._stop_reason: str | None = None
        self._last_input = time.monotonic()
        self._timers: list[asyncio.TimerHandle] = []
        self.started = False
        """True once the shell request was accepted."""
        self.task: asyncio.Task[None] | None = None
        """The session's life, from starting the app to closing the channel."""

    @property
    def pid(self) -> int | None:
        """Process id of the app, while it runs."""
        if self._child is None or self._child.returncode is not None:
            return None
        return self._child.pid

    # -- asyncssh callbacks -------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        """Remember the channel the session runs on."""
        self._chan = chan
        self._chan_open = True

    def connection_lost(self, exc: Exception | None) -> None:
        """The client went away: stop the app without writing anything more."""
        self._chan_open = False
        self.request_stop("client-closed")
        if self.task is None:
            self._on_done(self)

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        """Accept the PTY; its modes are ignored because the app sets its own."""
        self._term_type = term_type
        self._size = clamp_size(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        """Only an interactive shell with a PTY gets the app."""
        if self._term_type is None:
            return self._refuse_request("no-pty")
        return True

    def exec_requested(self, command: str) -> bool:
        """Commands (and with them scp) are never run."""
        return self._refuse_request("exec")

    def subsystem_requested(self, subsystem: str) -> bool:
        """Subsystems (sftp) are never started."""
        return self._refuse_request("subsystem")

    def session_started(self) -> None:
        """The shell request was accepted: show a refusal, or start the app."""
        self.started = True
        if self._refusal is not None:
            self._finish_channel(self._refusal, 1)
            return
        self.task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        """Keystrokes: filter them and hand them to the app."""
        self._last_input = time.monotonic()
        data = self._filter.feed(data)
        if self._child is not None:
            self._child.write(data)
        elif len(self._early) + len(data) <= EARLY_INPUT_LIMIT:
            self._early += data

    def eof_received(self) -> bool:
        """No more input can come, so the session is over."""
        self.request_stop("client-eof")
        return False

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        """Resize the PTY (clamped); the kernel tells the app with SIGWINCH."""
        self._size = clamp_size(width, height)
        if self._child is not None:
            self._child.resize(*self._size)

    def break_received(self, msec: int) -> bool:
        """Breaks do nothing: the app must not be interrupted."""
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are ignored: the app must not be stopped or suspended."""
        log.debug("signal ignored %s signal=%s", self._label, signal)

    def pause_writing(self) -> None:
        """The client is not reading: make the output pump wait."""
        self._writable.clear()

    def resume_writing(self) -> None:
        """The client reads again."""
        self._writable.set()

    # -- control ------------------------------------------------------------------------

    def request_stop(self, reason: str) -> None:
        """Ask the session to end for `reason`; the first reason wins."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stop.set()

    # -- the session's life -------------------------------------------------------------

    async def _run(self) -> None:
        started = time.monotonic()
        home = Path(tempfile.mkdtemp(prefix="wizard-kiosk-"))
        reason = "app-failed"
        try:
            reason = await self._run_in(home)
        except Exception:
            log.exception("session failed %s", self._label)
            self._finish_channel(MSG_APP_FAILED, 1)
        finally:
            shutil.rmtree(home, ignore_errors=True)
            log.info(
                "session end %s reason=%s duration=%.1fs",
                self._label,
                reason,
                time.monotonic() - started,
            )
            await self._await_close()
            self._on_done(self)

    async def _run_in(self, home: Path) -> str:
        events_read, events_write = os.pipe()
        try:
            child = await self._spawn(home, events_write)
        except BaseException:
            os.close(events_read)
            raise
        finally:
            os.close(events_write)  # the child holds the only write end: EOF when it exits
        events = await _watch_events(events_read, self._on_event)
        try:
            return await self._supervise(child)
        finally:
            events.close()

    async def _spawn(self, home: Path, events_fd: int) -> PtyProcess:
        size = self._size
        env = child_environment(
            term_type=self._term_type,
            home=home,
            lang=self._config.lang,
            colorterm_policy=self._config.colorterm,
            events_fd=events_fd,
            parent_pid=os.getpid(),
            memory_limit_mb=self._config.memory_limit_mb,
        )
        child = await self._spawn_from_zygote(size, env, home, events_fd)
        via = "zygote"
        if child is None:
            spec = ChildSpec(self._config.session_argv(), env, home, size, (events_fd,))
            child = await PtyProcess.spawn(spec, self._on_backlog)
            via = "exec"
        self._child = child
        if self._size != size:
            child.resize(*self._size)
        child.write(bytes(self._early))
        self._early.clear()
        log.info(
            "session start %s term=%s size=%dx%d pid=%d via=%s",
            self._label,
            self._term_type,
            size[0],
            size[1],
            child.pid,
            via,
        )
        return child

    async def _spawn_from_zygote(
        self, size: tuple[int, int], env: dict[str, str], home: Path, events_fd: int
    ) -> PtyProcess | None:
        """The app forked by the zygote, or None when the app must be started directly."""
        if self._zygote is None:
            return None
        launch = partial(
            self._zygote.spawn,
            events_fd=events_fd,
            env=env,
            args=list(self._config.app_args()),
            cwd=home,
        )
        try:
            return await PtyProcess.start(size, launch, self._on_backlog)
        except ZygoteUnavailable as exc:
            log.warning("zygote unavailable %s error=%s; starting the app directly", self._label, exc)
            return None

    async def _supervise(self, child: PtyProcess) -> str:
        pump = asyncio.create_task(self._pump_output(child))
        exited = asyncio.create_task(child.wait())
        stopped = asyncio.create_task(self._stop.wait())
        self._arm_timers()
        try:
            await asyncio.wait({exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
            reason = self._stop_reason if self._stop.is_set() else "app-exit"
            returncode = await child.stop(self._config.kill_grace)
            await _settle(pump, OUTPUT_FLUSH_TIMEOUT)
        finally:
            self._cancel_timers()
            for task in (pump, exited, stopped):
                task.cancel()
            child.kill_now()  # only if cancelled or failed above: never leave the app running
            child.close()
        assert reason is not None
        self._end_channel(reason, returncode)
        return reason

    async def _pump_output(self, child: PtyProcess) -> None:
        while data := await child.read():
            if self._chan_open and self._chan is not None:
                try:
                    self._chan.write(data)
                except OSError:
                    self._chan_open = False  # the channel is closing; keep draining the PTY
                    continue
                await self._drain()

    async def _drain(self) -> None:
        # Like StreamWriter.drain(): while the client does not read, the pump stops
        # reading the PTY, so the app blocks instead of the server buffering without bound.
        await self._writable.wait()

    def _end_channel(self, reason: str, returncode: int) -> None:
        message = SERVER_ENDED.get(reason)
        if message is not None:
            self._finish_channel(message, 0)
        elif reason == "app-exit" and returncode < 0:
            # Killed by a signal (a segfault, the OOM killer): the app could not say so itself.
            log.error("app killed %s signal=%s", self._label, _signal_name(-returncode))
            self._finish_channel(MSG_APP_CRASHED, 1)
        else:
            self._finish_channel(b"", returncode if returncode >= 0 else 1)

    def _finish_channel(self, message: bytes, status: int) -> None:
        if not self._chan_open or self._chan is None:
            return
        try:
            self._chan.write(RESET + message)
            self._chan.exit(status)
        except OSError:
            self._chan.close()  # the client is already closing the channel

    async def _await_close(self) -> None:
        if self._chan is not None:
            try:
                await asyncio.wait_for(self._chan.wait_closed(), CLOSE_TIMEOUT)
            except TimeoutError:
                pass

    def _refuse_request(self, kind: str) -> bool:
        log.info("request refused %s kind=%s", self._label, kind)
        if self._chan is not None:
            # A best-effort hint: OpenSSH usually shows it, but may exit on the refusal first.
            self._chan.write_stderr(MSG_INTERACTIVE_ONLY)
        return False

    def _on_backlog(self, backlogged: bool) -> None:
        if self._chan is None or not self._chan_open:
            return
        if backlogged:
            self._chan.pause_reading()
        else:
            self._chan.resume_reading()

    def _on_event(self, line: bytes) -> None:
        event = parse_event(line)
        if event is None:
            log.debug("event ignored %s", self._label)
        elif event.verb == "OUTCOME":
            log.info("outcome %s flow=%s outcome=%s", self._label, *event.args)
        else:
            log.error("app crashed %s error=%s at=%s", self._label, *event.args)

    # -- timers -------------------------------------------------------------------------

    def _arm_timers(self) -> None:
        loop = asyncio.get_running_loop()
        self._timers.append(loop.call_later(self._config.idle_timeout, self._check_idle))
        self._timers.append(
            loop.call_later(self._config.max_duration, self.request_stop, "max-duration")
        )

    def _check_idle(self) -> None:
        quiet = time.monotonic() - self._last_input
        if quiet >= self._config.idle_timeout:
            self.request_stop("idle")
        else:
            loop = asyncio.get_running_loop()
            self._timers.append(
                loop.call_later(self._config.idle_timeout - quiet, self._check_idle)
            )

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


async def _settle(task: asyncio.Task[None], timeout: float) -> None:
    # Lets the output pump forward the app's last bytes, but never waits on a stalled client.
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
    elif not task.cancelled() and task.exception() is not None:
        log.warning("output pump failed: %r", task.exception())


class _EventsProtocol(asyncio.Protocol):
    def __init__(self, on_line: Callable[[bytes], None]) -> None:
        self._on_line = on_line
        self._splitter = LineSplitter()

    def data_received(self, data: bytes) -> None:
        for line in self._splitter.feed(data):
            self._on_line(line)


async def _watch_events(fd: int, on_line: Callable[[bytes], None]) -> asyncio.BaseTransport:
    loop = asyncio.get_running_loop()
    pipe = os.fdopen(fd, "rb", buffering=0)
    transport, _ = await loop.connect_read_pipe(lambda: _EventsProtocol(on_line), pipe)
    return transport
