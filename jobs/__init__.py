"""Background jobs: arq worker settings and tasks; without Redis the same tasks run in-process."""
