"""Understanding suggestions and criticism: a remark's SKM unsur, its A of A6 and its sentiment.

For any text, :func:`classify` gives

- ``unsur``: the SKM element (PermenPAN-RB 14/2017) the remark is mainly about, ``"U1"`` ..
  ``"U9"`` in the CLI's column order of ``/work/shared/domain/skm.md`` (U1 persyaratan,
  U2 prosedur, U3 waktu, U4 biaya, U5 produk, U6 kompetensi, U7 perilaku, U8 sarana,
  U9 pengaduan), or ``None`` for a general remark ("pertahankan", "tidak ada saran");
- ``a6``: the A of the A6 concept (``concept.md``) when the remark is about a staff member's
  conduct: ``ability`` (kemampuan), ``attitude`` (sikap), ``appearance`` (penampilan),
  ``attention`` (perhatian), ``action`` (tindakan), ``accountability`` (tanggung jawab), else
  ``None``;
- ``sentiment``: ``positif``, ``negatif`` or ``netral``;

each with a confidence in [0, 1] (the model's probability of the label it chose).

How: :mod:`prima.remarks.text` normalises the text (slang, repeated letters), stems it with a
light affix stripper of its own, marks negation ("tidak lama" -> NEG_lama) and requests
("mohon lebih ramah lagi" is a criticism), and counts word-list matches
(:mod:`prima.remarks.lexicon`); three multinomial logistic regressions
(:mod:`prima.remarks.model`), trained on the labelled set shipped in ``data/remarks.csv``,
weigh those features. Everything runs on the CPU from files inside the package, fetches nothing
and imports no Django. The same text always gets the same labels.

Bad input never fails: an empty or whitespace-only text (or one without any letter or digit)
is ``netral`` with no unsur and no A, confidence 1; a text in another language gets the labels
its words support; a very long text is read up to its first 2,000 characters.

The cross-validated figures and the design are in ``docs/remarks.md``; ``scripts/
evaluate_remarks.py`` reproduces them and ``scripts/train_remarks.py`` regenerates the weights.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from prima.remarks.model import LinearModel, train
from prima.remarks.text import features

UNSUR_CODES = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
A6_KEYS = ("ability", "attitude", "appearance", "attention", "action", "accountability")
SENTIMENTS = ("positif", "negatif", "netral")
NONE = "none"  # the class name of "no unsur" / "no A" inside the models
TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENTS,
    "unsur": (NONE, *UNSUR_CODES),
    "a6": (NONE, *A6_KEYS),
}
DATA = Path(__file__).resolve().parent / "data"
DATASET = DATA / "remarks.csv"
WEIGHTS = DATA / "weights.npz"

__all__ = [
    "A6_KEYS",
    "SENTIMENTS",
    "UNSUR_CODES",
    "Example",
    "Label",
    "classify",
    "classify_many",
    "fit",
    "load_examples",
    "save_models",
    "summarise",
]


@dataclass(frozen=True)
class Label:
    """The labels of one text and the confidence (probability) of each."""

    unsur: str | None
    a6: str | None
    sentiment: str
    unsur_confidence: float
    a6_confidence: float
    sentiment_confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "unsur": self.unsur,
            "a6": self.a6,
            "sentiment": self.sentiment,
            "confidence": {
                "unsur": round(self.unsur_confidence, 4),
                "a6": round(self.a6_confidence, 4),
                "sentiment": round(self.sentiment_confidence, 4),
            },
        }


BLANK = Label(None, None, "netral", 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Example:
    """One row of the labelled set (``unsur`` / ``a6`` ``None`` for "none")."""

    text: str
    unsur: str | None
    a6: str | None
    sentiment: str
    pair: str = ""
    lang: str = "id"

    def label(self, task: str) -> str:
        value = {"sentiment": self.sentiment, "unsur": self.unsur, "a6": self.a6}[task]
        return value or NONE


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as a formula (as ``prima.transfers.export_cells``):
``prima text corrections`` writes such a text with a leading ``'``, dropped on reading."""


def load_examples(path: str | Path = DATASET) -> list[Example]:
    """The labelled set: a CSV with columns text, unsur, a6, sentiment (optionally pair: the id
    shared by the two sides of a negation pair, and lang: id or en); blank unsur / a6 mean
    none. A corrections file (``prima text corrections``) has the same shape; a text quoted
    against formula injection (``'=...``) is read without its quote."""
    out: list[Example] = []
    with open(path, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            unsur = (row.get("unsur") or "").strip() or None
            a6 = (row.get("a6") or "").strip() or None
            sentiment = (row.get("sentiment") or "").strip()
            if unsur is not None and unsur not in UNSUR_CODES:
                raise ValueError(f"{path}, row {i}: unsur {unsur!r} is not U1..U9 or blank")
            if a6 is not None and a6 not in A6_KEYS:
                raise ValueError(f"{path}, row {i}: a6 {a6!r} is not one of {A6_KEYS}")
            if sentiment not in SENTIMENTS:
                raise ValueError(f"{path}, row {i}: sentiment {sentiment!r} is not {SENTIMENTS}")
            pair = (row.get("pair") or "").strip()
            lang = (row.get("lang") or "").strip() or "id"
            text = row["text"]
            if text[:1] == "'" and text[1:2] and text[1] in FORMULA_STARTS:
                text = text[1:]
            out.append(Example(text, unsur, a6, sentiment, pair, lang))
    return out


def fit(examples: Sequence[Example]) -> dict[str, LinearModel]:
    """The three models trained on ``examples``."""
    samples = [features(e.text) for e in examples]
    return {
        task: train(samples, [e.label(task) for e in examples], classes)
        for task, classes in TASKS.items()
    }


def save_models(models: dict[str, LinearModel], path: str | Path = WEIGHTS) -> None:
    """Write the models as one NPZ (float32 weights, feature names, classes)."""
    arrays: dict[str, Any] = {}
    for task, m in models.items():
        names = sorted(m.index, key=m.index.__getitem__)
        arrays[f"{task}_names"] = np.array(names, dtype=str)
        arrays[f"{task}_classes"] = np.array(m.classes, dtype=str)
        arrays[f"{task}_weights"] = m.weights.astype(np.float32)
        arrays[f"{task}_bias"] = m.bias.astype(np.float32)
    np.savez_compressed(path, **arrays)


@lru_cache(maxsize=1)
def _models() -> dict[str, LinearModel]:
    with np.load(WEIGHTS, allow_pickle=False) as data:
        out = {}
        for task in TASKS:
            names = [str(n) for n in data[f"{task}_names"]]
            out[task] = LinearModel(
                tuple(str(c) for c in data[f"{task}_classes"]),
                {n: i for i, n in enumerate(names)},
                data[f"{task}_weights"].astype(np.float64),
                data[f"{task}_bias"].astype(np.float64),
            )
    return out


def classify(text: str | None, models: dict[str, LinearModel] | None = None) -> Label:
    """The labels of one text (see the module docstring); never raises on any string."""
    if text is None or not text.strip():
        return BLANK
    feats = features(text)
    if not feats:
        return BLANK
    m = models or _models()
    sentiment, sp = m["sentiment"].predict(feats)
    unsur, up = m["unsur"].predict(feats)
    a6, ap = m["a6"].predict(feats)
    return Label(
        None if unsur == NONE else unsur,
        None if a6 == NONE else a6,
        sentiment,
        up,
        ap,
        sp,
    )


def classify_many(texts: Iterable[str | None]) -> list[Label]:
    return [classify(t) for t in texts]


def summarise(labels: Iterable[Label]) -> dict[str, Any]:
    """Counts per unsur and per A (each with its sentiments) and per sentiment."""

    def empty() -> dict[str, int]:
        return {"n": 0, "positif": 0, "negatif": 0, "netral": 0}

    unsur = {code: empty() for code in UNSUR_CODES}
    a6 = {key: empty() for key in A6_KEYS}
    sentiment = dict.fromkeys(SENTIMENTS, 0)
    for label in labels:
        sentiment[label.sentiment] += 1
        for table, key in ((unsur, label.unsur), (a6, label.a6)):
            if key is not None:
                table[key]["n"] += 1
                table[key][label.sentiment] += 1
    return {"unsur": unsur, "a6": a6, "sentiment": sentiment}
