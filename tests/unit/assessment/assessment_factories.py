"""Valid rows and posts for assessment tests; each test changes only what it is about."""

from __future__ import annotations

from datetime import date

from mutasi.assessment.domain.competency import MANAGERIAL, Post, PostType

TODAY = date(2026, 11, 28)
AGENCY = "sawahlunto"

POSTS: dict[str, Post] = {
    p.post_id: p
    for p in (
        Post("setda-pelaksana-adm", "setda", "Penata Layanan Operasional", PostType.PELAKSANA, field="administrasi"),
        Post(
            "kominfo-pelaksana-si", "diskominfo", "Pengelola Sistem Informasi", PostType.PELAKSANA, field="informatika"
        ),
        Post("kominfo-kabid-aptika", "diskominfo", "Kepala Bidang Aptika", PostType.ADMINISTRATOR, eselon="III.b"),
        Post(
            "kominfo-prakom-pertama",
            "diskominfo",
            "Pranata Komputer Ahli Pertama",
            PostType.FUNGSIONAL,
            jenjang="ahli_pertama",
        ),
    )
}


def employee_row(**changes: str | None) -> dict[str, str | None]:
    """A valid employee-template row (a male PNS, CPNS March 2015); keyword arguments replace cells."""
    row: dict[str, str | None] = {
        "nip": "199001012015031001",
        "nama": "Andi Pratama",
        "jenis_kelamin": "L",
        "jenis_pegawai": "PNS",
        "golongan": "III/a",
        "tmt_golongan": "2019-04-01",
        "unit_id": "setda",
        "jabatan_id": "setda-pelaksana-adm",
        "jenis_jabatan": "pelaksana",
        "tmt_jabatan": "2020-01-02",
        "tingkat_pendidikan": "S1",
        "jurusan": "Informatika",
        "tmt_cpns": "2015-03-01",
        "tmt_pns": "2016-03-01",
        "hukdis": "none",
        "hukdis_sampai": "",
        "predikat_tahun_1": "2024",
        "predikat_1": "Baik",
        "predikat_tahun_2": "2025",
        "predikat_2": "Baik",
        "bup": "58",
        "tugas_belajar": "tidak",
        "cltn": "",
        "proses_peradilan": "tidak",
        "temuan_audit": "tidak",
    }
    row.update(changes)
    return row


def assessment_row(**changes: str | None) -> dict[str, str | None]:
    """A valid assessment-template row for the employee above; keyword arguments replace cells."""
    row: dict[str, str | None] = {
        "nip": "199001012015031001",
        "tanggal_asesmen": "2025-06-10",
        "metode": "assessment_center",
        "lembaga_asesor": "UPT Penilaian Kompetensi BKD Sumbar",
        "masa_berlaku_tahun": "",
        "potensial": "menengah",
        "skor_potensi": "",
        "hasil_kerja": "sesuai",
        "perilaku_kerja": "sesuai",
        "perekat_bangsa": "2",
        "tek_sistem_informasi": "4",
    }
    row.update({code: "2" for code in MANAGERIAL})
    row.update(changes)
    return row
