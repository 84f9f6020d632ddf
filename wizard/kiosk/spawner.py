"""The server's side of the zygote: start it, ask it for sessions, watch them, restart it if it dies.

The zygote (`wizard.kiosk.zygote`) is the parent of every session it forks and reaps
them; the server holds a pidfd of each, so it learns when one has ended and can signal
it without ever hitting a recycled pid, and the zygote reports the exit status.

If the zygote cannot be started, dies, or does not answer, `spawn()` raises
`ZygoteUnavailable` and the session starts the app the old way (`python -m
wizard.kiosk.child wizard --kiosk`); a dead zygote is restarted in the background.
The sessions a dead zygote had forked end with it (PR_SET_PDEATHSIG), like sessions
end when the server dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from wizard.kiosk.childenv import zygote_environment
from wizard.kiosk.config import KioskConfig
from wizard.kiosk.zygote import MAX_MESSAGE, ZYGOTE_MODULE, decode, encode

log = logging.getLogger("wizard.kiosk")

START_TIMEOUT: Final = 60.0
"""Seconds the zygote may take to import the app and check every flow (a loaded machine)."""
SPAWN_TIMEOUT: Final = 10.0
"""Seconds to wait for the zygote to fork a session before starting the app directly."""
STATUS_TIMEOUT: Final = 2.0
"""Seconds to wait, after a session's process has ended, for the zygote's exit report."""
STOP_TIMEOUT: Final = 5.0
"""Seconds the zygote gets to exit after the server closes its socket, before SIGKILL."""
RESTART_DELAYS: Final = (0.2, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
"""Seconds before restarting a dead zygote, growing while it keeps dying young."""
YOUNG: Final = 30.0
"""A zygote that dies younger than this (seconds) counts as failing, not as an accident."""


def zygote_supported() -> bool:
    """Whether this Python and OS have what the zygote needs (pidfds, SCM_RIGHTS helpers)."""
    return hasattr(os, "pidfd_open") and hasattr(socket, "send_fds") and sys.platform == "linux"


class ZygoteUnavailable(Exception):
    """The zygote cannot start this session now; start the app directly instead."""


class ZygoteNotAnswering(ZygoteUnavailable):
    """The zygote did not fork the session in time (it may be stuck)."""


class ZygoteChild:
    """A session's process forked by the zygote, watched through its pidfd."""

    def __init__(self, pid: int, pidfd: int) -> None:
        self._pid = pid
        self._pidfd = pidfd
        self._returncode: int | None = None
        self._ended = asyncio.Event()
        self._status: int | None = None
        self._status_known = asyncio.Event()
        self._waiter: asyncio.Task[int] | None = None
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(pidfd, self._on_ended)

    @property
    def pid(self) -> int:
        """Process id (also its process group and session id)."""
        return self._pid

    @property
    def returncode(self) -> int | None:
        """Exit status once the process has ended and been reaped, else None."""
        return self._returncode

    async def wait(self) -> int:
        """Wait for the process to end; its exit status (negative: killed by that signal)."""
        if self._waiter is None:
            self._waiter = self._loop.create_task(self._wait())
        return await asyncio.shield(self._waiter)

    def signal_group(self, signum: int) -> None:
        """Signal the process group while its leader still runs."""
        # The zygote reaps at once, so a pgid is only safe to use while the leader has
        # not exited: check the pidfd right before (a pid is not recycled in microseconds).
        if self._pidfd < 0 or self._has_ended():
            return
        try:
            os.killpg(self._pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the leader itself (race-free through the pidfd)."""
        if self._pidfd >= 0:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    # -- fed by the zygote link -----------------------------------------------------------

    def report_status(self, status: int) -> None:
        """The zygote reaped the process with this exit status."""
        self._status = status
        self._status_known.set()

    def orphan(self) -> None:
        """The zygote is gone: no status will come (and PR_SET_PDEATHSIG has killed us)."""
        self._status_known.set()

    # -- internals ----------------------------------------------------------------------

    def _has_ended(self) -> bool:
        if self._ended.is_set():
            return True
        readable, _, _ = select.select([self._pidfd], [], [], 0)
        return bool(readable)

    def _on_ended(self) -> None:
        self._loop.remove_reader(self._pidfd)
        self._ended.set()

    async def _wait(self) -> int:
        await self._ended.wait()
        try:
            await asyncio.wait_for(self._status_known.wait(), STATUS_TIMEOUT)
        except TimeoutError:
            pass
        status = self._status if self._status is not None else -signal.SIGKILL
        self._returncode = status
        os.close(self._pidfd)
        self._pidfd = -1
        return status


class _Link:
    """One running zygote process and the socket to it."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        sock: socket.socket,
        home: Path,
        on_lost: Callable[[_Link], None],
    ) -> None:
        self.process = process
        self.sock = sock
        self.home = home
        self.started = time.monotonic()
        self.lost = False
        self.ready: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._on_lost = on_lost
        self._pending: dict[int, asyncio.Future[ZygoteChild]] = {}
        self._children: dict[int, ZygoteChild] = {}
        self._abandoned: set[asyncio.Task[int]] = set()
        self._write_waiters: set[asyncio.Future[None]] = set()
        self._ids = itertools.count(1)
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(sock.fileno(), self._on_readable)
        self._watcher = self._loop.create_task(self._watch_process())

    @property
    def pid(self) -> int:
        """The zygote's process id."""
        return self.process.pid

    async def spawn(
        self, tty: int, events_fd: int, env: dict[str, str], args: list[str], cwd: Path
    ) -> ZygoteChild:
        """Have the zygote fork a session on `tty`; its process."""
        if self.lost:
            raise ZygoteUnavailable("the zygote is gone")
        request = next(self._ids)
        answer: asyncio.Future[ZygoteChild] = self._loop.create_future()
        self._pending[request] = answer
        message = encode({"spawn": request, "env": env, "args": args, "cwd": str(cwd)})
        try:
            async with asyncio.timeout(SPAWN_TIMEOUT):
                await self._send(message, [tty, events_fd])
                return await answer
        except TimeoutError:
            raise ZygoteNotAnswering(f"no answer in {SPAWN_TIMEOUT:.0f}s") from None
        finally:
            self._pending.pop(request, None)  # a late answer is then killed (see _spawned)

    async def stop(self) -> None:
        """Close the socket (the zygote exits on EOF), wait for it, SIGKILL if it lingers."""
        self._lose("stopped")
        if self.process.returncode is None:
            try:
                await asyncio.wait_for(asyncio.shield(self.process.wait()), STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
        await self.process.wait()
        await asyncio.gather(self._watcher, *self._abandoned, return_exceptions=True)
        shutil.rmtree(self.home, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the zygote (it stopped answering)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    async def _send(self, data: bytes, fds: list[int]) -> None:
        while True:
            if self.lost:
                raise ZygoteUnavailable("the zygote is gone")
            try:
                socket.send_fds(self.sock, [data], fds)
                return
            except BlockingIOError:
                await self._writable()
            except OSError as exc:
                self._lose(f"send failed: {exc}")
                raise ZygoteUnavailable(f"cannot reach the zygote: {exc}") from None

    async def _writable(self) -> None:
        ready: asyncio.Future[None] = self._loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        fd = self.sock.fileno()
        self._loop.add_writer(fd, wake)
        self._write_waiters.add(ready)
        try:
            await ready  # also woken when the zygote is lost
        finally:
            self._write_waiters.discard(ready)
            if fd >= 0 and not self.lost:
                self._loop.remove_writer(fd)

    def _on_readable(self) -> None:
        while not self.lost:
            try:
                data, fds, _, _ = socket.recv_fds(self.sock, MAX_MESSAGE, 1)
            except BlockingIOError:
                return
            except OSError as exc:
                self._lose(f"receive failed: {exc}")
                return
            for fd in fds:
                os.set_inheritable(fd, False)  # recv_fds does not set close-on-exec
            if not data:
                _close_all(fds)
                self._lose("closed its socket")
                return
            self._dispatch(decode(data), fds)

    def _dispatch(self, message: dict[str, Any] | None, fds: list[int]) -> None:
        if message is None:
            _close_all(fds)
        elif "spawned" in message:
            self._spawned(message, fds)
        elif "exit" in message:
            _close_all(fds)
            pid, status = message.get("exit"), message.get("status")
            child = self._children.pop(pid, None) if isinstance(pid, int) else None
            if child is not None and isinstance(status, int):
                child.report_status(status)
        elif "ready" in message and not self.ready.done():
            _close_all(fds)
            self.ready.set_result(message)
        elif "error" in message and not self.ready.done():
            _close_all(fds)
            self.ready.set_exception(ZygoteUnavailable(str(message["error"])))
        else:
            _close_all(fds)

    def _spawned(self, message: dict[str, Any], fds: list[int]) -> None:
        request = message.get("spawned")
        answer = self._pending.pop(request, None) if isinstance(request, int) else None
        pid = message.get("pid")
        if not isinstance(pid, int) or len(fds) != 1:
            _close_all(fds)
            if answer is not None and not answer.done():
                error = message.get("error", "no process")
                answer.set_exception(ZygoteUnavailable(f"the zygote could not fork: {error}"))
            return
        child = ZygoteChild(pid, fds[0])
        self._children[pid] = child
        if answer is None or answer.done():
            # Nobody waits for it any more (timed out, or the session was cancelled).
            child.kill()
            task = self._loop.create_task(child.wait())
            self._abandoned.add(task)
            task.add_done_callback(self._abandoned.discard)
            return
        answer.set_result(child)

    def _lose(self, reason: str) -> None:
        if self.lost:
            return
        self.lost = True
        self._loop.remove_reader(self.sock.fileno())
        self._loop.remove_writer(self.sock.fileno())
        self.sock.close()
        for waiter in self._write_waiters:
            if not waiter.done():
                waiter.set_result(None)
        error = ZygoteUnavailable(f"the zygote {reason}")
        for answer in self._pending.values():
            if not answer.done():
                answer.set_exception(error)
        self._pending.clear()
        for child in self._children.values():
            child.orphan()
        self._children.clear()
        if not self.ready.done():
            self.ready.set_exception(error)
        self._on_lost(self)

    async def _watch_process(self) -> None:
        status = await self.process.wait()
        self._lose(f"exited with status {status}")


class Zygote:
    """The server's handle on its zygote: started with the server, restarted when it dies."""

    def __init__(self, config: KioskConfig) -> None:
        self._config = config
        self._link: _Link | None = None
        self._restart: asyncio.Task[None] | None = None
        self._closed = False
        self._failures = 0
        self._lost_links: set[asyncio.Task[None]] = set()

    @property
    def pid(self) -> int | None:
        """The running zygote's process id, if one is ready."""
        link = self._link
        return link.pid if link is not None and not link.lost else None

    @property
    def available(self) -> bool:
        """Whether sessions can be forked now."""
        return self.pid is not None

    async def start(self) -> bool:
        """Start the zygote and wait until it is ready; False (and a retry later) if it is not."""
        try:
            self._link = await self._launch()
        except ZygoteUnavailable as exc:
            log.error("zygote failed to start error=%s; sessions start the app directly", exc)
            self._schedule_restart()
            return False
        return True

    async def spawn(
        self, tty: int, *, events_fd: int, env: dict[str, str], args: list[str], cwd: Path
    ) -> ZygoteChild:
        """A session's process forked on `tty`; ZygoteUnavailable if the zygote cannot do it."""
        link = self._link
        if link is None or link.lost:
            raise ZygoteUnavailable("the zygote is not running")
        try:
            return await link.spawn(tty, events_fd, env, args, cwd)
        except ZygoteNotAnswering:
            if not link.lost:
                log.error("zygote not answering pid=%d; killing it", link.pid)
                link.kill()  # restarted once it is gone
            raise

    async def close(self) -> None:
        """Stop the zygote (call after every session has ended) and never restart it."""
        self._closed = True
        if self._restart is not None:
            self._restart.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._restart
        if self._link is not None:
            await self._link.stop()
        await asyncio.gather(*self._lost_links, return_exceptions=True)

    async def _launch(self) -> _Link:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        home = Path(tempfile.mkdtemp(prefix="wizard-kiosk-zygote-"))
        argv = [sys.executable, "-m", ZYGOTE_MODULE, "--socket-fd", str(theirs.fileno())]
        if self._config.flows_dir is not None:
            argv += ["--flows", os.path.abspath(self._config.flows_dir)]
        env = zygote_environment(home=home, lang=self._config.lang, parent_pid=os.getpid())
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                env=env,
                cwd=home,
                start_new_session=True,  # Ctrl-C on the server's terminal is for the server
                pass_fds=(theirs.fileno(),),
            )
        except BaseException:
            ours.close()
            shutil.rmtree(home, ignore_errors=True)
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        link = _Link(process, ours, home, self._lost)
        try:
            info = await asyncio.wait_for(asyncio.shield(link.ready), START_TIMEOUT)
        except (ZygoteUnavailable, TimeoutError) as exc:
            await link.stop()
            raise ZygoteUnavailable(str(exc) or f"not ready in {START_TIMEOUT:.0f}s") from None
        except BaseException:
            await link.stop()
            raise
        log.info(
            "zygote ready pid=%d flows=%s startup=%.2fs",
            link.pid,
            info.get("flows", "?"),
            time.monotonic() - link.started,
        )
        return link

    def _lost(self, link: _Link) -> None:
        if link is not self._link or self._closed:
            return
        self._link = None
        young = time.monotonic() - link.started < YOUNG
        self._failures = self._failures + 1 if young else 0
        log.error(
            "zygote died pid=%d; its sessions have ended; restarting it, new sessions start "
            "the app directly meanwhile",
            link.pid,
        )
        task = asyncio.get_running_loop().create_task(link.stop())
        self._lost_links.add(task)
        task.add_done_callback(self._lost_links.discard)
        self._schedule_restart()

    def _schedule_restart(self) -> None:
        if self._closed or (self._restart is not None and not self._restart.done()):
            return
        self._restart = asyncio.get_running_loop().create_task(self._restart_later())

    async def _restart_later(self) -> None:
        while not self._closed:
            delay = RESTART_DELAYS[min(self._failures, len(RESTART_DELAYS) - 1)]
            await asyncio.sleep(delay)
            try:
                link = await self._launch()
            except ZygoteUnavailable as exc:
                self._failures += 1
                log.error("zygote restart failed error=%s", exc)
                continue
            if self._closed:
                await link.stop()
                return
            self._link = link
            log.info("zygote restarted pid=%d", link.pid)
            return


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
