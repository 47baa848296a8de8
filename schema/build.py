"""The schema object. ``python -m schema.export`` writes the SDL committed as ``schema.graphql``."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.billing import BillingQueries
from schema.mutations import Mutation
from schema.queries import Query
from schema.run_types import RunQueries
from schema.subscriptions import Subscription

schema = strawberry.Schema(
    query=merge_types("Query", (Query, RunQueries, BillingQueries)),
    mutation=Mutation,
    subscription=Subscription,
)
