"""The hostile flow corpus: every file fails with its declared code at its marked line, fast and in bounded memory."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hardening_helpers import NO_CACHE_ENV

from wizard.loader import LoadedFlow, load_corpus, load_flow, load_library
from wizard.model import Corpus

HOSTILE = Path(__file__).parent.parent / "data" / "hostile"
INVALID = Path(__file__).parent.parent / "data" / "invalid"
FILES = sorted(HOSTILE.glob("*.yaml"))

TIME_BOUND = 2.0
"""Seconds to load one file: a safety bound (a hang or a blow-up), not a benchmark."""
MEMORY_BOUND = 200 * 1024 * 1024
"""Peak bytes traced while loading one file."""

GOOD = """id: good
title: 好的流程
summary: 和坏文件放在一起，也要能用。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: a
    kind: yesno
    label: 问题A
    text: 问题A？
    next:
      - if: {answer: a, is: yes}
        goto: ok
      - else: nope
outcomes:
  - id: ok
    verdict: 可以
    title: 可以
    explanation: 说明。
    steps: [{what: 去办}]
    citations: [{doc: sample-law, article: 第一条, quote: 用人单位已经缴纳生育保险费的，其职工享受生育保险待遇。}]
  - id: nope
    verdict: 不可以
    title: 不可以
    explanation: 说明。
    steps: [{what: 去问}]
    citations: [{doc: sample-law, article: 第一条}]
"""


def header_text(raw: bytes) -> str:
    """The file as text, good enough to read its header and find its marker (whatever its encoding)."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    if raw[:40].count(0) >= 10:
        return raw.decode("utf-16-le")
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")


def expectation(path: Path) -> tuple[str, list[str], int]:
    """The code and words a file declares in its header, and the line marked with ``# <-``."""
    lines = re.split(r"\r\n|\r|\n", header_text(path.read_bytes()))
    code = lines[0].split("expect:", 1)[1].split("#")[0].strip()
    words = [w.strip() for w in lines[1].split("words:", 1)[1].split(",") if w.strip()]
    line = next(i for i, text in enumerate(lines, 1) if "# <-" in text)
    return code, words, line


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    found, problems = load_corpus(HOSTILE / "articles")
    assert not problems
    load_flow(FILES[0], found)  # compile the schema validators once, outside every timing
    return found


def load_bounded(path: Path, corpus: Corpus) -> tuple[LoadedFlow, float, int]:
    """Load twice: once timed (tracing memory slows Python several times), once with tracemalloc for the peak."""
    start = time.monotonic()
    loaded = load_flow(path, corpus)
    elapsed = time.monotonic() - start
    tracemalloc.start()
    try:
        load_flow(path, corpus)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return loaded, elapsed, peak


def test_the_corpus_is_large_and_new() -> None:
    """The hostile corpus has at least 60 files, one failure mode each, none a copy of an invalid fixture."""
    assert len(FILES) >= 60
    names = {p.name for p in FILES}
    assert not names & {p.name for p in INVALID.glob("*.yaml")}
    bodies = {p.read_bytes().split(b"\n", 2)[-1] for p in INVALID.glob("*.yaml")}
    assert not [p.name for p in FILES if p.read_bytes().split(b"\n", 2)[-1] in bodies]
    codes = {expectation(p)[0] for p in FILES}
    assert {"yaml-syntax", "duplicate-key", "schema", "yaml-alias", "yaml-too-deep", "not-utf8", "control-char",
            "confusable-id", "quote-not-verbatim", "cycle", "unreachable", "bad-date"} <= codes


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_hostile_file_fails_at_its_line_quickly(path: Path, corpus: Corpus) -> None:
    """Loading the file reports its declared code on the marked line with the declared words, within 2 s and
    200 MB, and every problem names the file and a line."""
    code, words, line = expectation(path)
    loaded, elapsed, peak = load_bounded(path, corpus)
    assert elapsed < TIME_BOUND, f"{elapsed:.2f} s"
    assert peak < MEMORY_BOUND, f"{peak / 1e6:.0f} MB"
    assert loaded.flow is None
    got = "; ".join(f"{p.code}@{p.line}" for p in loaded.problems)
    matching = [p for p in loaded.problems if p.code == code and p.line == line]
    assert matching, f"no {code} at line {line}; got: {got}"
    text = " ".join(p.message + " " + p.hint for p in matching)
    for word in words:
        assert re.search(word, text), f"{word!r} not in {text!r}"
    for p in loaded.problems:
        assert p.file == str(path) and p.line >= 1 and p.location().startswith(f"{path}:{p.line}")


def generated(tmp: Path) -> dict[str, tuple[str, int]]:
    """Write the hostile files too big to commit; return name → (code, line)."""
    with (tmp / "fifty-megabytes.yaml").open("wb") as fh:
        fh.write(b"id: big\ntitle: ")
        fh.write(b"x" * (50 * 1024 * 1024))
        fh.write(b"\n")
    (tmp / "too-many-nodes.yaml").write_text("a: [" + "1," * 250_000 + "1]\n", encoding="utf-8")
    (tmp / "one-long-line.yaml").write_text("title: " + "长" * 600_000 + "\n" + "- x\n", encoding="utf-8")
    (tmp / "deep-brackets-100k.yaml").write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (tmp / "just-under-the-node-limit.yaml").write_text("a: [" + "1," * 49_000 + "1]\n", encoding="utf-8")
    return {"fifty-megabytes.yaml": ("file-too-large", 1), "too-many-nodes.yaml": ("yaml-too-big", 1),
            "one-long-line.yaml": ("yaml-syntax", 2), "deep-brackets-100k.yaml": ("yaml-too-deep", 1),
            "just-under-the-node-limit.yaml": ("schema", 1)}


def test_generated_giants_fail_quickly_in_bounded_memory(tmp_path: Path, corpus: Corpus) -> None:
    """A 50 MB file, 250 000 nodes, a 1.8 MB line, 100 000 nested brackets and a file just under the node limit
    each fail fast, under 200 MB."""
    for name, (code, line) in generated(tmp_path).items():
        loaded, elapsed, peak = load_bounded(tmp_path / name, corpus)
        assert elapsed < TIME_BOUND, (name, elapsed)
        assert peak < MEMORY_BOUND, (name, peak)
        assert [(p.code, p.line) for p in loaded.problems][:1] == [(code, line)], (name, loaded.problems)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every hostile file (committed and generated) beside one good flow, with the corpus they cite."""
    folder = tmp_path_factory.mktemp("mixed")
    for path in FILES:
        shutil.copyfile(path, folder / path.name)
    shutil.copytree(HOSTILE / "articles", folder / "articles")
    generated(folder)
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    return folder


def test_library_still_loads_the_good_flow(mixed_folder: Path) -> None:
    """``load_library`` on a folder of hostile files and one good flow loads the good flow and lists every bad one."""
    library = load_library([mixed_folder])
    assert [f.id for f in library.good] == ["good"]
    broken = [f for f in library.flows if f.flow is None]
    assert len(broken) == len(library.flows) - 1 >= len(FILES)
    assert all(f.errors and f.errors[0].line >= 1 for f in broken)
    assert library.get("good").title == "好的流程"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], check=False, capture_output=True, text=True,
                          timeout=300, env=NO_CACHE_ENV)


def test_cli_check_prints_every_problem_without_a_traceback(mixed_folder: Path) -> None:
    """``wizard check DIR`` prints file:line for every hostile file, no traceback, and exits 1."""
    result = run_cli("check", str(mixed_folder))
    out = result.stdout + result.stderr
    assert "Traceback" not in out and result.returncode == 1
    for path in FILES:
        assert re.search(re.escape(str(mixed_folder / path.name)) + r":\d+:", result.stdout), path.name
    assert "good.yaml" not in result.stdout.replace("检查了", "")


def test_cli_list_shows_the_good_flow_and_marks_the_rest(mixed_folder: Path) -> None:
    """``wizard list --flows DIR`` lists the good flow, marks each bad file unavailable with file:line, no traceback."""
    result = run_cli("list", "--flows", str(mixed_folder))
    assert "Traceback" not in result.stdout + result.stderr and result.returncode == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("good\t好的流程") for line in lines)
    unavailable = [line for line in lines if line.startswith("✘ ")]
    assert len(unavailable) == len(lines) - 1 >= len(FILES)
    assert all(re.search(r"暂不可用：\S+:\d+", line) for line in unavailable)


def test_cli_check_json_is_valid_json(mixed_folder: Path) -> None:
    """``wizard check DIR --format json`` gives parseable JSON naming the good flow as the only one that loads."""
    import json

    result = run_cli("check", str(mixed_folder), "--format", "json")
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert data["flows_ok"] == ["good"] and data["errors"] >= len(FILES)
