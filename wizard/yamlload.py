"""Safe YAML loading that keeps the line and column of every node and refuses risky YAML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:  # libyaml's C composer is several times faster; fall back to pure Python where absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
"""Largest flow or article file we read; real ones are well under 200 KiB."""
MAX_DEPTH = 64
"""Deepest nesting accepted; flows need about 12 levels."""
MAX_NODES = 200_000
"""Most YAML nodes in one file; stops inflated files before they cost real memory."""

JsonPath = tuple[str | int, ...]

_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]+", re.MULTILINE)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


def format_path(path: JsonPath) -> str:
    """``("questions", 2, "id")`` → ``$.questions[2].id``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass
class Positions:
    """Where each value (and each mapping key) stands in the source, by JSON path."""

    values: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the node at ``path``, or of its nearest known ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


@dataclass
class Document:
    """A parsed YAML file: plain JSON-like data plus positions."""

    file: str
    data: Any
    positions: Positions


class YamlProblem(Exception):
    """Raised inside the loader; turned into one Problem by :func:`load_yaml`."""

    def __init__(self, code: str, message: str, hint: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.problem = Problem(code=code, message=message, hint=hint, line=line, column=column)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node tree into plain data, refusing aliases, tags, duplicates and depth."""

    def __init__(self) -> None:
        self.positions = Positions()
        self.seen: set[int] = set()
        self.count = 0

    def build(self, node: yaml.Node, path: JsonPath, depth: int) -> Any:
        line, col = _mark(node)
        if id(node) in self.seen:
            raise YamlProblem(
                "yaml-alias",
                "流程文件里不能使用锚点和别名（& 和 *）。",
                "把别名处的内容直接写出来；锚点/别名会让文件难读，也可能被用来制造超大文件。",
                line, col,
            )
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem("yaml-too-big", f"文件里的条目超过 {MAX_NODES} 个。",
                              "一个流程文件不应这么大；请拆分或检查是否误粘贴了数据。", line, col)
        if depth > MAX_DEPTH:
            raise YamlProblem("yaml-too-deep", f"嵌套超过 {MAX_DEPTH} 层。",
                              "检查缩进：流程文件通常不超过十几层。", line, col)
        if node.tag not in _ALLOWED_TAGS:
            raise YamlProblem(
                "yaml-tag",
                f"不支持 YAML 标签 {node.tag!r}。",
                "去掉以 ! 开头的标签；需要文字时用引号括起来。",
                line, col,
            )
        self.positions.values[path] = (line, col)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    kl, kc = _mark(key_node)
                    raise YamlProblem("yaml-key", "键必须是简单的文字。", "把键改成一个名字，例如 id:", kl, kc)
                key = self.scalar(key_node)
                key = key if isinstance(key, str) else str(key).lower() if isinstance(key, bool) else str(key)
                kl, kc = _mark(key_node)
                if key in out:
                    first = self.positions.keys.get(path + (key,), (0, 0))[0]
                    raise YamlProblem(
                        "duplicate-key",
                        f"键 “{key}” 重复出现（第一次在第 {first} 行）。",
                        "同一层里每个键只能写一次；删掉或合并其中一个。",
                        kl, kc,
                    )
                self.positions.keys[path + (key,)] = (kl, kc)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    @staticmethod
    def scalar(node: yaml.Node) -> Any:
        if node.tag == _CORE + "str":
            return node.value
        if node.tag == _CORE + "timestamp":
            # Dates stay ISO strings so the data is plain JSON for the schema; the model parses them.
            assert isinstance(node, yaml.ScalarNode)
            value = yaml.SafeLoader.construct_yaml_timestamp(_TIMESTAMP_LOADER, node)
            if isinstance(value, dt.datetime):
                return value.isoformat()
            return value.isoformat()
        return _TIMESTAMP_LOADER.construct_object(node, deep=True)


_TIMESTAMP_LOADER = yaml.SafeLoader("")


def _friendly_yaml_error(exc: yaml.YAMLError, text: str) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = str(getattr(exc, "problem", "") or exc)
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if at == "\t" or "\\t" in problem or "tab" in problem.lower():
        return YamlProblem("yaml-tab", "这一行用了制表符（Tab）缩进，YAML 不允许。",
                           "把行首的 Tab 换成空格（每层两个空格）。", line, col)
    if "found character" in problem and "cannot start any token" in problem:
        return YamlProblem("yaml-syntax", f"这里有一个 YAML 不认识的字符：{problem}。",
                           "含有特殊符号（如 @ ` %）的文字要用引号括起来。", line, col)
    if "mapping values are not allowed" in problem:
        return YamlProblem("yaml-syntax", "这一行多了一个冒号，或者缩进不对。",
                           "文字里含有“: ”时请用引号把整段文字括起来；否则检查缩进。", line, col)
    if "could not find expected ':'" in problem:
        return YamlProblem("yaml-syntax", "缩进或结构不对：YAML 在这里没有找到期望的内容。",
                           "检查这一行和上一行的缩进是否对齐，列表项是否以“- ”开头。", line, col)
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        opened = getattr(exc, "context_mark", None)
        if opened is not None:  # point at the bracket that was never closed
            line, col = opened.line + 1, opened.column + 1
        return YamlProblem("yaml-syntax", "方括号或花括号没有闭合（缺少 ] 或 }）。",
                           "检查上一个 [ 或 { 是否在同一个列表/映射的末尾闭合；逗号是否写成了中文逗号。", line, col)
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return YamlProblem("yaml-syntax", "缩进不对：这一行和上面的行没有对齐。",
                           "同一层的键要对齐到同一列（用空格，每层两个）。", line, col)
    if "found unexpected end of stream" in problem or "found undefined" in problem:
        return YamlProblem("yaml-syntax", f"引号或括号没有闭合：{problem}。",
                           "检查这一段的引号、方括号、花括号是否成对。", line, col)
    return YamlProblem("yaml-syntax", f"YAML 语法错误：{problem}。",
                       "对照相邻的条目检查这一行的缩进、冒号和引号。", line, col)


def load_yaml_text(text: str, file: str = "<input>") -> Document:
    """Parse YAML text into a :class:`Document`; raise :class:`YamlProblem` on anything unsafe."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _friendly_yaml_error(exc, text) from None
    except RecursionError:
        raise YamlProblem("yaml-too-deep", "嵌套太深，无法读取。", "检查括号和缩进。", 0, 0) from None
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        lines = text.split("\n")
        marker = next((i for i in range(line - 1, 0, -1) if lines[i - 1].startswith("---")), None)
        if marker is not None:
            line, col = marker, 1
        raise YamlProblem("yaml-multiple-documents", "一个文件里只能有一个 YAML 文档（发现了 ---）。",
                          "每个流程放进单独的文件。", line, col)
    builder = _Builder()
    try:
        data = builder.build(nodes[0], (), 0) if nodes else None
    except YamlProblem as exc:
        if exc.problem.code == "yaml-alias":
            # Composed nodes forget where an alias was written; point at the first one in the text.
            found = _ALIAS.search(text)
            if found:
                line = text.count("\n", 0, found.start()) + 1
                col = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
                exc.problem = replace(exc.problem, line=line, column=col)
        raise
    return Document(file=file, data=data, positions=builder.positions)


def decode_bytes(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM); raise :class:`YamlProblem` pointing at the bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            "not-utf8",
            f"文件不是 UTF-8 编码（第 {line} 行有无法识别的字节 0x{raw[exc.start]:02x}）。",
            "用编辑器把文件另存为 UTF-8（不要用 GBK/GB2312）。",
            line, col,
        ) from None


def load_yaml_file(path: Path) -> Document:
    """Read and parse one YAML file with size and encoding limits."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlProblem("unreadable", f"无法读取文件：{exc.strerror}。", "检查文件路径和权限。") from None
    if size > MAX_BYTES:
        raise YamlProblem(
            "file-too-large",
            f"文件太大（{size / 1024 / 1024:.1f} MiB，上限 {MAX_BYTES // 1024 // 1024} MiB）。",
            "流程文件通常只有几十 KiB；检查是否放错了文件。",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem("unreadable", f"无法读取文件：{exc.strerror}。", "检查文件路径和权限。") from None
    return load_yaml_text(decode_bytes(raw), str(path))
