"""Authentication: verify an OIDC access token (JWT) against the provider's JWKS and read the caller from its claims.

Claims Mutasi reads (docs/identity.md says how to map them in a Keycloak-style provider):
`sub` (user id), `preferred_username`, `agency` (the agency the person belongs to), `agencies` (the agencies a
province-level user may act for), `roles` (or Keycloak's `resource_access.<audience>.roles` /
`realm_access.roles`), `nip` (the person's own NIP).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

ROLES = ("hr", "approver", "employee", "province", "auditor", "ops")
# Asymmetric algorithms only: `none` and HS* (a shared secret, or a public key misused as one) are never accepted.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
NIP = re.compile(r"^[0-9]{18}$")


class AuthenticationError(Exception):
    """The request carries no token, or one that is not valid (→ 401)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.field = "header.Authorization"


@dataclass(frozen=True)
class Caller:
    """Who is calling, from a verified token; `agency_id` is the agency this request acts for.

    `role` and `scope` are the grant the policy table gave this request (see mutasi.chassis.policy)."""

    agency_id: str
    user: str | None
    role: str | None
    nip: str | None
    roles: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    username: str | None = None
    scope: str | None = None

    @property
    def home_agency(self) -> str:
        return self.agency_id


@dataclass(frozen=True)
class Identity:
    """The claims of a verified token, before the policy table decides what this request may do."""

    user: str
    username: str | None
    agency: str | None
    agencies: frozenset[str]
    roles: frozenset[str]
    nip: str | None
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def may_act_for(self) -> frozenset[str]:
        """Every agency the token names: its own and, for a province-level user, those it coordinates."""
        return self.agencies | ({self.agency} if self.agency else frozenset())


def identity_from_claims(claims: Mapping[str, Any], audience: str) -> Identity:
    """Map verified claims to an Identity; unknown roles are dropped, malformed agency/NIP claims are refused."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise AuthenticationError("token tanpa sub / token has no sub")
    agency = claims.get("agency")
    if agency is not None and (not isinstance(agency, str) or not AGENCY_ID.match(agency)):
        raise AuthenticationError("klaim agency tidak valid / invalid agency claim")
    raw_agencies = claims.get("agencies") or []
    if isinstance(raw_agencies, str):
        raw_agencies = raw_agencies.split()
    if not isinstance(raw_agencies, list) or not all(isinstance(a, str) and AGENCY_ID.match(a) for a in raw_agencies):
        raise AuthenticationError("klaim agencies tidak valid / invalid agencies claim")
    nip = claims.get("nip")
    if nip is not None and (not isinstance(nip, str) or not NIP.match(nip)):
        raise AuthenticationError("klaim nip tidak valid / invalid nip claim")
    username = claims.get("preferred_username")
    return Identity(
        user=sub,
        username=username if isinstance(username, str) else None,
        agency=agency,
        agencies=frozenset(raw_agencies),
        roles=frozenset(r for r in _roles(claims, audience) if r in ROLES),
        nip=nip,
        claims=claims,
    )


def _roles(claims: Mapping[str, Any], audience: str) -> list[str]:
    """`roles`, else Keycloak's client roles for our audience, else its realm roles."""
    for found in (
        claims.get("roles"),
        ((claims.get("resource_access") or {}).get(audience) or {}).get("roles"),
        (claims.get("realm_access") or {}).get("roles"),
    ):
        if isinstance(found, list):
            return [r for r in found if isinstance(r, str)]
    return []


class TokenVerifier:
    """Verifies access tokens: signature (JWKS, cached, refetched on an unknown `kid`), iss, aud, exp, alg.

    Keys come from `jwks_url` (or the issuer's discovery document when none is given), or from a static
    JWKS that only tests pass to the constructor."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        leeway_s: float = 30.0,
        algorithms: tuple[str, ...] = ALGORITHMS,
        jwks_url: str | None = None,
        jwks: Mapping[str, Any] | None = None,
        refetch_interval_s: float = 10.0,
        http_timeout_s: float = 5.0,
    ) -> None:
        unsafe = [a for a in algorithms if a not in ALGORITHMS]
        if unsafe:
            raise ValueError(f"algorithms not allowed (symmetric or none): {unsafe}")
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self.algorithms = algorithms
        self._jwks_url = jwks_url
        self._static = jwks is not None
        self._keys: dict[str, PyJWK] = _parse_jwks(jwks) if jwks is not None else {}
        self._fetched_at = float("-inf")
        self._refetch_interval_s = refetch_interval_s
        self._timeout = http_timeout_s
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> Identity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"token rusak / malformed token: {exc}") from exc
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise AuthenticationError(f"algoritma tidak diizinkan / algorithm not allowed: {alg}")
        key = await self._key(header.get("kid"))
        if not _fits(key, alg):
            raise AuthenticationError("algoritma tidak cocok dengan kunci / algorithm does not match the key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError("token kedaluwarsa / token expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"token tidak valid / invalid token: {exc}") from exc
        return identity_from_claims(claims, self.audience)

    async def _key(self, kid: str | None) -> PyJWK:
        found = self._lookup(kid)
        if found is not None or self._static:
            if found is None:
                raise AuthenticationError("kunci token tidak dikenal / unknown signing key")
            return found
        async with self._lock:  # one fetch for many concurrent requests with the same new kid
            found = self._lookup(kid)
            if found is None and time.monotonic() - self._fetched_at >= self._refetch_interval_s:
                await self._refresh()
                found = self._lookup(kid)
        if found is None:
            raise AuthenticationError("kunci token tidak dikenal / unknown signing key")
        return found

    def _lookup(self, kid: str | None) -> PyJWK | None:
        if kid is not None:
            return self._keys.get(kid)
        return next(iter(self._keys.values())) if len(self._keys) == 1 else None

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                url = self._jwks_url or await self._discover(client)
                r = await client.get(url)
                r.raise_for_status()
                self._keys = _parse_jwks(r.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise AuthenticationError(f"JWKS penerbit tidak terjangkau / issuer's JWKS unreachable: {exc}") from exc

    async def _discover(self, client: httpx.AsyncClient) -> str:
        r = await client.get(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        r.raise_for_status()
        url = r.json().get("jwks_uri")
        if not isinstance(url, str):
            raise ValueError("discovery document has no jwks_uri")
        self._jwks_url = url
        return url


_FAMILIES = {"RSA": ("RS", "PS"), "EC": ("ES",), "OKP": ("EdDSA",)}


def _fits(key: PyJWK, alg: str) -> bool:
    """The token's alg is the key's declared alg, or (none declared) one of its key type's family."""
    declared = key._jwk_data.get("alg")
    if declared:
        return bool(declared == alg)
    return alg.startswith(_FAMILIES.get(key.key_type or "", ()))


def _parse_jwks(jwks: Mapping[str, Any]) -> dict[str, PyJWK]:
    """Signing keys by kid; keys for other uses (enc) or symmetric keys (kty oct) are ignored."""
    usable = [k for k in jwks.get("keys", []) if k.get("kty") != "oct" and k.get("use", "sig") == "sig"]
    keys = PyJWKSet.from_dict({"keys": usable}).keys if usable else []
    return {str(k.key_id or i): k for i, k in enumerate(keys)}
