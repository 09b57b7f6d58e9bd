"""SKJ import: validate posts and standards, then upsert changed posts in bulk."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from mutasi.assessment.domain.rows import Cells, RowsOutcome
from mutasi.assessment.domain.skj_rows import PostStandard, validate_skj_rows
from mutasi.assessment.service_layer.deps import Deps, chunks, in_batch
from mutasi.assessment.service_layer.policy import Policy
from mutasi.chassis.store import UnitOfWork


async def validate_posts(
    deps: Deps, policy: Policy, agency_id: str, rows: Iterable[Cells]
) -> RowsOutcome[PostStandard]:
    """Rows of the SKJ template into posts with their standards."""
    # in a thread: reading and checking 100,000 rows must not stop the service answering (health checks)
    return await asyncio.to_thread(validate_skj_rows, rows, policy.standards)


async def store_posts(
    deps: Deps, policy: Policy, agency_id: str, items: list[PostStandard], import_id: str
) -> dict[str, int]:
    """Create or update posts whose content changed; identical rows change nothing."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for part in chunks(sorted(items, key=lambda i: i.post.post_id), deps.batch_size):

        async def write(uow: UnitOfWork, part: Sequence[PostStandard] = part) -> dict[str, int]:
            done = dict.fromkeys(counts, 0)  # this attempt's: a batch run again counts from scratch
            existing = await deps.store.posts_by_id(uow, agency_id, (i.post.post_id for i in part))
            docs = []
            for item in part:
                doc = deps.docs.post_doc(agency_id, item)
                doc["fingerprint"] = deps.docs.fingerprint(doc)
                old = existing.get(item.post.post_id)
                if old is not None and old.get("fingerprint") == doc["fingerprint"]:
                    done["unchanged"] += 1
                    continue
                done["updated" if old else "created"] += 1
                docs.append({**doc, "import_id": import_id, "updated_at": datetime.now(UTC)})
            await deps.store.save_posts(uow, docs)
            return done

        for name, n in (await in_batch(deps, agency_id, write)).items():
            counts[name] += n
    return counts
