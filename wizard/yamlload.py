"""Safe YAML loading that keeps the line and column of every node and refuses risky YAML."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
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
MAX_NODES = 50_000
"""Most YAML nodes in one file: about twice what the schema's 500 questions and 500 outcomes need
(the largest shipped flow has 2 000). Building a node costs ~15 µs, so this also bounds the time."""
MAX_NUMBER_CHARS = 100
"""Longest number literal; longer ones (e.g. base-60 ``1:2:3:…`` chains) cost quadratic time to build."""

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
    quoted: set[JsonPath] = field(default_factory=set)
    """Scalars written in quotes (their text starts one column after the node)."""

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


def _mark(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


_INVISIBLE = {
    0x00A0: "不换行空格", 0x00AD: "软连字符", 0x034F: "组合用字形连接符", 0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格", 0x200C: "零宽不连字", 0x200D: "零宽连字", 0x200E: "从左到右标记",
    0x200F: "从右到左标记", 0x2028: "行分隔符", 0x2029: "段分隔符", 0x202F: "窄不换行空格",
    0x2060: "字连接符", 0x3000: "全角空格", 0xFEFF: "零宽不换行空格（BOM）",
}
_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
"""Embedding, override and isolate controls: they reorder how text is shown (“Trojan Source”)."""


def odd_character(text: str) -> tuple[int, str] | None:
    """The index and a plain description of the first invisible, full-width or look-alike character.

    Used for ids: ``ok`` + U+200B and ``ｏｋ`` look like ``ok`` on screen but are different ids.
    """
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp < 0x80:
            continue
        name = unicodedata.name(ch, "")
        category = unicodedata.category(ch)
        if cp in _INVISIBLE or cp in _BIDI_CONTROLS or category in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            return i, f"看不见的字符 U+{cp:04X}（{_INVISIBLE.get(cp, name or '格式控制字符')}）"
        if 0xFF01 <= cp <= 0xFF5E:
            return i, f"全角字符 “{ch}”（U+{cp:04X}，应写半角的 “{chr(cp - 0xFEE0)}”）"
        if category.startswith("M"):
            return i, f"附加在前一个字符上的组合符号 U+{cp:04X}（{name or '组合符号'}）"
        folded = unicodedata.normalize("NFKD", ch)
        if folded.isascii() and folded != ch or any(w in name for w in ("CYRILLIC", "GREEK", "MATHEMATICAL")):
            return i, f"看起来像英文字母的 “{ch}”（U+{cp:04X} {name}）"
    return None


def _control_character(text: str) -> tuple[int, int] | None:
    """Index and code point of the first control character a flow text must not carry."""
    for i, ch in enumerate(text):
        cp = ord(ch)
        if (cp < 0x20 and ch not in "\t\n\r") or 0x7F <= cp <= 0x9F or cp in _BIDI_CONTROLS:
            return i, cp
    return None


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
        self.check_tag(node)
        self.positions.values[path] = (line, col)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    kl, kc = _mark(key_node)
                    raise YamlProblem("yaml-key", "键必须是简单的文字。", "把键改成一个名字，例如 id:", kl, kc)
                self.check_tag(key_node)
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
        if getattr(node, "style", None) in ("'", '"'):
            self.positions.quoted.add(path)
        return self.scalar(node)

    @staticmethod
    def check_tag(node: yaml.Node) -> None:
        if node.tag in _ALLOWED_TAGS or (node.tag in _PLAIN_AS_TEXT and isinstance(node, yaml.ScalarNode)):
            return
        line, col = _mark(node)
        raise YamlProblem(
            "yaml-tag",
            f"不支持 YAML 标签 {node.tag!r}。",
            "去掉以 ! 开头的标签；需要文字时用引号括起来。",
            line, col,
        )

    @staticmethod
    def scalar(node: yaml.Node) -> Any:
        line, col = _mark(node)
        if node.tag == _CORE + "str" or node.tag in _PLAIN_AS_TEXT:
            # `<<` and `=` resolve to YAML 1.1's merge/value tags; here they are just text.
            text: str = node.value
            found = _control_character(text)
            if found is not None:
                index, cp = found
                raise YamlProblem(
                    "control-char",
                    f"文字里有控制字符 U+{cp:04X}（第 {index + 1} 个字符）："
                    + ("它会改变文字的显示顺序，可能让界面显示的内容和文件里的不一样。" if cp in _BIDI_CONTROLS
                       else "它在屏幕上看不见，还可能控制终端。"),
                    "删掉这个字符；引号里的 \\x1b、\\e、\\u202e 之类的转义不要写进流程文件。",
                    line, col,
                )
            return text
        if node.tag in (_CORE + "int", _CORE + "float") and len(node.value) > MAX_NUMBER_CHARS:
            raise YamlProblem("yaml-too-big", f"数字太长（{len(node.value)} 个字符）。",
                              "流程里的数字不会这么长；如果是文字，请用引号括起来。", line, col)
        if node.tag == _CORE + "timestamp":
            # Dates stay ISO strings so the data is plain JSON for the schema; the model parses them.
            assert isinstance(node, yaml.ScalarNode)
            try:
                value = yaml.SafeLoader.construct_yaml_timestamp(_TIMESTAMP_LOADER, node)
            except ValueError:
                raise YamlProblem("bad-date", f"日期 {node.value} 不存在。",
                                  "检查年、月、日（例如 2 月没有 30 日，月份在 1 到 12 之间）；"
                                  "如果这不是日期，请用引号括起来。", line, col) from None
            if isinstance(value, dt.datetime):
                return value.isoformat()
            return value.isoformat()
        return _TIMESTAMP_LOADER.construct_object(node, deep=True)


_TIMESTAMP_LOADER = yaml.SafeLoader("")
_PLAIN_AS_TEXT = {_CORE + "merge", _CORE + "value"}


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """A character the YAML reader refuses (NUL, ESC, other control characters)."""
    # libyaml reports a byte offset into the UTF-8 encoding of the text.
    index = len(text.encode("utf-8")[: max(exc.position, 0)].decode("utf-8", "ignore"))
    if not (index < len(text) and ord(text[index]) == exc.character):
        found = next((i for i, ch in enumerate(text) if ord(ch) == exc.character), None)
        index = found if found is not None else min(index, len(text))
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    cp = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    if not isinstance(exc.character, int):
        index = min(index, len(text))
    return YamlProblem("control-char", f"文件里有一个看不见的控制字符 U+{cp:04X}，YAML 不允许。",
                       "删掉这个字符（它常常来自从网页或 Word 复制的文字）；如果文件本来是别的格式，请另存为 UTF-8 文本。",
                       line, col)


def _friendly_yaml_error(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = str(getattr(exc, "problem", "") or exc)
    context = str(getattr(exc, "context", "") or "")
    opened = getattr(exc, "context_mark", None)
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if at == "\t" or "\\t" in problem or "found a tab" in problem.lower() or "tab character" in problem.lower():
        return YamlProblem("yaml-tab", "这一行用了制表符（Tab）缩进，YAML 不允许。",
                           "把行首的 Tab 换成空格（每层两个空格）。", line, col)
    if "quoted scalar" in context and "end of stream" in problem and opened is not None:
        # Point at the quote that was opened, not at the end of the file.
        return YamlProblem("yaml-syntax", "引号没有闭合：从这里开始的引号一直到文件末尾都没有配对的引号。",
                           "在这段文字的末尾补上同样的引号（\" 或 '），或者去掉开头的引号。",
                           opened.line + 1, opened.column + 1)
    if "unknown escape character" in problem or "expected hexdecimal number" in problem:
        return YamlProblem("yaml-syntax", "双引号里的反斜杠 \\ 后面跟了 YAML 不认识的字符。",
                           "把双引号换成单引号，或者把 \\ 写成 \\\\。", line, col)
    if "undefined alias" in problem:
        return YamlProblem("yaml-alias", "流程文件里不能使用锚点和别名（& 和 *）。",
                           "以 * 开头的文字要用引号括起来；别名处的内容请直接写出来。", line, col)
    if "found character" in problem and "cannot start any token" in problem:
        return YamlProblem("yaml-syntax", f"这里有一个 YAML 不认识的字符：{problem}。",
                           "含有特殊符号（如 @ ` %）的文字要用引号括起来。", line, col)
    if "mapping values are not allowed" in problem:
        return YamlProblem("yaml-syntax", "这一行多了一个冒号，或者缩进不对。",
                           "文字里含有“: ”时请用引号把整段文字括起来；否则检查缩进。", line, col)
    if "could not find expected ':'" in problem:
        if "simple key" in context and opened is not None:
            # The line that lacks its colon is where the key began, not the line after it.
            return YamlProblem("yaml-syntax", "这一行缺少“: ”：YAML 读到了一个键，却没有找到它后面的冒号。",
                               "写成“键: 值”（冒号后面有空格）；如果这是上一行文字的续行，请把它缩进到上一行的值下面。",
                               opened.line + 1, opened.column + 1)
        return YamlProblem("yaml-syntax", "缩进或结构不对：YAML 在这里没有找到期望的内容。",
                           "检查这一行和上一行的缩进是否对齐，列表项是否以“- ”开头。", line, col)
    if "expected <document start>" in problem:
        lines = text.splitlines()
        end = next((i for i in range(min(line - 1, len(lines)), 0, -1)
                    if lines[i - 1].startswith(("...", "%"))), None)
        return YamlProblem("yaml-syntax", "文件在这一行提前结束了（“...” 表示文档结束，“%” 开头的是指令），后面的内容读不到。",
                           "删掉这一行；流程文件里不需要 ... 或 % 开头的行。",
                           end or line, 1 if end else col)
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        if opened is not None:  # point at the bracket that was never closed
            line, col = opened.line + 1, opened.column + 1
        return YamlProblem("yaml-syntax", "方括号或花括号没有闭合（缺少 ] 或 }）。",
                           "检查上一个 [ 或 { 是否在同一个列表/映射的末尾闭合；逗号是否写成了中文逗号。", line, col)
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return YamlProblem("yaml-syntax", "缩进不对：这一行和上面的行没有对齐。",
                           "同一层的键要对齐到同一列（用空格，每层两个）。", line, col)
    if "did not find expected key" in problem:
        return YamlProblem("yaml-syntax", "缩进不对，或者这一行多了“- ”：YAML 在这里期望一个“键: 值”。",
                           "“- ”只用在列表项前面；同一层的键要对齐到同一列。", line, col)
    if "found unexpected end of stream" in problem:
        return YamlProblem("yaml-syntax", f"引号或括号没有闭合：{problem}。",
                           "检查这一段的引号、方括号、花括号是否成对。", line, col)
    return YamlProblem("yaml-syntax", f"YAML 语法错误：{problem}。",
                       "对照相邻的条目检查这一行的缩进、冒号和引号。", line, col)


def _prescan(text: str) -> None:
    """Walk the parser's events (no tree, no recursion) and refuse aliases, depth and size early.

    libyaml's composer recurses once per nesting level: a file of 100 000 ``[`` crashes the
    process before :class:`_Builder` could count levels, so the depth is checked here first.
    """
    depth = count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(
                "yaml-alias",
                "流程文件里不能使用锚点和别名（& 和 *）。",
                "把别名处的内容直接写出来；锚点/别名会让文件难读，也可能被用来制造超大文件。",
                *_mark(event),
            )
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            count += 1
            if count > MAX_NODES:
                raise YamlProblem("yaml-too-big", f"文件里的条目超过 {MAX_NODES} 个。",
                                  "一个流程文件不应这么大；请拆分或检查是否误粘贴了数据。", *_mark(event))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem("yaml-too-deep", f"嵌套超过 {MAX_DEPTH} 层。",
                                  "检查缩进和括号：流程文件通常不超过十几层。", *_mark(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml_text(text: str, file: str = "<input>") -> Document:
    """Parse YAML text into a :class:`Document`; raise :class:`YamlProblem` on anything unsafe."""
    try:
        _prescan(text)
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
    wide = _wide_encoding(raw)
    if wide:
        raise YamlProblem(
            "not-utf8",
            f"文件是 {wide} 编码的，不是 UTF-8。",
            "用编辑器把文件另存为 UTF-8（在“另存为”或右下角的编码里选 UTF-8）。",
            1, 1,
        )
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


def _wide_encoding(raw: bytes) -> str:
    """``UTF-16``/``UTF-32`` when the bytes carry their BOM or look like them (NULs between ASCII)."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:200]
    if len(head) >= 8 and head.count(0) * 4 >= len(head) and b"\x00\x00\x00" not in head[:8]:
        return "UTF-16（没有 BOM）"
    return ""
