"""Texts of the public survey pages in Bahasa Indonesia and English."""

from __future__ import annotations

TEXT = {
    "id": {
        "intro": "Bantu kami meningkatkan pelayanan. Survei ini anonim dan hanya perlu beberapa menit.",
        "required": "wajib",
        "unit": "Unit layanan yang Anda kunjungi",
        "choose": "Pilih…",
        "profile": "Tentang Anda (tidak wajib)",
        "suggestion": "Saran dan masukan (tidak wajib)",
        "contact": "Boleh kami menghubungi Anda untuk tindak lanjut? (tidak wajib)",
        "name": "Nama",
        "phone": "Nomor telepon",
        "email": "Email",
        "consent": "Saya setuju data kontak ini disimpan dan digunakan hanya untuk menindaklanjuti masukan saya.",
        "submit": "Kirim jawaban",
        "errors": "Ada jawaban yang perlu diperbaiki:",
        "closed": "Survei ini sedang tidak menerima tanggapan.",
        "bad_link": "Tautan survei ini tidak sah atau telah diubah. Anda tetap dapat mengisi survei.",
        "thanks_title": "Terima kasih!",
        "thanks": "Jawaban Anda telah kami terima dan akan membantu kami memperbaiki pelayanan.",
        "switch": "English",
        "language": "Bahasa",
        "expectation_note": "Untuk setiap pernyataan, nilai dulu harapan Anda, lalu kinerja yang Anda alami.",
    },
    "en": {
        "intro": "Help us improve our service. This survey is anonymous and takes a few minutes.",
        "required": "required",
        "unit": "The service unit you visited",
        "choose": "Choose…",
        "profile": "About you (optional)",
        "suggestion": "Suggestions and feedback (optional)",
        "contact": "May we contact you to follow up? (optional)",
        "name": "Name",
        "phone": "Phone number",
        "email": "Email",
        "consent": "I agree that these contact details are kept and used only to follow up my feedback.",
        "submit": "Send answers",
        "errors": "Some answers need to be corrected:",
        "closed": "This survey is not accepting responses.",
        "bad_link": "This survey link is invalid or was altered. You can still answer the survey.",
        "thanks_title": "Thank you!",
        "thanks": "We have received your answers; they help us improve our service.",
        "switch": "Bahasa Indonesia",
        "language": "Language",
        "expectation_note": "For each statement, first rate your expectation, then the performance you experienced.",
    },
}


def page_text(lang: str) -> dict[str, str]:
    return TEXT["en" if lang == "en" else "id"]
