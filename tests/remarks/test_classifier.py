"""The remark classifier (prima.remarks): negation, hedges, slang, stability and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prima import remarks
from prima.remarks.text import MAX_CHARS, features, normalise, stem, tokens

ROOT = Path(__file__).resolve().parents[2]


def label(text: str) -> remarks.Label:
    return remarks.classify(text)


# -- the issue's own examples -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "sentiment", "unsur"),
    [
        ("antreannya tidak lama", "positif", "U3"),
        ("antreannya lama", "negatif", "U3"),
        ("petugas tidak ramah", "negatif", "U7"),
        ("petugas ramah", "positif", "U7"),
        ("tidak dipungut biaya", "positif", "U4"),
        ("mohon lebih ramah lagi", "negatif", "U7"),
        ("pertahankan", "positif", None),
    ],
)
def test_issue_examples(text: str, sentiment: str, unsur: str | None) -> None:
    got = label(text)
    assert (got.sentiment, got.unsur) == (sentiment, unsur)


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("petugasnya jutek", "negatif"),
        ("syaratnya ribet bgt", "negatif"),
        ("syaratnya gk ribet", "positif"),
        ("antrinya ga lama", "positif"),
        ("antrinya lamaaaa bgt", "negatif"),
        ("petugas nggak sopan", "negatif"),
        ("petugas tdk ramah", "negatif"),
        ("petugasnya ramah bgt", "positif"),
    ],
)
def test_slang(text: str, sentiment: str) -> None:
    assert label(text).sentiment == sentiment


def test_slang_maps_to_the_standard_word() -> None:
    assert tokens("gk ga nggak tdk bgt") == ["tidak"] * 4 + ["banget"]
    assert normalise("lamaaaa cepat-cepat cepat2") == "lama cepat cepat"


def test_negation_marks_the_next_content_words_only() -> None:
    names = set(features("antrean tidak terlalu lama, petugas ramah"))
    assert "w:NEG_lama" in names  # "terlalu" passed over
    assert "w:ramah" in names  # the comma ends the reach
    assert "w:NEG_ramah" not in names
    names = set(features("tidak ramah tapi cepat"))
    assert {"w:NEG_ramah", "w:cepat"} <= names
    assert "w:NEG_cepat" not in names


def test_negated_polarity_counts_for_the_other_side() -> None:
    assert features("petugas tidak ramah")["pol-"] >= 1
    assert features("petugas tidak ramah")["pol+"] == 0
    assert features("antrean tidak lama")["pol+"] == 1
    assert features("kurang dari 15 menit")["neg"] == 0  # "less than", not a negation


def test_a_negator_is_read_through_what_it_negates() -> None:
    # a negated criticism word ("tidak ada" passes over "ada") is praise: the negator is NOT+
    f = features("Hasilnya tidak ada kekeliruan")
    assert (f["neg+"], f["neg"], f["pol+"], f["pol-"]) == (1, 0, 1, 0)
    assert "w:NOT+" in f
    assert "w:tidak" not in f
    # a negated praise word or modal is criticism: NOT-
    f = features("petugas tidak ramah")
    assert (f["neg-"], f["neg"], f["pol-"]) == (1, 0, 1)
    assert "w:NOT-" in f
    assert features("The officer could not answer my questions")["neg-"] == 1
    # nothing polar in its scope: the negator stays itself
    f = features("tidak ada petugas di loket")
    assert (f["neg"], f["neg+"], f["neg-"]) == (1, 0, 0)
    assert "w:tidak" in f
    # a word whose stem is a negator's is not one ("kekurangan" -> "kurang")
    assert features("tidak ada kekurangan")["neg"] + features("tidak ada kekurangan")["neg+"] == 1
    # every spelling of the negators
    for negator in ("tidak", "tak", "gak", "gk", "ga", "nggak", "enggak", "tdk"):
        assert features(f"antreannya {negator} lama")["neg+"] == 1, negator


def test_a_stated_capability_is_praise_a_wished_or_asked_one_is_not() -> None:
    assert features("petugas bisa menjawab pertanyaan saya")["pol+"] == 1
    with_modal = features("pegawainya mampu menjelaskan aturannya")["pol+"]
    assert with_modal == features("pegawainya menjelaskan aturannya")["pol+"] + 1
    assert features("formulir dapat diunggah online")["pol+"] == 1
    assert features("saya dapat nomor antrean")["pol+"] == 0  # "got", not "can"
    assert features("apakah bisa dilayani hari sabtu?")["pol+"] == 0  # a question
    assert features("sebaiknya bisa lewat aplikasi")["pol+"] == 0  # a wish
    assert features("saya mau tanya syaratnya")["pol+"] == 0  # will, not capability
    f = features("petugas tidak bisa menjawab")
    assert (f["pol+"], f["pol-"]) == (0, 1)


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        # written for this test, not in the labelled set
        ("Hasilnya tidak ada kekeliruan", "positif"),
        ("Kartunya tidak ada cacat", "positif"),
        ("Aplikasinya tanpa error", "positif"),
        ("Staf mampu menjawab semua pertanyaan", "positif"),
        ("Operatornya gk bisa bantu", "negatif"),
        ("Pegawainya gak bisa jelasin", "negatif"),
        ("The officer cannot help", "negatif"),
        ("Petugas tidak minta uang kopi", "positif"),
        ("Apakah bisa dilayani hari Sabtu?", "netral"),
    ],
)
def test_negation_and_capability_on_new_remarks(text: str, sentiment: str) -> None:
    assert label(text).sentiment == sentiment


def test_request_turns_praise_words_into_criticism() -> None:
    f = features("mohon lebih ramah lagi")
    assert (f["req_improve"], f["pol_req"], f["pol+"]) == (1, 1, 0)


def test_stemmer_sends_forms_of_one_word_to_one_key() -> None:
    assert stem("keramahan") == stem("ramah") == "ramah"
    assert stem("menunggu") == stem("tunggu")
    assert stem("dipungut") == stem("pungutan") == "pungut"
    assert stem("penjelasan") == stem("menjelaskan") == "jelas"


# -- the labelled set ---------------------------------------------------------------------------
def test_labelled_set_covers_every_class() -> None:
    examples = remarks.load_examples()
    assert sum(e.lang == "id" for e in examples) >= 600
    assert sum(e.lang == "en" for e in examples) >= 20
    assert {e.unsur for e in examples} == {None, *remarks.UNSUR_CODES}
    assert {e.a6 for e in examples} == {None, *remarks.A6_KEYS}
    assert {e.sentiment for e in examples} == set(remarks.SENTIMENTS)
    texts = [e.text.lower() for e in examples]
    assert len(texts) == len(set(texts))


def test_every_negation_pair_is_right() -> None:
    pairs: dict[str, list[remarks.Example]] = {}
    for e in remarks.load_examples():
        if e.pair:
            pairs.setdefault(e.pair, []).append(e)
    assert len(pairs) >= 20
    for name, members in pairs.items():
        assert len(members) == 2, name
        assert {m.sentiment for m in members} == {"positif", "negatif"}, name
        for m in members:
            assert label(m.text).sentiment == m.sentiment, (name, m.text)


def test_shipped_weights_are_those_the_training_script_makes(tmp_path: Path) -> None:
    out = tmp_path / "weights.npz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_remarks.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    import numpy as np

    with np.load(out) as fresh, np.load(remarks.WEIGHTS) as shipped:
        assert sorted(fresh.files) == sorted(shipped.files)
        for name in fresh.files:
            if fresh[name].dtype.kind == "f":  # the same up to the last bits of float32
                assert np.allclose(fresh[name], shipped[name], atol=1e-5), name
            else:
                assert np.array_equal(fresh[name], shipped[name]), name


def test_labels_are_stable_across_runs() -> None:
    texts = [e.text for e in remarks.load_examples()[:60]]
    first = [label(t) for t in texts]
    code = (
        "import json, sys\n"
        "from prima import remarks\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([remarks.classify(t).as_dict() for t in texts]))\n"
    )
    import json

    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == [f.as_dict() for f in first]


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", " ", "\n\t  ", None, "...", "?!"])
def test_empty_texts_are_neutral_without_unsur(text: str | None) -> None:
    assert label(text) == remarks.Label(None, None, "netral", 1.0, 1.0, 1.0)  # type: ignore[arg-type]


def test_long_text_is_truncated_not_rejected() -> None:
    head = "petugas tidak ramah. "
    long = head + "kata " * 10_000 + "petugas sangat ramah sekali dan sopan"
    assert len(long) > MAX_CHARS * 20
    assert features(long) == features(long[:MAX_CHARS])
    assert label(long).sentiment in remarks.SENTIMENTS


@pytest.mark.parametrize(
    "text", ["这是中文评论", "Das Personal war sehr freundlich", "😀😀😀", "٣٤٥"]
)
def test_other_languages_never_fail(text: str) -> None:
    got = label(text)
    assert got.sentiment in remarks.SENTIMENTS


def test_english_remarks() -> None:
    assert label("The staff were not friendly").sentiment == "negatif"
    assert label("The queue was not long").sentiment == "positif"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_valid_label(text: str) -> None:
    got = label(text)
    assert got.unsur is None or got.unsur in remarks.UNSUR_CODES
    assert got.a6 is None or got.a6 in remarks.A6_KEYS
    assert got.sentiment in remarks.SENTIMENTS
    for c in (got.unsur_confidence, got.a6_confidence, got.sentiment_confidence):
        assert 0.0 <= c <= 1.0


def test_summary_counts() -> None:
    labels = [
        remarks.Label("U3", None, "negatif", 1, 1, 1),
        remarks.Label("U3", None, "positif", 1, 1, 1),
        remarks.Label("U7", "attitude", "negatif", 1, 1, 1),
        remarks.Label(None, None, "netral", 1, 1, 1),
    ]
    s = remarks.summarise(labels)
    assert s["unsur"]["U3"] == {"n": 2, "positif": 1, "negatif": 1, "netral": 0}
    assert s["unsur"]["U7"] == {"n": 1, "positif": 0, "negatif": 1, "netral": 0}
    assert s["unsur"]["U1"]["n"] == 0
    assert s["a6"]["attitude"] == {"n": 1, "positif": 0, "negatif": 1, "netral": 0}
    assert s["sentiment"] == {"positif": 1, "negatif": 2, "netral": 1}


def test_bad_labelled_file_names_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("text,unsur,a6,sentiment\nok,U1,,positif\nx,U10,,positif\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 3"):
        remarks.load_examples(bad)


def test_holdout_is_never_trained_on() -> None:
    trained = {e.text.strip().lower() for e in remarks.load_examples()}
    holdout = remarks.load_examples(remarks.DATA / "holdout.csv")
    assert len(holdout) >= 20
    assert not trained & {e.text.strip().lower() for e in holdout}


def test_fixed_phrases() -> None:
    assert tokens("luar biasa, terima kasih") == ["luarbiasa", ",", "terimakasih"]
    assert label("Biasa saja").sentiment == "netral"
    assert label("Luar biasa").sentiment == "positif"
