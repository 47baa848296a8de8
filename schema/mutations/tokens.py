"""Revoking bearer tokens: staff revoke any token, a signed-in user the tokens issued to them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.services import tokens
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError


@strawberry.type(description="A bearer token, without its secret (only its hash is stored).")
class TokenInfo:
    id: int
    role: str
    expires_at: datetime
    revoked_at: datetime | None


@strawberry.type
class RevokeTokenPayload:
    token: TokenInfo


RevokeTokenResult = Annotated[
    RevokeTokenPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RevokeTokenResult"),
]


@strawberry.type
class TokenMutations:
    @strawberry.mutation(
        description="Revoke a token (idempotent): staff any, anyone else their own. Requests with it get "
        "UNAUTHENTICATED from then on and its websockets close. `viewer { tokenId }` names the current one."
    )
    async def revoke_token(self, info: Info, id: int) -> RevokeTokenResult:
        viewer = await info.context.current_viewer()

        async def run() -> RevokeTokenPayload:
            row = await tokens.revoke_token(id, by=viewer)
            return RevokeTokenPayload(
                token=TokenInfo(
                    id=row.id, role=row.role.value, expires_at=row.expires_at, revoked_at=row.revoked_at
                )
            )

        return await REFUSALS.attempt(run)
