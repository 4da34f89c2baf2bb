"""Messages in Bahasa Indonesia by default, English on request; the rich text output of every verb
(decimal comma in Bahasa Indonesia)."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import assert_input_error, csv_text
from tests.cli.test_json_contract import IKM_HEADER, IKM_ROWS, PAIR_HEADER, PAIR_ROWS


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "survei.csv"
    path.write_text(csv_text(["nps"], [[9], [12]]))
    return path


def test_messages_default_to_bahasa_indonesia(prima, bad_file):
    line = assert_input_error(prima("analyze", "nps", bad_file))
    assert line == f'prima: error: {bad_file}, baris 3, kolom nps: nilai "12" di luar skala 0-10'


def test_lang_en(prima, bad_file):
    line = assert_input_error(prima("--lang", "en", "analyze", "nps", bad_file))
    assert (
        line == f'prima: error: {bad_file}, row 3, column nps: value "12" is outside the scale 0-10'
    )


def test_prima_lang_environment(prima, bad_file, monkeypatch):
    monkeypatch.setenv("PRIMA_LANG", "en")
    line = assert_input_error(prima("analyze", "nps", bad_file))
    assert "row 3, column nps" in line
    assert "baris" not in line
    # --lang wins over the environment
    line = assert_input_error(prima("--lang", "id", "analyze", "nps", bad_file))
    assert "baris 3, kolom nps" in line


def test_unknown_prima_lang_falls_back_to_indonesian(prima, bad_file, monkeypatch):
    monkeypatch.setenv("PRIMA_LANG", "fr_FR.UTF-8")
    assert "baris 3" in assert_input_error(prima("analyze", "nps", bad_file))


def test_every_message_kind_is_translated(tmp_path, prima):
    path = tmp_path / "x.csv"
    path.write_text("U1\n")
    assert "berkas hanya berisi baris judul" in assert_input_error(prima("analyze", "ikm", path))
    assert "header row but no respondents" in assert_input_error(
        prima("--lang", "en", "analyze", "ikm", path)
    )
    path.write_text("a.harapan,b\n1,2\n")
    assert "pasangannya" in assert_input_error(prima("analyze", "gap", path))
    assert "is present but its pair" in assert_input_error(
        prima("--lang", "en", "analyze", "gap", path)
    )


# -- rich text output ------------------------------------------------------------------------------
@pytest.fixture
def files(tmp_path):
    ikm = tmp_path / "ikm.csv"
    ikm.write_text(csv_text(IKM_HEADER, IKM_ROWS))
    pairs = tmp_path / "pairs.csv"
    weights = [[50, 50], [20, 80], [100, 0], [None, None]]
    rows = [[*r, *w] for r, w in zip(PAIR_ROWS, weights, strict=True)]
    pairs.write_text(csv_text([*PAIR_HEADER, "W.a", "W.b"], rows))
    instrument = tmp_path / "i.json"
    items = [{"id": "X1", "dimension": "a"}, {"id": "X2", "dimension": "a"}]
    items.append({"id": "X3", "dimension": "b"})
    instrument.write_text(json.dumps({"name": "uji", "scale": [1, 5], "items": items}))
    nps = tmp_path / "nps.csv"
    nps.write_text(csv_text(["nps"], [[10], [9], [8], [7], [6], [0], [None], [9]]))
    return {"ikm": ikm, "pairs": pairs, "instrument": instrument, "nps": nps}


TEXT_CASES = {
    # verb: (arguments after the verb, a number as the Indonesian table prints it)
    "ikm": (["ikm"], "3,389"),  # IKM 61/18
    "gap": (["gap", "pairs", "--instrument", "instrument"], "-1,50"),  # X1
    "servqual": (["servqual", "pairs", "--instrument", "instrument"], "0,63"),  # 0.625 half-up
    "ipa": (["ipa", "pairs"], "66,67"),  # conformity of X1
    "csi": (["csi", "pairs"], "76,80"),
    "nps": (["nps"], "14,3"),
    "alpha": (["alpha", "pairs"], "0,188"),  # alpha 0.1875, half-up
    "sample-size": (["sample-size", "--population", "100"], "79,51"),
}


@pytest.mark.parametrize("verb", list(TEXT_CASES))
def test_text_output_of_every_verb(prima, files, verb):
    words, number = TEXT_CASES[verb]
    if verb == "sample-size":
        args = words
    else:
        file_key = words[1] if len(words) > 1 else words[0]
        rest = [files.get(w, w) for w in words[2:]]
        args = ["analyze", words[0], files[file_key], *rest]
    run = prima(*args)
    assert run.code == 0, run.err
    assert run.err == ""
    assert not run.out.lstrip().startswith("{")
    assert number in run.out
    english = prima("--lang", "en", *args)
    assert english.code == 0
    assert number.replace(",", ".") in english.out
    assert number not in english.out


def test_text_output_labels_follow_the_language(prima, files):
    indonesian = prima("analyze", "ikm", files["ikm"]).out
    assert "Mutu" in indonesian
    assert "Baik" in indonesian
    english = prima("--lang", "en", "analyze", "ikm", files["ikm"]).out
    assert "Grade" in english
    gap = prima("analyze", "gap", files["pairs"]).out
    assert "Tidak memuaskan" in gap
    assert "Sangat memuaskan" in gap
    assert "Not satisfying" in prima("--lang", "en", "analyze", "gap", files["pairs"]).out
    ipa = prima("analyze", "ipa", files["pairs"]).out
    assert "Prioritas Utama" in ipa
    assert "Concentrate here" in prima("--lang", "en", "analyze", "ipa", files["pairs"]).out
