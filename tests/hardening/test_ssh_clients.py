"""Hostile SSH clients against the kiosk, on loopback only: garbage, stalls, aborts, slow logins, bursts, crashes."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import signal
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from tests.kiosk.conftest import FAKE_APP, Terminal, children_of, ssh_connect, wait_until
from tests.kiosk.fake_app import FLOOD_BYTES
from wizard.kiosk.config import KioskConfig, build_child_argv
from wizard.kiosk.options import APP_TARGET_ENV
from wizard.kiosk.server import KioskServer
from wizard.kiosk.terminal import MSG_APP_CRASHED, MSG_PER_IP, RESET, InputFilter

ROOT = Path(__file__).resolve().parents[2]
FAKE_ARGV = build_child_argv(str(FAKE_APP))
COUNTS: Counter[str] = Counter()
"""What the tests here tried, printed at the end of the module with -s (for the hardening report)."""


# ---------------------------------------------------------------------------------- /proc


def rss_kib(pid: int) -> int:
    """Resident memory of `pid` in KiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def fd_count(pid: int) -> int:
    """Open file descriptors of `pid`."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (children, grandchildren...), with its state letter (Z: zombie)."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append((int(entry.name), fields[0]))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child, state in parents.get(todo.pop(), []):
            found[child] = state
            todo.append(child)
    return found


# ---------------------------------------------------------------------------------- servers


@dataclass
class ServerProcess:
    """`python -m wizard serve --port 0 ...` in its own process, so its memory and descriptors are its own."""

    process: asyncio.subprocess.Process
    port: int
    log: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_count(self, pattern: str) -> int:
        return sum(1 for line in self.log if re.search(pattern, line))


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[ServerProcess]]]:
    """Start `wizard serve` processes on loopback; teardown sends SIGTERM (SIGKILL if it hangs)."""
    servers: list[ServerProcess] = []
    readers: set[asyncio.Task[None]] = set()

    async def start(*args: str, fake_app: bool = False) -> ServerProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
               "HOME": str(tmp_path), "WIZARD_NO_CACHE": "1"}
        if fake_app:
            env[APP_TARGET_ENV] = str(FAKE_APP)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "wizard", "serve", "--host", "127.0.0.1", "--port", "0",
            "--host-key", str(tmp_path / "host_key"), *args, env=env, stderr=asyncio.subprocess.PIPE)
        assert process.stderr is not None
        server = ServerProcess(process, 0)
        servers.append(server)
        while not server.port:
            line = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
            assert line, f"the server exited early: {server.log}"
            server.log.append(line)
            if found := re.search(r"listening .* port=(\d+)", line):
                server.port = int(found.group(1))

        async def collect(stream: asyncio.StreamReader) -> None:
            while line := await stream.readline():
                server.log.append(line.decode())

        task = asyncio.create_task(collect(process.stderr))
        readers.add(task)
        return server

    yield start
    for server in servers:
        if server.process.returncode is None:
            server.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(server.process.wait(), 20)
            except TimeoutError:
                server.process.kill()
                await server.process.wait()
    for task in readers:
        task.cancel()


@pytest.fixture
async def kiosk(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[KioskServer]]]:
    """Start in-process servers (the fake app unless told otherwise); teardown stops them and their apps."""
    started: list[KioskServer] = []
    base = KioskConfig(host="127.0.0.1", port=0, host_key=tmp_path / "host_key", child_argv=FAKE_ARGV,
                       kill_grace=1.0)

    async def start(**overrides: Any) -> KioskServer:
        server = KioskServer(replace(base, **overrides))
        await server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.close()
    for pid in children_of(os.getpid()):
        try:
            if b"wizard.kiosk" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.fixture
async def terminals() -> AsyncIterator[Callable[..., Awaitable[Terminal]]]:
    """Open SSH terminals (pyte-rendered); teardown closes them."""
    opened: list[Terminal] = []

    async def open_terminal(port: int, size: tuple[int, int] = (80, 24), **options: Any) -> Terminal:
        conn = await ssh_connect(port, **options)
        terminal = Terminal(conn, *size)
        opened.append(terminal)
        return await terminal.open("xterm-256color", None)

    yield open_terminal
    for terminal in opened:
        terminal.close()


@pytest.fixture
def kiosk_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="wizard.kiosk")
    return caplog


async def closed_by_server(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """Read until the server closes the connection (EOF or reset); everything it sent."""
    received = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"still open after {timeout}s; got {bytes(received[:200])!r}"
        try:
            chunk = await asyncio.wait_for(reader.read(65536), left)
        except (ConnectionError, OSError):
            return bytes(received)
        except TimeoutError:
            continue
        if not chunk:
            return bytes(received)
        received += chunk


def abort_socket(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed client would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()


async def still_serves(port: int, open_terminal: Callable[..., Awaitable[Terminal]], text: str = "KEYS 0") -> None:
    """A well-behaved client still gets the app."""
    term = await open_terminal(port)
    await term.wait_for(text)
    term.close()


# ---------------------------------------------------------------------------------- garbage

GARBAGE_BEFORE = {
    "random-4k": random.Random(1).randbytes(4096),
    "random-64k": random.Random(2).randbytes(65536),
    "http-request": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\n\r\n",
    "tls-client-hello": bytes.fromhex("160301020001000200030300") + random.Random(3).randbytes(500),
    "half-banner": b"SSH-2.0-Open",
    "ssh1-banner": b"SSH-1.5-ancient\r\n",
    "endless-banner-line": b"SSH-2.0-" + b"A" * 20000,
    "nuls": b"\0" * 5000,
    "many-pre-banner-lines": b"hello\r\n" * 2000,
}
"""Bytes a port scanner, a web browser, a TLS client or line noise sends instead of an SSH handshake."""


@pytest.mark.timeout(60)
async def test_garbage_before_the_handshake_is_dropped_and_the_next_client_served(kiosk, terminals) -> None:
    """Random bytes, an HTTP request, a TLS hello or half an SSH banner instead of a handshake are dropped within the login timeout, and the next real client gets the app."""
    server = await kiosk(login_timeout=3.0, per_ip=0)

    async def send(name: str, payload: bytes) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(payload)
            await writer.drain()
        except (ConnectionError, OSError):
            pass  # the server may already have hung up on it
        await closed_by_server(reader, 3.0 + 5)
        writer.close()
        COUNTS["garbage connections"] += 1

    await asyncio.gather(*(send(name, payload) for name, payload in GARBAGE_BEFORE.items()))
    await wait_until(lambda: server.connection_count == 0, what="garbage connections to be forgotten")
    assert not children_of(os.getpid())
    await still_serves(server.port, terminals)


@pytest.mark.timeout(60)
async def test_garbage_after_the_handshake_drops_only_that_connection(kiosk, terminals, kiosk_logs) -> None:
    """Random bytes after the version exchange, or written into an established session's encrypted stream, end only that connection (its app reaped), while another session keeps working."""
    server = await kiosk(login_timeout=5.0, per_ip=0)
    bystander = await terminals(server.port)
    await bystander.wait_for("KEYS 0")
    rng = random.Random(4)
    for _ in range(5):  # a valid banner, then a packet stream of noise
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        assert (await asyncio.wait_for(reader.readline(), 10)).startswith(b"SSH-2.0-")
        writer.write(b"SSH-2.0-hostile\r\n" + rng.randbytes(rng.choice([5, 64, 4096, 40000])))
        await closed_by_server(reader, 10)
        writer.close()
        COUNTS["garbage connections"] += 1
    for _ in range(3):  # a logged-in session with the app running, then noise on its socket
        victim = await terminals(server.port)
        await victim.wait_for("KEYS 0")
        pid = next(p for p in server.session_pids if f"PID {p}" in victim.text())
        transport = victim.conn._transport  # the raw TCP transport under the encryption
        transport.write(rng.randbytes(3000))
        await asyncio.wait_for(victim.eof.wait(), 15)
        await wait_until(lambda pid=pid: pid not in children_of(os.getpid()), what="the victim's app to be reaped")
        COUNTS["garbage connections"] += 1
    bystander.send(b"k")
    await bystander.wait_for("KEYS 1")
    await wait_until(lambda: server.connection_count == 1, what="only the bystander to be left")
    assert len(children_of(os.getpid())) == 1 and "Z" not in children_of(os.getpid()).values()


# ---------------------------------------------------------------------------------- stalls

STALL_BOUND_KIB = 8 * 1024
"""Growth of the server's memory allowed while clients stall; buffering the floods would take 3 x 6 MiB."""


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_clients_that_never_read_keep_the_server_memory_flat(serve, terminals) -> None:
    """Three clients that stop reading (their channel, their socket, or both) while their apps write 6 MiB each leave the server's resident memory within 8 MiB of where it was, and every byte arrives once they read again."""
    server = await serve("--per-ip", "3", fake_app=True)
    terms = [await terminals(server.port) for _ in range(3)]
    for term in terms:
        await term.wait_for("KEYS 0")
        term.render = False  # pyte is far too slow for megabytes
    await asyncio.sleep(0.5)
    before = rss_kib(server.pid)
    received = [len(term.raw) for term in terms]
    for index, term in enumerate(terms):
        if index in (0, 2):
            term.stop_reading()  # reads nothing from the channel: the SSH window closes
        if index in (1, 2):
            term.conn._transport.pause_reading()  # reads nothing from the socket: TCP backs up
        term.send(b"f")  # the fake app writes FLOOD_BYTES to its terminal
    peak = before
    for _ in range(30):
        await asyncio.sleep(0.1)
        peak = max(peak, rss_kib(server.pid))
    assert peak - before < STALL_BOUND_KIB, f"server grew from {before} to {peak} KiB while clients stalled"
    COUNTS["stall: server RSS growth KiB"] = peak - before
    for index, term in enumerate(terms):
        if index in (1, 2):
            term.conn._transport.resume_reading()
        if index in (0, 2):
            term.start_reading()
    for index, term in enumerate(terms):
        await wait_until(lambda term=term, index=index: len(term.raw) - received[index] >= FLOOD_BYTES,
                         timeout=60, what=f"client {index} to receive the flood")
    COUNTS["stalled clients"] += 3
    COUNTS["flood bytes held back"] += 3 * FLOOD_BYTES


# ---------------------------------------------------------------------------------- cycles

CYCLES = 200
CYCLE_BOUND_KIB = 8 * 1024
"""Growth allowed after the cycles: ~2 MiB is allocator noise; a leak of a session's buffers would be far more."""


async def one_cycle(port: int, point: str, rng: random.Random) -> None:
    """Connect, then abort at `point`: after TCP connect, after auth, around the PTY request, or mid-session."""
    if point == "tcp":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        if rng.random() < 0.5:
            await asyncio.wait_for(reader.readline(), 10)  # the server's banner
        abort_socket(writer) if rng.random() < 0.5 else writer.close()
        return
    conn = await ssh_connect(port)
    if point == "auth":
        conn.abort()
        return
    if point == "pty":  # the abort lands between channel open, PTY request, shell request and spawn

        async def open_session() -> None:
            await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)

        task = asyncio.create_task(open_session())
        await asyncio.sleep(rng.random() * 0.03)
        conn.abort()
        try:
            await task
        # AttributeError: asyncssh's *client* channel can be torn down by our own abort
        # while its shell request is answered ("'NoneType' has no attribute
        # 'session_started'"); that is the test's client racing itself, not the server.
        except (asyncssh.Error, OSError, asyncio.CancelledError, AttributeError):
            pass
        return
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    if rng.random() < 0.7:
        await asyncio.wait_for(process.stdout.read(1), 15)  # the app is drawing
    await asyncio.sleep(rng.random() * 0.3)
    if rng.random() < 0.5:
        process.stdin.write(b"\x1b[B\x1b[Bsy\r")
    conn.abort() if rng.random() < 0.8 else conn.close()


@pytest.mark.slow
@pytest.mark.timeout(150)
async def test_connect_abort_cycles_leak_nothing(serve, terminals) -> None:
    """Two hundred connections aborted at random points (after TCP connect, after auth, around the PTY request, mid-session) leave no process, no zombie, no descriptor and no more than 8 MiB of memory behind in the server."""
    server = await serve("--per-ip", "0", "--max-sessions", "40")
    rng = random.Random(5)
    points = ["tcp", "auth", "pty", "session"]

    async def run(count: int, at_once: int) -> None:
        gate = asyncio.Semaphore(at_once)

        async def guarded(index: int) -> None:
            async with gate:
                await one_cycle(server.port, points[index % len(points)], rng)
                COUNTS[f"cycles: abort after {points[index % len(points)]}"] += 1

        await asyncio.gather(*(guarded(i) for i in range(count)))

    def settled_like(baseline_fds: int, helpers: set[int]) -> bool:
        return fd_count(server.pid) <= baseline_fds and set(descendants(server.pid)) <= helpers

    zygotes = {pid for pid in descendants(server.pid) if b"wizard.kiosk.zygote" in cmdline(pid)}
    assert len(zygotes) == 1
    await run(20, 4)  # warm up: imports, caches and pools that are made once
    await wait_until(lambda: set(descendants(server.pid)) == zygotes, what="the warm-up sessions to end")
    helpers = zygotes
    await asyncio.sleep(1.0)
    fds_before, rss_before = fd_count(server.pid), rss_kib(server.pid)
    await run(CYCLES, 4)
    await wait_until(lambda: settled_like(fds_before, helpers), timeout=30,
                     what=f"descriptors back to {fds_before} and only {helpers} left "
                          f"(now {fd_count(server.pid)}, {descendants(server.pid)})")
    leftovers = descendants(server.pid)
    assert set(leftovers) == helpers and "Z" not in leftovers.values(), leftovers
    growth = rss_kib(server.pid) - rss_before
    assert growth < CYCLE_BOUND_KIB, f"the server grew by {growth} KiB over {CYCLES} cycles"
    COUNTS["cycles: server RSS growth KiB"] = growth
    COUNTS["cycles: server fds before/after"] = fds_before * 1000 + fd_count(server.pid)
    assert server.log_count("session start") >= CYCLES // 8, "too few cycles reached the app to mean much"
    assert server.log_count("session start") == server.log_count("session end")
    assert not [line for line in server.log if "Traceback" in line or " ERROR " in line], server.log
    COUNTS["cycles"] += CYCLES + 20
    COUNTS["cycle sessions started"] += server.log_count("session start")
    await still_serves(server.port, terminals, "医保")


# ---------------------------------------------------------------------------------- slow logins


async def drip(port: int, payload: bytes, interval: float, limit: float) -> float:
    """Send `payload` one byte every `interval` seconds; the seconds until the server hung up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    try:
        for byte in payload:
            writer.write(bytes([byte]))
            await writer.drain()
            try:
                if not await asyncio.wait_for(reader.read(4096), interval):
                    return time.monotonic() - started
            except TimeoutError:
                pass
            assert time.monotonic() - started < limit, "a slow login was not dropped"
        await closed_by_server(reader, limit)
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.timeout(60)
async def test_slowloris_logins_are_dropped_after_the_login_timeout(serve, terminals) -> None:
    """Connections that send one byte a second (of a banner, or of noise after a banner) are dropped at `--login-timeout`, while a real client is served meanwhile."""
    timeout = 3.0
    server = await serve("--login-timeout", str(timeout), "--per-ip", "0", fake_app=True)
    banner = b"SSH-2.0-slowloris-" + b"x" * 60 + b"\r\n"
    noise = b"SSH-2.0-x\r\n" + random.Random(6).randbytes(200)
    drips = [drip(server.port, banner, 1.0, timeout + 10) for _ in range(4)]
    drips += [drip(server.port, noise, 1.0, timeout + 10) for _ in range(4)]
    tasks = [asyncio.ensure_future(d) for d in drips]
    await asyncio.sleep(1.0)
    await still_serves(server.port, terminals)  # while eight slow logins are pending
    lasted = await asyncio.gather(*tasks)
    COUNTS["slowloris connections"] += len(lasted)
    assert all(timeout - 0.5 <= t <= timeout + 3 for t in lasted), lasted


# ---------------------------------------------------------------------------------- bursts


@pytest.mark.timeout(90)
async def test_per_ip_limit_holds_under_a_burst(kiosk, terminals) -> None:
    """Fifteen sessions opened at once from one address give the app to exactly three and the per-address message to the rest, while another loopback address still gets in."""
    server = await kiosk(per_ip=3, max_sessions=20)
    burst = await asyncio.gather(*(terminals(server.port) for _ in range(15)))
    most = 0

    def refusals_done() -> bool:
        nonlocal most
        most = max(most, len(server.session_pids))
        return sum(t.eof.is_set() for t in burst) >= 12

    await wait_until(refusals_done, what="twelve refusals")
    served = [t for t in burst if not t.eof.is_set()]
    for term in served:
        await term.wait_for("KEYS 0")
    refused = [t for t in burst if MSG_PER_IP in bytes(t.raw)]
    assert len(served) == 3 and len(refused) == 12 and most <= 3, (len(served), len(refused), most)
    COUNTS["burst connections"] += 15
    other = await terminals(server.port, local_addr=("127.0.0.2", 0))
    await other.wait_for("KEYS 0")
    served[0].close()
    await wait_until(lambda: len(server.session_pids) <= 3, what="the closed session's slot")
    await wait_until(lambda: server.connection_count <= 3, what="refused connections to close")
    await still_serves(server.port, terminals)


# ---------------------------------------------------------------------------------- crashes and bytes


async def real_server(kiosk: Callable[..., Awaitable[KioskServer]], **overrides: Any) -> KioskServer:
    """A server of the real app (forked by the zygote unless `zygote=False`)."""
    return await kiosk(child_argv=None, **overrides)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("zygote", [True, False], ids=["zygote", "no-zygote"])
async def test_app_killed_by_segv_ends_its_session_with_a_message(kiosk, terminals, kiosk_logs, zygote) -> None:
    """When a session's app dies of SIGSEGV, that visitor's terminal is reset and told in Chinese and English, the log names the signal, and the other sessions keep working."""
    server = await real_server(kiosk, zygote=zygote, per_ip=0)
    victim = await terminals(server.port)
    await victim.wait_for("医保问答")
    (victim_pid,) = server.session_pids
    others = [await terminals(server.port) for _ in range(2)]
    for term in others:
        await term.wait_for("医保问答")
    assert len(server.session_pids) == 3
    os.kill(victim_pid, signal.SIGSEGV)
    await asyncio.wait_for(victim.eof.wait(), 15)
    tail = bytes(victim.raw[-600:])
    assert RESET + MSG_APP_CRASHED in tail, tail
    assert "向导出错了" in victim.text() or "向导出错了" in tail.decode("utf-8", "replace")
    await wait_until(lambda: "signal=SIGSEGV" in kiosk_logs.text, what="the log line")
    for term in others:
        assert not term.eof.is_set()
        term.send(b"zzq")  # typed into Home's filter
    for term in others:
        await term.wait_for("没有找到")
    await wait_until(lambda: victim_pid not in descendants(os.getpid()), what="the killed app to be reaped")
    assert "Z" not in descendants(os.getpid()).values()
    COUNTS["apps killed by SIGSEGV"] += 1


INVALID_UTF8 = [
    b"\xff", b"\xfe\xfe", "医保".encode("gbk"), "é".encode("latin-1"), b"\x80\x81", b"\xc0\xaf",
    b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe5\x8c", b"\xe5" + b"\x1b[B",
]
"""A GBK or Latin-1 terminal, lone continuation bytes, overlong and surrogate forms, a truncated character."""


def test_input_filter_makes_any_bytes_utf8() -> None:
    """The server hands the app only valid UTF-8: bad bytes become U+FFFD and a character split across packets is rejoined."""
    flt = InputFilter()
    for data in INVALID_UTF8:
        flt.feed(data).decode("utf-8")  # raises if the app would choke on it
    flt = InputFilter()
    assert flt.feed(b"\xe5") == b""
    assert flt.feed(b"\x8c\xbb\xe4\xbf") + flt.feed(b"\x9d") == "医保".encode()
    assert InputFilter().feed(b"a\xffb") == "a\ufffdb".encode()
    rng = random.Random(8)
    for _ in range(200):
        flt.feed(rng.randbytes(rng.randint(1, 64))).decode("utf-8")


@pytest.mark.timeout(60)
async def test_bytes_that_are_not_utf8_do_not_end_the_app(kiosk, terminals, kiosk_logs) -> None:
    """Keystrokes from a GBK or Latin-1 terminal, or any invalid UTF-8, reach the real app as U+FFFD and the session goes on."""
    server = await real_server(kiosk)
    term = await terminals(server.port)
    await term.wait_for("医保问答")
    for data in INVALID_UTF8:
        term.send(data)
        COUNTS["invalid UTF-8 keystrokes"] += 1
    await term.wait_for("没有找到")
    assert "\ufffd" in term.text()
    term.send(b"\x1b")  # Esc clears the filter
    term.send("生育".encode())
    await asyncio.sleep(0.5)
    assert not term.eof.is_set() and len(server.session_pids) == 1
    assert "reason=app-exit" not in kiosk_logs.text


PARSER_CRASHERS = (
    b"\x1b[48;24;80;0;0t\x1b[<0;5;5M"  # zero pixels per cell, then a click: a division by zero
    b"\x1b[1114112u\x1b[97;1;1114112u"  # key codes past U+10FFFF: chr() fails
    b"\x1b[2147483648~"  # a key code past a C int
    b"\x1b[97:65;2u\x1b[97;5:1u\x1b[::;u"  # kitty alternates and event types: int("97:65") fails
)
"""Sequences each of which ended the real app (Textual's input parser raised) before the server filtered them."""


def test_filtered_input_never_breaks_textuals_parser() -> None:
    """Whatever a client types, what the server's input filter passes on is parsed by Textual without an exception."""
    from textual._xterm_parser import XTermParser

    rng = random.Random(9)
    samples = [PARSER_CRASHERS, *INVALID_UTF8] + [hostile_keys(rng) for _ in range(1500)]
    for sample in samples:
        flt, parser = InputFilter(), XTermParser()
        for event in parser.feed(flt.feed(sample).decode("utf-8")):
            getattr(event, "key", None)
        COUNTS["filtered samples parsed"] += 1


HOSTILE_SEQUENCES = [
    b"\x1b[A", b"\x1b[B", b"\r", b"\x1b", b"\t", b" ", b"1", b"2", b"w", b"\x1bOP", b"\x1b[20~", b"\x1b[15~",
    b"\x1b[200~", b"\x1b[201~", b"\x1b[I", b"\x1b[O", b"\x1b[?1;2c", b"\x1b]11;rgb:0000/0000/0000\x1b\\",
]
NUMBERS = [0, 1, 5, 300, 99999, 2**31, 2**40]
TEMPLATES = [b"\x1b[<0;%d;%dM", b"\x1b[<64;%d;%dm", b"\x1b[%d;%dR", b"\x1b[48;%d;%d;%d;%dt", b"\x1b[%d;%d;%du"]


def hostile_keys(rng: random.Random) -> bytes:
    """A burst of keys, escape sequences with absurd numbers (mouse, cursor, resize reports), raw bytes and text."""
    out = bytearray()
    for _ in range(rng.randint(1, 30)):
        roll = rng.random()
        if roll < 0.3:
            out += rng.choice(HOSTILE_SEQUENCES)
        elif roll < 0.45:
            template = rng.choice(TEMPLATES)
            out += template % tuple(rng.choice(NUMBERS) for _ in range(template.count(b"%")))
        elif roll < 0.7:
            out += rng.randbytes(rng.randint(1, 20))
        else:
            out += rng.choice(["医保", "ab", "١٢", "é", "👩\u200d👧", "\u202e"]).encode()
    return bytes(out)


@pytest.mark.slow
@pytest.mark.timeout(90)
async def test_random_keystrokes_and_sequences_do_not_end_the_app(kiosk, terminals) -> None:
    """Random bytes, escape sequences with absurd numbers and zero-pixel resize reports typed at the real app leave it running and answering keys."""
    server = await real_server(kiosk)
    for seed in range(3):
        rng = random.Random(seed)
        term = await terminals(server.port)
        await term.wait_for("医保问答")
        term.send(PARSER_CRASHERS)
        for _ in range(150):
            term.send(hostile_keys(rng))
            COUNTS["random key bursts"] += 1
            await asyncio.sleep(0.01)
            assert not term.eof.is_set(), f"seed {seed}: the app ended:\n{term.text()}"
        # Random bytes can leave Textual's parser inside an OSC/DCS string or a bracketed
        # paste, which swallows keys until its terminator: send both terminators first.
        term.send(b"\x07\x1b\\")
        await asyncio.sleep(0.2)
        term.send(b"\x1b[201~")
        for _ in range(3):  # close any dialog the bursts opened (help, change, save)
            await asyncio.sleep(0.2)
            term.send(b"\x1b")
        await asyncio.sleep(0.2)
        term.send(b"\x1b[20~")  # F9: Home
        await asyncio.sleep(0.5)
        term.resize(81, 24)  # a resize makes the app repaint everything: the screen is then exact
        term.resize(80, 24)
        await term.wait_for("医保问答", timeout=30)
        assert not term.eof.is_set() and len(server.session_pids) == 1
        term.close()
        await wait_until(lambda: not server.session_pids, what="the session to end")


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Any:
    yield
    print(f"\n[test_ssh_clients] {dict(COUNTS)}")
