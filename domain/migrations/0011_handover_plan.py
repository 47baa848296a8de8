"""R5: a published hand-over run plans the substitute on the hand-over (mentor, slot, first day, run);
the daily step switches the student at the absence's start (status ``planned``)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import HandoverStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_descriptions')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Handover',
            options={'table': 'handover', 'app': 'models', 'unique_together': (('absence', 'student'),), 'pk_attr': 'id', 'table_description': 'R5, a long absence: one student of the absent mentor, handed to a substitute and back. Publishing'},
        ),
        ops.AlterField(
            model_name='Handover',
            name='status',
            field=fields.CharEnumField(default=HandoverStatus.WAITING, description='WAITING: waiting\nPLANNED: planned\nSUBSTITUTED: substituted\nRETURNED: returned\nCANCELLED: cancelled', enum_type=HandoverStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_mentor',
            field=fields.ForeignKeyField('models.Mentor', source_field='planned_mentor_id', null=True, db_constraint=True, to_field='id', related_name='planned_handovers', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_minutes',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_run',
            field=fields.ForeignKeyField('models.MatchingRun', source_field='planned_run_id', null=True, db_constraint=True, to_field='id', related_name='planned_handovers', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_start_minute',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_starts_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Handover',
            name='planned_weekday',
            field=fields.SmallIntField(null=True),
        ),
        # On SQLite, AlterField rebuilds the table and drops its indexes: put the unique index of
        # (absence, student) back (a no-op on PostgreSQL, which altered the column in place).
        ops.RunSQL(
            'CREATE UNIQUE INDEX IF NOT EXISTS "uid_handover_absence_2c2920" ON "handover" ("absence_id", "student_id")',
            reverse_sql="SELECT 1",
        ),
    ]
