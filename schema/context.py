"""The per-request context: settings and a fresh set of DataLoaders (no cache shared between requests)."""

from __future__ import annotations

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

    async def current_viewer(self) -> Viewer:
        if not self._authenticated:
            self._authenticated = True
            if self.token is not None:
                from domain.services.tokens import authenticate

                self.viewer = await authenticate(self.token)
        return self.viewer


Info = StrawberryInfo[Context, None]
