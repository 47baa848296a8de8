"""The pairing audit trail as a query: every start and end of a mentorship, who, when, why."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.services import audit
from schema.context import Info
from schema.pagination import Connection, paginate_queryset
from schema.queries import _typed
from schema.types import PairingCause, PairingChangeEntry


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="The pairing audit trail, oldest first (in the order the changes were written). Staff "
        "read every row; a mentor the rows of their own pairs, a student those of their own. `since` is "
        "included, `until` excluded; both are instants with a UTC offset."
    )
    async def pairing_changes(
        self,
        info: Info,
        student_id: int | None = None,
        mentor_id: int | None = None,
        cause: PairingCause | None = None,  # type: ignore[valid-type]
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PairingChangeEntry]:
        viewer = await info.context.current_viewer()
        where = audit.ChangeFilter(
            student_id=student_id, mentor_id=mentor_id, cause=cause, since=since, until=until
        )
        return await _typed(
            lambda: paginate_queryset(
                "PairingChange",
                audit.changes(viewer, where),
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=PairingChangeEntry.of,
            )
        )
