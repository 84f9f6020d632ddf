"""Meaning checks of flows and article documents: small functions that yield problems.

Every check is registered in :data:`FLOW_CHECKS` and all run on every flow; the caller
chooses to show every problem or stop at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import conditions as cnd
from .citations import diagnose, quote_holds
from .conditions import Comparison
from .errors import Problem, Severity
from .model import UNSURE, Corpus, Flow, Kind, LawDocument, Question, Status, resolve_date
from .yamlload import Document, JsonPath, format_path, odd_character

_DATE_LITERAL = re.compile(r"^(\d{4}-\d{2}-\d{2}|today([+-]\d{1,4}[dmy])?)$")


@dataclass
class Context:
    """What a flow check sees: the flow, its source positions and the corpus."""

    flow: Flow
    doc: Document
    corpus: Corpus

    def problem(self, code: str, path: JsonPath, message: str, hint: str = "",
                severity: Severity = Severity.ERROR, key: bool = False) -> Problem:
        line, col = self.doc.positions.at(path, key=key)
        return Problem(code, message, hint, self.doc.file, line, col, format_path(path), severity)

    @cached_property
    def node_ids(self) -> list[str]:
        return list(self.flow.questions) + list(self.flow.outcomes)

    def suggest(self, wrong: str, choices: list[str]) -> str:
        odd = odd_character(wrong)
        if odd is not None:
            visible = "".join(ch for ch in unicodedata.normalize("NFKC", wrong) if odd_character(ch) is None and not ch.isspace())
            note = f"“{wrong}” 的第 {odd[0] + 1} 个字符是{odd[1]}。"
            return note + (f"是不是想写 “{visible}”？" if visible in choices else "")
        close = difflib.get_close_matches(wrong, choices, n=1)
        return f"是不是想写 “{close[0]}”？" if close else ""

    @cached_property
    def edges(self) -> dict[str, list[str]]:
        return {q.id: [r.goto for r in q.rules if r.goto in self.flow.questions or r.goto in self.flow.outcomes]
                for q in self.flow.questions.values()}

    @cached_property
    def reachable(self) -> set[str]:
        seen: set[str] = set()
        stack = [self.flow.start] if self.flow.start in self.flow.questions else []
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(self.edges.get(n, ()))
        return seen

    @cached_property
    def cycle(self) -> list[str] | None:
        """One cycle among reachable nodes, as a list of node ids, or None."""
        state: dict[str, int] = {}
        trail: list[str] = []

        def visit(n: str) -> list[str] | None:
            state[n] = 1
            trail.append(n)
            for m in self.edges.get(n, ()):
                if state.get(m) == 1:
                    return trail[trail.index(m):] + [m]
                if m not in state:
                    found = visit(m)
                    if found:
                        return found
            trail.pop()
            state[n] = 2
            return None

        for n in self.flow.questions:
            if n not in state:
                found = visit(n)
                if found:
                    return found
        return None

    @cached_property
    def asked_before(self) -> dict[str, frozenset[str]]:
        """For each reachable node, the questions answered on every path from the start to it."""
        if self.cycle is not None:
            return {}
        order: list[str] = []
        seen: set[str] = set()

        def post(n: str) -> None:
            seen.add(n)
            for m in self.edges.get(n, ()):
                if m not in seen:
                    post(m)
            order.append(n)

        if self.flow.start in self.flow.questions:
            post(self.flow.start)
        result: dict[str, frozenset[str]] = {}
        for n in reversed(order):
            if n == self.flow.start:
                result[n] = frozenset()
        for n in reversed(order):
            before = result.get(n)
            if before is None:
                continue
            for m in self.edges.get(n, ()):
                carried = before | {n}
                result[m] = carried if m not in result else result[m] & carried
        return result


FlowCheck = Callable[[Context], Iterator[Problem]]
FLOW_CHECKS: list[FlowCheck] = []


def flow_check(fn: FlowCheck) -> FlowCheck:
    FLOW_CHECKS.append(fn)
    return fn


@flow_check
def duplicate_ids(ctx: Context) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for section in ("questions", "outcomes"):
        for i, item in enumerate(ctx.doc.data[section]):
            node_id = item["id"]
            if node_id in seen:
                yield ctx.problem("duplicate-id", (section, i, "id"),
                                  f"id “{node_id}” 已经用过了（第 {seen[node_id]} 行）。",
                                  "问题和结论的 id 必须各不相同；改掉其中一个。")
            else:
                seen[node_id] = ctx.doc.positions.at((section, i, "id"))[0]


@flow_check
def start_exists(ctx: Context) -> Iterator[Problem]:
    if ctx.flow.start not in ctx.flow.questions:
        yield ctx.problem("unknown-start", ("start",), f"开始问题 “{ctx.flow.start}” 不存在。",
                          ctx.suggest(ctx.flow.start, list(ctx.flow.questions)) or "start 必须是某个问题的 id。")


@flow_check
def targets_exist(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        for rule in q.rules:
            if rule.goto not in ctx.flow.questions and rule.goto not in ctx.flow.outcomes:
                field = "else" if rule.is_else else "goto"
                path = rule.path + (field,) if isinstance(rule.path[-1], int) else rule.path
                hint = ctx.suggest(rule.goto, ctx.node_ids) or "goto/else 必须是某个问题或结论的 id。"
                yield ctx.problem("unknown-target", path, f"跳转目标 “{rule.goto}” 不存在。", hint)


@flow_check
def dead_ends(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        if not q.rules:
            yield ctx.problem("dead-end", q.path + ("id",),
                              f"问题 “{q.id}” 没有 next，回答后无处可去。",
                              "加上 next: 指向下一个问题或结论的 id。")


@flow_check
def rules_order(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        for rule in q.rules[:-1]:
            if rule.is_else and len(q.rules) > 1:
                yield ctx.problem("else-not-last", rule.path,
                                  "else 后面还有分支，这些分支永远不会用到。",
                                  "把 else 放到最后一条。")
                break


@flow_check
def fall_through(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        if len(q.rules) < 2 and (not q.rules or q.rules[0].is_else):
            continue
        if q.rules[-1].is_else:
            continue
        if _exhaustive(q):
            continue
        last = q.rules[-1]
        yield ctx.problem("fall-through", last.path,
                          f"问题 “{q.id}” 的分支可能一条都不成立，这时流程会卡住。",
                          "在最后加一条 - else: <问题或结论 id>，或让分支覆盖每一个回答。")


def _exhaustive(q: Question) -> bool:
    """True when the rules are plain tests of q's own answer that cover every finite answer."""
    if q.kind not in (Kind.YESNO, Kind.CHOICE):
        return False
    covered: set[object] = set()
    for rule in q.rules:
        c = rule.when
        if not (isinstance(c, Comparison) and c.subject == "answer" and c.args == (q.id,)
                and c.op in ("is", "in")):
            return False
        covered.update(c.value if c.op == "in" else (c.value,))
    return all(value in covered for value, _ in q.choices())


@flow_check
def cycles(ctx: Context) -> Iterator[Problem]:
    cycle = ctx.cycle
    if cycle:
        last = ctx.flow.questions[cycle[-2]]
        rule = next(r for r in last.rules if r.goto == cycle[-1])
        yield ctx.problem("cycle", rule.path, f"流程绕回了前面的问题：{' → '.join(cycle)}。",
                          "问答流程不能循环；让这个分支指向后面的问题或一个结论。")


@flow_check
def unreachable(ctx: Context) -> Iterator[Problem]:
    if ctx.flow.start not in ctx.flow.questions:
        return
    for q in ctx.flow.questions.values():
        if q.id not in ctx.reachable:
            yield ctx.problem("unreachable", q.path + ("id",), f"问题 “{q.id}” 从开始走不到。",
                              "让前面某个问题的 next 指向它，或者删掉它。")
    for o in ctx.flow.outcomes.values():
        if o.id not in ctx.reachable:
            yield ctx.problem("unreachable", o.path + ("id",), f"结论 “{o.id}” 从开始走不到。",
                              "让某个问题的 next 指向它，或者删掉它。")


@flow_check
def condition_references(ctx: Context) -> Iterator[Problem]:
    before = ctx.asked_before
    for q in ctx.flow.questions.values():
        allowed = (before[q.id] | {q.id}) if q.id in before else None
        for rule in q.rules:
            if rule.when is None:
                continue
            for c in cnd.comparisons(rule.when):
                for ref in c.questions():
                    if ref not in ctx.flow.questions:
                        hint = ctx.suggest(ref, list(ctx.flow.questions)) or "条件里只能用本流程里问题的 id。"
                        yield ctx.problem("unknown-question", c.path + (c.subject,),
                                          f"条件用到了不存在的问题 “{ref}”。", hint)
                    elif allowed is not None and ref not in allowed:
                        yield ctx.problem(
                            "not-yet-asked", c.path + (c.subject,),
                            f"条件用到了问题 “{ref}” 的回答，但在某些路线上走到 “{q.id}” 时还没有问过它。",
                            f"把 “{ref}” 放到 “{q.id}” 之前的每条路线上，或者改用已经问过的问题。")


def _type_problem(ctx: Context, c: Comparison, message: str, hint: str) -> Problem:
    return ctx.problem("type-mismatch", c.path + (c.op,), message, hint)


@flow_check
def condition_types(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        for rule in q.rules:
            if rule.when is None:
                continue
            for c in cnd.comparisons(rule.when):
                yield from _check_comparison(ctx, c)


def _is_number(v: object) -> bool:
    """A real number to compare with: not a bool, and not NaN (``.nan`` never compares true)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) \
        and not (isinstance(v, float) and math.isnan(v))


_DATE_HINT = "改成两个日期问题的 id 或 today。"
_NUMBER_HINT = "只把数字问题的 id 或数字放进 sum/difference/product。"
_COMPUTED: dict[str, tuple[Kind, str, str]] = {
    "months_between": (Kind.DATE, "months_between 只能用于日期问题", _DATE_HINT),
    "days_between": (Kind.DATE, "days_between 只能用于日期问题", _DATE_HINT),
    "sum": (Kind.NUMBER, "算术只能用于数字问题", _NUMBER_HINT),
    "difference": (Kind.NUMBER, "算术只能用于数字问题", _NUMBER_HINT),
    "product": (Kind.NUMBER, "算术只能用于数字问题", _NUMBER_HINT),
}
"""Computed subjects: the kind of question they read, and what to say when one is not."""


def _check_comparison(ctx: Context, c: Comparison) -> Iterator[Problem]:
    qs = ctx.flow.questions
    if any(ref not in qs for ref in c.questions()):
        return  # reported by condition_references
    values = c.value if isinstance(c.value, tuple) else (c.value,)
    if c.value is UNSURE or (isinstance(c.value, tuple) and UNSURE in c.value):
        if c.subject != "answer":
            yield _type_problem(ctx, c, "只有单个问题的回答能和 unsure 比较。", "写成 answer: <问题id>, is: unsure。")
            return
        q = qs[c.args[0]]
        if q.unsure is None:
            yield ctx.problem("unsure-not-offered", c.path + (c.op,),
                              f"问题 “{q.id}” 没有提供“不确定”回答，这个条件永远不成立。",
                              f"给问题 “{q.id}” 加上 unsure: 不确定，或删掉这个条件。")
            return
        values = tuple(v for v in values if v is not UNSURE)
    computed = _COMPUTED.get(c.subject)
    if computed is not None:
        kind, what, hint = computed
        for ref in c.questions():
            if qs[ref].kind is not kind:
                yield _type_problem(ctx, c, f"{what}，“{ref}” 是{cnd.VALUE_KIND[qs[ref].kind]}题。", hint)
                return
        yield from _expect_numbers(ctx, c, values)
        return
    q = qs[c.args[0]]
    if c.subject == "count":
        if q.kind is not Kind.MULTI:
            yield _type_problem(ctx, c, f"count 只能用于多选题，“{q.id}” 是{cnd.VALUE_KIND[q.kind]}题。",
                                "改用 answer: 比较它的回答。")
            return
        yield from _expect_numbers(ctx, c, values)
        return
    kind_name = cnd.VALUE_KIND[q.kind]
    if c.op in cnd.MEMBERSHIP and q.kind is not Kind.MULTI:
        yield _type_problem(ctx, c, f"{c.op} 只能用于多选题，“{q.id}” 是{kind_name}题。",
                            "单选和是/否题用 is / in 比较。")
        return
    if q.kind is Kind.MULTI and c.op not in cnd.MEMBERSHIP and values:
        yield _type_problem(ctx, c, f"多选题 “{q.id}” 要用 includes / excludes / includes_any / includes_all 比较。",
                            "例如 includes: <选项值>；比较选了几项用 count。")
        return
    if c.op in cnd.ORDERING and q.kind not in (Kind.NUMBER, Kind.DATE):
        yield _type_problem(ctx, c, f"“{q.id}” 是{kind_name}题，不能比较大小（{c.op}）。",
                            "单选和是/否题用 is / is_not / in / not_in。")
        return
    if q.kind is Kind.YESNO:
        for v in values:
            if not isinstance(v, bool):
                yield _type_problem(ctx, c, f"是/否题 “{q.id}” 只能和 yes 或 no 比较，这里写的是 {v!r}。",
                                    "写 is: yes 或 is: no（不加引号）。")
    elif q.kind in (Kind.CHOICE, Kind.MULTI):
        offered = [o.value for o in q.options]
        for v in values:
            if v not in offered:
                yield ctx.problem("value-not-offered", c.path + (c.op,),
                                  f"问题 “{q.id}” 没有选项 “{v}”，这个比较永远不成立。",
                                  (ctx.suggest(str(v), offered) + " " if ctx.suggest(str(v), offered) else "")
                                  + f"可选的值：{'、'.join(offered)}。")
    elif q.kind is Kind.NUMBER:
        yield from _expect_numbers(ctx, c, values)
    elif q.kind is Kind.DATE:
        for v in values:
            if not (isinstance(v, str) and _DATE_LITERAL.match(v)):
                yield _type_problem(ctx, c, f"日期题 “{q.id}” 只能和日期比较，这里写的是 {v!r}。",
                                    "写成 2025-01-31、today 或 today-12m 这样的日期。")
            else:
                try:
                    resolve_date(v, resolve_date("today", _TODAY))
                except ValueError:
                    yield _type_problem(ctx, c, f"{v!r} 不是有效的日期。", "检查月份和日子。")


def _expect_numbers(ctx: Context, c: Comparison, values: tuple[object, ...]) -> Iterator[Problem]:
    if c.op in cnd.MEMBERSHIP:
        yield _type_problem(ctx, c, f"{c.op} 只能用于多选题。", "数字用 is / lt / le / gt / ge / between 比较。")
        return
    for v in values:
        if not _is_number(v):
            yield _type_problem(ctx, c, f"这里比较的是数字，却写了 {v!r}。", "写一个数字（不加引号），例如 12。")
            return


_TODAY = dt.date(2000, 1, 1)


@flow_check
def updated_date(ctx: Context) -> Iterator[Problem]:
    try:
        dt.date.fromisoformat(ctx.flow.updated)
    except ValueError:
        yield ctx.problem("bad-date", ("updated",), f"更新日期 {ctx.flow.updated} 不存在。",
                          "写成真实存在的日期 YYYY-MM-DD，例如 2026-02-28。")


@flow_check
def question_settings(ctx: Context) -> Iterator[Problem]:
    for q in ctx.flow.questions.values():
        for bound in ("min", "max"):
            value = getattr(q, bound)
            if q.kind is Kind.NUMBER and isinstance(value, float) and math.isnan(value):
                yield ctx.problem("bad-range", q.path + (bound,), f"问题 “{q.id}” 的 {bound} 是 .nan（不是一个数）。",
                                  "写一个真正的数字；不设上限可以写一个很大的数，例如 1000000。")
        if q.kind is Kind.NUMBER and q.min is not None and q.max is not None and q.min > q.max:
            yield ctx.problem("bad-range", q.path + ("min",), f"问题 “{q.id}” 的 min 比 max 大。", "交换 min 和 max。")
        if q.kind is Kind.DATE:
            try:
                lo, hi = resolve_date(q.earliest, _TODAY), resolve_date(q.latest, _TODAY)
            except ValueError:
                yield ctx.problem("bad-range", q.path + ("earliest",), f"问题 “{q.id}” 的日期范围写法不对。",
                                  "用 YYYY-MM-DD 或 today-10y 这样的写法。")
                continue
            if lo > hi:
                yield ctx.problem("bad-range", q.path + ("earliest",),
                                  f"问题 “{q.id}” 的 earliest 比 latest 晚。", "交换 earliest 和 latest。")
        seen: set[str] = set()
        for i, o in enumerate(q.options):
            if o.value in seen:
                yield ctx.problem("duplicate-option", q.path + ("options", i, "value"),
                                  f"问题 “{q.id}” 有两个选项的值都是 “{o.value}”。", "每个选项的 value 必须不同。")
            seen.add(o.value)


@flow_check
def unused_answers(ctx: Context) -> Iterator[Problem]:
    used: set[str] = set()
    unsure_routed: set[str] = set()
    for q in ctx.flow.questions.values():
        for rule in q.rules:
            if rule.when is not None:
                used |= cnd.referenced(rule.when)
                for c in cnd.comparisons(rule.when):
                    vals = c.value if isinstance(c.value, tuple) else (c.value,)
                    if UNSURE in vals:
                        unsure_routed.add(c.args[0])
    for q in ctx.flow.questions.values():
        if q.id not in used and q.id in ctx.reachable:
            yield ctx.problem("unused-question", q.path + ("id",),
                              f"问题 “{q.id}” 的回答没有被任何条件用到，问了也不影响结论。",
                              "如果它只是提示信息，可以保留；否则删掉它或在条件里用上它。", Severity.WARNING)
        if q.unsure is not None and q.id not in unsure_routed and q.id in used:
            yield ctx.problem("unsure-unrouted", q.path + ("unsure",),
                              f"问题 “{q.id}” 提供了“不确定”，但没有分支专门处理它（会落到 else）。",
                              "加一条 if: {answer: " + q.id + ", is: unsure} 的分支，告诉用户不确定时怎么办。",
                              Severity.WARNING)


@flow_check
def citations(ctx: Context) -> Iterator[Problem]:
    for o in ctx.flow.outcomes.values():
        for cit in o.citations:
            document = ctx.corpus.documents.get(cit.doc)
            if document is None:
                hint = ctx.suggest(cit.doc, list(ctx.corpus.documents)) or "doc 必须是 flows/articles/ 里某个文件的 id。"
                yield ctx.problem("unknown-document", cit.path + ("doc",), f"条文库里没有文件 “{cit.doc}”。", hint)
                continue
            yield from _check_citation(ctx, cit, document)


def _check_citation(ctx: Context, cit: object, document: LawDocument) -> Iterator[Problem]:
    from .model import Citation
    assert isinstance(cit, Citation)
    if document.status is Status.NOT_HELD:
        if cit.quote is not None:
            yield ctx.problem("quote-not-held", cit.path + ("quote",),
                              f"《{document.title}》的原文没有收录，不能加引号引用。",
                              "删掉 quote，只写 doc（和 note 说明它讲了什么）；界面会显示“原文未收录”。")
        return
    if cit.article is None:
        if cit.quote is not None:
            yield ctx.problem("quote-without-article", cit.path + ("quote",), "引用原文时要写明是哪一条（article）。",
                              "加上 article: 第X条。")
        return
    article = document.articles.get(cit.article)
    if article is None:
        hint = ctx.suggest(cit.article, list(document.articles)) or f"《{document.short_title}》里的条号写法如：{next(iter(document.articles), '第一条')}。"
        yield ctx.problem("unknown-article", cit.path + ("article",),
                          f"《{document.short_title}》里没有 “{cit.article}”。", hint)
        return
    if cit.paragraph is not None and cit.paragraph > len(article.paragraphs()):
        yield ctx.problem("unknown-paragraph", cit.path + ("paragraph",),
                          f"{document.short_title}{cit.article} 只有 {len(article.paragraphs())} 款，没有第 {cit.paragraph} 款。",
                          "改正 paragraph，或删掉它。")
        return
    if cit.item and article.item(cit.paragraph, cit.item) is None:
        yield ctx.problem("unknown-item", cit.path + ("item",),
                          f"{document.short_title}{cit.article}{'第' + str(cit.paragraph) + '款' if cit.paragraph else ''}"
                          f"里没有以 “{cit.item}” 开头的项。",
                          "item 写项的编号，和原文一致，例如 （一）。")
        return
    if not quote_holds(cit, article):
        mismatch = diagnose(cit, article, document)
        yield ctx.problem("quote-not-verbatim", cit.path + ("quote",),
                          f"引文与 {document.short_title}{cit.article} 的原文不一致。{mismatch.explain()}",
                          "从 flows/articles/ 里复制原文，不要手打或改标点。")


def run_checks(flow: Flow, doc: Document, corpus: Corpus) -> Iterator[Problem]:
    """Every registered check over one flow."""
    ctx = Context(flow, doc, corpus)
    for check in FLOW_CHECKS:
        yield from check(ctx)


# ---------------------------------------------------------------------------- article documents


def check_document(document: LawDocument, doc: Document, directory: Path) -> Iterator[Problem]:
    """An article document's texts match their recorded hashes and their stored source."""
    source_text = None
    src = doc.data.get("source") or {}
    if src.get("file"):
        source_path = directory / src["file"]
        try:
            raw = source_path.read_bytes()
        except OSError:
            line, col = doc.positions.at(("source", "file"))
            yield Problem("missing-source", f"找不到原文文件 {src['file']}。", "把原文副本放回 flows/articles/sources/。",
                          doc.file, line, col, "$.source.file")
        else:
            if src.get("sha256") and hashlib.sha256(raw).hexdigest() != src["sha256"]:
                line, col = doc.positions.at(("source", "sha256"))
                yield Problem("source-changed", f"原文文件 {src['file']} 的 sha256 与记录不符：文件被改动过。",
                              "恢复原文副本；原文一个字节都不能改。", doc.file, line, col, "$.source.sha256")
            source_text = raw.decode("utf-8", "replace")
    for article in document.articles.values():
        line, col = doc.positions.at(article.path + ("text",))
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if article.sha256 and digest != article.sha256:
            yield Problem("article-changed", f"{article.number} 的文字与记录的 sha256 不符：条文被改动过。",
                          "从原文副本重新复制这一条；不要手工修改条文。", doc.file, line, col,
                          format_path(article.path + ("text",)))
        if source_text is not None and article.text not in source_text:
            yield Problem("article-not-in-source", f"{article.number} 的文字在原文副本里找不到。",
                          "条文必须逐字取自 source.file。", doc.file, line, col, format_path(article.path + ("text",)))


def unused_documents(corpus: Corpus, flows: list[Flow], corpus_dir: Path) -> Iterator[Problem]:
    """Corpus documents no flow cites (a warning, checked across the whole library)."""
    cited = {c.doc for f in flows for o in f.outcomes.values() for c in o.citations}
    for document in corpus.documents.values():
        if document.id not in cited:
            yield Problem("unused-document", f"条文库里的《{document.short_title}》没有被任何流程引用。",
                          "如果以后要用可以保留；否则可以删掉。", document.file, 1, 1, "$", Severity.WARNING)
