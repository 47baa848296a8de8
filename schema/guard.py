"""Authorization on every field and every object.

``guarded`` wraps, at schema build time (schema.build), every resolver whose value may need a check:
- a root field (Query, Mutation, Subscription) first passes its policy (schema.policies);
- every object a resolver returns (alone, in a list, or as a connection edge's node) is shown only to a
  viewer who may read it, else it is treated as missing: null, dropped from the list, or NotFoundError in
  a mutation's result union;
- private comments are blanked for anyone but staff and the session's mentor (R16).
The rules themselves live in domain.access; list scoping for correct page counts lives in the queries.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter

from domain.access import Viewer, may_read_private_comment, may_read_session, owns_pair
from domain.errors import ErrorCode
from schema.assessment_types import Assessment
from schema.context import Context
from schema.errors import NotFoundError
from schema.pagination import Edge
from schema.policies import policy_for
from schema.types import Mentor, Mentorship, Session, Student

ROOTS = frozenset({"Query", "Mutation", "Subscription"})
PRIVATE_FIELDS = {("Session", "privateComment")}
DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class Refused(GraphQLError):
    pass


def refused(viewer: Viewer) -> Refused:
    """The error for a refused root field: the same as for a missing object, or a request to sign in."""
    if viewer.is_authenticated:
        return Refused("not found", extensions={"code": "NOT_FOUND"})
    return Refused("sign in first", extensions={"code": "UNAUTHENTICATED"})


async def may_read(viewer: Viewer, obj: object, context: Context) -> bool:
    """May ``viewer`` read this object? Objects of other types carry no personal data."""
    if viewer.is_staff:
        return True
    loaders = context.loaders
    if isinstance(obj, Mentor):
        if viewer.mentor_id == obj.id:
            return True
        if viewer.student_id is not None:
            current = await loaders.current_mentorship_by_student.load(viewer.student_id)
            return current is not None and current.mentor_id == obj.id
        return False
    if isinstance(obj, Student):
        if viewer.student_id == obj.id:
            return True
        if viewer.mentor_id is not None:
            current = await loaders.current_mentorship_by_student.load(obj.id)
            return current is not None and current.mentor_id == viewer.mentor_id
        return False
    if isinstance(obj, Mentorship):
        return owns_pair(viewer, obj.mentor_id, obj.student_id)
    if isinstance(obj, Session):
        pair = await loaders.mentorship.load(obj.mentorship_id)
        if pair is None:
            return False
        current = await loaders.current_mentorship_by_student.load(pair.student_id)
        return may_read_session(
            viewer, pair.mentor_id, pair.student_id, current.mentor_id if current is not None else None
        )
    if isinstance(obj, Assessment):  # R20: the student and the assessor
        return viewer.student_id == obj.student_id or (
            viewer.mentor_id is not None and viewer.mentor_id == obj.assessor_id
        )
    return True


def _refusal(info: GraphQLResolveInfo[Context]) -> object:
    """What a refused root field returns: the same as for a missing object."""
    return_type = info.return_type
    if not isinstance(return_type, GraphQLNonNull):
        return None
    inner = return_type.of_type
    if isinstance(inner, GraphQLUnionType) and "NotFoundError" in {t.name for t in inner.types}:
        return NotFoundError(code=ErrorCode.NOT_FOUND, message="not found", field=None)
    if isinstance(inner, GraphQLList):
        return []
    raise refused(info.context.viewer)


# Objects checked by ``may_read`` (any other object may be read by whoever may read its parent).
CHECKED_TYPES: tuple[type, ...] = (Mentor, Student, Mentorship, Session, Assessment)
_GUARDED_FIELDS: dict[int, frozenset[tuple[str, str]]] = {}


def _may_hold_checked(gtype: GraphQLNamedType) -> bool:
    """Can a value of this GraphQL type be (or, for a connection's edge, hold as its node) an object that
    ``may_read`` checks? Interfaces and unions answer for their possible types; anything not built by
    strawberry is guarded."""
    if isinstance(gtype, GraphQLScalarType | GraphQLEnumType):
        return False
    if isinstance(gtype, GraphQLUnionType):
        return any(_may_hold_checked(t) for t in gtype.types)
    if not isinstance(gtype, GraphQLObjectType):  # interfaces: guarded whatever implements them
        return True
    definition = (gtype.extensions or {}).get(DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type):
        return True
    return issubclass(origin, (*CHECKED_TYPES, Edge))


def guarded_fields(schema: GraphQLSchema) -> frozenset[tuple[str, str]]:
    """The (parent type, field) pairs whose resolvers go through ``AccessGuard._guarded``: every root
    field (its policy), the private fields, and every field whose value may hold an object that
    ``may_read`` checks (alone, in a list or as an edge's node). Decided once per schema: the types do
    not change between requests. Introspection fields are never guarded (they read the schema)."""
    found = _GUARDED_FIELDS.get(id(schema))
    if found is not None:
        return found
    pairs: set[tuple[str, str]] = set(PRIVATE_FIELDS)
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or not isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in gtype.fields.items():
            if field_name.startswith("__"):
                continue
            if name in ROOTS or _may_hold_checked(get_named_type(field.type)):
                pairs.add((name, field_name))
    found = frozenset(pairs)
    _GUARDED_FIELDS[id(schema)] = found
    return found


INVALID_TOKEN = "the bearer token is invalid, expired or revoked: sign in again"


class AccessGuard(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        """A request that presents a token that does not authenticate (garbage, unknown, expired,
        revoked) gets UNAUTHENTICATED and HTTP 401 before any resolver runs: a client must learn that
        its session ended, not be served as anonymous."""
        context = self.execution_context.context
        if isinstance(context, Context) and context.credentials_presented:
            await context.current_viewer()
            if context.token_rejected:
                if isinstance(context.response, Response):
                    context.response.status_code = 401
                    context.response.headers["www-authenticate"] = 'Bearer error="invalid_token"'
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(INVALID_TOKEN, extensions={"code": "UNAUTHENTICATED"})]
                )
        yield


def guard(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """``resolver`` checked by ``guarded`` (installed at schema build time on the fields listed by
    ``guarded_fields``)."""
    return partial(guarded, resolver)


async def guarded(
    _next: Callable[..., Any],
    root: Any,
    info: GraphQLResolveInfo[Context],
    *args: Any,
    **kwargs: Any,
) -> Any:
    parent = info.parent_type.name
    field = info.field_name
    if parent.startswith("__") or field.startswith("__"):
        return await _await(_next(root, info, *args, **kwargs))
    viewer = await info.context.current_viewer()
    if parent in ROOTS:
        policy = policy_for(parent, field)
        if not await policy(viewer, kwargs):
            if parent == "Subscription":
                raise refused(viewer)
            return _refusal(info)
    result = _next(root, info, *args, **kwargs)
    if inspect.isasyncgen(result):
        return result
    result = await _await(result)
    if parent == "Subscription" and result is None:
        # Executed as a one-off (a subscription POSTed over HTTP), not streamed: say where to go.
        raise Refused(
            "subscriptions are served over the websocket (graphql-transport-ws) on this path",
            extensions={"code": "BAD_REQUEST"},
        )
    if (parent, field) in PRIVATE_FIELDS:
        loaders = info.context.loaders
        pair = await loaders.mentorship.load(root.mentorship_id)
        current = await loaders.current_mentorship_by_student.load(pair.student_id) if pair else None
        if pair is None or not may_read_private_comment(
            viewer, pair.mentor_id, current.mentor_id if current is not None else None
        ):
            return None if not isinstance(info.return_type, GraphQLNonNull) else ""
        return result
    return await _filter(viewer, result, info)


async def _filter(viewer: Viewer, result: Any, info: GraphQLResolveInfo[Context]) -> Any:
    context = info.context
    if isinstance(result, list):
        kept = []
        for item in result:
            node = item.node if isinstance(item, Edge) else item
            if await may_read(viewer, node, context):
                kept.append(item)
        return kept
    if result is not None and not await may_read(viewer, result, context):
        return _refusal(info)
    return result


async def _await(value: Any) -> Any:
    while inspect.isawaitable(value):
        value = await value
    return value
