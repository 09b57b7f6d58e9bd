"""Who may do what: HR runs rounds, approvers approve, a person reads and writes only their own things."""

from __future__ import annotations

from mutasi.chassis.http import Caller
from mutasi.placement.domain.errors import NotAllowed
from mutasi.placement.domain.rounds import Caller as Actor

HR_ROLES = ("hr", "admin")
STAFF_ROLES = ("hr", "admin", "approver", "reviewer")


def require_hr(caller: Caller) -> None:
    if caller.role not in HR_ROLES:
        raise NotAllowed(
            "X-Role", "Hanya BKPSDM (peran hr) yang boleh melakukan ini.", "Only HR (role hr) may do this."
        )


def require_staff(caller: Caller) -> None:
    if caller.role not in STAFF_ROLES:
        raise NotAllowed("X-Role", "Perlu peran hr atau approver.", "Requires role hr or approver.")


def require_self_or_staff(caller: Caller, nip: str) -> None:
    if caller.role in STAFF_ROLES:
        return
    if caller.nip != nip:
        raise NotAllowed(
            "X-Nip", "Anda hanya dapat mengakses data Anda sendiri.", "You may only access your own record."
        )


def actor(caller: Caller) -> Actor:
    return Actor(caller.user, caller.role)
