"""The demo's last check: the mailbox against what the round owes people."""

from __future__ import annotations

from collections import Counter

from mutasi.cli.demo.notices import NoticeCheck, tally
from mutasi.cli.mailbox import Mail


def mail(notice_id: str, subject: str, to: str = "198001012005011001@asn.mutasi.local") -> Mail:
    return Mail(to=to, subject=subject, body="…", notice_id=notice_id)


def test_each_kind_is_counted_once_per_notice_id_and_copies_are_duplicates() -> None:
    mails = [
        mail("ev1:a:email", "Putaran mutasi Mutasi Kota Sawahlunto 2026 diumumkan"),
        mail("ev1:b:email", "Putaran mutasi Mutasi Kota Sawahlunto 2026 diumumkan"),
        mail("ev2:a:email", "Putaran mutasi Mutasi antarinstansi Sumatera Barat 2026 diumumkan"),
        mail("ev3:a:email", "Keputusan mutasi Anda"),
        mail("ev3:a:email", "Keputusan mutasi Anda"),  # the same notice again
        mail("ev4:a:email", "Rencana pengembangan Anda"),
        mail("ev5:a:email", "Pengingat evaluasi 3 bulan"),
    ]
    kinds, duplicates, other = tally(mails)
    assert kinds == Counter({"announced: Mutasi Kota Sawahlunto 2026": 2, "decided": 1, "planned": 1,
                             "announced: Mutasi antarinstansi Sumatera Barat 2026": 1})  # fmt: skip
    assert (duplicates, other) == (1, 1)


def test_the_check_is_complete_only_when_delivered_equals_owed_without_copies_or_strays() -> None:
    owed = Counter({"announced: R": 2, "decided": 1})
    assert NoticeCheck(owed, Counter(owed)).complete
    assert not NoticeCheck(owed, Counter({"announced: R": 1, "decided": 1})).complete  # one missing
    assert not NoticeCheck(owed, Counter({"announced: R": 3, "decided": 1})).complete  # one too many
    assert not NoticeCheck(owed, Counter(owed), duplicates=1).complete
    assert not NoticeCheck(owed, Counter(owed), other=1).complete
    assert "announced: R 1/2" in NoticeCheck(owed, Counter({"announced: R": 1})).describe()
