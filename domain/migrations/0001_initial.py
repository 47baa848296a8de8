import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

from domain.enums import (
    Funding,
    MentorshipEndReason,
    MentorStatus,
    RunStatus,
    SessionKind,
    SessionStatus,
    StudentStatus,
)


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='MatchingRun',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('status', fields.CharEnumField(default=RunStatus.QUEUED, description='QUEUED: queued\nRUNNING: running\nSUCCEEDED: succeeded\nFAILED: failed\nCANCELLED: cancelled\nSTALE: stale\nPUBLISHED: published', enum_type=RunStatus, max_length=16)),
                ('scope_key', fields.CharField(default='all', max_length=200)),
                ('scope', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('options', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('requested_by', fields.CharField(default='', max_length=200)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'matching_run', 'app': 'models', 'indexes': [Index(fields=['status', 'scope_key'])], 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Path',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('duration_months', fields.SmallIntField(default=12)),
            ],
            options={'table': 'path', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Project',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('path', fields.ForeignKeyField('models.Path', source_field='path_id', db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=200)),
                ('level', fields.SmallIntField(default=2)),
                ('position', fields.SmallIntField(default=0)),
                ('description', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'project', 'app': 'models', 'unique_together': (('path', 'name'),), 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Mentor',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('capacity', fields.SmallIntField()),
                ('timezone', fields.CharField(default='Europe/Paris', max_length=64)),
                ('status', fields.CharEnumField(default=MentorStatus.ACTIVE, description='ACTIVE: active\nPAUSED: paused', enum_type=MentorStatus, max_length=16)),
                ('start_date', fields.DateField()),
                ('languages', fields.CharField(default='fr', max_length=100)),
                ('version', fields.IntField(default=1)),
                ('projects', fields.ManyToManyField('models.Project', unique=True, db_constraint=True, through='mentor_project', forward_key='project_id', backward_key='mentor_id', related_name='mentors', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'mentor', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='MentorAvailability',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentor', fields.ForeignKeyField('models.Mentor', source_field='mentor_id', db_constraint=True, to_field='id', related_name='availability', on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('start_minute', fields.SmallIntField()),
                ('end_minute', fields.SmallIntField()),
            ],
            options={'table': 'mentor_availability', 'app': 'models', 'unique_together': (('mentor', 'weekday', 'start_minute'),), 'pk_attr': 'id', 'table_description': "A weekly window in the mentor's own time zone: weekday, start and end minute of that day."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Student',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('address', fields.TextField(default='', unique=False)),
                ('photo_url', fields.CharField(default='', max_length=500)),
                ('latest_diploma', fields.CharField(default='', max_length=200)),
                ('training_objective', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=StudentStatus.OTHER, description='EMPLOYEE: employee\nJOB_SEEKER: job_seeker\nSTUDENT: student\nOTHER: other', enum_type=StudentStatus, max_length=16)),
                ('funding', fields.CharEnumField(default=Funding.SELF_FUNDED, description='SELF_FUNDED: self_funded\nEMPLOYER: employer\nPUBLIC_JOB_SEEKER: public_job_seeker\nAPPRENTICESHIP: apprenticeship', enum_type=Funding, max_length=24)),
                ('allowed_weekdays', fields.SmallIntField(default=127)),
                ('path', fields.ForeignKeyField('models.Path', source_field='path_id', db_constraint=True, to_field='id', related_name='students', on_delete=OnDelete.RESTRICT)),
                ('current_project', fields.ForeignKeyField('models.Project', source_field='current_project_id', db_constraint=True, to_field='id', related_name='current_students', on_delete=OnDelete.RESTRICT)),
                ('timezone', fields.CharField(default='Europe/Paris', max_length=64)),
                ('session_minutes', fields.SmallIntField(default=45)),
                ('weekly_hours', fields.SmallIntField(default=15)),
                ('languages', fields.CharField(default='fr', max_length=100)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'student', 'app': 'models', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Mentorship',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='mentorships', on_delete=OnDelete.RESTRICT)),
                ('mentor', fields.ForeignKeyField('models.Mentor', source_field='mentor_id', db_constraint=True, to_field='id', related_name='mentorships', on_delete=OnDelete.RESTRICT)),
                ('slot_weekday', fields.SmallIntField()),
                ('slot_start_minute', fields.SmallIntField()),
                ('slot_minutes', fields.SmallIntField()),
                ('started_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('end_reason', fields.CharEnumField(null=True, description='COMPLETED: completed\nCHANGE_REQUESTED_BY_STUDENT: change_requested_by_student\nCHANGE_REQUESTED_BY_MENTOR: change_requested_by_mentor\nMENTOR_LEFT: mentor_left\nABSENCE_HANDOVER: absence_handover\nPROJECT_CHANGE: project_change\nREMATCHED: rematched', enum_type=MentorshipEndReason, max_length=40)),
                ('run', fields.ForeignKeyField('models.MatchingRun', source_field='run_id', null=True, db_constraint=True, to_field='id', related_name='mentorships', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'mentorship', 'app': 'models', 'indexes': [Index(fields=['mentor_id', 'ended_on'])], 'pk_attr': 'id', 'table_description': 'A student and a mentor paired, with a recurring weekly slot in Paris time.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentorship', fields.ForeignKeyField('models.Mentorship', source_field='mentorship_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(default=SessionKind.REGULAR, description='DISCOVERY: discovery\nREGULAR: regular\nPRESENTATION: presentation', enum_type=SessionKind, max_length=16)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('duration_minutes', fields.SmallIntField()),
                ('status', fields.CharEnumField(default=SessionStatus.SCHEDULED, description='SCHEDULED: scheduled\nCOMPLETED: completed\nCANCELLED: cancelled\nLATE_CANCELLED: late_cancelled\nSTUDENT_ABSENT: student_absent', enum_type=SessionStatus, max_length=16)),
                ('notes', fields.TextField(default='', unique=False)),
                ('private_comment', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'session', 'app': 'models', 'indexes': [Index(fields=['mentorship_id', 'starts_at'])], 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='StudentAvailability',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='availability', on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('start_minute', fields.SmallIntField()),
                ('end_minute', fields.SmallIntField()),
            ],
            options={'table': 'student_availability', 'app': 'models', 'unique_together': (('student', 'weekday', 'start_minute'),), 'pk_attr': 'id', 'table_description': "A weekly window in the student's own time zone."},
            bases=['Model'],
        ),
        # Tortoise 1.1 CreateModel does not emit Meta.constraints; AddConstraint does.
        ops.AddConstraint(model_name='Path', constraint=CheckConstraint(check='duration_months BETWEEN 1 AND 24', name='path_duration_range')),
        ops.AddConstraint(model_name='Project', constraint=CheckConstraint(check='level BETWEEN 1 AND 3', name='project_level_range')),
        ops.AddConstraint(model_name='Mentor', constraint=CheckConstraint(check='capacity BETWEEN 1 AND 20', name='mentor_capacity_range')),
        ops.AddConstraint(model_name='MentorAvailability', constraint=CheckConstraint(check='weekday BETWEEN 0 AND 6', name='mentor_availability_weekday')),
        ops.AddConstraint(model_name='MentorAvailability', constraint=CheckConstraint(check='start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute', name='mentor_availability_bounds')),
        ops.AddConstraint(model_name='Student', constraint=CheckConstraint(check='session_minutes BETWEEN 30 AND 60', name='student_session_minutes_range')),
        ops.AddConstraint(model_name='Student', constraint=CheckConstraint(check='weekly_hours BETWEEN 15 AND 35', name='student_weekly_hours_range')),
        ops.AddConstraint(model_name='Student', constraint=CheckConstraint(check='allowed_weekdays BETWEEN 1 AND 127', name='student_weekdays_mask')),
        ops.AddConstraint(model_name='Mentorship', constraint=CheckConstraint(check='slot_weekday BETWEEN 0 AND 6', name='mentorship_slot_weekday')),
        ops.AddConstraint(model_name='Mentorship', constraint=CheckConstraint(check='slot_start_minute >= 0 AND slot_start_minute + slot_minutes <= 1440', name='mentorship_slot_bounds')),
        ops.AddConstraint(model_name='Mentorship', constraint=CheckConstraint(check='(ended_on IS NULL AND end_reason IS NULL) OR (ended_on IS NOT NULL AND end_reason IS NOT NULL AND ended_on >= started_on)', name='mentorship_end_consistent')),
        ops.AddConstraint(model_name='Session', constraint=CheckConstraint(check='duration_minutes BETWEEN 15 AND 120', name='session_duration_range')),
        ops.AddConstraint(model_name='StudentAvailability', constraint=CheckConstraint(check='weekday BETWEEN 0 AND 6', name='student_availability_weekday')),
        ops.AddConstraint(model_name='StudentAvailability', constraint=CheckConstraint(check='start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute', name='student_availability_bounds')),
            # A student has at most one current mentor. Tortoise refuses partial unique constraints on
        # SQLite although SQLite supports partial indexes, so this one is plain SQL (same on both).
        ops.RunSQL(
            'CREATE UNIQUE INDEX "mentorship_one_current_per_student" ON "mentorship" ("student_id") '
            'WHERE "ended_on" IS NULL',
            reverse_sql='DROP INDEX "mentorship_one_current_per_student"',
        ),
    ]
