"""Entry point of the ``prima`` command.

Analytics verbs (``analyze``, ``sample-size``) run without Django; every problem with the input
ends with exit status 2 and one message naming the file, row and column, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from prima import __version__
from prima.messages import language

METHODS = ("ikm", "gap", "servqual", "ipa", "csi", "nps", "alpha")
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other input error (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"prima: error: {self.prog}: {message}\n")


def _common(p: argparse.ArgumentParser, method: str) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        help="CSV (UTF-8, comma or semicolon) or XLSX, one row per respondent",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--scale",
        metavar="MIN-MAX",
        help="answer scale (default 1-4 for ikm, 0-10 for nps, 1-5 otherwise)",
    )
    p.add_argument("--sheet", metavar="NAME", help="XLSX sheet to read (default: the first)")
    p.add_argument(
        "--include-flagged",
        action="store_true",
        help="also count rows whose 'flag' column marks them as suspect (Prima exports)",
    )
    p.set_defaults(method=method)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prima",
        description="Prima: pelayanan prima. Survei kepuasan, IKM dan analisis mutu layanan.",
        epilog="Web platform: prima demo, prima serve, prima export responses, prima token create, "
        "and every Django management command (prima migrate, prima createsuperuser, ...).",
    )
    parser.add_argument("--version", action="version", version=f"prima {__version__}")
    parser.add_argument(
        "--lang", choices=("id", "en"), help="language of messages and tables (PRIMA_LANG)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = commands.add_parser("analyze", help="analyse a file of survey answers")
    methods = analyze.add_subparsers(
        dest="method", metavar="METHOD", required=True, parser_class=_Parser
    )

    p = methods.add_parser(
        "ikm", help="Indeks Kepuasan Masyarakat (PermenPAN-RB 14/2017, KepMenPAN 25/2004)"
    )
    _common(p, "ikm")
    p.add_argument(
        "--instrument",
        metavar="skm2017|skm2004|PATH",
        help="default: skm2004 when U10..U14 exist, else skm2017",
    )
    p.add_argument(
        "--weight",
        choices=("exact", "0.111", "0.11"),
        default="exact",
        help="weight per unsur: exact 1/k (default) or a legacy rounded weight to reproduce an old report",
    )

    p = methods.add_parser(
        "gap", help="performance vs expectation (kinerja vs harapan) with verdicts"
    )
    _common(p, "gap")
    p.add_argument("--instrument", metavar="a6|servqual|PATH", help="groups items into dimensions")

    p = methods.add_parser("servqual", help="SERVQUAL dimension gaps, unweighted and weighted")
    _common(p, "servqual")
    p.add_argument("--instrument", metavar="servqual|PATH", help="default: servqual")

    p = methods.add_parser(
        "ipa", help="Importance-Performance Analysis (quadrants A-D, conformity)"
    )
    _common(p, "ipa")
    p.add_argument(
        "--axis",
        choices=("mean", "midpoint"),
        default="mean",
        help="crosshair: mean of attribute means (default) or scale midpoint",
    )
    p.add_argument("--instrument", metavar="NAME|PATH", help="read only this instrument's items")

    p = methods.add_parser("csi", help="Customer Satisfaction Index")
    _common(p, "csi")
    p.add_argument("--instrument", metavar="NAME|PATH", help="read only this instrument's items")

    p = methods.add_parser("nps", help="Net Promoter Score with a 95% interval")
    _common(p, "nps")
    p.add_argument(
        "--column", default="nps", metavar="NAME", help="column of 0-10 answers (default: nps)"
    )
    p.add_argument(
        "--interval",
        choices=("adjusted-wald", "wald"),
        default="adjusted-wald",
        help="interval method (default: adjusted-wald)",
    )

    p = methods.add_parser("alpha", help="Cronbach's alpha and item-total correlations")
    _common(p, "alpha")
    p.add_argument(
        "--items",
        metavar="A,B,C",
        help="columns (or items with a .kinerja column); default: U columns, else all kinerja columns",
    )

    p = commands.add_parser("sample-size", help="minimum number of respondents")
    p.add_argument("--population", type=int, required=True, metavar="N")
    p.add_argument("--method", choices=("krejcie-morgan", "slovin"), default="krejcie-morgan")
    p.add_argument(
        "--margin", type=float, default=0.05, metavar="E", help="margin of error (default 0.05)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _fail(text: str) -> int:
    print(f"prima: error: {text}", file=sys.stderr)
    return EXIT_INPUT


ANALYTICS_COMMANDS = {"analyze", "sample-size"}


def _first_command(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _first_command(argv)
    if command is not None and command not in ANALYTICS_COMMANDS:
        from prima.cli.web import run_django

        return run_django(argv)
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    if args.command is None:
        build_parser().print_help()
        return EXIT_INPUT
    from prima.instruments import InstrumentError
    from prima.tabular import InputError

    try:
        result = _run(args)
    except InputError as exc:
        return _fail(exc.render(lang))
    except InstrumentError as exc:
        return _fail(str(exc))
    except MemoryError:
        return _fail(
            "not enough memory for this file"
            if lang == "en"
            else "memori tidak cukup untuk berkas ini"
        )
    from prima.cli.analyze import jsonable

    if args.json:
        sys.stdout.write(json.dumps(jsonable(result), ensure_ascii=False, allow_nan=False) + "\n")
    else:
        from prima.cli.render import render

        render(args.method if args.command == "analyze" else "sample-size", result, lang)
    return 0


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from prima.cli import analyze

    if args.command == "sample-size":
        return analyze.run_sample_size(args)
    return analyze.RUNNERS[args.method](args)


if __name__ == "__main__":
    raise SystemExit(main())
