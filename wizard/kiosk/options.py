"""The `wizard serve` command line, turned into a KioskConfig."""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from wizard.kiosk.config import KioskConfig, build_child_argv, default_host_key_path

PASSWORD_ENV: Final = "WIZARD_KIOSK_PASSWORD"
APP_TARGET_ENV: Final = "WIZARD_KIOSK_APP_TARGET"
"""Test hook: run this module or .py file instead of the wizard (read by the server only)."""


class OptionsError(ValueError):
    """The options cannot make a working server; the message says how to fix them."""


@dataclass(frozen=True)
class ServeOptions:
    """A parsed command line."""

    config: KioskConfig
    log_level: str


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def _flow_id(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}", text):
        raise argparse.ArgumentTypeError(f"not a flow id: {text!r}")
    return text


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 and 65535, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `wizard serve`."""
    defaults = KioskConfig(host_key=Path("unused"))
    parser = argparse.ArgumentParser(
        prog="wizard serve",
        description="Serve the wizard over SSH: `ssh -p PORT host` lands in the app, never a shell.",
        allow_abbrev=False,  # so `--password ...` can never match `--password-file`
    )
    net = parser.add_argument_group("network")
    net.add_argument("--host", default=defaults.host, help="address to listen on (%(default)s)")
    net.add_argument("--port", type=_port, default=defaults.port, help="TCP port (%(default)s)")
    net.add_argument(
        "--host-key",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"host key file, created (mode 0600) if missing (default {default_host_key_path()})",
    )
    auth = parser.add_argument_group("authentication")
    auth.add_argument(
        "--auth",
        choices=["none", "password", "pubkey"],
        default=defaults.auth,
        help="none: anyone may connect (public kiosk, default); password; pubkey",
    )
    auth.add_argument("--authorized-keys", type=Path, metavar="FILE", help="for --auth pubkey")
    auth.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help=f"for --auth password (first line); or set {PASSWORD_ENV}. Never on the command line.",
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--max-sessions",
        type=_positive_int,
        default=defaults.max_sessions,
        help="sessions at once (%(default)s)",
    )
    limits.add_argument(
        "--per-ip",
        type=_non_negative_int,
        default=defaults.per_ip,
        help="sessions at once from one address, 0 for no limit (%(default)s)",
    )
    limits.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=defaults.idle_timeout,
        metavar="SECONDS",
        help="end a session after this long without input (%(default)s)",
    )
    limits.add_argument(
        "--max-duration",
        type=_seconds,
        default=defaults.max_duration,
        metavar="SECONDS",
        help="end any session after this long (%(default)s)",
    )
    limits.add_argument(
        "--login-timeout",
        type=_seconds,
        default=defaults.login_timeout,
        metavar="SECONDS",
        help="drop connections that have no session this long after connecting (%(default)s)",
    )
    limits.add_argument(
        "--memory-limit",
        type=_non_negative_int,
        default=defaults.memory_limit_mb,
        metavar="MB",
        help="address-space limit of each session's process, 0 for none (%(default)s)",
    )
    app = parser.add_argument_group("app")
    app.add_argument("--flow", type=_flow_id, metavar="ID", help="start every session in this flow")
    app.add_argument("--flows", type=Path, metavar="DIR", help="load flows from this directory")
    app.add_argument(
        "--colorterm",
        choices=["auto", "truecolor", "none"],
        default=defaults.colorterm,
        help="COLORTERM for the app; auto: truecolor for *-256color terminals (%(default)s)",
    )
    app.add_argument(
        "--no-zygote",
        dest="zygote",
        action="store_false",
        help="start every session as a new Python process instead of forking it from a "
        "zygote that has the app loaded (slower, more memory; for debugging)",
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        default="INFO",
        help="log level (%(default)s); logs go to stderr, one line per event",
    )
    return parser


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_file is not None:
        try:
            lines = args.password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise OptionsError(f"cannot read --password-file: {exc.strerror}") from None
        return lines[0] if lines else ""
    return os.environ.get(PASSWORD_ENV)


def _check_auth(args: argparse.Namespace, password: str | None) -> None:
    if args.auth == "password" and not password:
        raise OptionsError(
            f"--auth password needs a non-empty password in --password-file or ${PASSWORD_ENV}"
        )
    if args.auth == "pubkey":
        if args.authorized_keys is None:
            raise OptionsError("--auth pubkey needs --authorized-keys FILE")
        if not args.authorized_keys.is_file():
            raise OptionsError(f"--authorized-keys {args.authorized_keys}: no such file")
    if args.auth != "password" and args.password_file is not None:
        raise OptionsError("--password-file is only used with --auth password")
    if args.auth != "pubkey" and args.authorized_keys is not None:
        raise OptionsError("--authorized-keys is only used with --auth pubkey")


def _child_argv(args: argparse.Namespace) -> tuple[str, ...] | None:
    target = os.environ.get(APP_TARGET_ENV)
    if not target:
        return None
    return build_child_argv(target, args.flow, args.flows)


def parse_options(argv: list[str]) -> ServeOptions:
    """Parse and check `argv`; raises OptionsError (or SystemExit from argparse)."""
    args = build_parser().parse_args(argv)
    password = _read_password(args) if args.auth == "password" else None
    _check_auth(args, password)
    if args.flows is not None and not args.flows.is_dir():
        raise OptionsError(f"--flows {args.flows}: no such directory")
    config = KioskConfig(
        host=args.host,
        port=args.port,
        host_key=args.host_key or default_host_key_path(),
        auth=args.auth,
        authorized_keys=args.authorized_keys,
        password=password,
        max_sessions=args.max_sessions,
        per_ip=args.per_ip,
        idle_timeout=args.idle_timeout,
        max_duration=args.max_duration,
        login_timeout=args.login_timeout,
        flow=args.flow,
        flows_dir=args.flows,
        colorterm=args.colorterm,
        memory_limit_mb=args.memory_limit,
        child_argv=_child_argv(args),
        zygote=args.zygote,
    )
    return ServeOptions(config, args.log_level)
