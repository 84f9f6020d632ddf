"""The CLI's commands work on the example flow and fail with clear messages, never tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
FLOWS = str(DATA / "example")


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, input=stdin,
                          timeout=60)


def test_plain_mode_walks_a_flow_from_a_pipe() -> None:
    """Numbered answers piped to run --plain reach the outcome and print its quote and disclaimer."""
    out = run("run", "example", "--plain", "--flows", FLOWS, stdin="2\n")
    assert out.returncode == 0
    assert "结论：不可以" in out.stdout and "（一）应当从工伤保险基金中支付的；" in out.stdout
    assert "12393" in out.stdout


def test_plain_mode_back_help_and_bad_input() -> None:
    """In plain mode b goes back, h shows help, and bad input is explained and asked again."""
    out = run("run", "example", "--plain", "--flows", FLOWS, stdin="1\nb\nh\n7\n2\n")
    assert out.returncode == 0
    # asked at the start, after b, after h, and after the bad "7"
    assert out.stdout.count("生孩子的时候，单位有没有给你交生育保险？") == 4
    assert "社保 App 里查缴费记录" in out.stdout and "请输入 1 到 3 的编号" in out.stdout


def test_plain_mode_end_of_input_is_not_a_crash() -> None:
    """Input ending before an outcome exits 1 with a message."""
    out = run("run", "example", "--plain", "--flows", FLOWS, stdin="1\n")
    assert out.returncode == 1 and "没有得出结论" in out.stdout and "Traceback" not in out.stderr


def test_paths_and_graph_commands() -> None:
    """paths prints the decision table and graph prints Mermaid or DOT."""
    table = run("paths", "example", "--flows", FLOWS)
    assert table.returncode == 0 and "| # | 回答 | 结论 | 判断 | 依据 |" in table.stdout
    assert run("graph", "example", "--flows", FLOWS).stdout.startswith("flowchart TD")
    assert run("graph", "example", "--format", "dot", "--flows", FLOWS).stdout.startswith("digraph")


def test_unknown_flow_is_a_clear_error() -> None:
    """Naming a flow that does not exist prints what exists, exit 2, no traceback."""
    out = run("paths", "nosuch", "--flows", FLOWS)
    assert out.returncode == 2 and "nosuch" in out.stderr and "example" in out.stderr
    assert "Traceback" not in out.stderr


def test_check_missing_path_is_a_clear_error() -> None:
    """Checking a path that does not exist says so."""
    out = run("check", "/no/such/flow.yaml")
    assert out.returncode == 2 and "找不到" in out.stderr


def test_list_shows_broken_flows_as_unavailable(tmp_path: Path) -> None:
    """A broken flow beside a good one is listed as unavailable with file:line; the good one still lists."""
    (tmp_path / "articles").symlink_to(DATA / "example" / "articles")
    (tmp_path / "example.yaml").write_text((DATA / "example" / "example.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: 坏了\n  summary: x\n", "utf-8")
    out = run("list", "--flows", str(tmp_path))
    assert out.returncode == 0
    assert "example\t" in out.stdout and "暂不可用" in out.stdout and "broken.yaml:" in out.stdout


def test_check_json_format() -> None:
    """check --format json reports counts and problems as data."""
    import json

    out = run("check", str(DATA / "invalid" / "cycle.yaml"), "--format", "json")
    data = json.loads(out.stdout)
    assert out.returncode == 1 and data["errors"] >= 1 and data["problems"][0]["code"] == "cycle"


def test_serve_and_verify_receive_their_options() -> None:
    """Options of the pass-through commands reach them (serve --help, verify --help)."""
    serve = run("serve", "--help")
    assert serve.returncode == 0 and "--port" in serve.stdout and "--idle-timeout" in serve.stdout
    verify = run("verify", "--help")
    assert verify.returncode == 0 and "RECEIPT" in verify.stdout.upper()
