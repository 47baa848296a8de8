"""Helpers shared by the services: lookups that raise typed errors, and integrity-error translation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from domain.errors import Conflict, NotFound, ValidationFailed

M = TypeVar("M", bound=Model)

_LANGUAGE = re.compile(r"^[a-z]{2}$")


async def get_or_not_found(model: type[M], pk: int, *, field: str, entity: str | None = None) -> M:
    obj = await model.get_or_none(pk=pk)
    if obj is None:
        raise NotFound(entity or model.__name__, pk, field=field)
    return obj


async def lock_or_not_found(model: type[M], pk: int, *, field: str, entity: str | None = None) -> M:
    """Fetch a row for update (a row lock on PostgreSQL; SQLite serializes writers anyway)."""
    obj = await model.select_for_update().get_or_none(pk=pk)
    if obj is None:
        raise NotFound(entity or model.__name__, pk, field=field)
    return obj


def require_text(value: str, *, field: str, max_length: int = 200) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed("must not be empty", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"must be at most {max_length} characters", field=field)
    return value


def require_email(value: str, *, field: str = "email") -> str:
    value = require_text(value, field=field, max_length=254).lower()
    if "@" not in value or value.startswith("@") or value.endswith("@"):
        raise ValidationFailed("is not an email address", field=field)
    return value


def require_range(value: int, low: int, high: int, *, field: str) -> int:
    if not low <= value <= high:
        raise ValidationFailed(f"must be between {low} and {high}, got {value}", field=field)
    return value


def languages_text(languages: Iterable[str], *, field: str = "languages") -> str:
    codes = [code.strip().lower() for code in languages]
    if not codes:
        raise ValidationFailed("at least one language is needed", field=field)
    for i, code in enumerate(codes):
        if not _LANGUAGE.match(code):
            raise ValidationFailed(f"{code!r} is not a two-letter ISO 639-1 code", field=f"{field}.{i}")
    return ",".join(dict.fromkeys(codes))


@asynccontextmanager
async def unique_as_conflict(field: str, message: str) -> AsyncIterator[None]:
    """Turn a unique-key violation raised by the database into a typed ``Conflict``."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc).lower()
        if "unique" in text or "duplicate" in text:
            raise Conflict(message, field=field) from exc
        raise
