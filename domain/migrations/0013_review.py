"""A run's review as rows (figures, pairs with their change kind, mentors' loads, unplaced
students), written with the proposal, so that each review page is one indexed SQL query. Runs stored before
this migration keep no rows: their review is computed from their stored result (``run_review``)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_publishing')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RunReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.OneToOneField('models.MatchingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='review', on_delete=OnDelete.CASCADE)),
                ('week', fields.DateField()),
                ('placed', fields.IntField()),
                ('upper_bound', fields.IntField()),
                ('bound_kind', fields.CharField(max_length=16)),
                ('solver_status', fields.CharField(max_length=32)),
                ('figures', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('pairs', fields.IntField()),
                ('unplaced', fields.IntField()),
                ('mentors', fields.IntField()),
            ],
            options={'table': 'run_review', 'app': 'models', 'pk_attr': 'id', 'table_description': "A run's proposal under review, its pages read in SQL: its figures here, its lists below."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RunReviewLoad',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.MatchingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='review_loads', on_delete=OnDelete.CASCADE)),
                ('mentor_id', fields.IntField()),
                ('capacity', fields.IntField()),
                ('current', fields.IntField()),
                ('proposed', fields.IntField()),
                ('leaving', fields.IntField()),
                ('after', fields.IntField()),
                ('over_capacity', fields.BooleanField()),
                ('fill', fields.FloatField()),
                ('bucket', fields.SmallIntField()),
                ('rank', fields.IntField()),
                ('class_rank', fields.IntField()),
            ],
            options={'table': 'run_review_load', 'app': 'models', 'unique_together': (('run', 'mentor_id'), ('run', 'rank'), ('run', 'over_capacity', 'class_rank')), 'pk_attr': 'id', 'table_description': "One mentor's load if the run's proposal is published, against their capacity (R2)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RunReviewPair',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.MatchingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='review_pairs', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('student_id', fields.IntField()),
                ('mentor_id', fields.IntField()),
                ('weekday', fields.SmallIntField()),
                ('start_minute', fields.SmallIntField()),
                ('minutes', fields.SmallIntField()),
                ('kept', fields.BooleanField()),
                ('change', fields.CharField(max_length=12)),
                ('current_mentor_id', fields.IntField(null=True)),
                ('current_weekday', fields.SmallIntField(null=True)),
                ('current_start_minute', fields.SmallIntField(null=True)),
                ('path_id', fields.IntField(null=True)),
            ],
            options={'table': 'run_review_pair', 'app': 'models', 'unique_together': (('run', 'student_id'),), 'indexes': [Index(fields=['run_id', 'change', 'student_id']), Index(fields=['run_id', 'mentor_id', 'student_id']), Index(fields=['run_id', 'current_mentor_id', 'student_id']), Index(fields=['run_id', 'path_id', 'student_id'])], 'pk_attr': 'id', 'table_description': "One proposed pair of a run and what it changes against the student's current pair."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RunReviewUnplaced',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.MatchingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='review_unplaced', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('student_id', fields.IntField()),
                ('reason', fields.CharField(max_length=32)),
                ('facts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('closest_mentor_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'run_review_unplaced', 'app': 'models', 'unique_together': (('run', 'student_id'),), 'indexes': [Index(fields=['run_id', 'reason', 'student_id'])], 'pk_attr': 'id', 'table_description': "One student a run left unplaced, with the solver's reason and facts."},
            bases=['Model'],
        ),
    ]
