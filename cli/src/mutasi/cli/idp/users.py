"""The local identity provider's demo users and clients: every role in two agencies, one province user, and the
province BKD's own approvers (Tim Penilai Kinerja of a round across agencies) and auditor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "mutasi-demo"  # local stack only; documented in README and docs/identity.md
AGENCIES = ("sawahlunto", "kota-solok")
PROVINCE_AGENCY = "sumbar"
AUDIENCE = "mutasi"
# NIPs of the demo employees (18 digits: birth date, appointment month, sex, serial) - not real people.
EMPLOYEE_NIPS = {"sawahlunto": "199001012015031001", "kota-solok": "199202022016042002"}


@dataclass(frozen=True)
class User:
    username: str
    password: str
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])


def _agency_users(agency: str) -> list[User]:
    users = []
    for name, roles in (
        ("hr", ["hr"]),
        ("approver1", ["approver"]),
        ("approver2", ["approver"]),
        ("employee", ["employee"]),
        ("auditor", ["auditor"]),
        ("ops", ["ops"]),
    ):
        username = f"{name}.{agency}"
        claims: dict[str, Any] = {"sub": f"{agency}:{name}", "agency": agency, "roles": roles}
        if name == "employee" and agency in EMPLOYEE_NIPS:
            claims["nip"] = EMPLOYEE_NIPS[agency]
        users.append(User(username, DEMO_PASSWORD, {**claims, "preferred_username": username}))
    return users


def demo_users(extra_agencies: tuple[str, ...] = ()) -> dict[str, User]:
    """The demo users; `extra_agencies` gives more agencies the same staff (the province round bench runs all 20
    governments of Sumatera Barat) and puts them under the province user. Their employee user has no NIP."""
    agencies = tuple(dict.fromkeys((*AGENCIES, *extra_agencies)))
    users = [u for agency in agencies for u in _agency_users(agency)]
    users.append(
        User(
            "province.sumbar",
            DEMO_PASSWORD,
            {
                "sub": "sumbar:province",
                "preferred_username": "province.sumbar",
                "agency": PROVINCE_AGENCY,
                "agencies": list(agencies),
                "roles": ["province"],
            },
        )
    )
    for name, roles in (("approver1", ["approver"]), ("approver2", ["approver"]), ("auditor", ["auditor"])):
        username = f"{name}.{PROVINCE_AGENCY}"
        claims = {"sub": f"{PROVINCE_AGENCY}:{name}", "agency": PROVINCE_AGENCY, "roles": roles}
        users.append(User(username, DEMO_PASSWORD, {**claims, "preferred_username": username}))
    return {u.username: u for u in users}


# Public clients (no secret): authorization code + PKCE, redirect to a loopback address on any port (RFC 8252).
CLIENTS = ("mutasi-console", "mutasi-cli")
