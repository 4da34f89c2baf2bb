"""The web commands speak the chosen language: ``prima --lang en <command>`` and ``PRIMA_LANG``
as for the analytics verbs, Bahasa Indonesia by default (its output unchanged); lines that
scripts read (``Login:``, ``Survey: <code> <URL>``, the token as the last word) stay as they are.
The export's messages and its sheet note come from the catalogue too."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import translation

from prima.cli.main import main
from prima.demo.management.commands.demo import Command as DemoCommand
from prima.organizations import services as org
from prima.surveys.models import Response
from prima.transfers.export import sheet_split_note
from prima.transfers.export_jobs import export_error_text


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRIMA_LANG", raising=False)


def _token(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out.strip()


# through the real entry point, which closes the database connections after each command:
# transactional tests, so that the next command connects again (PostgreSQL)
@pytest.mark.django_db(transaction=True)
def test_token_create_speaks_the_chosen_language(capsys, monkeypatch) -> None:
    org.user_create(username="budi", password="kata-sandi-panjang-9")
    default = _token(["token", "create", "--user", "budi"], capsys)
    assert default.startswith("Token API untuk budi (simpan sekarang, tidak ditampilkan lagi): ")
    english = _token(["--lang", "en", "token", "create", "--user", "budi"], capsys)
    assert english.startswith("API token for budi (keep it now, it is not shown again): ")
    also = _token(["--lang=en", "token", "create", "--user", "budi"], capsys)
    assert also.startswith("API token for budi")
    monkeypatch.setenv("PRIMA_LANG", "en")
    from_env = _token(["token", "create", "--user", "budi"], capsys)
    assert from_env.startswith("API token for budi")
    # --lang before the command wins over the environment
    chosen = _token(["--lang", "id", "token", "create", "--user", "budi"], capsys)
    assert chosen.startswith("Token API untuk budi")
    for line in (default, english, also, from_env, chosen):
        assert line.split()[-1].startswith("prima_")  # the token is still the last word


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id", 'pengguna "siapa" tidak ada'), ("en", 'user "siapa" does not exist')],
)
def test_command_errors_speak_the_chosen_language(lang, expected, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--lang", lang, "token", "create", "--user", "siapa"])
    assert stop.value.code == 1
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "--responses paling sedikit 1, bukan 0"),
        ("en", "--responses must be at least 1, not 0"),
    ],
)
def test_seed_errors_speak_the_chosen_language(lang, expected, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", lang, "seed", "--responses", "0"])
    assert expected in capsys.readouterr().err


def _demo_output(lang: str, tmp_path: Path, created: bool = True) -> list[str]:
    command = DemoCommand()
    lines: list[str] = []
    command.stdout = SimpleNamespace(write=lines.append, flush=lambda: None)
    result = SimpleNamespace(
        created=created,
        organizations=[
            SimpleNamespace(name="Dinas A", slug="dinas-a"),
            SimpleNamespace(name="Bank B", slug="bank-b"),
        ],
        surveys=[SimpleNamespace(code="abc12345", title="Survei  Kepuasan\nLayanan")],
        responses=1234,
    )
    with translation.override(lang):
        command._report(result, "http://127.0.0.1:8000", "rahasia", tmp_path, serve=True, alerts=3)
    return lines


def test_demo_output_in_both_languages_keeps_the_lines_scripts_read(tmp_path) -> None:
    indonesian = _demo_output("id", tmp_path)
    english = _demo_output("en", tmp_path)
    assert indonesian[0] == "Data demo dimuat: Dinas A dan Bank B, 1234 tanggapan."
    assert english[0] == "Demo data loaded: Dinas A and Bank B, 1234 responses."
    assert _demo_output("id", tmp_path, created=False)[0].startswith("Data demo sudah ada: ")
    assert _demo_output("en", tmp_path, created=False)[0].startswith("Demo data already there: ")
    password_file = tmp_path / "demo-password"
    assert (
        "  (kata sandi yang sama untuk manajer.sukamaju, pengamat, admin.bank, pemilik.toko "
        "dan pembeli.misterius; "
        f"tersimpan di {password_file})"
    ) in indonesian
    assert (
        "  (the same password for manajer.sukamaju, pengamat, admin.bank, pemilik.toko "
        "and pembeli.misterius; "
        f"kept in {password_file})"
    ) in english
    assert indonesian[-1] == "Situs demo: http://127.0.0.1:8000/  (Ctrl-C untuk berhenti)"
    assert english[-1] == "Demo site: http://127.0.0.1:8000/  (Ctrl-C to stop)"
    for lines in (indonesian, english):
        assert "Login: http://127.0.0.1:8000/accounts/login/" in lines
        assert "Username: admin" in lines
        assert "Password: rahasia" in lines
        assert "Survey: abc12345 http://127.0.0.1:8000/s/abc12345/ Survei Kepuasan Layanan" in lines


def test_the_sheet_note_follows_the_active_language() -> None:
    with translation.override("id"):
        assert sheet_split_note(2_500_000, 3, 1_000_000) == (
            "2.500.000 tanggapan dibagi ke 3 lembar (responses, responses-2, ...), paling "
            "banyak 1.000.000 baris per lembar karena batas Excel; tidak ada baris yang "
            "terpotong."
        )
    with translation.override("en"):
        assert sheet_split_note(2_500_000, 3, 1_000_000) == (
            "2,500,000 responses split over 3 sheets (responses, responses-2, ...), at most "
            "1,000,000 rows a sheet because of Excel's limit; no row was cut off."
        )


def test_a_failed_export_is_explained_in_the_readers_language() -> None:
    job = SimpleNamespace(error="OSError")
    with translation.override("id"):
        assert export_error_text(job) == (
            "Ekspor gagal (OSError). Silakan coba lagi atau hubungi admin."
        )
    with translation.override("en"):
        assert export_error_text(job) == (
            "The export failed (OSError). Please try again or contact your administrator."
        )
    # a job that failed before this release kept its whole sentence
    old = SimpleNamespace(error="Ekspor gagal (OSError). Silakan coba lagi atau hubungi admin.")
    assert export_error_text(old) == old.error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("id", "{n} tanggapan survei {code} ditulis ke {file}"),
        ("en", "{n} responses of survey {code} written to {file}"),
    ],
)
def test_the_export_command_says_what_it_wrote_in_the_chosen_language(
    world, lang, line, tmp_path
) -> None:
    out = io.StringIO()
    target = tmp_path / "x.csv"
    with translation.override(lang):
        call_command("export", "responses", survey=world.skm.code, output=str(target), stdout=out)
    n = Response.objects.filter(survey=world.skm).count()
    assert n > 0
    assert out.getvalue().strip() == line.format(n=n, code=world.skm.code, file=target)
