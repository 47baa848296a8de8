"""The schema. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``.

``build_schema`` adds the protections of issue 7: authorization on every field (AccessGuard), depth,
alias, token and cost limits checked before execution, masked unexpected errors, and in production no
introspection and no field suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.settings import Settings
from schema.absence_types import AbsenceQueries
from schema.audit import AuditQueries
from schema.billing import BillingQueries
from schema.guard import AccessGuard
from schema.inputs import InputValidation
from schema.limits import CostLimiter
from schema.mutations import Mutation
from schema.queries import Query
from schema.run_types import RunQueries
from schema.school import SchoolQueries
from schema.subscriptions import Subscription
from schema.waiting import WaitingQueries


def is_unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by bugs or infrastructure (stack traces, SQL, connection strings); keep
    GraphQL validation errors and our own coded errors."""
    if error.original_error is None:
        return False
    return not (error.extensions and "code" in error.extensions)


def build_schema(
    settings: Settings, *, extra_extensions: Sequence[Callable[[], SchemaExtension]] = ()
) -> strawberry.Schema:
    # Factories, not instances: strawberry makes one extension object per request (instances are shared
    # and deprecated), which the stateful CostLimiter needs.
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(CostLimiter, max_cost=settings.max_query_cost),
        # graphql-core runs the last listed outermost: the guard's policies first, then the inputs' checks.
        InputValidation,
        AccessGuard,
        partial(MaskErrors, should_mask_error=is_unexpected, error_message="Internal server error"),
    ]
    if not settings.is_development:
        extensions.append(DisableIntrospection)
    extensions.extend(extra_extensions)
    return strawberry.Schema(
        query=merge_types(
            "Query",
            (Query, RunQueries, BillingQueries, AuditQueries, WaitingQueries, AbsenceQueries, SchoolQueries),
        ),
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.is_development),
    )


schema = build_schema(Settings())
