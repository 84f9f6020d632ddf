"""Fixed wording of the app (titles, hints, the disclaimer) in one place, so it reads consistently."""

from __future__ import annotations

from ..model import DISCLAIMER as DISCLAIMER  # shown on every outcome; the core owns the wording

APP_TITLE = "医保问答 · 看看政策怎么说"

HOME_INTRO = "选一个你想问的问题，回答几个简单的问题，就能看到结论和它依据的法规原文。"

CRASH_MESSAGE = (
    "很抱歉，程序出了意外，已经退出。你的回答没有被保存或发送。请重新打开再试一次。\n"
    "Sorry, the wizard hit an unexpected error and closed. Please start it again."
)
"""Shown instead of a traceback (which would print program internals to a visitor's terminal)."""

KIOSK_OUTCOME_NOTE = "看完后按 F5 重新开始；{seconds} 秒没有操作会自动回到首页并清除你的回答。"

NO_WHAT_IF = "（暂时无法计算“如果当时选别的”会怎样。）"

HELP_KEYS = """\
怎么操作（只用键盘就行）：
  ↑ ↓        在选项之间移动
  1–9        直接选第几个选项（多选题里是勾选/取消）
  空格       多选题里勾选/取消
  Enter      确定
  Esc        回到上一题
  F1 或 ?    看这一题的说明
  F2         看已经回答的问题，可以修改
  F5         重新开始这个问题
  F9         回到首页
  F4         切换浅色/深色
鼠标也可以点。"""
