"""Mentor matching rules in the receiving unit."""

from mutasi.training.domain.competency import Gap
from mutasi.training.domain.mentor import Colleague, Mentee, MentorMatch, NoMentor, NoMentorReason, match_mentor

MENTEE = Mentee(
    nip="M",
    unit_id="diskominfo",
    post_id="kabid-aplikasi",
    levels={"komunikasi": 2, "tek_sistem_informasi": 1},
    gaps=(Gap("komunikasi", 2, 3), Gap("tek_sistem_informasi", 1, 3)),
)


def colleague(nip: str, unit: str = "diskominfo", reports_to: str | None = None, **levels: int) -> Colleague:
    return Colleague(nip, f"Pegawai {nip}", unit, f"post-{nip}", levels, reports_to)


def test_mentor_is_the_unit_colleague_meeting_the_standard_in_most_gap_competencies_with_reasons():
    outcome = match_mentor(
        MENTEE,
        [
            colleague("A", komunikasi=4),
            colleague("B", komunikasi=3, tek_sistem_informasi=4),
            colleague("C", unit="bkpsdm", komunikasi=5, tek_sistem_informasi=5),
        ],
        load={},
        max_mentees=3,
    )

    assert isinstance(outcome, MentorMatch)
    assert outcome.mentor_nip == "B"
    assert outcome.competencies == ("komunikasi", "tek_sistem_informasi")
    assert "tek_sistem_informasi: level 4 vs 1" in outcome.reasons


def test_a_direct_subordinate_of_the_new_post_is_never_the_mentor():
    outcome = match_mentor(
        MENTEE,
        [
            colleague("SUB", reports_to="kabid-aplikasi", komunikasi=5, tek_sistem_informasi=5),
            colleague("A", komunikasi=3),
        ],
        load={},
        max_mentees=3,
    )

    assert isinstance(outcome, MentorMatch)
    assert outcome.mentor_nip == "A"


def test_a_mentor_with_k_mentees_is_skipped_for_the_next_best():
    people = [colleague("B", komunikasi=3, tek_sistem_informasi=4), colleague("A", komunikasi=4)]

    outcome = match_mentor(MENTEE, people, load={"B": 2}, max_mentees=2)

    assert isinstance(outcome, MentorMatch)
    assert outcome.mentor_nip == "A"


def test_when_every_suitable_mentor_is_at_capacity_no_mentor_is_an_explicit_outcome():
    outcome = match_mentor(MENTEE, [colleague("A", komunikasi=4)], load={"A": 3}, max_mentees=3)

    assert outcome == NoMentor(NoMentorReason.ALL_AT_CAPACITY, "every suitable mentor already has 3 mentees")


def test_nobody_stronger_in_a_gap_competency_means_no_mentor():
    outcome = match_mentor(MENTEE, [colleague("A", komunikasi=2, integritas=5)], load={}, max_mentees=3)

    assert isinstance(outcome, NoMentor)
    assert outcome.reason is NoMentorReason.NOBODY_STRONGER


def test_an_empty_receiving_unit_means_no_mentor():
    outcome = match_mentor(MENTEE, [colleague("A", unit="bkpsdm", komunikasi=5)], load={}, max_mentees=3)

    assert isinstance(outcome, NoMentor)
    assert outcome.reason is NoMentorReason.NOBODY_IN_UNIT


def test_someone_without_gaps_still_gets_an_onboarding_mentor():
    mentee = Mentee("M", "diskominfo", "kabid-aplikasi", {}, ())

    outcome = match_mentor(mentee, [colleague("A", komunikasi=3)], load={}, max_mentees=3)

    assert isinstance(outcome, MentorMatch)
    assert outcome.reasons[0].startswith("no competency gap")


def test_without_an_organisation_chart_a_colleague_on_a_lower_post_level_is_treated_as_a_possible_subordinate():
    mentee = Mentee("M", "diskominfo", "kabid-aplikasi", MENTEE.levels, MENTEE.gaps, post_rank=3)
    staff = Colleague("S", "Staf", "diskominfo", "staf", {"komunikasi": 5, "tek_sistem_informasi": 5}, None, 1)
    head = Colleague("H", "Kadis", "diskominfo", "kadis", {"komunikasi": 4}, None, 4)

    outcome = match_mentor(mentee, [staff, head], load={}, max_mentees=3)

    assert isinstance(outcome, MentorMatch)
    assert outcome.mentor_nip == "H"
