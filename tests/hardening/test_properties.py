"""Property-based tests: random flows, random walks through the shipped flows, and a read-only evaluator."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from wizard import conditions as cnd
from wizard import engine, paths
from wizard.errors import AnswerError, WizardError
from wizard.loader import Library, load_corpus, load_flow, load_library
from wizard.model import UNSURE, VERDICTS, Answer, Corpus, Flow, Kind, Question

ARTICLES = Path(__file__).parent.parent / "data" / "invalid" / "articles"

EXAMPLES = int(os.environ.get("HARDENING_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""About 150 examples per property keeps this file well under a minute on two cores; set
HARDENING_EXAMPLES=5000 for a deeper run."""


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    found, problems = load_corpus(ARTICLES)
    assert not problems
    return found


@pytest.fixture(scope="module")
def shipped() -> Library:
    library = load_library()
    assert len(library.good) >= 9 and all(f.ok for f in library.flows)
    return library


# ---------------------------------------------------------------------------------- random documents

IDS = st.sampled_from(["a", "b", "c", "d", "ok", "nope", "zz"])
ODD_IDS = st.sampled_from(["ｏｋ", "ok\u200b", "A", "1a", "", "a-b", "today", "unsure", "é", "\x1b"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=4)
NUMBERS = st.one_of(st.integers(-10**6, 10**6), st.integers(), st.floats())
DATE_LITERALS = st.sampled_from(["today", "today-12m", "today+30d", "today-5y", "2025-01-31", "2026-02-30",
                                 "today-9999y", "today+7999y", "0001-01-01", "9999-12-31"])
JUNK = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.text(max_size=3), st.lists(st.integers(), max_size=2),
                 st.dictionaries(TEXT, st.integers(), max_size=2))
SCALARS = st.one_of(st.booleans(), NUMBERS, IDS, st.just("unsure"), DATE_LITERALS)


class Shape:
    """How rough a random document is: a clean one has the schema's shape and exercises the meaning checks;
    a rough one puts anything anywhere and exercises the YAML and schema layers."""

    def __init__(self, rough: bool) -> None:
        self.rough = rough

    def maybe_bad(self, good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(good, good, good, JUNK) if self.rough else good

    @property
    def ids(self) -> st.SearchStrategy[Any]:
        return st.one_of(IDS, IDS, IDS, ODD_IDS, TEXT) if self.rough else IDS


@st.composite
def comparisons(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    subject = draw(st.sampled_from(cnd.SUBJECTS))
    if subject in ("answer", "count"):
        arg: Any = draw(shape.ids)
    elif subject in ("months_between", "days_between", "difference"):
        items = st.one_of(IDS, st.just("today"), NUMBERS) if shape.rough else \
            st.one_of(IDS, st.just("today")) if subject != "difference" else st.one_of(IDS, NUMBERS)
        arg = draw(st.lists(items, min_size=1 if shape.rough else 2, max_size=3 if shape.rough else 2))
    else:
        arg = draw(st.lists(st.one_of(IDS, NUMBERS), min_size=1 if shape.rough else 2, max_size=4))
    op = draw(st.sampled_from(cnd.OPERATORS))
    if op == "between" and not shape.rough:
        value: Any = draw(st.lists(st.one_of(NUMBERS, DATE_LITERALS), min_size=2, max_size=2))
    elif op in ("in", "not_in", "includes_any", "includes_all", "between"):
        value = draw(st.lists(SCALARS, min_size=0 if shape.rough else 1, max_size=3))
    elif op in ("lt", "le", "gt", "ge"):
        value = draw(st.one_of(NUMBERS, DATE_LITERALS))
    elif op in ("includes", "excludes"):
        value = draw(st.sampled_from(["sh", "zj", "bj"]))
    else:
        value = draw(SCALARS)
    out = {subject: arg, op: value}
    if shape.rough and draw(st.integers(0, 9)) == 0:
        out[draw(st.sampled_from(cnd.OPERATORS + cnd.SUBJECTS + ("iss",)))] = draw(SCALARS)
    return out


def conditions(shape: Shape) -> st.SearchStrategy[Any]:
    least = 0 if shape.rough else 1
    return st.recursive(
        comparisons(shape),
        lambda inner: st.one_of(
            st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=least, max_size=3)),
            st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=least, max_size=3)),
            st.builds(lambda x: {"not": x}, inner),
        ),
        max_leaves=6,
    )


@st.composite
def rules(draw: st.DrawFn, shape: Shape) -> Any:
    if draw(st.integers(0, 5)) == 0:
        return draw(shape.maybe_bad(shape.ids))
    out: list[Any] = []
    for _ in range(draw(st.integers(0 if shape.rough else 1, 3))):
        out.append({"if": draw(shape.maybe_bad(conditions(shape))), "goto": draw(shape.ids)})
    if draw(st.integers(0, 3)):
        out.insert(draw(st.integers(0, len(out))), {"else": draw(shape.ids)})
    return out


@st.composite
def questions(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    kind = draw(shape.maybe_bad(st.sampled_from([k.value for k in Kind])))
    q: dict[str, Any] = {"id": draw(shape.ids), "kind": kind, "text": draw(shape.maybe_bad(st.just("问题？")))}
    if kind in ("choice", "multi") or (shape.rough and draw(st.integers(0, 9)) == 0):
        values = st.sampled_from(["sh", "zj", "bj", "unsure", "ＳＨ", "a b"]) if shape.rough else \
            st.sampled_from(["sh", "zj", "bj"])
        q["options"] = draw(shape.maybe_bad(st.lists(st.fixed_dictionaries({"value": values, "label": st.just("选项")}),
                                                     min_size=0 if shape.rough else 2, max_size=4)))
    if kind == "number" or (shape.rough and draw(st.integers(0, 9)) == 0):
        for bound in ("min", "max"):
            if not shape.rough or draw(st.integers(0, 5)):
                q[bound] = draw(shape.maybe_bad(NUMBERS))
        if draw(st.booleans()):
            q["integer"] = draw(shape.maybe_bad(st.booleans()))
    if kind == "date" and draw(st.booleans()):
        q["earliest"] = draw(shape.maybe_bad(DATE_LITERALS))
        q["latest"] = draw(shape.maybe_bad(DATE_LITERALS))
    if draw(st.booleans()):
        q["unsure"] = draw(shape.maybe_bad(st.just("不确定")))
    if draw(st.integers(0, 7)):
        q["next"] = draw(rules(shape))
    return q


@st.composite
def outcomes(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    citation: dict[str, Any] = {"doc": draw(shape.maybe_bad(st.sampled_from(["sample-law", "missing-doc", "nope"])))}
    if draw(st.booleans()):
        citation["article"] = draw(shape.maybe_bad(st.sampled_from(["第一条", "第二条", "第九条"])))
    if draw(st.integers(0, 3)) == 0:
        citation["paragraph"] = draw(shape.maybe_bad(st.integers(0 if shape.rough else 1, 4)))
    if draw(st.integers(0, 3)) == 0:
        citation["quote"] = draw(shape.maybe_bad(st.sampled_from(
            ["用人单位已经缴纳生育保险费的", "（一）应当从工伤保险基金中支付的；", "用人单位已经缴纳生育保险费的,其职工"])))
    return {"id": draw(shape.ids), "verdict": draw(shape.maybe_bad(st.sampled_from(VERDICTS))), "title": "结论",
            "explanation": "说明。", "steps": draw(shape.maybe_bad(st.just([{"what": "去办"}]))),
            "citations": [citation]}


@st.composite
def flow_documents(draw: st.DrawFn) -> Any:
    shape = Shape(draw(st.booleans()))
    doc: dict[str, Any] = {
        "id": draw(shape.maybe_bad(st.just("h"))), "title": "标题", "summary": "简介",
        "version": draw(shape.maybe_bad(st.just("1.0"))),
        "updated": draw(shape.maybe_bad(st.sampled_from(["2026-11-23", "2026-02-30"]))), "regions": ["全国"],
        "questions": draw(shape.maybe_bad(st.lists(questions(shape), min_size=1, max_size=5))),
        "outcomes": draw(shape.maybe_bad(st.lists(outcomes(shape), min_size=1, max_size=3))),
    }
    if draw(st.booleans()):
        doc["start"] = draw(shape.ids)
    if shape.rough and draw(st.integers(0, 9)) == 0:
        del doc[draw(st.sampled_from(sorted(doc)))]
    if shape.rough and draw(st.integers(0, 19)) == 0:
        return draw(JUNK)
    return doc


GOOD_DATES = st.sampled_from(["today", "today-12m", "today+30d", "today-5y", "2025-01-31"])
OPTION_VALUES = ["sh", "zj", "bj"]


def fitting_comparison(qid: str, kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """A comparison that fits a question of this kind (the checks should accept it)."""
    if kind == "yesno":
        return st.fixed_dictionaries({"answer": st.just(qid), "is": st.booleans()})
    if kind == "choice":
        return st.fixed_dictionaries({"answer": st.just(qid),
                                      "in": st.lists(st.sampled_from(OPTION_VALUES), min_size=1, max_size=2)})
    if kind == "multi":
        return st.one_of(st.fixed_dictionaries({"answer": st.just(qid), "includes": st.sampled_from(OPTION_VALUES)}),
                         st.fixed_dictionaries({"count": st.just(qid), "ge": st.integers(0, 3)}))
    if kind == "number":
        return st.one_of(st.fixed_dictionaries({"answer": st.just(qid), "ge": st.integers(-5, 700)}),
                         st.fixed_dictionaries({"product": st.tuples(st.just(qid), st.floats(-1e300, 1e300)).map(list),
                                                "lt": st.floats(allow_nan=False)}))
    return st.one_of(st.fixed_dictionaries({"answer": st.just(qid), "lt": GOOD_DATES}),
                     st.fixed_dictionaries({"months_between": st.just([qid, "today"]),
                                            "le": st.integers(-10**7, 10**7)}),
                     st.fixed_dictionaries({"days_between": st.just(["today", qid]),
                                            "ge": st.integers(-10**9, 10**9)}))


@st.composite
def chain_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Flows whose questions come in order, branch forward and compare answers they fit: many of these load."""
    kinds = draw(st.lists(st.sampled_from([k.value for k in Kind]), min_size=1, max_size=5))
    ids = [f"q{i}" for i in range(len(kinds))]
    outcome_ids = ["o0", "o1"]
    qs: list[dict[str, Any]] = []
    for i, (qid, kind) in enumerate(zip(ids, kinds, strict=True)):
        q: dict[str, Any] = {"id": qid, "kind": kind, "text": "问题？"}
        if kind in ("choice", "multi"):
            q["options"] = [{"value": v, "label": v.upper()} for v in OPTION_VALUES]
        if kind == "number":
            q.update(min=0, max=draw(st.one_of(st.integers(0, 800), st.just(float("inf")))))
        if kind == "date" and draw(st.booleans()):
            q.update(earliest=draw(st.sampled_from(["today-100y", "1900-01-01", "0001-01-01"])),
                     latest=draw(st.sampled_from(["today", "today+7999y", "9999-12-31"])))
        later = st.sampled_from(ids[i + 1:] + outcome_ids)
        earlier = list(zip(ids[: i + 1], kinds[: i + 1], strict=True))
        fitting = st.one_of(*(fitting_comparison(e, k) for e, k in earlier))
        comparison = st.one_of(fitting, fitting, fitting, comparisons(Shape(False)))
        condition = st.recursive(comparison, lambda inner: st.one_of(
            st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda x: {"not": x}, inner)), max_leaves=4)
        last = i == len(ids) - 1
        q["next"] = [{"if": draw(condition), "goto": "o1" if last and n == 0 else draw(later)}
                     for n in range(draw(st.integers(1 if last else 0, 2)))]
        q["next"].append({"else": "o0" if last else ids[i + 1]})
        qs.append(q)
    outs = [{"id": o, "verdict": draw(st.sampled_from(VERDICTS)), "title": "结论", "explanation": "说明。",
             "steps": [{"what": "去办"}], "citations": [{"doc": "sample-law", "article": "第一条"}]}
            for o in outcome_ids]
    updated = draw(st.sampled_from(["2026-11-23", "0001-01-05", "9999-12-30", "2024-02-29"]))
    return {"id": "chain", "title": "标题", "summary": "简介", "version": "1.0", "updated": updated,
            "regions": ["全国"], "questions": qs, "outcomes": outs}


@SETTINGS
@given(doc=st.one_of(flow_documents(), chain_documents()))
def test_random_flow_documents_load_or_give_located_problems(doc: Any, corpus: Corpus, tmp_path_factory: Any) -> None:
    """A random flow document either loads (and then runs, tabulates and graphs) or fails with located Problems."""
    f = _scratch(tmp_path_factory)
    f.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded = load_flow(f, corpus)
    event("refused: " + loaded.errors[0].code if loaded.errors else "loaded")
    if loaded.flow is None:
        assert loaded.errors, "a refused flow must say why"
        for p in loaded.errors:
            assert p.file == str(f) and p.line >= 1 and p.message
    else:
        assert not loaded.errors
        walk_a_little(loaded.flow)
        try:
            paths.decision_table(loaded.flow, corpus)
        except WizardError as exc:  # only "too many paths" may stop the table
            assert "路线超过" in exc.message
        paths.graph(loaded.flow)


_SCRATCH: list[Path] = []


def _scratch(factory: Any) -> Path:
    if not _SCRATCH:
        _SCRATCH.append(factory.mktemp("random") / "flow.yaml")
    return _SCRATCH[0]


def walk_a_little(flow: Flow) -> None:
    """A flow that passed every check runs to an outcome, without FlowStuck, along its first branches."""
    state = engine.start(flow, dt.date(2026, 11, 23))
    while state.question is not None:
        q = state.question
        sample: Answer = {Kind.YESNO: True, Kind.CHOICE: q.options[0].value if q.options else "x",
                          Kind.MULTI: (), Kind.NUMBER: q.min if q.min is not None else 0,
                          Kind.DATE: dt.date(2026, 1, 1)}[q.kind]
        state = engine.answer(state, sample)
    assert state.outcome is not None


# ---------------------------------------------------------------------------------- random walks


def answer_values(q: Question, today: dt.date) -> st.SearchStrategy[Any]:
    """Mostly answers that fit the question (so walks get somewhere), sometimes hostile ones."""
    good: st.SearchStrategy[Any]
    if q.kind is Kind.YESNO:
        good = st.booleans()
    elif q.kind is Kind.CHOICE:
        good = st.sampled_from([o.value for o in q.options])
    elif q.kind is Kind.MULTI:
        good = st.lists(st.sampled_from([o.value for o in q.options]), unique=True)
    elif q.kind is Kind.NUMBER:
        lo, hi = int(q.min if q.min is not None else -10**6), int(q.max if q.max is not None else 10**6)
        good = st.integers(lo - 2, hi + 2)
    else:
        good = st.dates(min_value=today - dt.timedelta(days=365 * 40), max_value=today + dt.timedelta(days=365 * 3))
    hostile = st.one_of(st.text(max_size=12), st.just("不确定"), st.just(UNSURE), NUMBERS, st.none(),
                        st.sampled_from(["1", "2", "１２", "2023-02-29", "\x1b[2J", "1e309", "nan"]))
    return st.one_of(good, good, good, hostile)


@SETTINGS
@given(data=st.data())
def test_random_walks_only_raise_answer_errors_and_replay_to_equal_states(data: st.DataObject,
                                                                          shipped: Library) -> None:
    """Random answers, backs, changes and restarts through every shipped flow raise nothing but AnswerError,
    and replaying any state's answers rebuilds an equal state."""
    flow = data.draw(st.sampled_from(shipped.good), label="flow")
    today = data.draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)), label="today")
    state = engine.start(flow, today)
    for _ in range(data.draw(st.integers(1, 30), label="steps")):
        action = data.draw(st.sampled_from(["answer"] * 6 + ["back", "change", "restart"]), label="action")
        try:
            if action == "answer" and state.question is not None:
                state = engine.answer(state, data.draw(answer_values(state.question, today), label="value"))
            elif action == "back":
                state = engine.back(state)
            elif action == "change" and state.answers:
                qid = data.draw(st.sampled_from([q for q, _ in state.answers]), label="change")
                state = engine.change(state, qid, data.draw(answer_values(flow.questions[qid], today), label="to"))
            elif action == "restart":
                state = engine.restart(state)
        except AnswerError as exc:
            assert exc.message
        assert engine.replay(flow, state.answers, state.today) == state
        event("reached an outcome" if state.done else "still asking")
        assert engine.progress(state).step <= engine.progress(state).most or state.done
    engine.trace(state)


# ---------------------------------------------------------------------------------- the evaluator reads only its answers

SKELETON = """id: evaluator
title: 测试
summary: 测试。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - {id: yn, kind: yesno, text: 是否？, unsure: 不确定, next: ch}
  - id: ch
    kind: choice
    text: 哪里？
    unsure: 不知道
    options: [{value: sh, label: 上海}, {value: zj, label: 浙江}, {value: bj, label: 北京}]
    next: mu
  - id: mu
    kind: multi
    text: 哪些？
    options: [{value: a, label: 甲}, {value: b, label: 乙}, {value: c, label: 丙}]
    next: nu
  - {id: nu, kind: number, text: 几个？, min: 0, max: 600, unsure: 不确定, next: d1}
  - {id: d1, kind: date, text: 哪天？, unsure: 不确定, next: d2}
  - {id: d2, kind: date, text: 哪天？, next: last}
  - id: last
    kind: yesno
    text: 最后？
    next: RULES
outcomes:
  - {id: ok, verdict: 可以, title: 可以, explanation: 说明。, steps: [{what: 去办}], citations: [{doc: sample-law}]}
  - {id: nope, verdict: 不可以, title: 不可以, explanation: 说明。, steps: [{what: 去问}], citations: [{doc: sample-law}]}
"""

NUMS = st.one_of(st.integers(-5, 700), st.floats(-5, 700))
DATES = st.sampled_from(["today", "today-12m", "today+30d", "today-5y", "2025-01-31", "1999-12-31"])


def typed_comparisons() -> st.SearchStrategy[dict[str, Any]]:
    """Comparisons that mostly fit the skeleton's question kinds (so they pass the checks and get evaluated)."""
    return st.one_of(
        st.fixed_dictionaries({"answer": st.just("yn"), "is": st.sampled_from([True, False, "unsure"])}),
        st.fixed_dictionaries({"answer": st.just("yn"), "in": st.lists(st.sampled_from([True, False, "unsure"]),
                                                                       min_size=1, max_size=3)}),
        st.fixed_dictionaries({"answer": st.just("ch"), "is_not": st.sampled_from(["sh", "zj", "bj", "unsure"])}),
        st.fixed_dictionaries({"answer": st.just("ch"), "not_in": st.lists(st.sampled_from(["sh", "zj", "unsure"]),
                                                                           min_size=1, max_size=3)}),
        st.fixed_dictionaries({"answer": st.just("mu"), "includes": st.sampled_from(["a", "b", "c"])}),
        st.fixed_dictionaries({"answer": st.just("mu"), "excludes": st.sampled_from(["a", "b", "c"])}),
        st.fixed_dictionaries({"answer": st.just("mu"), "includes_any": st.lists(st.sampled_from("abc"), min_size=1)}),
        st.fixed_dictionaries({"answer": st.just("mu"), "includes_all": st.lists(st.sampled_from("abc"), min_size=1)}),
        st.fixed_dictionaries({"count": st.just("mu"), "ge": st.integers(0, 3)}),
        st.fixed_dictionaries({"count": st.just("mu"), "is": st.integers(0, 3)}),
        st.fixed_dictionaries({"answer": st.just("nu"), "lt": NUMS}),
        st.fixed_dictionaries({"answer": st.just("nu"), "between": st.lists(NUMS, min_size=2, max_size=2)}),
        st.fixed_dictionaries({"answer": st.just("nu"), "is": st.one_of(NUMS, st.just("unsure"))}),
        st.fixed_dictionaries({"answer": st.sampled_from(["d1", "d2"]), "le": DATES}),
        st.fixed_dictionaries({"answer": st.just("d1"), "between": st.lists(DATES, min_size=2, max_size=2)}),
        st.fixed_dictionaries({"months_between": st.lists(st.sampled_from(["d1", "d2", "today"]), min_size=2,
                                                          max_size=2), "ge": st.integers(-24, 24)}),
        st.fixed_dictionaries({"days_between": st.lists(st.sampled_from(["d1", "d2", "today"]), min_size=2,
                                                        max_size=2), "lt": st.integers(-400, 400)}),
        st.fixed_dictionaries({"sum": st.lists(st.one_of(st.just("nu"), NUMS), min_size=2, max_size=4), "gt": NUMS}),
        st.fixed_dictionaries({"difference": st.lists(st.one_of(st.just("nu"), NUMS), min_size=2, max_size=2),
                               "le": NUMS}),
        st.fixed_dictionaries({"product": st.lists(st.one_of(st.just("nu"), NUMS), min_size=2, max_size=3),
                               "ge": NUMS}),
    )


TYPED_CONDITIONS = st.recursive(
    typed_comparisons(),
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=5,
)

ALLOWED = {"get", "__getitem__", "__contains__"}


class RecordingAnswers(Mapping[str, Answer]):
    """A read-only answers mapping that records every key read and every attribute touched."""

    def __init__(self, data: dict[str, Answer]) -> None:
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "keys_read", [])
        object.__setattr__(self, "touched", [])

    def __getattribute__(self, name: str) -> Any:
        if name not in ("_data", "keys_read", "touched", "__class__", "__dict__"):
            object.__getattribute__(self, "touched").append(name)
        return object.__getattribute__(self, name)

    def __getitem__(self, key: str) -> Answer:
        object.__getattribute__(self, "touched").append("__getitem__")
        object.__getattribute__(self, "keys_read").append(key)
        return object.__getattribute__(self, "_data")[key]

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        object.__getattribute__(self, "keys_read").append(key)
        return object.__getattribute__(self, "_data").get(key, default)

    def __contains__(self, key: object) -> bool:
        object.__getattribute__(self, "touched").append("__contains__")
        object.__getattribute__(self, "keys_read").append(key)
        return key in object.__getattribute__(self, "_data")

    def __iter__(self) -> Iterator[str]:
        object.__getattribute__(self, "touched").append("__iter__")
        return iter(object.__getattribute__(self, "_data"))

    def __len__(self) -> int:
        object.__getattribute__(self, "touched").append("__len__")
        return len(object.__getattribute__(self, "_data"))


AUDIT_EVENTS: list[str] = []
_AUDITING = [False]


def _audit(event: str, _args: Any) -> None:
    if _AUDITING[0]:
        AUDIT_EVENTS.append(event)


sys.addaudithook(_audit)  # inert unless _AUDITING is set; audit hooks cannot be removed


def skeleton_answers() -> st.SearchStrategy[dict[str, Answer]]:
    day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2028, 1, 1))
    values: dict[str, st.SearchStrategy[Any]] = {
        "yn": st.one_of(st.booleans(), st.just(UNSURE)),
        "ch": st.sampled_from(["sh", "zj", "bj", UNSURE]),
        "mu": st.lists(st.sampled_from(["a", "b", "c"]), unique=True).map(tuple),
        "nu": st.one_of(st.integers(0, 600), st.just(UNSURE)),
        "d1": st.one_of(day, st.just(UNSURE)),
        "d2": day,
        "last": st.booleans(),
    }
    return st.fixed_dictionaries({}, optional=values)


@SETTINGS
@given(cond=TYPED_CONDITIONS, answers=skeleton_answers(),
       today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_the_evaluator_reads_only_the_referenced_answers(cond: dict[str, Any], answers: dict[str, Answer],
                                                         today: dt.date, corpus: Corpus,
                                                         tmp_path_factory: Any) -> None:
    """A condition that passes the checks evaluates without raising, reads only the answers of the questions it
    names (through get/[]/in, never by iterating), and triggers no import, open, exec or subprocess."""
    rules = yaml.safe_dump([{"if": cond, "goto": "ok"}, {"else": "nope"}], allow_unicode=True,
                           default_flow_style=True, width=10**6).strip()
    f = _scratch(tmp_path_factory)
    f.write_text(SKELETON.replace("RULES", rules), encoding="utf-8")
    loaded = load_flow(f, corpus)
    event("refused by the checks" if loaded.flow is None else "evaluated")
    if loaded.flow is None:  # an ill-typed combination: the checks refused it, which is their job
        assert loaded.errors and all(p.line >= 1 for p in loaded.errors)
        return
    rule = loaded.flow.questions["last"].rules[0]
    assert rule.when is not None
    recorder = RecordingAnswers(dict(answers))
    AUDIT_EVENTS.clear()
    _AUDITING[0] = True
    try:
        result = cnd.evaluate(rule.when, recorder, today)
    finally:
        _AUDITING[0] = False
    assert isinstance(result, bool)
    assert set(recorder.keys_read) <= cnd.referenced(rule.when)
    assert set(recorder.touched) <= ALLOWED
    assert AUDIT_EVENTS == []
    # Pure: the same answers as a plain dict give the same result.
    assert cnd.evaluate(rule.when, dict(answers), today) is result


# ---------------------------------------------------------------------------------- mutated bytes

SHIPPED_TEXTS = sorted((Path(__file__).parent.parent.parent / "flows").glob("*.yaml"))
SNIPPETS = st.sampled_from([":", ": ", "- ", "\t", "\n", "\r\n", "'", '"', "[", "{", "}", "]", "&a ", "*a",
                            "!!python/object ", "#", "\x00", "\x1b[2J", "\u200b", "ｏ", "---\n", "...\n", "<<: ", "? ",
                            "|", ">", "%", "2026-02-30", ".nan", "1e309", "9" * 120, "  ", ",", "，", '"\\u202e"',
                            "\u202e", "\ufeff", "\x85", "\u2028"])
RAW_BYTES = st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xb2\xe2"])


@st.composite
def mutated_flows(draw: st.DrawFn) -> bytes:
    """A shipped flow with a few edits at character positions (and, rarely, a raw non-UTF-8 byte)."""
    text = draw(st.sampled_from(SHIPPED_TEXTS)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "swap"]))
        if action == "insert":
            text = text[:at] + draw(st.one_of(SNIPPETS, st.text(min_size=1, max_size=3))) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif action == "duplicate":
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
        else:
            other = draw(st.integers(0, max(0, len(text) - 1)))
            chars = list(text)
            if chars:
                a, b = min(at, len(chars) - 1), other
                chars[a], chars[b] = chars[b], chars[a]
            text = "".join(chars)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(RAW_BYTES) + data[at:]
    return data


@SETTINGS
@given(raw=mutated_flows())
def test_mutated_shipped_flows_load_or_give_located_problems(raw: bytes, shipped: Library,
                                                             tmp_path_factory: Any) -> None:
    """A shipped flow with random bytes inserted, deleted, duplicated or swapped loads or fails with located problems."""
    f = _scratch(tmp_path_factory)
    f.write_bytes(raw)
    loaded = load_flow(f, shipped.corpus)
    event("loaded" if loaded.flow is not None else "refused: " + loaded.errors[0].code)
    if loaded.flow is None:
        assert loaded.errors and all(p.file == str(f) and p.line >= 1 for p in loaded.errors)
