"""The data layer: Tortoise models, migrations and the domain services that own every write."""
