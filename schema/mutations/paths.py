from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services import paths
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.inputs import CreatePathInput, CreateProjectInput, UpdatePathInput, UpdateProjectInput
from schema.types import Path, Project


@strawberry.type
class PathPayload:
    path: Path


@strawberry.type
class ProjectPayload:
    project: Project


PathResult = Annotated[
    PathPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("PathResult")
]
ProjectResult = Annotated[
    ProjectPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("ProjectResult")
]


@strawberry.type
class PathMutations:
    @strawberry.mutation
    async def create_path(self, input: CreatePathInput) -> PathResult:
        async def run() -> PathPayload:
            row = await paths.create_path(
                paths.PathInput(input.name, input.description, input.duration_months)
            )
            return PathPayload(path=Path.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation
    async def update_path(self, input: UpdatePathInput) -> PathResult:
        async def run() -> PathPayload:
            patch = paths.PathPatch(input.name, input.description, input.duration_months)
            return PathPayload(path=Path.of(await paths.update_path(input.id, patch)))

        return await REFUSALS.attempt(run)

    @strawberry.mutation
    async def create_project(self, input: CreateProjectInput) -> ProjectResult:
        async def run() -> ProjectPayload:
            data = paths.ProjectInput(
                input.path_id, input.name, input.level, input.position, input.description
            )
            return ProjectPayload(project=Project.of(await paths.create_project(data)))

        return await REFUSALS.attempt(run)

    @strawberry.mutation
    async def update_project(self, input: UpdateProjectInput) -> ProjectResult:
        async def run() -> ProjectPayload:
            patch = paths.ProjectPatch(input.name, input.level, input.position, input.description)
            return ProjectPayload(project=Project.of(await paths.update_project(input.id, patch)))

        return await REFUSALS.attempt(run)
