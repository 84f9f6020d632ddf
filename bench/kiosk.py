"""Kiosk benchmarks: SSH connect → first screen, memory per session, and 50 concurrent sessions.

The server runs as `wizard serve` in its own process (as deployed), with its zygote unless
`KIOSK_BENCH_NO_ZYGOTE=1`. Memory is read from the sessions' own processes (children of the
zygote, or of the server); the zygote's memory, shared by all sessions, is shown apart.
"""

from __future__ import annotations

import asyncio
import os
import pty
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncssh
import pyte

from wizard import engine
from wizard.loader import load_library
from wizard.model import Kind
from wizard.tui.text import APP_TITLE

ROOT = Path(__file__).resolve().parent.parent
READY = APP_TITLE[:4]
"""Text that shows the Home screen is drawn."""


def _screen_text(screen: pyte.Screen) -> str:
    return "\n".join("".join(screen.buffer[y][x].data for x in range(screen.columns))
                     for y in range(screen.lines))


def _local_first_screen(code: str | None = None) -> float:
    """Seconds from spawning the app in a local PTY until Home is on the screen."""
    argv = [sys.executable, "-m", "wizard"] if code is None else [sys.executable, "-c", code]
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                            start_new_session=True)
    os.close(slave)
    try:
        while True:
            data = os.read(master, 65536)
            stream.feed(data)
            if READY in _screen_text(screen):
                return time.perf_counter() - start
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


async def _ssh_first_screen(port: int) -> float:
    start = time.perf_counter()
    async with asyncssh.connect("127.0.0.1", port, known_hosts=None, client_keys=None, agent_path=None,
                                username="visitor", config=None) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        screen = pyte.Screen(80, 24)
        stream = pyte.ByteStream(screen)
        while True:
            stream.feed(await process.stdout.read(65536))
            if READY in _screen_text(screen):
                elapsed = time.perf_counter() - start
                process.close()
                return elapsed


def _uss(pid: int) -> int:
    """Unique set size: memory only this process holds."""
    return _rollup(pid, "Private_Clean:", "Private_Dirty:")


def _pss(pid: int) -> int:
    """Proportional set size: own memory plus a fair share of what it shares (e.g. with the zygote)."""
    return _rollup(pid, "Pss:")


def _rollup(pid: int, *fields: str) -> int:
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(fields):
            total += int(line.split()[1]) * 1024
    return total


class Session:
    """One scripted SSH visitor: answers a flow by keys and times each key to the next screen."""

    def __init__(self, port: int, answers: list[tuple[str, str]], expect: str,
                 think: tuple[float, float] | None = None, seed: int = 0) -> None:
        self.port, self.answers, self.expect = port, answers, expect
        self.think = think
        """Seconds a person pauses before each key (reading the question), or None: no pause."""
        self.rng = random.Random(seed)
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.latencies: list[float] = []
        self.ok = False

    async def run(self, ready: asyncio.Event, go: asyncio.Event) -> None:
        async with asyncssh.connect("127.0.0.1", self.port, known_hosts=None, client_keys=None,
                                    agent_path=None, username="visitor", config=None) as conn:
            proc = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
            reader = asyncio.create_task(self._read(proc))
            await self._wait(self.answers[0][1] if self.answers else self.expect, 120)
            ready.set()
            await go.wait()
            for i, (key, _) in enumerate(self.answers):
                want = self.answers[i + 1][1] if i + 1 < len(self.answers) else self.expect
                if self.think:
                    await asyncio.sleep(self.rng.uniform(*self.think))
                t = time.perf_counter()
                proc.stdin.write(key.encode())
                await self._wait(want, 30)
                self.latencies.append(time.perf_counter() - t)
            self.ok = True
            proc.close()
            reader.cancel()

    async def _read(self, proc: Any) -> None:
        while data := await proc.stdout.read(65536):
            self.stream.feed(data)
            self.changed.set()

    async def _wait(self, text: str, timeout: float) -> None:
        # Look at the screen only when output arrived: polling 50 screens every few
        # milliseconds cost more CPU than the sessions being measured.
        deadline = time.monotonic() + timeout
        while text[:12] not in _screen_text(self.screen).replace(" ", ""):
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(text)
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                raise TimeoutError(text) from None


def _script(flow_id: str) -> tuple[list[tuple[str, str]], str]:
    """Keys and expected screen texts for one path of a flow made of choice questions."""
    library = load_library()
    flow = library.get(flow_id)
    state = engine.start(flow)
    steps: list[tuple[str, str]] = []
    while not state.done:
        q = state.question
        assert q is not None and q.kind in (Kind.CHOICE, Kind.YESNO)
        steps.append(("1", q.text.replace(" ", "")))
        state = engine.answer(state, q.choices()[0][0])
    assert state.outcome is not None
    return steps, state.outcome.title.replace(" ", "")


async def _concurrent(port: int, n: int, flow_id: str,
                      think: tuple[float, float] | None = None) -> tuple[list[Session], float]:
    steps, expect = _script(flow_id)
    sessions = [Session(port, steps, expect, think, seed) for seed in range(n)]
    readies = [asyncio.Event() for _ in sessions]
    go = asyncio.Event()
    t = time.perf_counter()
    tasks = [asyncio.create_task(s.run(r, go)) for s, r in zip(sessions, readies)]
    await asyncio.gather(*(r.wait() for r in readies))
    all_up = time.perf_counter() - t
    go.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sessions, all_up


PACE = (1.0, 3.0)
"""Seconds a visitor pauses before each key: reading a short question takes at least that."""

NO_ZYGOTE_ENV = "KIOSK_BENCH_NO_ZYGOTE"
"""Set to 1 to measure the server with --no-zygote (every session a new Python process)."""
SERVER_CODE = "import sys; from wizard.kiosk import main; sys.exit(main(sys.argv[1:]))"


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


class ServerProcess:
    """`wizard serve` in a process of its own, as deployed.

    Not a KioskServer in this process: there it would share one event loop (and the
    GIL) with the scripted clients and their terminal emulators, so every session's
    output would wait behind the other clients' rendering.
    """

    def __init__(self, host_key: Path, *options: str) -> None:
        self.options = ["--port", "0", "--host-key", str(host_key), "--max-sessions", "60", "--per-ip", "0",
                        "--login-timeout", "120", *options]
        if os.environ.get(NO_ZYGOTE_ENV) == "1":
            self.options.append("--no-zygote")
        self.port = 0
        self.zygote_pid: int | None = None
        self.log: list[str] = []
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "WIZARD_KIOSK_APP_TARGET"}
        env["PYTHONPATH"] = str(ROOT)
        self._proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SERVER_CODE, *self.options, env=env,
                                                          cwd=ROOT, stderr=asyncio.subprocess.PIPE)
        assert self._proc.stderr is not None
        while not self.port:
            line = (await asyncio.wait_for(self._proc.stderr.readline(), 120)).decode()
            if not line:
                raise RuntimeError("wizard serve exited:\n" + "".join(self.log))
            self.log.append(line)
            if found := re.search(r"zygote ready pid=(\d+)", line):
                self.zygote_pid = int(found.group(1))
            if found := re.search(r"listening .* port=(\d+)", line):
                self.port = int(found.group(1))
        self._reader = asyncio.create_task(self._read_log())

    async def _read_log(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while line := await self._proc.stderr.readline():
            self.log.append(line.decode())

    @property
    def session_pids(self) -> list[int]:
        """The sessions' own processes: children of the zygote, or of the server."""
        assert self._proc is not None
        pids = _children(self._proc.pid) + (_children(self.zygote_pid) if self.zygote_pid else [])
        return [pid for pid in pids if pid != self.zygote_pid]

    async def stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.returncode is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._proc.wait(), 30)
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()
        if self._reader is not None:
            await self._reader


async def _hold_sessions(port: int, n: int) -> list[tuple[Any, Any]]:
    held = []
    for _ in range(n):
        conn = await asyncssh.connect("127.0.0.1", port, known_hosts=None, client_keys=None,
                                      agent_path=None, username="visitor", config=None)
        proc = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        held.append((conn, proc))
    return held


def bench_kiosk(report: Callable[..., None], quick: bool) -> None:
    print("5. kiosk over SSH on loopback")
    runs = 3 if quick else 7
    local = [_local_first_screen() for _ in range(runs)]
    with tempfile.TemporaryDirectory() as tmp:
        flow_id = "reimbursement-account"
        key = Path(tmp) / "key"

        async def main() -> tuple[list[float], list[int], list[int], int, list[Session], float]:
            server = ServerProcess(key)
            await server.start()
            print(f"  sessions start {'from the zygote' if server.zygote_pid else 'as new processes'}")
            try:
                ssh = [await _ssh_first_screen(server.port) for _ in range(runs)]
                # Memory: hold 5 idle sessions at Home and read their processes' USS.
                held = await _hold_sessions(server.port, 5)
                await asyncio.sleep(4)
                pids = server.session_pids
                uss, pss = [_uss(pid) for pid in pids], [_pss(pid) for pid in pids]
                zygote_uss = _uss(server.zygote_pid) if server.zygote_pid else 0
                for conn, proc in held:
                    proc.close()
                    conn.close()
                await asyncio.sleep(1)
            finally:
                await server.stop()
            pinned = ServerProcess(key, "--flow", flow_id)
            await pinned.start()
            try:
                alone, _ = await _concurrent(pinned.port, 1, flow_id)
                alone += (await _concurrent(pinned.port, 1, flow_id))[0]
                n = 10 if quick else 50
                sessions, all_up = await _concurrent(pinned.port, n, flow_id, PACE)
                burst, _ = await _concurrent(pinned.port, n, flow_id)
            finally:
                await pinned.stop()
            return ssh, uss, pss, zygote_uss, (alone, sessions, burst), all_up

        ssh, uss, pss, zygote_uss, (alone, sessions, burst), all_up = asyncio.run(main())
    report("kiosk", "SSH connect → first screen", statistics.median(ssh) * 1000, statistics.median(local) * 1000,
           "ms", "≤ 1.3× local", statistics.median(ssh) / statistics.median(local) <= 1.3)
    floor_uss = _bare_uss()
    if uss:
        report("kiosk", "USS per session (app at Home)", statistics.median(uss) / 2**20, floor_uss / 2**20, "MiB",
               "≤ 1.1× bare Textual", statistics.median(uss) / floor_uss <= 1.1)
        report("kiosk", "PSS per session (5 at Home)", statistics.median(pss) / 2**20, floor_uss / 2**20, "MiB",
               "(informative)", None)
    if zygote_uss:
        report("kiosk", "zygote USS (once per server)", zygote_uss / 2**20, floor_uss / 2**20, "MiB",
               "(informative)", None)
    floor = statistics.median([x for s in alone for x in s.latencies]) * 1000
    ok = sum(s.ok for s in sessions)
    print(f"  {len(sessions)} concurrent sessions: {ok} reached the expected outcome; all at their first "
          f"question after {all_up:.1f} s")
    latencies = [x for s in sessions for x in s.latencies]
    if len(latencies) >= 2:
        p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
        report("kiosk", f"p95 key → screen, {len(sessions)} at people's pace", p95, floor,
               "ms", "≤ 250 ms (floor: 1 session)", p95 <= 250 and ok == len(sessions))
    latencies = [x for s in burst for x in s.latencies]
    if len(latencies) >= 2:
        p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
        report("kiosk", f"p95 key → screen, {len(burst)} pressing at once", p95, floor,
               "ms", "(worst case, informative)", None)


BARE = """
from textual.app import App
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
class Bare(App):
    def compose(self):
        yield Static("医保问答 · 看看政策怎么说")
        yield Input()
        yield OptionList(*[Option(f"第 {i} 个问题\\n   简介") for i in range(9)])
        yield Footer()
Bare().run()
"""


def _bare_uss() -> int:
    """USS of a bare Textual app with the same widgets, idle in a PTY."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", BARE], stdin=slave, stdout=slave, stderr=slave,
                            env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True)
    os.close(slave)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    try:
        while READY not in _screen_text(screen):
            stream.feed(os.read(master, 65536))
        time.sleep(4)
        return _uss(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
