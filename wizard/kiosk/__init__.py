"""SSH kiosk: `ssh -p 2222 host` lands in the wizard app, one sandboxed process per session."""

from __future__ import annotations

import logging
import sys


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    # asyncssh logs every channel request at INFO; keep the log at one line per event.
    logging.getLogger("asyncssh").setLevel("DEBUG" if level == "DEBUG" else "WARNING")


def main(argv: list[str]) -> int:
    """`wizard serve [OPTIONS]`: run the kiosk server until SIGINT/SIGTERM; the exit status."""
    # Imported here so `python -m wizard.kiosk.child` (every session) stays light.
    from wizard.kiosk.options import OptionsError, parse_options

    try:
        options = parse_options(argv)
    except OptionsError as exc:
        print(f"wizard serve: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # argparse: --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    _setup_logging(options.log_level)
    from wizard.kiosk.server import run

    try:
        return run(options.config)
    except OSError as exc:
        logging.getLogger("wizard.kiosk").error("cannot serve: %s", exc)
        return 1
