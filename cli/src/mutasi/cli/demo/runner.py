"""Runs the demo round step by step against running services and prints one `demo:` summary line."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from mutasi.cli import audit
from mutasi.cli.demo import notices, step_province
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.synth import generate, with_demo_employee
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import DEMO_PASSWORD

# Order of the programme (docs/architecture.md): posts and catalogue first, then assessment -> placement ->
# training -> evaluation. Each step module lives beside this file and is owned by its service's team.
PREPARE = ("placement", "training", "assessment", "evaluation")
RUN = ("assessment", "placement", "training", "evaluation", "province")  # province: a 2nd agency, one round across
SUMMARY = (
    ("assessed", "assessment", "assessed"),
    ("decided", "placement", "decided"),
    ("moved", "placement", "moved"),
    ("trained", "training", "trained"),
    ("evaluated", "evaluation", "evaluated"),
    ("follow_ups", "evaluation", "follow_ups"),
    ("inter_agency", "province", "inter_agency_moves"),
)


class DemoFailed(Exception):
    """A step produced nothing; `make demo` must exit non-zero."""


async def run_demo(
    urls: dict[str, str],
    run_dir: Path,
    say: Callable[[str], None],
    issuer: str,
    seed: int = 2026,
    size: int = 2500,
    today: date | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    demo_employee: str | None = None,
    mailbox: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """`demo_employee`: give one IT graduate this NIP (the identity provider's demo employee), so that person can
    sign in to the console afterwards and find their own round (`mutasi demo --keep`). `mailbox`: the local
    mailbox of the console's notices; when given, the demo ends only once every notice the round owes people is
    in it exactly once (and fails if that does not happen)."""
    started = time.monotonic()
    dataset = generate(seed=seed, size=size, today=today)
    if demo_employee:
        dataset = with_demo_employee(dataset, demo_employee)
    say(
        f"dataset: {dataset.agency_name}: {len(dataset.units)} OPD, {len(dataset.posts)} posts, "
        f"{len(dataset.employees)} ASN, {len(dataset.assessments)} assessments, {len(dataset.offerings)} offerings "
        f"(seed {seed})"
    )
    tokens = await _sign_in(issuer, dataset.agency_id, say)
    headers = {"Authorization": f"Bearer {tokens[f'hr.{dataset.agency_id}']}"}
    clients = {
        s: httpx.AsyncClient(base_url=u, headers=headers, timeout=300, transport=transport) for s, u in urls.items()
    }
    ctx = DemoContext(
        dataset=dataset, clients=clients, run_dir=run_dir, progress=say, tokens=tokens, transport=transport
    )
    results: dict[str, dict[str, Any]] = {}
    try:
        for service in PREPARE:
            step = importlib.import_module(f"mutasi.cli.demo.step_{service}")
            say(f"[prepare {service}]")
            await step.prepare(ctx)
        for service in RUN:
            step = importlib.import_module(f"mutasi.cli.demo.step_{service}")
            t0 = time.monotonic()
            say(f"[{service}]")
            results[service] = dict(await step.run(ctx))
            say(f"[{service}] done in {time.monotonic() - t0:.1f}s: {_brief(results[service])}")
        for agency_id in (dataset.agency_id, step_province.PROVINCE_AGENCY):
            verdict = await audit.verify(clients["placement"], agency_id, tokens[f"auditor.{agency_id}"])
            say(audit.describe(verdict))
            if not verdict["ok"]:
                raise DemoFailed(f"the decision log of {agency_id} does not verify")
        if mailbox is not None:
            say("[notices]")
            check = await notices.wait_for_mailbox(ctx, mailbox, [dataset.agency_id, step_province.SECOND])
            say(f"notices: {check.describe()}")
            if not check.complete:
                raise DemoFailed(f"the local mailbox does not hold every notice of the round once: {check.describe()}")
            results["notices"] = {"sent": sum(check.delivered.values()), "duplicates": check.duplicates}
    finally:
        for client in clients.values():
            await client.aclose()
    wall = time.monotonic() - started
    counts = {label: results.get(svc, {}).get(key, 0) for label, svc, key in SUMMARY}
    gain = results.get("placement", {}).get("gain_over_greedy_pct")
    coverage = results.get("training", {}).get("gap_coverage_pct")
    boxes = results.get("assessment", {}).get("boxes", {})
    parts = [f"{k}={v}" for k, v in counts.items()]
    if "notices" in results:
        parts.append(f"notices={results['notices']['sent']} notices_twice={results['notices']['duplicates']}")
    kinds = results.get("placement", {}).get("moves_by_kind", {})
    if kinds:
        parts.append("kinds=" + ",".join(f"{k}:{v}" for k, v in kinds.items()))
        parts.append(f"pppk_moved={results['placement'].get('pppk_moved', 0)}")
        parts.append(f"demosi_without_basis={results['placement'].get('demosi_without_basis', 0)}")
    if gain is not None:
        parts.append(f"gain_over_greedy={gain:.1f}%")
    if coverage is not None:
        parts.append(f"gaps_covered={coverage:.0f}%")
    if boxes:
        parts.append("boxes=" + ",".join(f"{b}:{boxes.get(b, boxes.get(str(b), 0))}" for b in range(1, 10)))
    report = results.get("evaluation", {}).get("report")
    if report:
        say(f"programme report: {report}")
    say(f"demo: {' '.join(parts)} wall={wall:.1f}s")
    results["facts"] = dict(ctx.facts)
    empty = [label for label, value in counts.items() if not value]
    if empty:
        raise DemoFailed(f"these steps produced nothing: {', '.join(empty)}")
    return results


async def _sign_in(issuer: str, agency_id: str, say: Callable[[str], None]) -> dict[str, str]:
    """Every demo user of the run signs in at the identity provider (code + PKCE through its login form): the
    agency's staff, then the second agency's HR and the province BKD's users (step "province")."""
    names = [f"{who}.{agency_id}" for who in ("hr", "approver1", "approver2", "employee", "auditor")]
    names += step_province.users(agency_id)
    tokens = {name: (await sign_in(issuer, name, DEMO_PASSWORD)).access_token for name in names}
    say(f"signed in at {issuer}: {', '.join(names)}")
    return tokens


def _brief(result: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in result.items() if isinstance(v, int | float | str) and len(str(v)) < 60)
