"""Notifications: the cost of writing messages with the change, and the sending throughput over SMTP.

    .venv/bin/python benchmarks/mail_throughput.py [--pairs 100] [--senders 2] [--smtp-port 8127]

On a new SQLite file: creates ``--pairs`` pairs through the services (each writes two introductions and
the first session's summary with its .ics), then sends every message to a local aiosmtpd server with
``--senders`` senders racing for the rows. Prints one JSON line: messages, seconds to create the pairs
with and without notifications, messages sent per second, and how many the server received (each once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from domain.models import Message
from domain.paris_time import PARIS, WeeklyWindow
from domain.services import mentors, mentorships, notifications, paths, students
from infra import connections
from infra.settings import Settings
from jobs import mail

EVENINGS = [WeeklyWindow(d, 18 * 60, 22 * 60) for d in range(5)]


class Count:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


async def _pairs(n: int, offset: int) -> float:
    path = await paths.create_path(paths.PathInput(name=f"Path {offset}"))
    project = await paths.create_project(
        paths.ProjectInput(path.id, f"Project {offset}", level=1, position=0)
    )
    day = datetime.now(PARIS).date() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    started = time.perf_counter()
    for i in range(n):
        k = offset + i
        m = await mentors.create_mentor(
            mentors.MentorInput(
                name=f"Mentor {k}",
                email=f"m{k}@example.org",
                capacity=1,
                project_ids=[project.id],
                start_date=day - timedelta(days=400),
                availability=EVENINGS,
            )
        )
        s = await students.create_student(
            students.StudentInput(
                name=f"Student {k}",
                email=f"s{k}@example.org",
                path_id=path.id,
                current_project_id=project.id,
                availability=EVENINGS,
            )
        )
        at = datetime(day.year, day.month, day.day, 19, 0)
        await mentorships.create_mentorship(mentorships.MentorshipInput(s.id, m.id, at))
    return time.perf_counter() - started


async def main(pairs: int, senders: int, port: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mm-mail-bench-"))
    await connections.connect_database(Settings(database_url=f"sqlite://{folder / 'bench.sqlite3'}"))
    await connections.migrate()
    original = notifications.notify

    async def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    notifications.notify = nothing
    await _pairs(10, 10 * pairs)  # warm-up (caches, the first statements), not measured
    without = await _pairs(pairs, 0)
    notifications.notify = original
    await Message.all().delete()
    with_notifications = await _pairs(pairs, pairs)
    count = await Message.all().count()
    received = Count()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = mail.MailSettings(host="127.0.0.1", port=port, starttls=False)
        started = time.perf_counter()
        reports = await asyncio.gather(
            *(mail.send_pending(mail.transport_for(settings), settings) for _ in range(senders))
        )
        sending = time.perf_counter() - started
    finally:
        controller.stop()
        await connections.disconnect()
    print(
        json.dumps(
            {
                "pairs": pairs,
                "messages": count,
                "create_pairs_s_without_notifications": round(without, 2),
                "create_pairs_s_with_notifications": round(with_notifications, 2),
                "senders": senders,
                "sent": sum(r.sent for r in reports),
                "sent_per_s": round(count / sending, 1),
                "received": len(received.ids),
                "distinct_message_ids": len(set(received.ids)),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--smtp-port", type=int, default=8127)
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.senders, args.smtp_port))
