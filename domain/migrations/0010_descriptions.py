"""Table descriptions of Event and PairingChange follow their docstrings (no schema change)."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0009_school')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Event',
            options={'table': 'event', 'app': 'models', 'indexes': (('topic', 'id'),), 'pk_attr': 'id', 'table_description': 'An announcement written in the same transaction as the change it announces.'},
        ),
        ops.AlterModelOptions(
            name='PairingChange',
            options={'table': 'pairing_change', 'app': 'models', 'indexes': (('student_id', 'id'), ('mentor_id', 'id'), ('cause', 'id')), 'pk_attr': 'id', 'table_description': 'The audit trail: every start or end of a mentorship, who did it, when and why. Written in'},
        ),
    ]
