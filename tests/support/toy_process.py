"""The toy service as a process of its own (no HTTP), so a test can kill -9 it in the middle of a batch.

Settings come from `MUTASI_TOY_*` variables (`MUTASI_TOY_HOLD_S` holds each batch's transaction open)."""

from __future__ import annotations

import asyncio

from mutasi.chassis.kit import ServiceKit
from tests.support.toy import ToySettings, create_app


async def main() -> None:
    kit: ServiceKit = create_app(ToySettings(bulk_handler=True)).state.kit
    await kit.start()
    print("started", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await kit.stop()


if __name__ == "__main__":
    asyncio.run(main())
