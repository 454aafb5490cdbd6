"""Agenda PDFs: content checked on the extracted text, scripts, escaping, long agendas."""

from __future__ import annotations

import io
from datetime import time

import pypdf

from brokerage.agendas.documents import agenda_pdf, agendas_pdf
from brokerage.agendas.services import agenda_for, agendas_for
from brokerage.events import services as events
from brokerage.meetings.models import RequestStatus
from brokerage.scheduling.publishing import publish_run
from tests.agendas.conftest import event_of, person
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_meeting_request,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
    make_user,
)


def pages_text(document: bytes) -> list[str]:
    assert document.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(document))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_download_has_event_participant_and_one_line_per_meeting(client, world):
    login(client, world.emails["c"], PASSWORD)
    response = client.get(f"/events/{world.slug}/agenda.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pages_text(response.data)
    assert len(pages) == 1
    text = flat(pages[0])
    assert "Innovation Partnering Day" in text
    assert "Square, Brussels" in text
    assert "Cleo Curie" in text
    assert "Curie Labs" in text
    for line in (
        "09:00–09:20 Table 1 Dan Dirac Re: Battery recycling pilot Dirac Labs, Germany",
        "09:25–09:45 Break",
        "09:50–10:10 Booth: Ada Lovelace (table B1) Ada Lovelace Lovelace Labs, Belgium",
        "10:15–10:35 Table 2 Bob Babbage Babbage Labs, France",
    ):
        assert line in text
    assert "Dirac Labs" in text
    assert "Page 1 of 1" in text


def test_before_publication_the_pdf_says_so(app, draft_world):
    with app.app_context():
        text = flat(
            pages_text(agenda_pdf(agenda_for(event_of(draft_world), person(draft_world, "c"))))[0]
        )
        assert "not published yet" in text


def _international_event(app, meetings: int = 3) -> int:
    """An event whose names are Greek, Cyrillic, accented and hostile; returns its id."""
    with app.app_context():
        organiser = make_user()
        event = make_event(organiser=organiser, title="Ευρωπαϊκή Ημέρα Συνεργασίας 2026")
        day = event.start_date
        events.add_session(event, "Morning", day, time(8), time(20))
        tables = events.generate_tables(event, 3)
        host = make_participant(
            event,
            first_name="Zoë",
            last_name="Łukasiewicz-Ødegård",
            organisation_name="Fundação Ñandú & Søn – Ångström Řešení "
            + "Extraordinarily Long Organisation Name " * 4,
            country="PT",
        )
        names = [
            ("Αλέξανδρος", "Παπαδόπουλος", "Ελληνική Εταιρεία Καινοτομίας Α.Ε.", "GR"),
            ("Светлана", "Иванова", "Българска иновационна агенция ЕООД", "BG"),
            ("<script>alert(1)</script>", "<b>Bold</b>", "Evil & <i>Co</i>", "FR"),
            ("Gráinne", "Ní Bhriain", "Ćevapčići Đurđević d.o.o.", "IE"),
        ]
        partners = []
        for index in range(meetings):
            first, last, organisation, country = names[index % len(names)]
            partners.append(
                make_participant(
                    event,
                    first_name=first,
                    last_name=f"{last}" if index < len(names) else f"{last} {index}",
                    organisation_name=f"{organisation}"
                    if index < len(names)
                    else f"{organisation} {index}",
                    country=country,
                )
            )
        run = make_schedule_run(event)
        slots = event.sessions[0].slots
        for index, partner in enumerate(partners):
            request = make_meeting_request(partner, host, status=RequestStatus.ACCEPTED)
            make_scheduled_meeting(run, request, slots[index], tables[index % len(tables)])
        publish_run(run, organiser)
        commit()
        return host.id


def test_every_eu_script_and_html_in_names_shows_as_text(app):
    host_id = _international_event(app)
    with app.app_context():
        from brokerage.extensions import db
        from brokerage.registration.models import Participant

        host = db.session.get(Participant, host_id)
        text = flat("\n".join(pages_text(agenda_pdf(agenda_for(host.event, host)))))
    assert "Ευρωπαϊκή Ημέρα Συνεργασίας 2026" in text
    assert "Zoë Łukasiewicz-Ødegård" in text
    assert "Αλέξανδρος Παπαδόπουλος" in text
    assert "Ελληνική Εταιρεία Καινοτομίας Α.Ε." in text
    assert "Светлана Иванова" in text
    assert "Българска иновационна агенция ЕООД" in text
    # Shown as text, not markup (a wrapped line may lose its space in extraction).
    assert "<script>alert(1)</script><b>Bold</b>" in text.replace(" ", "")
    assert "Evil & <i>Co</i>" in text


def test_a_long_agenda_spills_onto_numbered_pages_with_headers_repeated(app):
    host_id = _international_event(app, meetings=28)
    with app.app_context():
        from brokerage.extensions import db
        from brokerage.registration.models import Participant

        host = db.session.get(Participant, host_id)
        pages = pages_text(agenda_pdf(agenda_for(host.event, host)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert f"Page {number} of {len(pages)}" in text
        assert "TIME TABLE MEETING WITH ORGANISATION" in text  # the header row repeats
    assert sum(flat(page).count("Παπαδόπουλος") for page in pages) == 7


def test_all_agendas_start_each_participant_on_a_new_page(app, world):
    with app.app_context():
        agendas = agendas_for(event_of(world))
        pages = pages_text(agendas_pdf(agendas))
    assert len(pages) == 4
    for page, name in zip(
        pages, ["Bob Babbage", "Cleo Curie", "Dan Dirac", "Ada Lovelace"], strict=True
    ):
        text = flat(page)
        assert f"PERSONAL AGENDA OF {name}" in text
        assert "Page 1" in text


def test_a_cancelled_meeting_is_marked_in_the_pdf(app, world):
    from brokerage.meetings.models import MeetingRequest
    from tests.agendas.conftest import get

    with app.app_context():
        get(MeetingRequest, world.requests["cd"]).status = RequestStatus.CANCELLED
        commit()
        text = flat(pages_text(agenda_pdf(agenda_for(event_of(world), person(world, "c"))))[0])
    assert "Dan Dirac CANCELLED" in text  # the flag is set in capitals
    assert "2 meetings." in text


def test_a_large_batch_is_rendered_in_parts_and_joined(app, world, monkeypatch):
    from brokerage.agendas import documents

    monkeypatch.setattr(documents, "AGENDAS_PER_RENDER", 3)
    with app.app_context():
        agendas = agendas_for(event_of(world))
        pages = pages_text(agendas_pdf(agendas))
    assert [flat(page).split("PERSONAL AGENDA OF ")[1][:10] for page in pages] == [
        "Bob Babbag",
        "Cleo Curie",
        "Dan Dirac ",
        "Ada Lovela",
    ]
    assert all("Page 1" in flat(page) for page in pages)
