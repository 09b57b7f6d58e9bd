"""The synthetic programme round: plain records that each service's demo step turns into its own spreadsheets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

# Competency codes shared by every service (PermenPANRB 38/2017): eight managerial, one socio-cultural.
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
SOCIO_CULTURAL = ("perekat_bangsa",)


@dataclass(frozen=True)
class Unit:
    """An OPD (perangkat daerah) or sub-unit of the agency."""

    unit_id: str
    name: str
    kind: str  # sekretariat | dinas | badan | kecamatan | inspektorat | puskesmas


@dataclass(frozen=True)
class Post:
    """A post in the peta jabatan with its ANJAB/ABK numbers and requirements."""

    post_id: str
    unit_id: str
    name: str
    post_type: str  # jpt_pratama | administrator | pengawas | fungsional | pelaksana
    eselon: str | None  # e.g. "III.b"; None for JF and pelaksana
    field: str  # work field, e.g. "informatika", "keuangan", "administrasi"
    golongan_min: str  # e.g. "III/a"
    golongan_max: str
    education_levels: tuple[str, ...]  # accepted: SMA D3 S1 D4 S2 S3
    education_fields: tuple[str, ...]  # accepted fields, e.g. ("informatika", "sistem_informasi")
    kebutuhan: float  # needed headcount from ABK (decimal kept)
    bezetting: int  # current staff on this post
    technical: dict[str, int] = dataclasses.field(default_factory=dict)  # technical competency -> required level


@dataclass(frozen=True)
class Employee:
    """One ASN as the BKPSDM registry holds them (SIASN field names in comments)."""

    nip: str  # nipBaru, 18 digits
    name: str  # nama
    sex: str  # "L" | "P"
    employee_type: str  # jenisPegawai: PNS | CPNS | PPPK
    golongan: str  # e.g. "III/b"
    tmt_golongan: date
    post_id: str  # current post
    unit_id: str
    tmt_post: date  # TMT jabatan
    education_level: str  # SMA D3 S1 D4 S2 S3
    education_field: str  # e.g. "informatika", "administrasi", "akuntansi"
    tmt_cpns: date
    tmt_pns: date | None
    birth_date: date  # registry only; never in events or logs
    discipline: str  # none | ringan | sedang | berat
    discipline_until: date | None
    predicates: tuple[tuple[int, str], ...]  # ((2024, "Baik"), (2025, "Sangat Baik"))
    bup_age: int  # 58 | 60 | 65
    on_study_leave: bool = False
    on_cltn: bool = False
    in_court_process: bool = False
    audit_finding_open: bool = False


@dataclass(frozen=True)
class AssessmentRow:
    """An assessment-centre result for one ASN."""

    nip: str
    assessed_on: date
    method: str  # assessment_center | cat | uji_kompetensi
    assessor_body: str
    levels: dict[str, int]  # the 8 managerial + perekat_bangsa + technical codes -> level 1..5
    potential: str  # tinggi | menengah | rendah
    hasil_kerja: str  # di_atas | sesuai | di_bawah (SKP matrix input)
    perilaku_kerja: str  # di_atas | sesuai | di_bawah


@dataclass(frozen=True)
class Session:
    """A dated, capacity-limited run of a training offering."""

    session_id: str
    starts_on: date
    ends_on: date
    capacity: int


@dataclass(frozen=True)
class Offering:
    """A training offering in the agency's catalogue."""

    offering_id: str
    title: str
    kind: str  # technical functional managerial socio_cultural leadership coaching mentoring e_learning magang ...
    raises: dict[str, int]  # competency -> levels raised
    jp: int
    provider: str
    cost: int  # rupiah
    sessions: tuple[Session, ...]


@dataclass
class Dataset:
    """Everything the demo round needs, generated from one seed."""

    agency_id: str
    agency_name: str
    seed: int
    today: date
    units: list[Unit]
    posts: list[Post]
    employees: list[Employee]
    assessments: list[AssessmentRow]
    offerings: list[Offering]
    it_graduates_in_admin: list[str]  # NIPs of the programme description's example people
