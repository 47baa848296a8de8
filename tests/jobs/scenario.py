"""Steps of the fault scenarios, each run as its own process against ``DATABASE_URL`` and ``REDIS_URL``
(``python -m tests.jobs.scenario <step>``), so that the test process never points its own database
connection elsewhere. Each step prints one JSON line.

- ``seed --students N --mentors M --seed S``: migrate, then load a programme (``tests.jobs.programme``).
- ``start [--path-index I] [--time-limit T]``: start a run (``domain.services.runs``) and enqueue its job
  in the arq queue ``MENTORMATCH_QUEUE``, after the commit, as the API does.
- ``reconcile [--heartbeat-timeout S] [--queued-grace S]``: one reconciler pass.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import date, timedelta
from typing import Any

from api import services
from api.settings import Settings
from domain.models import Path
from domain.paris_time import week_monday
from domain.services import runs
from jobs.queue import ArqQueue
from jobs.reconciler import reconcile
from tests.jobs import programme

WEEK = week_monday(date.today()) + timedelta(days=7)  # next week, whatever today is


def _queue(settings: Settings) -> ArqQueue:
    assert settings.redis_url is not None
    return ArqQueue(settings.redis_url, queue_name=os.environ["MENTORMATCH_QUEUE"])


async def _step(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings.from_env()
    await services.connect_database(settings)
    try:
        if args.step == "seed":
            await services.migrate()
            return await programme.build(args.students, args.mentors, args.seed)
        if args.step == "start":
            scope = runs.RunScope()
            if args.path_index is not None:
                path = await Path.all().order_by("id").offset(args.path_index).first()
                assert path is not None
                scope = runs.RunScope(path_id=path.id)
            run = await runs.start_run(scope, runs.RunOptions(time_limit_s=args.time_limit, week=WEEK))
            queue = _queue(settings)
            try:
                if not args.no_enqueue:
                    await queue.enqueue(run.id)
            finally:
                await queue.close()
            return {"run": str(run.id)}
        queue = _queue(settings)
        try:
            report = await reconcile(
                queue, heartbeat_timeout_s=args.heartbeat_timeout, queued_grace_s=args.queued_grace
            )
        finally:
            await queue.close()
        return {
            "requeued": [str(i) for i in report.requeued],
            "released": [str(i) for i in report.released],
            "failed": [str(i) for i in report.failed],
            "healthy": [str(i) for i in report.healthy],
        }
    finally:
        await services.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--students", type=int, default=100)
    seed.add_argument("--mentors", type=int, default=None)
    seed.add_argument("--seed", type=int, default=1)
    start = sub.add_parser("start")
    start.add_argument("--path-index", type=int, default=None)
    start.add_argument("--time-limit", type=float, default=60.0)
    start.add_argument("--no-enqueue", action="store_true")
    rec = sub.add_parser("reconcile")
    rec.add_argument("--heartbeat-timeout", type=float, default=30.0)
    rec.add_argument("--queued-grace", type=float, default=5.0)
    print(json.dumps(asyncio.run(_step(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
