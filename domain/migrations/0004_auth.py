from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

from domain.enums import Role


class Migration(migrations.Migration):
    dependencies = [("models", "0003_runs_events")]

    operations = [
        ops.CreateModel(
            name="ApiToken",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("role", fields.CharEnumField(description="STAFF: staff\nMENTOR: mentor\nSTUDENT: student",
                                              enum_type=Role, max_length=16)),
                ("mentor", fields.ForeignKeyField("models.Mentor", source_field="mentor_id", null=True,
                                                  db_constraint=True, to_field="id", related_name="tokens",
                                                  on_delete=OnDelete.CASCADE)),
                ("student", fields.ForeignKeyField("models.Student", source_field="student_id", null=True,
                                                   db_constraint=True, to_field="id", related_name="tokens",
                                                   on_delete=OnDelete.CASCADE)),
                ("label", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "api_token", "app": "models", "pk_attr": "id",
                     "table_description": "A bearer token. Opaque: only its SHA-256 is stored, so a database leak reveals no usable token, and"},
            bases=["Model"],
        ),
        ops.AddConstraint(
            model_name="ApiToken",
            constraint=CheckConstraint(
                check="(role = 'staff' AND mentor_id IS NULL AND student_id IS NULL) OR "
                "(role = 'mentor' AND mentor_id IS NOT NULL AND student_id IS NULL) OR "
                "(role = 'student' AND student_id IS NOT NULL AND mentor_id IS NULL)",
                name="api_token_role_owner",
            ),
        ),
    ]
