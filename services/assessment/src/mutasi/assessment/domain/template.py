"""The three import templates (employees, SKJ, assessments): columns, whether required, and what they hold."""

from __future__ import annotations

from dataclasses import dataclass

from mutasi.assessment.domain.competency import MANAGERIAL, SOCIO_CULTURAL, PostType


@dataclass(frozen=True)
class Column:
    """One template column; names follow SIASN field names where SIASN has one."""

    name: str
    required: bool
    description_id: str
    example: str


EMPLOYEE_TYPES = ("PNS", "CPNS", "PPPK")
SEXES = ("L", "P")
EDUCATION_LEVELS = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
DISCIPLINE_LEVELS = ("none", "ringan", "sedang", "berat")  # PP 94/2021 [V]
POST_TYPES = tuple(t.value for t in PostType)
ASSESSMENT_METHODS = ("assessment_center", "cat", "uji_kompetensi")  # docs/domain.md#competency-and-jpm [P]

EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column("nip", True, "NIP 18 digit (nipBaru)", "199001012015031001"),
    Column("nama", True, "Nama lengkap", "Andi Pratama"),
    Column("jenis_kelamin", True, "L atau P; harus sama dengan digit ke-15 NIP", "L"),
    Column("jenis_pegawai", True, "PNS, CPNS atau PPPK (jenisPegawai)", "PNS"),
    Column("golongan", True, "I/a … IV/e untuk PNS/CPNS, I … XVII untuk PPPK", "III/a"),
    Column("tmt_golongan", True, "TMT golongan (YYYY-MM-DD)", "2019-04-01"),
    Column("unit_id", True, "Kode unit kerja (unorId), harus sama dengan unit jabatan", "setda"),
    Column("jabatan_id", True, "Kode jabatan saat ini, harus ada di SKJ instansi", "setda-pelaksana-01"),
    Column(
        "jenis_jabatan",
        True,
        "jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, fungsional, pelaksana",
        "pelaksana",
    ),
    Column("tmt_jabatan", True, "TMT jabatan saat ini", "2020-01-02"),
    Column("tingkat_pendidikan", True, "SD SMP SMA D1 D2 D3 D4 S1 S2 S3", "S1"),
    Column("jurusan", True, "Bidang/jurusan pendidikan", "informatika"),
    Column("tmt_cpns", True, "TMT CPNS (PPPK: TMT pengangkatan); bulan-tahun = digit 9–14 NIP", "2015-03-01"),
    Column("tmt_pns", False, "TMT PNS; wajib untuk PNS, kosong untuk CPNS/PPPK", "2016-03-01"),
    Column("hukdis", False, "Hukuman disiplin yang sedang dijalani: none, ringan, sedang, berat", "none"),
    Column("hukdis_sampai", False, "Akhir hukuman disiplin; wajib bila hukdis bukan none", ""),
    Column("predikat_tahun_1", False, "Tahun predikat SKP yang lebih lama", "2024"),
    Column("predikat_1", False, "Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct, Sangat Kurang", "Baik"),
    Column("predikat_tahun_2", False, "Tahun predikat SKP terakhir", "2025"),
    Column("predikat_2", False, "Predikat SKP terakhir", "Baik"),
    Column("bup", True, "Batas usia pensiun: 58, 60 atau 65", "58"),
    Column("tugas_belajar", False, "Sedang tugas belajar/ikatan dinas: ya/tidak", "tidak"),
    Column("cltn", False, "Sedang cuti di luar tanggungan negara: ya/tidak", "tidak"),
    Column("proses_peradilan", False, "Sedang dalam proses peradilan: ya/tidak", "tidak"),
    Column("temuan_audit", False, "Ada temuan Inspektorat yang belum selesai: ya/tidak", "tidak"),
)

_LEVEL_HELP = "Level standar 1–5; kosong = bawaan menurut jenis jabatan/jenjang"
SKJ_COLUMNS: tuple[Column, ...] = (
    Column("jabatan_id", True, "Kode jabatan (unik dalam instansi)", "kominfo-pelaksana-si"),
    Column("nama_jabatan", True, "Nama jabatan", "Pengelola Sistem Informasi"),
    Column("unit_id", True, "Kode unit kerja", "diskominfo"),
    Column("nama_unit", False, "Nama unit kerja", "Dinas Komunikasi dan Informatika"),
    Column("jenis_jabatan", True, "Jenis jabatan (lihat template pegawai)", "pelaksana"),
    Column(
        "jenjang",
        False,
        "Jenjang JF: ahli_utama … ahli_pertama, penyelia … pemula; wajib untuk fungsional",
        "",
    ),
    Column("bidang", False, "Bidang kerja jabatan", "informatika"),
    Column("eselon", False, "Eselon jabatan struktural, mis. III.b", ""),
    *(Column(code, False, _LEVEL_HELP, "") for code in (*MANAGERIAL, *SOCIO_CULTURAL)),
    Column("tek_<kode>", False, "Satu kolom per kompetensi teknis yang disyaratkan, isi level 1–5", "3"),
)

ASSESSMENT_COLUMNS: tuple[Column, ...] = (
    Column("nip", True, "NIP pegawai yang sudah terdaftar", "199001012015031001"),
    Column("tanggal_asesmen", True, "Tanggal asesmen", "2025-06-10"),
    Column("metode", True, "assessment_center, cat atau uji_kompetensi", "assessment_center"),
    Column("lembaga_asesor", True, "Lembaga/UPT penilai kompetensi", "UPT Penilaian Kompetensi BKD Sumbar"),
    Column("masa_berlaku_tahun", False, "Masa berlaku hasil (tahun); kosong = bawaan instansi", "3"),
    Column("potensial", False, "Rating potensial: tinggi, menengah, rendah", "menengah"),
    Column("skor_potensi", False, "Skor potensi 0–100 bila rating potensial tidak diisi", ""),
    Column("hasil_kerja", False, "SKP hasil kerja: di_atas, sesuai, di_bawah", "sesuai"),
    Column("perilaku_kerja", False, "SKP perilaku kerja: di_atas, sesuai, di_bawah", "sesuai"),
    *(Column(code, True, "Level hasil asesmen 1–5", "2") for code in (*MANAGERIAL, *SOCIO_CULTURAL)),
    Column("tek_<kode>", False, "Satu kolom per kompetensi teknis yang diukur, isi level 1–5", "4"),
)

TEMPLATES: dict[str, tuple[Column, ...]] = {
    "employees": EMPLOYEE_COLUMNS,
    "skj": SKJ_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
}


def missing_columns(template: str, header: list[str]) -> list[str]:
    """Required columns absent from an uploaded header."""
    present = {h.strip().lower() for h in header}
    return [c.name for c in TEMPLATES[template] if c.required and c.name not in present]
