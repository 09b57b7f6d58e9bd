"""Authorization, deny by default, written once: for every route of every service, who may call it and on what.

A route is `(method, path template)` of one service. Its rule maps each allowed role to a scope:
- `agency`: the caller's own agency (the token's `agency`); every query is scoped by it.
- `own_nip`: only the caller's own record: a `{nip}` in the path must be the token's `nip`; routes without one
  read the token's `nip` (the "me" routes), and handlers check a NIP found in a body or a stored record with
  `require_own_nip`.
- `round_agencies`: a province-level caller acting for one of the agencies its token names (`agencies`), chosen
  with the `X-Agency-Id` header; a round spanning several agencies is limited to those.
A route without a rule is refused (403), and so is a role the rule does not name. Adding a route: add its line
to `POLICY` below (the test that enumerates every service's OpenAPI fails until you do). docs/identity.md has
the table in prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    AGENCY = "agency"
    OWN_NIP = "own_nip"
    ROUND_AGENCIES = "round_agencies"


A, N, R = Scope.AGENCY, Scope.OWN_NIP, Scope.ROUND_AGENCIES
Rule = Mapping[str, Scope]  # role -> scope; the first role (in this order) the caller holds and fits wins

HR: Rule = {"hr": A}
STAFF: Rule = {"hr": A, "approver": A}
READ: Rule = {"hr": A, "approver": A, "auditor": A}  # agency staff and the auditor read
READ_PROV: Rule = {**READ, "province": R}  # ... and the province for the agencies it coordinates
HR_PROV: Rule = {"hr": A, "province": R}
SELF_OR_READ: Rule = {**READ, "employee": N}  # staff read anyone of the agency, an employee only themself
SELF_OR_READ_PROV: Rule = {**READ_PROV, "employee": N}
ME: Rule = {"employee": N, "hr": N, "approver": N, "auditor": N, "province": N}  # every person's own record
AUDITOR: Rule = {"auditor": A}  # the audit trail: who read or changed whose record (the auditor of the agency)
# the decision log's integrity: HR and the Tim Penilai Kinerja (approvers) may check their own agency's too
AUDIT_CHECK: Rule = {"auditor": A, "hr": A, "approver": A}
AUDIT_TRAIL = {("GET", "/v1/audit/trail"): AUDITOR}  # every service keeps one (mutasi.chassis.audit)

# (method, path) -> rule, per service. Paths are FastAPI path templates exactly as in the service's OpenAPI.
POLICY: dict[str, dict[tuple[str, str], Rule]] = {
    "assessment": {
        ("GET", "/v1/templates/{kind}"): READ_PROV,
        ("POST", "/v1/imports/{kind}"): HR,
        ("GET", "/v1/imports/{import_id}"): READ,
        ("GET", "/v1/imports/{import_id}/errors.xlsx"): HR,
        ("POST", "/v1/assessments"): HR,
        ("GET", "/v1/talent-grid"): READ,
        ("GET", "/v1/talent-grid.png"): READ,
        ("GET", "/v1/jpm-distribution"): READ_PROV,
        ("GET", "/v1/worklist/missing"): READ,
        ("GET", "/v1/worklist/reassessment"): READ,
        ("GET", "/v1/me"): ME,
        ("GET", "/v1/employees/{nip}"): SELF_OR_READ_PROV,
        ("GET", "/v1/employees/{nip}/history"): READ,
        ("GET", "/v1/employees/{nip}/jpm"): READ_PROV,
        ("GET", "/v1/posts/{post_id}"): READ_PROV,
        ("GET", "/v1/policy"): READ_PROV,
        ("PUT", "/v1/policy"): HR,
        **AUDIT_TRAIL,
    },
    "placement": {
        ("POST", "/v1/posts/import"): HR,
        ("GET", "/v1/posts/template.xlsx"): READ_PROV,
        ("GET", "/v1/posts"): {**READ_PROV, "employee": A},  # posts are public within the agency: choosing needs them
        ("GET", "/v1/needs"): READ_PROV,
        ("GET", "/v1/candidates"): READ_PROV,
        ("GET", "/v1/rules"): {**READ_PROV, "employee": A},
        ("GET", "/v1/policy"): READ_PROV,
        ("PUT", "/v1/policy"): HR,
        ("POST", "/v1/rounds"): HR_PROV,
        ("GET", "/v1/rounds"): {**READ_PROV, "employee": A},
        ("GET", "/v1/rounds/{round_id}"): {**READ_PROV, "employee": A},
        ("PUT", "/v1/rounds/{round_id}/preferences/{nip}"): {"hr": A, "employee": N},
        ("POST", "/v1/rounds/{round_id}/close"): HR_PROV,
        ("POST", "/v1/rounds/{round_id}/plan"): HR_PROV,
        ("GET", "/v1/rounds/{round_id}/plan"): READ_PROV,
        ("POST", "/v1/rounds/{round_id}/scenarios"): {**STAFF, "province": R},
        ("GET", "/v1/rounds/{round_id}/scenarios"): READ_PROV,
        ("POST", "/v1/rounds/{round_id}/overrides"): {"approver": A},
        ("POST", "/v1/rounds/{round_id}/approvals"): {"approver": A},
        ("POST", "/v1/rounds/{round_id}/decide"): {**STAFF, "province": R},
        ("GET", "/v1/rounds/{round_id}/decisions"): READ_PROV,
        ("GET", "/v1/rounds/{round_id}/units"): READ_PROV,
        ("GET", "/v1/rounds/{round_id}/export.xlsx"): READ_PROV,
        ("GET", "/v1/rounds/{round_id}/fairness"): READ_PROV,
        ("GET", "/v1/rounds/{round_id}/fairness.png"): READ_PROV,
        ("GET", "/v1/rounds/{round_id}/people/{nip}"): SELF_OR_READ_PROV,
        ("GET", "/v1/rounds/{round_id}/explanations/{nip}"): SELF_OR_READ_PROV,
        ("POST", "/v1/rounds/{round_id}/objections"): {"hr": A, "employee": N},
        ("GET", "/v1/rounds/{round_id}/objections"): READ_PROV,
        ("POST", "/v1/rounds/{round_id}/objections/{objection_id}/review"): STAFF,
        ("POST", "/v1/rounds/{round_id}/objections/{objection_id}/resolve"): STAFF,
        ("GET", "/v1/audit/verify"): AUDIT_CHECK,
        ("GET", "/v1/audit/decision-log"): AUDIT_CHECK,
        **AUDIT_TRAIL,
    },
    "training": {
        ("POST", "/v1/catalogue/import"): HR,
        ("GET", "/v1/catalogue/offerings"): {**READ, "employee": A},
        ("POST", "/v1/sessions/{session_id}/cancel"): HR,
        ("POST", "/v1/plans/replan-open"): HR,
        ("GET", "/v1/people/{nip}"): SELF_OR_READ,
        ("GET", "/v1/plans"): READ,
        ("GET", "/v1/plans/{plan_id}"): SELF_OR_READ,  # the handler checks the plan's NIP for an employee
        ("POST", "/v1/plans/{plan_id}/items/{item_id}/attendance"): HR,
        ("POST", "/v1/plans/{plan_id}/items/{item_id}/completion"): HR,
        ("GET", "/v1/reminders"): READ,
        ("GET", "/v1/summary"): READ_PROV,
        ("GET", "/v1/exports/attendance.xlsx"): READ,
        **AUDIT_TRAIL,
    },
    "evaluation": {
        ("POST", "/v1/evaluations"): HR,
        ("GET", "/v1/evaluations"): READ,
        ("GET", "/v1/schedules"): READ,
        ("GET", "/v1/checkpoints/due"): READ,
        ("GET", "/v1/follow-ups"): READ,
        ("GET", "/v1/reports/{round_id}"): READ_PROV,
        ("GET", "/v1/reports/{round_id}/xlsx"): READ_PROV,
        ("GET", "/v1/reports/{round_id}/html"): READ_PROV,
        ("GET", "/v1/me/evaluations"): ME,
        ("PUT", "/v1/me/surveys/{round_id}/{checkpoint_months}"): ME,  # own NIP only: answers the caller's survey
        **AUDIT_TRAIL,
    },
}

# The operations plane, reachable without a token: probes (kubelet, Docker HEALTHCHECK) and the Prometheus
# scrape carry none, subscribers fetch the events' JSON Schemas, and none of these serves personal data
# (metrics have no user-controlled label values). Keep them on the cluster network. `ops` gets no /v1 data.
PUBLIC_PATHS = frozenset(
    {"/health/live", "/health/ready", "/metrics", "/asyncapi.json", "/docs", "/docs/oauth2-redirect", "/openapi.json"}
)
PUBLIC_PREFIXES = ("/schemas/",)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@dataclass(frozen=True)
class Grant:
    role: str
    scope: Scope
    agency_id: str


def rule_for(
    service: str, method: str, path: str, table: Mapping[str, Mapping[tuple[str, str], Rule]] = POLICY
) -> Rule | None:
    return table.get(service, {}).get((method.upper(), path))


def decide(
    rule: Rule,
    *,
    roles: frozenset[str],
    home_agency: str | None,
    agencies: frozenset[str],
    own_nip: str | None,
    wanted_agency: str | None,
    path_nip: str | None,
    has_path_nip: bool,
) -> Grant | None:
    """The first (role, scope) of `rule` the caller holds and fits, or None (deny).

    `wanted_agency` is the X-Agency-Id selection (None: the token's own agency); `path_nip` the `{nip}` of
    the path, if the route has one."""
    for role, scope in rule.items():
        if role not in roles:
            continue
        agency = wanted_agency or home_agency
        if agency is None:
            continue
        if scope is Scope.ROUND_AGENCIES:
            if agency not in agencies | ({home_agency} if home_agency else set()):
                continue
        elif agency != home_agency:
            continue
        if scope is Scope.OWN_NIP and (own_nip is None or (has_path_nip and path_nip != own_nip)):
            continue
        return Grant(role, scope, agency)
    return None
