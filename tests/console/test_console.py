"""The browser console in a real browser: Debian's Chromium, headless, driven by Playwright against a real
server (``mentormatch serve`` in a subprocess on a free port, a fresh SQLite file with the demo seed).

Each page is checked with axe-core (no serious or critical violation) and photographed: into the test's
temporary directory, or into console/screenshots/ (the committed set shows what each page looks like) when
``MENTORMATCH_UPDATE_SCREENSHOTS=1``, so an ordinary test run leaves the checkout as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.api.test_websocket_auth import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
# The assertions wait up to 20 s (Playwright's default is 5 s): on a loaded 2-core CI machine a page's
# first query took longer than 5 s once.
expect.set_options(timeout=20_000)
COMMITTED_SHOTS = ROOT / "console" / "screenshots"
SHOTS = (
    COMMITTED_SHOTS
    if os.environ.get("MENTORMATCH_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "mentormatch-console-screenshots"
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Server:
    base: str
    database: Path
    env: dict[str, str]

    def token(self, role: str, id_: int | None = None) -> str:
        command = [sys.executable, "-m", "api.cli", "token", "--role", role, "--days", "1"]
        if id_ is not None:
            command += ["--id", str(id_)]
        out = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False)
        assert out.returncode == 0, f"{' '.join(command)}: {out.stdout}{out.stderr}"
        return out.stdout.strip().splitlines()[-1]

    def sql(self, statement: str, *params: object) -> None:
        with sqlite3.connect(self.database) as conn:
            conn.execute(statement, params)

    def first_pair(self, timezone: str = "Europe/Paris") -> tuple[int, int, int]:
        """(mentor, student, mentorship) of the first current pair whose mentor lives in ``timezone``, with no
        absence or notice and no earlier pair of the student: nothing else in their weeks."""
        with sqlite3.connect(self.database) as conn:
            row = conn.execute(
                "SELECT p.mentor_id, p.student_id, p.id FROM mentorship p JOIN mentor m ON m.id = p.mentor_id"
                " WHERE p.ended_on IS NULL AND m.timezone = ? AND m.last_day IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM mentor_absence a WHERE a.mentor_id = m.id"
                " AND a.cancelled_at IS NULL)"
                " AND NOT EXISTS (SELECT 1 FROM mentorship q WHERE q.student_id = p.student_id AND q.id <> p.id)"
                " ORDER BY p.id LIMIT 1",
                (timezone,),
            ).fetchone()
        assert row is not None, f"the demo seed has no current pair with a mentor in {timezone}"
        return int(row[0]), int(row[1]), int(row[2])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _demo_server(tmp_path_factory)


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: a test that books at fixed weekly times, untouched by the other tests' runs."""
    yield from _demo_server(tmp_path_factory)


def _demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assert (ROOT / "console" / "dist" / "index.html").is_file(), "the console is not built: scripts/bootstrap"
    folder = tmp_path_factory.mktemp("console")
    database = folder / "console.sqlite3"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORMATCH_")}
    env.pop("REDIS_URL", None)
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "MENTORMATCH_PORT": str(port),
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "100000",
    }
    subprocess.run(
        [sys.executable, "-m", "api.cli", "seed", "--students", "150"], env=env, cwd=ROOT, check=True
    )
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (folder / "server.log").read_text()
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.2)
        yield Server(base, database, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: scripts/bootstrap installs it (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        yield _launch(playwright)


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def offline(page: Page, server: Server) -> list[str]:
    """Refuse every request that leaves the server (a CDN, fonts): the console must work without them."""
    outside: list[str] = []

    def route(r: object) -> None:
        from playwright.sync_api import Route

        assert isinstance(r, Route)
        if r.request.url.startswith(server.base) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside


def accessible(page: Page, name: str) -> None:
    """axe-core on the page as it is: no serious or critical violation. Then a screenshot."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: Server, token: str) -> None:
    page.goto(f"{server.base}/console/")
    page.get_by_label("Bearer token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_staff_runs_publishes_a_selection_and_the_mentor_sees_it_live(
    server: Server, browser: Browser
) -> None:
    staff = browser.new_context(viewport={"width": 1200, "height": 900})
    page = staff.new_page()
    outside = offline(page, server)
    page.goto(f"{server.base}/console/")
    expect(page.get_by_role("heading", name="Mentormatch console")).to_be_visible()
    accessible(page, "sign-in")

    sign_in(page, server, server.token("staff"))
    expect(page.get_by_test_id("role")).to_have_text("Signed in as staff")
    expect(page.get_by_test_id("waiting-total")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_test_id("fill")).to_contain_text("mentors,")
    waiting = int(page.get_by_test_id("waiting-total").inner_text())
    assert waiting > 0

    page.get_by_label("Time limit (seconds)").fill("3")
    page.get_by_role("button", name="Start run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("SUCCEEDED", timeout=90_000)
    # Progress arrived over the subscription and was drawn: the chart has points for placed and bound.
    assert page.locator("[data-testid=progress-chart] circle").count() >= 2
    expect(page.get_by_test_id("review-summary")).to_contain_text("placed of at most")
    expect(page.get_by_test_id("load-chart")).to_be_visible()
    accessible(page, "staff-review")

    rows = page.locator("[data-testid=diff] tbody tr[data-change=NEW]")
    assert rows.count() >= 2, "the run should propose new pairs for waiting students"
    chosen, rejected = rows.nth(0), rows.nth(1)
    mentor_id = int(chosen.get_attribute("data-mentor") or "0")
    student_id = int(chosen.get_attribute("data-student") or "0")
    rejected_student = int(rejected.get_attribute("data-student") or "0")

    # The chosen pair's mentor follows their assignments in another browser context.
    mentor = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    offline(mentor, server)
    subscribed: list[str] = []
    mentor.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda frame: subscribed.append(str(frame)) if "mentorAssignments" in str(frame) else None,
        ),
    )
    sign_in(mentor, server, server.token("mentor", mentor_id))
    expect(mentor.get_by_test_id("role")).to_have_text("Signed in as mentor")
    expect(mentor.get_by_test_id("assignments")).to_contain_text("Listening")
    mentor.wait_for_function("() => true")  # let the page settle
    deadline = time.monotonic() + 20
    while not subscribed and time.monotonic() < deadline:
        mentor.wait_for_timeout(100)
    assert subscribed, "the mentor page did not subscribe to its assignments"
    students_before = mentor.locator("[data-testid=students] tbody tr").count()

    # Publish a selection: every proposed change but one.
    rejected.get_by_role("checkbox").uncheck()
    page.get_by_role("button", name=re.compile(r"^Publish selected")).click()
    expect(page.get_by_role("status").filter(has_text="Published:")).to_be_visible(timeout=30_000)
    # The glance follows: fewer students wait, path by path.
    expect(page.get_by_test_id("waiting-total")).not_to_have_text(str(waiting))
    assert int(page.get_by_test_id("waiting-total").inner_text()) < waiting
    page.screenshot(path=str(SHOTS / "staff-published.png"), full_page=True)

    # The mentor's page receives the new assignment without a reload, and its students list follows.
    expect(mentor.get_by_test_id("assignments").locator("li", has_text="STARTED")).to_be_visible(
        timeout=20_000
    )
    expect(mentor.locator("[data-testid=students] tbody tr")).to_have_count(
        students_before + 1, timeout=20_000
    )
    accessible(mentor, "mentor-live")

    with sqlite3.connect(server.database) as conn:
        published = {r[0] for r in conn.execute("SELECT student_id FROM mentorship WHERE ended_on IS NULL")}
    assert student_id in published
    assert rejected_student not in published
    assert outside == []


def test_student_page_and_a_revoked_token_leads_to_sign_in(server: Server, browser: Browser) -> None:
    _mentor_id, student_id, _pair = server.first_pair()
    token = server.token("student", student_id)
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    outside = offline(page, server)
    sign_in(page, server, token)
    expect(page.get_by_test_id("role")).to_have_text("Signed in as student")
    expect(page.get_by_test_id("my-mentor")).to_contain_text("Paris time")
    expect(page.get_by_role("heading", name="My sessions")).to_be_visible()
    accessible(page, "student")

    # Revoked while the page is open: the subscription's socket is closed (4403) and the page signs out.
    digest = hashlib.sha256(token.encode()).hexdigest()
    server.sql("UPDATE api_token SET revoked_at = expires_at WHERE token_hash = ?", digest)
    expect(page.get_by_test_id("signed-out-reason")).to_contain_text("expired or was revoked", timeout=30_000)
    expect(page.get_by_label("Bearer token")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('mentormatch.token')") is None
    assert outside == []


def test_an_expired_token_leads_to_sign_in_and_the_mentor_week(server: Server, browser: Browser) -> None:
    mentor_id, _student_id, _pair = server.first_pair()
    token = server.token("mentor", mentor_id)
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    offline(page, server)
    sign_in(page, server, token)
    expect(page.get_by_role("heading", name=re.compile(r"^Week of "))).to_be_visible()
    expect(page.get_by_role("button", name="Record absence")).to_be_visible()
    expect(page.get_by_role("button", name="Give notice")).to_be_visible()
    accessible(page, "mentor-week")

    digest = hashlib.sha256(token.encode()).hexdigest()
    server.sql("UPDATE api_token SET expires_at = '2000-01-01 00:00:00+00:00' WHERE token_hash = ?", digest)
    page.reload()
    expect(page.get_by_test_id("signed-out-reason")).to_contain_text("expired or was revoked")
    accessible(page, "signed-out")


def test_graphiql_is_bundled_and_sends_the_token(server: Server, browser: Browser) -> None:
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    outside = offline(page, server)
    sign_in(page, server, server.token("staff"))
    expect(page.get_by_test_id("role")).to_have_text("Signed in as staff")
    page.get_by_role("link", name="GraphiQL").click()
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Re-fetch GraphQL schema")).to_be_visible()
    result = page.locator(".result-window")
    for _ in range(20):  # the editor takes the click once it is ready
        page.get_by_role("button", name=re.compile("^Execute query")).click()
        page.wait_for_timeout(500)
        if '"role": "staff"' in result.inner_text():
            break
    expect(result).to_contain_text('"role": "staff"')
    accessible(page, "graphiql")
    # The API's own GraphiQL route serves the same bundled page.
    page.goto(f"{server.base}/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=30_000)
    assert outside == []


def test_a_mentor_books_reschedules_and_ends_a_session_the_student_reads_the_notes(
    fresh_server: Server, browser: Browser
) -> None:
    server = fresh_server
    mentor_id, student_id, pair_id = server.first_pair("Europe/Paris")
    # The demo is a term in progress: this pair starts over with no session, so that its discovery session
    # is booked from the page.
    server.sql(
        "DELETE FROM discovery_note WHERE session_id IN (SELECT id FROM session WHERE mentorship_id = ?)",
        pair_id,
    )
    server.sql("DELETE FROM session WHERE mentorship_id = ?", pair_id)
    with sqlite3.connect(server.database) as conn:
        montreal = conn.execute(
            "SELECT id FROM mentor WHERE timezone = 'America/Montreal' ORDER BY id LIMIT 1"
        ).fetchone()
        assert montreal is not None, "the demo has a mentor in America/Montreal"
        weekday, minute = conn.execute(
            "SELECT slot_weekday, slot_start_minute FROM mentorship WHERE id = ?", (pair_id,)
        ).fetchone()
        student_name = conn.execute("SELECT name FROM student WHERE id = ?", (student_id,)).fetchone()[0]
    paris = ZoneInfo("Europe/Paris")
    today = datetime.now(paris).date()
    next_monday = today + timedelta(days=7 - today.weekday())
    day = next_monday + timedelta(days=int(weekday))
    hhmm = f"{minute // 60:02d}:{minute % 60:02d}"

    # A mentor in Montreal, in a week when Montreal has changed clocks and Paris has not: the windows move
    # in Paris time.
    abroad = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    outside_abroad = offline(abroad, server)
    sign_in(abroad, server, server.token("mentor", int(montreal[0])))
    abroad.get_by_label("Go to the week of").fill("2027-03-16")
    expect(abroad.get_by_test_id("dst-notice")).to_contain_text("America/Montreal")
    accessible(abroad, "mentor-week-dst")
    assert outside_abroad == []

    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    outside = offline(page, server)
    sign_in(page, server, server.token("mentor", mentor_id))
    expect(page.get_by_test_id("role")).to_have_text("Signed in as mentor")

    # Book the pair's discovery session next week at its weekly slot, then move it one day later.
    page.get_by_label("Student", exact=True).select_option(label=student_name)
    page.get_by_label("Kind").select_option("DISCOVERY")
    page.get_by_label("Start (Paris time)").fill(f"{day.isoformat()}T{hhmm}")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Booked")).to_be_visible()
    page.get_by_label("Go to the week of").fill(day.isoformat())
    row = page.locator("[data-testid=sessions] tbody tr", has_text=student_name)
    expect(row).to_contain_text("SCHEDULED")
    row.get_by_role("button", name="Reschedule").click()
    moved = day + timedelta(days=7)  # the same weekly slot a week later: inside both availabilities
    row.get_by_label("New start (Paris)").fill(f"{moved.isoformat()}T{hhmm}")
    row.get_by_role("button", name="Move").click()
    # Moved out of this week: the page says where to, above the week's table, which reloads without the
    # row; the session is in the week it moved to.
    expect(page.get_by_role("status").filter(has_text=f"Rescheduled to {moved.isoformat()}")).to_be_visible()
    expect(page.get_by_test_id("sessions")).to_contain_text("No session this week.")
    page.get_by_label("Go to the week of").fill(moved.isoformat())
    expect(page.locator("[data-testid=sessions] tbody tr", has_text=student_name)).to_contain_text(hhmm)

    # Time passes (the session is moved to yesterday in the database), then the mentor ends it with notes.
    with sqlite3.connect(server.database) as conn:
        session_id = conn.execute("SELECT id FROM session WHERE mentorship_id = ?", (pair_id,)).fetchone()[0]
    held = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) - timedelta(days=1)
    held_week = held.astimezone(paris).date()
    server.sql(
        "UPDATE session SET starts_at = ?, paris_week = ? WHERE id = ?",
        held.isoformat(sep=" "),
        (held_week - timedelta(days=held_week.weekday())).isoformat(),
        session_id,
    )
    page.get_by_label("Go to the week of").fill(held_week.isoformat())
    row = page.locator("[data-testid=sessions] tbody tr", has_text=student_name)
    row.get_by_role("button", name="End").click()
    row.get_by_label("Notes shared with the student").fill("Great start: read chapter 2 for next time.")
    row.get_by_label("Private comment").fill("Seems shy.")
    row.get_by_role("button", name="End session").click()
    expect(page.locator("[data-testid=sessions] tbody tr", has_text=student_name)).to_contain_text(
        "COMPLETED"
    )

    # An absence, and a notice: too short first (a typed error on the page), then accepted.
    page.get_by_label("First day").fill((today + timedelta(days=40)).isoformat())
    page.get_by_label("Last day", exact=True).fill((today + timedelta(days=44)).isoformat())
    page.get_by_label("Reason").fill("conference")
    page.get_by_role("button", name="Record absence").click()
    expect(page.get_by_role("status").filter(has_text="Absence recorded.")).to_be_visible()
    page.get_by_label("Last day (14 days ahead at least)").fill((today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Give notice").click()
    expect(page.get_by_role("alert").filter(has_text="NOTICE_TOO_SHORT")).to_be_visible()
    page.get_by_label("Last day (14 days ahead at least)").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Give notice").click()
    expect(page.get_by_text("Notice given: last day")).to_be_visible()
    accessible(page, "mentor-actions")

    # The student reads the shared notes, never the private comment.
    student = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    offline(student, server)
    sign_in(student, server, server.token("student", student_id))
    sessions = student.get_by_test_id("student-sessions")
    expect(sessions).to_contain_text("Great start: read chapter 2 for next time.")
    expect(sessions).not_to_contain_text("Seems shy.")
    expect(student.get_by_role("heading", name="My presentations")).to_be_visible()
    accessible(student, "student-notes")
    assert outside == []
