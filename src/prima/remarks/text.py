"""From a remark to the features of the linear model: normalise, tokenise, stem, mark negation.

1. **Normalise**: Unicode NFKC, lower case, only the first :data:`MAX_CHARS` characters (a very
   long text is truncated for the model, never rejected), runs of three or more equal letters
   cut to one ("lamaaa" -> "lama"), reduplication folded ("cepat-cepat", "cepat2" -> "cepat"),
   English "n't" -> " not".
2. **Tokens**: runs of letters and digits; punctuation that ends a clause (``, . ; ! ?``) is
   kept as a boundary. Informal spelling and slang go through :data:`~prima.remarks.lexicon.SLANG`
   ("gk", "ga", "nggak", "tdk" -> "tidak"; "bgt" -> "banget"; "judes" -> "jutek"; ...).
3. **Stem**: :func:`stem`, a light Indonesian affix stripper written for Prima (particles -lah
   -kah -pun, possessives -nya -ku -mu, suffixes -kan -an -i, prefixes me-/pe- with their nasal
   forms, ber-, ter-, per-, di-, ke-, se-), with a list of words left whole. It is not a full
   morphological analyser: it only has to send the forms of one word to one key.
4. **Negation**: a negator (tidak, bukan, belum, tanpa, kurang; English not/no/never) marks the
   next content words, up to :data:`NEGATION_REACH`, as ``NEG_<stem>``, passing over little words
   ("tidak terlalu lama" -> NEG_lama) and stopping at a clause boundary or a conjunction ("tapi",
   "dan"). A polarity word under negation counts for the other side: "antreannya tidak lama" is
   positive, "petugas tidak ramah" negative, "tidak dipungut biaya" positive, "tidak ada
   kesalahan" positive ("ada" is passed over). A negated modal of ability or will ("tidak bisa",
   "tidak mau", "belum sempat", "could not") counts as negative: in a remark on a service,
   inability and refusal are criticism. The negator itself is then read through what it
   resolved: ``NOT+`` (with the count ``neg+``) when it turned a criticism word into praise,
   ``NOT-`` (``neg-``) when it turned praise into criticism or negated a modal; only a negator
   whose scope held no polarity word ("tidak ada petugas di loket") stays itself and counts as
   ``neg``. So the word "tidak" does not pull "tidak ada kesalahan" towards
   criticism merely because most remarks with a "tidak" are critical.
5. **Requests and hedges**: a request word (mohon, tolong, harap, sebaiknya, semoga, ...) with a
   comparative or an improvement ("lebih", "lagi", "ditingkatkan", "diperbaiki", ...) makes the
   remark a criticism: its positive words count as ``pol_req`` instead ("mohon lebih ramah lagi").
   After "padahal" (a contrast with what was promised) positive words count as ``pol_expected``
   ("dipungut biaya padahal katanya gratis"). A question ("?", or apakah/kapan/berapa/... at the
   start) is marked, and so is an ability modal not negated ("bisa menjawab"). A modal of
   capability (bisa, mampu, sanggup, dapat before an affixed verb; English can/could) not
   negated, in a statement that is neither a question nor a request, counts as praise: "petugas
   bisa menjawab pertanyaan saya" says the service could do it ("apakah bisa ...?" asks,
   "sebaiknya bisa ..." wishes, "saya dapat nomor" is "got").

The features (:func:`features`) are the stems (with their negation marks), adjacent pairs of
stems, and counts from the word lists of :mod:`prima.remarks.lexicon` (polarity, unsur, A,
staff, request, keep). Pure Python, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from prima.remarks import lexicon
from prima.remarks.lexicon import words

MAX_CHARS = 2000
NEGATION_REACH = 3

_REPEATS = re.compile(r"([a-z])\1{2,}")
_REDUP_HYPHEN = re.compile(r"\b([a-z]{2,})-\1\b")
_REDUP_TWO = re.compile(r"\b([a-z]{2,})2\b")
_NT = re.compile(r"n['’]t\b")
# fixed phrases read as one word ("biasa" alone is not praise; "luar biasa" is)
PHRASES = {
    "luar biasa": "luarbiasa",
    "terima kasih": "terimakasih",
    "tanggung jawab": "tanggungjawab",
    "tindak lanjut": "tindaklanjut",
    "kamar mandi": "toilet",
    "name tag": "nametag",
    # informal payments asked by staff: an illegal levy (pungli), whatever it is called
    "uang rokok": "pungli",
    "uang kopi": "pungli",
    "uang damai": "pungli",
    "uang pelicin": "pungli",
    "uang pelancar": "pungli",
    "salam tempel": "pungli",
}
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PHRASES) + r")\b")
_TOKEN = re.compile(r"[^\W_]+|[,.;!?]", re.UNICODE)
BOUNDARY = ","

# words the stemmer leaves whole (an affix-like start or end that belongs to the word)
KEEP_WHOLE = words(
    """
    sebaiknya semoga sekali sesuai selesai sedang sering sekarang sempit senyum seragam setiap
    sehingga sejuk sebentar selalu semua serta seharusnya sepeser sedikit segala sepele berkas
    bersih perlu pernah percaya terima terlalu tertib terus ternyata terawat bertele belum
    bukan tidak kurang memang mereka meja menit pelan perawat periksa permen pertama tetapi
    tahun terjangkau kelamaan kemarin kenapa kebersihan ketik kepada keren keluh kaos kartu
    sandal pakai pakaian kuitansi lantai ramai santai pantai antre antrean selama sama
    disabilitas diagnosis lagi sini pagi tinggi beri bapak ibu daftar akurat amanah
    pertahankan penampilan perhatian pengenal pengantar pengaduan pelayanan persyaratan
    sertifikat sepeda seminar sensus server
    """
)
_SUFFIX_PARTICLE = ("lah", "kah", "tah", "pun")
_SUFFIX_POSSESSIVE = ("nya", "ku", "mu")
_SUFFIX_DERIVATION = ("kan", "an", "i")
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The key of an Indonesian word: affixes stripped, at least three letters kept.

    >>> [stem(w) for w in ("keramahan", "menunggu", "dipungut", "antreannya", "diperbaiki")]
    ['ramah', 'tunggu', 'pungut', 'antrean', 'baik']
    """
    if word in KEEP_WHOLE or len(word) <= 4 or not word.isalpha():
        return word
    w = word
    for suffix in _SUFFIX_PARTICLE:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    for suffix in _SUFFIX_POSSESSIVE:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    if w in KEEP_WHOLE:
        return w
    w, prefixed = _strip_prefix(w)
    if w in KEEP_WHOLE:
        return w
    for suffix in _SUFFIX_DERIVATION:
        if not w.endswith(suffix) or len(w) - len(suffix) < 3:
            continue
        if suffix == "i" and (not prefixed or w.endswith(("ai", "ui"))):
            continue
        w = w[: -len(suffix)]
        break
    # a second prefix ("memperbaiki" -> "perbaiki" -> "baik")
    if prefixed and w.startswith(("per", "ber", "ter")) and len(w) >= 7:
        w = w[3:]
    return w


def _strip_prefix(w: str) -> tuple[str, bool]:
    rules: tuple[tuple[str, str], ...] = (
        ("meny", "s"),
        ("peny", "s"),
        ("meng", ""),
        ("peng", ""),
        ("mem", "p"),
        ("pem", "p"),
        ("men", "t"),
        ("pen", "t"),
        ("me", ""),
        ("per", ""),
        ("pe", ""),
        ("ber", ""),
        ("be", ""),
        ("ter", ""),
        ("di", ""),
        ("ke", ""),
        ("se", ""),
    )
    for prefix, nasal in rules:
        if not w.startswith(prefix):
            continue
        rest = w[len(prefix) :]
        if len(rest) < 4:
            continue
        if nasal and rest[0] in _VOWELS:
            return nasal + rest, True
        if prefix in ("be", "me", "pe") and rest.startswith("r"):
            continue  # "ber-" / "per-" come first; "be" + "r.." is not a prefix
        return rest, True
    return w, False


def normalise(text: str) -> str:
    """Lower case, NFKC, first :data:`MAX_CHARS` characters, repeats and reduplication folded.

    >>> normalise("Antrinya LAMAAA bgt, cepat-cepat dong")
    'antrinya lama bgt, cepat dong'
    """
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])[:MAX_CHARS].lower()
    text = _NT.sub(" not", text)
    text = _REPEATS.sub(r"\1", text)
    text = _REDUP_HYPHEN.sub(r"\1", text)
    text = _REDUP_TWO.sub(r"\1", text)
    return _PHRASE.sub(lambda m: PHRASES[m[1]], text)


def tokens(text: str) -> list[str]:
    """Normalised words (slang resolved) and clause boundaries (``","``)."""
    out: list[str] = []
    for raw in _TOKEN.findall(normalise(text)):
        if raw in ",.;!?":
            if out and out[-1] != BOUNDARY:
                out.append(BOUNDARY)
            continue
        mapped = lexicon.SLANG.get(raw)
        if mapped is None and raw.endswith("nya") and len(raw) > 5:
            base = lexicon.SLANG.get(raw[:-3])  # "antriannya" -> "antrean"
            mapped = base
        if mapped is None:
            out.append(raw)
        else:
            out.extend(mapped.split())
    return out


def _stemmed(vocab: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in vocab) | vocab


POSITIVE = _stemmed(lexicon.POSITIVE)
NEGATIVE = _stemmed(lexicon.NEGATIVE) - {"tidak", "kurang"}  # negators count on their own
UNSUR = {code: _stemmed(words) for code, words in lexicon.UNSUR.items()}
A6 = {key: _stemmed(words) for key, words in lexicon.A6.items()}
STAFF = _stemmed(lexicon.STAFF)
IMPROVEMENTS = _stemmed(lexicon.IMPROVEMENTS)
KEEP = _stemmed(lexicon.KEEP)


def _capability(modal: str, following: str) -> bool:
    """Whether ``modal following`` states that something can be done ("bisa menjawab", "dapat
    diunggah", "mampu menjelaskan"): a modal of capability before a word, where "dapat" needs an
    affixed verb ("dapat nomor antrean" is "got a number")."""
    if modal not in lexicon.CAPABILITY or following == BOUNDARY or following in lexicon.NEGATORS:
        return False
    return modal != "dapat" or stem(following) != following


def features(text: str) -> Counter[str]:
    """The model's features of ``text`` (an empty Counter for an empty text).

    >>> sorted(f for f in features("antreannya tidak lama") if f.startswith(("w:", "pol", "neg")))
    ['neg+', 'pol+', 'w:NEG_lama', 'w:NOT+', 'w:antrean']
    """
    words = tokens(text)
    feats: Counter[str] = Counter()
    keys: list[str] = []  # stems with negation marks, boundaries as ","
    negate = 0
    scope = -1  # where in ``keys`` the negator of the open scope is
    negators: list[int] = []  # the places of the negators in ``keys``
    resolved: dict[int, str] = {}  # negator's place in ``keys`` -> "+" / "-" (what it made)
    request = any(w in lexicon.REQUESTS for w in words)
    contrast = False  # after "padahal": what was promised or expected, not what happened
    question = "?" in normalise(text) or any(w in lexicon.QUESTIONS for w in words[:2])
    if question:
        feats["question"] += 1
    improve = any(w in lexicon.IMPROVE_FORMS for w in words)
    for at, word in enumerate(words):
        if word == "kurang" and words[at + 1 : at + 2] == ["dari"]:
            word = "kurang_dari"  # "kurang dari 15 menit": less than, not a negation
        if word == BOUNDARY or word in lexicon.NEGATION_STOP:
            negate = 0
            contrast = contrast or word in lexicon.CONTRASTS
            keys.append(BOUNDARY)
            continue
        s = stem(word)
        following = words[at + 1] if at + 1 < len(words) else BOUNDARY
        if word in lexicon.NEGATORS:
            negate = NEGATION_REACH
            scope = len(keys)
            negators.append(scope)
            keys.append(word)
            if word == "kurang":
                feats["pol-"] += 1
                resolved[scope] = "-"
            elif following in lexicon.ABILITY_MODALS or (
                at and words[at - 1] in lexicon.ABILITY_MODALS
            ):
                # "tidak bisa", "tidak mau", "could not": inability or refusal
                feats["pol-"] += 1
                resolved[scope] = "-"
            continue
        if word in lexicon.ABILITY_MODALS and not negate:
            feats["able"] += 1  # "bisa menjawab", "dapat diunggah"
            if _capability(word, following) and not question and not request:
                feats["pol+"] += 1  # "petugas bisa menjawab": the service can do it
        if negate and word in lexicon.NEGATION_SKIP:
            keys.append(s)
            continue
        negated = negate > 0
        if negate:
            negate -= 1
        keys.append(f"NEG_{s}" if negated else s)
        if s in IMPROVEMENTS or word in IMPROVEMENTS:
            improve = True
        if s in KEEP or word in KEEP:
            feats["keep"] += 1
        positive = s in POSITIVE or word in POSITIVE
        negative = s in NEGATIVE or word in NEGATIVE
        if positive != negative:
            if negated:
                positive, negative = negative, positive
                resolved.setdefault(scope, "+" if positive else "-")
            if positive and contrast:
                feats["pol_expected"] += 1  # "dipungut biaya padahal katanya gratis"
            elif positive:
                feats["pol+"] += 1
            else:
                feats["pol-"] += 1
        for code, vocab in UNSUR.items():
            if s in vocab or word in vocab:
                feats[f"lex:{code}"] += 1
        for key, vocab in A6.items():
            if s in vocab or word in vocab:
                feats[f"lexA:{key}"] += 1
        if s in STAFF or word in STAFF:
            feats["staff"] += 1
    # A negation is read through what it negates: a negator that turned a criticism word into
    # praise ("tidak lama", "tidak ada kesalahan") or praise into criticism ("tidak ramah") is
    # named by that ("NOT+" / "NOT-"), so its own word does not pull the remark towards either
    # side; one whose scope held no polarity word ("tidak ada petugas") stays itself and counts.
    for place in negators:
        sign = resolved.get(place)
        if sign is None:
            feats["neg"] += 1
        else:
            keys[place] = f"NOT{sign}"
            feats[f"neg{sign}"] += 1
    if request:
        feats["req"] += 1
        if improve:
            feats["req_improve"] += 1
            # a request for more of a good thing is a criticism ("mohon lebih ramah lagi")
            if feats["pol+"]:
                feats["pol_req"] += feats.pop("pol+")
    elif improve:
        feats["improve"] += 1
    words_only = [k for k in keys if k != BOUNDARY]
    for k in words_only:
        feats[f"w:{k}"] = 1
    for a, b in pairwise(keys):
        if a != BOUNDARY and b != BOUNDARY:
            feats[f"b:{a}_{b}"] = 1
    if not words_only:
        return Counter()
    feats["len"] = min(len(words_only), 30) // 10
    for name in ("pol+", "pol-", "pol_req", "neg", "staff", "keep"):
        if feats[name] > 3:
            feats[name] = 3
    return feats
