"""The schema. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``.

``build_schema`` adds the protections: authorization on every field (AccessGuard), depth,
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
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.limits import log_client_error
from api.settings import Settings
from schema.absence_types import AbsenceQueries
from schema.audit import AuditQueries
from schema.billing import BillingQueries
from schema.effects import EffectSink
from schema.guard import AccessGuard
from schema.inputs import InputValidation
from schema.limits import CostLimiter, Executor, ProductionExecutor, RequestValidation, ValidDocuments
from schema.mutations import Mutation
from schema.notifications import NotificationMutations, NotificationQueries, NotificationSubscription
from schema.queries import Query
from schema.run_types import RunQueries
from schema.school import SchoolQueries
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


class MentormatchSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Unexpected errors are logged with their traceback; a client's mistakes (coded errors, parse
        and validation errors) as one line each. Parse errors get their code here."""
        unexpected = []
        for error in errors:
            if is_unexpected(error):
                unexpected.append(error)
                continue
            if not (error.extensions and "code" in error.extensions) and error.path is None:
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
            code = str((error.extensions or {}).get("code", ""))
            log_client_error(None, code, "graphql", "/".join(map(str, error.path or ())), error.message)
        super().process_errors(unexpected, execution_context)


def build_schema(
    settings: Settings, *, extra_extensions: Sequence[Callable[[], SchemaExtension]] = ()
) -> strawberry.Schema:
    # Factories, not instances: strawberry makes one extension object per request (instances are shared
    # and deprecated), which the stateful CostLimiter needs.
    # Parsing a query text already seen comes from a bounded LRU shared by this process's requests;
    # validation is cached by RequestValidation's ValidDocuments (valid documents only, so every invalid
    # one gets its coded errors), and the cost (which depends on variables) is computed every time.
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=QUERY_CACHE_SIZE),
        partial(
            RequestValidation,
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            hide_suggestions=not settings.is_development,
            valid_documents=ValidDocuments(),
        ),
        partial(CostLimiter, max_cost=settings.max_query_cost),
        # graphql-core runs the last listed outermost: the guard's policies first, then the inputs' checks.
        InputValidation,
        AccessGuard,
        partial(MaskErrors, should_mask_error=is_unexpected, error_message="Internal server error"),
        EffectSink,  # effects after the commit (domain.outbox)
    ]
    if not settings.is_development:
        extensions.append(DisableIntrospection)
    extensions.extend(extra_extensions)
    return MentormatchSchema(
        query=merge_types(
            "Query",
            (
                Query,
                RunQueries,
                BillingQueries,
                AuditQueries,
                WaitingQueries,
                AbsenceQueries,
                NotificationQueries,
                SchoolQueries,
            ),
        ),
        mutation=merge_types("Mutation", (Mutation, NotificationMutations)),
        subscription=merge_types("Subscription", (Subscription, NotificationSubscription)),
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.is_development),
        execution_context_class=Executor if settings.is_development else ProductionExecutor,
    )


schema = build_schema(Settings())
