"""At least once in: a message is acknowledged only after its transaction commits, so one whose transaction fails
comes back, on a real broker and database."""

from __future__ import annotations

import pytest

from mutasi.chassis.kit import ServiceKit
from mutasi.contracts import topics
from tests.integration.test_chassis_on_the_wire import decided_event
from tests.support.toy import HANDLED, TRANSIENT_FAILURES, ToySettings, create_app
from tests.support.wire import Wire, eventually, produce

pytestmark = pytest.mark.integration


async def test_a_message_whose_transaction_fails_is_delivered_again_not_lost(wire: Wire) -> None:
    # One attempt per delivery: the only way to a second attempt is the broker giving the message again, which
    # happens only if the first delivery was not acknowledged (ack after commit, never ack first).
    kit: ServiceKit = create_app(ToySettings(**wire.settings(retry_attempts=1, retry_backoff_s=0.01))).state.kit
    nip = "197201011996031777"
    TRANSIENT_FAILURES[nip] = 1
    await kit.start()
    try:
        await produce(wire.kafka, topics.MUTATION_DECIDED.name, decided_event(nip, f"evt-redeliver-{id(kit)}"), None)

        async def stored() -> int:
            return await kit.database().raw("plans").count({"nip": nip})

        await eventually(stored, timeout=30)
        plans = await stored()
    finally:
        await kit.stop()
    assert HANDLED[nip] == 2
    assert plans == 1
