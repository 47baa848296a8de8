"""A published run's introductions are written after its publish (``domain.services.introductions``):
``matching_run.introduced_at`` is null while they are owed. Runs published before this migration wrote
theirs in the publish's transaction: they are marked introduced at their publish."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_review')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MatchingRun',
            name='introduced_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.RunSQL(
            'UPDATE "matching_run" SET "introduced_at" = "published_at" WHERE "status" = \'published\'',
            reverse_sql="SELECT 1",
        ),
    ]
