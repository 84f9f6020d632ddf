"""One error hierarchy with a user-facing title and message, and the Problem record of checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is: errors stop a flow from loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow, article or replay file, located as precisely as we can."""

    code: str
    """Stable identifier, e.g. ``unknown-target``; tests and tools match on it."""
    message: str
    """What is wrong, in plain words for a policy author."""
    hint: str = ""
    """How to fix it."""
    file: str = ""
    line: int = 0
    """1-based line; 0 when unknown."""
    column: int = 0
    """1-based column; 0 when unknown."""
    path: str = "$"
    """JSON path of the offending node, e.g. ``$.questions[2].next[0].goto``."""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """``file:line:col`` as far as known."""
        parts = [self.file or "<input>"]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """The problem as a compiler-style line plus an indented hint."""
        text = f"{self.location()}: {self.severity.value}[{self.code}] {self.message}"
        if self.path and self.path != "$":
            text += f"  (at {self.path})"
        if self.hint:
            text += f"\n    提示: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }


class WizardError(Exception):
    """Base of every error a user may see; carries a title and a plain message, never a traceback."""

    title = "出错了"

    def __init__(self, message: str, *, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems: list[Problem] = list(problems or [])

    def format(self) -> str:
        lines = [f"{self.title}: {self.message}"]
        lines.extend(p.format() for p in self.problems)
        if self.hint:
            lines.append(f"提示: {self.hint}")
        return "\n".join(lines)


class FlowError(WizardError):
    """A flow (or the article corpus) could not be loaded because of the problems it carries."""

    title = "流程文件有错误"


class AnswerError(WizardError):
    """An answer does not fit its question (wrong type, out of range, not an offered option)."""

    title = "回答无效"


class ReplayError(WizardError):
    """A replay script or receipt is malformed or does not fit its flow."""

    title = "回放脚本有错误"


class NotFoundError(WizardError):
    """A flow, question or outcome named by the user does not exist."""

    title = "找不到"


@dataclass
class ProblemList:
    """Problems collected while loading; the caller chooses to show all or stop at the first."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]
