"""A reproducible synthetic Kota Sawahlunto round: ~25 OPD, ~300 posts, ~2,500 ASN, assessments, a catalogue."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutasi.chassis.clock import Clock
from mutasi.cli.demo.dataset import (
    MANAGERIAL,
    SOCIO_CULTURAL,
    AssessmentRow,
    Dataset,
    Employee,
    Offering,
    Post,
    Session,
    Unit,
)

# (unit id, name, kind, work field, relative size). Names follow docs/domain.md#scale; sizes are invented.
UNITS: tuple[tuple[str, str, str, str, float], ...] = (
    ("SETDA", "Sekretariat Daerah", "sekretariat", "administrasi", 1.6),
    ("SETWAN", "Sekretariat DPRD", "sekretariat", "administrasi", 0.7),
    ("INSP", "Inspektorat", "inspektorat", "akuntansi", 0.6),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "badan", "administrasi", 0.6),
    ("BKAD", "Badan Keuangan dan Aset Daerah", "badan", "akuntansi", 0.9),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan", "perencanaan", 0.6),
    ("DISDIK", "Dinas Pendidikan", "dinas", "pendidikan", 3.0),
    ("DINKES", "Dinas Kesehatan", "dinas", "kesehatan", 2.4),
    ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", "teknik_sipil", 1.0),
    ("KOMINFO", "Dinas Komunikasi dan Informatika", "dinas", "informatika", 0.6),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "badan", "administrasi", 0.5),
    ("SATPOL", "Satuan Polisi Pamong Praja dan Pemadam Kebakaran", "dinas", "hukum", 0.9),
    ("DINSOS", "Dinas Sosial", "dinas", "administrasi", 0.6),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", "administrasi", 0.6),
    ("DISHUB", "Dinas Perhubungan", "dinas", "teknik_sipil", 0.6),
    ("DISPARBUD", "Dinas Pariwisata dan Kebudayaan", "dinas", "administrasi", 0.7),
    ("DISTAN", "Dinas Pertanian dan Pangan", "dinas", "pertanian", 0.8),
    ("DISKOPDAG", "Dinas Koperasi, UKM dan Perdagangan", "dinas", "ekonomi", 0.6),
    ("DPMPTSP", "Dinas Penanaman Modal, PTSP dan Tenaga Kerja", "dinas", "administrasi", 0.6),
    ("DLH", "Dinas Lingkungan Hidup dan Perkim", "dinas", "teknik_sipil", 0.7),
    ("ARSIP", "Dinas Kearsipan dan Perpustakaan", "dinas", "administrasi", 0.5),
    ("KEC-BARANGIN", "Kecamatan Barangin", "kecamatan", "administrasi", 0.6),
    ("KEC-LEMBAHSEGAR", "Kecamatan Lembah Segar", "kecamatan", "administrasi", 0.5),
    ("KEC-SILUNGKANG", "Kecamatan Silungkang", "kecamatan", "administrasi", 0.5),
    ("KEC-TALAWI", "Kecamatan Talawi", "kecamatan", "administrasi", 0.6),
)

TECHNICAL = {
    "informatika": "tek_sistem_informasi",
    "akuntansi": "tek_keuangan",
    "perencanaan": "tek_perencanaan",
    "pendidikan": "tek_pendidikan",
    "kesehatan": "tek_kesehatan",
    "teknik_sipil": "tek_konstruksi",
    "hukum": "tek_hukum",
    "pertanian": "tek_pertanian",
    "ekonomi": "tek_ekonomi",
    "administrasi": "tek_administrasi",
}
RELATED_FIELDS = {
    "informatika": ("informatika", "sistem_informasi", "teknik_komputer"),
    "akuntansi": ("akuntansi", "ekonomi", "manajemen_keuangan"),
    "administrasi": ("administrasi", "ilmu_pemerintahan", "manajemen", "hukum"),
    "perencanaan": ("perencanaan", "ekonomi", "teknik_sipil"),
    "pendidikan": ("pendidikan",),
    "kesehatan": ("kesehatan", "keperawatan", "kebidanan"),
    "teknik_sipil": ("teknik_sipil", "arsitektur"),
    "hukum": ("hukum", "ilmu_pemerintahan"),
    "pertanian": ("pertanian", "peternakan"),
    "ekonomi": ("ekonomi", "manajemen"),
}
GOLONGAN = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d")
# PPPK have their own golongan I–XVII by education at appointment (Perpres 98/2020) [U].
PPPK_GOLONGAN = {"SMA": "V", "D3": "VII", "S1": "IX", "D4": "IX", "S2": "X"}
ENTRY_RANK = {"SMA": "II/a", "D3": "II/c", "S1": "III/a", "D4": "III/a", "S2": "III/b"}
FIRST_NAMES = [
    "Rudi",
    "Andi",
    "Budi",
    "Dedi",
    "Eko",
    "Fajri",
    "Hendra",
    "Irwan",
    "Joni",
    "Khairul",
    "Mulyadi",
    "Nofri",
    "Rahmat",
    "Syafri",
    "Yusuf",
    "Zulkifli",
    "Afrizal",
    "Dewi",
    "Fitri",
    "Hayati",
    "Indah",
    "Lestari",
    "Mega",
    "Nurhayati",
    "Rina",
    "Sari",
    "Tuti",
    "Wulan",
    "Yeni",
    "Zahara",
    "Elvi",
    "Desi",
    "Rosmaini",
]
LAST_NAMES = [
    "Hartono",
    "Saputra",
    "Putra",
    "Putri",
    "Yanti",
    "Syahputra",
    "Chaniago",
    "Piliang",
    "Koto",
    "Sikumbang",
    "Tanjung",
    "Caniago",
]
PREDICATES = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")


def _post_specs(unit_field: str, kind: str) -> list[tuple[str, str, str | None, str, str, tuple[str, ...], str]]:
    """(suffix, name, eselon, type, field, education levels, golongan range) of the posts of one unit."""
    f = unit_field
    head = "Camat" if kind == "kecamatan" else "Kepala"
    specs = [
        (
            "KEPALA",
            head,
            "II.b" if kind != "kecamatan" else "III.a",
            "jpt_pratama" if kind != "kecamatan" else "administrator",
            "administrasi",
            ("S1", "D4", "S2"),
            "IV/b-IV/c" if kind != "kecamatan" else "IV/a-IV/b",
        ),
        ("SEKRETARIS", "Sekretaris", "III.a", "administrator", "administrasi", ("S1", "D4", "S2"), "IV/a-IV/b"),
        ("KABID-1", "Kepala Bidang Program", "III.b", "administrator", f, ("S1", "D4", "S2"), "III/d-IV/a"),
        ("KABID-2", "Kepala Bidang Layanan", "III.b", "administrator", f, ("S1", "D4", "S2"), "III/d-IV/a"),
        (
            "KASUBAG-UMUM",
            "Kepala Subbagian Umum dan Kepegawaian",
            "IV.a",
            "pengawas",
            "administrasi",
            ("D3", "S1", "D4"),
            "III/c-III/d",
        ),
        (
            "KASUBAG-KEU",
            "Kepala Subbagian Keuangan",
            "IV.a",
            "pengawas",
            "akuntansi",
            ("D3", "S1", "D4"),
            "III/c-III/d",
        ),
        ("KASI-1", "Kepala Seksi Pelayanan", "IV.a", "pengawas", f, ("D3", "S1", "D4"), "III/c-III/d"),
        ("JF-AHLI", _jf_name(f), None, "fungsional", f, ("S1", "D4", "S2"), "III/a-III/d"),
        ("JF-PERENCANA", "Perencana Ahli Pertama", None, "fungsional", "perencanaan", ("S1", "D4"), "III/a-III/b"),
        (
            "PLK-PENATA",
            "Penata Layanan Operasional",
            None,
            "pelaksana",
            "administrasi",
            ("D3", "S1", "D4"),
            "II/c-III/d",
        ),
        (
            "PLK-OPERATOR",
            "Operator Layanan Operasional",
            None,
            "pelaksana",
            "administrasi",
            ("SMA", "D3"),
            "II/a-III/b",
        ),
        ("PLK-TEKNIS", _technician_name(f), None, "pelaksana", f, ("D3", "S1", "D4"), "II/c-III/c"),
    ]
    if f == "informatika":
        specs.append(
            (
                "JF-PRAKOM",
                "Pranata Komputer Ahli Pertama",
                None,
                "fungsional",
                "informatika",
                ("S1", "D4"),
                "III/a-III/b",
            )
        )
    return specs


def _jf_name(field: str) -> str:
    return {
        "informatika": "Pranata Komputer Ahli Muda",
        "akuntansi": "Analis Keuangan Pusat dan Daerah Ahli Pertama",
        "pendidikan": "Guru Ahli Pertama",
        "kesehatan": "Perawat Ahli Pertama",
        "teknik_sipil": "Teknik Jalan dan Jembatan Ahli Pertama",
        "hukum": "Polisi Pamong Praja Ahli Pertama",
        "pertanian": "Penyuluh Pertanian Ahli Pertama",
        "perencanaan": "Perencana Ahli Muda",
    }.get(field, "Analis Kebijakan Ahli Pertama")


def _technician_name(field: str) -> str:
    return (
        "Pengelola Sistem Informasi" if field == "informatika" else f"Teknisi Layanan {field.replace('_', ' ').title()}"
    )


def units(copies: int = 1) -> list[tuple[str, str, str, str, float]]:
    """The agency's units; with `copies` > 1 every unit also has that many field offices (UPT) of its own kind and
    size, so a large agency has proportionally more posts (a province has ~15,000 posts for ~117,000 ASN)."""
    out = list(UNITS)
    for n in range(2, copies + 1):
        out += [(f"{uid}-UPT{n}", f"{name} (UPT {n})", kind, field, w) for uid, name, kind, field, w in UNITS]
    return out


class _Generator:
    def __init__(
        self, seed: int, size: int, today: date, unit_copies: int = 1, nip_taken: set[str] | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today
        self.units = units(unit_copies)
        self.nip_seen: set[str] = nip_taken if nip_taken is not None else set()  # shared: NIPs unique across agencies

    def units_and_posts(self) -> tuple[list[Unit], list[Post], dict[str, int]]:
        units, posts, staff = [], [], {}
        weight_total = sum(u[4] for u in self.units)
        for unit_id, name, kind, field, weight in self.units:
            units.append(Unit(unit_id, name, kind))
            unit_staff = max(12, round(self.size * weight / weight_total))
            specs = _post_specs(field, kind)
            bulk = [s for s in specs if s[3] in ("fungsional", "pelaksana")]
            shares = [self.rng.uniform(0.6, 1.6) for _ in bulk]
            structural = len(specs) - len(bulk)
            for suffix, pname, eselon, ptype, pfield, levels, grange in specs:
                post_id = f"{unit_id}-{suffix}"
                if ptype in ("fungsional", "pelaksana"):
                    share = shares[bulk.index((suffix, pname, eselon, ptype, pfield, levels, grange))]
                    bezetting = max(1, round((unit_staff - structural) * share / sum(shares)))
                    kebutuhan = round(bezetting * self.rng.uniform(0.75, 1.3), 2)
                    if pfield == "informatika":  # Diskominfo is understaffed (docs/domain.md#worked-example)
                        kebutuhan = round(bezetting + self.rng.uniform(2.5, 4.5), 2)
                    if suffix == "PLK-OPERATOR" and kind in ("sekretariat", "kecamatan"):
                        kebutuhan = round(bezetting * 0.7, 2)  # admin pools over capacity
                else:
                    bezetting = 0 if self.rng.random() < 0.12 else 1
                    kebutuhan = 1.0
                lo, hi = grange.split("-")
                tech = TECHNICAL.get(pfield, "tek_administrasi")
                required = {"jpt_pratama": 3, "administrator": 3, "pengawas": 2, "fungsional": 3, "pelaksana": 2}
                posts.append(
                    Post(
                        post_id,
                        unit_id,
                        pname,
                        ptype,
                        eselon,
                        pfield,
                        lo,
                        hi,
                        levels,
                        RELATED_FIELDS.get(pfield, (pfield,)),
                        kebutuhan,
                        bezetting,
                        {tech: required[ptype]},
                    )
                )
                staff[post_id] = bezetting
        return units, posts, staff

    def nip(self, birth: date, tmt_cpns: date, sex: str) -> str:
        for seq in range(1, 1000):
            nip = f"{birth:%Y%m%d}{tmt_cpns:%Y%m}{1 if sex == 'L' else 2}{seq:03d}"
            if nip not in self.nip_seen:
                self.nip_seen.add(nip)
                return nip
        raise RuntimeError("NIP space exhausted")

    def employee(self, post: Post, it_graduate: bool = False, pppk: bool = False) -> Employee:
        rng, today = self.rng, self.today
        sex = rng.choice("LP")
        senior = post.post_type in ("jpt_pratama", "administrator")
        age = rng.randint(40, 56) if senior else rng.randint(24, 56)
        if it_graduate:
            age = rng.randint(30, 38)
        birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        cpns_year = min(today.year - 1, birth.year + rng.randint(22, 30))
        if senior:
            cpns_year = min(cpns_year, today.year - 14)
        if it_graduate:
            cpns_year = today.year - 8
        tmt_cpns = date(cpns_year, rng.choice((1, 3, 4)), 1)
        kind = "PNS" if it_graduate or rng.random() < 0.93 else rng.choice(("CPNS", "PPPK"))
        if pppk:
            kind = "PPPK"  # a PPPK may be moved within the agency (PermenPANRB 6/2024 Pasal 59(5))
        if kind == "CPNS":
            tmt_cpns = date(today.year - 1, 3, 1)
        level = rng.choice(post.education_levels)
        field = rng.choice(post.education_fields) if rng.random() < 0.85 else rng.choice(list(RELATED_FIELDS))
        if it_graduate:
            level, field = "S1", "informatika"
        years = (today - tmt_cpns).days // 365
        entry = GOLONGAN.index(ENTRY_RANK.get(level, "II/a"))
        rank = min(entry + years // 4, GOLONGAN.index(post.golongan_max))
        rank = max(rank, GOLONGAN.index(post.golongan_min) - (0 if rng.random() < 0.9 else 1))
        tmt_post = today - timedelta(days=rng.randint(150, 9 * 365))
        discipline = rng.choices(("none", "ringan", "sedang", "berat"), (95, 2.5, 1.7, 0.8))[0]
        preds = tuple((today.year - back, rng.choices(PREDICATES, (15, 70, 10, 4, 1))[0]) for back in (2, 1))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return Employee(
            nip=self.nip(birth, tmt_cpns, sex),
            name=name,
            sex=sex,
            employee_type=kind,
            golongan=PPPK_GOLONGAN.get(level, "V") if kind == "PPPK" else GOLONGAN[rank],
            tmt_golongan=max(tmt_cpns, today - timedelta(days=rng.randint(60, 4 * 365))),
            post_id=post.post_id,
            unit_id=post.unit_id,
            tmt_post=max(tmt_post, tmt_cpns),
            education_level=level,
            education_field=field,
            tmt_cpns=tmt_cpns,
            tmt_pns=None if kind in ("CPNS", "PPPK") else date(tmt_cpns.year + 1, tmt_cpns.month, 1),
            birth_date=birth,
            discipline=discipline,
            discipline_until=None if discipline == "none" else today + timedelta(days=rng.randint(30, 360)),
            predicates=preds,
            bup_age=60 if post.post_type == "jpt_pratama" else 58,
            on_study_leave=rng.random() < 0.01,
            on_cltn=rng.random() < 0.005,
            in_court_process=rng.random() < 0.002,
            audit_finding_open=rng.random() < 0.01,
        )

    def assessment(self, person: Employee, post: Post, it_graduate: bool) -> AssessmentRow:
        rng = self.rng
        standard = {"jpt_pratama": 4, "administrator": 3, "pengawas": 2, "fungsional": 2, "pelaksana": 1}[
            post.post_type
        ]
        levels = {c: max(1, min(5, standard + rng.choice((-1, 0, 0, 1, 1)))) for c in (*MANAGERIAL, *SOCIO_CULTURAL)}
        own = TECHNICAL.get(
            person.education_field.split("_")[0] if person.education_field not in TECHNICAL else person.education_field,
            "tek_administrasi",
        )
        levels[own] = rng.randint(3, 4)
        for code in post.technical:
            levels.setdefault(code, rng.randint(1, 3))
        if it_graduate:
            levels["tek_sistem_informasi"] = 4
            levels["tek_administrasi"] = 1
        latest = person.predicates[-1][1]
        hasil = {"Sangat Baik": "di_atas", "Baik": "sesuai"}.get(latest, "di_bawah")
        perilaku = {"Sangat Baik": "di_atas", "Kurang/Misconduct": "di_bawah"}.get(latest, "sesuai")
        if latest == "Butuh Perbaikan":
            perilaku = "sesuai"
        potential = "tinggi" if it_graduate else rng.choices(("tinggi", "menengah", "rendah"), (25, 55, 20))[0]
        age_days = rng.randint(20, 700) if rng.random() > 0.04 else rng.randint(3 * 365 + 10, 4 * 365)
        return AssessmentRow(
            person.nip,
            self.today - timedelta(days=age_days),
            "assessment_center",
            "UPT Penilaian Kompetensi BKPSDM Sumatera Barat",
            levels,
            potential,
            hasil,
            perilaku,
        )

    def offerings(self) -> list[Offering]:
        rng, today = self.rng, self.today
        items: list[tuple[str, str, str, dict[str, int], int, int]] = [
            (
                "CM-01",
                "Lokakarya Manajemen Perubahan (model Peraturan LAN 4/2024)",
                "managerial",
                {"mengelola_perubahan": 1},
                16,
                1_500_000,
            ),
        ]
        for i, code in enumerate(MANAGERIAL):
            items.append(
                (
                    f"MAN-{i + 1:02d}",
                    f"Pelatihan {code.replace('_', ' ').title()}",
                    "managerial",
                    {code: 1},
                    rng.choice((12, 16, 24)),
                    rng.choice((900_000, 1_200_000, 1_800_000)),
                )
            )
        items.append(
            ("SOS-01", "Wawasan Kebangsaan dan Perekat Bangsa", "socio_cultural", {"perekat_bangsa": 1}, 12, 700_000)
        )
        for field, code in TECHNICAL.items():
            items.append(
                (
                    f"TEK-{field[:4].upper()}",
                    f"Pelatihan Teknis {field.replace('_', ' ').title()}",
                    "technical",
                    {code: 2},
                    rng.choice((32, 40)),
                    rng.choice((3_000_000, 4_500_000)),
                )
            )
            items.append(
                (
                    f"ELR-{field[:4].upper()}",
                    f"E-learning {field.replace('_', ' ').title()} Dasar",
                    "e_learning",
                    {code: 1},
                    20,
                    400_000,
                )
            )
        items.append(
            (
                "COACH-01",
                "Coaching Kinerja oleh Atasan",
                "coaching",
                {"orientasi_hasil": 1, "pengambilan_keputusan": 1},
                10,
                0,
            )
        )
        offerings = []
        for oid, title, kind, raises, jp, cost in items:
            sessions = []
            for k in range(3 if kind != "e_learning" else 1):
                start = today + timedelta(days=30 + 45 * k + rng.randint(0, 14))
                capacity = 500 if kind == "e_learning" else rng.choice((25, 30, 40))
                sessions.append(Session(f"{oid}-S{k + 1}", start, start + timedelta(days=max(1, jp // 8)), capacity))
            offerings.append(
                Offering(oid, title, kind, raises, jp, "BPSDM Provinsi Sumatera Barat", cost, tuple(sessions))
            )
        return offerings


def generate(
    seed: int = 2026,
    size: int = 2500,
    today: date | None = None,
    agency_id: str = "sawahlunto",
    *,
    agency_name: str = "Pemerintah Kota Sawahlunto",
    unit_copies: int = 1,
    nip_taken: set[str] | None = None,
) -> Dataset:
    """The whole synthetic round; the same seed and `today` give the same dataset. `unit_copies` adds field
    offices (more posts), `nip_taken` is a set of NIPs shared by several agencies' datasets (none is reused)."""
    gen = _Generator(seed, size, today or Clock().today(), unit_copies, nip_taken)
    units, posts, staff = gen.units_and_posts()
    by_id = {p.post_id: p for p in posts}
    employees: list[Employee] = []
    it_grads: list[str] = []
    admin_posts = [p for p in posts if p.post_id.endswith(("PLK-PENATA", "PLK-OPERATOR")) and staff[p.post_id] > 2]
    chosen_admin = {p.post_id for p in gen.rng.sample(admin_posts, k=min(6, len(admin_posts)))}
    for post in posts:
        for k in range(staff[post.post_id]):
            it_grad = post.post_id in chosen_admin and k == 0
            # the first IT graduate is a PPPK: the plan moves PPPK within their own agency too
            person = gen.employee(post, it_graduate=it_grad, pppk=it_grad and not it_grads)
            if it_grad:
                person = _eligible(person, gen.today)
                it_grads.append(person.nip)
            employees.append(person)
    assessments = [
        gen.assessment(e, by_id[e.post_id], e.nip in it_grads)
        for e in employees
        if e.nip in it_grads or gen.rng.random() < 0.96
    ]
    return Dataset(
        agency_id,
        agency_name,
        seed,
        gen.today,
        units,
        posts,
        employees,
        assessments,
        gen.offerings(),
        it_grads,
    )


def _eligible(person: Employee, today: date) -> Employee:
    """The programme's example people pass every hard rule (PNS, clean record, >2 years in post, good SKP)."""
    from dataclasses import replace

    return replace(
        person,
        tmt_post=today - timedelta(days=4 * 365),
        discipline="none",
        discipline_until=None,
        predicates=((today.year - 2, "Baik"), (today.year - 1, "Baik")),
        on_study_leave=False,
        on_cltn=False,
        in_court_process=False,
        audit_finding_open=False,
    )


def with_demo_employee(data: Dataset, nip: str) -> Dataset:
    """The same dataset with one IT graduate in an administration post (a PNS) given the NIP of the identity
    provider's demo employee, so that user can sign in to the console and find their own round. The birth date,
    appointment month and sex follow the NIP (Peraturan Kepala BKN 22/2007)."""
    from dataclasses import replace

    pns = [e for e in data.employees if e.nip in data.it_graduates_in_admin and e.employee_type == "PNS"]
    if not pns:
        return data
    chosen = pns[0]
    born, appointed = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])), date(int(nip[8:12]), int(nip[12:14]), 1)
    pns_since = appointed + timedelta(days=365)
    person = replace(chosen, nip=nip, birth_date=born, sex="L" if nip[14] == "1" else "P", tmt_cpns=appointed,
                     tmt_pns=pns_since, tmt_golongan=max(chosen.tmt_golongan, pns_since))  # fmt: skip
    return replace(
        data,
        employees=[person if e.nip == chosen.nip else e for e in data.employees],
        assessments=[replace(a, nip=nip) if a.nip == chosen.nip else a for a in data.assessments],
        it_graduates_in_admin=[nip if n == chosen.nip else n for n in data.it_graduates_in_admin],
    )
