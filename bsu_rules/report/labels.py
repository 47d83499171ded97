"""The words of the impact report, in Bahasa Indonesia and English, and the names of group keys."""

from __future__ import annotations

from bsu_rules.formatting import rupiah
from bsu_rules.nik import PROVINCES

WORDS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan dampak kebijakan", "reform": "Skenario perubahan", "baseline": "Pembanding",
        "warnings": "Peringatan", "warnings_note": "Baca angka laporan ini bersama peringatan berikut. Setiap "
        "peringatan diberi judul dalam bahasa Indonesia; rinciannya dalam bahasa Indonesia bila tersedia, selain itu "
        "seperti yang dicetak perintah, dalam bahasa Inggris.",
        "difference": "Selisih", "ruleset": "Aturan", "sha256": "sha256", "base": "Dasar",
        "overrides": "Perubahan",
        "changes": "Perubahan aturan", "changes_full": "Rincian lengkap (keluaran bsu-rules diff, dalam bahasa "
        "Inggris), termasuk sumber dan teks", "no_material": "tidak ada perubahan nilai, tabel, kriteria, fakta, "
        "manfaat atau saluran (lihat rincian)", "none": "tidak ada", "works_in": "bekerja di",
        "on": "Tanggal keputusan", "as_of": "Data per",
        "input": "Data peserta", "rows": "baris",
        "headline": "Ringkasan", "members": "Peserta diputus", "members_short": "Peserta",
        "paid_short": "Dibayar", "eligible": "Memenuhi syarat",
        "paid": "Dibayar (satu NIK satu pembayaran)", "held": "Di antaranya diperiksa petugas dahulu",
        "budget": "Anggaran", "undetermined": "Belum dapat ditentukan",
        "ineligible": "Tidak memenuhi syarat", "rejected": "Baris ditolak",
        "funnel": "Corong kriteria", "funnel_note": "Peserta yang tersisa setelah setiap kriteria, menurut urutan "
        "aturan; gagal = gagal kriteria ini, gagal sendiri = hanya gagal kriteria ini, tidak diketahui = kriteria "
        "ini belum dapat ditentukan; ketiganya dihitung dari semua peserta, bukan hanya yang tersisa.",
        "criterion": "Kriteria", "remaining": "Tersisa", "fail": "Gagal", "fail_only": "Gagal sendiri",
        "unknown": "Tidak diketahui",
        "flips": "Perubahan keputusan", "flips_note": "Peserta yang keputusannya berubah dari pembanding ke "
        "skenario perubahan, menurut kriteria penyebabnya (contoh dengan NIK tersamar).",
        "still_unknown": "masih menunggu, tidak berubah:",
        "from": "Dari", "to": "Ke", "count": "Jumlah", "examples": "Contoh", "row": "baris",
        "flips_province": "Perubahan menurut provinsi", "to_eligible": "Menjadi memenuhi syarat",
        "from_eligible": "Tidak lagi memenuhi syarat", "other": "Lainnya", "net": "Bersih",
        "province": "Provinsi", "sector": "Sektor (KBLI)", "wage_band": "Kelompok upah", "sex": "Jenis kelamin",
        "age_band": "Kelompok umur", "exclusion_rate": "Dikecualikan", "driver": "Kriteria utama",
        "four_fifths": "Rasio 4/5", "paid_chart": "Peserta dibayar",
        "quality": "Kualitas data", "quality_note": "Daftar pekerjaan bagi pemilik data: apa yang membuat "
        "peserta belum dapat ditentukan, NIK yang tidak sah, NIK ganda, baris ditolak, upah yang tidak wajar.",
        "causes": "Penyebab belum dapat ditentukan", "cause": "Penyebab", "by_province": "Menurut provinsi",
        "missing_rows": "Baris tabel yang tidak ada", "key": "Kunci",
        "invalid_nik": "NIK tidak sah", "reason": "Alasan", "duplicates": "NIK ganda",
        "dup_niks": "NIK yang muncul lebih dari sekali", "dup_rows": "Baris dengan NIK tersebut",
        "dup_unpaid": "Memenuhi syarat tetapi tidak dibayar (NIK sudah dibayar)",
        "rejects": "Baris ditolak menurut kolom", "field": "Kolom", "wages": "Upah di luar batas wajar",
        "band": "Batas", "below": "di bawah", "above": "di atas", "nothing": "Tidak ada.",
        "unknown_group": "tidak diketahui", "female": "Perempuan", "male": "Laki-laki",
        "field_missing": "kolom kosong", "whole_record": "seluruh baris",
        "field_unusable": "terisi tetapi belum dapat dipakai (misalnya hanya provinsi)",
        "table_missing": "baris tabel tidak ada",
        "row_unlisted": "tabel belum lengkap dan tidak memuat baris untuk wilayah ini",
        "row_bound": "angka pasti belum dikumpulkan (hanya batas bawah)", "value_unknown": "nilai tidak diketahui",
        "engine": "Dibuat oleh", "years": "tahun",
        "channels": "Saluran pembayaran", "channels_note": "Peserta yang dibayar (satu NIK satu pembayaran) "
        "menurut saluran pembayarannya.", "channel": "Saluran",
        "no_channel": "belum dapat dipilih (data kurang)", "blank_channel": "belum ada (nama bank kosong)",
        "moves": "Pindah saluran pembayaran", "moves_note": "Peserta yang dibayar pada pembanding dan pada "
        "skenario perubahan (satu NIK satu pembayaran), tetapi melalui saluran lain (contoh dengan NIK tersamar).",
        "record_moves": "Pindah ke catatan lain dengan NIK yang sama",
        "record_moves_note": "Catatan yang dibayar pada pembanding dan tetap memenuhi syarat pada skenario perubahan, "
        "tetapi NIK-nya dibayar melalui catatan lain (KPJ lain): jumlah yang dibayar sama, ke rekening catatan "
        "lain itu (contoh: nomor baris dan provinsi tempat kerja).",
    },
    "en": {
        "title": "Policy impact report", "reform": "Reform", "baseline": "Baseline", "difference": "Difference",
        "warnings": "Warnings", "warnings_note": "Read the numbers of this report with these warnings, as the "
        "command printed them.",
        "ruleset": "Rule set", "sha256": "sha256", "base": "Base", "overrides": "Overrides",
        "changes": "Rule changes", "changes_full": "The full list (bsu-rules diff), sources and texts included",
        "no_material": "no change of a value, table, criterion, fact, the benefit or the channel (see the full "
        "list)", "none": "none", "works_in": "works in",
        "on": "Decision date", "as_of": "Data as of", "input": "Member data", "rows": "rows",
        "headline": "Headline", "members": "Members decided", "members_short": "Members",
        "paid_short": "Paid", "eligible": "Eligible",
        "paid": "Paid (one NIK, one payment)", "held": "Of whom an officer reviews first",
        "budget": "Budget", "undetermined": "Undetermined",
        "ineligible": "Ineligible", "rejected": "Rows rejected",
        "funnel": "Criteria funnel", "funnel_note": "Members remaining after each criterion, in the edition's "
        "order; fail = fail this criterion, fail only = fail this criterion and no other, unknown = this "
        "criterion cannot be decided yet; the three count every member, not only those remaining.",
        "criterion": "Criterion", "remaining": "Remaining", "fail": "Fail", "fail_only": "Fail only",
        "unknown": "Unknown",
        "flips": "Flips", "flips_note": "Members whose decision changes from the baseline to the reform, by the "
        "criterion responsible (examples with masked NIK).",
        "still_unknown": "still waiting for, unchanged:",
        "from": "From", "to": "To", "count": "Count", "examples": "Examples", "row": "row",
        "flips_province": "Flips by province", "to_eligible": "Become eligible", "from_eligible": "No longer eligible",
        "other": "Other", "net": "Net",
        "province": "Province", "sector": "Sector (KBLI)", "wage_band": "Wage band", "sex": "Sex",
        "age_band": "Age band", "exclusion_rate": "Excluded", "driver": "Driving criterion",
        "four_fifths": "4/5 ratio", "paid_chart": "Members paid",
        "quality": "Data quality", "quality_note": "A to-do list for the data owners: what leaves members "
        "undetermined, invalid NIKs, duplicate NIKs, rejected rows, implausible wages.",
        "causes": "What leaves members undetermined", "cause": "Cause", "by_province": "By province",
        "missing_rows": "Table rows missing", "key": "Key",
        "invalid_nik": "Invalid NIKs", "reason": "Reason", "duplicates": "Duplicate NIKs",
        "dup_niks": "NIKs seen more than once", "dup_rows": "Rows with those NIKs",
        "dup_unpaid": "Eligible but not paid (NIK paid under another row)",
        "rejects": "Rejected rows by field", "field": "Field", "wages": "Wages outside plausible bands",
        "band": "Limit", "below": "below", "above": "above", "nothing": "None.",
        "unknown_group": "unknown", "female": "Female", "male": "Male",
        "field_missing": "field missing", "whole_record": "the whole row",
        "field_unusable": "on record but not usable (such as a province only)",
        "table_missing": "table row missing",
        "row_unlisted": "the incomplete table lists no row for this area",
        "row_bound": "exact figure not collected (only a lower bound)", "value_unknown": "value unknown",
        "engine": "Made by", "years": "years",
        "channels": "Payment channels", "channels_note": "Members paid (one NIK, one payment) by how they "
        "are paid.", "channel": "Channel",
        "no_channel": "cannot be chosen yet (data missing)", "blank_channel": "none yet (bank name blank)",
        "moves": "Paid another way", "moves_note": "Members paid under both the baseline and the reform "
        "(one NIK, one payment) but through another channel (examples with masked NIK).",
        "record_moves": "Paid under another record of the same NIK",
        "record_moves_note": "Records paid under the baseline, still eligible under the reform, whose NIK the "
        "reform pays under another of its records (another KPJ): the same amount, to that record's account "
        "(examples: row number and province of work).",
    },
}

WARNING_KINDS = {
    "no-change": ("Perubahan yang tidak mengubah apa pun", "An override that changes nothing"),
    "data-date": ("Data dibaca per hari lain daripada bulan batas yang dinilai",
                  "The data are read as at another day than the cut-off month"),
    "unread": ("Nilai bertanggal yang tidak dibaca dalam laporan ini", "A dated value this report does not read"),
    "early": ("Nilai bertanggal sebelum edisi berlaku: dibaca sejak hari pertama edisi; periksa tahunnya",
              "A value dated before the edition starts: read from its first day; check the year"),
    "partial-table": ("Tabel yang tidak lengkap untuk nilai baru: baris yang tidak ada dibaca sebagai tidak ada, "
                      "sehingga angka bisa keliru",
                      "A partial table for the new value: a row it leaves out reads as none, so the numbers may "
                      "be wrong"),
    "table": ("Tabel pengganti atau nilai baru yang perlu diperiksa", "A replaced table or a new value to check"),
    "rule-file": ("Peringatan pemeriksaan berkas aturan", "A warning from checking the rule file"),
    "same": ("Skenario perubahan dan pembanding sama: setiap selisih 0",
             "The reform and the baseline are the same: every difference is 0"),
    "coverage": ("Data peserta mungkin tidak mencakup bulan batas edisi ini",
                 "The member file may not cover this edition's cut-off month"),
    "version": ("Dua berkas aturan berbeda dengan id dan versi yang sama: keduanya hanya dibedakan oleh sha256",
                "Two rule files differ under one id and version: only their sha256 tells them apart"),
}
"""A warning's kind (``bsu_rules.ruleset.warned.Kind``) in a sentence, in Bahasa Indonesia and English."""

CHANGE_WORDS = {
    "id": {
        "as_of": "Data dibaca per", "benefit.amount": "Besar bantuan", "benefit.months": "Lama bantuan",
        "benefit.monthly": "Bantuan per bulan", "benefit.instalments": "Termin pembayaran",
        "channel": "Cara memilih saluran pembayaran diubah (lihat rincian)",
        "parameter.added": "parameter baru", "parameter.removed": "parameter dihapus",
        "parameter.dated": "nilai bertanggalnya diubah (sama pada tanggal keputusan)",
        "rows.changed": "{} baris berubah nilainya",
        "rows.added": "{} baris ditambah", "rows.removed": "{} baris dihapus", "more": ", dan {} lainnya",
        "unlisted.absent": "kode yang tidak tercantum dibaca sebagai tidak ada",
        "unlisted.unknown": "kode yang tidak tercantum dibaca sebagai belum diketahui",
        "criterion.added": "Kriteria baru", "criterion.removed": "Kriteria dihapus",
        "criterion.in-force": "Kriteria yang berlaku pada tanggal keputusan skenario perubahan, tidak pada "
        "pembanding",
        "criterion.not-in-force": "Kriteria yang berlaku pada tanggal keputusan pembanding, tidak pada skenario "
        "perubahan",
        "criterion.condition": "Syarat kriteria diubah", "fact.added": "Fakta baru",
        "fact.removed": "Fakta dihapus", "fact.changed": "Cara menghitung fakta diubah",
    },
    "en": {
        "as_of": "Data read as of", "benefit.amount": "Benefit", "benefit.months": "Months of benefit",
        "benefit.monthly": "Benefit a month", "benefit.instalments": "Instalments",
        "channel": "How the payment channel is chosen changes (see the full list)",
        "parameter.added": "a new parameter", "parameter.removed": "removed",
        "parameter.dated": "its dated values change (the same on the decision date)",
        "rows.changed": "{} rows change value",
        "rows.added": "{} rows added", "rows.removed": "{} rows removed", "rows.changed.one": "1 row changes value",
        "rows.added.one": "1 row added", "rows.removed.one": "1 row removed", "more": ", and {} more",
        "unlisted.absent": "a code it does not list reads as not in it",
        "unlisted.unknown": "a code it does not list reads as not known yet",
        "criterion.added": "A new criterion", "criterion.removed": "A criterion removed",
        "criterion.in-force": "A criterion in force on the reform's decision date, not the baseline's",
        "criterion.not-in-force": "A criterion in force on the baseline's decision date, not the reform's",
        "criterion.condition": "A criterion's condition changes", "fact.added": "A new fact",
        "fact.removed": "A fact removed", "fact.changed": "How a fact is worked out changes",
    },
}
"""The words of the report's summary of rule changes (``report.changes``)."""

OUTCOME_WORDS = {
    "id": {"eligible": "memenuhi syarat", "ineligible": "tidak memenuhi syarat",
           "undetermined": "belum dapat ditentukan"},
    "en": {"eligible": "eligible", "ineligible": "ineligible", "undetermined": "undetermined"},
}

SECTORS = {
    "A": ("Pertanian, kehutanan dan perikanan", "Agriculture, forestry and fishing"),
    "B": ("Pertambangan dan penggalian", "Mining and quarrying"),
    "C": ("Industri pengolahan", "Manufacturing"),
    "D": ("Pengadaan listrik dan gas", "Electricity and gas"),
    "E": ("Pengadaan air dan pengelolaan limbah", "Water supply and waste"),
    "F": ("Konstruksi", "Construction"),
    "G": ("Perdagangan besar dan eceran", "Wholesale and retail trade"),
    "H": ("Transportasi dan pergudangan", "Transport and storage"),
    "I": ("Penyediaan akomodasi dan makan minum", "Accommodation and food"),
    "J": ("Informasi dan komunikasi", "Information and communication"),
    "K": ("Jasa keuangan dan asuransi", "Finance and insurance"),
    "L": ("Real estat", "Real estate"),
    "M": ("Jasa profesional, ilmiah dan teknis", "Professional, scientific and technical"),
    "N": ("Jasa persewaan dan penunjang usaha", "Administrative and support services"),
    "O": ("Administrasi pemerintahan", "Public administration"),
    "P": ("Jasa pendidikan", "Education"),
    "Q": ("Jasa kesehatan dan kegiatan sosial", "Health and social work"),
    "R": ("Kesenian, hiburan dan rekreasi", "Arts and recreation"),
    "S": ("Kegiatan jasa lainnya", "Other services"),
    "T": ("Jasa perorangan rumah tangga", "Households as employers"),
    "U": ("Badan internasional", "Extraterritorial organisations"),
}

NIK_REASONS = {
    "not-16-digits": ("bukan 16 digit angka", "not 16 digits"),
    "province": ("kode provinsi tidak dikenal", "unknown province code"),
    "regency": ("kode kabupaten atau kota tidak sah", "invalid regency code"),
    "day": ("tanggal lahir tidak sah", "invalid birth day"),
    "month": ("bulan lahir tidak sah", "invalid birth month"),
    "date": ("tanggal lahir tidak ada dalam kalender", "birth date not in the calendar"),
    "serial": ("nomor urut tidak sah", "invalid serial number"),
    "birth-date-mismatch": ("tanggal lahir tidak cocok dengan data", "birth date does not match the record"),
}


def group_name(dimension: str, key: str, lang: str) -> str:
    """A group key as people read it: ``32`` -> ``32 Jawa Barat``; ``C`` -> ``C Manufacturing``."""
    words = WORDS[lang]
    if key == "?":
        return words["unknown_group"]
    if dimension == "province":
        return f"{key} {PROVINCES.get(key, '')}".strip()
    if dimension == "sector":
        names = SECTORS.get(key)
        return f"{key} {names[0 if lang == 'id' else 1]}" if names else key
    if dimension == "sex":
        return words["female"] if key == "F" else words["male"]
    if dimension in ("wage_band", "age_band"):
        show = (lambda n: rupiah(int(n))) if dimension == "wage_band" else (lambda n: n)
        unit = "" if dimension == "wage_band" else f" {words['years']}"
        if key.startswith("<"):
            return f"< {show(key[1:])}{unit}"
        if key.startswith(">="):
            return f"≥ {show(key[2:])}{unit}"
        low, high = key.split("-")
        return f"{show(low)}–{show(high)}{unit}"
    return key


def nik_reason(reason: str, lang: str) -> str:
    names = NIK_REASONS.get(reason)
    return names[0 if lang == "id" else 1] if names else reason
