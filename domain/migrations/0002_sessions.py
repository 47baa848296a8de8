"""Sessions (owners, Paris week, catch-up, sequence, billing), discovery notes, calendar feeds.

No double booking is enforced by the database on both dialects, over active sessions only (scheduled,
completed, student absent; a cancelled or late-cancelled session frees its time):
- PostgreSQL: two exclusion constraints (btree_gist) on ``[starts_at, starts_at + duration)`` per mentor and
  per student;
- SQLite: BEFORE INSERT / UPDATE triggers that abort with ``session_no_overlap``.
Back-to-back sessions are allowed (half-open ranges). One regular session per student and Paris ISO week
(R13) is a partial unique index on (student_id, paris_week), catch-up sessions excepted (R5).
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

ACTIVE = "('scheduled', 'completed', 'student_absent')"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    # timestamptz + interval is only STABLE in general; minutes do not depend on the zone, so this is
    # immutable and may be used in an index.
    """CREATE OR REPLACE FUNCTION session_period(starts timestamptz, minutes integer) RETURNS tstzrange
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT tstzrange(starts, starts + minutes * interval '1 minute', '[)') $$""",
    f"""ALTER TABLE "session" ADD CONSTRAINT "session_mentor_no_overlap" EXCLUDE USING gist
       ("mentor_id" WITH =, session_period("starts_at", "duration_minutes") WITH &&)
       WHERE ("status" IN {ACTIVE})""",
    f"""ALTER TABLE "session" ADD CONSTRAINT "session_student_no_overlap" EXCLUDE USING gist
       ("student_id" WITH =, session_period("starts_at", "duration_minutes") WITH &&)
       WHERE ("status" IN {ACTIVE})""",
]
POSTGRES_BACKWARD = [
    'ALTER TABLE "session" DROP CONSTRAINT IF EXISTS "session_student_no_overlap"',
    'ALTER TABLE "session" DROP CONSTRAINT IF EXISTS "session_mentor_no_overlap"',
    "DROP FUNCTION IF EXISTS session_period(timestamptz, integer)",
]

_EPOCH = "CAST(strftime('%s', {0}) AS INTEGER)"
_OVERLAP = (
    f"EXISTS (SELECT 1 FROM \"session\" AS s WHERE s.status IN {ACTIVE} {{self}}"
    " AND (s.mentor_id = NEW.mentor_id OR s.student_id = NEW.student_id)"
    f" AND {_EPOCH.format('s.starts_at')} < {_EPOCH.format('NEW.starts_at')} + NEW.duration_minutes * 60"
    f" AND {_EPOCH.format('NEW.starts_at')} < {_EPOCH.format('s.starts_at')} + s.duration_minutes * 60)"
)
SQLITE_FORWARD = [
    f"""CREATE TRIGGER "session_no_overlap_insert" BEFORE INSERT ON "session"
       WHEN NEW.status IN {ACTIVE} AND {_OVERLAP.format(self="")}
       BEGIN SELECT RAISE(ABORT, 'session_no_overlap'); END""",
    f"""CREATE TRIGGER "session_no_overlap_update"
       BEFORE UPDATE OF starts_at, duration_minutes, status, mentor_id, student_id ON "session"
       WHEN NEW.status IN {ACTIVE} AND {_OVERLAP.format(self="AND s.id <> NEW.id")}
       BEGIN SELECT RAISE(ABORT, 'session_no_overlap'); END""",
]
SQLITE_BACKWARD = [
    'DROP TRIGGER IF EXISTS "session_no_overlap_insert"',
    'DROP TRIGGER IF EXISTS "session_no_overlap_update"',
]


async def _run(schema_editor, statements: list[str]) -> None:
    # One statement at a time through the client: the SQLite editor splits its input on ";", which would
    # cut a trigger body in two.
    for sql in statements:
        if schema_editor.collect_sql:
            schema_editor.collected_sql.append(sql)
        else:
            await schema_editor.client.execute_query(sql)


async def _no_overlap(_apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES_FORWARD if schema_editor.DIALECT == "postgres" else SQLITE_FORWARD)


async def _no_overlap_backward(_apps, schema_editor) -> None:
    await _run(schema_editor, POSTGRES_BACKWARD if schema_editor.DIALECT == "postgres" else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [
        ops.AddField(
            model_name="Session",
            name="mentor",
            field=fields.ForeignKeyField(
                "models.Mentor", source_field="mentor_id", db_constraint=True, to_field="id",
                related_name="sessions", on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="Session",
            name="student",
            field=fields.ForeignKeyField(
                "models.Student", source_field="student_id", db_constraint=True, to_field="id",
                related_name="sessions", on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(model_name="Session", name="paris_week", field=fields.DateField()),
        ops.AddField(model_name="Session", name="catch_up", field=fields.BooleanField(default=False)),
        ops.AddField(
            model_name="Session", name="catch_up_reason", field=fields.TextField(default="", unique=False)
        ),
        ops.AddField(model_name="Session", name="sequence", field=fields.IntField(default=0)),
        ops.AddField(
            model_name="Session",
            name="ended_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(model_name="Session", name="billed_level", field=fields.SmallIntField(null=True)),
        ops.AddField(
            model_name="Session",
            name="billed_amount",
            field=fields.DecimalField(null=True, max_digits=8, decimal_places=2),
        ),
        ops.AddIndex(model_name="Session", index=Index(fields=["mentor_id", "starts_at"])),
        ops.AddIndex(model_name="Session", index=Index(fields=["student_id", "starts_at"])),
        ops.AddConstraint(
            model_name="Session",
            constraint=CheckConstraint(
                check="(ended_at IS NULL AND billed_level IS NULL AND billed_amount IS NULL) OR "
                "(ended_at IS NOT NULL AND status <> 'scheduled' AND billed_level BETWEEN 1 AND 3 "
                "AND billed_amount >= 0)",
                name="session_billing_consistent",
            ),
        ),
        ops.CreateModel(
            name="DiscoveryNote",
            fields=[
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "session",
                    fields.OneToOneField(
                        "models.Session", source_field="session_id", db_constraint=True, to_field="id",
                        related_name="discovery_note", on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("background", fields.TextField(default="", unique=False)),
                ("motivation", fields.TextField(default="", unique=False)),
                ("goals", fields.TextField(default="", unique=False)),
                ("level", fields.TextField(default="", unique=False)),
                ("weekly_hours", fields.SmallIntField(null=True)),
                ("remarks", fields.TextField(default="", unique=False)),
                ("next_week_objectives", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "discovery_note",
                "app": "models",
                "pk_attr": "id",
                "table_description": "R18: what the mentor learns in the discovery session, shared with the "
                "student.",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="CalendarFeed",
            fields=[
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "mentor",
                    fields.OneToOneField(
                        "models.Mentor", source_field="mentor_id", null=True, db_constraint=True,
                        to_field="id", related_name="calendar_feed", on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "student",
                    fields.OneToOneField(
                        "models.Student", source_field="student_id", null=True, db_constraint=True,
                        to_field="id", related_name="calendar_feed", on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "calendar_feed",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The secret iCalendar URL of a mentor or a student. Only the SHA-256 of "
                "its token is stored.",
            },
            bases=["TimestampedModel"],
        ),
        ops.AddConstraint(
            model_name="CalendarFeed",
            constraint=CheckConstraint(
                check="(mentor_id IS NULL) <> (student_id IS NULL)", name="calendar_feed_one_owner"
            ),
        ),
        # R13: one regular session per student and Paris week, catch-up sessions (R5) and cancelled ones
        # excepted. Partial unique index, same SQL on both dialects.
        ops.RunSQL(
            'CREATE UNIQUE INDEX "session_one_regular_per_week" ON "session" ("student_id", "paris_week") '
            "WHERE \"kind\" = 'regular' AND NOT \"catch_up\" AND \"status\" <> 'cancelled'",
            reverse_sql='DROP INDEX "session_one_regular_per_week"',
        ),
        # Last: a SQLite table rebuild (AddConstraint above) would drop the triggers.
        ops.RunPython(_no_overlap, _no_overlap_backward),
    ]
