"""Typed errors returned in mutation result unions, with stable codes (never thrown to the client), and
the one mapping from domain errors to them.

Each mutation's result union names the typed errors it may return; next to it, a ``Refusals`` states
which domain error becomes which of them (the first rule that matches wins)::

    StartRunErrors = ValidationError | NotFoundError | AlreadyRunningError
    StartRunResult = Annotated[RunPayload | StartRunErrors, strawberry.union("StartRunResult")]
    START_RUN = Refusals[StartRunErrors](
        on(runs.AlreadyRunning, AlreadyRunningError.of_run), NOT_FOUND, INVALID
    )

and the resolver returns ``await START_RUN.attempt(run)``: the payload, or the typed error. mypy checks
that every rule answers with a member of the union. Most unions are ``Payload | ValidationError |
NotFoundError | ConflictError`` and share ``REFUSALS``. A domain error that no rule of the mutation
names is not forced into a type its union lacks: it becomes a top-level GraphQL error with its code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, Self, TypeAlias, TypeVar

import strawberry
from graphql import GraphQLError

from domain.errors import Conflict, DomainError, ErrorCode, NotFound, ValidationFailed

ErrorCodeType = strawberry.enum(ErrorCode, name="ErrorCode", description="Stable machine-readable codes.")


@strawberry.interface(description="A problem with the request that the client can show or fix.")
class UserError:
    code: ErrorCodeType  # type: ignore[valid-type]
    message: str
    field: str | None = strawberry.field(description="The input field at fault, as a dotted path.")

    @classmethod
    def of(cls, error: DomainError) -> Self:
        return cls(code=error.code, message=error.message, field=error.field)


@strawberry.type(description="The input breaks a rule; nothing was stored.")
class ValidationError(UserError):
    pass


@strawberry.type(description="An object the request names does not exist (or is not yours to see).")
class NotFoundError(UserError):
    pass


@strawberry.type(description="The request clashes with stored data: a duplicate or a concurrent change.")
class ConflictError(UserError):
    pass


AnyUserError = ValidationError | NotFoundError | ConflictError

E = TypeVar("E", bound=UserError)
D = TypeVar("D", bound=DomainError)
T = TypeVar("T")

# One rule: the typed error for a domain error, or None when the rule is about another kind.
Rule: TypeAlias = Callable[[DomainError], E | None]


def on(kind: type[D], answer: Callable[[D], E]) -> Rule[E]:
    """A domain error of ``kind`` (or a subclass) is answered with ``answer(error)``."""

    def rule(error: DomainError) -> E | None:
        return answer(error) if isinstance(error, kind) else None

    return rule


NOT_FOUND: Rule[NotFoundError] = on(NotFound, NotFoundError.of)
CONFLICT: Rule[ConflictError] = on(Conflict, ConflictError.of)
INVALID: Rule[ValidationError] = on(ValidationFailed, ValidationError.of)


def coded(error: DomainError) -> GraphQLError:
    """A top-level GraphQL error carrying the domain error's code and field (kept unmasked)."""
    return GraphQLError(error.message, extensions={"code": error.code.value, "field": error.field})


class Refusals(Generic[E]):
    """The typed errors ``E`` a mutation answers domain errors with, by ordered rules."""

    def __init__(self, *rules: Rule[E]) -> None:
        self.rules = rules

    def answer(self, error: DomainError) -> E:
        for rule in self.rules:
            typed = rule(error)
            if typed is not None:
                return typed
        raise coded(error) from error

    async def attempt(self, action: Callable[[], Awaitable[T]]) -> T | E:
        """Run the domain action: its payload, or the typed error it was refused with."""
        try:
            return await action()
        except DomainError as error:
            return self.answer(error)


# The usual union: Payload | ValidationError | NotFoundError | ConflictError.
REFUSALS = Refusals[AnyUserError](NOT_FOUND, CONFLICT, INVALID)
