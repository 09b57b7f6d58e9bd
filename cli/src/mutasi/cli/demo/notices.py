"""The last check of the demo when the console runs: every notice the round owes people is in the local mailbox,
each exactly once.

What is owed comes from the services that caused it, not from the console: each round's announcement to the
people placement counted when it announced (`notices` of `POST /v1/rounds`), one decision notice per decision,
one development-plan notice per plan training holds (a follow-up plan too). Check-in reminders are due months
later and are not owed yet. The console's notifier works behind the events (the catch-up pass for people it
learns of late runs every few seconds, the sender every second), so this waits until the mailbox holds all of
it, then a few sender passes more to see that nothing arrives twice."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mutasi.cli.demo.context import DemoContext
from mutasi.cli.mailbox import Mail, read_mailbox

# The notifier's subject line of each kind of notice (services/console/src/mutasi/console/domain/notices.py).
ANNOUNCED = re.compile(r"^Putaran mutasi (?P<round>.+) diumumkan$")
DECIDED = "Keputusan mutasi Anda"
PLANNED = "Rencana pengembangan Anda"


@dataclass
class NoticeCheck:
    """Owed and delivered notices per kind (an announcement per round name); duplicates by notice id."""

    owed: Counter[str] = field(default_factory=Counter)
    delivered: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    other: int = 0  # mail the round does not explain

    @property
    def complete(self) -> bool:
        return self.owed == self.delivered and not self.duplicates and not self.other

    def describe(self) -> str:
        kinds = ", ".join(f"{k} {self.delivered[k]}/{n}" for k, n in sorted(self.owed.items()))
        return f"{kinds}; {self.duplicates} sent twice, {self.other} unexplained"


def tally(mails: list[Mail]) -> tuple[Counter[str], int, int]:
    """Delivered notices per kind, how many notice ids arrived more than once, and mail of no known kind."""
    ids = Counter(m.notice_id for m in mails)
    kinds: Counter[str] = Counter()
    other = 0
    seen: set[str] = set()
    for m in mails:
        if m.notice_id in seen:  # counted once; the copies are the duplicates
            continue
        seen.add(m.notice_id)
        if found := ANNOUNCED.match(m.subject):
            kinds[f"announced: {found['round']}"] += 1
        elif m.subject == DECIDED:
            kinds["decided"] += 1
        elif m.subject == PLANNED:
            kinds["planned"] += 1
        else:
            other += 1
    return kinds, sum(n - 1 for n in ids.values() if n > 1), other


async def owed(ctx: DemoContext, agencies: list[str]) -> Counter[str]:
    """What the services say people are owed: announcements, decisions, development plans (any state)."""
    out: Counter[str] = Counter({f"announced: {name}": n for name, n in ctx.facts.get("announced", {}).items()})
    out["decided"] = int(ctx.facts.get("decisions", 0))
    client = ctx.client("training")
    for agency_id in agencies:
        r = await client.get("/v1/plans", params={"limit": 1}, headers=ctx.as_user(f"hr.{agency_id}"))
        r.raise_for_status()
        out["planned"] += int(r.json()["total"])
    return +out


async def wait_for_mailbox(
    ctx: DemoContext, mailbox: Path, agencies: list[str], timeout_s: float = 600.0, settle_s: float = 4.0
) -> NoticeCheck:
    """Polls until the mailbox holds exactly what is owed (or the time is up), then `settle_s` more seconds and
    counts again, so a second copy sent by a later pass shows up."""
    deadline = time.monotonic() + timeout_s
    check = NoticeCheck()
    shown = 0.0
    while True:
        check.owed = await owed(ctx, agencies)
        check.delivered, check.duplicates, check.other = await asyncio.to_thread(_tally_dir, mailbox)
        if check.complete or time.monotonic() > deadline:
            break
        if time.monotonic() - shown > 15:
            ctx.progress(f"notices: waiting for the console's notifier: {check.describe()}")
            shown = time.monotonic()
        await asyncio.sleep(2)
    if check.complete:
        await asyncio.sleep(settle_s)
        check.delivered, check.duplicates, check.other = await asyncio.to_thread(_tally_dir, mailbox)
    return check


def _tally_dir(mailbox: Path) -> tuple[Counter[str], int, int]:
    return tally(read_mailbox(mailbox)) if mailbox.exists() else (Counter(), 0, 0)
