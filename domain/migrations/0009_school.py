"""Mentor onboarding (applications, documents, contract), project submissions verified by the mentor,
presentation recordings and the final panel's decision (R20), video rooms of sessions (R13)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import DocumentKind, DocumentStatus, MentorStatus, PanelDecision
from domain.video import new_video_uid
from tortoise.fields.base import OnDelete
from tortoise import fields


class AddColumn(ops.AddField):
    """``AddField`` whose column is added by ``sql``: a NOT NULL column on a table that has rows needs an SQL
    DEFAULT (Tortoise's ``AddField`` emits only a ``db_default``, which these models do not use, so the
    column would be refused on a non-empty table)."""

    def __init__(self, model_name, name, field, *, sql):
        super().__init__(model_name, name, field)
        self.sql = sql

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            await state_editor._run_sql(self.sql)


class AlterEnumComment(ops.AlterField):
    """An enum field gains members: only the column's comment changes (the VARCHAR stays). PostgreSQL
    comments on the column in place. SQLite keeps comments in the table's DDL, and ``AlterField`` rebuilds the
    table for them: on a database with mentors the rebuild fails ("FOREIGN KEY constraint failed": sessions,
    pairs and tokens reference the rows) and it drops the table's indexes. So SQLite skips it."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor and state_editor.DIALECT != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor and state_editor.DIALECT != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)


async def fill_video_uids(apps, schema_editor):
    """Sessions booked before get a random room id each (128 bits from the database's generator)."""
    if schema_editor.DIALECT == "sqlite":
        sql = 'UPDATE "session" SET "video_uid" = lower(hex(randomblob(16))) WHERE "video_uid" = \'\''
    else:
        sql = 'UPDATE "session" SET "video_uid" = replace(gen_random_uuid()::text, \'-\', \'\') WHERE "video_uid" = \'\''
    await schema_editor._run_sql(sql)


def column(table, name, sql_type):
    return f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sql_type} NOT NULL DEFAULT \'\''

class Migration(migrations.Migration):
    dependencies = [('models', '0008_notify')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.OneToOneField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='certification', on_delete=OnDelete.RESTRICT)),
                ('path', fields.ForeignKeyField('models.Path', source_field='path_id', db_constraint=True, to_field='id', related_name='certifications', on_delete=OnDelete.RESTRICT)),
                ('decision', fields.CharEnumField(description='CERTIFIED: certified\nNOT_CERTIFIED: not_certified', enum_type=PanelDecision, max_length=16)),
                ('reason', fields.TextField(unique=False)),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_by', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'certification', 'app': 'models', 'pk_attr': 'id', 'table_description': "R20: the final panel's decision on a student whose every project of the path passed."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MentorApplication',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mentor', fields.OneToOneField('models.Mentor', source_field='mentor_id', db_constraint=True, to_field='id', related_name='application', on_delete=OnDelete.CASCADE)),
                ('path', fields.ForeignKeyField('models.Path', source_field='path_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('total_years', fields.SmallIntField()),
                ('field_years', fields.SmallIntField()),
                ('applied_on', fields.DateField()),
                ('contract_signed_on', fields.DateField(null=True)),
                ('activated_on', fields.DateField(null=True)),
                ('declined_on', fields.DateField(null=True)),
                ('decline_reason', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'mentor_application', 'app': 'models', 'pk_attr': 'id', 'table_description': "A candidate mentor's application (the mentor row exists, status ``APPLIED``, ``CONTRACT`` or"},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='MentorDocument',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('models.MentorApplication', source_field='application_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='IDENTITY: identity\nCRIMINAL_RECORD: criminal_record\nLATEST_DIPLOMA: latest_diploma\nCOMPANY_REGISTRATION: company_registration', enum_type=DocumentKind, max_length=24)),
                ('reference', fields.CharField(max_length=500)),
                ('status', fields.CharEnumField(default=DocumentStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected', enum_type=DocumentStatus, max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('reviewed_by', fields.CharField(default='', max_length=80)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mentor_document', 'app': 'models', 'unique_together': (('application', 'kind'),), 'pk_attr': 'id', 'table_description': 'One document of an application, as a reference (an https URL or an opaque storage key, never the'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='ProjectSubmission',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('models.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.RESTRICT)),
                ('link', fields.CharField(default='', max_length=500)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_by', fields.CharField(default='', max_length=80)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verified_by', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'project_submission', 'app': 'models', 'unique_together': (('student', 'project'),), 'pk_attr': 'id', 'table_description': "The student's deliverables of a project, marked submitted and then verified by their mentor before"},
            bases=['TimestampedModel'],
        ),
        AddColumn(
            model_name='Assessment',
            name='recording',
            field=fields.CharField(default='', max_length=500),
            sql=column('assessment', 'recording', 'VARCHAR(500)'),
        ),
        AlterEnumComment(
            model_name='Mentor',
            name='status',
            field=fields.CharEnumField(default=MentorStatus.ACTIVE, description='ACTIVE: active\nPAUSED: paused\nLEFT: left\nAPPLIED: applied\nCONTRACT: contract\nDECLINED: declined', enum_type=MentorStatus, max_length=16),
        ),
        AddColumn(
            model_name='Mentorship',
            name='video_url',
            field=fields.CharField(default='', max_length=500),
            sql=column('mentorship', 'video_url', 'VARCHAR(500)'),
        ),
        AddColumn(
            model_name='Session',
            name='video_uid',
            field=fields.CharField(default=new_video_uid, max_length=32),
            sql=column('session', 'video_uid', 'VARCHAR(32)'),
        ),
        AddColumn(
            model_name='Session',
            name='video_url',
            field=fields.CharField(default='', max_length=500),
            sql=column('session', 'video_url', 'VARCHAR(500)'),
        ),
        ops.RunPython(fill_video_uids, reverse_code=ops.RunPython.noop),
    ]
