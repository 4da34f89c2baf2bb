"""Texts of the public results page (``/hasil/<slug>/``) and its widget, in Bahasa Indonesia
and English."""

from __future__ import annotations

from prima.insights.publication import PRIVATE_GROUP, SMALL_GROUP

TEXT = {
    "id": {
        "title": "Hasil Survei Kepuasan Masyarakat",
        "intro": (
            "Hasil Survei Kepuasan Masyarakat (SKM) yang telah diterbitkan, dihitung menurut "
            "Peraturan Menteri PAN-RB Nomor 14 Tahun 2017. Halaman ini tidak memuat data "
            "pribadi responden."
        ),
        "empty": "Belum ada hasil survei yang diterbitkan oleh organisasi ini.",
        "empty_hint": "Hasil akan tampil di sini setelah diterbitkan oleh pengelola.",
        "contents": "Periode yang diterbitkan",
        "published_on": "Diterbitkan",
        "ikm": "IKM (nilai konversi)",
        "ikm_short": "IKM",
        "grade": "Mutu",
        "performance": "Kinerja",
        "respondents": "Responden",
        "no_respondents": "Belum ada responden pada periode ini.",
        "withheld": (
            f"Kurang dari {PRIVATE_GROUP} responden: nilainya tidak ditampilkan agar jawaban "
            "mereka tetap rahasia."
        ),
        "elements": "Nilai rata-rata (NRR) per unsur",
        "element": "Unsur",
        "nrr": "NRR",
        "converted": "Nilai konversi",
        "units": "Per unit layanan",
        "services": "Per jenis layanan",
        "none_units": "Tidak ada unit dengan responden pada periode ini.",
        "none_services": "Tidak ada jenis layanan dengan responden pada periode ini.",
        "plan": "Rencana tindak lanjut",
        "no_plan": "Belum ada rencana tindak lanjut untuk periode ini.",
        "action": "Rencana tindak lanjut",
        "scope": "Unit",
        "owner": "Penanggung jawab",
        "deadline": "Batas waktu",
        "status": "Status",
        "note": "Catatan",
        "small": (
            f"Kurang dari {SMALL_GROUP} responden: hasil ini hanya gambaran awal dan belum "
            "dapat digeneralisasi."
        ),
        "rules": (
            f"Kelompok (organisasi, unit atau jenis layanan) dengan kurang dari {SMALL_GROUP} "
            f"responden tetap ditampilkan dengan catatan, dengan kurang dari {PRIVATE_GROUP} "
            "responden hanya jumlahnya; unit dan jenis layanan tanpa responden "
            "pada periode itu tidak ditampilkan. Nilai konversi = IKM × 25; mutu A (88,31–100), "
            "B (76,61–88,30), C (65,00–76,60), D (25,00–64,99)."
        ),
        "embed_title": "Pasang di situs Anda",
        "embed_help": (
            "Salin kode berikut ke halaman situs Anda untuk menampilkan ringkasan hasil ini."
        ),
        "embed_label": "Kode sematan (iframe)",
        "details": "Lihat rincian",
        "full_page": "Lihat rincian di halaman hasil",
        "switch": "English",
        "other_lang": "en",
    },
    "en": {
        "title": "Public Satisfaction Survey Results",
        "intro": (
            "The published results of the public satisfaction survey (SKM), computed as set out "
            "in Minister of Administrative Reform Regulation 14/2017. This page holds no personal "
            "data of respondents."
        ),
        "empty": "This organization has not published any survey results yet.",
        "empty_hint": "Results appear here once the organization publishes them.",
        "contents": "Published periods",
        "published_on": "Published",
        "ikm": "IKM (converted value)",
        "ikm_short": "IKM",
        "grade": "Grade",
        "performance": "Performance",
        "respondents": "Respondents",
        "no_respondents": "No respondents in this period yet.",
        "withheld": (
            f"Fewer than {PRIVATE_GROUP} respondents: the values are not shown, so that their "
            "answers stay private."
        ),
        "elements": "Mean score (NRR) per element",
        "element": "Element",
        "nrr": "NRR",
        "converted": "Converted",
        "units": "Per service unit",
        "services": "Per service",
        "none_units": "No unit had respondents in this period.",
        "none_services": "No service had respondents in this period.",
        "plan": "Follow-up plan",
        "no_plan": "No follow-up plan for this period yet.",
        "action": "Action",
        "scope": "Unit",
        "owner": "Responsible",
        "deadline": "Deadline",
        "status": "Status",
        "note": "Note",
        "small": (
            f"Fewer than {SMALL_GROUP} respondents: this result is indicative only and cannot "
            "be generalised."
        ),
        "rules": (
            f"Groups (organization, unit or service) with fewer than {SMALL_GROUP} respondents "
            f"are shown with a note, with fewer than {PRIVATE_GROUP} only their count; units and "
            "services without respondents in the period are left out. Converted value = IKM × 25; grade A (88.31–100), B (76.61–88.30), "
            "C (65.00–76.60), D (25.00–64.99)."
        ),
        "embed_title": "Put it on your site",
        "embed_help": "Copy this code into a page of your site to show a summary of these results.",
        "embed_label": "Embed code (iframe)",
        "details": "Show details",
        "full_page": "See the details on the results page",
        "switch": "Bahasa Indonesia",
        "other_lang": "id",
    },
}


def results_text(lang: str) -> dict[str, str]:
    return TEXT["en" if lang == "en" else "id"]
