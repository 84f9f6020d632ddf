"""Snapshots at 80x24 (and 60x20) of Home, a question and an outcome with citations, on the example flow."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from wizard.loader import Library

from .conftest import drive, make_app

TO_OUTCOME = {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []}


async def _start(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")
    await pilot.pause()


class TestHome:
    def test_home(self, snap_compare: Any, example_library: Library) -> None:
        """Home shows the title, the filter box and the flow with its summary at 80x24."""
        assert snap_compare(make_app(example_library), terminal_size=(80, 24))


class TestQuestion:
    def test_choice_question(self, snap_compare: Any, example_library: Library) -> None:
        """A yes/no question shows progress, the numbered options incl. 不确定, and the key footer."""
        assert snap_compare(make_app(example_library), terminal_size=(80, 24), run_before=_start)

    def test_number_question_with_error_narrow(self, snap_compare: Any, example_library: Library) -> None:
        """At 60x20 a number question shows the typed text and the core's message in Chinese."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await _start(pilot)
            await drive(pilot, pilot.app, {"insured": True, "birth_date": "2026-03-01"})  # type: ignore[arg-type]
            await pilot.press("7", "0", "0")

        assert snap_compare(make_app(example_library), terminal_size=(60, 20), run_before=run_before)

    def test_question_with_answers_panel_wide(self, snap_compare: Any, example_library: Library) -> None:
        """At 110 columns the answers so far are listed beside the question."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await _start(pilot)
            await drive(pilot, pilot.app, {"insured": True, "birth_date": "2026-03-01", "months_paid": 13})  # type: ignore[arg-type]

        assert snap_compare(make_app(example_library), terminal_size=(110, 24), run_before=run_before)


class TestOutcome:
    def test_outcome_with_citation(self, snap_compare: Any, example_library: Library) -> None:
        """An outcome shows the verdict in words, the explanation and the quoted article at 80x24."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await _start(pilot)
            await drive(pilot, pilot.app, TO_OUTCOME)  # type: ignore[arg-type]

        assert snap_compare(make_app(example_library), terminal_size=(80, 24), run_before=run_before)

    def test_outcome_not_held_document(self, snap_compare: Any, example_library: Library) -> None:
        """An outcome citing a document we do not hold labels it "原文未收录" and quotes nothing."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await _start(pilot)
            await drive(pilot, pilot.app, {**TO_OUTCOME, "months_paid": 3})  # type: ignore[arg-type]

        assert snap_compare(make_app(example_library), terminal_size=(80, 24), run_before=run_before)

    def test_outcome_light_theme(self, snap_compare: Any, example_library: Library) -> None:
        """The outcome is legible in the light theme (F4), banner and quote included."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await pilot.press("f4")
            await _start(pilot)
            await drive(pilot, pilot.app, TO_OUTCOME)  # type: ignore[arg-type]

        assert snap_compare(make_app(example_library), terminal_size=(80, 24), run_before=run_before)
