"""The GraphQL schema (strawberry): thin types, queries and mutations that call domain services."""

from schema.build import schema

__all__ = ["schema"]
