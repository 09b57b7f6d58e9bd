"""Who may do what beyond the route's policy (mutasi.chassis.policy): a person acts only on their own NIP."""

from __future__ import annotations

from mutasi.chassis.http import Caller
from mutasi.chassis.policy import Scope
from mutasi.placement.domain.errors import NotAllowed
from mutasi.placement.domain.rounds import Caller as Actor


def require_self_or_staff(caller: Caller, nip: str) -> None:
    """A caller granted only its own record (an employee) may not act on another NIP, e.g. in a request body."""
    if caller.scope == Scope.OWN_NIP and caller.nip != nip:
        raise NotAllowed("nip", "Anda hanya dapat mengakses data Anda sendiri.", "You may only access your own record.")


def actor(caller: Caller) -> Actor:
    """The acting user as the token names it (`sub`) and the role the policy granted this request."""
    return Actor(caller.user, caller.role)
