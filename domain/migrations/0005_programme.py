"""Absences and hand-overs (R5), notice (R6), mentor paths (R3), assessments (R20), the
pairing audit trail."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import AssessmentStatus, HandoverStatus, MentorStatus, MentorshipEndReason, PairingAction, PairingCause
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0004_auth')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Assessment',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('models.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.RESTRICT)),
                ('assessor', fields.ForeignKeyField('models.Mentor', source_field='assessor_id', null=True, db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=AssessmentStatus.AWAITING_ASSESSOR, description='AWAITING_ASSESSOR: awaiting_assessor\nSCHEDULED: scheduled\nPASSED: passed\nFAILED: failed\nCANCELLED: cancelled', enum_type=AssessmentStatus, max_length=24)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('duration_minutes', fields.SmallIntField(default=30)),
                ('assigned_by', fields.CharField(default='', max_length=80)),
                ('unassigned_reason', fields.TextField(default='', unique=False)),
                ('notes', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'assessment', 'app': 'models', 'indexes': [Index(fields=['assessor_id', 'starts_at']), Index(fields=['student_id', 'project_id'])], 'pk_attr': 'id', 'table_description': 'R20: a student presents a finished project to an assessor who was never their mentor.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='MentorAbsence',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentor', fields.ForeignKeyField('models.Mentor', source_field='mentor_id', db_constraint=True, to_field='id', related_name='absences', on_delete=OnDelete.CASCADE)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.TextField(default='', unique=False)),
                ('long', fields.BooleanField(default=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('returned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'mentor_absence', 'app': 'models', 'indexes': [Index(fields=['mentor_id', 'starts_on'])], 'pk_attr': 'id', 'table_description': 'R5: a mentor away from ``starts_on`` to ``ends_on`` (Paris dates, both included). Up to 14 days the'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Handover',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('absence', fields.ForeignKeyField('models.MentorAbsence', source_field='absence_id', db_constraint=True, to_field='id', related_name='handovers', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='handovers', on_delete=OnDelete.RESTRICT)),
                ('original', fields.ForeignKeyField('models.Mentorship', source_field='original_id', db_constraint=True, to_field='id', related_name='handovers_from', on_delete=OnDelete.RESTRICT)),
                ('substitute', fields.ForeignKeyField('models.Mentorship', source_field='substitute_id', null=True, db_constraint=True, to_field='id', related_name='handovers_to', on_delete=OnDelete.SET_NULL)),
                ('returned', fields.ForeignKeyField('models.Mentorship', source_field='returned_id', null=True, db_constraint=True, to_field='id', related_name='handovers_back', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=HandoverStatus.WAITING, description='WAITING: waiting\nSUBSTITUTED: substituted\nRETURNED: returned\nCANCELLED: cancelled', enum_type=HandoverStatus, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'handover', 'app': 'models', 'unique_together': (('absence', 'student'),), 'pk_attr': 'id', 'table_description': 'R5, a long absence: one student of the absent mentor, handed to a substitute and back.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='MentorPath',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentor', fields.ForeignKeyField('models.Mentor', source_field='mentor_id', db_constraint=True, to_field='id', related_name='paths', on_delete=OnDelete.CASCADE)),
                ('path', fields.ForeignKeyField('models.Path', source_field='path_id', db_constraint=True, to_field='id', related_name='mentor_paths', on_delete=OnDelete.RESTRICT)),
                ('added_on', fields.DateField()),
                ('added_by', fields.CharField(default='', max_length=80)),
                ('override', fields.BooleanField(default=False)),
                ('override_reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'mentor_path', 'app': 'models', 'unique_together': (('mentor', 'path'),), 'pk_attr': 'id', 'table_description': 'R3: the paths a mentor mentors on. The first comes with the mentor, another needs three months of'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PairingChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('action', fields.CharEnumField(description='STARTED: started\nENDED: ended', enum_type=PairingAction, max_length=8)),
                ('cause', fields.CharEnumField(description='RUN: run\nMANUAL: manual\nREQUEST: request\nABSENCE: absence\nRETURN: return\nNOTICE: notice\nPROJECT_CHANGE: project_change\nPATH_COMPLETED: path_completed', enum_type=PairingCause, max_length=16)),
                ('cause_ref', fields.CharField(default='', max_length=80)),
                ('actor', fields.CharField(max_length=80)),
                ('reason', fields.TextField(default='', unique=False)),
                ('mentorship', fields.ForeignKeyField('models.Mentorship', source_field='mentorship_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.RESTRICT)),
                ('mentor_id', fields.IntField()),
                ('student_id', fields.IntField()),
            ],
            options={'table': 'pairing_change', 'app': 'models', 'indexes': [Index(fields=['student_id', 'id']), Index(fields=['mentor_id', 'id']), Index(fields=['cause', 'id'])], 'pk_attr': 'id', 'table_description': 'The audit trail: every start or end of a mentorship, who did it, when and why. Written in'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Mentor',
            name='status',
            field=fields.CharEnumField(default=MentorStatus.ACTIVE, description='ACTIVE: active\nPAUSED: paused\nLEFT: left', enum_type=MentorStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Mentor',
            name='last_day',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Mentor',
            name='notice_given_on',
            field=fields.DateField(null=True),
        ),
        ops.AlterField(
            model_name='Mentorship',
            name='end_reason',
            field=fields.CharEnumField(null=True, description='COMPLETED: completed\nCHANGE_REQUESTED_BY_STUDENT: change_requested_by_student\nCHANGE_REQUESTED_BY_MENTOR: change_requested_by_mentor\nMENTOR_LEFT: mentor_left\nABSENCE_HANDOVER: absence_handover\nPROJECT_CHANGE: project_change\nREMATCHED: rematched\nABSENCE_OVER: absence_over', enum_type=MentorshipEndReason, max_length=40),
        ),
        # On SQLite, AlterField rebuilds the table and drops its indexes: put the partial unique index back
        # (a no-op on PostgreSQL, which altered the column in place).
        ops.RunSQL(
            'CREATE UNIQUE INDEX IF NOT EXISTS "mentorship_one_current_per_student" ON "mentorship" ("student_id") '
            'WHERE "ended_on" IS NULL',
            reverse_sql="SELECT 1",
        ),
        # Tortoise 1.1 CreateModel does not emit Meta.constraints; AddConstraint does.
        ops.AddConstraint(model_name='Assessment', constraint=CheckConstraint(check='(assessor_id IS NULL AND starts_at IS NULL) OR (assessor_id IS NOT NULL AND starts_at IS NOT NULL)', name='assessment_assessor_has_slot')),
        ops.AddConstraint(model_name='MentorAbsence', constraint=CheckConstraint(check='ends_on >= starts_on AND ends_at > starts_at', name='mentor_absence_order')),
        # R3: every mentor already mentoring starts on the paths of the projects they list.
        ops.RunSQL(
            'INSERT INTO "mentor_path" ("mentor_id", "path_id", "added_on", "added_by", "override", '
            '"override_reason") SELECT DISTINCT mp."mentor_id", p."path_id", m."start_date", \'migration\', '
            'FALSE, \'\' FROM "mentor_project" mp JOIN "project" p ON p."id" = mp."project_id" '
            'JOIN "mentor" m ON m."id" = mp."mentor_id"',
            reverse_sql='DELETE FROM "mentor_path"',
        ),
    ]
