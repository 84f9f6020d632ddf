"""Checks on the shipped article corpus: flows/articles/*.yaml and their byte-exact sources."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
ARTICLES_DIR = ROOT / "flows" / "articles"
SCHEMA_PATH = ROOT / "schemas" / "articles.schema.json"
CORPUS_FILES = sorted(ARTICLES_DIR.glob("*.yaml"))
POLICY_EXCERPTS = "sources/policy-excerpts.md"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/articles.schema.json\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level is not a mapping"
    return data


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


corpus = pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    """The articles schema is itself a valid JSON Schema 2020-12 document."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://yibao-wizard.example/schemas/articles.schema.json"


def test_corpus_holds_documents_of_every_status() -> None:
    """The corpus ships statutes, single-transcription policy documents and not-held references."""
    statuses = {_load(p)["status"] for p in CORPUS_FILES}
    assert statuses == {"two-copies", "single-transcription", "not-held"}


@corpus
def test_document_validates_against_schema(path: Path, validator: Draft202012Validator) -> None:
    """Every corpus file satisfies the articles schema."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(path))]
    assert errors == []


@corpus
def test_document_starts_with_schema_comment_and_id_matches_file_name(path: Path) -> None:
    """Every corpus file points editors at the schema and its id equals its file name."""
    assert path.read_text(encoding="utf-8").startswith(SCHEMA_COMMENT)
    assert _load(path)["id"] == path.stem


@corpus
def test_source_file_hash_matches_recorded_hash(path: Path) -> None:
    """The local source copy hashes to the sha256 recorded in the document."""
    doc = _load(path)
    if doc["status"] == "not-held":
        assert "articles" not in doc
        return
    source = ARTICLES_DIR / doc["source"]["file"]
    assert source.is_file(), f"missing source copy {source}"
    assert _sha256(source.read_bytes()) == doc["source"]["sha256"]


@corpus
def test_article_hash_matches_its_text(path: Path) -> None:
    """Each article's sha256 is the hash of its text encoded as UTF-8."""
    for article in _load(path).get("articles", []):
        assert _sha256(article["text"].encode("utf-8")) == article["sha256"], article["number"]


@corpus
def test_article_text_occurs_verbatim_in_source(path: Path) -> None:
    """Each article's text is a byte-for-byte substring of the document's source copy."""
    doc = _load(path)
    if "articles" not in doc:
        return
    source = (ARTICLES_DIR / doc["source"]["file"]).read_bytes()
    missing = [a["number"] for a in doc["articles"] if a["text"].encode("utf-8") not in source]
    assert missing == []


@corpus
def test_article_numbers_are_unique_within_document(path: Path) -> None:
    """No article number appears twice in one document."""
    numbers = [a["number"] for a in _load(path).get("articles", [])]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    assert duplicates == []


@corpus
def test_single_transcription_documents_say_so(path: Path) -> None:
    """Documents quoted from the policy excerpts are marked single-transcription with a note saying so."""
    doc = _load(path)
    from_excerpts = doc.get("source", {}).get("file") == POLICY_EXCERPTS
    assert from_excerpts == (doc["status"] == "single-transcription")
    if from_excerpts:
        assert "单一来源转写" in doc["status_note"]


@corpus
def test_not_held_documents_are_marked_text_not_included(path: Path) -> None:
    """Documents whose text is not held carry no articles and the note 原文未收录."""
    doc = _load(path)
    if doc["status"] == "not-held":
        assert "articles" not in doc
        assert "file" not in doc.get("source", {})
        assert doc["status_note"] == "原文未收录"


def _statute() -> dict[str, Any]:
    held = [_load(p) for p in CORPUS_FILES if _load(p)["status"] == "two-copies"]
    return copy.deepcopy(held[0])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("articles"), "'articles' is a required property"),
        (lambda d: d.update(status="single-transcription", status_note="x"), "单一来源转写"),
        (lambda d: d.update(status="not-held", status_note="原文未收录"), "should not be valid"),
        (lambda d: d.update(id="Social_Insurance"), "does not match"),
        (lambda d: d["articles"][0].update(sha256="abc"), "does not match"),
        (lambda d: d.update(kind="statute"), "is not one of"),
        (lambda d: d.update(extra=1), "Additional properties are not allowed"),
    ],
    ids=[
        "no-articles",
        "single-without-note",
        "not-held-with-articles",
        "bad-id",
        "bad-sha",
        "bad-kind",
        "extra-key",
    ],
)
def test_schema_rejects_malformed_documents(
    change: Any, words: str, validator: Draft202012Validator
) -> None:
    """The schema rejects a statute document broken in one way, with an error naming the fault."""
    doc = _statute()
    change(doc)
    messages = [e.message for e in validator.iter_errors(doc)]
    messages += [c.message for e in validator.iter_errors(doc) for c in e.context or []]
    assert messages, "document was accepted"
    assert any(words in m for m in messages), messages
