"""The programme's daily step: what falls due with the calendar rather than with a request.

- R5: a long absence has ended: the substitutes' pairs end and the students go back to their mentor.
- R6: a mentor's last day has passed: their remaining pairs end and they are marked as left.

Each part is idempotent (it acts on what is due and not yet done), so running the step twice, or late,
or on two workers at once, changes nothing more: the arq worker runs it every hour (``jobs.worker``); in
the embedded setup the API process runs it at start and every hour (``jobs.lifecycle``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from domain.paris_time import PARIS
from domain.services import absences, departures

log = logging.getLogger(__name__)


async def apply_due(today: date | None = None) -> dict[str, int]:
    """Apply everything due on ``today`` (a Paris date; default: today in Paris). Returns counts."""
    today = today or datetime.now(PARIS).date()
    report: dict[str, int] = {}
    for part in (absences.apply_due, departures.apply_due):
        for key, value in (await part(today)).items():
            report[key] = report.get(key, 0) + value
    if any(report.values()):
        log.info("daily step for %s: %s", today.isoformat(), report)
    return report
