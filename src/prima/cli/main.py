"""Entry point of the ``prima`` command.

Analytics verbs (``analyze``, ``sample-size``) run without Django; every problem with the input
ends with exit status 2 and one message naming the file, row and column, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from prima import __version__, i18n
from prima.i18n import gettext_noop
from prima.messages import language

METHODS = ("ikm", "gap", "servqual", "ipa", "csi", "nps", "alpha", "agreement", "text")
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other input error (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"prima: error: {self.prog}: {message}\n")


def _helper(lang: str) -> Callable[[str], str]:
    """Help texts in ``lang`` (English msgids in the catalogue); argparse reads ``%`` as a
    format, so a literal one is doubled."""

    def text(msgid: str) -> str:
        return i18n.gettext(msgid, lang).replace("%", "%%")

    return text


def _json_option(p: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    p.add_argument("--json", action="store_true", help=t(gettext_noop("print one JSON object")))


def _sheet_option(p: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help=t(gettext_noop("XLSX sheet to read (default: the first)")),
    )


def _flagged_option(p: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    p.add_argument(
        "--include-flagged",
        action="store_true",
        help=t(
            gettext_noop(
                "also count rows whose 'flag' column marks them as suspect (Prima exports)"
            )
        ),
    )


def _common(p: argparse.ArgumentParser, method: str, t: Callable[[str], str]) -> None:
    p.add_argument(
        "file",
        metavar="FILE",
        help=t(gettext_noop("CSV (UTF-8, comma or semicolon) or XLSX, one row per respondent")),
    )
    _json_option(p, t)
    p.add_argument(
        "--scale",
        metavar="MIN-MAX",
        help=t(gettext_noop("answer scale (default 1-4 for ikm, 0-10 for nps, 1-5 otherwise)")),
    )
    _sheet_option(p, t)
    _flagged_option(p, t)
    p.set_defaults(method=method)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The analytics verbs' parser, its help in ``lang`` (default: ``PRIMA_LANG``, else id)."""
    t = _helper(language(lang))
    parser = _Parser(
        prog="prima",
        description=t(
            gettext_noop(
                "Prima: pelayanan prima. Satisfaction surveys, the IKM and service quality "
                "analysis."
            )
        ),
        epilog=t(
            gettext_noop(
                "Web platform: prima demo, prima serve, prima export responses, prima token "
                "create, and every Django management command (prima migrate, prima "
                "createsuperuser, ...)."
            )
        ),
    )
    parser.add_argument("--version", action="version", version=f"prima {__version__}")
    parser.add_argument(
        "--lang",
        choices=("id", "en"),
        help=t(gettext_noop("language of messages and tables (PRIMA_LANG)")),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = commands.add_parser(
        "analyze", help=t(gettext_noop("analyse a file of survey answers"))
    )
    methods = analyze.add_subparsers(
        dest="method", metavar="METHOD", required=True, parser_class=_Parser
    )
    from_file = t(gettext_noop("read only this instrument's items"))

    p = methods.add_parser(
        "ikm",
        help=t(
            gettext_noop("Indeks Kepuasan Masyarakat (PermenPAN-RB 14/2017, KepMenPAN 25/2004)")
        ),
    )
    _common(p, "ikm", t)
    p.add_argument(
        "--instrument",
        metavar="skm2017|skm2004|PATH",
        help=t(gettext_noop("default: skm2004 when U10..U14 exist, else skm2017")),
    )
    p.add_argument(
        "--weight",
        choices=("exact", "0.111", "0.11"),
        default="exact",
        help=t(
            gettext_noop(
                "weight per unsur: exact 1/k (default) or a legacy rounded weight to reproduce "
                "an old report"
            )
        ),
    )

    p = methods.add_parser(
        "gap",
        help=t(gettext_noop("performance vs expectation (kinerja vs harapan) with verdicts")),
    )
    _common(p, "gap", t)
    p.add_argument(
        "--instrument",
        metavar="a6|servqual|PATH",
        help=t(gettext_noop("groups items into dimensions")),
    )

    p = methods.add_parser(
        "servqual", help=t(gettext_noop("SERVQUAL dimension gaps, unweighted and weighted"))
    )
    _common(p, "servqual", t)
    p.add_argument(
        "--instrument", metavar="servqual|PATH", help=t(gettext_noop("default: servqual"))
    )

    p = methods.add_parser(
        "ipa",
        help=t(gettext_noop("Importance-Performance Analysis (quadrants A-D, conformity)")),
    )
    _common(p, "ipa", t)
    p.add_argument(
        "--axis",
        choices=("mean", "midpoint"),
        default="mean",
        help=t(gettext_noop("crosshair: mean of attribute means (default) or scale midpoint")),
    )
    p.add_argument("--instrument", metavar="NAME|PATH", help=from_file)

    p = methods.add_parser("csi", help=t(gettext_noop("Customer Satisfaction Index")))
    _common(p, "csi", t)
    p.add_argument("--instrument", metavar="NAME|PATH", help=from_file)

    p = methods.add_parser(
        "nps", help=t(gettext_noop("Net Promoter Score with its 95% confidence interval"))
    )
    _common(p, "nps", t)
    p.add_argument(
        "--column",
        default="nps",
        metavar="NAME",
        help=t(gettext_noop("column of 0-10 answers (default: nps)")),
    )
    p.add_argument(
        "--interval",
        choices=("adjusted-wald", "wald"),
        default="adjusted-wald",
        help=t(gettext_noop("interval method (default: adjusted-wald)")),
    )

    p = methods.add_parser(
        "alpha", help=t(gettext_noop("Cronbach's alpha and item-total correlations"))
    )
    _common(p, "alpha", t)
    p.add_argument(
        "--items",
        metavar="A,B,C",
        help=t(
            gettext_noop(
                "columns (or items with a .kinerja column); default: U columns, else all "
                "kinerja columns"
            )
        ),
    )

    _agreement_parser(methods, t)
    _text_parser(methods, t)

    p = commands.add_parser("sample-size", help=t(gettext_noop("minimum number of respondents")))
    p.add_argument("--population", type=int, required=True, metavar="N")
    p.add_argument("--method", choices=("krejcie-morgan", "slovin"), default="krejcie-morgan")
    p.add_argument(
        "--margin",
        type=float,
        default=0.05,
        metavar="E",
        help=t(gettext_noop("margin of error (default 0.05)")),
    )
    _json_option(p, t)
    return parser


def _agreement_parser(methods: Any, t: Callable[[str], str]) -> None:
    """``prima analyze agreement FILE --method ... [--level ...] [--weights ...] [--json]``
    (issue 13's public contract)."""
    p = methods.add_parser(
        "agreement",
        help=t(
            gettext_noop(
                "agreement between raters (auditors): Cohen's or Fleiss' kappa, ICC, "
                "Krippendorff's alpha"
            )
        ),
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help=t(
            gettext_noop(
                "CSV or XLSX, one row per rated subject, one column R.<rater> per rater "
                "(blank: not rated)"
            )
        ),
    )
    p.add_argument(
        "--method",
        dest="statistic",
        required=True,
        choices=("cohen", "fleiss", "icc", "krippendorff"),
        help=t(gettext_noop("the agreement statistic")),
    )
    p.add_argument(
        "--level",
        choices=("nominal", "ordinal", "interval", "ratio"),
        help=t(gettext_noop("level of measurement for krippendorff (default: nominal)")),
    )
    p.add_argument(
        "--weights",
        choices=("linear", "quadratic"),
        help=t(gettext_noop("weighted kappa for cohen (default: unweighted)")),
    )
    _json_option(p, t)
    _sheet_option(p, t)
    p.set_defaults(method="agreement")


def _text_parser(methods: Any, t: Callable[[str], str]) -> None:
    """``prima analyze text FILE [--column NAME] [--json]`` (issue 14's public contract)."""
    p = methods.add_parser(
        "text",
        help=t(
            gettext_noop(
                "label suggestions and complaints: SKM unsur, A of A6 and sentiment of each text"
            )
        ),
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help=t(gettext_noop("CSV (UTF-8, comma or semicolon) or XLSX, one row per text")),
    )
    p.add_argument(
        "--column",
        metavar="NAME",
        help=t(gettext_noop("column of texts (default: suggestion, else saran)")),
    )
    _json_option(p, t)
    _sheet_option(p, t)
    _flagged_option(p, t)
    p.set_defaults(method="text")


def _fail(text: str) -> int:
    print(f"prima: error: {text}", file=sys.stderr)
    return EXIT_INPUT


ANALYTICS_COMMANDS = {"analyze", "sample-size"}


def _lang_option(argv: list[str]) -> str | None:
    """The value of ``--lang`` (``--lang en`` or ``--lang=en``) before parsing, for the help."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _without_lang(argv: list[str]) -> list[str]:
    """``argv`` without ``--lang X`` and ``--lang=X``."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            out.append(arg)
    return out


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

        # "prima --lang en alerts check": the option before the command is Prima's, not Django's
        at = argv.index(command)
        lang = language(_lang_option(argv[:at]))
        return run_django(_without_lang(argv[:at]) + argv[at:], lang=lang)
    parser = build_parser(_lang_option(argv))
    args = parser.parse_args(argv)
    lang = language(args.lang)
    if args.command is None:
        parser.print_help()
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
        return _fail(i18n.gettext(gettext_noop("not enough memory for this file"), lang))
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
