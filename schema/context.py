"""The per-request context: settings and a fresh set of DataLoaders (no cache shared between requests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from api.limits import Principals
from api.settings import Settings
from domain.access import ANONYMOUS, Viewer
from schema.loaders import Loaders


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

        viewer = await identify(self.token)
        if viewer is None or viewer.token_id is None:
            self.token_rejected = True
            if self.principals is not None and self.token is not None:
                self.principals.forget(self.token)
            return ANONYMOUS
        if self.principals is not None and self.token is not None:
            self.principals.remember(self.token, viewer.token_id)
        return viewer


Info = StrawberryInfo[Context, None]
