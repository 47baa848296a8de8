"""The per-request context: settings and a fresh set of DataLoaders (no cache shared between requests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from api.settings import Settings
from schema.loaders import Loaders


@dataclass
class Context:
    settings: Settings
    loaders: Loaders = field(default_factory=Loaders)
    request: Any = None
    response: Any = None


Info = StrawberryInfo[Context, None]
