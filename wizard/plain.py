"""The plain line-by-line mode: numbered options on stdin/stdout, for dumb terminals and pipes."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from . import engine
from .answers import parse_text
from .citations import citation_label
from .errors import AnswerError
from .loader import Library
from .model import DISCLAIMER, Flow, Kind, Question, Status

HELP = "（输入编号回答；b 返回上一题；r 重新开始；h 查看说明；q 退出）"


def _ask(q: Question, step: engine.Progress, out: TextIO) -> None:
    out.write(f"\n[第 {step.step} 步，最多 {step.most} 步] {q.text}\n")
    if q.kind in (Kind.CHOICE, Kind.YESNO):
        out.writelines(f"  {i}. {label}\n" for i, (_, label) in enumerate(q.choices(), 1))
    elif q.kind is Kind.MULTI:
        out.writelines(f"  {i}. {o.label}\n" for i, o in enumerate(q.options, 1))
        out.write("  （可多选：输入编号，用空格或逗号隔开；都没有请输入 0）\n")
        if q.unsure:
            out.write(f"  ?. {q.unsure}\n")
    elif q.kind is Kind.NUMBER:
        rng = f"{q.min:g} 到 {q.max:g}" if q.min is not None and q.max is not None else ""
        out.write(f"  请输入数字{('（' + q.unit + '）') if q.unit else ''}{('，范围 ' + rng) if rng else ''}\n")
        if q.unsure:
            out.write(f"  ?. {q.unsure}\n")
    else:
        out.write("  请输入日期，例如 2025-03-01\n")
        if q.unsure:
            out.write(f"  ?. {q.unsure}\n")
    if q.help:
        out.write("  （输入 h 查看名词解释）\n")
    out.write("> ")
    out.flush()


def _parse(q: Question, text: str, today: dt.date) -> object:
    if q.kind in (Kind.CHOICE, Kind.YESNO) and text.strip().isdigit():
        choices = q.choices()
        n = int(text.strip())
        if 1 <= n <= len(choices):
            return choices[n - 1][0]
        raise AnswerError(f"请输入 1 到 {len(choices)} 的编号。")
    if q.unsure and text.strip() in ("?", "？"):
        return "unsure"
    return parse_text(q, text, today)


def show_outcome(state: engine.State, library: Library, out: TextIO) -> None:
    o = state.outcome
    assert o is not None
    out.write(f"\n==== 结论：{o.verdict} ====\n{o.title}\n\n{o.explanation}\n")
    if o.local:
        out.write(f"\n各地差异：{o.local}\n")
    out.write("\n接下来怎么办：\n")
    for i, s in enumerate(o.steps, 1):
        out.write(f"  {i}. {s.what}\n")
        if s.where:
            out.write(f"     去哪里：{s.where}\n")
        if s.materials:
            out.write(f"     带什么：{'、'.join(s.materials)}\n")
        if s.deadline:
            out.write(f"     期限：{s.deadline}\n")
    out.write("\n依据：\n")
    for c in o.citations:
        document = library.corpus.documents.get(c.doc)
        out.write(f"  · {citation_label(c, library.corpus)}")
        if document is not None:
            out.write(f"（{document.title}，{document.region}）")
        out.write("\n")
        if document is not None and document.status is not Status.TWO_COPIES:
            out.write(f"    [{document.status_label}]\n")
        text = c.quote
        if text is None and document is not None and c.article in document.articles:
            text = document.articles[c.article].text
        if text:
            out.write("    “" + text.replace("\n\n", "\n    ") + "”\n")
        if c.note:
            out.write(f"    说明：{c.note}\n")
    out.write(f"\n{DISCLAIMER}\n")
    out.flush()


def run_plain(flow: Flow, library: Library, inp: TextIO, out: TextIO, today: dt.date | None = None) -> int:
    """Walk one flow on plain text streams; returns 0 at an outcome or on quit, 1 on end of input."""
    state = engine.start(flow, today)
    out.write(f"{flow.title}\n{flow.summary}\n{HELP}\n")
    while not state.done:
        q = state.question
        assert q is not None
        _ask(q, engine.progress(state), out)
        line = inp.readline()
        if not line:
            out.write("\n输入已结束，没有得出结论。\n")
            return 1
        text = line.strip()
        if text.lower() == "q":
            out.write("已退出。\n")
            return 0
        if text.lower() == "b":
            state = engine.back(state)
            continue
        if text.lower() == "r":
            state = engine.restart(state)
            continue
        if text.lower() == "h":
            out.write(f"  说明：{q.help or '这个问题没有补充说明。'}\n")
            continue
        try:
            state = engine.answer(state, _parse(q, text, state.today))
        except AnswerError as exc:
            out.write(f"  ✘ {exc.message} {HELP}\n")
    show_outcome(state, library, out)
    return 0


def choose_flow(library: Library, inp: TextIO, out: TextIO) -> Flow | None:
    """A numbered menu of the flows (broken ones listed as unavailable)."""
    good = library.good
    out.write("医保问答：请选择一个问题\n")
    out.writelines(f"  {i}. {f.title} —— {f.summary}\n" for i, f in enumerate(good, 1))
    for bad in library.flows:
        if bad.flow is None:
            first = bad.errors[0] if bad.errors else None
            out.write(f"  ✘ {bad.title}（暂不可用：{first.location() + ' ' + first.message if first else ''}）\n")
    while True:
        out.write("> ")
        out.flush()
        line = inp.readline()
        if not line or line.strip().lower() == "q":
            return None
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(good):
            return good[int(text) - 1]
        out.write(f"  请输入 1 到 {len(good)} 的编号，q 退出。\n")
