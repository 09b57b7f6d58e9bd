"""Who may do what beyond the route's policy (mutasi.chassis.policy): a person acts only on their own NIP, and
only the province role, over agencies its token names, runs a round across agencies."""

from __future__ import annotations

from mutasi.chassis.http import Caller
from mutasi.chassis.policy import Scope
from mutasi.placement.domain.errors import NotAllowed
from mutasi.placement.domain.rounds import Caller as Actor

PROVINCE_ROLE = "province"


def require_self_or_staff(caller: Caller, nip: str) -> None:
    """A caller granted only its own record (an employee) may not act on another NIP, e.g. in a request body."""
    if caller.scope == Scope.OWN_NIP and caller.nip != nip:
        raise NotAllowed("nip", "Anda hanya dapat mengakses data Anda sendiri.", "You may only access your own record.")


def require_province_over(caller: Caller, agencies: tuple[str, ...]) -> None:
    """A round across agencies: only the province role acting for its own (province) agency, and only over at
    least two agencies its token names."""
    if caller.role != PROVINCE_ROLE:
        raise NotAllowed("token.roles", "Putaran lintas instansi hanya oleh peran province (BKD provinsi).",
                         "A round across agencies needs the province role (the province BKD).")  # fmt: skip
    if caller.agency_id in agencies:
        raise NotAllowed("header.X-Agency-Id", "Putaran lintas instansi dimiliki BKD provinsi, bukan satu instansi.",
                         "A round across agencies belongs to the province BKD, not to one agency.")  # fmt: skip
    outside = sorted(set(agencies) - set(caller.agencies))
    if outside or len(set(agencies)) < 2:
        raise NotAllowed("agencies", f"Instansi di luar kewenangan atau kurang dari dua: {', '.join(outside)}",
                         f"Agencies outside your mandate, or fewer than two: {', '.join(outside)}")  # fmt: skip


def actor(caller: Caller) -> Actor:
    """The acting user as the token names it (`sub`) and the role the policy granted this request."""
    return Actor(caller.user, caller.role)
