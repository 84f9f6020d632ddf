"""Shared bits of the hardening tests (a module with a unique name, importable beside them)."""

from __future__ import annotations

import os

NO_CACHE_ENV = {**os.environ, "WIZARD_NO_CACHE": "1"}
"""Environment for CLI subprocesses: no flow cache, so each run reads the files it is given."""


OUTCOMES = """outcomes:
  - id: ok
    verdict: 可以
    title: 可以
    explanation: 说明。
    steps: [{what: 去办}]
    citations: [{doc: sample-law, article: 第一条}]
  - id: nope
    verdict: 不可以
    title: 不可以
    explanation: 说明。
    steps: [{what: 去问}]
    citations: [{doc: sample-law, article: 第一条}]
"""
"""The ``outcomes:`` block ending every small test flow (``ok`` and ``nope``)."""
