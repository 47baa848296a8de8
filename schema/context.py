"""The per-request context: settings and a fresh set of DataLoaders (no cache shared between requests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

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
        if self.token is None:
            return self.viewer
        from domain.services.tokens import authenticate

        return await authenticate(self.token)


Info = StrawberryInfo[Context, None]
