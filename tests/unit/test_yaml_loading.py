"""The YAML loader keeps positions and refuses unsafe or oversized input with a clear problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.loader import load_flow, read_document
from wizard.model import Corpus
from wizard.yamlload import MAX_BYTES, YamlProblem, load_yaml_text


def test_positions_of_values_and_keys() -> None:
    """Every value and key is located by 1-based line and column."""
    doc = load_yaml_text("a: 1\nb:\n  - x\n  - {y: 2}\n")
    assert doc.positions.at(("b", 1, "y")) == (4, 9)
    assert doc.positions.at(("b",), key=True) == (2, 1)
    assert doc.positions.at(("b", 5, "zz")) == (3, 3)


def test_dates_become_iso_strings() -> None:
    """Unquoted dates load as ISO strings so the data stays plain JSON."""
    assert load_yaml_text("d: 2025-01-02\n").data == {"d": "2025-01-02"}


def test_billion_laughs_is_refused_quickly() -> None:
    """An alias bomb is refused at its first alias, without expanding it."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(YamlProblem) as err:
        load_yaml_text("\n".join(lines))
    assert err.value.problem.code == "yaml-alias"
    assert err.value.problem.line == 2


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A file over the size limit gives a file-too-large problem, not a parse."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    doc, _, problems = read_document(big)
    assert doc is None and problems[0].code == "file-too-large"
    assert "MiB" in problems[0].message


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    """A UTF-8 BOM and Windows line ends load like plain UTF-8."""
    f = tmp_path / "x.yaml"
    f.write_bytes(b"\xef\xbb\xbfa: 1\r\nb: \xe4\xb8\xad\r\n")
    doc, _, problems = read_document(f)
    assert not problems and doc is not None and doc.data == {"a": 1, "b": "中"}
    assert doc.positions.at(("b",)) == (2, 4)


def test_deep_nesting_is_refused() -> None:
    """Nesting beyond the depth limit is a problem, not a RecursionError."""
    with pytest.raises(YamlProblem) as err:
        load_yaml_text("a: " + "[" * 200 + "]" * 200)
    assert err.value.problem.code == "yaml-too-deep"


def test_empty_and_non_mapping_files_give_schema_problems(tmp_path: Path) -> None:
    """An empty file or a bare list is reported by the schema check, never a crash."""
    for text in ("", "- a\n- b\n", "just text\n"):
        f = tmp_path / "f.yaml"
        f.write_text(text, encoding="utf-8")
        loaded = load_flow(f, Corpus())
        assert loaded.flow is None and loaded.problems
        assert loaded.problems[0].code == "schema"


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    """A path that does not exist is reported as unreadable."""
    loaded = load_flow(tmp_path / "nope.yaml", Corpus())
    assert loaded.problems[0].code == "unreadable"
