"""Generate synthetic flows of ~20 questions (every kind, branching conditions) for scale benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

from wizard.resources import flows_dir

QUESTIONS = 20


def flow_text(n: int, questions: int = QUESTIONS) -> str:
    """One valid flow: a chain of mixed questions whose branches lead on or to one of three outcomes."""
    lines = [
        "# yaml-language-server: $schema=../schemas/flow.schema.json",
        f"id: synth-{n:04d}",
        f"title: 合成流程 {n}",
        "summary: 用于基准测试的合成流程。",
        'version: "1.0"',
        "updated: 2026-11-23",
        "tags: [基准]",
        "regions: [全国]",
        "questions:",
    ]
    kinds = ["yesno", "choice", "number", "date", "multi"]
    for i in range(questions):
        kind = kinds[i % len(kinds)]
        nxt = f"q{i + 1}" if i + 1 < questions else "done"
        lines += [f"  - id: q{i}", f"    kind: {kind}", f"    label: 问题{i}",
                  f"    text: 第 {i} 个问题，请回答？", "    help: 这里解释问题里的术语。"]
        if kind == "yesno":
            lines += ["    unsure: 不确定", "    next:", f"      - if: {{answer: q{i}, is: yes}}", f"        goto: {nxt}",
                      f"      - if: {{answer: q{i}, is: unsure}}", "        goto: unsure_end", "      - else: no_end"]
        elif kind == "choice":
            lines += ["    options:", "      - {value: a, label: 甲}", "      - {value: b, label: 乙}",
                      "      - {value: c, label: 丙}", "    next:",
                      f"      - if: {{answer: q{i}, in: [a, b]}}", f"        goto: {nxt}", "      - else: no_end"]
        elif kind == "number":
            lines += ["    unit: 个月", "    min: 0", "    max: 600", "    next:",
                      f"      - if: {{all: [{{answer: q{i}, ge: 12}}, {{sum: [q{i}, 1], le: 500}}]}}",
                      f"        goto: {nxt}", "      - else: no_end"]
        elif kind == "date":
            lines += ["    earliest: today-10y", "    latest: today", "    next:",
                      f"      - if: {{months_between: [q{i}, today], le: 12}}", f"        goto: {nxt}",
                      "      - else: no_end"]
        else:
            lines += ["    options:", "      - {value: x, label: 子}", "      - {value: y, label: 丑}", "    next:",
                      f"      - if: {{any: [{{answer: q{i}, includes: x}}, {{count: q{i}, ge: 2}}]}}",
                      f"        goto: {nxt}", "      - else: no_end"]
    lines.append("outcomes:")
    for oid, verdict in (("done", "可以"), ("no_end", "不可以"), ("unsure_end", "说明")):
        lines += [f"  - id: {oid}", f"    verdict: {verdict}", f"    title: 结论 {oid}",
                  "    explanation: 用大白话说明为什么。", "    steps:", "      - what: 去参保地医保经办机构办理",
                  "        where: 医保服务大厅", "        materials: [身份证, 社保卡]", "    citations:",
                  "      - doc: social-insurance-law", "        article: 第五十四条",
                  "        quote: 用人单位已经缴纳生育保险费的，其职工享受生育保险待遇"]
    return "\n".join(lines) + "\n"


def make_corpus(root: Path, count: int) -> Path:
    """A folder of ``count`` synthetic flows with the bundled article corpus beside them."""
    folder = root / f"flows-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    articles = folder / "articles"
    if not articles.exists():
        shutil.copytree(flows_dir() / "articles", articles)
    for n in range(count):
        (folder / f"synth-{n:04d}.yaml").write_text(flow_text(n), encoding="utf-8")
    return folder
