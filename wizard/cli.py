"""The ``wizard`` command: check, list, replay, paths, graph, run, verify, serve, and the app."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import Severity, WizardError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _library(flows: Path | None):  # type: ignore[no-untyped-def]
    from .loader import load_library
    return load_library([flows] if flows else None)


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import unused_documents
    from .loader import flow_files, load_library

    paths = [Path(p) for p in args.paths] or None
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        raise WizardError(f"找不到 {missing[0]}。", hint="给出流程文件或文件夹的路径；不写路径就检查自带的流程。")
    library = load_library(paths, args.articles)
    problems = library.problems()
    whole = not paths or any(p.is_dir() for p in paths)
    if whole:
        from .loader import ARTICLES_DIR
        from .resources import flows_dir
        corpus_dir = next((p for p in paths or () if p.is_dir()), flows_dir()) / ARTICLES_DIR
        problems.extend(unused_documents(library.corpus, library.good, corpus_dir))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    if args.format == "json":
        print(json.dumps({
            "files": [f.file for f in library.flows],
            "flows_ok": [f.flow.id for f in library.flows if f.flow],
            "errors": len(errors), "warnings": len(warnings),
            "problems": [p.as_dict() for p in problems],
        }, ensure_ascii=False, indent=2))
    else:
        shown = problems if not args.quiet else errors
        for p in shown:
            print(p.format())
        n = len(flow_files(paths or [__import__("wizard.resources", fromlist=["x"]).flows_dir()]))
        print(f"检查了 {n} 个流程文件、{len(library.corpus.documents)} 份条文：{len(errors)} 个错误，{len(warnings)} 个警告。")
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    library = _library(args.flows)
    for f in library.flows:
        if f.flow:
            print(f"{f.flow.id}\t{f.flow.title}\t{f.flow.summary}")
        else:
            first = f.errors[0] if f.errors else None
            print(f"✘ {Path(f.file).name}\t{f.title}\t暂不可用：{first.location() + ' ' + first.message if first else ''}")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from .replay import replay_file

    library = _library(args.flows)
    files: list[Path] = []
    for name in args.files:
        p = Path(name)
        files.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    if not files:
        raise WizardError("没有找到回放脚本。", hint="给出 .yaml 回放脚本或包含它们的文件夹。")
    results = [replay_file(p, library) for p in files]
    if args.json:
        print(json.dumps([r.as_dict(library.corpus) for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r.problems:
                print(f"✘ {r.file}")
                for problem in r.problems:
                    print("  " + problem.format().replace("\n", "\n  "))
                continue
            o = r.state.outcome if r.state else None
            mark = "✔" if r.ok else "✘"
            got = f"{o.id}（{o.verdict}：{o.title}）" if o else f"停在 {r.state.node if r.state else '?'}"
            print(f"{mark} {r.file}: {r.flow} → {got}")
            for m in r.mismatches:
                print(f"    {m}")
        ok = sum(r.ok for r in results)
        print(f"{ok} passed, {len(results) - ok} failed")
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS


def cmd_paths(args: argparse.Namespace) -> int:
    from .paths import decision_table

    library = _library(args.flows)
    flows = library.good if args.all else [library.get(args.flow)] if args.flow else []
    if not flows:
        raise WizardError("请给出流程 id，或用 --all。", hint="wizard list 列出所有流程。")
    for flow in flows:
        table = decision_table(flow, library.corpus, args.format)
        if args.write:
            target = Path(flow.file).with_suffix(".paths.md" if args.format == "markdown" else ".paths.csv")
            target.write_text(table, encoding="utf-8")
            print(f"已写入 {target}")
        else:
            sys.stdout.write(table)
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from .paths import graph

    library = _library(args.flows)
    sys.stdout.write(graph(library.get(args.flow), args.format))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    if args.plain:
        from .plain import run_plain

        library = _library(args.flows)
        return run_plain(library.get(args.flow), library, sys.stdin, sys.stdout)
    return _run_app(args.flow, args.flows, kiosk=False)


def cmd_verify(args: argparse.Namespace) -> int:
    from .receipt import verify_main

    return verify_main(args.rest)


def cmd_serve(args: argparse.Namespace) -> int:
    from .kiosk import main as serve_main

    return serve_main(args.rest)


def _run_app(flow: str | None, flows: Path | None, kiosk: bool) -> int:
    try:
        from .tui.app import run_app
    except ImportError:  # the app is optional for the plain mode on minimal installs
        if kiosk:
            raise
        from .plain import choose_flow, run_plain

        library = _library(flows)
        chosen = library.get(flow) if flow else choose_flow(library, sys.stdin, sys.stdout)
        return run_plain(chosen, library, sys.stdin, sys.stdout) if chosen else EXIT_OK
    return run_app(flow, flows, kiosk=kiosk)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard",
        description="医保问答向导：回答几个问题，得到引用法规原文的结论。不带子命令时启动界面。",
    )
    parser.add_argument("--kiosk", action="store_true", help="自助终端模式（SSH 服务用）：不能退出，结束后回到首页")
    parser.add_argument("--flow", help="直接打开这个流程（与 --kiosk 一起用）")
    parser.add_argument("--flows", type=Path, help="流程文件夹（默认：自带的流程）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def flows_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--flows", type=Path, help="流程文件夹（默认：自带的流程）")

    p = sub.add_parser("check", help="检查流程文件（结构、逻辑、引文是否逐字）")
    p.add_argument("paths", nargs="*", help="流程文件或文件夹（默认：自带的流程）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("-q", "--quiet", action="store_true", help="只显示错误，不显示警告")
    p.add_argument("--articles", type=Path, help="条文库文件夹（默认：流程文件夹里的 articles/）")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("list", help="列出流程")
    flows_option(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("replay", help="回放脚本，核对结论")
    p.add_argument("files", nargs="+", help="回放脚本（.yaml）或文件夹")
    p.add_argument("--json", action="store_true", help="输出 JSON：流程、结论、判断、路线和引用")
    flows_option(p)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("paths", help="列出一个流程的所有路线（决策表）")
    p.add_argument("flow", nargs="?", help="流程 id")
    p.add_argument("--all", action="store_true", help="所有流程")
    p.add_argument("--format", choices=["markdown", "csv"], default="markdown")
    p.add_argument("--write", action="store_true", help="写到流程文件旁边（<id>.paths.md）")
    flows_option(p)
    p.set_defaults(func=cmd_paths)

    p = sub.add_parser("graph", help="输出流程图（Mermaid 或 DOT）")
    p.add_argument("flow", help="流程 id")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    flows_option(p)
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser("run", help="运行一个流程（--plain：逐行文字模式）")
    p.add_argument("flow", help="流程 id")
    p.add_argument("--plain", action="store_true", help="逐行文字模式（适合读屏软件、管道、简易终端）")
    flows_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="核对保存的结论回执是否仍然成立", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("serve", help="启动 SSH 自助终端服务", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_serve)
    return parser


PASSTHROUGH = {"serve": cmd_serve, "verify": cmd_verify}
"""Commands that parse their own options (argparse.REMAINDER would drop leading ``--x``)."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PASSTHROUGH:
        try:
            return PASSTHROUGH[argv[0]](argparse.Namespace(rest=argv[1:]))
        except WizardError as exc:
            print(exc.format(), file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            return 130
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args.flow, args.flows, kiosk=args.kiosk)
        result: int = args.func(args)
        return result
    except WizardError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_USAGE if not exc.problems else EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
