import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


def _json(**kwargs):
    return fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads, **kwargs)


class Migration(migrations.Migration):
    dependencies = [("models", "0002_sessions")]

    operations = [
        ops.AddField(model_name='MatchingRun', name='snapshot', field=_json(null=True)),
        ops.AddField(model_name='MatchingRun', name='cancel_requested', field=fields.BooleanField(default=False)),
        ops.AddField(model_name='MatchingRun', name='attempts', field=fields.IntField(default=0)),
        ops.AddField(model_name='MatchingRun', name='progress', field=_json(null=True)),
        ops.AddField(
            model_name='MatchingRun',
            name='heartbeat_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=80)),
                ('kind', fields.CharField(max_length=40)),
                ('payload', _json(default=dict)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                'table': 'event',
                'app': 'models',
                'indexes': [Index(fields=['topic', 'id'])],
                'pk_attr': 'id',
                'table_description': 'An announcement written in the same transaction as the change it '
                'announces.',
            },
            bases=['Model'],
        ),
        # One active run per scope, enforced by the database: concurrent starts cannot both insert.
        # Partial unique indexes are valid SQL on both SQLite and PostgreSQL.
        ops.RunSQL(
            'CREATE UNIQUE INDEX "matching_run_one_active_per_scope" ON "matching_run" ("scope_key") '
            "WHERE \"status\" IN ('queued', 'running')",
            reverse_sql='DROP INDEX "matching_run_one_active_per_scope"',
        ),
    ]
