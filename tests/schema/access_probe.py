"""Build probe operations from the schema itself, for the access matrix.

For a root field, arguments are filled from the role's own or a foreign object (ids by name), and the
selection asks for every scalar field, ``__typename`` and ``id`` of every object, nested a few levels, so
that any object the response leaks shows up with its type and id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

WEEK = "2026-11-25"


class Unfillable(Exception):
    """An argument the probe cannot invent: the test names the field so someone adds a value for it."""


def literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return str(value)


def fill(name: str, gtype: Any, ids: Mapping[str, Any]) -> Any:
    """A value for a required argument, from the target ids by argument name."""
    if name in ids:
        return ids[name]
    named = get_named_type(gtype)
    if name in ("week", "date", "day"):
        return WEEK
    if name == "first":
        return 5
    if isinstance(named, GraphQLEnumType):
        return EnumLiteral(next(iter(named.values)))
    raise Unfillable(name)


class EnumLiteral(str):
    pass


def render_args(field: GraphQLField, ids: Mapping[str, Any], *, optional: bool) -> str:
    parts = []
    for name, arg in field.args.items():
        required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
        if not required and not (optional and name in ids):
            continue
        value = fill(name, arg.type, ids)
        parts.append(f"{name}: {value if isinstance(value, EnumLiteral) else literal(value)}")
    return f"({', '.join(parts)})" if parts else ""


def selection(gtype: GraphQLNamedType, schema: GraphQLSchema, ids: Mapping[str, Any], depth: int) -> str:
    if isinstance(gtype, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if isinstance(gtype, (GraphQLUnionType, GraphQLInterfaceType)):
        members = schema.get_possible_types(gtype)
        inner = " ".join(f"... on {m.name} {{ {selection(m, schema, ids, depth)} }}" for m in members)
        return f"__typename {inner}"
    assert isinstance(gtype, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in gtype.fields.items():
        named = get_named_type(field.type)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            try:
                parts.append(name + render_args(field, ids, optional=False))
            except Unfillable:
                continue
        elif depth > 0:
            try:
                args = render_args(field, ids, optional=False)
            except Unfillable:
                continue
            inner = selection(named, schema, ids, depth - 1)
            if inner:
                parts.append(f"{name}{args} {{ {inner} }}")
    return " ".join(parts)


def probe(schema: GraphQLSchema, root: str, name: str, ids: Mapping[str, Any], depth: int = 3) -> str:
    root_type = {"Query": schema.query_type, "Mutation": schema.mutation_type}[root]
    assert root_type is not None
    field = root_type.fields[name]
    args = render_args(field, ids, optional=True)
    named = get_named_type(field.type)
    inner = selection(named, schema, ids, depth)
    keyword = "query" if root == "Query" else "mutation"
    return f"{keyword} {{ {name}{args}{(' { ' + inner + ' }') if inner else ''} }}"


def objects_in(data: Any) -> list[tuple[str, Any, Mapping[str, Any]]]:
    """Every (typename, id, object) in a response."""
    found: list[tuple[str, Any, Mapping[str, Any]]] = []
    if isinstance(data, Mapping):
        if "__typename" in data and "id" in data:
            found.append((data["__typename"], data["id"], data))
        for value in data.values():
            found.extend(objects_in(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(objects_in(item))
    return found
