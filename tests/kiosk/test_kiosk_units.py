"""The kiosk's small parts, without a network: clamps, filters, events, environment, options, keys."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.kiosk import main
from wizard.kiosk.childenv import child_environment
from wizard.kiosk.config import KioskConfig
from wizard.kiosk.events import EVENTS_FD_ENV, LineSplitter, parse_event, report_outcome
from wizard.kiosk.hostkey import load_or_create_host_key
from wizard.kiosk.options import APP_TARGET_ENV, PASSWORD_ENV, OptionsError, parse_options
from wizard.kiosk.terminal import InputFilter, clamp_size, colorterm_for, safe_term

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(60)


class TestTerminal:
    """Sizes, TERM and COLORTERM."""

    @pytest.mark.parametrize(
        ("given", "expected"),
        [((80, 24), (80, 24)), ((0, 0), (80, 24)), ((5, 2), (20, 8)), ((10**6, 10**6), (400, 200))],
    )
    def test_clamp_size(self, given, expected) -> None:
        """Window sizes are clamped to 20-400 by 8-200, and zero means 80x24."""
        assert clamp_size(*given) == expected

    @pytest.mark.parametrize(
        ("term", "expected"),
        [("xterm-kitty", "xterm-kitty"), ("x y", "xterm-256color"), ("", "xterm-256color")],
    )
    def test_safe_term(self, term, expected) -> None:
        """TERM is passed on only when it looks like a terminfo name."""
        assert safe_term(term) == expected

    @pytest.mark.parametrize(
        ("term", "policy", "expected"),
        [
            ("xterm-256color", "auto", "truecolor"),
            ("xterm", "auto", None),
            ("xterm", "truecolor", "truecolor"),
            ("xterm-256color", "none", None),
        ],
    )
    def test_colorterm_policy(self, term, policy, expected) -> None:
        """COLORTERM follows the server's policy, guessing from TERM in auto mode."""
        assert colorterm_for(term, policy) == expected


class TestInputFilter:
    """In-band resize reports typed by the client."""

    def test_ordinary_input_passes_unchanged(self) -> None:
        """Text, CJK, arrows, mouse reports and a lone Escape pass through byte for byte."""
        data = "ab你好".encode() + b"\x1b[A\x1b[1;5C\x1b[<0;3;4M\x1bx\x1b"
        assert InputFilter().feed(data) == data

    def test_lone_escape_is_not_held(self) -> None:
        """An Escape key press is passed on at once, not held waiting for more bytes."""
        assert InputFilter().feed(b"\x1b") == b"\x1b"

    def test_resize_report_is_clamped(self) -> None:
        """A resize report with an absurd size is rewritten with the clamped size and at least a pixel per cell."""
        out = InputFilter().feed(b"\x1b[48;40000;40000;0;0t")
        assert out == b"\x1b[48;200;400;200;400t"

    def test_split_resize_report_is_clamped(self) -> None:
        """A report split over several packets is clamped just the same."""
        flt = InputFilter()
        pieces = [b"\x1b", b"[4", b"8;9999", b"9;12", b";0;0", b"t"]
        assert b"".join(flt.feed(piece) for piece in pieces) == b"\x1b[48;200;20;200;20t"

    def test_overlong_report_is_dropped(self) -> None:
        """A report too long to be real never reaches the app."""
        out = InputFilter().feed(b"\x1b[48;" + b"9" * 100 + b";1;1;1tq")
        assert out == b"\x1bq"


class TestEvents:
    """The events pipe protocol."""

    def test_parse_valid_events(self) -> None:
        """OUTCOME and CRASH lines with plain ids are accepted."""
        assert parse_event(b"OUTCOME flow-1 yes.ok").args == ("flow-1", "yes.ok")  # type: ignore[union-attr]
        assert parse_event(b"CRASH KeyError app.py:10").verb == "CRASH"  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        "line", [b"OUTCOME only-one", b"HELLO a b", "OUTCOME 流程 x".encode(), b"\xff\xfe", b""]
    )
    def test_parse_rejects_everything_else(self, line) -> None:
        """Unknown verbs, wrong arity, odd characters and bad UTF-8 are ignored."""
        assert parse_event(line) is None

    def test_splitter_drops_overlong_lines(self) -> None:
        """Lines are reassembled across reads, and over-long ones are dropped whole."""
        splitter = LineSplitter()
        assert splitter.feed(b"OUTCOME a b\nOUT") == [b"OUTCOME a b"]
        assert splitter.feed(b"COME c d\n" + b"z" * 600) == [b"OUTCOME c d"]
        assert splitter.feed(b"zz\nCRASH E f:1\n") == [b"CRASH E f:1"]

    def test_report_outcome_writes_to_the_pipe(self, monkeypatch) -> None:
        """report_outcome writes one protocol line to the fd named in the environment."""
        read_end, write_end = os.pipe()
        monkeypatch.setenv(EVENTS_FD_ENV, str(write_end))
        try:
            assert report_outcome("flow", "out come")
            assert os.read(read_end, 100) == b"OUTCOME flow out_come\n"
        finally:
            os.close(read_end)
            os.close(write_end)

    def test_report_outcome_without_kiosk_does_nothing(self, monkeypatch) -> None:
        """Outside the kiosk report_outcome is a no-op that never raises."""
        monkeypatch.delenv(EVENTS_FD_ENV, raising=False)
        assert report_outcome("flow", "x") is False
        monkeypatch.setenv(EVENTS_FD_ENV, "987")
        assert report_outcome("flow", "x") is False


def test_child_environment_is_an_allow_list(tmp_path, monkeypatch) -> None:
    """The app's environment holds only the allow-listed names, and never COLUMNS or LINES."""
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.setenv("LD_PRELOAD", "/tmp/x.so")
    env = child_environment(
        term_type="xterm-256color",
        home=tmp_path,
        lang="C.UTF-8",
        colorterm_policy="auto",
        events_fd=9,
        parent_pid=1,
        memory_limit_mb=0,
    )
    assert "COLUMNS" not in env and "LINES" not in env and "LD_PRELOAD" not in env
    assert env["TERM"] == "xterm-256color" and env["HOME"] == str(tmp_path)
    assert env["PYTHONPATH"] == str(PACKAGE_ROOT)


class TestOptions:
    """`wizard serve` options."""

    def test_defaults_fit_a_public_kiosk(self, monkeypatch) -> None:
        """Without options the server listens on loopback port 2222 with bounded sessions."""
        monkeypatch.delenv(APP_TARGET_ENV, raising=False)
        config = parse_options([]).config
        assert (config.host, config.port, config.auth) == ("127.0.0.1", 2222, "none")
        assert config.max_sessions == 20 and config.per_ip == 3
        assert config.idle_timeout == 300 and config.max_duration == 3600
        assert config.session_argv()[1:5] == ("-m", "wizard.kiosk.child", "wizard", "--kiosk")

    def test_password_is_never_an_option(self, capsys) -> None:
        """There is no --password option, not even as an abbreviation of --password-file."""
        with pytest.raises(SystemExit):
            parse_options(["--auth", "password", "--password", "secret"])
        with pytest.raises(SystemExit):
            parse_options(["--auth", "password", "--password-f", "secret"])

    def test_password_from_file_or_environment(self, tmp_path, monkeypatch) -> None:
        """The password comes from the first line of --password-file, else from the environment."""
        secret = tmp_path / "pw"
        secret.write_text("s3cret\nignored\n")
        config = parse_options(["--auth", "password", "--password-file", str(secret)]).config
        assert config.password == "s3cret"
        assert "s3cret" not in repr(config)
        monkeypatch.setenv(PASSWORD_ENV, "from-env")
        assert parse_options(["--auth", "password"]).config.password == "from-env"

    @pytest.mark.parametrize(
        "argv",
        [
            ["--auth", "password"],
            ["--auth", "pubkey"],
            ["--auth", "pubkey", "--authorized-keys", "/nonexistent"],
            ["--flows", "/nonexistent"],
        ],
    )
    def test_unusable_options_are_errors(self, argv, monkeypatch) -> None:
        """Options that cannot make a working server are refused with a message."""
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
        with pytest.raises(OptionsError):
            parse_options(argv)

    def test_flow_options_reach_the_app(self, tmp_path, monkeypatch) -> None:
        """--flow and --flows (made absolute) are appended to the app's argv."""
        monkeypatch.delenv(APP_TARGET_ENV, raising=False)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "flows").mkdir()
        argv = parse_options(["--flow", "outpatient", "--flows", "flows"]).config.session_argv()
        assert argv[-4:] == ("--flow", "outpatient", "--flows", str(tmp_path / "flows"))

    def test_main_reports_bad_options(self, capsys, monkeypatch) -> None:
        """main() returns 2 with a message for bad options and 0 for --help."""
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
        assert main(["--auth", "password"]) == 2
        assert "WIZARD_KIOSK_PASSWORD" in capsys.readouterr().err
        assert main(["--help"]) == 0
        assert "wizard serve" in capsys.readouterr().out


class TestHostKey:
    """The host key file."""

    def test_created_private_then_reused(self, tmp_path) -> None:
        """A missing host key is created with mode 0600 and the same key is loaded next time."""
        path = tmp_path / "state" / "host_key"
        first = load_or_create_host_key(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert load_or_create_host_key(path).get_fingerprint() == first.get_fingerprint()

    def test_exposed_key_is_warned_about(self, tmp_path, caplog) -> None:
        """A host key readable by others is used, with a warning in the log."""
        path = tmp_path / "host_key"
        load_or_create_host_key(path)
        path.chmod(0o644)
        with caplog.at_level(logging.WARNING, logger="wizard.kiosk"):
            load_or_create_host_key(path)
        assert "readable by others" in caplog.text


def test_server_never_imports_textual() -> None:
    """Importing the server (and the package's main, the zygote's protocol) loads no Textual."""
    code = (
        "import sys, wizard.kiosk, wizard.kiosk.server, wizard.kiosk.options,"
        " wizard.kiosk.spawner, wizard.kiosk.zygote;"
        "sys.exit('textual' in sys.modules)"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PACKAGE_ROOT)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_child_wrapper_refuses_without_terminal() -> None:
    """The child wrapper will not run the app when stdin is not a terminal."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PACKAGE_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "wizard.kiosk.child", "this"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2 and b"not a terminal" in result.stderr


def test_config_repr_hides_password() -> None:
    """A config's repr (as in a traceback or log) never shows the password."""
    assert "hunter2" not in repr(KioskConfig(auth="password", password="hunter2"))
