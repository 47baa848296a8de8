"""The access guard and the argument checks are installed at schema build time on the fields that need
them (schema.build.install_checks), not run as middleware on every field: these tests pin which fields
get them, so that a new field holding a person cannot escape the guard."""

from __future__ import annotations

from functools import partial

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)

from infra.settings import Settings
from schema.build import build_schema
from schema.guard import PRIVATE_FIELDS, ROOTS, guarded, guarded_fields
from schema.inputs import checked

GRAPHQL_SCHEMA = build_schema(Settings())._schema
PEOPLE = {"Mentor", "Student", "Mentorship", "Session", "Assessment"}


def _holds_people(named: object) -> bool:
    if isinstance(named, GraphQLUnionType):
        return any(t.name in PEOPLE or t.name.endswith("Edge") for t in named.types)
    if isinstance(named, GraphQLInterfaceType):
        return True
    return isinstance(named, GraphQLObjectType) and (named.name in PEOPLE or named.name.endswith("Edge"))


def _fields() -> list[tuple[str, str, GraphQLField]]:
    return [
        (name, field_name, field)
        for name, gtype in GRAPHQL_SCHEMA.type_map.items()
        if not name.startswith("__") and isinstance(gtype, GraphQLObjectType)
        for field_name, field in gtype.fields.items()
    ]


def _is(resolver: object, func: object) -> bool:
    return isinstance(resolver, partial) and resolver.func is func


def test_every_root_field_and_every_field_that_may_hold_a_person_is_guarded() -> None:
    guarded_set = guarded_fields(GRAPHQL_SCHEMA)
    expected = {
        (name, field_name)
        for name, field_name, field in _fields()
        if name in ROOTS or _holds_people(get_named_type(field.type))
    } | PRIVATE_FIELDS
    assert expected - guarded_set == set()
    # People and connections of people are guarded wherever they appear (not only on the dashboard).
    assert {("Student", "mentorship"), ("Student", "sessions"), ("Mentor", "mentorships")} <= guarded_set
    assert {("StudentEdge", "node"), ("StudentConnection", "edges"), ("Query", "mentor")} <= guarded_set
    for name, field_name, field in _fields():
        if (name, field_name) in guarded_set:
            assert _is(field.resolve, guarded), (name, field_name)


def test_scalar_fields_and_objects_without_personal_data_keep_their_own_resolver() -> None:
    guarded_set = guarded_fields(GRAPHQL_SCHEMA)
    unguarded = 0
    for name, field_name, field in _fields():
        named = get_named_type(field.type)
        if name in ROOTS or (name, field_name) in PRIVATE_FIELDS:
            continue
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            assert (name, field_name) not in guarded_set, (name, field_name)
            unguarded += 1
    assert unguarded > 300
    assert ("Student", "currentProject") not in guarded_set  # a Project carries no personal data
    assert not _is(GRAPHQL_SCHEMA.type_map["Student"].fields["name"].resolve, guarded)  # type: ignore[attr-defined]


def test_every_field_with_arguments_has_them_checked_inside_the_guard() -> None:
    for name, field_name, field in _fields():
        resolver = field.resolve
        if _is(resolver, guarded):
            assert isinstance(resolver, partial)
            resolver = resolver.args[0]
        assert _is(resolver, checked) == bool(field.args), (name, field_name)
