"""The whole journey in a real browser, one test per step, sharing one event.

1. An admin creates the event and names its organiser; the organiser logs in, adds two
   sessions and tables, and opens registration.
2. Two people sign up, verify their address by the link in the e-mail, register with an
   organisation and an opportunity, and the organiser approves them.
3. One finds the other in the marketplace by search and requests a meeting; it is accepted.
4. The organiser runs the scheduler, watches the live progress end, reviews and publishes.
5. Each participant sees the meeting on their agenda and downloads its PDF and ICS.
6. The organiser moves the meeting; the participant's calendar feed shows the new time.
7. The organiser prints badges and names check-in staff, who check a participant in by the
   badge's token.

Each step saves a full-page screenshot, and the main pages get the accessibility check.
A step that fails skips the ones after it (they depend on it).
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from brokerage.auth.services import create_user
from brokerage.checkin.tokens import badge_token
from brokerage.db_types import utcnow
from brokerage.events.models import Event, MeetingSession
from brokerage.extensions import db
from brokerage.registration.models import Participant, ParticipantStatus
from brokerage.scheduling.jobs import wait_for_thread
from brokerage.scheduling.models import ScheduledMeeting
from tests.e2e.accessibility import AccessibilityLog, focused_element_style, has_visible_focus
from tests.e2e.conftest import AXE_SCRIPT, LiveServer, People

PASSWORD = "correct horse battery"
TIMEZONE = "Europe/Brussels"
EVENT_TITLE = "Green Energy Brokerage 2027"
SLUG = "green-energy-2027"


@dataclass(frozen=True)
class Person:
    key: str
    first_name: str
    last_name: str
    email: str
    organisation: str
    country: str  # the option label in the country list
    city: str
    description: str
    opportunity_kind: str
    opportunity_title: str
    opportunity_description: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


ANA = Person(
    key="ana",
    first_name="Ana",
    last_name="Novak",
    email="ana.novak@solaris.example",
    organisation="Solaris Grid",
    country="Slovenia",
    city="Ljubljana",
    description="We build battery storage that keeps wind and solar power on the grid at night.",
    opportunity_kind="Offer",
    opportunity_title="Grid-scale battery storage",
    opportunity_description="Containerised lithium-iron-phosphate storage, 1 to 20 MWh.",
)
BJORN = Person(
    key="bjorn",
    first_name="Björn",
    last_name="Keller",
    email="bjorn.keller@kellerwind.example",
    organisation="Keller Offshore Wind",
    country="Germany",
    city="Bremen",
    description="We develop offshore wind parks in the North Sea.",
    opportunity_kind="Request",
    opportunity_title="Storage partner for offshore wind",
    opportunity_description="We look for a storage supplier for a 300 MW offshore park.",
)


@dataclass
class Journey:
    """What one step leaves for the next."""

    event_start: date
    participant_ids: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None
    meeting_starts_at: datetime | None = None
    feed_urls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Accounts:
    admin: str = "admin@brokerage.example"
    organiser: str = "olivia@brokerage.example"
    staff: str = "desk@brokerage.example"


ACCOUNTS = Accounts()


@pytest.fixture(scope="module")
def journey(live_server: LiveServer) -> Journey:
    """The accounts the journey starts from: an admin, the future organiser, a desk clerk.

    They exist before the journey as they would on a live site (`flask create-admin`, and
    people who signed up earlier); signing up is itself step 2's subject.
    """
    with live_server.app.app_context():
        for email, name, is_admin in (
            (ACCOUNTS.admin, "Site Admin", True),
            (ACCOUNTS.organiser, "Olivia Organiser", False),
            (ACCOUNTS.staff, "Dana Desk", False),
        ):
            user = create_user(email, PASSWORD, display_name=name, is_admin=is_admin)
            user.email_verified_at = utcnow()
        db.session.commit()
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    return Journey(event_start=today + timedelta(days=30))


@pytest.fixture(scope="module")
def accessibility(screenshots: Path) -> AccessibilityLog:
    return AccessibilityLog(AXE_SCRIPT, screenshots / "accessibility.json")


class Shots:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def take(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="module")
def shots(screenshots: Path) -> Shots:
    return Shots(screenshots)


def log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def tab_to(page: Page, control: Locator, most: int = 40) -> None:
    """Press Tab until `control` has the focus, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{control} never got the focus in {most} presses of Tab")


def expect_flash(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator(".alert-success").filter(has_text=text)).to_be_visible()


# --- 1 ----------------------------------------------------------------------------------


def test_1_organiser_sets_up_the_event(
    people: People, journey: Journey, shots: Shots, accessibility: AccessibilityLog
) -> None:
    admin = people.page("admin")
    admin.goto("/")
    shots.take(admin, "home")
    accessibility.check(admin, "home")
    # Keyboard: the first Tab reaches the skip link, the next ones the navigation; each
    # shows where the focus is.
    for _ in range(3):
        admin.keyboard.press("Tab")
        style = focused_element_style(admin)
        assert has_visible_focus(style), f"no visible focus ring on the home page: {style}"

    admin.goto("/account/login")
    accessibility.check(admin, "login")
    for control in (admin.get_by_label("E-mail"), admin.get_by_role("button", name="Log in")):
        tab_to(admin, control)
        style = focused_element_style(admin)
        assert has_visible_focus(style), f"no visible focus ring on the login form: {style}"
    log_in(admin, ACCOUNTS.admin)

    admin.goto("/admin/events/new")
    start = journey.event_start
    admin.get_by_label("Title").fill(EVENT_TITLE)
    admin.get_by_label("URL slug").fill(SLUG)
    admin.get_by_label("Time zone").fill(TIMEZONE)
    admin.get_by_label("First day").fill(start.isoformat())
    admin.get_by_label("Last day").fill((start + timedelta(days=1)).isoformat())
    admin.get_by_label("Organiser's e-mail").fill(ACCOUNTS.organiser)
    shots.take(admin, "admin-new-event")
    accessibility.check(admin, "new event (admin)")
    admin.get_by_role("button", name="Create event").click()
    expect_flash(admin, "created")

    organiser = people.page("organiser")
    log_in(organiser, ACCOUNTS.organiser)
    organiser.goto(f"/events/{SLUG}/manage/settings")
    organiser.get_by_label("Description").fill(
        "Two half-days of one-to-one meetings between wind, solar and storage companies."
    )
    organiser.get_by_label("Venue").fill("Tour & Taxis, Brussels")
    now = datetime.now(ZoneInfo(TIMEZONE)).replace(second=0, microsecond=0)
    organiser.get_by_label("Registration opens").fill(
        (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    organiser.get_by_label("Registration closes").fill(
        (datetime.combine(start - timedelta(days=3), datetime.min.time())).strftime(
            "%Y-%m-%dT%H:%M"
        )
    )
    organiser.get_by_role("button", name="Save settings").click()
    expect_flash(organiser, "saved")

    organiser.goto(f"/events/{SLUG}/manage/sessions")
    for name, day, begins, ends in (
        ("Day 1 morning", start, "09:00", "11:00"),
        ("Day 2 morning", start + timedelta(days=1), "09:00", "11:00"),
    ):
        form = organiser.locator("form", has=organiser.get_by_role("button", name="Add session"))
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Day", exact=True).fill(day.isoformat())
        form.get_by_label("Starts at").fill(begins)
        form.get_by_label("Ends at").fill(ends)
        form.get_by_role("button", name="Add session").click()
        expect_flash(organiser, name)
    shots.take(organiser, "organiser-sessions")
    accessibility.check(organiser, "sessions")

    organiser.goto(f"/events/{SLUG}/manage/tables")
    organiser.get_by_label("Number of tables to add").fill("4")
    organiser.get_by_label("Label prefix").fill("T")
    organiser.get_by_role("button", name="Add tables").click()
    expect_flash(organiser, "Added 4 tables")

    organiser.goto(f"/events/{SLUG}/manage")
    shots.take(organiser, "organiser-dashboard")
    accessibility.check(organiser, "organiser dashboard")

    visitor = people.page("visitor")
    visitor.goto(f"/events/{SLUG}")
    expect(visitor.get_by_role("heading", name=EVENT_TITLE, level=1)).to_be_visible()
    shots.take(visitor, "event-page")
    accessibility.check(visitor, "event page")


# --- 2 ----------------------------------------------------------------------------------


def sign_up_and_register(
    page: Page,
    person: Person,
    live_server: LiveServer,
    shots: Shots | None = None,
    accessibility: AccessibilityLog | None = None,
) -> None:
    page.goto("/account/signup")
    page.get_by_label("Your name").fill(person.full_name)
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    links = live_server.outbox_links(person.email, "/account/verify/")
    assert links, f"no verification e-mail for {person.email}"
    page.goto(links[-1])
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto(f"/events/{SLUG}/register")
    page.get_by_label("First name").fill(person.first_name)
    page.get_by_label("Last name").fill(person.last_name)
    page.get_by_label("Job title").fill("Head of business development")
    page.get_by_label("Organisation name").fill(person.organisation)
    page.get_by_label("Organisation type").select_option(label="Company / SME")
    page.get_by_label("Country").select_option(label=person.country)
    page.get_by_label("City or region").fill(person.city)
    page.get_by_label("About the organisation").fill(person.description)
    page.get_by_role("checkbox", name="Energy transition").first.check()
    page.get_by_role("button", name="+ Add opportunity").click()
    opportunity = page.get_by_role("group", name="Opportunity 1")
    opportunity.get_by_label("Kind").select_option(label=person.opportunity_kind)
    opportunity.get_by_label("Title").fill(person.opportunity_title)
    opportunity.get_by_label("Description").fill(person.opportunity_description)
    page.get_by_label("Show my profile and opportunities").check()
    page.get_by_label("I accept the terms").check()
    if shots is not None:
        shots.take(page, "registration-form")
    if accessibility is not None:
        accessibility.check(page, "registration form")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_2_participants_sign_up_and_are_approved(
    people: People,
    journey: Journey,
    live_server: LiveServer,
    shots: Shots,
    accessibility: AccessibilityLog,
) -> None:
    ana = people.page("ana")
    sign_up_and_register(ana, ANA, live_server, shots, accessibility)
    shots.take(ana, "registration-received")
    accessibility.check(ana, "my registration")
    sign_up_and_register(people.page("bjorn"), BJORN, live_server)

    organiser = people.page("organiser")
    organiser.goto(f"/events/{SLUG}/manage/participants")
    for person in (ANA, BJORN):
        organiser.get_by_role("button", name=f"Approve {person.full_name}").click()
        expect_flash(organiser, person.full_name)
    shots.take(organiser, "organiser-participants")
    accessibility.check(organiser, "participant list")

    with live_server.app.app_context():
        rows = db.session.scalars(select(Participant)).all()
        assert {row.status for row in rows} == {ParticipantStatus.APPROVED}
        journey.participant_ids = {
            person.key: next(row.id for row in rows if row.user.email == person.email)
            for person in (ANA, BJORN)
        }


# --- 3 ----------------------------------------------------------------------------------


def test_3_marketplace_search_request_and_accept(
    people: People, shots: Shots, accessibility: AccessibilityLog
) -> None:
    ana = people.page("ana")
    ana.goto(f"/events/{SLUG}/marketplace")
    ana.get_by_role("searchbox", name="Search").or_(ana.get_by_label("Search", exact=True)).fill(
        "offshore"
    )
    ana.get_by_role("button", name="Search", exact=True).click()
    expect(ana.get_by_text("1 participant found")).to_be_visible()
    shots.take(ana, "marketplace-search")
    accessibility.check(ana, "marketplace")

    ana.get_by_role("link", name=BJORN.full_name).click()
    ana.get_by_role("link", name=f"Request a meeting with {BJORN.full_name}").click()
    ana.get_by_label("Message").fill(
        "Our storage would suit your North Sea park. Shall we meet in Brussels?"
    )
    ana.get_by_label("Must meet").check()
    shots.take(ana, "meeting-request")
    accessibility.check(ana, "meeting request form")
    ana.get_by_role("button", name="Send the request").click()
    expect(ana.locator(".alert-success")).to_be_visible()

    bjorn = people.page("bjorn")
    bjorn.goto(f"/events/{SLUG}/requests")
    bjorn.get_by_role("button", name=f"Accept the request from {ANA.full_name}").click()
    expect(bjorn.locator(".alert-success")).to_be_visible()
    shots.take(bjorn, "request-accepted")
    accessibility.check(bjorn, "meeting requests")


# --- 4 ----------------------------------------------------------------------------------


def test_4_organiser_runs_reviews_and_publishes(
    people: People,
    journey: Journey,
    live_server: LiveServer,
    shots: Shots,
    accessibility: AccessibilityLog,
) -> None:
    organiser = people.page("organiser")
    organiser.goto(f"/events/{SLUG}/manage/schedule")
    shots.take(organiser, "schedule-readiness")
    accessibility.check(organiser, "schedule")
    organiser.get_by_label("Time limit (seconds)").fill("5")
    organiser.get_by_role("button", name="Run", exact=True).click()
    expect_flash(organiser, "The run has started")
    match = re.search(r"/runs/(\d+)", organiser.url)
    assert match, organiser.url
    journey.run_id = int(match.group(1))
    # The page polls progress.json and reloads itself when the run ends.
    review_link = organiser.get_by_role("link", name="Review this run")
    expect(review_link).to_be_visible(timeout=120_000)
    expect(organiser.locator("#run-progress [data-field=state_label]")).to_have_text(
        re.compile("finished", re.IGNORECASE)
    )
    shots.take(organiser, "schedule-run-finished")
    accessibility.check(organiser, "schedule run")

    assert wait_for_thread(journey.run_id, timeout=60), "the run's thread is still going"

    review_link.click()
    expect(organiser.get_by_role("heading", name=f"Review run #{journey.run_id}")).to_be_visible()
    shots.take(organiser, "schedule-review")
    accessibility.check(organiser, "schedule review")
    organiser.get_by_role("button", name="Publish this schedule").click()
    expect_flash(organiser, re.compile("publish", re.IGNORECASE))
    expect(organiser.locator(".badge", has_text="published")).to_be_visible()

    with live_server.app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        assert event is not None
        assert event.published_run_id == journey.run_id
        meetings = db.session.scalars(
            select(ScheduledMeeting).where(ScheduledMeeting.run_id == journey.run_id)
        ).all()
        assert len(meetings) == 1
        journey.meeting_starts_at = meetings[0].slot.starts_at


# --- 5 ----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The PDF's words, one space apart: a name may wrap, or sit on two lines (badges)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def calendar_events(data: bytes) -> list:

    return list(Calendar.from_ical(data).walk("VEVENT"))


def download(page: Page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = info.value.path()
    return Path(path).read_bytes()


def test_5_participants_see_and_download_their_agenda(
    people: People,
    journey: Journey,
    shots: Shots,
    accessibility: AccessibilityLog,
) -> None:
    assert journey.meeting_starts_at is not None
    for person, partner in ((ANA, BJORN), (BJORN, ANA)):
        page = people.page(person.key)
        page.goto(f"/events/{SLUG}/agenda")
        expect(page.get_by_role("heading", name="My agenda", level=1)).to_be_visible()
        expect(page.get_by_text(partner.full_name).first).to_be_visible()
        if person is ANA:
            shots.take(page, "agenda")
            accessibility.check(page, "agenda")

        pdf_link = page.get_by_role("link", name="Download PDF")
        response = page.request.get(pdf_link.get_attribute("href") or "")
        assert response.ok, response.status
        assert response.headers["content-type"].startswith("application/pdf")
        pdf = response.body()
        (shots.directory / f"agenda-{person.key}.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF"), pdf[:20]
        assert partner.full_name in pdf_text(pdf)

        ics = download(page, "Add to calendar (.ics)")
        (event,) = calendar_events(ics)
        assert event.decoded("dtstart") == journey.meeting_starts_at
        assert partner.full_name in str(event.get("summary")) + str(event.get("description"))
        journey.feed_urls[person.key] = page.locator("#calendar-feed-url").input_value()


# --- 6 ----------------------------------------------------------------------------------


def feed_event(people: People, url: str) -> object:
    """The meeting as a calendar app sees it: no login, the token in the URL is the key."""
    response = people.page("calendar-app").request.get(url)
    assert response.ok, (url, response.status)
    (event,) = calendar_events(response.body())
    return event


def test_6_organiser_moves_the_meeting_and_the_feed_follows(
    people: People,
    journey: Journey,
    live_server: LiveServer,
    shots: Shots,
    accessibility: AccessibilityLog,
) -> None:

    feed_url = journey.feed_urls[ANA.key]
    before = feed_event(people, feed_url)
    assert before.decoded("dtstart") == journey.meeting_starts_at
    sequence_before = int(before.get("sequence", 0))

    with live_server.app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        day_2 = db.session.scalar(
            select(MeetingSession).where(
                MeetingSession.event_id == event.id, MeetingSession.name == "Day 2 morning"
            )
        )
        new_slot = day_2.slots[1]
        new_slot_id, new_start = new_slot.id, new_slot.starts_at

    organiser = people.page("organiser")
    organiser.goto(f"/events/{SLUG}/manage/schedule/runs/{journey.run_id}/meetings")
    organiser.get_by_role(
        "link", name=f"Edit the meeting of {ANA.full_name} and {BJORN.full_name}"
    ).click()
    organiser.get_by_label("Slot").select_option(value=str(new_slot_id))
    shots.take(organiser, "move-meeting")
    accessibility.check(organiser, "edit meeting")
    organiser.get_by_role("button", name="Save", exact=True).click()
    expect_flash(organiser, "Meeting saved")

    after = feed_event(people, feed_url)
    assert after.decoded("dtstart") == new_start
    assert int(after.get("sequence", 0)) > sequence_before
    bjorn_after = feed_event(people, journey.feed_urls[BJORN.key])
    assert bjorn_after.decoded("dtstart") == new_start

    ana = people.page(ANA.key)
    ana.goto(f"/events/{SLUG}/agenda")
    shots.take(ana, "agenda-after-move")


# --- 7 ----------------------------------------------------------------------------------


def read_badge_qr_code(badges_pdf: bytes, person: Person, workdir: Path) -> str:
    """The text of the QR code on `person`'s badge, read from the printed page as a scanner would.

    The page is rendered at 150 dpi in grey (pdftoppm, poppler-utils), about what a scanner
    sees, and decoded with zxing-cpp.
    """
    pages = PdfReader(io.BytesIO(badges_pdf)).pages
    numbers = [
        number
        for number, page in enumerate(pages, start=1)
        if person.full_name in " ".join(page.extract_text().split())
    ]
    assert len(numbers) == 1, f"{person.full_name} is on pages {numbers} of the badges"
    pdf_path = workdir / "badges.pdf"
    pdf_path.write_bytes(badges_pdf)
    prefix = workdir / f"badge-{person.key}"
    page = str(numbers[0])
    command = ["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", page, "-l", page]
    subprocess.run([*command, str(pdf_path), str(prefix)], check=True)  # noqa: S603
    with Image.open(prefix.with_suffix(".png")) as image:
        codes = zxingcpp.read_barcodes(image)
    assert [code.format for code in codes] == [zxingcpp.BarcodeFormat.QRCode]
    return codes[0].text


def test_7_badges_and_check_in_by_the_badge_token(
    people: People,
    journey: Journey,
    live_server: LiveServer,
    shots: Shots,
    accessibility: AccessibilityLog,
) -> None:
    organiser = people.page("organiser")
    organiser.goto(f"/events/{SLUG}/manage/badges")
    organiser.get_by_role("button", name="Count").click()
    pdf_link = organiser.get_by_role("link", name="Download the PDF of 2 badges")
    expect(pdf_link).to_be_visible()
    shots.take(organiser, "badges")
    accessibility.check(organiser, "badges")
    response = organiser.request.get(pdf_link.get_attribute("href") or "")
    assert response.ok, response.status
    badges = response.body()
    assert badges.startswith(b"%PDF"), badges[:20]
    text = pdf_text(badges)
    assert ANA.full_name in text
    assert BJORN.full_name in text

    organiser.goto(f"/events/{SLUG}/manage/checkin/staff")
    organiser.get_by_label("E-mail").fill(ACCOUNTS.staff)
    organiser.get_by_role("button", name="Add to the staff").click()
    expect(organiser.locator(".alert-success")).to_be_visible()
    expect(organiser.get_by_role("button", name=f"Remove {ACCOUNTS.staff}")).to_be_visible()
    accessibility.check(organiser, "check-in staff")

    # The desk's scanner reads the QR code printed on Ana's badge and types what it says.
    token = read_badge_qr_code(badges, ANA, shots.directory)
    with live_server.app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == SLUG))
        assert token == badge_token(event_id, journey.participant_ids[ANA.key])

    desk = people.page("staff")
    log_in(desk, ACCOUNTS.staff)
    desk.goto(f"/events/{SLUG}/checkin")
    scanner_input = desk.locator("input[name=token]")
    expect(scanner_input).to_be_focused()  # a scanner types into it without a click
    style = focused_element_style(desk)
    assert has_visible_focus(style), f"the scanner input shows no focus: {style}"
    desk.keyboard.type(token)
    desk.keyboard.press("Enter")
    result = desk.locator("#checkin-result [data-outcome]")
    expect(result).to_have_attribute("data-outcome", "checked_in")
    expect(result).to_contain_text(ANA.full_name)
    expect(desk.locator("#desk-counts")).to_contain_text("1 of 2 checked in")
    shots.take(desk, "checkin-desk")
    accessibility.check(desk, "check-in desk")

    organiser.goto(f"/events/{SLUG}/manage/checkin")
    expect(organiser.locator("#checkin-total")).to_contain_text("1 of 2")
    shots.take(organiser, "checkin-overview")
    accessibility.check(organiser, "check-in overview")
