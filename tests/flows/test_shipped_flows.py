"""The bundled flows: all check clean, every outcome and "unsure" route is replayed, tables are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.loader import Library, load_library
from wizard.model import UNSURE
from wizard.paths import decision_table
from wizard.replay import replay_file
from wizard.resources import flows_dir

HERE = Path(__file__).parent
EXPECTED = {
    "maternity-allowance-after-leaving", "out-of-area-filing", "is-it-reimbursable", "pay-first-or-direct",
    "empty-personal-account", "reimbursement-account", "contribution-gap", "family-account-sharing",
    "newborn-enrolment",
}
SCRIPTS = sorted(HERE.glob("*/*.yaml"))


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_nine_flows_are_shipped(library: Library) -> None:
    """The bundled flows are exactly the nine of the content brief."""
    assert {f.flow.id for f in library.flows if f.flow} | {Path(f.file).stem for f in library.flows} == EXPECTED


def test_bundled_flows_and_corpus_check_clean(library: Library) -> None:
    """No bundled flow or corpus document has an error, and no flow has a warning."""
    problems = [p for p in library.problems() if p.code != "unused-document"]
    assert not problems, "\n".join(p.format() for p in problems)
    assert all(f.flow is not None for f in library.flows)


@pytest.mark.parametrize("script", SCRIPTS, ids=[f"{p.parent.name}/{p.stem}" for p in SCRIPTS])
def test_replay_script_meets_its_expectation(script: Path, library: Library) -> None:
    """Each replay script reaches the outcome it expects."""
    result = replay_file(script, library)
    assert result.ok, (result.mismatches, [p.format() for p in result.problems])
    assert result.expect.get("outcome"), "every shipped script names the outcome it expects"
    assert script.parent.name == result.flow


def _replayed(library: Library) -> dict[str, list]:  # type: ignore[type-arg]
    states: dict[str, list] = {}  # type: ignore[type-arg]
    for script in SCRIPTS:
        result = replay_file(script, library)
        if result.state is not None:
            states.setdefault(result.flow, []).append(result.state)
    return states


def test_every_outcome_is_reached_by_a_script(library: Library) -> None:
    """For every flow, the replay scripts together reach every outcome."""
    states = _replayed(library)
    missing = {}
    for flow in library.good:
        reached = {s.node for s in states.get(flow.id, [])}
        if set(flow.outcomes) - reached:
            missing[flow.id] = sorted(set(flow.outcomes) - reached)
    assert not missing, f"outcomes without a replay script: {missing}"


def test_every_unsure_route_is_replayed(library: Library) -> None:
    """Every question that offers "不确定" is answered "unsure" by at least one script."""
    states = _replayed(library)
    missing = []
    for flow in library.good:
        used = {q for s in states.get(flow.id, []) for q, a in s.answers if a is UNSURE}
        missing += [f"{flow.id}.{q.id}" for q in flow.questions.values() if q.unsure and q.id not in used]
    assert not missing, f"unsure answers never replayed: {missing}"


@pytest.mark.parametrize("flow_id", sorted(EXPECTED))
def test_decision_table_is_regenerated(flow_id: str, library: Library) -> None:
    """The committed <id>.paths.md equals what `wizard paths` prints now (run `wizard paths --all --write`)."""
    flow = library.get(flow_id)
    committed = flows_dir() / f"{flow_id}.paths.md"
    assert committed.exists(), f"missing {committed}: run `wizard paths {flow_id} --write`"
    assert committed.read_text("utf-8") == decision_table(flow, library.corpus), (
        f"{committed.name} is stale: run `wizard paths {flow_id} --write` and commit the diff")
