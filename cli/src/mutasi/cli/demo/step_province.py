"""Demo step "province": a second agency (Kota Solok) joins, and the province BKD runs one round across both
agencies (PP 11/2017 Pasal 190, mutasi antarinstansi) in which Sawahlunto ASN may be placed in Kota Solok posts.

Every call carries a token from the identity provider: Kota Solok's data goes in as `hr.kota-solok`, the round is
run by `province.sumbar` and approved by the province's own two approvers, and Sawahlunto's HR files its people's
requests for Kota Solok posts (it sees only its own people; the province round is found through its agency)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import httpx

from mutasi.cli.demo import step_assessment, step_placement
from mutasi.cli.demo.context import DemoContext
from mutasi.cli.demo.synth import generate

SECOND = "kota-solok"
PROVINCE_AGENCY = "sumbar"
PROVINCE_USER = "province.sumbar"
PROVINCE_APPROVERS = (f"approver1.{PROVINCE_AGENCY}", f"approver2.{PROVINCE_AGENCY}")
MAX_REQUESTS = 40


def users(first: str) -> list[str]:
    """The demo users this step signs in as (the runner signs everyone in before the run)."""
    return [f"hr.{SECOND}", PROVINCE_USER, *PROVINCE_APPROVERS, f"auditor.{PROVINCE_AGENCY}", f"auditor.{SECOND}"]


async def prepare(ctx: DemoContext) -> None:
    return None  # the second agency is loaded in `run`, after the first agency's round


async def _load_second_agency(ctx: DemoContext) -> DemoContext:
    """Kota Solok's posts, registry and assessments, through the same HTTP steps as Sawahlunto's, as its HR."""
    size = max(150, len(ctx.dataset.employees) // 8)
    taken = {e.nip for e in ctx.dataset.employees}
    for seed in range(ctx.dataset.seed + 1, ctx.dataset.seed + 50):  # a NIP names one person in the whole country
        data = generate(seed=seed, size=size, today=ctx.dataset.today, agency_id=SECOND)
        if not any(e.nip in taken for e in data.employees):
            break
    else:
        raise RuntimeError(f"no synthetic {SECOND} without a NIP of the first agency")
    headers = ctx.as_user(f"hr.{SECOND}")
    clients = {name: httpx.AsyncClient(base_url=c.base_url, headers=headers, timeout=300, transport=ctx.transport)
               for name, c in ctx.clients.items()}  # fmt: skip
    second = DemoContext(dataset=data, clients=clients, run_dir=ctx.run_dir / SECOND, progress=ctx.progress,
                         tokens=ctx.tokens, transport=ctx.transport)  # fmt: skip
    try:
        await step_placement.prepare(second)
        await step_assessment.prepare(second)
        await step_assessment.run(second)
        await step_placement._wait_for_pool(second, clients["placement"])
    finally:
        for client in clients.values():
            await client.aclose()
    return second


def _preferences(ctx: DemoContext, second: DemoContext, pool: set[str]) -> dict[str, list[str]]:
    """Sawahlunto ASN who did not move ask for open Kota Solok posts in their own field of study."""
    moved = set(ctx.facts.get("moved", ()))
    open_posts = [p for p in second.dataset.posts if p.kebutuhan > p.bezetting]
    rng = random.Random(ctx.dataset.seed)
    prefs: dict[str, list[str]] = {}
    for e in ctx.dataset.employees:
        if e.nip in moved or e.nip not in pool:
            continue
        fitting = [f"{SECOND}:{p.post_id}" for p in open_posts if e.education_field in p.education_fields]
        if fitting:
            prefs[e.nip] = rng.sample(fitting, k=min(3, len(fitting)))
    chosen = sorted(prefs)[:MAX_REQUESTS]
    return {nip: prefs[nip] for nip in chosen}


async def run(ctx: DemoContext) -> dict[str, Any]:
    second = await _load_second_agency(ctx)
    first = ctx.dataset.agency_id
    client = ctx.client("placement")
    province = ctx.as_user(PROVINCE_USER)
    hr_first = ctx.as_user(f"hr.{first}")
    today = ctx.dataset.today
    body = {"name": f"Mutasi antarinstansi Sumatera Barat {today.year}", "period": f"{today.year}-II-prov",
            "preferences_open_until": (today + timedelta(days=7)).isoformat(),
            "effective_date": (today + timedelta(days=30)).isoformat(), "agencies": [first, SECOND]}  # fmt: skip
    key = {"Idempotency-Key": f"demo-prov-{ctx.dataset.seed}"}
    r = await client.post("/v1/rounds", json=body, headers={**province, **key})
    r.raise_for_status()
    round_id = r.json()["round_id"]
    ctx.progress(f"province: round {round_id} across {first} and {SECOND}, {r.json()['notices']} notices")
    ctx.facts.setdefault("announced", {})[body["name"]] = r.json()["notices"]
    listed = await client.get("/v1/candidates", headers=hr_first)
    pool = {c["nip"] for c in listed.json()["candidates"]}
    prefs = _preferences(ctx, second, pool)
    for nip, ranked in prefs.items():
        (await client.put(f"/v1/rounds/{round_id}/preferences/{nip}", json={"ranked": ranked},
                          headers=hr_first)).raise_for_status()  # fmt: skip
    ctx.progress(f"province: {len(prefs)} {first} ASN asked for {SECOND} posts (filed by {first}'s HR)")
    (await client.post(f"/v1/rounds/{round_id}/close", headers=province)).raise_for_status()
    r = await client.post(f"/v1/rounds/{round_id}/plan", headers=province, timeout=600.0)
    r.raise_for_status()
    for approver in PROVINCE_APPROVERS:
        (await client.post(f"/v1/rounds/{round_id}/approvals", headers=ctx.as_user(approver))).raise_for_status()
    r = await client.post(f"/v1/rounds/{round_id}/decide", headers=province, timeout=300.0)
    r.raise_for_status()
    decisions = r.json()["decisions"]
    across = [d for d in decisions if d["from_post"].split(":", 1)[0] != d["to_post"].split(":", 1)[0]]
    ctx.progress(f"province: {len(decisions)} decided, {len(across)} between agencies")
    ctx.facts["province_round"] = round_id
    ctx.facts["decisions"] = ctx.facts.get("decisions", 0) + len(decisions)
    return {"round_id": round_id, "agencies": [first, SECOND], "decided": len(decisions),
            "inter_agency_moves": len(across), "preferences": len(prefs)}  # fmt: skip
