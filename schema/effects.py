"""Each GraphQL operation runs the effects its commits leave (``domain.outbox``) with the sink of the
settings it runs under (``jobs.effects``): a mutation's jobs are enqueued and its events announced once
its transaction committed, never before, never after a rollback."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from domain import outbox
from jobs.effects import sink_for


class EffectSink(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        settings = getattr(context, "settings", None)
        with outbox.using(sink_for(settings.redis_url if settings is not None else None)):
            yield
