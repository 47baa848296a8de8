"""Paths and their projects."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import Path, Project
from domain.outbox import in_transaction
from domain.services._common import get_or_not_found, require_range, require_text, unique_as_conflict


@dataclass(frozen=True, slots=True)
class PathInput:
    name: str
    description: str = ""
    duration_months: int = 12


@dataclass(frozen=True, slots=True)
class PathPatch:
    name: str | None = None
    description: str | None = None
    duration_months: int | None = None


@dataclass(frozen=True, slots=True)
class ProjectInput:
    path_id: int
    name: str
    level: int = 2
    position: int = 0
    description: str = ""


@dataclass(frozen=True, slots=True)
class ProjectPatch:
    name: str | None = None
    level: int | None = None
    position: int | None = None
    description: str | None = None


async def create_path(data: PathInput) -> Path:
    name = require_text(data.name, field="name")
    require_range(data.duration_months, 1, 24, field="durationMonths")
    async with in_transaction(), unique_as_conflict("name", f"a path called {name!r} exists already"):
        return await Path.create(
            name=name, description=data.description, duration_months=data.duration_months
        )


async def update_path(path_id: int, patch: PathPatch) -> Path:
    async with in_transaction():
        path = await get_or_not_found(Path, path_id, field="id")
        if patch.name is not None:
            path.name = require_text(patch.name, field="name")
        if patch.description is not None:
            path.description = patch.description
        if patch.duration_months is not None:
            path.duration_months = require_range(patch.duration_months, 1, 24, field="durationMonths")
        async with unique_as_conflict("name", f"a path called {path.name!r} exists already"):
            await path.save()
        return path


async def create_project(data: ProjectInput) -> Project:
    name = require_text(data.name, field="name")
    require_range(data.level, 1, 3, field="level")
    async with in_transaction():
        await get_or_not_found(Path, data.path_id, field="pathId")
        async with unique_as_conflict("name", f"the path has a project called {name!r} already"):
            return await Project.create(
                path_id=data.path_id,
                name=name,
                level=data.level,
                position=data.position,
                description=data.description,
            )


async def update_project(project_id: int, patch: ProjectPatch) -> Project:
    async with in_transaction():
        project = await get_or_not_found(Project, project_id, field="id")
        if patch.name is not None:
            project.name = require_text(patch.name, field="name")
        if patch.level is not None:
            project.level = require_range(patch.level, 1, 3, field="level")
        if patch.position is not None:
            project.position = patch.position
        if patch.description is not None:
            project.description = patch.description
        async with unique_as_conflict("name", f"the path has a project called {project.name!r} already"):
            await project.save()
        return project
