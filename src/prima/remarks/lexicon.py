"""Hand-written word lists of the remark classifier (surface forms; stemmed when loaded).

Everything here was written for Prima from the meanings in the domain texts:
``/work/shared/domain/skm.md`` (the nine unsur of PermenPAN-RB 14/2017, U1 persyaratan ..
U9 penanganan pengaduan, numbered as the CLI's columns) and ``concept.md`` (the six A's:
ability/kemampuan, attitude/sikap, appearance/penampilan, attention/perhatian, action/tindakan,
accountability/tanggung jawab). The lists only *suggest*: each match becomes a feature of the
trained linear model (:mod:`prima.remarks.model`), which weighs it against the words and word
pairs it learned from the labelled set.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The words of a list written as text (one or more to a line)."""
    return frozenset(text.split())


# informal spelling -> standard form, applied to whole tokens before stemming
SLANG: dict[str, str] = {
    # negation
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "g": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "kagak": "tidak",
    "tdk": "tidak",
    "tdak": "tidak",
    "tak": "tidak",
    "ndak": "tidak",
    "blm": "belum",
    "blum": "belum",
    "bkn": "bukan",
    "krg": "kurang",
    "kurg": "kurang",
    "tnp": "tanpa",
    # intensifiers and little words
    "bgt": "banget",
    "bngt": "banget",
    "bangettt": "banget",
    "sgt": "sangat",
    "bgs": "bagus",
    "sdh": "sudah",
    "udah": "sudah",
    "udh": "sudah",
    "dah": "sudah",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "jd": "jadi",
    "aja": "saja",
    "aj": "saja",
    "sy": "saya",
    "tp": "tapi",
    "tpi": "tapi",
    "lg": "lagi",
    "lbh": "lebih",
    "hrs": "harus",
    "bs": "bisa",
    "pd": "pada",
    "trs": "terus",
    "mhn": "mohon",
    "tlg": "tolong",
    "tolonglah": "tolong",
    "mohonlah": "mohon",
    "makasih": "terimakasih",
    "makasi": "terimakasih",
    "trims": "terimakasih",
    "tks": "terimakasih",
    "thx": "terimakasih",
    # informal words for the service
    "cepet": "cepat",
    "cpt": "cepat",
    "lemot": "lelet",
    "lama2": "lama",
    "antri": "antre",
    "antrian": "antrean",
    "ngantri": "antre",
    "ngantre": "antre",
    "nunggu": "tunggu",
    "nungguin": "tunggu",
    "pinter": "pintar",
    "ngerti": "mengerti",
    "ramahh": "ramah",
    "sopn": "sopan",
    "jutex": "jutek",
    "judes": "jutek",
    "ketus": "jutek",
    "cemberut": "jutek",
    "ribed": "ribet",
    "mbulet": "ribet",
    "bertele": "ribet",
    "muter": "ribet",
    "dipersulit": "ribet",
    "gampang": "mudah",
    "simpel": "mudah",
    "mahal2": "mahal",
    "duit": "uang",
    "hp": "ponsel",
    "wc": "toilet",
    "keluhan": "keluh",
    "komplain": "keluh",
    "complain": "keluh",
    "mantab": "mantap",
    "mantul": "mantap",
    "oke": "ok",
    "okay": "ok",
    "okey": "ok",
    "gratiss": "gratis",
    "kelamaan": "lama",
    "maf": "maaf",
    "nihil": "tidak ada",
    # English negation
    "not": "tidak",
    "no": "tidak",
    "never": "tidak",
    "without": "tanpa",
    "cannot": "can tidak",
    "ca": "can",  # "can't" -> "ca not"
    "wo": "will",  # "won't" -> "wo not"
}

# negators: flip the next content words (prima.remarks.text.features)
NEGATORS = frozenset({"tidak", "bukan", "belum", "tanpa", "kurang"})
# words a negation passes over without spending its reach ("tidak terlalu lama")
NEGATION_SKIP = frozenset(
    {
        "terlalu",
        "begitu",
        "sangat",
        "pernah",
        "perlu",
        "ada",
        "akan",
        "mau",
        "yang",
        "di",
        "ke",
        "dari",
        "untuk",
        "lagi",
        "juga",
        "sama",
        "sekali",
        "banget",
        "usah",
        "harus",
        "was",
        "were",
        "is",
        "are",
        "the",
        "a",
        "very",
        "too",
        "so",
        "be",
    }
)
# modals whose negation is an inability or a refusal ("tidak bisa menjawab", "tidak mau")
ABILITY_MODALS = frozenset(
    {"bisa", "mau", "mampu", "sanggup", "sempat", "dapat", "can", "could", "will", "would"}
)
# the modals among them that state a capability: not negated, in a statement, praise
CAPABILITY = frozenset({"bisa", "mampu", "sanggup", "dapat", "can", "could"})
# a clause after these states what was promised or expected
CONTRASTS = frozenset({"padahal", "although"})
# a remark that starts with one of these asks something
QUESTIONS = frozenset(
    {
        "apakah",
        "apa",
        "kapan",
        "berapa",
        "bagaimana",
        "mengapa",
        "kenapa",
        "siapa",
        "dimana",
        "mana",
        "bisakah",
        "bolehkah",
        "how",
        "what",
        "when",
        "where",
        "why",
        "is",
        "can",
    }
)
# words that end a negation's reach
NEGATION_STOP = frozenset(
    {
        "tapi",
        "tetapi",
        "namun",
        "dan",
        "padahal",
        "sedangkan",
        "melainkan",
        "karena",
        "jadi",
        "sehingga",
        "malah",
        "but",
        "and",
        "because",
    }
)
# requests and hedges: with a comparative or an improvement they make a criticism
REQUESTS = frozenset(
    {
        "mohon",
        "tolong",
        "harap",
        "harapan",
        "sebaiknya",
        "seharusnya",
        "hendaknya",
        "semoga",
        "agar",
        "supaya",
        "jangan",
        "please",
        "should",
        "perlu",
        "mestinya",
    }
)
IMPROVEMENTS = frozenset(
    {
        "lebih",
        "lagi",
        "tingkat",
        "baik",  # "diperbaiki" stems to "baik" after "per": see text.IMPROVE_FORMS
        "sedia",
        "tambah",
        "sederhana",
        "cepat",
        "perjelas",
        "more",
        "better",
    }
)
# surface forms that ask for improvement on their own (checked before stemming)
IMPROVE_FORMS = frozenset(
    {
        "tingkatkan",
        "ditingkatkan",
        "peningkatan",
        "perbaiki",
        "diperbaiki",
        "perbaikan",
        "disediakan",
        "ditambah",
        "disederhanakan",
        "dipercepat",
        "dipersingkat",
        "diperjelas",
        "improve",
        "improved",
    }
)
KEEP = frozenset(
    {"pertahankan", "dipertahankan", "tetap", "terus", "konsisten", "keep", "maintain"}
)

POSITIVE = words(
    """
    ramah sopan santun sabar senyum tersenyum menyapa bersahabat cepat sebentar singkat
    mudah jelas bagus baik puas memuaskan nyaman bersih gratis murah terjangkau wajar lancar
    tertib rapi sigap cekatan tanggap responsif kompeten profesional paham mengerti menguasai
    pintar terampil cakap berpengalaman mantap keren top hebat sesuai tepat praktis membantu
    memudahkan peduli perhatian memperhatikan akurat lengkap jujur amanah transparan efisien
    sejuk luas aman wangi modern terawat adil disiplin sukses pertahankan terimakasih benar
    memadai didahulukan ditanggapi ditindaklanjuti didengar diselesaikan menepati bertanggung
    solusi luarbiasa asik asyik enak
    friendly helpful polite fast quick easy clear clean comfortable free great good thank
    thanks excellent cheap neat cared handled explained
    """
)
NEGATIVE = words(
    """
    lama lambat lelet molor terlambat ribet rumit berbelit sulit susah bingung
    membingungkan jutek galak kasar cuek marah membentak mahal pungli pungut pungutan calo
    pelicin kotor bau panas gerah sempit sumpek rusak error mati hilang salah keliru buruk
    jelek kecewa mengecewakan parah payah lempar malas berdesakan licin padam bocor kurang
    cacat typo hambatan terhambat kekeliruan kesalahan
    bolak dioper dipingpong menumpuk repot merepotkan memberatkan berat mengelupas buram
    luntur tertukar panjang jorok kosong kacau gagal kendala berhenti macet hang down gangguan menyalahkan menyela emosi membeda tidak
    slow long rude dirty hot crowded expensive confusing bad lost misspelled unofficial
    small never
    """
)

# unsur keywords (PermenPAN-RB 14/2017; U1..U9 as the CLI's columns, skm.md)
UNSUR: dict[str, frozenset[str]] = {
    "U1": words(
        """syarat persyaratan berkas dokumen fotokopi ktp kk formulir legalisir materai
        pengantar lampiran kelengkapan administrasi requirement requirements documents
        required"""
    ),
    "U2": words(
        """prosedur alur mekanisme sistem aplikasi online daftar pendaftaran website tahapan
        tahap cara verifikasi berbelit ribet rumit meja nomor procedure registration
        online"""
    ),
    "U3": words(
        """waktu lama cepat lambat lelet antre antrean tunggu menunggu jam hari minggu molor
        terlambat selesai tepat dipercepat buka tutup queue wait waiting fast slow
        minutes"""
    ),
    "U4": words(
        """biaya bayar membayar gratis tarif mahal murah pungli pungut pungutan uang calo
        pelicin retribusi kuitansi ongkos transfer tunai fee pay charge free
        expensive"""
    ),
    "U5": words(
        """hasil produk sertifikat cetak cetakan blanko kartu akta ketik salah data
        spesifikasi standar terbit paspor izin certificate misspelled card"""
    ),
    "U6": words(
        """paham kompeten kompetensi menguasai pintar terampil cakap menjelaskan penjelasan
        jelaskan keahlian kemampuan profesional pelatihan bingung mengerti menjawab
        understand explained skilled"""
    ),
    "U7": words(
        """ramah sopan santun jutek galak kasar senyum sikap sabar membentak ketus
        keramahan perilaku penampilan seragam rapi pakaian cuek peduli sigap cekatan
        friendly polite rude uniform"""
    ),
    "U8": words(
        """ruang ruangan kursi toilet parkir ac panas gerah bersih kotor nyaman mushola
        wifi fasilitas gedung sarana prasarana listrik lantai layar tempat air kipas
        sejuk sampah toilets parking room seats"""
    ),
    "U9": words(
        """pengaduan aduan keluh saran masukan lapor laporan tanggapan ditanggapi respon
        tindaklanjut kotak admin dibalas membalas survei complaint responsibility"""
    ),
}

# the A of A6 when a remark is about a staff member's conduct (concept.md)
A6: dict[str, frozenset[str]] = {
    "ability": words(
        """paham kompeten kompetensi menguasai pintar terampil cakap menjelaskan penjelasan
        keahlian kemampuan pelatihan mengerti menjawab profesional solusi input
        understand explained"""
    ),
    "attitude": words(
        """ramah sopan santun jutek galak kasar senyum sikap sabar membentak keramahan
        marah emosi menyela membeda adil friendly polite rude"""
    ),
    "appearance": words(
        """penampilan berpenampilan seragam rapi pakaian berpakaian sandal kaos pengenal
        nametag merokok uniform uniforms neat"""
    ),
    "attention": words(
        """perhatian memperhatikan peduli cuek mendengarkan mendengar didengar lansia
        didahulukan kebutuhan menanyakan hati cared"""
    ),
    "action": words(
        """sigap cekatan tanggap ponsel main ngobrol meninggalkan loket kosong malas
        disiplin mengantar bergerak langsung playing phone"""
    ),
    "accountability": words(
        """tanggungjawab bertanggung lempar hilang mengakui maaf menyalahkan janji
        menepati responsibility lost"""
    ),
}

# words that name a member of staff: an A needs one of them or an A word
STAFF = words(
    """petugas pegawai staf staff karyawan dokter perawat bidan satpam mbak mas admin
    officer pelaksana operator"""
)
