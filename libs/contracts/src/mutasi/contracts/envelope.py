"""The CloudEvents 1.0 structured-mode envelope every Mutasi message body uses."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mutasi.contracts.values import AgencyId, RecentTime

P = TypeVar("P", bound=BaseModel)


class Payload(BaseModel):
    """Base of every event payload: tolerant when read (unknown fields ignored), explicit when written."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class CloudEvent(BaseModel, Generic[P]):
    """CloudEvents 1.0 envelope plus the Mutasi extension attributes."""

    model_config = ConfigDict(extra="ignore")

    specversion: Literal["1.0"] = Field("1.0", description="CloudEvents specification version.")
    id: str = Field(
        default_factory=lambda: str(uuid.uuid4()),
        min_length=1,
        max_length=128,
        description="Unique event id; consumers dedupe on it.",
    )
    source: str = Field(description="Producing service, e.g. /mutasi/placement.")
    type: str = Field(description="Event type, equal to the topic name, e.g. mutasi.mutation-decided.v1.")
    time: RecentTime = Field(default_factory=lambda: datetime.now(UTC), description="When the fact happened (UTC).")
    subject: str = Field(
        min_length=1,
        max_length=128,
        description="What the event is about: the employee's NIP (also the partition key).",
    )
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = Field(
        None,
        description="Absolute URI of this message's JSON Schema, served by the producer at /schemas/<type>.json.",
    )
    agencyid: AgencyId = Field(description="Agency (pemda) the fact belongs to; every read is scoped by it.")
    programid: str | None = Field(None, description="Mutation programme / round the fact belongs to.")
    correlationid: str = Field(description="Id shared by every event of one business flow.")
    causationid: str | None = Field(
        None, description="Id of the event that caused this one (absent only for a fact started by a person)."
    )
    traceparent: str | None = Field(
        None, description="W3C trace context of the span that emitted the event (CloudEvents distributed tracing)."
    )
    data: P = Field(description="The versioned payload.")


@functools.cache
def event_model(payload: type[BaseModel]) -> type[CloudEvent[Any]]:
    """The concrete envelope class for one payload type (for validating or building messages). Cached: pydantic
    keeps parametrised generics only weakly, so without a strong reference the class was rebuilt per event."""
    return CloudEvent[payload]  # type: ignore[valid-type]
