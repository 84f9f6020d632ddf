"""Receipts of a reached outcome (JSON + Markdown) and `wizard verify` that re-checks one later.

A receipt records what was asked, what was answered, the outcome and the exact text of
every article it rests on, plus the flow's version and content hash. `verify` replays the
answers against today's flows and says whether the outcome and quotes still hold.

Core module: no Textual here (the TUI and the CLI both use it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .answers import to_plain
from .citations import citation_label, scope_text
from .engine import State, replay
from .errors import WizardError
from .loader import load_library
from .model import DISCLAIMER, Citation, Corpus, Outcome, Status

RECEIPT_VERSION = 1
"""Bumped when the receipt's JSON shape changes incompatibly."""

VERDICT_MARKS = {"可以": "✔", "不可以": "✘", "要看情况": "？", "说明": "ℹ"}
"""A mark per verdict, so a verdict is never told by colour alone."""

MAX_RECEIPT_BYTES = 2_000_000
"""A receipt bigger than this is not a receipt; refuse before parsing."""


class ReceiptError(WizardError):
    """A receipt could not be written, read or understood."""

    title = "凭条有问题"


def verdict_text(verdict: str) -> str:
    """``✔ 可以``: the verdict with its mark."""
    mark = VERDICT_MARKS.get(verdict, "")
    return f"{mark} {verdict}".strip()


# ------------------------------------------------------------------------------ building


def citation_record(citation: Citation, corpus: Corpus) -> dict[str, Any]:
    """One citation as shown on screen and on the receipt: where it is and its exact text.

    ``text`` is the quote when the flow gives one, else the cited article (or paragraph)
    as the corpus holds it, else None (a document whose text we do not hold).
    """
    document = corpus.documents.get(citation.doc)
    article = corpus.article(citation.doc, citation.article)
    text: str | None
    if citation.quote is not None:
        text, source = citation.quote, "quote"
    elif article is not None:
        text, source = scope_text(citation, article), "article"
    else:
        text, source = None, "none"
    status = document.status if document else Status.NOT_HELD
    return {
        "doc": citation.doc,
        "label": citation_label(citation, corpus),
        "document_title": document.title if document else citation.doc,
        "article": citation.article,
        "paragraph": citation.paragraph,
        "item": citation.item,
        "region": document.region if document else "",
        "status": status.value,
        "status_label": document.status_label if document else "原文未收录",
        "text": text,
        "text_source": source,
        "note": citation.note,
    }


def _outcome_record(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.id,
        "verdict": outcome.verdict,
        "title": outcome.title,
        "explanation": outcome.explanation,
        "local": outcome.local,
        "steps": [
            {"what": s.what, "where": s.where, "materials": list(s.materials), "deadline": s.deadline}
            for s in outcome.steps
        ],
    }


def build_receipt(state: State, corpus: Corpus, now: dt.datetime | None = None) -> dict[str, Any]:
    """The receipt of a finished state, as JSON-ready data."""
    outcome = state.outcome
    if outcome is None:
        raise ReceiptError("还没有得出结论，不能生成凭条。")
    flow = state.flow
    created = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    answers = []
    for qid, value in state.answers:
        question = flow.questions[qid]
        answers.append({"question": qid, "label": question.label,
                        "answer": to_plain(value), "text": question.describe(value)})
    return {
        "receipt_version": RECEIPT_VERSION,
        "created": created,
        "today": state.today.isoformat(),
        "flow": {"id": flow.id, "title": flow.title, "version": flow.version,
                 "updated": flow.updated, "content_hash": flow.content_hash},
        "answers": answers,
        "outcome": _outcome_record(outcome),
        "verdict": outcome.verdict,
        "citations": [citation_record(c, corpus) for c in outcome.citations],
        "disclaimer": DISCLAIMER,
    }


def _quote_block(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in text.split("\n")]


def to_markdown(receipt: dict[str, Any]) -> str:
    """The receipt as Markdown a person can read, print or forward."""
    flow, outcome = receipt["flow"], receipt["outcome"]
    lines = [
        f"# 医保问答凭条：{flow['title']}",
        "",
        f"- 流程：`{flow['id']}`，版本 {flow['version']}（更新于 {flow['updated']}）",
        f"- 内容指纹：`{flow['content_hash']}`",
        f"- 生成时间：{receipt['created']}（按 {receipt['today']} 计算日期）",
        "",
        f"## 结论：{verdict_text(outcome['verdict'])} —— {outcome['title']}",
        "",
        outcome["explanation"],
    ]
    if outcome.get("local"):
        lines += ["", f"**各地差异：** {outcome['local']}"]
    lines += ["", "## 你的回答", ""]
    lines += [f"{i}. {a['label']}：{a['text']}" for i, a in enumerate(receipt["answers"], 1)]
    if outcome["steps"]:
        lines += ["", "## 下一步", ""]
        for step in outcome["steps"]:
            lines.append(f"- [ ] {step['what']}")
            if step["where"]:
                lines.append(f"  - 去哪里办：{step['where']}")
            if step["materials"]:
                lines.append(f"  - 带什么材料：{'、'.join(step['materials'])}")
            if step["deadline"]:
                lines.append(f"  - 期限：{step['deadline']}")
    lines += ["", "## 依据", ""]
    for c in receipt["citations"]:
        region = f"（{c['region']}）" if c["region"] else ""
        place = " ".join(x for x in (c["article"], f"第{c['paragraph']}款" if c["paragraph"] else "",
                                     c["item"]) if x)
        lines += [f"### {c['document_title']} {place}{region}".rstrip(), ""]
        if c["text"]:
            lines += _quote_block(c["text"]) + [""]
        if c["status"] != Status.TWO_COPIES.value:
            lines += [f"*{c['status_label']}*", ""]
        if c["note"]:
            lines += [f"注：{c['note']}", ""]
    lines += ["---", "", receipt["disclaimer"], ""]
    return "\n".join(lines)


def receipt_paths(path: Path) -> tuple[Path, Path]:
    """``name.json`` and ``name.md`` for what the person typed (with or without a suffix)."""
    path = path.expanduser()
    if path.suffix.lower() in (".json", ".md"):
        path = path.with_suffix("")
    return path.with_name(path.name + ".json"), path.with_name(path.name + ".md")


def write_receipt(state: State, corpus: Corpus, path: Path) -> list[Path]:
    """Write ``<path>.json`` and ``<path>.md``; raise ReceiptError with a plain message on failure."""
    path = path.expanduser()
    if not path.name or not str(path).strip():
        raise ReceiptError("请先输入文件名。", hint="例如 凭条 或 ~/凭条")
    if path.is_dir():
        raise ReceiptError(f"{path} 是一个文件夹。", hint=f"在后面加上文件名，例如 {path / '凭条'}")
    receipt = build_receipt(state, corpus)
    json_path, md_path = receipt_paths(path)
    try:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", "utf-8")
        md_path.write_text(to_markdown(receipt), "utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ReceiptError(f"无法写入 {exc.filename or json_path}：{reason}。",
                           hint="换一个文件夹（例如你的主目录）再试。") from None
    except ValueError:  # e.g. a NUL character pasted into the name
        raise ReceiptError("文件名里有不能用的字符。", hint="只用汉字、字母、数字和 - _ 。") from None
    return [json_path.resolve(), md_path.resolve()]


# ------------------------------------------------------------------------------ verifying


def read_receipt(path: Path) -> dict[str, Any]:
    """A receipt file's data, checked for the fields `verify` needs."""
    try:
        raw = path.read_bytes()[: MAX_RECEIPT_BYTES + 1]
    except OSError as exc:
        raise ReceiptError(f"无法读取 {path}：{exc.strerror or exc}。") from None
    if len(raw) > MAX_RECEIPT_BYTES:
        raise ReceiptError(f"{path} 太大了，不像是凭条文件。")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReceiptError(f"{path} 不是有效的 JSON 凭条：{exc}。",
                           hint="请用保存凭条时生成的 .json 文件（不是 .md）。") from None
    problems = []
    if not isinstance(data, dict):
        problems.append("顶层应是一个对象")
    else:
        flow = data.get("flow")
        if not isinstance(flow, dict) or not isinstance(flow.get("id"), str):
            problems.append("缺少 flow.id")
        answers = data.get("answers")
        if not isinstance(answers, list) or not all(
                isinstance(a, dict) and isinstance(a.get("question"), str) and "answer" in a
                for a in answers):
            problems.append("answers 应是 {question, answer} 的列表")
        outcome = data.get("outcome")
        if not isinstance(outcome, dict) or not isinstance(outcome.get("id"), str):
            problems.append("缺少 outcome.id")
        if not isinstance(data.get("citations", []), list):
            problems.append("citations 应是列表")
        try:
            dt.date.fromisoformat(str(data.get("today")))
        except ValueError:
            problems.append("today 应是 YYYY-MM-DD 日期")
    if problems:
        raise ReceiptError(f"{path} 不是完整的凭条：{'；'.join(problems)}。")
    return data  # type: ignore[no-any-return]


def _citation_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c.get("doc"), c.get("article"), c.get("paragraph"), c.get("item"))


def compare(receipt: dict[str, Any], flows: Sequence[Path] | None = None) -> tuple[bool, list[str]]:
    """Whether the receipt still holds against the current flows, and lines that say why (not)."""
    library = load_library(list(flows) if flows else None)
    flow_id = receipt["flow"]["id"]
    loaded = next((f for f in library.flows if (f.flow and f.flow.id == flow_id)), None)
    if loaded is None or loaded.flow is None:
        broken = [f for f in library.flows if f.flow is None and Path(f.file).stem == flow_id]
        if broken and broken[0].errors:
            return False, [f"流程 “{flow_id}” 现在有错误，无法核对：{broken[0].errors[0].format()}"]
        return False, [f"找不到流程 “{flow_id}”（可能已改名或删除）。"]
    flow, notes = loaded.flow, []
    old = receipt["flow"]
    if flow.content_hash != old.get("content_hash"):
        notes.append(f"流程文件已修改过（版本 {old.get('version')} → {flow.version}）。")
    today = dt.date.fromisoformat(receipt["today"])
    answers = [(a["question"], a["answer"]) for a in receipt["answers"]]
    try:
        state = replay(flow, answers, today)
    except WizardError as exc:
        return False, notes + [f"当时的回答不再适用：{exc.message}"]
    if not state.done:
        q = state.question
        label = q.label if q else state.node
        return False, notes + [f"流程现在多问了一个问题 “{label}”，当时的回答得不出结论。"]
    assert state.outcome is not None
    changes: list[str] = []
    old_outcome = receipt["outcome"]
    if state.outcome.id != old_outcome.get("id"):
        changes.append(f"结论变了：当时是 “{old_outcome.get('title')}”，现在是 “{state.outcome.title}”。")
    if state.outcome.verdict != old_outcome.get("verdict", receipt.get("verdict")):
        changes.append(f"判断变了：当时是 “{verdict_text(str(old_outcome.get('verdict')))}”，"
                       f"现在是 “{verdict_text(state.outcome.verdict)}”。")
    now = {_citation_key(c): c for c in (citation_record(x, library.corpus) for x in state.outcome.citations)}
    for c in receipt.get("citations", []):
        if not isinstance(c, dict):
            continue
        current = now.get(_citation_key(c))
        old_label = c.get("label") or c.get("doc")
        if current is None:
            changes.append(f"不再引用 {old_label}。")
        elif c.get("text") != current["text"]:
            changes.append(f"{old_label} 的引文变了：当时是 “{c.get('text')}”，现在是 “{current['text']}”。")
    old_keys = {_citation_key(c) for c in receipt.get("citations", []) if isinstance(c, dict)}
    changes += [f"新增引用 {c['label']}。" for k, c in now.items() if k not in old_keys]
    if changes:
        return False, notes + changes
    held = sum(1 for c in now.values() if c["text"])
    return True, notes + [f"结论 “{state.outcome.title}”（{verdict_text(state.outcome.verdict)}）"
                          f"和 {held} 段引文与当前流程一致。"]


def verify_main(argv: list[str]) -> int:
    """``wizard verify RECEIPT.json [--flows DIR]``: 0 when the receipt still holds, else 1."""
    parser = argparse.ArgumentParser(
        prog="wizard verify", description="用当前的流程重新核对一张凭条：结论和引文是否仍然成立。")
    parser.add_argument("receipt", type=Path, help="保存凭条时生成的 .json 文件")
    parser.add_argument("--flows", type=Path, action="append", help="流程文件或文件夹（默认：内置流程）")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage
        return int(exc.code or 0) and 1
    try:
        receipt = read_receipt(args.receipt)
        holds, lines = compare(receipt, args.flows)
    except WizardError as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    head = "✔ 凭条仍然成立" if holds else "✘ 凭条已不再成立"
    print(f"{head}：{args.receipt}")
    for line in lines:
        print(f"  - {line}")
    return 0 if holds else 1
