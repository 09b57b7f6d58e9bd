"""OIDC authorization code flow with PKCE (S256) against the identity provider, and the token's claims."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt


class LoginFailed(Exception):
    """The provider refused the code, or the tokens it gave do not check out."""


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).decode().rstrip("="))


class OidcClient:
    """Discovery is fetched once (lazily); the ID token is checked against the provider's JWKS."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        scope: str,
        internal_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.internal = (internal_url or issuer).rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.transport = transport
        self._meta: dict[str, Any] | None = None
        self._jwks: jwt.PyJWKSet | None = None

    def _internal(self, url: str) -> str:
        """Endpoints the console calls itself go to the internal address (a container name, say)."""
        return self.internal + url[len(self.issuer) :] if url.startswith(self.issuer) else url

    async def metadata(self) -> dict[str, Any]:
        if self._meta is None:
            async with httpx.AsyncClient(timeout=10, transport=self.transport) as http:
                r = await http.get(f"{self.internal}/.well-known/openid-configuration")
                r.raise_for_status()
                self._meta = r.json()
        return self._meta

    async def authorize_url(self, redirect_uri: str, state: str, nonce: str, pkce: Pkce) -> str:
        meta = await self.metadata()
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                 "scope": self.scope, "state": state, "nonce": nonce, "code_challenge": pkce.challenge,
                 "code_challenge_method": "S256"}  # fmt: skip
        return f"{meta['authorization_endpoint']}?{urlencode(query)}"

    async def exchange(self, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        meta = await self.metadata()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": self.client_id, "code_verifier": verifier}  # fmt: skip
        auth = httpx.BasicAuth(self.client_id, self.client_secret) if self.client_secret else None
        async with httpx.AsyncClient(timeout=10, transport=self.transport, auth=auth) as http:
            r = await http.post(self._internal(meta["token_endpoint"]), data=form)
        if r.status_code != 200:
            raise LoginFailed(f"token endpoint answered {r.status_code}")
        tokens: dict[str, Any] = r.json()
        if "access_token" not in tokens:
            raise LoginFailed("no access token")
        return tokens

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        meta = await self.metadata()
        try:
            key = (await self._key_set(meta)).__getitem__(jwt.get_unverified_header(id_token).get("kid", ""))
            claims: dict[str, Any] = jwt.decode(
                id_token, key=key.key, algorithms=["RS256", "ES256", "PS256", "EdDSA"], audience=self.client_id,
                issuer=self.issuer,
            )  # fmt: skip
        except (jwt.PyJWTError, KeyError) as exc:
            raise LoginFailed(f"id token: {exc}") from exc
        if claims.get("nonce") != nonce:
            raise LoginFailed("id token: nonce does not match")
        return claims

    async def _key_set(self, meta: dict[str, Any]) -> jwt.PyJWKSet:
        if self._jwks is None:
            async with httpx.AsyncClient(timeout=10, transport=self.transport) as http:
                r = await http.get(self._internal(meta["jwks_uri"]))
                r.raise_for_status()
            self._jwks = await asyncio.to_thread(jwt.PyJWKSet.from_dict, r.json())
        return self._jwks

    async def end_session_url(self, post_logout: str) -> str | None:
        meta = await self.metadata()
        end = meta.get("end_session_endpoint")
        return (
            f"{end}?{urlencode({'client_id': self.client_id, 'post_logout_redirect_uri': post_logout})}"
            if end
            else None
        )


def unverified_claims(token: str) -> dict[str, Any]:
    """The access token's claims, read only to label the page; the services verify the token themselves."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims
