"""Receipts: saved from the outcome screen as Markdown and JSON, and `verify` against current and changed flows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wizard import engine
from wizard.loader import Library
from wizard.receipt import ReceiptError, build_receipt, to_markdown, verify_main, write_receipt
from wizard.tui.screens.export import ExportScreen

from .conftest import (
    EXAMPLE_ARTICLES,
    EXAMPLE_FLOW,
    TODAY,
    drive,
    make_app,
    on_outcome,
    screen_text,
    type_keys,
)

TO_OUTCOME = {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []}


@pytest.fixture()
def flows_copy(tmp_path: Path) -> Path:
    """The example flow and its articles in a folder a test may edit."""
    folder = tmp_path / "flows"
    folder.mkdir()
    shutil.copy(EXAMPLE_FLOW, folder / "example.yaml")
    shutil.copytree(EXAMPLE_ARTICLES, folder / "articles")
    return folder


def test_receipt_records_flow_answers_outcome_and_quotes(example_library: Library) -> None:
    """A receipt has the flow's id, version and hash, the answers, the outcome and each quote in full."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    receipt = build_receipt(state, example_library.corpus)
    assert receipt["flow"]["id"] == "example" and receipt["flow"]["content_hash"]
    assert receipt["verdict"] == "可以" and receipt["outcome"]["id"] == "can_claim"
    assert [a["question"] for a in receipt["answers"]] == ["insured", "birth_date", "months_paid", "extras"]
    assert receipt["citations"][0]["text"] == "用人单位已经缴纳生育保险费的，其职工享受生育保险待遇。"
    markdown = to_markdown(receipt)
    assert "✔ 可以" in markdown and "> 用人单位已经缴纳生育保险费的" in markdown and "12393" in markdown


def test_receipt_labels_documents_whose_text_is_not_held(example_library: Library) -> None:
    """A citation of a document we do not hold carries its status label and no invented text."""
    state = engine.replay(example_library.get("example"), {**TO_OUTCOME, "months_paid": 3}, TODAY)
    (citation,) = build_receipt(state, example_library.corpus)["citations"]
    assert citation["text"] is None and citation["status_label"] == "原文未收录"


async def test_export_writes_markdown_and_json_and_says_where(example_library: Library, tmp_path: Path) -> None:
    """Pressing s and typing a file name writes name.md and name.json and tells the person where."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, TO_OUTCOME)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await type_keys(pilot, "ctrl+a", "ctrl+k", *str(tmp_path / "凭条"), "enter")
        assert on_outcome(app)
        assert (tmp_path / "凭条.md").is_file() and (tmp_path / "凭条.json").is_file()
        assert any(str(tmp_path / "凭条.json") in str(n.message) for n in app._notifications)


async def test_export_to_an_unwritable_place_shows_the_error(example_library: Library, tmp_path: Path) -> None:
    """A path that cannot be written shows a message in the dialog and the app carries on."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, TO_OUTCOME)
        await type_keys(pilot, "s")
        await type_keys(pilot, "ctrl+a", "ctrl+k", *str(blocker / "receipt"), "enter")
        assert isinstance(app.screen, ExportScreen)
        assert "无法写入" in screen_text(app)
        await pilot.press("escape")
        assert on_outcome(app)


@pytest.mark.parametrize("name", ["", "  ", ".", "a\0b"])
def test_write_receipt_refuses_bad_names_with_a_message(example_library: Library, tmp_path: Path,
                                                        name: str) -> None:
    """An empty name, a folder or a name with a NUL gives a ReceiptError, never another exception."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    with pytest.raises(ReceiptError):
        write_receipt(state, example_library.corpus, Path(name) if name != "." else tmp_path)


def test_verify_passes_for_an_unchanged_flow(example_library: Library, flows_copy: Path,
                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`wizard verify` exits 0 and says the receipt holds when flow and articles are unchanged."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    json_path, _ = write_receipt(state, example_library.corpus, tmp_path / "r")
    assert verify_main([str(json_path), "--flows", str(flows_copy)]) == 0
    assert "仍然成立" in capsys.readouterr().out


def test_verify_fails_and_says_what_changed_after_a_flow_edit(example_library: Library, flows_copy: Path,
                                                             tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """After the flow's rule changes, `wizard verify` exits 1 and names the old and new outcomes."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    json_path, _ = write_receipt(state, example_library.corpus, tmp_path / "r")
    flow_file = flows_copy / "example.yaml"
    text = flow_file.read_text("utf-8")
    flow_file.write_text(text.replace("{sum: [months_paid, 0], ge: 12}", "{sum: [months_paid, 0], ge: 24}"), "utf-8")
    assert verify_main([str(json_path), "--flows", str(flows_copy)]) == 1
    out = capsys.readouterr().out
    assert "不再成立" in out and "可以领生育津贴" in out and "缴费时间可能不够" in out


def test_verify_fails_when_a_quote_changes(example_library: Library, flows_copy: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """When the cited quote is edited, `wizard verify` exits 1 and shows the old and new quote."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    json_path, _ = write_receipt(state, example_library.corpus, tmp_path / "r")
    flow_file = flows_copy / "example.yaml"
    text = flow_file.read_text("utf-8")
    flow_file.write_text(text.replace("quote: 用人单位已经缴纳生育保险费的，其职工享受生育保险待遇。",
                                      "quote: 其职工享受生育保险待遇。", 1), "utf-8")
    assert verify_main([str(json_path), "--flows", str(flows_copy)]) == 1
    assert "引文变了" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"flow": {}}', "\xff\xfe"])
def test_verify_reports_a_bad_file_without_a_traceback(tmp_path: Path, content: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not a receipt gives exit 1 and a plain message."""
    bad = tmp_path / "bad.json"
    bad.write_text(content, "utf-8", errors="surrogateescape")
    assert verify_main([str(bad), "--flows", str(EXAMPLE_FLOW)]) == 1
    err = capsys.readouterr().err
    assert "凭条" in err and "Traceback" not in err


def test_verify_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A receipt path that does not exist gives exit 1 and says it cannot be read."""
    assert verify_main([str(tmp_path / "nope.json")]) == 1
    assert "无法读取" in capsys.readouterr().err


def test_verify_receipt_json_is_what_was_written(example_library: Library, tmp_path: Path) -> None:
    """The JSON receipt round-trips: its answers are the plain forms replay scripts use."""
    state = engine.replay(example_library.get("example"), TO_OUTCOME, TODAY)
    json_path, md_path = write_receipt(state, example_library.corpus, tmp_path / "r.json")
    assert json_path.name == "r.json" and md_path.name == "r.md"
    data = json.loads(json_path.read_text("utf-8"))
    assert {a["question"]: a["answer"] for a in data["answers"]} == TO_OUTCOME
