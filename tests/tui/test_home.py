"""Home: listing, filtering by 汉字 and pinyin, starting a flow, and broken flows shown as unavailable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import OptionList

from wizard.loader import Library, load_library
from wizard.tui.screens.home import HomeScreen
from wizard.tui.search import SearchKey

from .conftest import EXAMPLE_ARTICLES, EXAMPLE_FLOW, make_app, on_question, plain, screen_text


def test_search_matches_hanzi_full_pinyin_and_initials() -> None:
    """A flow is found by its characters, its pinyin and its pinyin initials, in any case or width."""
    key = SearchKey.of("离职后还能领生育津贴吗", "摘要", ["产假"])
    for query in ("生育", "shengyu", "sy", "SY", "ｓｙ", "lz sy", "cj"):
        assert key.matches(query), query
    assert not key.matches("ydjy")


def test_search_ranks_title_matches_first_and_ignores_initials_in_summaries() -> None:
    """A title match outranks a summary match, and pinyin initials never match a summary."""
    title = SearchKey.of("离职后还能领生育津贴吗")
    summary = SearchKey.of("新生儿怎么参保", "宝宝出生后生育津贴怎么领")
    assert title.score("生育") > summary.score("生育") > 0
    assert summary.score("bb") == 0 and summary.score("baobao") > 0


async def test_home_lists_flows_with_summary(example_library: Library) -> None:
    """Home lists every usable flow with its title and one-line summary."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        listing = app.screen.query_one("#flows", OptionList)
        assert listing.option_count == 1
        prompt = plain(listing.get_option_at_index(0).prompt)
        assert "示例：生完孩子还能领津贴吗" in prompt and "测试用的小流程" in prompt


async def test_typing_pinyin_initials_filters_and_enter_starts(example_library: Library) -> None:
    """Typing pinyin initials keeps the matching flow, nonsense empties the list, Enter starts the match."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = app.screen.query_one("#flows", OptionList)
        await pilot.press("x", "y", "z", "q")
        assert listing.option_count == 0
        assert "没有找到" in screen_text(app)
        await pilot.press("escape")  # clears the filter
        await pilot.press("s", "l")  # 示例 → shi li
        assert listing.option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert on_question(app)
        assert app.state is not None and app.state.flow.id == "example"


async def test_broken_flow_is_listed_unavailable_with_its_first_error(tmp_path: Path) -> None:
    """A broken flow file beside a good one is listed as unavailable with file:line and message, and cannot start."""
    shutil.copy(EXAMPLE_FLOW, tmp_path / "example.yaml")
    (tmp_path / "broken.yaml").write_text(
        "id: broken\ntitle: 坏掉的流程\nsummary: x\nversion: '1'\nupdated: 2026-01-01\n"
        "regions: [全国]\nquestions:\n  - id: q\n    kind: nonsense\n", "utf-8")
    library = load_library([tmp_path], EXAMPLE_ARTICLES)
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#flows", OptionList)
        assert listing.option_count == 2
        broken = listing.get_option_at_index(1)
        text = plain(broken.prompt)
        assert broken.disabled
        assert "暂不可用" in text and "坏掉的流程" in text and "broken.yaml:" in text
        await pilot.press("down", "down", "enter")  # the broken one is skipped
        await pilot.pause()
        assert app.state is not None and app.state.flow.id == "example"


async def test_no_flows_says_so(tmp_path: Path) -> None:
    """An empty flows folder gives a Home that says there is nothing to choose, not a crash."""
    library = load_library([tmp_path], EXAMPLE_ARTICLES)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert app.state is None
        assert "还没有可用的" in screen_text(app)


def test_run_app_with_an_unknown_flow_says_so_and_returns_1(capsys: pytest.CaptureFixture[str]) -> None:
    """`run_app` with a flow id that does not exist prints the core's message and returns 1 without starting."""
    from wizard.tui.app import run_app

    assert run_app("no-such-flow", EXAMPLE_FLOW) == 1
    assert "no-such-flow" in capsys.readouterr().err


async def test_starting_with_a_flow_opens_its_first_question_over_home(example_library: Library) -> None:
    """An app started with a flow id shows that flow's first question, with Home one Esc away."""
    app = make_app(example_library, flow_id="example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert on_question(app) and app.state is not None and app.state.node == "insured"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
