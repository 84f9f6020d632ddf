"""Regression tests for the loader bugs the hostile corpus found: each once crashed, hung or misled."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hardening_helpers import OUTCOMES

from wizard.loader import load_flow, load_library, read_document
from wizard.model import Corpus
from wizard.yamlload import YamlProblem, decode_bytes, load_yaml_text, odd_character


def problem_of(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as err:
        load_yaml_text(text)
    return err.value


def test_hundred_thousand_open_brackets_do_not_crash_the_process() -> None:
    """A 200 KB file of nested brackets is refused as too deep instead of crashing Python in libyaml."""
    code = (
        "from wizard.yamlload import load_yaml_text, YamlProblem\n"
        "try:\n"
        "    load_yaml_text('a: ' + '[' * 100_000 + ']' * 100_000)\n"
        "except YamlProblem as exc:\n"
        "    print(exc.problem.code, exc.problem.line)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["yaml-too-deep", "1"]


def test_ten_thousand_levels_are_refused_at_once() -> None:
    """Ten thousand nested braces are refused at the first level beyond the limit, well under a second."""
    start = time.monotonic()
    problem = problem_of("a: " + "{b: " * 10_000 + "1" + "}" * 10_000).problem
    assert problem.code == "yaml-too-deep" and problem.line == 1
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("literal", ["2026-02-30", "2023-02-29", "2026-13-01", "0000-01-01", "2026-01-01 25:00:00"])
def test_impossible_dates_are_a_problem_not_a_crash(literal: str) -> None:
    """An unquoted date that does not exist gives a bad-date problem at its line instead of a ValueError."""
    problem = problem_of(f"id: x\nupdated: {literal}\n").problem
    assert problem.code == "bad-date" and (problem.line, problem.column) == (2, 10)
    assert literal in problem.message and "不存在" in problem.message


@pytest.mark.parametrize("key", ["<<", "="])
def test_merge_and_value_keys_are_plain_text(key: str) -> None:
    """The YAML 1.1 merge key ``<<`` and value key ``=`` load as text keys instead of raising ConstructorError."""
    assert load_yaml_text(f"{key}: 1\nb: {key}\n").data == {key: 1, "b": key}


def test_tagged_keys_are_refused_like_tagged_values() -> None:
    """A tag on a mapping key is refused with yaml-tag, as on a value."""
    problem = problem_of("a: 1\n!!python/object:os.system b: 2\n").problem
    assert problem.code == "yaml-tag" and problem.line == 2


@pytest.mark.parametrize(("raw", "cp", "line", "col"), [
    ("a: 中文中文\nb: x\x1by\n", 0x1B, 2, 5),
    ("a: 1\nb: 测\x00\n", 0x00, 2, 5),
    ("\x07", 0x07, 1, 1),
], ids=["esc-after-cjk", "nul", "bell-only"])
def test_raw_control_characters_are_named_at_their_position(raw: str, cp: int, line: int, col: int) -> None:
    """A raw control character is reported as control-char at its own line and column, not as a tab."""
    problem = problem_of(raw).problem
    assert problem.code == "control-char"
    assert f"U+{cp:04X}" in problem.message
    assert (problem.line, problem.column) == (line, col)


@pytest.mark.parametrize("escape", ["\\e[2J", "\\x1b]0;title\\x07", "\\x00", "\\u202e", "\\u2066", "\\x85"])
def test_escaped_control_characters_in_texts_are_refused(escape: str) -> None:
    """A double-quoted escape that yields a terminal control or a bidi override is refused as control-char."""
    problem = problem_of(f'a: 1\ntext: "问题{escape}"\n').problem
    assert problem.code == "control-char" and problem.line == 2


def test_tab_and_newline_escapes_stay_allowed() -> None:
    """Tabs and newlines written as escapes are ordinary text."""
    assert load_yaml_text('t: "a\\tb\\nc"\n').data == {"t": "a\tb\nc"}


@pytest.mark.parametrize("literal", ["1" + ":59" * 60_000, "9" * 5_000, "-" + "1" * 4_400],
                         ids=["base60-chain", "5000-digits", "negative-4400-digits"])
def test_overlong_numbers_are_refused_quickly(literal: str) -> None:
    """A number literal of thousands of characters is refused in well under a second, not built digit by digit."""
    start = time.monotonic()
    problem = problem_of(f"a: 1\nb: {literal}\n").problem
    assert problem.code == "yaml-too-big" and problem.line == 2
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize(("raw", "name"), [
    (b"\xff\xfe" + "id: x\n".encode("utf-16-le"), "UTF-16"),
    (b"\xfe\xff" + "id: x\n".encode("utf-16-be"), "UTF-16"),
    ("id: x\ntitle: 标题\n".encode("utf-16-le"), "UTF-16"),
    ("id: x\n".encode("utf-32"), "UTF-32"),
], ids=["utf16le-bom", "utf16be-bom", "utf16le-no-bom", "utf32-bom"])
def test_utf16_and_utf32_files_are_named(raw: bytes, name: str) -> None:
    """A UTF-16 or UTF-32 file is reported as such at line 1, not as a stray 0xff byte."""
    with pytest.raises(YamlProblem) as err:
        decode_bytes(raw)
    assert err.value.problem.code == "not-utf8"
    assert name in err.value.problem.message and err.value.problem.line == 1


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_points_at_the_opening_quote(quote: str) -> None:
    """An unclosed quote is reported where it opens, not at the end of the file."""
    problem = problem_of(f"a: 1\nb: {quote}文字\nc: 2\nd: 3\n").problem
    assert problem.code == "yaml-syntax" and (problem.line, problem.column) == (2, 4)
    assert "引号" in problem.message


def test_undefined_alias_is_an_alias_problem() -> None:
    """``*name`` without an anchor is reported as an alias, not as an unclosed quote."""
    problem = problem_of("a: 1\nb: *nothing\n").problem
    assert problem.code == "yaml-alias" and (problem.line, problem.column) == (2, 4)


def test_alias_is_reported_where_it_is_written() -> None:
    """The first alias is located exactly, even when an identical-looking ``*`` text comes before it."""
    problem = problem_of("a: '*x'\nb: &x [1]\nc: {d: *x}\n").problem
    assert problem.code == "yaml-alias" and (problem.line, problem.column) == (3, 8)


def test_stray_dash_gets_a_plain_message() -> None:
    """A ``- `` line inside a mapping says which mistake it is likely to be."""
    problem = problem_of("a:\n  b: 1\n  - c\n").problem
    assert problem.code == "yaml-syntax" and problem.line == 3
    assert "- " in problem.message


@pytest.mark.parametrize(("text", "index", "words"), [
    ("ok\u200b", 2, "U+200B"),
    ("ｏｋ", 0, "全角"),
    ("n\u200dope", 1, "U+200D"),
    ("\ufeffok", 0, "U+FEFF"),
    ("okа", 2, "CYRILLIC"),
    ("o\u0301k", 1, "组合"),
    ("ok\u3000", 2, "全角空格"),
])
def test_odd_characters_are_named(text: str, index: int, words: str) -> None:
    """Invisible, full-width, look-alike and combining characters are found and named with their position."""
    found = odd_character(text)
    assert found is not None and found[0] == index and words in found[1]


def test_plain_ids_have_no_odd_character() -> None:
    """Ordinary ids and Chinese text are not flagged as look-alikes."""
    assert odd_character("left_job_2") is None
    assert odd_character("问题一") is None


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 50 MB flow file is refused by size in well under a second."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    start = time.monotonic()
    loaded = load_flow(big, Corpus())
    assert time.monotonic() - start < 1.0
    assert loaded.flow is None and loaded.problems[0].code == "file-too-large"


def test_crlf_and_bom_keep_lines(tmp_path: Path) -> None:
    """A UTF-8 BOM with CRLF line ends still locates a bad date on its own line."""
    f = tmp_path / "x.yaml"
    f.write_bytes(b"\xef\xbb\xbfid: x\r\ntitle: t\r\nupdated: 2026-02-30\r\n")
    doc, _, problems = read_document(f)
    assert doc is None and problems[0].code == "bad-date" and problems[0].line == 3


# ------------------------------------------------------------------ schema messages inside anyOf/oneOf

FLOW = """id: bad
title: 测试流程
summary: 只用于测试。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: a
    kind: yesno
    text: 问题A？
    next:
      - if: {answer: a, is: yes}
        goto: ok
      - else: nope
""" + OUTCOMES


def schema_problem(tmp_path: Path, old: str, new: str) -> tuple[str, int, int, str]:
    f = tmp_path / "bad.yaml"
    assert old in FLOW
    f.write_text(FLOW.replace(old, new, 1), encoding="utf-8")
    loaded = load_flow(f, Corpus())
    assert loaded.flow is None and loaded.problems
    p = loaded.problems[0]
    return p.code, p.line, p.column, p.message + " " + p.hint


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("goto: ok", "goto: 12", 13, "“goto” 应该是文字"),
    ("goto: ok", "goto:", 13, "“goto” 是空的"),
    ("- else: nope", "- else: [nope]", 14, "“else” 应该是文字"),
    ("{answer: a, is: yes}", "{answer: [a], is: yes}", 12, "“answer” 应该是文字"),
    ("{answer: a, is: yes}", "{answer: a, is: [yes]}", 12, "“is” 应该是文字 或 数字 或 true/false"),
    ("{answer: a, is: yes}", "{any: [{all: [{not: {answer: a, iss: yes}}]}]}", 12, "不认识的键：iss"),
    ("{answer: a, is: yes}", "{answer: a}", 12, "缺少这些键之一：is、is_not"),
    ("{answer: a, is: yes}", "{is: yes}", 12, "缺少这些键之一：answer"),
    ("{answer: a, is: yes}", "{answer: a, is: yes, ge: 1}", 12, "最多只能有 2 个键"),
    ("{answer: a, is: yes}", "{all: {answer: a, is: yes}}", 12, "“all” 应该是列表"),
    ("{answer: a, is: yes}", "{months_between: [today, 3], ge: 1}", 12, "第 2 项 应该是文字 或 today"),
    ("{answer: a, is: yes}", "{sum: [a, 1e3], ge: 1}", 12, "1.0e"),
    ("{answer: a, is: yes}", "{difference: [a, a, a], ge: 1}", 12, "最多只能有 2 项，这里有 3 项"),
    ("{answer: a, is: yes}", "{answer: a, between: [1]}", 12, "至少要有 2 项，这里只有 1 项"),
], ids=["goto-number", "goto-null", "else-list", "answer-list", "is-list", "nested-typo", "no-operator",
        "no-subject", "two-operators", "all-map", "months-number", "sci-notation", "difference-three",
        "between-one"])
def test_errors_inside_next_name_the_key_that_is_wrong(tmp_path: Path, old: str, new: str, line: int,
                                                       words: str) -> None:
    """An error inside a ``next`` branch is reported at the wrong key's line in words, not as "next should be text"."""
    code, got_line, _, text = schema_problem(tmp_path, old, new)
    assert code == "schema" and got_line == line
    assert words in text and "[{'if'" not in text


@pytest.mark.parametrize(("old", "new", "line", "col", "words"), [
    ("goto: ok", "goto: ｏｋ", 13, 15, "全角字符 “ｏ”"),
    ("goto: ok", "goto: ok\u200b", 13, 17, "U+200B"),
    ("goto: ok", 'goto: "ok\u200b"', 13, 18, "U+200B"),
    ("- id: a\n", "- id: a\u200d\n", 8, 10, "U+200D"),
    ("{answer: a, is: yes}", "{answer: ａ, is: yes}", 12, 22, "全角字符 “ａ”"),
    ("- else: nope", "- else: nope\u00a0", 14, 19, "不换行空格"),
    ("  - id: ok\n", "  - id: \ufeffok\n", 16, 9, "U+FEFF"),
    ("  - id: ok\n", "  - id: оk\n", 16, 9, "CYRILLIC"),
], ids=["fullwidth-goto", "zero-width-goto", "zero-width-quoted", "zwj-id", "fullwidth-answer", "nbsp-else",
        "bom-in-id", "cyrillic-o"])
def test_invisible_and_fullwidth_characters_in_ids_are_named(tmp_path: Path, old: str, new: str, line: int,
                                                              col: int, words: str) -> None:
    """An id with an invisible, full-width or look-alike character gives confusable-id naming it at its column."""
    code, got_line, got_col, text = schema_problem(tmp_path, old, new)
    assert (code, got_line, got_col) == ("confusable-id", line, col)
    assert words in text and f"第 {col} 列" in text


def test_long_values_are_cut_in_messages(tmp_path: Path) -> None:
    """A pasted blob in the wrong place is quoted in at most about 80 characters."""
    code, _, _, text = schema_problem(tmp_path, "    text: 问题A？", "    text: [" + ", ".join(["很长"] * 2000) + "]")
    assert code == "schema" and len(text) < 300 and "…" in text


def test_minimum_is_explained_in_chinese(tmp_path: Path) -> None:
    """A paragraph number below 1 is explained in words, not jsonschema's English."""
    old = "citations: [{doc: sample-law, article: 第一条}]"
    code, line, _, text = schema_problem(tmp_path, old, "citations: [{doc: sample-law, article: 第一条, paragraph: 0}]")
    assert code == "schema" and line == 21 and "不能小于 1" in text


# ------------------------------------------------------------------ files that are not regular files

def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A named pipe called flow.yaml is refused at once instead of blocking the loader on open()."""
    fifo = tmp_path / "flow.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    loaded = load_flow(fifo, Corpus())
    assert time.monotonic() - start < 1.0
    assert loaded.flow is None and loaded.problems[0].code == "unreadable" and loaded.problems[0].line == 1


def test_symlink_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    """A flow that is a symlink to /dev/zero (size 0, never ends) is refused instead of read forever."""
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    loaded = load_flow(link, Corpus())
    assert loaded.flow is None and loaded.problems[0].code == "unreadable"


def test_folder_named_like_a_flow_is_skipped_by_the_library(tmp_path: Path) -> None:
    """A folder called x.yaml inside a flows folder is not read as a flow."""
    (tmp_path / "x.yaml").mkdir()
    assert load_library([tmp_path]).flows == []


@pytest.mark.parametrize(("text", "line"), [
    ("a: 1\nkind yesno\nb: 2\n", 2), ("a:\n  b: 1\n  c 2\n  d: 3\n", 3), ("a: |\nnot indented\nb: 1\n", 2),
], ids=["root", "nested", "after-block-scalar"])
def test_missing_colon_is_reported_on_its_own_line(text: str, line: int) -> None:
    """A key without its colon is reported on the line that lacks it, not on the line after."""
    problem = problem_of(text).problem
    assert problem.code == "yaml-syntax" and problem.line == line and "缺少“: ”" in problem.message


@pytest.mark.parametrize("marker", ["...", "%YAML 1.1"])
def test_document_end_marker_midway_is_explained(marker: str) -> None:
    """A stray ``...`` or ``%`` directive line midway is named as the line where the file ends early."""
    problem = problem_of(f"a: 1\n{marker}\nb: 2\n").problem
    assert problem.code == "yaml-syntax" and problem.line == 2 and "提前结束" in problem.message
