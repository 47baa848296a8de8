"""Which errors are worth a retry: the database or Redis is away for a moment (connection lost, server
restarting or shutting down, serialization failure, deadlock). Anything else is a bug or bad data.

asyncpg's ``InterfaceError`` is not a connection error by itself: it also says "the number of query
arguments cannot exceed 32767" or "another operation is in progress", which a retry repeats. Its
connection-loss messages ("connection is closed", ...) are matched by text below."""

from __future__ import annotations

import asyncpg
from redis import exceptions as redis_errors
from tortoise.exceptions import DBConnectionError

_TYPES: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    OSError,
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
)
# SQLSTATE classes: 08 connection exception, 57P shutdown/restart, 40001 serialization, 40P01 deadlock.
_STATES = ("08", "57P", "40001", "40P01")
_TEXTS = ("connection was closed", "connection is closed", "terminating connection", "database is locked")


def is_transient(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _TYPES):
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_STATES):
            return True
        if any(text in str(current).lower() for text in _TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False
