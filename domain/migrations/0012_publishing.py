"""A large publish runs as a job: a run's status ``publishing`` while it goes (``run_publish``)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import RunStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_handover_plan')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='MatchingRun',
            name='status',
            field=fields.CharEnumField(default=RunStatus.QUEUED, description='QUEUED: queued\nRUNNING: running\nSUCCEEDED: succeeded\nFAILED: failed\nCANCELLED: cancelled\nSTALE: stale\nPUBLISHING: publishing\nPUBLISHED: published', enum_type=RunStatus, max_length=16),
        ),
        # On SQLite, AlterField rebuilds the table and drops its indexes: put them back (no-ops on
        # PostgreSQL, which altered the column in place).
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_matching_ru_status_82aa34" ON "matching_run" ("status", "scope_key")',
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            'CREATE UNIQUE INDEX IF NOT EXISTS "matching_run_one_active_per_scope" ON "matching_run" ("scope_key") '
            "WHERE \"status\" IN ('queued', 'running')",
            reverse_sql="SELECT 1",
        ),
    ]
