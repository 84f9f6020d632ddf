"""Every replay script, driven through the real UI with keys, reaches what `engine.replay` gives.

Scripts of one flow and one `today` share an app (F5 starts the flow again between them):
starting an app per script would make this the slowest part of the suite by far.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from wizard import engine
from wizard.errors import WizardError
from wizard.loader import Library, load_library
from wizard.replay import load_script

from .conftest import EXAMPLE_DIR, ROOT, drive, make_app, on_outcome, on_question, type_keys

FLOWS_TESTS = ROOT / "tests" / "flows"
FLOW_DIRS = sorted(d for d in FLOWS_TESTS.iterdir() if d.is_dir() and any(d.glob("**/*.yaml"))) \
    if FLOWS_TESTS.is_dir() else []
EXAMPLE_SCRIPTS = sorted((EXAMPLE_DIR / "replays").glob("*.yaml"))


@pytest.fixture(scope="module")
def bundled_library() -> Library:
    return load_library()


def _expected(library: Library, path: Path) -> tuple[dict[str, Any], engine.State] | None:
    """The script and what the engine makes of it, or None when either is unusable."""
    try:
        script = load_script(path)
        flow = library.get(script["flow"])
        today = dt.date.fromisoformat(str(script["today"])) if script.get("today") else None
        return script, engine.replay(flow, script["answers"], today)
    except WizardError:
        return None  # the core's replay tests report broken scripts and flows


def _mismatch(app: Any, expected: engine.State) -> str | None:
    state = app.state
    if state is None:
        return "no flow running"
    if state.answers != expected.answers or state.node != expected.node:
        return f"UI ended at {state.node} with {state.answers}, engine at {expected.node} with {expected.answers}"
    if expected.done and not (on_outcome(app) and app.screen.outcome.id == expected.node):
        return "the outcome is not on screen"
    if not expected.done and not on_question(app):
        return "the question is not on screen"
    return None


async def _replay_group(library: Library, flow_id: str, today: dt.date,
                        scripts: list[tuple[Path, dict[str, Any], engine.State]]) -> list[str]:
    """Replay scripts of one flow and day in one app; the problems found, by script."""
    problems = []
    app = make_app(library, today=today)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *flow_id, "enter", until=lambda: app.state is not None)  # found on Home by its id
        for n, (path, script, expected) in enumerate(scripts):
            if n:
                before = app.state
                await type_keys(pilot, "f5", until=lambda b=before: app.state is not b)  # 重新开始
            try:
                await drive(pilot, app, script["answers"])
            except AssertionError as exc:
                problems.append(f"{path.name}: {exc}")
                continue
            found = _mismatch(app, expected)
            if found:
                problems.append(f"{path.name}: {found}")
    return problems


async def _replay_all(library: Library, paths: list[Path]) -> None:
    groups: dict[tuple[str, dt.date], list[tuple[Path, dict[str, Any], engine.State]]] = defaultdict(list)
    for path in paths:
        found = _expected(library, path)
        if found is not None:
            script, state = found
            groups[(state.flow.id, state.today)].append((path, script, state))
    if not groups:
        pytest.skip("no usable replay script (flow missing or broken)")
    problems = []
    for (flow_id, today), scripts in sorted(groups.items()):
        problems += await _replay_group(library, flow_id, today, scripts)
    assert not problems, "\n".join(problems)


async def test_example_replays_through_ui(example_library: Library) -> None:
    """The example's replay scripts typed through the UI end where engine.replay ends."""
    await _replay_all(example_library, EXAMPLE_SCRIPTS)


@pytest.mark.skipif(not FLOW_DIRS, reason="no flow replay scripts in tests/flows yet")
@pytest.mark.parametrize("flow_dir", FLOW_DIRS, ids=lambda d: d.name)
async def test_flow_replays_through_ui(bundled_library: Library, flow_dir: Path) -> None:
    """A shipped flow's replay scripts typed through the UI all end where engine.replay ends."""
    await _replay_all(bundled_library, sorted(flow_dir.glob("**/*.yaml")))
