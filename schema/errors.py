"""Typed errors returned in mutation result unions, with stable codes (never thrown to the client)."""

from __future__ import annotations

import strawberry

from domain.errors import Conflict, DomainError, ErrorCode, NotFound

ErrorCodeType = strawberry.enum(ErrorCode, name="ErrorCode", description="Stable machine-readable codes.")


@strawberry.interface(description="A problem with the request that the client can show or fix.")
class UserError:
    code: ErrorCodeType  # type: ignore[valid-type]
    message: str
    field: str | None = strawberry.field(description="The input field at fault, as a dotted path.")


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


def to_graphql_error(error: DomainError) -> AnyUserError:
    cls: type[ValidationError] | type[NotFoundError] | type[ConflictError]
    if isinstance(error, NotFound):
        cls = NotFoundError
    elif isinstance(error, Conflict):
        cls = ConflictError
    else:
        cls = ValidationError
    return cls(code=error.code, message=error.message, field=error.field)
