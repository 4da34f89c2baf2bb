"""``--help`` of every ``prima`` command and sub-command prints its help and exits 0, in both
languages (``prima analyze --help`` once died of a TypeError: argparse reads a ``%`` in a help
text as a format)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from prima.cli.main import build_parser, main

PRIMA_APPS = "prima."


def _verbs(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """``path`` and the path of every sub-command below it."""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _verbs(sub, (*path, name))


def _prima_commands() -> dict[str, argparse.ArgumentParser]:
    """Prima's own management commands (``prima demo``, ``prima alerts`` ...) and their parsers."""
    commands = {}
    for name, app in get_commands().items():
        if isinstance(app, str) and app.startswith(PRIMA_APPS):
            commands[name] = load_command_class(app, name).create_parser("prima", name)
    return commands


# a text of each level's help in English and in Bahasa Indonesia
MARKERS = {
    (): ("analyse a file of survey answers", "analisis berkas jawaban survei"),
    ("analyze",): ("item-total correlations", "korelasi butir-total"),
    ("analyze", "ikm"): ("print one JSON object", "cetak satu objek JSON"),
}
ANALYTICS = sorted(_verbs(build_parser()))


def test_the_walk_finds_every_verb() -> None:
    assert ("analyze", "nps") in ANALYTICS
    assert ("sample-size",) in ANALYTICS
    assert ("analyze", "agreement") in ANALYTICS
    assert ("analyze", "text") in ANALYTICS
    assert len([v for v in ANALYTICS if v[:1] == ("analyze",)]) == 10  # analyze and 9 methods
    web = {(name, *verb) for name, p in _prima_commands().items() for verb in _verbs(p)}
    for expected in [
        ("demo",),
        ("alerts", "check"),
        ("cases", "check"),
        ("webhooks",),
        ("report", "skm"),
        ("export",),
        ("import",),
        ("token",),
        ("serve",),
    ]:
        assert expected in web, expected


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("verb", ANALYTICS, ids=" ".join)
def test_analytics_help(verb: tuple[str, ...], lang: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--lang", lang, *verb, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: prima {' '.join(verb)}".rstrip())
    english, indonesian = MARKERS.get(verb, ("", ""))
    if english:
        assert (english in out, indonesian in out) == (lang == "en", lang == "id")


def test_the_percent_in_a_help_text_is_printed(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "analyze", "--help"])
    assert "with its 95% confidence interval" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--lang", "id", "analyze", "--help"])
    assert "selang kepercayaan 95%" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_web_command_help(capsys: pytest.CaptureFixture) -> None:
    verbs = [(name, *verb) for name, p in _prima_commands().items() for verb in _verbs(p)]
    for verb in verbs:
        with pytest.raises(SystemExit) as stop:
            main([*verb, "--help"])
        assert stop.value.code in (0, None), verb
        assert f"usage: prima {' '.join(verb)}" in capsys.readouterr().out, verb


def test_the_installed_command_prints_the_help() -> None:
    prima = Path(sys.executable).with_name("prima")
    for verb in (["analyze", "--help"], ["analyze", "nps", "--help"], ["--help"]):
        done = subprocess.run([prima, *verb], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stdout.startswith("usage: prima")
