"""Loading flows and the article corpus: YAML with positions, then the schema, then the model."""

from __future__ import annotations

import hashlib
import json
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import conditions
from .errors import FlowError, Problem, Severity
from .model import (
    Article,
    Citation,
    Corpus,
    Flow,
    Kind,
    LawDocument,
    Option,
    Outcome,
    Question,
    Rule,
    Status,
    Step,
)
from .resources import flows_dir, schema
from .yamlload import (
    Document,
    JsonPath,
    Positions,
    YamlProblem,
    decode_bytes,
    format_path,
    load_yaml_text,
    odd_character,
)

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

ARTICLES_DIR = "articles"


@cache
def validator(name: str) -> Draft202012Validator:
    """The compiled validator of a bundled schema (compiled once per process)."""
    from jsonschema import Draft202012Validator  # only needed when a file is invalid: ~90 ms to import

    return Draft202012Validator(schema(name))


# ---------------------------------------------------------------------------- schema messages

_TYPE_WORDS = {"string": "文字", "number": "数字", "integer": "整数", "boolean": "true/false",
               "array": "列表（每项以“- ”开头）", "object": "一组“键: 值”", "null": "空"}


def _describe_type(t: Any) -> str:
    if isinstance(t, list):
        return " 或 ".join(_describe_type(x) for x in t)
    return _TYPE_WORDS.get(str(t), str(t))


def _properties(err: ValidationError) -> dict[str, Any]:
    schema_ = err.schema if isinstance(err.schema, dict) else {}
    props: dict[str, Any] = schema_.get("properties", {})
    return props


def _short(value: Any, limit: int = 80) -> str:
    """``repr`` of a value, cut to ``limit`` characters so a pasted blob cannot flood the message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _branch_types(err: ValidationError) -> list[str]:
    """What an anyOf/oneOf accepts, in words, when every branch refused the value's type."""
    out: list[str] = []
    for inner in err.context or ():
        if inner.relative_path:
            continue
        if inner.validator == "type":
            value = inner.validator_value
            words = [_describe_type(t) for t in (value if isinstance(value, list) else [value])]
        elif inner.validator == "const":
            words = [str(inner.validator_value)]
        elif inner.validator == "enum":
            words = [str(x) for x in inner.validator_value]  # type: ignore[union-attr]
        else:
            continue
        out.extend(w for w in words if w not in out)
    return out


_ID_FIELDS = ("id", "goto", "else", "start", "answer", "count", "value", "doc")
_ARITHMETIC = ("sum", "difference", "product", "months_between", "days_between")


def _odd_id(err: ValidationError) -> tuple[int, str] | None:
    """For an id that fails its pattern, the invisible or look-alike character that made it fail."""
    if err.validator != "pattern" or not isinstance(err.instance, str):
        return None
    return odd_character(err.instance)


def _schema_message(err: ValidationError) -> tuple[str, str]:
    """A (message, hint) pair in plain words for one schema error."""
    full = tuple(err.absolute_path)
    v, where = err.validator, full[-1] if full else None
    if isinstance(where, int) and len(full) > 1 and isinstance(full[-2], str):
        field_name = f"“{full[-2]}” 的第 {where + 1} 项"
    else:
        field_name = f"“{where}”" if isinstance(where, str) else "这一项"
    if v == "required":
        missing = str(err.message).split("'")[1] if "'" in err.message else "?"
        return f"缺少必填的 “{missing}”。", f"在这里加上 {missing}: …（参见 schemas/ 里的说明）。"
    if v == "additionalProperties":
        extra = sorted(set(err.instance if isinstance(err.instance, dict) else {}) - set(_properties(err)))
        allowed = "、".join(_properties(err))
        return (f"不认识的键：{'、'.join(extra)}。",
                f"检查拼写；这里允许的键有：{allowed}。")
    if v == "type":
        got = type(err.instance).__name__
        hint = "如果想写文字，请用引号括起来（例如 \"yes\"、\"12\"）。" if got in ("bool", "int", "float") else "检查这一项的写法。"
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        if isinstance(err.instance, str) and ("number" in wanted or "integer" in wanted) and _looks_numeric(err.instance):
            hint = "数字不要加引号；YAML 的科学计数法要写成 1.0e+6 这样（带小数点和正负号），1e6 会被当成文字。"
        if err.instance is None:
            return f"{field_name} 是空的，应该是{_describe_type(err.validator_value)}。", "在冒号后面写上内容，或删掉这一行。"
        return f"{field_name} 应该是{_describe_type(err.validator_value)}，这里写的是 {_short(err.instance)}。", hint
    if v == "enum":
        allowed = "、".join(str(x) for x in err.validator_value)  # type: ignore[union-attr]
        return f"{field_name} 的值 {_short(err.instance)} 不在允许的范围内。", f"只能是以下之一：{allowed}。"
    if v == "const":
        return f"{field_name} 必须是 {err.validator_value!r}。", ""
    if v == "pattern":
        odd = _odd_id(err)
        if odd is not None:
            index, what = odd
            return (f"{field_name} {_short(err.instance)} 里有{what}，在第 {index + 1} 个字符。",
                    f"它看起来像 {_visible(str(err.instance))!r}，其实不是；删掉这个字符，用半角英文重新输入。")
        owner = full[-2] if isinstance(where, int) and len(full) > 1 else where
        if isinstance(err.instance, str) and _looks_numeric(err.instance) and owner in _ARITHMETIC:
            return (f"{field_name} 的写法不对：{_short(err.instance)}。",
                    "数字不要加引号；YAML 的科学计数法要写成 1.0e+6 这样（带小数点和正负号），1e6 会被当成文字。")
        if isinstance(owner, str) and (owner in _ID_FIELDS or owner in _ARITHMETIC):
            return (f"{field_name} 的写法不对：{_short(err.instance)}。",
                    "id 只能用英文小写字母、数字和下划线，并以字母开头（例如 left_job）。")
        return f"{field_name} 的写法不对：{_short(err.instance)}。", f"应符合格式 {err.validator_value}。"
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        word = {"minimum": "不能小于", "exclusiveMinimum": "必须大于", "maximum": "不能大于",
                "exclusiveMaximum": "必须小于"}[str(v)]
        return f"{field_name} {word} {err.validator_value}，这里写的是 {_short(err.instance)}。", "改成允许范围内的数。"
    if v == "minItems" and isinstance(err.instance, list) and err.instance:
        return f"{field_name} 至少要有 {err.validator_value} 项，这里只有 {len(err.instance)} 项。", "补上缺的项。"
    if v == "maxItems" and isinstance(err.instance, list):
        return (f"{field_name} 最多只能有 {err.validator_value} 项，这里有 {len(err.instance)} 项。",
                "删掉多余的项；几个条件请用 all / any 组合。")
    if v in ("minItems", "minLength", "minProperties"):
        return f"{field_name} 不能为空（或项数太少）。", "补上内容，或删掉这一项。"
    if v == "maxProperties" and isinstance(err.instance, dict):
        keys = "、".join(map(str, err.instance))
        return (f"{field_name} 最多只能有 {err.validator_value} 个键，这里有 {len(err.instance)} 个：{keys}。",
                "一个比较只能有一个主语（answer 等）和一个比较（is、ge 等）；几个条件请用 all / any 组合。")
    if v in ("maxItems", "maxLength", "maxProperties"):
        return f"{field_name} 太长了（或项数太多）。", "精简内容，或拆分。"
    if v in ("oneOf", "anyOf"):
        inner = list(err.context or ())
        if inner and all(e.validator == "required" and not e.relative_path for e in inner):
            keys = "、".join(str(e.validator_value[0]) for e in inner
                            if isinstance(e.validator_value, list) and e.validator_value)
            return f"{field_name} 缺少这些键之一：{keys}。", "比较写成 {answer: 问题id, is: 值} 这样：一个主语加一个比较。"
        types = _branch_types(err)
        if types and err.instance is None:
            return f"{field_name} 是空的，应该是{' 或 '.join(types)}。", "在冒号后面写上内容，或删掉这一行。"
        if types:
            return (f"{field_name} 应该是{' 或 '.join(types)}，这里写的是 {_short(err.instance)}。",
                    "检查这一项的写法。")
        if v == "oneOf" and not inner:
            return (f"{field_name} 同时写了几种只能选一种的写法。",
                    "条件只能有一个主语（answer、count、sum……）；分支要么是 if + goto，要么是 else。")
        return f"{field_name} 的写法不符合任何一种允许的形式。", "对照 schemas/ 里的说明检查这一项。"
    if v == "not":
        return f"{field_name} 在这里不允许：{_short(err.instance)}。", "删掉它，或检查 kind。"
    return err.message, "对照 schemas/ 里的说明检查这一项。"


def _wrong_type(errors: list[ValidationError]) -> bool:
    """True when a branch of anyOf/oneOf rejects the value's type (or it is not the one constant)."""
    return any(not e.relative_path and e.validator in ("type", "const", "enum") for e in errors)


def _unknown_keys(errors: list[ValidationError]) -> int:
    """How many of the value's keys a branch does not know: fewer means a closer fit."""
    return sum(len(set(e.instance) - set(_properties(e)))
               for e in errors if e.validator == "additionalProperties" and not e.relative_path
               and isinstance(e.instance, dict))


_PRIORITY = {"additionalProperties": 5, "required": 4, "anyOf": 3, "oneOf": 3, "minProperties": 1,
             "maxProperties": 1}


def _leaf_errors(err: ValidationError) -> ValidationError:
    """For oneOf/anyOf errors, descend to the most relevant inner error.

    The branch that fits the value's shape wins: one that takes its type and knows the
    most of its keys (for ``next:`` written as a list, the list branch, not "should be a
    string"; for a comparison with a misspelt operator, the comparison branch, not "all is
    missing"). Within it, the deepest error, which names the key actually wrong.
    """
    while err.context and err.validator in ("anyOf", "oneOf"):
        if all(e.validator == "required" and not e.relative_path for e in err.context):
            return err  # "one of these keys is missing": _schema_message lists them
        branches: dict[Any, list[ValidationError]] = {}
        for inner in err.context:
            branches.setdefault(inner.relative_schema_path[0], []).append(inner)
        fitting = [b for b in branches.values() if not _wrong_type(b)]
        if not fitting:
            return err  # no branch takes this type: _schema_message lists what is allowed
        chosen = max(fitting, key=lambda b: (-_unknown_keys(b), max(len(e.relative_path) for e in b), -len(b)))
        err = max(chosen, key=lambda e: (len(e.relative_path), _PRIORITY.get(str(e.validator), 2)))
    return err


def _draft7(node: Any) -> Any:
    """The schema in draft-07 spelling (``$defs`` → ``definitions``) for fastjsonschema."""
    if isinstance(node, dict):
        return {("definitions" if k == "$defs" else k): _draft7(v) for k, v in node.items() if k != "$schema"}
    if isinstance(node, list):
        return [_draft7(x) for x in node]
    if isinstance(node, str) and node.startswith("#/$defs/"):
        return node.replace("#/$defs/", "#/definitions/")
    return node


@cache
def fast_validator(name: str) -> Callable[[Any], Any] | None:
    """A compiled validator (fastjsonschema) for the common case of a valid file, or None.

    jsonschema stays the reference: it runs whenever this one rejects a document, to
    collect every error with its location and a friendly message.
    """
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - optional speed-up
        return None
    from . import cache as disk

    source = schema(name)
    key = disk.digest("schema-validate-v1", json.dumps(source, sort_keys=True), fastjsonschema.VERSION)
    namespace: dict[str, Any] = {}
    draft7 = {k: v for k, v in _draft7(source).items() if k != "$id"}  # without $id the entry is `validate`
    exec(disk.code(key, lambda: fastjsonschema.compile_to_code(draft7)), namespace)  # noqa: S102
    validate: Callable[[Any], Any] = namespace["validate"]
    return validate


def schema_problems(doc: Document, name: str) -> list[Problem]:
    """Every schema error of a document, located by line and JSON path."""
    fast = fast_validator(name)
    if fast is not None:
        try:
            fast(doc.data)
            return []
        except Exception:  # noqa: S110 - any rejection is re-examined by the reference validator
            pass
    problems = []
    for err in validator(name).iter_errors(doc.data):
        err = _leaf_errors(err)
        path: JsonPath = tuple(err.absolute_path)
        key_error = err.validator == "additionalProperties"
        if key_error and isinstance(err.instance, dict):
            extra = sorted(set(err.instance) - set(_properties(err)))
            if extra:
                path = path + (extra[0],)
        line, col = doc.positions.at(path, key=key_error)
        message, hint = _schema_message(err)
        code = "schema"
        odd = _odd_id(err)
        if odd is not None:
            code = "confusable-id"
            col = _char_column(doc, path, col, odd[0])
            message = message.replace("个字符。", f"个字符（第 {col} 列）。")
        problems.append(Problem(code, message, hint, doc.file, line, col, format_path(path)))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _visible(text: str) -> str:
    """The text as it looks: invisible characters dropped, full-width letters folded to ASCII."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if odd_character(ch) is None and not ch.isspace())


def _char_column(doc: Document, path: JsonPath, col: int, index: int) -> int:
    """Column of character ``index`` of the scalar at ``path`` (after an opening quote, if any)."""
    return col + index + (1 if path in doc.positions.quoted else 0)


# ---------------------------------------------------------------------------- building the model


def _rules(raw: Any, path: JsonPath) -> tuple[Rule, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (Rule(None, raw, path),)
    out = []
    for i, r in enumerate(raw):
        p = path + (i,)
        if "else" in r:
            out.append(Rule(None, r["else"], p))
        else:
            out.append(Rule(conditions.parse(r["if"], p + ("if",)), r["goto"], p))
    return tuple(out)


def build_flow(doc: Document, content_hash: str = "") -> Flow:
    """Turn schema-valid flow data into a :class:`Flow`."""
    data = doc.data
    questions: dict[str, Question] = {}
    for i, q in enumerate(data["questions"]):
        path: JsonPath = ("questions", i)
        kind = Kind(q["kind"])
        questions.setdefault(q["id"], Question(
            id=q["id"], kind=kind, text=q["text"], label=q.get("label", q["id"]), help=q.get("help", ""),
            unsure=q.get("unsure"),
            options=tuple(Option(o["value"], o["label"], o.get("help", "")) for o in q.get("options", ())),
            yes_label=q.get("yes_label", "是"), no_label=q.get("no_label", "否"),
            unit=q.get("unit", ""), min=q.get("min"), max=q.get("max"), integer=q.get("integer", True),
            earliest=q.get("earliest", "today-100y"), latest=q.get("latest", "today+2y"),
            rules=_rules(q.get("next"), path + ("next",)), path=path,
        ))
    outcomes: dict[str, Outcome] = {}
    for i, o in enumerate(data["outcomes"]):
        path = ("outcomes", i)
        outcomes.setdefault(o["id"], Outcome(
            id=o["id"], verdict=o["verdict"], title=o["title"], explanation=o["explanation"],
            steps=tuple(Step(s["what"], s.get("where", ""), tuple(s.get("materials", ())), s.get("deadline", ""))
                        for s in o["steps"]),
            citations=tuple(Citation(c["doc"], c.get("article"), c.get("paragraph"), c.get("item"),
                                     c.get("quote"), c.get("note", ""), path + ("citations", j))
                            for j, c in enumerate(o["citations"])),
            local=o.get("local", ""), path=path,
        ))
    return Flow(
        id=data["id"], title=data["title"], summary=data["summary"], version=str(data["version"]),
        updated=data["updated"], regions=tuple(data["regions"]),
        start=data.get("start", data["questions"][0]["id"]), questions=questions, outcomes=outcomes,
        tags=tuple(data.get("tags", ())), keywords=tuple(data.get("keywords", ())), file=doc.file,
        content_hash=content_hash, positions=doc.positions,
    )


def build_document(doc: Document) -> LawDocument:
    data = doc.data
    articles: dict[str, Article] = {}
    for i, a in enumerate(data.get("articles") or ()):
        articles.setdefault(a["number"], Article(a["number"], a["text"], a.get("sha256", ""), ("articles", i)))
    src = data.get("source") or {}
    return LawDocument(
        id=data["id"], title=data["title"], short_title=data.get("short_title", data["title"]),
        kind=data["kind"], region=data["region"], status=Status(data["status"]), articles=articles,
        number=data.get("number", ""), issuer=data.get("issuer", ""), status_note=data.get("status_note", ""),
        official=src.get("official", ""), file=doc.file,
    )


# ---------------------------------------------------------------------------- reading files


def read_document(path: Path, raw: bytes | None = None) -> tuple[Document | None, str, list[Problem]]:
    """Read and parse one YAML file; return it with its content hash, or the problem."""
    try:
        raw = _read_limited(path) if raw is None else raw
        doc = load_yaml_text(decode_bytes(raw), str(path))
    except YamlProblem as exc:
        p = exc.problem
        return None, "", [Problem(p.code, p.message, p.hint, str(path), p.line, p.column, "$")]
    return doc, hashlib.sha256(raw).hexdigest(), []


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refusing (without reading) anything over the size limit or not a regular file.

    A FIFO would block ``open`` and ``/dev/zero`` reports size 0 but never ends, so only regular
    files are read, and never more than the limit even if the file grows meanwhile.
    """
    from .yamlload import MAX_BYTES

    def too_large(size: float) -> YamlProblem:
        return YamlProblem("file-too-large",
                           f"文件太大（{size / 1024 / 1024:.1f} MiB，上限 {MAX_BYTES // 1024 // 1024} MiB）。",
                           "流程文件通常只有几十 KiB；检查是否放错了文件。", 1, 1)

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem("unreadable", "这不是一个普通文件（可能是文件夹、管道或设备）。",
                              "给出流程 .yaml 文件的路径。", 1, 1)
        if info.st_size > MAX_BYTES:
            raise too_large(info.st_size)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlProblem("unreadable", f"无法读取文件：{exc.strerror}。", "检查文件路径和权限。") from None
    if len(data) > MAX_BYTES:
        raise too_large(len(data))
    return data


@dataclass
class LoadedFlow:
    """The result of loading one flow file: the flow when it has no errors, and every problem."""

    file: str
    flow: Flow | None
    problems: list[Problem] = field(default_factory=list)
    title: str = ""
    """The title as far as it could be read, for listing a broken flow."""

    @property
    def ok(self) -> bool:
        return self.flow is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _corpus_key(directory: Path) -> str:
    """A hash of every file of the corpus folder (documents and sources), names included."""
    parts: list[bytes | str] = ["corpus-v1"]
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        try:
            parts += [str(path.relative_to(directory)), hashlib.sha256(path.read_bytes()).digest()]
        except OSError:
            parts.append(str(path))
    from . import cache as disk
    return disk.digest(*parts)


def load_corpus(directory: Path) -> tuple[Corpus, list[Problem]]:
    """Load every ``*.yaml`` document of an article corpus folder (cached by content)."""
    from . import cache as disk

    if not directory.is_dir():
        return Corpus(), []
    key = _corpus_key(directory)
    hit = disk.get(key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[0], Corpus):
        return hit[0], list(hit[1])
    corpus, problems = _load_corpus(directory, key)
    disk.put(key, (corpus, problems))
    return corpus, problems


def _load_corpus(directory: Path, key: str) -> tuple[Corpus, list[Problem]]:
    from .checks import check_document

    documents: dict[str, LawDocument] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        doc, _, found = read_document(path)
        problems.extend(found)
        if doc is None:
            continue
        schema_errors = schema_problems(doc, "articles")
        problems.extend(schema_errors)
        if schema_errors:
            continue
        document = build_document(doc)
        doc_problems = list(check_document(document, doc, directory))
        problems.extend(doc_problems)
        if document.id in documents:
            problems.append(Problem("duplicate-id", f"条文库里有两个 id 都是 “{document.id}” 的文件。",
                                    "每个文件的 id 必须不同。", str(path), 1, 1, "$.id"))
            continue
        documents[document.id] = document
    return Corpus(documents, key), problems


def load_flow(path: Path, corpus: Corpus) -> LoadedFlow:
    """Load and check one flow file (cached by content with its corpus); never raises for a bad file."""
    from . import cache as disk

    try:
        raw = _read_limited(path)
    except YamlProblem as exc:
        p = exc.problem
        return LoadedFlow(str(path), None, [Problem(p.code, p.message, p.hint, str(path), p.line, p.column)],
                          path.stem)
    key = disk.digest("flow-v1", str(path), raw, corpus.key) if corpus.key else ""
    hit = disk.get(key) if key else None
    if isinstance(hit, LoadedFlow):
        return hit
    loaded = _load_flow(path, raw, corpus)
    if key:
        disk.put(key, _slim(loaded))
    return loaded


def _slim(loaded: LoadedFlow) -> LoadedFlow:
    """A copy for the cache without the per-node position table: problems carry their own
    positions, and only the top-level ones (e.g. ``id``) are looked up after loading."""
    if loaded.flow is None or loaded.flow.positions is None:
        return loaded
    top = Positions({k: v for k, v in loaded.flow.positions.values.items() if len(k) <= 1})
    return replace(loaded, flow=replace(loaded.flow, positions=top))


def _load_flow(path: Path, raw: bytes, corpus: Corpus) -> LoadedFlow:
    from .checks import run_checks

    doc, digest, problems = read_document(path, raw)
    if doc is None:
        return LoadedFlow(str(path), None, problems, path.stem)
    title = doc.data.get("title", path.stem) if isinstance(doc.data, dict) else path.stem
    problems = schema_problems(doc, "flow")
    if problems:
        return LoadedFlow(str(path), None, problems, str(title))
    flow = build_flow(doc, digest)
    problems = list(run_checks(flow, doc, corpus))
    ok = not any(p.is_error for p in problems)
    return LoadedFlow(str(path), flow if ok else None, problems, flow.title)


@dataclass
class Library:
    """Every flow of a folder (good and broken) and the corpus they cite."""

    flows: list[LoadedFlow]
    corpus: Corpus
    corpus_problems: list[Problem]

    def get(self, flow_id: str) -> Flow:
        for loaded in self.flows:
            if loaded.flow is not None and loaded.flow.id == flow_id:
                return loaded.flow
        known = "、".join(f.flow.id for f in self.flows if f.flow) or "（没有可用的流程）"
        raise _not_found(flow_id, known)

    @property
    def good(self) -> list[Flow]:
        return [f.flow for f in self.flows if f.flow is not None]

    def problems(self) -> list[Problem]:
        out = list(self.corpus_problems)
        for f in self.flows:
            out.extend(f.problems)
        return out


def _not_found(flow_id: str, known: str) -> FlowError:
    from .errors import NotFoundError
    return NotFoundError(f"没有 id 为 “{flow_id}” 的流程。", hint=f"可用的流程：{known}")  # type: ignore[return-value]


def flow_files(paths: Iterable[Path]) -> list[Path]:
    """The flow files named, expanding folders to their ``*.yaml`` (not the articles folder)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.yaml") if x.is_file()))
        else:
            out.append(p)
    return out


def load_library(paths: Iterable[Path] | None = None, corpus_dir: Path | None = None) -> Library:
    """Load the corpus and every flow under ``paths`` (default: the bundled flows)."""
    paths = list(paths) if paths else [flows_dir()]
    if corpus_dir is None:
        first_dir = next((p for p in paths if p.is_dir()), paths[0].parent)
        corpus_dir = first_dir / ARTICLES_DIR
        if not corpus_dir.is_dir():
            corpus_dir = flows_dir() / ARTICLES_DIR
    corpus, corpus_problems = load_corpus(corpus_dir)
    flows = [load_flow(p, corpus) for p in flow_files(paths)]
    _check_unique_ids(flows)
    return Library(flows, corpus, corpus_problems)


def _check_unique_ids(flows: list[LoadedFlow]) -> None:
    seen: dict[str, str] = {}
    for loaded in flows:
        if loaded.flow is None:
            continue
        if loaded.flow.id in seen:
            line, col = loaded.flow.positions.at(("id",)) if loaded.flow.positions else (1, 1)
            loaded.problems.append(Problem(
                "duplicate-flow-id", f"流程 id “{loaded.flow.id}” 和 {seen[loaded.flow.id]} 重复。",
                "每个流程的 id 必须不同；改一个。", loaded.file, line, col, "$.id"))
            loaded.flow = None
        else:
            seen[loaded.flow.id] = loaded.file
