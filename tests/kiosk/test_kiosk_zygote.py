"""Sessions of the real app forked by the zygote: correct, isolated, and cleaned up."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from wizard.kiosk import spawner
from wizard.kiosk import zygote as zygote_module
from wizard.kiosk.childenv import ENV_ROOM_ENV, PARENT_PID_ENV, zygote_environment
from wizard.kiosk.config import KioskConfig, build_child_argv
from wizard.kiosk.options import APP_TARGET_ENV, parse_options

from .conftest import FAKE_APP, WAIT, children_of, process_exists, ssh_connect, wait_until
from .test_kiosk_real_app import _MISSING, PINNED_FLOW

pytestmark = [pytest.mark.timeout(90)]
real_app = pytest.mark.skipif(_MISSING is not None, reason=f"real app not ready: {_MISSING}")

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "TERM",
    "LANG",
    "PATH",
    "HOME",
    "TMPDIR",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "WIZARD_KIOSK_EVENTS_FD",
    "COLORTERM",
}
"""Every variable a session's app may have (see wizard/kiosk/childenv.py)."""
HOSTILE_ENV = {
    "PYTHONINSPECT": "inspect-me",
    "LD_PRELOAD": "/tmp/evil.so",
    "TEXTUAL_DRIVER": "evil:Driver",
    "KIOSK_TEST_SECRET": "leaked",
    "LANG": "fr_FR.ISO-8859-1",
}


def environ_of(pid: int) -> dict[str, str]:
    """What /proc/<pid>/environ says (empty entries, the unused room, skipped)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in raw if entry)


def fd_targets(pid: int) -> set[str]:
    """What each open descriptor of `pid` points at (`pipe:[123]`, `/dev/pts/4`, ...)."""
    targets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.add(os.readlink(fd))
        except OSError:
            pass
    return targets


def thread_count(pid: int) -> int:
    """Threads of `pid`."""
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


def parent_of(pid: int) -> int:
    """The parent pid of `pid`."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


async def zygote_server(start_kiosk, **overrides):
    """A server for the real app whose zygote is ready."""
    server = await start_kiosk(child_argv=None, per_ip=0, **overrides)
    assert server.zygote is not None and server.zygote.available
    return server


@real_app
async def test_zygote_session_reaches_home(start_kiosk, connect, kiosk_logs) -> None:
    """A session forked by the zygote shows the real app's Home, as a child of the zygote."""
    server = await zygote_server(start_kiosk)
    term = await connect(server, size=(100, 30))
    await term.wait_for("医保")
    (pid,) = server.session_pids
    assert parent_of(pid) == server.zygote.pid
    assert "via=zygote" in kiosk_logs.text
    assert Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"wizard-kiosk session\0")


@real_app
async def test_zygote_session_reaches_an_outcome(start_kiosk, connect, kiosk_logs) -> None:
    """A pinned flow answered through a zygote session ends in an outcome the server logs (events pipe)."""
    server = await zygote_server(start_kiosk, flow=PINNED_FLOW)
    term = await connect(server, size=(100, 30))
    await term.wait_for("医保")
    expected = f"flow={PINNED_FLOW} outcome="
    deadline = time.monotonic() + WAIT
    while expected not in kiosk_logs.text:  # the first choice of each question, until the end
        assert time.monotonic() < deadline, f"no outcome logged; screen:\n{term.text()}"
        term.send(b"1")
        await asyncio.sleep(0.3)
    assert "via=zygote" in kiosk_logs.text and not term.eof.is_set()


@real_app
async def test_zygote_session_environment_is_the_allow_list(start_kiosk, connect) -> None:
    """A forked session's /proc environ holds only allow-listed variables, none the client sent."""
    server = await zygote_server(start_kiosk)
    term = await connect(server, term_type="xterm-256color", env=HOSTILE_ENV)
    await term.wait_for("医保")
    (pid,) = server.session_pids
    env = environ_of(pid)
    assert set(env) <= ALLOWED, set(env) - ALLOWED
    assert env["TERM"] == "xterm-256color" and env["LANG"] == "C.UTF-8"
    assert env["WIZARD_KIOSK_EVENTS_FD"] == "3" and env["PYTHONPATH"] == str(PACKAGE_ROOT)
    assert env["HOME"] == os.readlink(f"/proc/{pid}/cwd") != environ_of(server.zygote.pid)["HOME"]
    assert not set(HOSTILE_ENV.values()) & set(env.values())


@real_app
async def test_zygote_session_holds_nothing_of_the_zygote(start_kiosk, connect) -> None:
    """A forked session shares no descriptor with the zygote (socket, wakeup pipe, stderr)."""
    server = await zygote_server(start_kiosk)
    term = await connect(server)
    await term.wait_for("医保")
    (pid,) = server.session_pids
    assert not fd_targets(pid) & fd_targets(server.zygote.pid)
    assert os.readlink(f"/proc/{pid}/fd/0").startswith("/dev/pts/")
    assert os.readlink(f"/proc/{pid}/fd/3").startswith("pipe:")


@real_app
async def test_zygote_is_single_threaded_when_it_forks(start_kiosk, connect) -> None:
    """The zygote has one thread before and after forking sessions (it never forks with threads)."""
    server = await zygote_server(start_kiosk)
    zygote_pid = server.zygote.pid
    assert thread_count(zygote_pid) == 1
    terms = await asyncio.gather(connect(server), connect(server))
    await asyncio.gather(*(term.wait_for("医保") for term in terms))
    assert thread_count(zygote_pid) == 1
    assert all(thread_count(pid) > 1 for pid in server.session_pids)  # Textual's, after the fork


@real_app
async def test_ending_zygote_session_leaves_nothing(start_kiosk, connect) -> None:
    """When the client leaves, the forked app is gone from /proc (reaped, no zombie)."""
    server = await zygote_server(start_kiosk)
    term = await connect(server)
    await term.wait_for("医保")
    (pid,) = server.session_pids
    term.close()
    await wait_until(lambda: not process_exists(pid), what="forked app to be reaped")
    assert children_of(server.zygote.pid) == {}
    await wait_until(lambda: server.connection_count == 0, what="connection to close")


@real_app
async def test_server_ends_zygote_session_with_reset(start_kiosk, connect) -> None:
    """Closing the server ends a forked session (SIGHUP to its group), resets the terminal, reaps all."""
    server = await zygote_server(start_kiosk)
    zygote_pid = server.zygote.pid
    term = await connect(server)
    await term.wait_for("医保")
    (pid,) = server.session_pids
    await server.close()
    assert await term.wait_closed() == 0
    assert b"\x1b[?1049l" in bytes(term.raw[-300:])
    assert not process_exists(pid) and not process_exists(zygote_pid)


@real_app
async def test_connect_abort_cycles_leave_nothing(start_kiosk) -> None:
    """Twenty connect-and-abort cycles through the zygote leave no process and no zombie behind."""
    server = await zygote_server(start_kiosk)
    zygote_pid = server.zygote.pid
    for cycle in range(20):
        conn = await ssh_connect(server.port)
        process = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
        if cycle % 2:
            await asyncio.wait_for(process.stdout.read(1), WAIT)  # the app is up and drawing
        conn.abort()
    await wait_until(lambda: server.connection_count == 0, what="connections to close")
    await wait_until(lambda: not children_of(zygote_pid), what="forked apps to be reaped")
    assert server.session_pids == []
    assert set(children_of(os.getpid())) == {zygote_pid}
    assert server.zygote.pid == zygote_pid  # it never died on the way


@real_app
async def test_killed_zygote_is_survived_and_restarted(start_kiosk, connect, kiosk_logs) -> None:
    """Killing the zygote mid-session ends its sessions only; new sessions work, and it comes back."""
    server = await zygote_server(start_kiosk)
    old = server.zygote.pid
    first = await connect(server)
    await first.wait_for("医保")
    (first_pid,) = server.session_pids
    os.kill(old, signal.SIGKILL)
    await first.wait_closed()  # its app died with the zygote (PR_SET_PDEATHSIG)
    await wait_until(lambda: not process_exists(first_pid), what="orphaned app to go")
    assert "zygote died" in kiosk_logs.text
    second = await connect(server)  # at once: started directly, or by the new zygote
    await second.wait_for("医保")
    await wait_until(lambda: server.zygote.available, what="zygote to restart")
    assert server.zygote.pid != old and not process_exists(old)
    third = await connect(server)
    await third.wait_for("医保")
    (line,) = [x for x in kiosk_logs.text.splitlines() if "session start" in x][-1:]
    assert "via=zygote" in line and parent_of(int(re.search(r"pid=(\d+)", line)[1])) == server.zygote.pid
    assert not second.eof.is_set() and not third.eof.is_set()


@real_app
async def test_hung_zygote_is_replaced(start_kiosk, connect, kiosk_logs, monkeypatch) -> None:
    """A zygote that stops answering is killed and restarted, and the waiting visitor still gets the app."""
    monkeypatch.setattr(spawner, "SPAWN_TIMEOUT", 1.0)
    server = await zygote_server(start_kiosk)
    old = server.zygote.pid
    os.kill(old, signal.SIGSTOP)
    term = await connect(server)
    await term.wait_for("医保")
    assert "zygote not answering" in kiosk_logs.text and "via=exec" in kiosk_logs.text
    await wait_until(lambda: server.zygote.available, what="zygote to restart")
    assert server.zygote.pid != old
    await wait_until(lambda: not process_exists(old), what="the hung zygote to be reaped")


@real_app
async def test_no_zygote_runs_the_app_directly(start_kiosk, connect, kiosk_logs) -> None:
    """With zygote=False (--no-zygote) the real app is started as before and no zygote runs."""
    server = await start_kiosk(child_argv=None, zygote=False)
    assert server.zygote is None
    term = await connect(server)
    await term.wait_for("医保")
    assert "via=exec" in kiosk_logs.text
    (pid,) = server.session_pids
    assert parent_of(pid) == os.getpid()


@real_app
async def test_server_killed_outright_takes_zygote_and_sessions(host_key, connect) -> None:
    """If the server is SIGKILLed, the kernel kills its zygote and then the zygote's sessions."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PACKAGE_ROOT)}
    code = "import sys; from wizard.kiosk import main; sys.exit(main(sys.argv[1:]))"
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, "--port", "0", "--host-key", str(host_key),
        env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        log = ""
        while not (port := re.search(r"listening .* port=(\d+)", log)):
            line = (await asyncio.wait_for(server.stderr.readline(), 60)).decode()
            assert line, f"server exited early: {log}"
            log += line
        zygote_pid = int(re.search(r"zygote ready pid=(\d+)", log)[1])  # type: ignore[index]
        term = await connect(_Port(int(port[1])))
        await term.wait_for("医保")
        (session_pid,) = children_of(zygote_pid)
        server.kill()
        await server.wait()
        await wait_until(lambda: not process_exists(session_pid), what="the session to die")
        await wait_until(lambda: not process_exists(zygote_pid), what="the zygote to die")
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


class _Port:
    """Stands in for a KioskServer when only its port is known (a server in another process)."""

    def __init__(self, port: int) -> None:
        self.port = port


# -- units ------------------------------------------------------------------------------


def test_zygote_refuses_to_fork_with_threads_running(tmp_path, monkeypatch) -> None:
    """The zygote answers with an error, and does not fork, while a second thread runs."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with threads running"))
    zygote = zygote_module.Zygote(theirs, library=None, flows_dir=None)  # type: ignore[arg-type]
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        read, write = os.pipe()
        tty, other = os.openpty()
        message = {"spawn": 7, "env": {"TERM": "xterm"}, "args": ["--kiosk"], "cwd": str(tmp_path)}
        socket.send_fds(ours, [json.dumps(message).encode()], [other, write])
        assert zygote._receive()
        answer = json.loads(ours.recv(65536))
        assert answer["spawned"] == 7 and "threads running" in answer["error"]
        for fd in (read, write, tty, other):
            os.close(fd)
    finally:
        release.set()
        thread.join()
        zygote.close()
        ours.close()
        theirs.close()


def test_zygote_rejects_malformed_requests(tmp_path, monkeypatch) -> None:
    """Requests without the two descriptors, or with a relative cwd or odd env, are refused unforked."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a bad request"))
    zygote = zygote_module.Zygote(theirs, library=None, flows_dir=None)  # type: ignore[arg-type]
    read, write = os.pipe()
    good = {"env": {"TERM": "xterm"}, "args": ["--kiosk"], "cwd": str(tmp_path)}
    cases = [
        ({**good, "spawn": 1}, [write]),
        ({**good, "spawn": 2, "cwd": "relative"}, [read, write]),
        ({**good, "spawn": 3, "env": {"TERM": 1}}, [read, write]),
        ({**good, "spawn": 4, "args": "--kiosk"}, [read, write]),
    ]
    try:
        for message, fds in cases:
            socket.send_fds(ours, [json.dumps(message).encode()], fds)
            assert zygote._receive()
            answer = json.loads(ours.recv(65536))
            assert answer["spawned"] == message["spawn"] and answer["error"]
    finally:
        for fd in (read, write):
            os.close(fd)
        zygote.close()
        ours.close()
        theirs.close()


def test_zygote_environment_is_the_allow_list_without_session_values(tmp_path, monkeypatch) -> None:
    """The zygote starts from the sessions' allow-list, minus per-session values, never the server's."""
    monkeypatch.setenv("TEXTUAL_DRIVER", "evil:Driver")
    monkeypatch.setenv("LD_PRELOAD", "/tmp/evil.so")
    env = zygote_environment(home=tmp_path, lang="C.UTF-8", parent_pid=42)
    assert set(env) - {ENV_ROOM_ENV, PARENT_PID_ENV} <= ALLOWED
    assert "TERM" not in env and "WIZARD_KIOSK_EVENTS_FD" not in env
    assert env[PARENT_PID_ENV] == "42" and env["HOME"] == str(tmp_path)


def test_zygote_only_for_the_real_app(monkeypatch) -> None:
    """--no-zygote turns the zygote off, and a custom app (tests) never uses it."""
    monkeypatch.delenv(APP_TARGET_ENV, raising=False)
    assert parse_options([]).config.use_zygote
    assert not parse_options(["--no-zygote"]).config.use_zygote
    assert not KioskConfig(child_argv=build_child_argv(str(FAKE_APP))).use_zygote
    monkeypatch.setenv(APP_TARGET_ENV, str(FAKE_APP))
    assert not parse_options([]).config.use_zygote


def test_protocol_round_trip() -> None:
    """Protocol messages decode to what was encoded; anything but a JSON object decodes to None."""
    message = {"spawn": 1, "env": {"TERM": "xterm"}, "args": ["--flow", "医保"], "cwd": "/tmp"}
    assert zygote_module.decode(zygote_module.encode(message)) == message
    assert zygote_module.decode(b"[1]") is None and zygote_module.decode(b"\xff") is None
