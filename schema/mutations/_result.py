"""Run a domain action and return its payload, or the typed error it raised (never an exception). What is
due after its commit (jobs, wake-ups) the services register where it arises (``domain.outbox``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.errors import DomainError
from schema.errors import AnyUserError, to_graphql_error

T = TypeVar("T")
log = logging.getLogger(__name__)


async def attempt(action: Callable[[], Awaitable[T]]) -> T | AnyUserError:
    try:
        return await action()
    except DomainError as error:
        return to_graphql_error(error)
