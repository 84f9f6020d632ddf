"""Every replay script, driven through the real UI with keys, reaches what `engine.replay` gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wizard import engine
from wizard.errors import WizardError
from wizard.loader import Library, load_library
from wizard.replay import load_script
from wizard.tui.screens.outcome import OutcomeScreen
from wizard.tui.screens.question import QuestionScreen

from .conftest import EXAMPLE_DIR, ROOT, drive, make_app

FLOW_SCRIPTS = sorted((ROOT / "tests" / "flows").glob("**/*.yaml"))
EXAMPLE_SCRIPTS = sorted((EXAMPLE_DIR / "replays").glob("*.yaml"))


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT / "tests"))


@pytest.fixture(scope="module")
def bundled_library() -> Library:
    return load_library()


async def _replay_through_ui(library: Library, script_path: Path) -> None:
    try:
        script = load_script(script_path)
        flow = library.get(script["flow"])
        today = dt.date.fromisoformat(str(script["today"])) if script.get("today") else None
        expected = engine.replay(flow, script["answers"], today)
    except WizardError as exc:
        pytest.skip(f"script or flow not usable (the core's replay tests report it): {exc.message}")
    app = make_app(library, today=expected.today)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Start from Home by typing the flow's id into the filter, as a person could.
        await pilot.press(*list(flow.id), "enter")
        await pilot.pause()
        await drive(pilot, app, script["answers"])
        assert app.state is not None
        assert app.state.answers == expected.answers
        assert app.state.node == expected.node
        if expected.done:
            assert isinstance(app.screen, OutcomeScreen)
            assert app.screen.outcome.id == expected.node
        else:
            assert isinstance(app.screen, QuestionScreen)


@pytest.mark.parametrize("script", EXAMPLE_SCRIPTS, ids=_id)
async def test_example_replay_through_ui(example_library: Library, script: Path) -> None:
    """An example replay script typed through the UI ends where engine.replay ends."""
    await _replay_through_ui(example_library, script)


@pytest.mark.skipif(not FLOW_SCRIPTS, reason="no flow replay scripts in tests/flows yet")
@pytest.mark.parametrize("script", FLOW_SCRIPTS, ids=_id)
async def test_flow_replay_through_ui(bundled_library: Library, script: Path) -> None:
    """A shipped flow's replay script typed through the UI ends where engine.replay ends."""
    await _replay_through_ui(bundled_library, script)
