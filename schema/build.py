"""The schema object. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.billing import BillingQueries
from schema.mutations import Mutation
from schema.queries import Query

schema = strawberry.Schema(query=merge_types("Query", (Query, BillingQueries)), mutation=Mutation)
