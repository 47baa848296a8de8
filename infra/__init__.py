"""What every entry point stands on (the API, the worker, the CLI, scenarios, benchmarks): settings from the
environment, connections to the database and Redis with fail-fast checks, and logging. It imports nothing
of ``api``, ``jobs`` or ``schema``."""
