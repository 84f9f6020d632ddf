"""Path enumeration covers every outcome, buckets answers by conditions, and graphs are valid."""

from __future__ import annotations

import datetime as dt
import re

from wizard import engine, paths
from wizard.loader import Library
from wizard.model import UNSURE, Flow

TODAY = dt.date(2026, 11, 23)


def test_every_outcome_is_reached(example: Flow) -> None:
    """The enumerated paths reach every outcome of the example flow."""
    found = {p.outcome for p in paths.enumerate_paths(example)}
    assert found == set(example.outcomes)


def test_each_path_replays_to_its_outcome(example: Flow) -> None:
    """Replaying a path's representative answers reaches that path's outcome."""
    for p in paths.enumerate_paths(example):
        answers = {s.question.id: s.answer for s in p.steps}
        assert engine.replay(example, answers, paths.reference_day(example)).node == p.outcome


def test_numbers_are_bucketed_at_thresholds(example: Flow) -> None:
    """A number question gets one bucket below and one at/above each threshold, plus unsure."""
    vals = {"insured": True, "birth_date": dt.date(2026, 6, 1)}
    got = paths.buckets(example, example.questions["months_paid"], vals, TODAY)
    answers = sorted((b.answer for b in got if b.answer is not UNSURE), key=float)  # type: ignore[arg-type]
    assert answers[0] < 12 <= answers[-1]
    assert any(b.answer is UNSURE for b in got) and len(got) == 3


def test_dates_are_bucketed_by_month_differences(example: Flow) -> None:
    """A date question is split where months_between crosses the flow's thresholds."""
    vals = {"insured": True}
    got = paths.buckets(example, example.questions["birth_date"], vals, TODAY)
    labels = sorted(b.label for b in got)
    assert any("≤ 12" in label for label in labels) and any("> 12" in label for label in labels)


def test_decision_table_lists_every_path(example: Flow, example_library: Library) -> None:
    """The Markdown table has a row per path and names every outcome; CSV has the same rows."""
    md = paths.decision_table(example, example_library.corpus)
    rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == len(paths.enumerate_paths(example))
    for outcome in example.outcomes:
        assert f"(`{outcome}`)" in md
    csv = paths.decision_table(example, example_library.corpus, "csv")
    assert len(csv.strip().splitlines()) == len(rows) + 1


def test_mermaid_graph_has_every_node_and_edge(example: Flow) -> None:
    """The Mermaid output declares every node and one edge per branch, with quoted labels."""
    text = paths.graph(example)
    assert text.startswith("flowchart TD\n")
    for node in list(example.questions) + list(example.outcomes):
        assert re.search(rf"^  {node}[\[(]", text, re.M)
    edges = [line for line in text.splitlines() if "-->" in line]
    assert len(edges) == sum(len(q.rules) for q in example.questions.values())
    assert all(line.count('"') % 2 == 0 for line in text.splitlines())


def test_dot_graph_is_a_digraph(example: Flow) -> None:
    """The DOT output is one digraph with an edge per branch."""
    text = paths.graph(example, "dot")
    assert text.startswith('digraph "example" {') and text.rstrip().endswith("}")
    assert text.count("->") == sum(len(q.rules) for q in example.questions.values())


def test_what_if_shows_other_answers_outcomes(example: Flow) -> None:
    """For an answered question, each other bucket leads to the outcome the engine computes."""
    s = engine.replay(example, {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []},
                      TODAY)
    alts = paths.what_if(s, "insured")
    assert {a.label: a.state.node for a in alts} == {"否": "no_insurance", "不确定": "check_records"}
    months = {a.state.node for a in paths.what_if(s, "months_paid")}
    assert months == {"too_short", "check_records"}

