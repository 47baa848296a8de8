"""The pairing audit trail records a kept pair whose weekly slot moved (action ``moved``, R8, R13)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from domain.enums import PairingAction


class Migration(migrations.Migration):
    dependencies = [("models", "0005_programme")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="PairingChange",
            name="action",
            field=fields.CharEnumField(
                description="STARTED: started\nENDED: ended\nMOVED: moved", enum_type=PairingAction, max_length=8
            ),
        ),
        # On SQLite, AlterField rebuilds the table and drops its indexes: put them back (no-ops on
        # PostgreSQL, which altered the column in place).
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_pairing_cha_student_3a6b49" ON "pairing_change" ("student_id", "id")',
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_pairing_cha_mentor__9c1f06" ON "pairing_change" ("mentor_id", "id")',
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_pairing_cha_cause_21288f" ON "pairing_change" ("cause", "id")',
            reverse_sql="SELECT 1",
        ),
    ]
