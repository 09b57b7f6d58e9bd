"""The four services over HTTP, called with the signed-in person's own token (never more than they may see)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class ServiceError(Exception):
    """A service answered 4xx/5xx; `message` and `errors` come from its error body when it has one."""

    status: int
    message: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status}: {self.message}"


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as the token says."""

    user: str
    name: str
    agency_id: str
    roles: tuple[str, ...]
    nip: str | None
    access_token: str

    def has(self, role: str) -> bool:
        return role in self.roles

    def headers(self, role: str | None = None) -> dict[str, str]:
        """The bearer token; the X- headers are what services read where no token verification is configured."""
        h = {"Authorization": f"Bearer {self.access_token}", "X-Agency-Id": self.agency_id, "X-User": self.user}
        chosen = role or (self.roles[0] if self.roles else "")
        if chosen:
            h["X-Role"] = chosen
        if self.nip:
            h["X-Nip"] = self.nip
        return h


class Services:
    """One pooled HTTP client per service; created in the app's lifespan, closed with it."""

    def __init__(self, urls: dict[str, str], timeout_s: float, transport: httpx.AsyncBaseTransport | None = None):
        self._clients = {
            name: httpx.AsyncClient(base_url=url, timeout=timeout_s, transport=transport) for name, url in urls.items()
        }

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def call(
        self, who: Identity, service: str, method: str, path: str, *, role: str | None = None, **kw: Any
    ) -> httpx.Response:
        headers = {**who.headers(role), **kw.pop("headers", {})}
        try:
            r = await self._clients[service].request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise ServiceError(503, f"Layanan {service} tidak dapat dihubungi ({type(exc).__name__}).") from exc
        if r.status_code >= 400:
            raise _error(service, r)
        return r

    async def json(self, who: Identity, service: str, method: str, path: str, **kw: Any) -> Any:
        return (await self.call(who, service, method, path, **kw)).json()

    async def get(self, who: Identity, service: str, path: str, **kw: Any) -> Any:
        return await self.json(who, service, "GET", path, **kw)

    async def every_page(self, who: Identity, service: str, path: str, items: str, **kw: Any) -> dict[str, Any]:
        """A paged list read to its end (each page's `next` passed back as `after`): the first page's body with
        `items` holding the items of every page."""
        params = dict(kw.pop("params", None) or {})
        body: dict[str, Any] = await self.get(who, service, path, params=params, **kw)
        page = body
        while page.get("next"):
            page = await self.get(who, service, path, params={**params, "after": page["next"]}, **kw)
            body[items].extend(page[items])
        body["next"] = None
        return body


def _error(service: str, r: httpx.Response) -> ServiceError:
    try:
        body = r.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = body.get("message") or body.get("detail") or f"Layanan {service} menjawab {r.status_code}."
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    return ServiceError(r.status_code, str(message), errors or [])
