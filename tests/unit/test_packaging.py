"""The wheel carries the flows, the article corpus and the schemas, and finds them when installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contains_flows_and_schemas(tmp_path: Path) -> None:
    """Building the wheel includes every flow, corpus document and schema under wizard/_data."""
    out = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in ("flow", "articles", "replay"):
        assert f"wizard/_data/schemas/{schema}.schema.json" in names
    for flow in ROOT.glob("flows/*.yaml"):
        assert f"wizard/_data/flows/{flow.name}" in names
    for doc in ROOT.glob("flows/articles/*.yaml"):
        assert f"wizard/_data/flows/articles/{doc.name}" in names
    assert any(n.startswith("wizard/_data/flows/articles/sources/") for n in names)
    assert "wizard/engine.py" in names and not any(n.startswith("tests/") for n in names)
