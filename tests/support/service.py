"""Test helpers: run a service in-process on FastStream's TestKafkaBroker and the in-memory database.

Identity in tests: requests carry real RS256 access tokens signed by a test key whose JWKS the running
service's verifier is given (see `TestIssuer`). For brevity, the test client turns the legacy identity
headers a test passes (`X-Agency-Id`, `X-User`, `X-Role`, `X-Nip`) into the claims of a freshly signed
token and strips them; a running service never reads them as identity. Test support only.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Generator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker
from pydantic import BaseModel

from mutasi.chassis.auth import TokenVerifier
from mutasi.chassis.kit import ServiceKit
from mutasi.chassis.sealed import Sealer, generate_key_pair
from mutasi.chassis.store import OUTBOX, outbox_events
from mutasi.contracts.envelope import CloudEvent, event_model
from mutasi.contracts.topics import Topic
from tests.support.memory_db import MemoryDatabase


class TestIssuer:
    """A test identity provider in-process: an RSA key, its JWKS, and tokens signed with it."""

    __test__ = False  # not a pytest test class

    def __init__(self, issuer: str, audience: str, kid: str = "test-key-1") -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = kid

    @cached_property
    def _private_key(self) -> rsa.RSAPrivateKey:
        return _rsa_key(self.kid)

    @property
    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private_key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def verifier(self, *also_trusted: Mapping[str, Any]) -> TokenVerifier:
        """A verifier trusting this key (and the keys of the JWKS in `also_trusted`, e.g. another test provider's)."""
        keys = [*self.jwks["keys"], *(k for jwks in also_trusted for k in jwks["keys"])]
        return TokenVerifier(issuer=self.issuer, audience=self.audience, jwks={"keys": keys})

    def token(self, *, ttl_s: int = 300, headers: Mapping[str, Any] | None = None, **claims: Any) -> str:
        """A signed access token; `claims` (sub, agency, agencies, roles, nip, ...) override the defaults."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "iat": now, "exp": now + ttl_s, "jti": str(uuid.uuid4())}
        body.update(claims)
        return jwt.encode(body, self._private_key, algorithm="RS256", headers={"kid": self.kid, **(headers or {})})

    def token_for_headers(self, headers: Mapping[str, str], default_agency: str) -> str:
        """Claims from the legacy identity headers: X-Agency-Id → agency, X-User → sub, X-Role → roles,
        X-Nip → nip, X-Agencies (comma-separated) → agencies. No X-Role means `hr`, or `employee` when only
        X-Nip is given."""
        nip = headers.get("x-nip")
        role = headers.get("x-role") or ("employee" if nip else "hr")
        agency = headers.get("x-agency-id", default_agency)
        claims: dict[str, Any] = {"sub": headers.get("x-user") or f"test-{role}", "roles": [role]}
        if agency:
            claims["agency"] = agency
        if nip:
            claims["nip"] = nip
        if agencies := headers.get("x-agencies"):  # a province user: the agencies it coordinates
            claims["agencies"] = [a.strip() for a in agencies.split(",") if a.strip()]
        return self.token(**claims)


_KEYS: dict[str, rsa.RSAPrivateKey] = {}


def _rsa_key(kid: str) -> rsa.RSAPrivateKey:
    """One key per kid per test run (RSA key generation takes a moment)."""
    if kid not in _KEYS:
        _KEYS[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEYS[kid]


class LegacyHeaderAuth(httpx.Auth):
    """Test client auth: a request without an Authorization header gets a token built from its identity headers."""

    def __init__(self, issuer: TestIssuer, default_agency: str) -> None:
        self.issuer = issuer
        self.default_agency = default_agency

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" not in request.headers and "x-agency-id" not in request.headers:
            request.headers["X-Agency-Id"] = self.default_agency  # as a caller of that agency would send it
        if "authorization" not in request.headers:
            request.headers["Authorization"] = "Bearer " + self.issuer.token_for_headers(
                request.headers, self.default_agency
            )
        # X-Agency-Id stays: the token's own agency passes as a selection
        for name in ("x-user", "x-role", "x-nip", "x-agencies"):
            if name in request.headers:
                del request.headers[name]
        if "x-select-agency" in request.headers or not request.headers.get("x-agency-id", "x"):
            request.headers.pop("x-agency-id", None)
        if "x-select-agency" in request.headers:  # a province user choosing an agency: the real header
            request.headers["X-Agency-Id"] = request.headers.pop("x-select-agency")
        yield request


@dataclass
class RunningService:
    """A started service: its HTTP client (tokens from legacy headers), a client sending nothing extra
    (`raw`), the test issuer, kit and (test) broker."""

    app: FastAPI
    kit: ServiceKit
    http: httpx.AsyncClient
    raw: httpx.AsyncClient
    issuer: TestIssuer
    sent: list[tuple[str, str]] = field(default_factory=list)  # (topic, body) as the relay published them

    async def drain(self, rounds: int = 50) -> None:
        """Publish every committed outbox entry (and what subscribers emit in turn) until none is left."""
        assert self.kit.relay is not None
        for _ in range(rounds):
            if await self.kit.relay.publish_pending() == 0:
                return

    async def published(self, topic: Topic) -> list[dict[str, Any]]:
        """Every event this service emitted on `topic`, oldest first, as CloudEvent dicts: those the relay
        published (their outbox bodies are gone by then), then those still waiting in the outbox."""
        sent = [json.loads(body) for name, body in self.sent if name == topic.name]
        waiting = await self.kit.database().raw(OUTBOX).find({"sent": False})
        return sent + [json.loads(e["body"]) for e in outbox_events(waiting, topic.name)]


@asynccontextmanager
async def running_service(
    app: FastAPI,
    agency_id: str = "sawahlunto",
    *,
    issuer: str | None = None,
    also_trusted: Sequence[Mapping[str, Any]] = (),
) -> AsyncIterator[RunningService]:
    """Start `app`'s kit on a TestKafkaBroker, its verifier trusting a TestIssuer's key.

    `svc.http` signs a token per request from the legacy identity headers (agency `agency_id`, role `hr` by
    default; see `TestIssuer.token_for_headers`); a request with its own Authorization header is sent as is.
    Send `X-Select-Agency` to put a real `X-Agency-Id` (a province user's agency choice) on the request.
    `svc.raw` sends exactly what the test gives it (no token unless the test adds one). `issuer` (default: the
    service's `auth_issuer`) and `also_trusted` (JWKS of another test provider with that issuer) let a test
    sign people in elsewhere, e.g. through a test OIDC provider in front of the console."""
    kit: ServiceKit = app.state.kit
    kit.use_database(MemoryDatabase)
    test_issuer = TestIssuer(issuer or kit.settings.auth_issuer, kit.settings.auth_audience)
    kit.verifier = test_issuer.verifier(*also_trusted)
    async with TestKafkaBroker(kit.broker):
        await kit.start(start_broker=False)
        try:
            transport = httpx.ASGITransport(app=app)
            auth = LegacyHeaderAuth(test_issuer, agency_id)
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://test", auth=auth) as client,
                httpx.AsyncClient(transport=transport, base_url="http://test") as raw,
            ):
                svc = RunningService(app=app, kit=kit, http=client, raw=raw, issuer=test_issuer)
                assert kit.relay is not None
                kit.relay.tap = lambda topic, body: svc.sent.append((topic, body))
                yield svc
        finally:
            await kit.stop(stop_broker=False)


def envelope(
    topic: Topic,
    data: BaseModel,
    *,
    agency_id: str,
    subject: str | None = None,
    event_id: str | None = None,
    source: str = "/mutasi/test",
) -> CloudEvent[Any]:
    """A CloudEvent as the topic's producer would publish it."""
    fields: dict[str, Any] = {
        "source": source,
        "type": topic.name,
        "subject": subject or str(getattr(data, topic.key)),
        "agencyid": agency_id,
        "correlationid": "test-correlation",
        "data": data,
    }
    if event_id:
        fields["id"] = event_id
    return event_model(type(data))(**fields)


async def publish_event(
    svc: RunningService,
    topic: Topic,
    data: BaseModel,
    *,
    agency_id: str = "sawahlunto",
    subject: str | None = None,
    event_id: str | None = None,
) -> CloudEvent[Any]:
    """Deliver an event to the service's subscribers (as another service would), then drain its outbox."""
    event = envelope(topic, data, agency_id=agency_id, subject=subject, event_id=event_id)
    await publish_raw(svc, topic, event.model_dump_json().encode(), key=event.subject.encode())
    return event


async def publish_raw(svc: RunningService, topic: Topic | str, body: bytes, key: bytes | None = None) -> None:
    name = topic if isinstance(topic, str) else topic.name
    await svc.kit.broker.publish(body, name, key=key)
    await svc.drain()


@cache
def seal_keys() -> tuple[str, str]:
    """One sealing key pair per test run: (placement's private JWK, the public JWK producers seal with)."""
    return generate_key_pair("test-seal")


def seal_settings() -> dict[str, str]:
    """Settings fields for sealed eligibility flags; each service reads its own and ignores the other."""
    private, public = seal_keys()
    return {"placement_seal_key": public, "seal_private_keys": private}


def seal_for_placement(value: BaseModel) -> str:
    """`value` sealed the way assessment seals eligibility flags, for the test key pair."""
    return Sealer(seal_keys()[1]).seal(value)
