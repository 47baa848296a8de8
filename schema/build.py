"""The schema object. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``."""

from __future__ import annotations

import strawberry

from schema.mutations import Mutation
from schema.queries import Query

schema = strawberry.Schema(query=Query, mutation=Mutation)
