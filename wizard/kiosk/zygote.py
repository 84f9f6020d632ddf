"""The zygote: one process with the app already loaded that forks a ready process per kiosk session.

Starting Python, importing Textual and the wizard, and loading and checking every flow
costs each session about a second and ~40 MiB of its own. The zygote does it once; a
session's process is then a `fork()` of it, sharing those pages copy-on-write, and only
has to draw its first screen.

The server starts it (`python -m wizard.kiosk.zygote --socket-fd N [--flows DIR]`) with an
allow-listed environment (`childenv.zygote_environment`), in a session of its own, tied to
the server's life (PR_SET_PDEATHSIG), and talks to it over an AF_UNIX SOCK_SEQPACKET
socket, one JSON object per message (see `wizard.kiosk.spawner` for the server's side):

* zygote → server, once: `{"ready": PID, "seconds": S, "flows": N}`, or `{"error": TEXT}`.
* server → zygote: `{"spawn": ID, "env": {...}, "args": [...], "cwd": DIR}` with two
  descriptors (SCM_RIGHTS): the session's PTY slave and the write end of its events pipe.
  `env` is the session's whole environment, built by `childenv.child_environment` like
  the exec path's; `args` are the app's options as `python -m wizard` takes them.
* zygote → server: `{"spawned": ID, "pid": PID}` with one descriptor, a pidfd of the new
  process (so the server can watch and signal it without pid-reuse races), or
  `{"spawned": ID, "error": TEXT}` when it could not fork (the server then execs the app).
* zygote → server: `{"exit": PID, "status": CODE}` once it has reaped that process
  (CODE as `os.waitstatus_to_exitcode`: negative for a signal). The zygote reaps every
  child on SIGCHLD, so no zombie outlives its exit.

A forked session closes everything of the zygote's (socket, wakeup pipe), takes the PTY as
its controlling terminal on fds 0-2 and the events pipe as fd 3, replaces the environment,
ties its life to the zygote's (which is tied to the server's), ignores keyboard signals,
applies the memory limit, moves to its private HOME, reseeds `random`, and runs
`WizardApp(library, kiosk=True, ...)` exactly as `python -m wizard --kiosk` would. It never
returns into the zygote's loop: it ends with `os._exit`.

The zygote forks only while it has a single thread, and only ever from its main thread.
This module imports nothing heavy at the top: the server imports it for the protocol.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

if TYPE_CHECKING:
    from wizard.loader import Library

ZYGOTE_MODULE: Final = "wizard.kiosk.zygote"
MAX_MESSAGE: Final = 64 * 1024
"""Longest message either side accepts; a session's environment is well under 2 KiB."""
SESSION_EVENTS_FD: Final = 3
"""Where a forked session finds its events pipe (stdin, stdout and stderr are the PTY)."""
SESSION_TITLE: Final = b"wizard-kiosk session"
"""What `ps` shows for a forked session instead of the zygote's command line."""
THREAD_WAIT: Final = 5.0
"""Seconds the zygote waits for warm-up threads to finish before it serves."""
WARM_SIZE: Final = (80, 24)


def encode(message: dict[str, Any]) -> bytes:
    """One protocol message."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes) -> dict[str, Any] | None:
    """The message in `data`, or None if it is not a JSON object."""
    try:
        message = json.loads(data.decode())
    except (UnicodeDecodeError, ValueError):
        return None
    return message if isinstance(message, dict) else None


# ------------------------------------------------------------------------------ the zygote


def _warn(text: str) -> None:
    # The zygote's stderr is the server's (its log); never its children's terminals.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"wizard.kiosk.zygote[{os.getpid()}]: {text}\n")
        sys.stderr.flush()


def _parse_args(argv: list[str]) -> tuple[int, Path | None]:
    socket_fd, flows = -1, None
    items = iter(argv)
    for item in items:
        if item == "--socket-fd":
            socket_fd = int(next(items, "-1"))
        elif item == "--flows":
            flows = Path(next(items, ""))
        else:
            raise SystemExit(f"usage: python -m {ZYGOTE_MODULE} --socket-fd N [--flows DIR]")
    if socket_fd < 0:
        raise SystemExit("--socket-fd is required")
    return socket_fd, flows


def preload(flows_dir: Path | None) -> Library:
    """Import everything a session needs and load the library, so forks share it all.

    Collection stays off in the zygote and everything is frozen (`gc.freeze`) before each
    fork: a session's collections then never write to the pages it shares with the zygote.
    """
    gc.disable()
    import textual.drivers.linux_driver  # noqa: F401 - what App.run() loads for a terminal

    import wizard.cli  # noqa: F401 - each session parses its options with the app's parser
    from wizard.loader import load_library
    from wizard.tui.search import warm_up

    library = load_library([flows_dir] if flows_dir else None)
    # Home's search loads pypinyin's dictionaries (~40 MiB) in a thread after the first
    # paint; loaded here they are shared by every session instead of copied into each.
    warm_up()
    try:
        _rehearse(library)
    except Exception as exc:  # noqa: BLE001 - a failed rehearsal only costs speed
        _warn(f"warm-up run failed ({type(exc).__name__}: {exc}); serving anyway")
    _wait_for_threads()
    gc.collect()
    gc.freeze()
    return library


def _rehearse(library: Library) -> None:
    """Run the app once, headless, through Home and a flow's first question.

    That loads what only a running app imports and fills module-level caches (styles,
    cell widths, pinyin of every title); each session would otherwise do it on its own.
    """
    import asyncio

    from wizard.tui.app import WizardApp

    async def rehearse() -> None:
        app = WizardApp(library, kiosk=True)
        async with app.run_test(size=WARM_SIZE) as pilot:
            await pilot.pause()
            home = app.home
            if home is not None:
                home.refilter("sy")  # pinyin of every title, as the first visitor types
                home.refilter("")
            first = next((f.flow.id for f in library.flows if f.flow is not None), None)
            if first is not None:
                await app.begin(first)
                await pilot.pause()
            app.exit()

    asyncio.run(rehearse())
    asyncio.set_event_loop_policy(None)


def _wait_for_threads() -> None:
    deadline = time.monotonic() + THREAD_WAIT
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    if threading.active_count() != 1:
        _warn(f"{threading.active_count()} threads still running; sessions will not be forked")


class Zygote:
    """The zygote's loop: fork a session per request, reap every child, report exits."""

    def __init__(self, sock: socket.socket, library: Library, flows_dir: Path | None) -> None:
        self.sock = sock
        self.library = library
        self.flows_dir = flows_dir
        self.pid = os.getpid()
        self.children: set[int] = set()
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def serve(self) -> int:
        """Serve until the server closes its end of the socket; the exit status."""
        signal.signal(signal.SIGCHLD, _ignore_signal)  # delivered, so it wakes poll()
        signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        # poll() rather than selectors: a poll object holds no descriptor a fork could inherit.
        poller = select.poll()
        poller.register(self.sock.fileno(), select.POLLIN)
        poller.register(self._wake_r, select.POLLIN)
        try:
            while True:
                for fd, _ in poller.poll():
                    if fd == self._wake_r:
                        _drain(self._wake_r)
                    elif not self._receive():
                        return 0
                self._reap()
        except (BrokenPipeError, ConnectionResetError):
            return 0  # the server is gone; our sessions die with us (PR_SET_PDEATHSIG)

    def close(self) -> None:
        """Release the wakeup pipe (for tests; the zygote itself just exits)."""
        _close_all([self._wake_r, self._wake_w])

    def _send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        if fds:
            socket.send_fds(self.sock, [encode(message)], fds)
        else:
            self.sock.send(encode(message))

    def _receive(self) -> bool:
        data, fds, flags, _ = socket.recv_fds(self.sock, MAX_MESSAGE, 2)
        if not data:
            _close_all(fds)
            return False
        message = decode(data)
        if message is None or "spawn" not in message:
            _close_all(fds)
            _warn("ignored a message that is not a spawn request")
            return True
        if flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC):
            _close_all(fds)
            self._send({"spawned": message.get("spawn"), "error": "truncated request"})
            return True
        self._spawn(message, fds)
        return True

    def _spawn(self, message: dict[str, Any], fds: list[int]) -> None:
        request = message["spawn"]
        try:
            if len(fds) != 2:
                raise ValueError("expected a terminal and an events descriptor")
            env, args, cwd = _session_request(message)
            threads = threading.active_count()
            if threads != 1:
                raise RuntimeError(f"{threads} threads running: forking now is unsafe")
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
                sys.stderr.flush()
            gc.freeze()
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - reported; the server starts the app itself
            _close_all(fds)
            self._send({"spawned": request, "error": f"{type(exc).__name__}: {exc}"})
            return
        if pid == 0:
            self._become_session(fds[0], fds[1], env, args, cwd)
        _close_all(fds)
        self.children.add(pid)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)  # reaped and reported like any other exit
            self._send({"spawned": request, "error": f"pidfd_open: {exc}"})
            return
        try:
            self._send({"spawned": request, "pid": pid}, [pidfd])
        finally:
            os.close(pidfd)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self._send({"exit": pid, "status": os.waitstatus_to_exitcode(status)})

    # -- in the forked session ----------------------------------------------------------

    def _become_session(
        self, tty: int, events: int, env: dict[str, str], args: list[str], cwd: str
    ) -> NoReturn:
        code = 1
        try:
            code = self._run_session(tty, events, env, args, cwd)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                with contextlib.suppress(Exception):
                    sys.stderr.write(f"{exc.code}\n")
        except BaseException as exc:  # noqa: BLE001 - the visitor sees a message, the log the type
            from wizard.kiosk.child import report_crash

            report_crash(exc)
            code = 1
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)  # never back into the zygote's loop, nor its atexit handlers

    def _run_session(
        self, tty: int, events: int, env: dict[str, str], args: list[str], cwd: str
    ) -> int:
        from wizard.kiosk import child
        from wizard.kiosk.childenv import PARENT_PID_ENV
        from wizard.kiosk.events import EVENTS_FD_ENV

        child.die_with_parent(self.pid)  # first: the zygote may already be gone
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.sock.detach()  # its descriptor is closed below; the object must never close another
        os.dup2(tty, 0)
        os.dup2(tty, 1)
        os.dup2(tty, 2)
        if events != SESSION_EVENTS_FD:
            os.dup2(events, SESSION_EVENTS_FD)
        os.closerange(SESSION_EVENTS_FD + 1, os.sysconf("SC_OPEN_MAX"))
        session_env = {k: v for k, v in env.items() if k != PARENT_PID_ENV}
        session_env[EVENTS_FD_ENV] = str(SESSION_EVENTS_FD)
        os.environ.clear()  # unsetenv/putenv too: C code sees only the session's variables
        os.environ.update(session_env)
        os.chdir(cwd)
        child.take_terminal()
        child.ignore_keyboard_signals()
        child.limit_memory()
        child.prepare_events_fd()
        _show_in_proc(dict(os.environ))
        _fresh_state()
        sys.argv = ["wizard", *args]
        return _run_app(self.library, self.flows_dir, args)


def _run_app(library: Library, flows_dir: Path | None, args: list[str]) -> int:
    """`python -m wizard ARGS` for the kiosk, with the zygote's library when it is the same one."""
    from wizard.cli import build_parser
    from wizard.errors import WizardError
    from wizard.loader import load_library
    from wizard.tui.app import WizardApp

    options = build_parser().parse_args(args)
    if options.command is not None or not options.kiosk:
        raise SystemExit("the zygote only runs the app in kiosk mode")
    wanted = Path(options.flows).resolve() if options.flows else None
    if wanted != (flows_dir.resolve() if flows_dir else None):
        library = load_library([wanted] if wanted else None)
    # What wizard.tui.app.run_app does, with the library already loaded.
    if options.flow is not None:
        try:
            library.get(options.flow)
        except WizardError as exc:
            print(exc.format(), file=sys.stderr)
            return 1
    app = WizardApp(library, flow_id=options.flow, kiosk=True)
    app.run()
    return app.return_code or 0


def _fresh_state() -> None:
    """Reset what a session must not share with the zygote or its siblings."""
    import asyncio
    import random

    from wizard import cache

    random.seed()  # also done by random's own fork hook; explicit because it matters
    asyncio.set_event_loop_policy(None)  # the app makes its own loop, after the fork
    cache.cache_dir.cache_clear()  # the session's private HOME, not the zygote's
    gc.enable()


def _session_request(message: dict[str, Any]) -> tuple[dict[str, str], list[str], str]:
    env, args, cwd = message.get("env"), message.get("args"), message.get("cwd")
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        raise ValueError("env must map names to strings")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ValueError("args must be a list of strings")
    if not isinstance(cwd, str) or not os.path.isabs(cwd):
        raise ValueError("cwd must be an absolute path")
    return env, args, cwd


def _show_in_proc(env: dict[str, str]) -> None:
    """Make /proc/<pid>/environ and /proc/<pid>/cmdline tell the truth about this session.

    After a fork without exec they would still show the zygote's: the kernel reads them
    from the process's original argument and environment strings, which nothing else
    uses once `os.environ` has been replaced. So overwrite those strings in place (like
    setproctitle); the zygote's environment reserves room (`WIZARD_KIOSK_ENV_ROOM`).
    """
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        arg_start, arg_end, env_start, env_end = (int(f) for f in fields[45:49])
    except (OSError, ValueError, IndexError):
        return
    environ = b"".join(f"{k}={v}".encode() + b"\0" for k, v in env.items())
    if len(environ) > env_end - env_start:
        environ = b""  # never leave the zygote's variables there, even if ours do not fit
    _overwrite(env_start, env_end, environ)
    title = SESSION_TITLE[: max(0, arg_end - arg_start - 1)] + b"\0"
    _overwrite(arg_start, arg_end, title)


def _overwrite(start: int, end: int, data: bytes) -> None:
    import ctypes

    size = end - start
    if start <= 0 or size <= 0 or len(data) > size:
        return
    ctypes.memmove(start, data + b"\0" * (size - len(data)), size)


def _ignore_signal(signum: int, frame: object) -> None:
    """SIGCHLD only has to interrupt poll(); the wakeup fd says it came."""


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError):
        while os.read(fd, 4096):
            pass


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def main(argv: list[str]) -> int:
    """Run the zygote: preload, say ready, then fork sessions until the server goes away."""
    socket_fd, flows_dir = _parse_args(argv)
    sock = socket.socket(fileno=socket_fd)
    # `python -m` put our cwd (the zygote's private HOME) first on the import path, and
    # every session would inherit it: nothing is ever imported from there.
    if sys.path and sys.path[0] == os.getcwd():
        del sys.path[0]
    from wizard.kiosk import child

    child.die_with_parent()  # WIZARD_KIOSK_PARENT_PID: the server
    for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
        signal.signal(signum, signal.SIG_IGN)
    started = time.monotonic()
    try:
        library = preload(flows_dir)
    except Exception as exc:  # noqa: BLE001 - the server logs it and runs sessions itself
        sock.send(encode({"error": f"{type(exc).__name__}: {exc}"}))
        return 1
    seconds = round(time.monotonic() - started, 3)
    sock.send(encode({"ready": os.getpid(), "seconds": seconds, "flows": len(library.flows)}))
    return Zygote(sock, library, flows_dir).serve()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
