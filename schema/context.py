"""The per-request context: settings and a fresh set of DataLoaders (no cache shared between requests);
which principal a token stands for (``Principals``), shared with the HTTP rate limit."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from domain.access import ANONYMOUS, Viewer
from domain.services.tokens import hash_token
from infra.settings import Settings
from schema.loaders import Loaders


class Principals:
    """Which token id a token's hash stands for, learnt when the token authenticates (and forgotten when
    it is refused): the rate limit keys on the principal without any SQL of its own."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, int] = OrderedDict()

    def remember(self, token: str, token_id: int) -> None:
        key = hash_token(token)
        self._ids[key] = token_id
        self._ids.move_to_end(key)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)

    def forget(self, token: str) -> None:
        self._ids.pop(hash_token(token), None)

    def token_id(self, token: str | None) -> int | None:
        return None if token is None else self._ids.get(hash_token(token))


@dataclass
class Context:
    settings: Settings
    viewer: Viewer = ANONYMOUS
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None
    request: Any = None
    response: Any = None
    # The bearer token of an HTTP request, looked up on first use: a request refused before execution
    # (limits, validation) costs no SQL at all.
    token: str | None = None
    # An Authorization header was sent (even one that is not a bearer token): a request that presents
    # credentials that do not authenticate is told so (UNAUTHENTICATED, 401), never made anonymous.
    credentials_presented: bool = False
    token_rejected: bool = False
    # Learns which token id a token's hash stands for, so the rate limit keys on the principal.
    principals: Principals | None = None
    _authenticated: bool = False
    _lookup: asyncio.Future[Viewer] | None = None

    async def current_viewer(self) -> Viewer:
        """The viewer, looked up once. Root fields of a query resolve concurrently: they all await the
        same lookup, so none of them can see the viewer as anonymous while it is in flight."""
        if self._authenticated:
            return self.viewer
        if self._lookup is None:
            self._lookup = asyncio.ensure_future(self._authenticate())
        self.viewer = await asyncio.shield(self._lookup)
        self._authenticated = True
        return self.viewer

    async def _authenticate(self) -> Viewer:
        if not self.credentials_presented:
            return self.viewer
        from domain.services.tokens import identify

        viewer = await identify(self.token, max_age_s=self.settings.token_cache_s)
        if viewer is None or viewer.token_id is None:
            self.token_rejected = True
            if self.principals is not None and self.token is not None:
                self.principals.forget(self.token)
            return ANONYMOUS
        if self.principals is not None and self.token is not None:
            self.principals.remember(self.token, viewer.token_id)
        return viewer


Info = StrawberryInfo[Context, None]
