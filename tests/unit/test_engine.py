"""The engine is a pure state machine: answer, back, change, replay, progress and trace."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from wizard import engine
from wizard.errors import AnswerError, NotFoundError
from wizard.model import UNSURE, Flow

TODAY = dt.date(2026, 11, 23)
CLAIM = {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []}


def test_start_is_the_first_question(example: Flow) -> None:
    """A new state stands at the start question with no answers."""
    s = engine.start(example, TODAY)
    assert s.node == "insured" and s.answers == () and not s.done


def test_answer_returns_a_new_state_and_leaves_the_old_one(example: Flow) -> None:
    """Answering never mutates the previous state."""
    s0 = engine.start(example, TODAY)
    s1 = engine.answer(s0, True)
    assert s0.answers == () and s0.node == "insured"
    assert s1.answers == (("insured", True),) and s1.node == "birth_date"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s1.node = "x"  # type: ignore[misc]


def test_invalid_answers_are_refused_with_the_reason(example: Flow) -> None:
    """A value outside the question's range or options raises AnswerError and changes nothing."""
    s = engine.replay(example, {"insured": True, "birth_date": "2026-03-01"}, TODAY)
    with pytest.raises(AnswerError, match="600"):
        engine.answer(s, 9999)
    with pytest.raises(AnswerError):
        engine.answer(engine.start(example, TODAY), "perhaps")


def test_replay_reaches_the_outcome(example: Flow) -> None:
    """Replaying answers by question id walks to the outcome they lead to."""
    s = engine.replay(example, CLAIM, TODAY)
    assert s.done and s.outcome is not None and s.outcome.id == "can_claim"


def test_replay_stops_at_the_first_missing_answer(example: Flow) -> None:
    """Missing answers leave the state at the question that needs one."""
    s = engine.replay(example, {"insured": True}, TODAY)
    assert s.node == "birth_date" and not s.done


def test_any_state_is_rebuilt_by_replaying_its_answers(example: Flow) -> None:
    """Replaying a state's own answers gives an equal state."""
    s = engine.replay(example, CLAIM, TODAY)
    for n in range(len(s.answers) + 1):
        partial = engine.replay(example, s.answers[:n], TODAY)
        again = engine.replay(example, partial.answers, TODAY)
        assert again == partial


def test_back_undoes_one_answer(example: Flow) -> None:
    """Back returns to the previous question with that answer forgotten; at the start it stays."""
    s = engine.replay(example, CLAIM, TODAY)
    b = engine.back(s)
    assert b.node == "extras" and "extras" not in b.values
    assert engine.back(engine.start(example, TODAY)) == engine.start(example, TODAY)


def test_change_replays_later_answers_where_still_asked(example: Flow) -> None:
    """Changing an early answer keeps later answers that are still on the new path."""
    s = engine.replay(example, CLAIM, TODAY)
    changed = engine.change(s, "months_paid", 5)
    assert changed.node == "too_short"
    assert [q for q, _ in changed.answers] == ["insured", "birth_date", "months_paid"]
    restored = engine.change(changed, "months_paid", 13)
    assert restored.node == "extras"  # the extras answer was dropped with the detour
    with pytest.raises(NotFoundError):
        engine.change(engine.start(example, TODAY), "months_paid", 3)


def test_change_to_unsure_routes_explicitly(example: Flow) -> None:
    """An "unsure" answer takes the branch written for it."""
    s = engine.change(engine.replay(example, CLAIM, TODAY), "insured", "unsure")
    assert s.node == "check_records" and s.values["insured"] is UNSURE


def test_progress_counts_step_and_longest_remaining_path(example: Flow) -> None:
    """Progress is the current step and the most steps any path from here can take."""
    s = engine.start(example, TODAY)
    assert engine.progress(s) == engine.Progress(1, 5)
    s = engine.answer(s, False)
    assert s.done and engine.progress(s) == engine.Progress(1, 1)


def test_trace_lists_each_answer_and_the_condition_it_met(example: Flow) -> None:
    """The trace says which branch each answer took, in words, and which answers it read."""
    s = engine.replay(example, CLAIM, TODAY)
    items = engine.trace(s)
    assert [t.question.id for t in items] == ["insured", "birth_date", "months_paid", "extras"]
    assert items[0].condition == "单位交了生育保险：是"
    assert not items[1].mattered
    assert "≥ 12" in items[2].condition and set(items[2].uses) == {"months_paid", "birth_date"}
    assert items[3].condition.startswith("特殊情况选了几项 < 1")


def test_restart_forgets_everything(example: Flow) -> None:
    """Restart gives the start state of the same flow."""
    s = engine.restart(engine.replay(example, CLAIM, TODAY))
    assert s == engine.start(example, TODAY)
