"""Notifications: the message outbox (one row per message and recipient, sent by jobs) and per-person
email preferences."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import MessageKind, MessageStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_scale')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Message',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=160)),
                ('kind', fields.CharEnumField(description='PAIR_STARTED: pair_started\nPAIR_ENDED: pair_ended\nSESSION_BOOKED: session_booked\nSESSION_MOVED: session_moved\nSESSION_CANCELLED: session_cancelled\nSESSION_REMINDER: session_reminder\nABSENCE: absence\nNOTICE: notice\nASSESSMENT_SCHEDULED: assessment_scheduled\nASSESSMENT_RESULT: assessment_result', enum_type=MessageKind, max_length=32)),
                ('recipient_role', fields.CharField(max_length=8)),
                ('recipient_id', fields.IntField()),
                ('email', fields.CharField(max_length=254)),
                ('language', fields.CharField(max_length=2)),
                ('subject', fields.CharField(max_length=300)),
                ('text', fields.TextField(unique=False)),
                ('html', fields.TextField(unique=False)),
                ('ics', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=MessageStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nSKIPPED: skipped', enum_type=MessageStatus, max_length=10)),
                ('attempts', fields.SmallIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claim_token', fields.CharField(default='', max_length=36)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'message', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['recipient_role', 'recipient_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A notification to one person, written in the transaction of the change it tells about.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient_role', fields.CharField(max_length=8)),
                ('recipient_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='PAIR_STARTED: pair_started\nPAIR_ENDED: pair_ended\nSESSION_BOOKED: session_booked\nSESSION_MOVED: session_moved\nSESSION_CANCELLED: session_cancelled\nSESSION_REMINDER: session_reminder\nABSENCE: absence\nNOTICE: notice\nASSESSMENT_SCHEDULED: assessment_scheduled\nASSESSMENT_RESULT: assessment_result', enum_type=MessageKind, max_length=32)),
                ('email', fields.BooleanField(default=True)),
            ],
            options={'table': 'notification_preference', 'app': 'models', 'unique_together': (('recipient_role', 'recipient_id', 'kind'),), 'pk_attr': 'id', 'table_description': 'A person turned email off for one kind of message (no row: email on). The feed gets every kind.'},
            bases=['Model'],
        ),
    ]
