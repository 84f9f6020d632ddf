"""Entry wrapper of a kiosk session's process: claim the PTY, tie our life to the server, run the app.

Usage (by the server only): `python -m wizard.kiosk.child TARGET [ARGS...]`, where
TARGET is a module name (run like `python -m TARGET`) or a path ending in `.py`
(run like `python PATH`), with `sys.argv = [TARGET, *ARGS]`.

Doing this here rather than in a `preexec_fn` keeps the threaded server safe: only
`setsid()` happens between fork and exec (done by `subprocess` in C).

A session forked by the zygote (`wizard.kiosk.zygote`) runs the same steps as
`prepare_process()` before its app (tying itself to the zygote first), so both ways of
starting a session set the process up alike.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import resource
import runpy
import signal
import sys
import termios
import traceback
from typing import Final, NoReturn

PR_SET_PDEATHSIG: Final = 1
PARENT_PID_ENV: Final = "WIZARD_KIOSK_PARENT_PID"
MEMORY_LIMIT_ENV: Final = "WIZARD_KIOSK_MEMORY_MB"
EVENTS_FD_ENV: Final = "WIZARD_KIOSK_EVENTS_FD"
CRASH_MESSAGE: Final = (
    "\r\n向导出错了，请重新连接。\r\nThe wizard hit an error; please connect again.\r\n"
)


def _die(message: str) -> NoReturn:
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


def die_with_parent(expected_parent: int | None = None) -> None:
    """Have the kernel SIGKILL us when our parent dies; exit at once if it already has.

    The parent's pid is `expected_parent`, else taken (and removed) from the environment.
    """
    # PR_SET_PDEATHSIG fires when the thread that forked us exits; the server forks
    # from its event-loop thread, which lives as long as the server does (the zygote
    # has a single thread).
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        _die("kiosk child: prctl(PR_SET_PDEATHSIG) failed")
    expected = os.environ.pop(PARENT_PID_ENV, "")
    if expected_parent is not None:
        expected = str(expected_parent)
    if expected and os.getppid() != int(expected):
        raise SystemExit(1)  # the parent died before prctl took effect


def take_terminal() -> None:
    """Make the PTY on fd 0 our controlling terminal, in a session of our own."""
    if not os.isatty(0):
        _die("kiosk child: stdin is not a terminal")
    if os.getsid(0) != os.getpid():
        os.setsid()
    # Make the PTY our controlling terminal so SIGWINCH and SIGHUP reach us.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def ignore_keyboard_signals() -> None:
    """Ctrl-C, Ctrl-\\ and Ctrl-Z must never stop or suspend the app."""
    # The server turns ISIG off, so these keys arrive as bytes; this guards against
    # the app turning ISIG back on. Textual installs its own SIGTSTP handler, and the
    # kiosk app never binds suspend.
    for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
        signal.signal(signum, signal.SIG_IGN)


def limit_memory() -> None:
    """Apply (and remove from the environment) the server's address-space limit."""
    megabytes = os.environ.pop(MEMORY_LIMIT_ENV, "0")
    if megabytes.isdigit() and int(megabytes) > 0:
        limit = int(megabytes) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def prepare_events_fd() -> None:
    """Make the events pipe non-blocking and not inherited."""
    # Non-blocking, so a server that stops reading can never freeze the app; and not
    # inherited by anything the app might start.
    fd_text = os.environ.get(EVENTS_FD_ENV, "")
    if fd_text.isdigit():
        try:
            os.set_blocking(int(fd_text), False)
            os.set_inheritable(int(fd_text), False)
        except OSError:
            del os.environ[EVENTS_FD_ENV]


def _report_crash(exc: BaseException) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else "?"
    # Reporting must never hide the original failure.
    with contextlib.suppress(Exception):
        from wizard.kiosk.events import write_event

        write_event("CRASH", type(exc).__name__, where)


def _run_target(target: str, args: list[str]) -> None:
    sys.argv = [target, *args]
    if target.endswith(".py"):
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)


def prepare_process() -> None:
    """Die with the parent, own the PTY on fd 0, ignore keyboard signals, cap memory, ready the events fd.

    Reads (and removes) the wrapper's own variables from `os.environ`, which must already
    be the session's environment.
    """
    die_with_parent()
    take_terminal()
    ignore_keyboard_signals()
    limit_memory()
    prepare_events_fd()


def report_crash(exc: BaseException) -> None:
    """Tell the server (CRASH event) and the visitor (a short apology) that the app died of `exc`."""
    _report_crash(exc)
    with contextlib.suppress(Exception):
        sys.stderr.write(CRASH_MESSAGE)
        sys.stderr.flush()


def main(argv: list[str]) -> int:
    """Set up the process for a kiosk session, then run TARGET in it; the exit status."""
    if not argv:
        _die("usage: python -m wizard.kiosk.child TARGET [ARGS...]")
    prepare_process()
    try:
        _run_target(argv[0], argv[1:])
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            return exc.code or 0
        sys.stderr.write(f"{exc.code}\n")
        return 1
    except BaseException as exc:  # noqa: BLE001 - the user sees a message, the log the type
        report_crash(exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
