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
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.settings import Settings
from schema.absence_types import AbsenceQueries
from schema.audit import AuditQueries
from schema.billing import BillingQueries
from schema.guard import AccessGuard
from schema.limits import CostLimiter
from schema.mutations import Mutation
from schema.queries import Query
from schema.run_types import RunQueries
from schema.subscriptions import Subscription
from schema.waiting import WaitingQueries

# Distinct query texts whose parsed document and validation result each process keeps (LRU).
QUERY_CACHE_SIZE = 256


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
    # The depth and alias rules are classes made by their limiter's constructor: made once here, so that
    # every request validates with the same rule classes and the validation cache (keyed by document and
    # rules) hits. Parsing and validation of a query text already seen are then cached (bounded LRU, shared
    # by the requests of this process); the cost (which depends on variables) is computed every time,
    # after validation (the cache's hook runs first).
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.is_development:
        rules.extend(DisableIntrospection().validation_rules)
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(AddValidationRules, rules),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=QUERY_CACHE_SIZE),
        partial(ValidationCache, maxsize=QUERY_CACHE_SIZE),
        partial(CostLimiter, max_cost=settings.max_query_cost),
        AccessGuard,
        partial(MaskErrors, should_mask_error=is_unexpected, error_message="Internal server error"),
    ]
    extensions.extend(extra_extensions)
    return strawberry.Schema(
        query=merge_types(
            "Query", (Query, RunQueries, BillingQueries, AuditQueries, WaitingQueries, AbsenceQueries)
        ),
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.is_development),
    )


schema = build_schema(Settings())
