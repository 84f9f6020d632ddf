"""Home: every flow as a list, filtered as you type (汉字 or pinyin initials); broken flows listed as unavailable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...loader import LoadedFlow
from ..search import SearchKey, warm_up
from ..text import APP_TITLE, HOME_INTRO
from ..widgets.key_hints import KeyHints

FILTER_MAX = 100
"""Longest filter text; a longer paste is refused (with a bell), as typing beyond it is."""


def first_error(loaded: LoadedFlow) -> str:
    """``file.yaml:12 message`` for the first error of a broken flow."""
    problems = loaded.errors or loaded.problems
    if not problems:
        return "无法加载"
    p = problems[0]
    where = Path(p.file or loaded.file).name + (f":{p.line}" if p.line else "")
    return f"{where} {p.message}"


@dataclass(frozen=True)
class Entry:
    """One line of the home list."""

    loaded: LoadedFlow
    key: SearchKey

    @classmethod
    def of(cls, loaded: LoadedFlow) -> Entry:
        flow = loaded.flow
        if flow is None:
            return cls(loaded, SearchKey.of(loaded.title, keywords=[Path(loaded.file).stem]))
        return cls(loaded, SearchKey.of(flow.title, flow.summary, (*flow.keywords, *flow.tags, flow.id)))

    def option(self) -> Option:
        flow = self.loaded.flow
        if flow is None:
            title = Text("⚠ 暂不可用：", style="bold")
            title.append(self.loaded.title or Path(self.loaded.file).stem)
            return Option(_two_lines(title, first_error(self.loaded)),
                          id=f"broken-{self.loaded.file}", disabled=True)
        summary = flow.summary.splitlines()[0] if flow.summary else ""
        return Option(_two_lines(Text(flow.title, style="bold"), summary), id=flow.id)


def _two_lines(title: Text, detail: str) -> Group:
    """A title and, indented under it (also when it wraps), a dim line of detail."""
    if not detail:
        return Group(title)
    return Group(title, Padding(Text(detail, style="dim"), (0, 0, 0, 3)))


class HomeScreen(Screen[None]):
    """Pick a question: type to filter, arrows to move, Enter to start."""

    BINDINGS = [
        Binding("down", "move(1)", "下一个", show=False),
        Binding("up", "move(-1)", "上一个", show=False),
        Binding("pagedown", "move(5)", show=False),
        Binding("pageup", "move(-5)", show=False),
        Binding("enter", "start", "开始"),
        Binding("escape", "clear", "清空", show=False),
        Binding("f1", "app.help", "帮助"),
    ]

    @dataclass
    class FlowChosen(Message):
        """The person chose the flow ``flow_id``."""

        flow_id: str

    def __init__(self, flows: list[LoadedFlow]) -> None:
        super().__init__(id="home")
        self.entries = [Entry.of(f) for f in flows]
        self._shown_query = ""

    def compose(self) -> ComposeResult:
        yield Static(Text(APP_TITLE), id="home-title")
        yield Static(Text(HOME_INTRO), id="home-intro")
        # Capped: every word is matched against every flow; 100 KB of short words took ~15 s a key press.
        yield Input(placeholder="输入关键词筛选，汉字或拼音首字母都行（如 sy = 生育）", id="filter",
                    max_length=FILTER_MAX)
        yield OptionList(id="flows")
        yield Static("", id="home-empty")
        yield KeyHints()

    def on_mount(self) -> None:
        self.refilter("")
        self.query_one("#filter", Input).focus()
        # After the first paint, so the kiosk shows Home at once and the filter is quick later.
        self.set_timer(0.3, lambda: self.run_worker(warm_up, thread=True, group="pinyin"))

    @property
    def flow_list(self) -> OptionList:
        return self.query_one("#flows", OptionList)

    def refilter(self, query: str) -> None:
        """Show the entries matching ``query``: usable flows first, highlight the first one."""
        self._shown_query = query
        scored = [(e.key.score(query), e) for e in self.entries]
        # Usable flows first, best matches (title before keywords before summary) first,
        # file order otherwise (sort is stable).
        scored.sort(key=lambda se: (se[1].loaded.flow is None, -se[0]))
        shown = [e for score, e in scored if score]
        listing = self.flow_list
        listing.set_options([e.option() for e in shown])
        usable = [i for i, e in enumerate(shown) if e.loaded.flow is not None]
        listing.highlighted = usable[0] if usable else None
        empty = self.query_one("#home-empty", Static)
        if not self.entries:
            empty.update(Text("还没有可用的问题流程。"))
        elif not shown:
            empty.update(Text(f"没有找到和“{query.strip()}”有关的问题。换个词试试，或按 Esc 清空。"))
        else:
            count = len(usable)
            empty.update(Text(f"共 {count} 个问题" + ("" if len(shown) == len(self.entries) else "（已筛选）")))

    @property
    def is_clean(self) -> bool:
        """Nothing typed into the filter (nothing of the last person's left on screen)."""
        return not self.query_one("#filter", Input).value

    def reset(self) -> None:
        """Back to a clean Home (the kiosk calls this between people)."""
        self.query_one("#filter", Input).value = ""
        self.refilter("")
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and not event.option.disabled:
            self.post_message(self.FlowChosen(event.option.id))

    def action_move(self, delta: int) -> None:
        listing = self.flow_list
        if listing.option_count == 0:
            return
        current = listing.highlighted if listing.highlighted is not None else -1
        target = min(max(current + delta, 0), listing.option_count - 1)
        # Skip unavailable flows in the direction of travel; stay put if none is left.
        step = 1 if delta > 0 else -1
        while 0 <= target < listing.option_count and listing.get_option_at_index(target).disabled:
            target += step
        if 0 <= target < listing.option_count:
            listing.highlighted = target

    def action_start(self) -> None:
        query = self.query_one("#filter", Input).value
        if query != self._shown_query:
            # Typed (or pasted) faster than the list caught up: filter first, then start.
            self.refilter(query)
        listing = self.flow_list
        if listing.highlighted is None:
            self.app.bell()
            return
        option = listing.get_option_at_index(listing.highlighted)
        if option.id and not option.disabled:
            self.post_message(self.FlowChosen(option.id))

    def action_clear(self) -> None:
        self.reset()
