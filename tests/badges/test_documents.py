"""Badge PDFs: the text on them, the layouts' page counts, fitting, escaping, bulk queries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event

from brokerage.badges import documents, services
from brokerage.badges.documents import (
    FIRST_NAME_STEPS,
    ORGANISATION_STEPS,
    fit_text,
    text_colour_on,
)
from brokerage.badges.services import BadgeSelection
from brokerage.events.models import Event
from brokerage.extensions import db
from tests.badges.conftest import PEOPLE, World, pdf_pages
from tests.conftest import login
from tests.factories import PASSWORD, make_participant


def event_of(world: World) -> Event:
    return db.session.get(Event, world.event_id)


def badge_pdf(world: World, layout: str = "a6") -> bytes:
    event = event_of(world)
    participants = services.selected_participants(event, BadgeSelection(layout=layout))
    return documents.badges_pdf(
        event,
        documents.badges_for(event, participants, services.settings_for(event)),
        services.settings_for(event),
        layout,
    )


def test_each_badge_shows_name_organisation_country_and_type_in_words(app_ctx, world):
    pages = pdf_pages(badge_pdf(world))
    assert len(pages) == len(PEOPLE)
    by_name = {key: next(page for page in pages if PEOPLE[key][1] in page) for key in PEOPLE}
    assert "Ada" in by_name["ada"]
    assert "Analytical Engines Ltd" in by_name["ada"]
    assert "United Kingdom" in by_name["ada"]
    assert "Company / SME" in by_name["ada"]
    assert "Αλεξάνδρα" in by_name["greek"]
    assert "Πανεπιστήμιο Αθηνών" in by_name["greek"]
    assert "University or research organisation" in by_name["greek"]
    assert "Владимир" in by_name["cyrillic"]
    assert "Институт прикладной математики" in (by_name["cyrillic"].replace("\n", " "))
    assert "Zoë" in by_name["czech"]
    assert "Université catholique de Louvain" in (by_name["czech"].replace("\n", " "))
    assert "Cluster" in by_name["czech"]
    # Markup in a name is printed as the text it is.
    html_page = by_name["html"]
    assert "<b>Bold</b>" in html_page
    assert "O'Brien & <i>Sons</i>" in html_page
    assert "<script>alert(1)</script> GmbH" in html_page.replace("\n", " ")
    assert all("Partnering Day <2026>" in page for page in pages)


def test_markup_is_escaped_in_the_html(app_ctx, world):
    event = event_of(world)
    participants = services.selected_participants(event, BadgeSelection())
    html = documents.badges_html(
        event,
        documents.badges_for(event, participants, services.settings_for(event)),
        services.settings_for(event),
        "a6",
    )
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_hidden_fields_are_not_printed(app_ctx, world):
    event = event_of(world)
    services.update_settings(
        event,
        show_organisation=False,
        show_country=False,
        show_job_title=False,
        show_participant_type=False,
        show_logo=True,
    )
    text = " ".join(pdf_pages(badge_pdf(world)))
    for absent in ("Analytical Engines", "United Kingdom", "Innovation manager", "Cluster"):
        assert absent not in text
    assert "Lovelace" in text


@pytest.mark.parametrize("count", [1, 4, 5, 9])
def test_page_counts_a6_one_per_page_a4_four_per_sheet(app_ctx, world, count):
    event = event_of(world)
    participants = services.selected_participants(event, BadgeSelection())[:count]
    while len(participants) < count:
        participants.append(make_participant(event, first_name="Extra"))
    settings_ = services.settings_for(event)
    badges = documents.badges_for(event, participants, settings_)
    assert len(pdf_pages(documents.badges_pdf(event, badges, settings_, "a6"))) == count
    a4 = pdf_pages(documents.badges_pdf(event, badges, settings_, "a4"))
    assert len(a4) == math.ceil(count / 4)


def test_a4_pages_are_a4_and_a6_pages_are_a6(app_ctx, world):
    from io import BytesIO

    from pypdf import PdfReader

    def size_mm(data: bytes) -> tuple[int, int]:
        box = PdfReader(BytesIO(data)).pages[0].mediabox
        return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)

    assert size_mm(badge_pdf(world, "a6")) == (105, 148)
    assert size_mm(badge_pdf(world, "a4")) == (210, 297)


def test_bulk_badges_take_a_constant_number_of_queries(app_ctx, world):
    event = event_of(world)
    for number in range(12):
        make_participant(event, first_name=f"Bulk{number}", organisation_name=f"Bulk {number}")
    db.session.commit()

    def statements_for(selection: BadgeSelection) -> int:
        db.session.expire_all()
        counted: list[str] = []

        def count(*args) -> None:
            counted.append(args[2])

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            event = event_of(world)
            participants = services.selected_participants(event, selection)
            documents.badges_html(
                event,
                documents.badges_for(event, participants, services.settings_for(event)),
                services.settings_for(event),
                "a4",
            )
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    few = statements_for(BadgeSelection(type_id=world.type_ids[2]))  # one participant
    many = statements_for(BadgeSelection())  # seventeen
    assert few == many


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=120)
)
def test_fitted_sizes_stay_within_the_steps(text):
    for steps in (FIRST_NAME_STEPS, ORGANISATION_STEPS):
        fitted = fit_text(text, 91, steps, bold=True)
        assert steps[-1][2] <= fitted.size_pt <= steps[0][1]
        assert fitted.text == " ".join(text.split())


def test_longer_names_get_smaller_or_wrapped_never_larger():
    sizes = [
        fit_text("M" * length, 91, FIRST_NAME_STEPS, bold=True).size_pt for length in range(1, 60)
    ]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == FIRST_NAME_STEPS[0][1]
    assert sizes[-1] == FIRST_NAME_STEPS[-1][2]
    # A first name of two long words goes to two lines before it gets tiny.
    two_words = fit_text("Maximiliane Konstantina", 91, FIRST_NAME_STEPS, bold=True)
    assert two_words.size_pt >= 18


def test_band_text_contrasts_with_its_colour():
    assert text_colour_on("#ffd43b") == "#000000"  # yellow: black text
    assert text_colour_on("#0b3d91") == "#ffffff"  # dark blue: white text
    assert text_colour_on("#1e7145") == "#ffffff"
    assert documents.safe_colour("red; background: url(x)") == documents.DEFAULT_COLOUR


def test_organiser_downloads_both_layouts(client, world):
    login(client, world.organiser, PASSWORD)
    a6 = client.get(f"/events/{world.slug}/manage/badges.pdf")
    assert a6.status_code == 200
    assert a6.mimetype == "application/pdf"
    assert len(pdf_pages(a6.data)) == 5
    a4 = client.get(f"/events/{world.slug}/manage/badges.pdf?layout=a4")
    assert len(pdf_pages(a4.data)) == 2
    assert "badges-" in a4.headers["Content-Disposition"]
