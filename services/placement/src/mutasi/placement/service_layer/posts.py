"""Needs analysis: import the posts workbook (all-or-nothing unless asked), list posts and per-unit needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from mutasi.chassis.http import Caller
from mutasi.placement.domain.post_rows import Cells, header_errors, parse_posts
from mutasi.placement.domain.posts import Post, needs_by_unit
from mutasi.placement.service_layer.deps import Deps
from mutasi.placement.service_layer.ports import Store
from mutasi.placement.service_layer.shared import idempotent, remember


async def import_posts(deps: Deps, caller: Caller, header: list[str], rows: Sequence[Cells], accept_partial: bool,
                       digest: str, key: str | None) -> dict[str, Any]:  # fmt: skip
    """Validate every row; store nothing unless all rows are good or the caller asked to keep the good ones."""
    fingerprint = {"posts": digest, "accept_partial": accept_partial}
    async with deps.uow() as uow:
        if (stored := await idempotent(uow, caller.agency_id, key, fingerprint)) is not None:
            return stored
        errors = header_errors(header)
        outcome = parse_posts(caller.agency_id, rows) if not errors else None
        if outcome is not None:
            errors = outcome.errors
        accepted = outcome.accepted if outcome is not None else []
        store = bool(accepted) and (not errors or accept_partial)
        if store:
            await deps.store.save_posts(uow, accepted)
        result = _result(deps.new_id(), len(rows), accepted, errors, store)
        await deps.store.log_import(uow, {"agency_id": caller.agency_id, **result})
        await remember(uow, caller.agency_id, key, fingerprint, result)
        await uow.commit()
    return result


def _result(import_id: str, total: int, accepted: list[Post], errors: list[Any], stored: bool) -> dict[str, Any]:
    rejected = len({e.row for e in errors})
    if stored:
        message = f"{len(accepted)} jabatan disimpan, {rejected} baris ditolak / {len(accepted)} posts stored"
    elif errors:
        message = (f"Tidak ada yang disimpan: {rejected} baris salah (kirim accept_partial=true untuk menyimpan yang "
                   f"benar) / nothing stored: {rejected} bad rows")  # fmt: skip
    else:
        message = "Berkas kosong / the file has no rows"
    return {"import_id": import_id, "rows": total, "accepted": len(accepted) if stored else 0, "rejected": rejected,
            "stored": stored, "message": message, "errors": [_error(e) for e in errors]}  # fmt: skip


def _error(e: Any) -> dict[str, Any]:
    """A row error with the `field`/`reason` pair every 4xx body of the API carries."""
    return {**asdict(e), "field": f"baris {e.row}.{e.column}", "reason": f"{e.reason_id} / {e.reason_en}"}


def post_view(store: Store, p: Post) -> dict[str, Any]:
    return {**store.post_to_doc(p), "seats": p.seats, "selisih": round(p.selisih, 2), "gap": p.gap}


async def list_posts(deps: Deps, caller: Caller) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        return [post_view(deps.store, p) for p in await deps.store.load_posts(uow, caller.agency_id)]


async def needs(deps: Deps, caller: Caller) -> list[dict[str, Any]]:
    async with deps.uow() as uow:
        return [asdict(n) for n in needs_by_unit(await deps.store.load_posts(uow, caller.agency_id))]
