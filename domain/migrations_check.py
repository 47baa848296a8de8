"""``python -m domain.migrations_check``: exit 1 and list the operations when the models differ from the
migrations (someone changed a model without adding a migration)."""

from __future__ import annotations

import asyncio
import sys

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from domain.config import tortoise_config


async def pending_operations() -> list[str]:
    config = tortoise_config("sqlite://:memory:")
    async with tortoise_cli_context(config) as ctx:
        assert ctx.apps is not None
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    return [op.describe() for writer in writers for op in writer.operations]


def main() -> int:
    operations = asyncio.run(pending_operations())
    for op in operations:
        print(f"missing migration: {op}")
    return 1 if operations else 0


if __name__ == "__main__":
    sys.exit(main())
