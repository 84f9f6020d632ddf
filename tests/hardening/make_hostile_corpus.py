"""Regenerate tests/data/hostile/*.yaml (one failure mode per file, self-describing header).

Run ``python tests/hardening/make_hostile_corpus.py`` after changing a case; it rewrites every
``*.yaml`` of that folder (not ``articles/``). The committed files are what the tests read.
"""
from pathlib import Path

from hardening_helpers import OUTCOMES

OUT = Path(__file__).resolve().parent.parent / "data" / "hostile"

BASE = """id: bad
title: 测试流程
summary: 只用于测试错误信息。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: a
    kind: yesno
    label: 问题A
    text: 问题A？
    next:
      - if: {answer: a, is: yes}
        goto: ok
      - else: nope
""" + OUTCOMES

# A richer flow: every kind of question, asked in order, each routed on.
RICH = """id: bad
title: 测试流程
summary: 只用于测试错误信息。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: insured
    kind: yesno
    label: 参保
    text: 有没有参保？
    unsure: 不确定
    next:
      - if: {answer: insured, is: unsure}
        goto: nope
      - if: {answer: insured, is: yes}
        goto: region
      - else: nope
  - id: region
    kind: choice
    label: 参保地
    text: 在哪里参保？
    options:
      - {value: sh, label: 上海}
      - {value: zj, label: 浙江}
      - {value: other, label: 其他地方}
    next:
      - if: {answer: region, in: [sh, zj]}
        goto: months
      - else: docs
  - id: docs
    kind: multi
    label: 材料
    text: 你有哪些材料？
    options:
      - {value: id_card, label: 身份证}
      - {value: invoice, label: 发票}
    next:
      - if: {count: docs, ge: 1}
        goto: months
      - else: nope
  - id: months
    kind: number
    label: 月数
    text: 交了几个月？
    unit: 个月
    min: 0
    max: 600
    next:
      - if: {answer: months, ge: 12}
        goto: born
      - else: nope
  - id: born
    kind: date
    label: 生育日期
    text: 哪天生的孩子？
    next:
      - if: {answer: born, ge: today-12m}
        goto: ok
      - else: nope
""" + OUTCOMES

MARK = "  # <-"
files: dict[str, bytes] = {}


def mutate(name: str, code: str, words: str, base: str, old: str, new: str, mark: str | None = None,
           count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``base``; put the marker on the first line containing ``mark`` (default:
    the first line of ``new``)."""
    assert old in base, (name, old)
    text = base.replace(old, new, count)
    target = mark if mark is not None else new.split("\n")[0]
    lines = text.split("\n")
    first = base[: base.index(old)].count("\n")  # the marked line is at or after the replacement
    index = next(i for i, line in enumerate(lines) if i >= first and target in line)
    lines[index] += MARK
    write(name, code, words, "\n".join(lines))


def write(name: str, code: str, words: str, body: str, encoding: str = "utf-8", newline: str = "\n",
          prefix: bytes = b"") -> None:
    text = f"# expect: {code}\n# words: {words}\n{body}"
    if not text.endswith("\n"):
        text += "\n"
    files[name] = prefix + text.replace("\n", newline).encode(encoding)


def raw(name: str, data: bytes) -> None:
    files[name] = data


# ------------------------------------------------------------------ YAML syntax at many positions
mutate("syn-unclosed-double-quote-in-text", "yaml-syntax", "引号没有闭合", BASE, "    text: 问题A？", '    text: "问题A？')
mutate("syn-unclosed-single-quote-in-flow-map", "yaml-syntax", "引号", BASE, "    steps: [{what: 去问}]",
       "    steps: [{what: '去问}]")
mutate("syn-bad-indent-in-options", "yaml-syntax", "缩进|结构", RICH, "      - {value: zj, label: 浙江}",
       "     - {value: zj, label: 浙江}")
mutate("syn-colon-in-text", "yaml-syntax", "冒号", BASE, "    text: 问题A？", "    text: 注意: 离职后还能领吗？")
mutate("syn-colon-in-flow-label", "yaml-syntax", "闭合|逗号", RICH, "      - {value: sh, label: 上海}",
       "      - {value: sh, label: 注意: 上海}")
mutate("syn-chinese-comma-in-flow-map", "yaml-syntax", "中文逗号", RICH, "      - {value: sh, label: 上海}",
       "      - {value: sh，label: 上海}")
mutate("syn-stray-dash-in-question", "yaml-syntax", "- ", BASE, "    label: 问题A\n", "    label: 问题A\n    - 多余的一行\n",
       mark="多余的一行")
mutate("syn-stray-dash-in-outcome", "yaml-syntax", "缩进", BASE, "    explanation: 说明。\n    steps: [{what: 去办}]",
       "    explanation: 说明。\n  - 漏写的键\n    steps: [{what: 去办}]", mark="steps:")
mutate("syn-unterminated-flow-map-in-steps", "yaml-syntax", "没有闭合", BASE, "    steps: [{what: 去办}]",
       "    steps: [{what: 去办]")
mutate("syn-unterminated-flow-seq-in-citations", "yaml-syntax", "没有闭合", BASE,
       "    citations: [{doc: sample-law, article: 第一条}]\n  - id: nope",
       "    citations: [{doc: sample-law, article: 第一条}\n  - id: nope")
mutate("syn-extra-closing-bracket", "yaml-syntax", "缩进|“- ”", BASE, "regions: [全国]", "regions: [全国]]")
mutate("syn-missing-colon-after-key", "yaml-syntax", "缺少“: ”", BASE, "    kind: yesno", "    kind yesno")
mutate("syn-missing-space-after-dash", "yaml-syntax", "冒号", BASE, "    kind: yesno\n    label: 问题A",
       "    kind: yesno\n    -label: 问题A: 补充", mark="-label")
mutate("syn-unindented-block-text", "yaml-syntax", "缺少“: ”", BASE, "    text: 问题A？", "    help: |\n第二行没有缩进\n    text: 问题A？",
       mark="第二行没有缩进")
mutate("syn-unknown-escape", "yaml-syntax", "反斜杠", BASE, "    text: 问题A？", '    text: "C:\\Users\\问题"')
mutate("syn-text-after-closing-quote", "yaml-syntax", "缩进|“- ”", BASE, "    text: 问题A？", '    text: "问题A" 补充说明')
mutate("syn-backtick-at-start", "yaml-syntax", "引号括起来", BASE, "    text: 问题A？", "    text: `问题A`")
mutate("syn-at-sign-at-start", "yaml-syntax", "引号括起来", BASE, "    label: 问题A", "    label: @管理员")
mutate("syn-document-end-marker-midway", "yaml-syntax", "提前结束", BASE, "questions:\n", "...\nquestions:\n", mark="...")
mutate("syn-directive-midway", "yaml-syntax", "指令", BASE, "questions:\n", "%YAML 1.1\nquestions:\n", mark="%YAML")
mutate("syn-tab-in-options", "yaml-tab", "制表符", RICH, "      - {value: zj, label: 浙江}", "\t  - {value: zj, label: 浙江}")
mutate("key-complex-mapping", "yaml-key", "键必须是简单的文字", BASE, "title: 测试流程", "? [a, b]\n: 测试流程", mark="? [a, b]")
mutate("key-flow-map", "yaml-key", "键必须是简单的文字", BASE, "    label: 问题A", "    {a: 1}: 问题A")

# ------------------------------------------------------------------ duplicate keys at several depths
mutate("dup-key-root-far-apart", "duplicate-key", "“questions” 重复出现, 第一次在第 9 行", BASE, "outcomes:\n",
       "questions: []\noutcomes:\n", mark="questions: []")
mutate("dup-key-in-question", "duplicate-key", "“text” 重复出现", BASE, "    text: 问题A？", "    text: 问题A？\n    text: 问题B？",
       mark="问题B")
mutate("dup-key-in-flow-condition", "duplicate-key", "“is” 重复出现", BASE, "{answer: a, is: yes}", "{answer: a, is: yes, is: no}")
mutate("dup-key-in-option", "duplicate-key", "“label” 重复出现", RICH, "      - {value: sh, label: 上海}",
       "      - {value: sh, label: 上海, label: 沪}")
mutate("dup-key-in-step", "duplicate-key", "“what” 重复出现", BASE, "    steps: [{what: 去办}]", "    steps: [{what: 去办, what: 再办}]")
mutate("dup-key-in-citation", "duplicate-key", "“doc” 重复出现", BASE, "    citations: [{doc: sample-law, article: 第一条}]\n  - id: nope",
       "    citations:\n      - doc: sample-law\n        doc: missing-doc\n        article: 第一条\n  - id: nope", mark="doc: missing-doc")
mutate("dup-key-inside-all", "duplicate-key", "“answer” 重复出现", RICH, "{answer: months, ge: 12}",
       "{all: [{answer: months, answer: region, ge: 12}]}")
mutate("dup-key-quoted-and-plain", "duplicate-key", "“summary” 重复出现", BASE, 'version: "1.0"', '"summary": 又一个简介\nversion: "1.0"',
       mark='"summary"')
mutate("dup-key-number-and-string", "duplicate-key", "“1” 重复出现", BASE, 'version: "1.0"', '1: 一\n"1": 二\nversion: "1.0"',
       mark='"1"')

# ------------------------------------------------------------------ wrong types where the schema has types
mutate("type-version-number", "schema", "应该是文字, 引号", BASE, 'version: "1.0"', "version: 1.0")
mutate("type-regions-map", "schema", "“regions” 应该是列表", BASE, "regions: [全国]", "regions: {全国: 是}")
mutate("type-regions-null", "schema", "“regions” 是空的", BASE, "regions: [全国]", "regions:")
mutate("type-text-boolean", "schema", "“text” 应该是文字, 引号", BASE, "    text: 问题A？", "    text: yes")
mutate("type-label-list", "schema", "“label” 应该是文字", BASE, "    label: 问题A", "    label: [问题A]")
mutate("type-options-map", "schema", "“options” 应该是列表", RICH, "    options:\n      - {value: sh, label: 上海}\n      - {value: zj, label: 浙江}\n      - {value: other, label: 其他地方}",
       "    options: {sh: 上海, zj: 浙江}")
mutate("type-min-quoted", "schema", "“min” 应该是数字", RICH, "    min: 0", '    min: "0"')
mutate("type-max-scientific", "schema", "“max” 应该是数字, 1.0e", RICH, "    max: 600", "    max: 6e2")
mutate("type-integer-string", "schema", "“integer” 应该是true/false", RICH, "    unit: 个月", '    unit: 个月\n    integer: "true"', mark="integer")
mutate("type-goto-number", "schema", "“goto” 应该是文字", BASE, "        goto: ok", "        goto: 12")
mutate("type-else-list", "schema", "“else” 应该是文字", BASE, "      - else: nope", "      - else: [nope]")
mutate("type-if-string", "schema", "“if” 应该是一组“键: 值”", BASE, "      - if: {answer: a, is: yes}", '      - if: "a == yes"')
mutate("type-all-map", "schema", "“all” 应该是列表", RICH, "{answer: months, ge: 12}", "{all: {answer: months, ge: 12}}")
mutate("type-not-list", "schema", "“not” 应该是一组“键: 值”", RICH, "{answer: months, ge: 12}", "{not: [{answer: months, lt: 12}]}")
mutate("type-is-list", "schema", "“is” 应该是文字 或 数字 或 true/false", BASE, "{answer: a, is: yes}", "{answer: a, is: [yes]}")
mutate("type-steps-map", "schema", "“steps” 应该是列表", BASE, "    steps: [{what: 去办}]", "    steps: {what: 去办}")
mutate("type-materials-string", "schema", "“materials” 应该是列表", BASE, "    steps: [{what: 去办}]", "    steps: [{what: 去办, materials: 身份证}]")
mutate("type-citations-null", "schema", "“citations” 是空的", BASE, "    citations: [{doc: sample-law, article: 第一条}]\n  - id: nope",
       "    citations:\n  - id: nope", mark="    citations:")
mutate("type-paragraph-string", "schema", "“paragraph” 应该是整数", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       '[{doc: sample-law, article: 第一条, paragraph: "1"}]\n  - id: nope', mark="paragraph")
mutate("type-paragraph-zero", "schema", "不能小于 1", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law, article: 第一条, paragraph: 0}]\n  - id: nope", mark="paragraph")
mutate("type-verdict-boolean", "schema", "“verdict” 的值 True 不在允许的范围内", BASE, "    verdict: 可以", "    verdict: yes")
mutate("type-kind-number", "schema", "“kind” 的值 1 不在允许的范围内", BASE, "    kind: yesno", "    kind: 1")
mutate("type-months-between-number", "schema", "第 2 项 应该是文字 或 today", RICH, "{answer: born, ge: today-12m}",
       "{months_between: [born, 12], le: 12}")
mutate("type-difference-three-items", "schema", "最多只能有 2 项", RICH, "{answer: months, ge: 12}",
       "{difference: [months, months, months], ge: 12}")
mutate("type-condition-without-operator", "schema", "缺少这些键之一：is", BASE, "{answer: a, is: yes}", "{answer: a}")
mutate("type-condition-two-operators", "schema", "最多只能有 2 个键", RICH, "{answer: months, ge: 12}", "{answer: months, ge: 12, lt: 24}")
mutate("type-condition-typo-nested", "schema", "不认识的键：gte", RICH, "{answer: months, ge: 12}",
       "{any: [{not: {all: [{answer: months, gte: 12}]}}]}")
mutate("type-next-number", "schema", "“next” 应该是文字 或 列表", BASE, "    next:\n      - if: {answer: a, is: yes}\n        goto: ok\n      - else: nope",
       "    next: 5")
write("type-root-is-a-list", "schema", "应该是一组“键: 值”", "- id: bad  # <-\n- title: 测试流程\n")
raw("type-empty-file", "# expect: schema  # <-\n# words: 应该是一组“键: 值”\n".encode())

# ------------------------------------------------------------------ every meaning check in new shapes
mutate("cycle-of-three", "cycle", "绕回, region → months → region", RICH, "{answer: months, ge: 12}\n        goto: born",
       "{answer: months, ge: 12}\n        goto: region", mark="{answer: months, ge: 12}")
mutate("cycle-self", "cycle", "绕回, months → months", RICH, "      - if: {answer: months, ge: 12}\n        goto: born\n      - else: nope",
       "      - if: {answer: months, ge: 12}\n        goto: months\n      - else: born")
mutate("unreachable-chain", "unreachable", "从开始走不到", RICH, "      - if: {answer: region, in: [sh, zj]}\n        goto: months\n      - else: docs",
       "      - if: {answer: region, in: [sh, zj]}\n        goto: months\n      - else: months", mark="  - id: docs")
mutate("unknown-question-nested", "unknown-question", "不存在的问题 “monthz”, 是不是想写 “months”", RICH, "{answer: months, ge: 12}",
       "{any: [{not: {all: [{answer: region, is: sh}, {answer: monthz, ge: 12}]}}]}")
mutate("not-yet-asked-in-sum", "not-yet-asked", "还没有问过它", RICH, "{answer: born, ge: today-12m}",
       "{any: [{answer: born, ge: today-12m}, {count: docs, ge: 2}]}")
mutate("not-yet-asked-months-between", "not-yet-asked", "还没有问过", RICH, "{answer: months, ge: 12}",
       "{months_between: [born, today], le: 12}")
mutate("value-not-offered-inside-not", "value-not-offered", "没有选项 “bj”, 可选的值", RICH, "{answer: region, in: [sh, zj]}",
       "{not: {answer: region, not_in: [sh, bj]}}")
mutate("value-not-offered-includes-all", "value-not-offered", "没有选项 “passport”", RICH, "{count: docs, ge: 1}",
       "{answer: docs, includes_all: [id_card, passport]}")
mutate("type-mismatch-date-vs-number-in-any", "type-mismatch", "只能和日期比较", RICH, "{answer: born, ge: today-12m}",
       "{any: [{answer: born, ge: 12}, {answer: born, lt: today}]}")
mutate("type-mismatch-count-on-choice", "type-mismatch", "count 只能用于多选题", RICH, "{answer: region, in: [sh, zj]}",
       "{count: region, ge: 1}")
mutate("type-mismatch-sum-of-dates", "type-mismatch", "算术只能用于数字问题", RICH, "{answer: born, ge: today-12m}",
       "{sum: [born, months], ge: 12}")
mutate("type-mismatch-yesno-quoted", "type-mismatch", "只能和 yes 或 no 比较", RICH, "{answer: insured, is: yes}", '{answer: insured, is: "yes"}')
mutate("unsure-not-offered-in-list", "unsure-not-offered", "没有提供“不确定”", RICH, "{answer: region, in: [sh, zj]}",
       "{answer: region, in: [sh, unsure]}")
mutate("fall-through-choice-lists", "fall-through", "一条都不成立", RICH, "      - if: {answer: region, in: [sh, zj]}\n        goto: months\n      - else: docs",
       "      - if: {answer: region, in: [sh]}\n        goto: months\n      - if: {answer: region, in: [zj]}\n        goto: docs",
       mark="in: [zj]")
mutate("else-not-last-in-middle", "else-not-last", "else 后面还有分支", RICH, "      - if: {answer: insured, is: yes}\n        goto: region\n      - else: nope",
       "      - else: nope\n      - if: {answer: insured, is: yes}\n        goto: region", mark="- else: nope")
mutate("unknown-target-typo", "unknown-target", "“borm” 不存在, 是不是想写 “born”", RICH, "        goto: born", "        goto: borm")
mutate("unknown-start-typo", "unknown-start", "不存在, 是不是想写 “region”", RICH, "questions:\n", "start: regoin\nquestions:\n", mark="start: regoin")
mutate("duplicate-id-question-and-outcome", "duplicate-id", "已经用过了", RICH, "  - id: ok\n", "  - id: months\n", mark="  - id: months\n".strip())
mutate("dead-end-last-question", "dead-end", "没有 next", RICH, "    next:\n      - if: {answer: born, ge: today-12m}\n        goto: ok\n      - else: nope\n",
       "    next:\n      - if: {answer: born, ge: today-12m}\n        goto: ok\n      - else: nope\n  - id: extra\n    kind: yesno\n    text: 多余？\n",
       mark="  - id: extra")
mutate("bad-range-dates", "bad-range", "earliest 比 latest 晚", RICH, "    text: 哪天生的孩子？", "    text: 哪天生的孩子？\n    earliest: today\n    latest: today-1y",
       mark="earliest")
mutate("bad-range-nan", "bad-range", ".nan", RICH, "    min: 0", "    min: .nan")
mutate("bad-date-updated-quoted", "bad-date", "2026-02-30 不存在", BASE, "updated: 2026-11-23", 'updated: "2026-02-30"')
mutate("bad-date-in-condition", "bad-date", "2023-02-29 不存在", RICH, "{answer: born, ge: today-12m}", "{answer: born, ge: 2023-02-29}")
mutate("bad-date-earliest-month-13", "bad-date", "2025-13-01 不存在", RICH, "    text: 哪天生的孩子？", "    text: 哪天生的孩子？\n    earliest: 2025-13-01",
       mark="earliest")
mutate("duplicate-option-in-multi", "duplicate-option", "两个选项的值", RICH, "      - {value: invoice, label: 发票}", "      - {value: id_card, label: 发票}")
mutate("unknown-paragraph-nine", "unknown-paragraph", "没有第 9 款", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law, article: 第一条, paragraph: 9}]\n  - id: nope", mark="paragraph")
mutate("unknown-item-nine", "unknown-item", "没有以 “（九）” 开头的项", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law, article: 第二条, item: （九）}]\n  - id: nope", mark="item")
mutate("unknown-document-plural", "unknown-document", "没有文件 “sample-laws”, 是不是想写 “sample-law”", BASE,
       "[{doc: sample-law, article: 第一条}]\n  - id: nope", "[{doc: sample-laws, article: 第一条}]\n  - id: nope", mark="sample-laws")
mutate("unknown-article-arabic-digits", "unknown-article", "没有 “第1条”", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law, article: 第1条}]\n  - id: nope", mark="第1条")
mutate("unknown-article-fullwidth-space", "unknown-article", "没有 “第一条\u3000”, 是不是想写 “第一条”", BASE,
       "[{doc: sample-law, article: 第一条}]\n  - id: nope", "[{doc: sample-law, article: \"第一条\u3000\"}]\n  - id: nope",
       mark="article:")
mutate("quote-not-held-with-article", "quote-not-held", "原文没有收录", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: missing-doc, article: 第一条, quote: 用人单位已经缴纳生育保险费的}]\n  - id: nope", mark="missing-doc")
mutate("quote-without-article", "quote-without-article", "哪一条", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law, quote: 用人单位已经缴纳生育保险费的}]\n  - id: nope", mark="quote:")

# ------------------------------------------------------------------ quotes that differ by one character or by width
QUOTE_OLD = "[{doc: sample-law, article: 第一条}]\n  - id: nope"
for name, article, quote, words in [
    ("quote-one-character-dropped", "第一条", "用人单位已经缴生育保险费的", "不一致, 缴纳"),
    ("quote-traditional-character", "第一条", "用人单位已经缴纳生育保险费的，其職工享受生育保险待遇。", "不一致, 职工"),
    ("quote-fullwidth-colon", "第二条", "下列医疗费用不纳入基金支付范围：", "全角/半角"),
    ("quote-halfwidth-semicolon", "第二条", "（一）应当从工伤保险基金中支付的;", "全角/半角"),
    ("quote-halfwidth-parentheses", "第二条", "(一)应当从工伤保险基金中支付的；", "全角/半角"),
    ("quote-halfwidth-full-stop", "第一条", "其职工享受生育保险待遇.", "全角/半角"),
    ("quote-inserted-space", "第一条", "用人单位已经缴纳 生育保险费的", "不一致"),
    ("quote-zero-width-inside", "第一条", "用人单位已经缴纳\u200b生育保险费的", "不一致, 第 9 个字是看不见的字符 U\\+200B"),
]:
    mutate(name, "quote-not-verbatim", words, BASE, QUOTE_OLD,
           f"[{{doc: sample-law, article: {article}, quote: '{quote}'}}]\n  - id: nope", mark="quote:")

# ------------------------------------------------------------------ aliases and bombs
lol = ["lol0: &a0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]"]
for i in range(1, 12):
    lol.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
lol[1] += MARK
write("alias-billion-laughs", "yaml-alias", "锚点和别名", "\n".join(lol) + "\n" + BASE)
write("alias-merge-key", "yaml-alias", "锚点和别名", BASE.replace("  - id: nope\n", "  - <<: *ok  # <-\n    id: nope\n").replace("  - id: ok\n", "  - &ok\n    id: ok\n"))
mutate("alias-in-flow-sequence", "yaml-alias", "锚点和别名", BASE, "regions: [全国]", "regions: &r [全国]\ntags: [*r, *r]", mark="tags:")
quadratic = "big: &big [" + ", ".join(["很长的一段文字"] * 2000) + "]\n" + "refs: [" + ", ".join(["*big"] * 2000) + "]  # <-\n"
write("alias-quadratic-blowup", "yaml-alias", "锚点和别名", quadratic + BASE)
mutate("alias-as-key", "yaml-alias", "锚点和别名", BASE, "title: 测试流程", "title: &t 测试流程\n*t : 别名当键", mark="*t :")
mutate("alias-undefined", "yaml-alias", "锚点和别名", BASE, "    text: 问题A？", "    text: *nothing")
mutate("alias-self-referencing", "yaml-alias", "锚点和别名", BASE, "regions: [全国]", "regions: &loop [全国, *loop]")

# ------------------------------------------------------------------ tags
mutate("tag-python-object-apply", "yaml-tag", "标签", BASE, "    text: 问题A？", '    text: !!python/object/apply:os.system ["echo pwned"]')
mutate("tag-on-a-key", "yaml-tag", "标签", BASE, "    label: 问题A", "    !!binary bGFiZWw=: 问题A")

# ------------------------------------------------------------------ deep nesting and big numbers
write("deep-brackets-10k", "yaml-too-deep", "嵌套超过", "a: " + "[" * 10_000 + "]" * 10_000 + MARK + "\n")
write("deep-braces-10k", "yaml-too-deep", "嵌套超过", "a: " + "{b: " * 10_000 + "1" + "}" * 10_000 + MARK + "\n")
write("deep-unclosed-brackets-10k", "yaml-too-deep", "嵌套超过", "a: " + "[" * 10_000 + MARK + "\n")
write("deep-block-indentation", "yaml-too-deep", "嵌套超过",
      "".join("  " * i + f"k{i}:" + (MARK if i == 64 else "") + "\n" for i in range(120)) + "  " * 120 + "end: 1\n")
mutate("number-too-long", "yaml-too-big", "数字太长", RICH, "    max: 600", "    max: " + "9" * 150)
mutate("number-base60-chain", "yaml-too-big", "数字太长", RICH, "    max: 600", "    max: 1" + ":59" * 5000)
mutate("bad-date-february-30", "bad-date", "2026-02-30 不存在", BASE, "updated: 2026-11-23", "updated: 2026-02-30")

# ------------------------------------------------------------------ control characters
mutate("control-escape-sequence-in-quotes", "control-char", "U\\+001B", BASE, "    text: 问题A？", '    text: "问题A\\e[2J\\e[H"')
mutate("control-bidi-override", "control-char", "U\\+202E, 显示顺序", BASE, "    label: 问题A", '    label: "问题A\\u202e否是"')
mutate("control-c1-csi", "control-char", "U\\+009B", BASE, "    text: 问题A？", '    text: "问题A\\x9b31m"')
mutate("control-nul-escape", "control-char", "U\\+0000", BASE, "title: 测试流程", 'title: "测试\\0流程"')
body = BASE.replace("title: 测试流程", "title: 测试\x1b[31m流程" + MARK)
write("control-raw-escape-byte", "control-char", "U\\+001B", body)
body = BASE.replace("summary: 只用于测试错误信息。", "summary: 只用于\x00测试。" + MARK)
write("control-raw-nul-byte", "control-char", "U\\+0000", body)

# ------------------------------------------------------------------ encodings, BOMs and line ends
gbk = BASE.replace("title: 测试流程", "title: 测试流程" + MARK)
write("encoding-gbk", "not-utf8", "UTF-8, GBK", gbk, encoding="gbk")
latin = ("# expect: not-utf8\n# words: UTF-8\n" + BASE.replace("title: 测试流程", "title: café" + MARK)).encode("utf-8")
raw("encoding-latin1", latin.replace("café".encode(), "café".encode("latin-1")))
cont = ("# expect: not-utf8\n# words: 0x80\n" + BASE.replace("summary: 只用于测试错误信息。", "summary: X" + MARK)).encode()
raw("encoding-lone-continuation-byte", cont.replace(b"summary: X", b"summary: \x80"))
over = ("# expect: not-utf8\n# words: 0xc0\n" + BASE.replace("    label: 问题A", "    label: X" + MARK)).encode()
raw("encoding-overlong-slash", over.replace(b"label: X", b"label: \xc0\xaf"))
sur = ("# expect: not-utf8\n# words: 0xed\n" + BASE.replace("    text: 问题A？", "    text: X" + MARK)).encode()
raw("encoding-surrogate-half", sur.replace(b"text: X", b"text: \xed\xa0\x80"))
trunc = ("# expect: not-utf8\n# words: UTF-8\n" + BASE + "# 截断" + MARK.strip()).encode()
raw("encoding-truncated-at-end", trunc[:trunc.rindex("截".encode())] + "截".encode()[:2] + b"  # <-\n")
utf16 = "# expect: not-utf8  # <-\n# words: UTF-16\n" + BASE
raw("encoding-utf16le-bom", b"\xff\xfe" + utf16.encode("utf-16-le"))
raw("encoding-utf16be-bom", b"\xfe\xff" + utf16.encode("utf-16-be"))
raw("encoding-utf16le-no-bom", utf16.encode("utf-16-le"))
utf32 = "# expect: not-utf8  # <-\n# words: UTF-32\n" + BASE
raw("encoding-utf32-bom", utf32.encode("utf-32"))
# A UTF-8 BOM and CRLF are accepted: these files fail later, on the marked line, which must be counted right.
bom = BASE.replace("        goto: ok", "        goto: okk" + MARK)
write("bom-utf8-then-unknown-target", "unknown-target", "“okk” 不存在", bom, prefix=b"\xef\xbb\xbf")
crlf = BASE.replace("        goto: ok", "        goto: okk" + MARK)
write("crlf-then-unknown-target", "unknown-target", "“okk” 不存在", crlf, newline="\r\n")
write("cr-only-then-unknown-target", "unknown-target", "“okk” 不存在", crlf, newline="\r")

# ------------------------------------------------------------------ invisible and full-width look-alikes in ids
mutate("confusable-fullwidth-goto", "confusable-id", "全角字符 “ｏ”, 第 15 列", BASE, "        goto: ok", "        goto: ｏｋ")
mutate("confusable-zero-width-goto", "confusable-id", "U\\+200B, 零宽空格, 第 17 列", BASE, "        goto: ok", "        goto: ok\u200b")
mutate("confusable-zero-width-question-id", "confusable-id", "U\\+200B, 第 10 列", BASE, "  - id: a\n", "  - id: a\u200b\n", mark="id: a\u200b")
mutate("confusable-fullwidth-answer", "confusable-id", "全角字符 “ａ”", BASE, "{answer: a, is: yes}", "{answer: ａ, is: yes}")
mutate("confusable-nbsp-else", "confusable-id", "不换行空格", BASE, "      - else: nope", "      - else: nope\u00a0")
mutate("confusable-cyrillic-o-outcome-id", "confusable-id", "CYRILLIC", BASE, "  - id: ok\n", "  - id: оk\n", mark="id: оk")
mutate("confusable-fullwidth-start", "confusable-id", "全角字符 “ａ”", BASE, "questions:\n", "start: ａ\nquestions:\n", mark="start:")
mutate("confusable-zero-width-option-value", "confusable-id", "U\\+200B", RICH, "      - {value: sh, label: 上海}",
       "      - {value: \"sh\\u200b\", label: 上海}")
mutate("confusable-bom-inside-goto", "confusable-id", "U\\+FEFF", BASE, "        goto: ok", "        goto: o\ufeffk")
mutate("confusable-fullwidth-value-in-condition", "value-not-offered", "全角字符, 是不是想写 “sh”", RICH,
       "{answer: region, in: [sh, zj]}", "{answer: region, in: [ｓｈ, zj]}")
mutate("confusable-ideographic-space-in-doc", "confusable-id", "全角空格", BASE, "[{doc: sample-law, article: 第一条}]\n  - id: nope",
       "[{doc: sample-law\u3000, article: 第一条}]\n  - id: nope", mark="law\u3000")

# ------------------------------------------------------------------ odds and ends
mutate("merge-key-without-alias", "schema", "不认识的键：<<", BASE, "title: 测试流程", "title: 测试流程\n<<: {summary: 合并}", mark="<<")

OUT.mkdir(parents=True, exist_ok=True)
for old in OUT.glob("*.yaml"):
    old.unlink()
for name, data in files.items():
    (OUT / f"{name}.yaml").write_bytes(data)
print(len(files), "files")
