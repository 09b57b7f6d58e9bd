"""Spreadsheet files for assessment component tests: the Sawahlunto worked example as XLSX and CSV bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

MANAGERIAL = (
    "integritas",
    "kerja_sama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IT_NIP = "199001012015031001"
OTHER_NIP = "198505052010012002"


def xlsx(rows: Sequence[dict[str, str]]) -> bytes:
    """A one-sheet workbook whose header is the union of the rows' keys, in first-seen order."""
    header = list(dict.fromkeys(k for r in rows for k in r))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[dict[str, str]], delimiter: str = ";") -> bytes:
    header = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


SKJ = [
    {
        "jabatan_id": "setda-adm",
        "nama_jabatan": "Penata Layanan Operasional",
        "unit_id": "setda",
        "nama_unit": "Sekretariat Daerah",
        "jenis_jabatan": "pelaksana",
        "bidang": "administrasi",
        "tek_administrasi_perkantoran": "3",
        "tek_kearsipan": "3",
    },
    {
        "jabatan_id": "kominfo-si",
        "nama_jabatan": "Pengelola Sistem Informasi",
        "unit_id": "diskominfo",
        "nama_unit": "Dinas Komunikasi dan Informatika",
        "jenis_jabatan": "pelaksana",
        "bidang": "informatika",
        "tek_sistem_informasi": "3",
        "tek_pemrograman": "3",
    },
    {
        "jabatan_id": "kominfo-kabid",
        "nama_jabatan": "Kepala Bidang Aplikasi Informatika",
        "unit_id": "diskominfo",
        "nama_unit": "Dinas Komunikasi dan Informatika",
        "jenis_jabatan": "administrator",
        "eselon": "III.b",
        "tek_sistem_informasi": "3",
    },
]


def employee(**changes: str) -> dict[str, str]:
    row = {
        "nip": IT_NIP,
        "nama": "Andi Pratama",
        "jenis_kelamin": "L",
        "jenis_pegawai": "PNS",
        "golongan": "III/a",
        "tmt_golongan": "2019-04-01",
        "unit_id": "setda",
        "jabatan_id": "setda-adm",
        "jenis_jabatan": "pelaksana",
        "tmt_jabatan": "2020-01-02",
        "tingkat_pendidikan": "S1",
        "jurusan": "informatika",
        "tmt_cpns": "2015-03-01",
        "tmt_pns": "2016-03-01",
        "hukdis": "none",
        "predikat_tahun_1": "2024",
        "predikat_1": "Baik",
        "predikat_tahun_2": "2025",
        "predikat_2": "Baik",
        "bup": "58",
    }
    row.update(changes)
    return row


def other_employee(**changes: str) -> dict[str, str]:
    base = {
        "nip": OTHER_NIP,
        "nama": "Sari Dewi",
        "jenis_kelamin": "P",
        "tmt_cpns": "2010-01-01",
        "tmt_pns": "2011-01-01",
        "unit_id": "diskominfo",
        "jabatan_id": "kominfo-kabid",
        "jenis_jabatan": "administrator",
        "golongan": "III/d",
        "predikat_2": "Sangat Baik",
    }
    return employee(**{**base, **changes})


def assessment(nip: str = IT_NIP, **changes: str) -> dict[str, str]:
    row = {
        "nip": nip,
        "tanggal_asesmen": "2025-06-10",
        "metode": "assessment_center",
        "lembaga_asesor": "UPT Penilaian Kompetensi BKD Sumbar",
        "perekat_bangsa": "2",
        "tek_sistem_informasi": "4",
        "tek_pemrograman": "4",
        "tek_administrasi_perkantoran": "1",
        "tek_kearsipan": "1",
        **{code: "2" for code in MANAGERIAL},
    }
    row.update(changes)
    return row
