"""GraphQL input types and their conversion to the domain services' plain inputs, and ``check_inputs``:
the checks every argument of every field passes before its resolver runs.

``checked`` (installed by ``schema.build`` on every field with arguments) refuses, with a typed error
naming the field (``VALIDATION``), whatever the database or the time conversions could not take: text
with NUL characters or lone surrogates (anywhere), text longer than the column it is stored in and
numbers outside a small-integer column (inputs listed in ``COLUMNS_OF_INPUT``), and dates outside
``EARLIEST_DATE``..``LATEST_DATE``. A mutation answers with its ``ValidationError``; a query field with a
GraphQL error carrying ``code`` and ``field``, as does a domain error raised by a nested field with
arguments (a page size, a cursor, a week).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLResolveInfo,
    GraphQLUnionType,
    get_nullable_type,
)
from tortoise import fields
from tortoise.models import Model

from domain import models
from domain.errors import DomainError, ValidationFailed
from domain.paris_time import WeeklyWindow, parse_wall_time, require_supported_date
from schema.errors import ValidationError, coded
from schema.types import Funding, MentorStatus, StudentStatus


@strawberry.input(description="A weekly window in the owner's time zone; times as HH:MM, end may be 24:00.")
class AvailabilityWindowInput:
    weekday: int
    start: str
    end: str


def to_windows(items: Sequence[AvailabilityWindowInput] | None, *, field: str) -> list[WeeklyWindow]:
    return [
        WeeklyWindow(
            weekday=w.weekday,
            start_minute=parse_wall_time(w.start, field=f"{field}.{i}.start"),
            end_minute=parse_wall_time(w.end, field=f"{field}.{i}.end"),
        )
        for i, w in enumerate(items or [])
    ]


@strawberry.input
class CreatePathInput:
    name: str
    description: str = ""
    duration_months: int = 12


@strawberry.input
class UpdatePathInput:
    id: int
    name: str | None = None
    description: str | None = None
    duration_months: int | None = None


@strawberry.input
class CreateProjectInput:
    path_id: int
    name: str
    level: int = 2
    position: int = 0
    description: str = ""


@strawberry.input
class UpdateProjectInput:
    id: int
    name: str | None = None
    level: int | None = None
    position: int | None = None
    description: str | None = None


@strawberry.input
class CreateMentorInput:
    name: str
    email: str
    capacity: int
    project_ids: list[int]
    start_date: date
    timezone: str = "Europe/Paris"
    languages: list[str] = strawberry.field(default_factory=lambda: ["fr"])
    status: MentorStatus = MentorStatus.ACTIVE  # type: ignore[valid-type]
    availability: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateMentorInput:
    id: int
    name: str | None = None
    email: str | None = None
    capacity: int | None = None
    project_ids: list[int] | None = None
    timezone: str | None = None
    languages: list[str] | None = None
    status: MentorStatus | None = None  # type: ignore[valid-type]
    start_date: date | None = None


@strawberry.input
class CreateStudentInput:
    name: str
    email: str
    path_id: int
    current_project_id: int
    funding: Funding = Funding.SELF_FUNDED  # type: ignore[valid-type]
    allowed_weekdays: list[int] | None = None
    status: StudentStatus = StudentStatus.OTHER  # type: ignore[valid-type]
    timezone: str = "Europe/Paris"
    session_minutes: int = 45
    weekly_hours: int = 15
    languages: list[str] = strawberry.field(default_factory=lambda: ["fr"])
    phone: str = ""
    address: str = ""
    photo_url: str = ""
    latest_diploma: str = ""
    training_objective: str = ""
    availability: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateStudentInput:
    id: int
    name: str | None = None
    email: str | None = None
    current_project_id: int | None = None
    funding: Funding | None = None  # type: ignore[valid-type]
    allowed_weekdays: list[int] | None = None
    status: StudentStatus | None = None  # type: ignore[valid-type]
    timezone: str | None = None
    session_minutes: int | None = None
    weekly_hours: int | None = None
    languages: list[str] | None = None
    phone: str | None = None
    address: str | None = None
    photo_url: str | None = None
    latest_diploma: str | None = None
    training_objective: str | None = None


@strawberry.input
class CreateMentorshipInput:
    student_id: int
    mentor_id: int
    first_session_at: str = strawberry.field(
        description="The discovery session in Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset)."
    )
    fold: int | None = strawberry.field(
        default=None,
        description="Only for a time repeated by the autumn change: 0 the first (summer), 1 the second.",
    )


# Input types whose fields are stored in the columns of the same name (snake_case) of a model: the column's
# length (CharField) or range (SmallIntField) bounds the value.
COLUMNS_OF_INPUT: dict[str, type[Model]] = {
    "CreatePathInput": models.Path,
    "UpdatePathInput": models.Path,
    "CreateProjectInput": models.Project,
    "UpdateProjectInput": models.Project,
    "CreateMentorInput": models.Mentor,
    "UpdateMentorInput": models.Mentor,
    "CreateStudentInput": models.Student,
    "UpdateStudentInput": models.Student,
    "DiscoveryNoteInput": models.DiscoveryNote,
}
SMALLINT = (-32768, 32767)
ROOTS = frozenset({"Query", "Mutation", "Subscription"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _column(model: type[Model] | None, name: str) -> fields.Field[Any] | None:
    if model is None:
        return None
    return model._meta.fields_map.get(_CAMEL.sub("_", name).lower())


def check_text(value: str, *, field: str) -> None:
    if "\x00" in value:
        raise ValidationFailed("must not contain NUL characters", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationFailed("must be Unicode text (it has a lone surrogate)", field=field) from exc


def check_value(value: Any, gtype: GraphQLInputType, *, field: str, column: fields.Field[Any] | None) -> None:
    """Check one coerced argument value against its GraphQL type and the column it is stored in."""
    if value is None:
        return
    named = get_nullable_type(gtype)
    if isinstance(named, GraphQLList):
        for i, item in enumerate(value):
            check_value(item, named.of_type, field=f"{field}.{i}", column=None)
        limit = getattr(column, "max_length", None) if isinstance(column, fields.CharField) else None
        # A list of words stored in one text column (languages), comma-separated.
        if limit is not None and len(",".join(str(item) for item in value)) > limit:
            raise ValidationFailed(f"must fit in {limit} characters, commas included", field=field)
    elif isinstance(named, GraphQLInputObjectType):
        model = COLUMNS_OF_INPUT.get(named.name)
        for key, spec in named.fields.items():
            if key in value:
                inner = f"{field}.{key}" if field else key
                check_value(value[key], spec.type, field=inner, column=_column(model, key))
    elif isinstance(named, GraphQLEnumType):
        return
    else:
        _check_scalar(value, field=field, column=column)


def _check_scalar(value: Any, *, field: str, column: fields.Field[Any] | None) -> None:
    if isinstance(value, str):
        check_text(value, field=field)
        limit = getattr(column, "max_length", None) if isinstance(column, fields.CharField) else None
        if limit is not None and len(value) > limit:
            raise ValidationFailed(f"must be at most {limit} characters", field=field)
    elif isinstance(value, date):  # and datetime
        require_supported_date(value, field=field)
    elif isinstance(value, int) and not isinstance(value, bool):
        if isinstance(column, fields.SmallIntField) and not SMALLINT[0] <= value <= SMALLINT[1]:
            raise ValidationFailed(f"must be between {SMALLINT[0]} and {SMALLINT[1]}", field=field)
    elif isinstance(value, Mapping):  # JSON scalars
        for key, item in value.items():
            check_text(str(key), field=field)
            _check_scalar(item, field=field, column=None)
    elif isinstance(value, list):
        for item in value:
            _check_scalar(item, field=field, column=None)


def check_arguments(info: GraphQLResolveInfo[Any], arguments: Mapping[str, Any]) -> None:
    """Every argument of the field being resolved; ``input`` is left out of the field paths (the
    mutations' typed errors name ``phone``, not ``input.phone``)."""
    definition = info.parent_type.fields.get(info.field_name)  # None for __type(name:) and the like
    if definition is None:
        return
    for name, value in arguments.items():
        spec = definition.args.get(name)
        if spec is not None:
            check_value(value, spec.type, field="" if name == "input" else name, column=None)


def _refusal(info: GraphQLResolveInfo[Any], error: DomainError) -> Any:
    """A mutation's typed error when its result union has one; a coded GraphQL error otherwise."""
    result_type = get_nullable_type(info.return_type)
    if isinstance(result_type, GraphQLUnionType) and "ValidationError" in {t.name for t in result_type.types}:
        return ValidationError.of(error)
    raise coded(error)


def check_inputs(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """``resolver`` with its arguments checked by ``checked`` first (installed at schema build time on
    every field that has arguments: the others have nothing to check)."""
    return partial(checked, resolver)


def checked(
    _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
) -> Any:
    if not kwargs:  # every argument omitted (and none has a default): nothing to check
        return _next(root, info, *args, **kwargs)
    try:
        check_arguments(info, kwargs)
    except DomainError as error:
        return _refusal(info, error)
    if info.parent_type.name in ROOTS:  # their resolvers type their own errors (Refusals)
        return _next(root, info, *args, **kwargs)
    try:
        result = _next(root, info, *args, **kwargs)
    except DomainError as error:
        raise coded(error) from error
    if inspect.isawaitable(result):
        return _typed(result)
    return result


async def _typed(pending: Any) -> Any:
    try:
        return await pending
    except DomainError as error:
        raise coded(error) from error
