"""The schema. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``.

``build_schema`` adds the protections: authorization on every field (AccessGuard), depth,
alias, token and cost limits checked before execution, masked unexpected errors, and in production no
introspection and no field suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import strawberry
from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    default_field_resolver,
)
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.field import StrawberryField

from infra.logs import log_client_error
from infra.settings import Settings
from schema.absence_types import AbsenceQueries
from schema.audit import AuditQueries
from schema.billing import BillingQueries
from schema.compiled import CompiledDocuments, CompiledReads
from schema.effects import EffectSink
from schema.guard import AccessGuard, guard, guarded_fields
from schema.inputs import check_inputs
from schema.limits import (
    CostLimiter,
    Executor,
    KnownCosts,
    ProductionExecutor,
    RequestValidation,
    ValidDocuments,
)
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
    settings: Settings,
    *,
    extra_extensions: Sequence[Callable[[], SchemaExtension]] = (),
    compiled_reads: bool = True,
) -> strawberry.Schema:
    """``compiled_reads=False``: every document through the generic executor (the tests compare)."""
    # Factories, not instances: strawberry makes one extension object per request (instances are shared
    # and deprecated), which the stateful CostLimiter needs.
    # Parsing a query text already seen comes from a bounded LRU shared by this process's requests;
    # validation is cached by RequestValidation's ValidDocuments (valid documents only, so every invalid
    # one gets its coded errors), and the cost (which depends on variables) is computed every time.
    compiled_documents = CompiledDocuments()
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
        partial(CostLimiter, max_cost=settings.max_query_cost, known_costs=KnownCosts()),
        AccessGuard,  # its token check; its per-field checks are installed by install_checks
        partial(MaskErrors, should_mask_error=is_unexpected, error_message="Internal server error"),
        EffectSink,  # effects after the commit (domain.outbox)
    ]
    if compiled_reads:
        # After the token check: a known document (the mentor dashboard) answered by its compiled reader,
        # the same JSON without the generic executor (schema.compiled); any other goes on as before.
        extensions.insert(
            extensions.index(AccessGuard) + 1, partial(CompiledReads, documents=compiled_documents)
        )
    if not settings.is_development:
        extensions.append(DisableIntrospection)
    extensions.extend(extra_extensions)
    built = MentormatchSchema(
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
    install_checks(built._schema)
    return built


def attribute_resolver(field: GraphQLField) -> Callable[..., Any] | None:
    """For a strawberry field without resolver, arguments or field extensions (a plain attribute of its
    object), the one ``getattr`` strawberry's basic-field wrapper ends in, without its two calls per
    field of every response; None for any other field (it keeps strawberry's resolver)."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    if not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    if not getattr(field.resolve, "_is_default", False):
        return None
    name = definition.python_name

    def resolve(source: Any, _info: GraphQLResolveInfo[Any], **_kwargs: Any) -> Any:
        return getattr(source, name)

    return resolve


def install_checks(schema: GraphQLSchema) -> None:
    """Wrap, once, the resolvers that need a check: the access guard (schema.guard) on the fields it
    lists, outermost (the root policies first), and the argument checks (schema.inputs) on every field
    with arguments. The other fields (most fields of a response: scalars of an object already checked)
    keep their own resolver: a schema extension's ``resolve`` would run for every field of every
    response instead."""
    guarded = guarded_fields(schema)
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or not isinstance(gtype, GraphQLObjectType):
            continue
        for field_name, field in gtype.fields.items():
            plain = attribute_resolver(field)
            if plain is not None:
                field.resolve = plain
            resolver = field.resolve or default_field_resolver
            if field.args:
                resolver = check_inputs(resolver)
            if (name, field_name) in guarded:
                resolver = guard(resolver)
            if resolver is not field.resolve and resolver is not default_field_resolver:
                field.resolve = resolver


schema = build_schema(Settings())
