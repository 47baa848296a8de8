"""``mentormatch check``: counts by invariant over the whole database, exit 0 when every rule holds and 1
when one is broken (run as a separate process against the test database, on both backends)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from datetime import date

from domain.invariants import INVARIANTS
from domain.models import Mentor, Mentorship
from domain.seed import seed
from infra.settings import DEFAULT_RATES
from tests.conftest import Backend

TODAY = date(2026, 11, 30)


async def _check(db: Backend) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db.url, "MENTORMATCH_ENV": "development"}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "api.cli", "check", "--today", TODAY.isoformat()]
    return await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def test_check_prints_counts_and_exits_by_the_result(db: Backend) -> None:
    await seed(students=80, seed_number=5, today=TODAY, rates=DEFAULT_RATES)
    clean = await _check(db)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for name in INVARIANTS:
        assert any(
            line.split()[:1] == [name] and line.split()[-1] == "0" for line in clean.stdout.splitlines()
        )
    assert f"0 violations of {len(INVARIANTS)} invariants" in clean.stdout

    loads = Counter(
        int(str(m))
        for m in await Mentorship.filter(ended_on__isnull=True).values_list("mentor_id", flat=True)
    )
    busiest, load = loads.most_common(1)[0]
    assert load >= 2
    await Mentor.filter(id=busiest).update(capacity=1)
    broken = await _check(db)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    line = next(line for line in broken.stdout.splitlines() if line.startswith("r2_capacity"))
    assert line.split()[-1] == "1"
