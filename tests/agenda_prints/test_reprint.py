"""Reprints after hand edits: exactly the agendas that changed, printed or e-mailed."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from brokerage.agendas.models import PrintedAgenda
from brokerage.agendas.reprint import agenda_fingerprint, record_printed, reprint_status
from brokerage.agendas.services import Agenda, AgendaMeeting
from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.events.models import Slot, Table
from brokerage.extensions import db
from brokerage.scheduling import editing
from brokerage.scheduling.models import ScheduledMeeting
from tests.agenda_prints.conftest import ORGANISER_EMAIL, build_world, event_of

REPRINT = "/events/{slug}/manage/prints/reprint"


def _changed_ids(world) -> set[int]:
    return {status.participant.id for status in reprint_status(event_of(world)).changed}


def _ids(world, *keys: str) -> set[int]:
    return {world.people[key] for key in keys}


def _move(world, meeting_key: str, slot_index: int, table_index: int) -> None:
    meeting = db.session.get(ScheduledMeeting, world.meetings[meeting_key])
    editing.move_meeting(
        meeting,
        db.session.get(Slot, world.slots[slot_index]),
        db.session.get(Table, world.tables[table_index]),
        locked=False,
        user=db.session.scalar(select(User).where(User.email == ORGANISER_EMAIL)),
    )


def _pdf_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# --- the selection ---------------------------------------------------------------------------


def test_never_printed_agendas_with_meetings_count_as_changed(app_ctx):
    world = build_world()
    # Lena and Omar meet only in the draft: no published meetings, nothing to print.
    assert _changed_ids(world) == _ids(world, "ana", "giorgos", "ivan", "eve")


def test_after_one_move_exactly_its_two_participants_changed(app_ctx):
    world = build_world()
    record_printed(reprint_status(event_of(world)).statuses)
    assert _changed_ids(world) == set()
    _move(world, "ivan_eve", 3, 0)
    db.session.expire_all()
    assert _changed_ids(world) == _ids(world, "ivan", "eve")


def test_a_move_and_a_move_back_is_no_change(app_ctx):
    world = build_world()
    record_printed(reprint_status(event_of(world)).statuses)
    _move(world, "ivan_eve", 3, 0)
    _move(world, "ivan_eve", 0, 0)
    db.session.expire_all()
    meeting = db.session.get(ScheduledMeeting, world.meetings["ivan_eve"])
    assert meeting.sequence == 2  # calendars saw two changes; the paper did not
    assert _changed_ids(world) == set()


def test_a_cancellation_changes_both_agendas(app_ctx):
    world = build_world()
    record_printed(reprint_status(event_of(world)).statuses)
    meeting = db.session.get(ScheduledMeeting, world.meetings["ana_ivan"])
    editing.cancel_meeting(
        meeting, user=db.session.scalar(select(User).where(User.email == ORGANISER_EMAIL))
    )
    db.session.expire_all()
    assert _changed_ids(world) == _ids(world, "ana", "ivan")


def _meeting(**changes) -> AgendaMeeting:
    start = utcnow().replace(microsecond=0)
    values = {
        "meeting_id": 1,
        "request_id": 10,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=20),
        "session_name": "Morning",
        "place": "Table 1",
        "partner_id": 2,
        "partner_name": "Jürgen Becker",
        "partner_organisation": "Becker GmbH",
        "partner_country": "DE",
        "opportunity_title": None,
        "cancelled": False,
        "sequence": 0,
    }
    values.update(changes)
    return AgendaMeeting(**values)


def _agenda(meetings: list[AgendaMeeting]) -> Agenda:
    person = SimpleNamespace(id=1, full_name="Ana Marković", organisation=SimpleNamespace(name="X"))
    return Agenda(event=None, participant=person, published=True, meetings=meetings)  # type: ignore[arg-type]


@given(
    sequences=st.lists(st.integers(0, 50), min_size=3, max_size=3),
    meeting_ids=st.lists(st.integers(1, 10_000), min_size=3, max_size=3),
    order=st.permutations([0, 1, 2]),
)
def test_fingerprint_ignores_sequence_ids_and_order(sequences, meeting_ids, order):
    base = [
        _meeting(request_id=10),
        _meeting(request_id=11, place="Table 2", partner_id=3),
        _meeting(request_id=12, cancelled=True, partner_id=4),
    ]
    renumbered = [
        dataclasses.replace(meeting, sequence=sequence, meeting_id=meeting_id)
        for meeting, sequence, meeting_id in zip(base, sequences, meeting_ids, strict=True)
    ]
    shuffled = [renumbered[index] for index in order]
    assert agenda_fingerprint(_agenda(shuffled)) == agenda_fingerprint(_agenda(base))


@given(
    change=st.sampled_from(
        [
            {"starts_at": utcnow().replace(microsecond=0) + timedelta(minutes=25)},
            {"place": "Table 3"},
            {"partner_id": 9, "partner_name": "Zoë Janssens"},
            {"partner_organisation": "Becker AG"},
            {"cancelled": True},
        ]
    )
)
def test_fingerprint_changes_with_what_the_paper_says(change):
    before = agenda_fingerprint(_agenda([_meeting()]))
    after = agenda_fingerprint(_agenda([_meeting(**change)]))
    assert len(before) == 64
    assert before != after


# --- the pages -------------------------------------------------------------------------------


def test_reprint_page_lists_the_changed_agendas(organiser_client, world, app):
    with app.app_context():
        record_printed(reprint_status(event_of(world)).statuses)
        _move(world, "ivan_eve", 3, 0)
        db.session.commit()
    page = organiser_client.get(REPRINT.format(slug=world.slug)).get_data(as_text=True)
    assert "Download the 2 changed agendas" in page
    assert "E-mail updated agendas to the 2 participants affected" in page
    assert "Иван Петров" in page
    assert "&lt;b&gt;Eve&lt;/b&gt; Zed" in page  # escaped
    assert "Marković" not in page.split("<tbody>")[1]


def test_download_changed_returns_exactly_those_and_records_them(organiser_client, world, app):
    with app.app_context():
        record_printed(reprint_status(event_of(world)).statuses)
        _move(world, "ivan_eve", 3, 0)
        db.session.commit()
        before = {
            row.participant_id: row.printed_at for row in db.session.scalars(select(PrintedAgenda))
        }
    response = organiser_client.submit(
        REPRINT.format(slug=world.slug) + "/changed.pdf", form_url=REPRINT.format(slug=world.slug)
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="agendas-changed-'
    )
    pages = _pdf_text(response.data)
    assert len(pages) == 2  # one short agenda per page
    text = "\n".join(pages)
    assert "Иван Петров" in text
    assert "<b>Eve</b> Zed" in text  # shown as text
    assert "11:15" in text  # the new time
    with app.app_context():
        after = {
            row.participant_id: row.printed_at for row in db.session.scalars(select(PrintedAgenda))
        }
        moved = _ids(world, "ivan", "eve")
        assert {pid for pid in after if after[pid] != before[pid]} == moved
        assert _changed_ids(world) == set()
    again = organiser_client.submit(
        REPRINT.format(slug=world.slug) + "/changed.pdf", form_url=REPRINT.format(slug=world.slug)
    )
    assert again.status_code == 302
    assert "No agenda has changed" in organiser_client.get(again.headers["Location"]).get_data(
        as_text=True
    )


def test_download_all_records_everyone(organiser_client, world, app):
    response = organiser_client.submit(
        f"/events/{world.slug}/manage/prints/agendas.pdf",
        form_url=f"/events/{world.slug}/manage/prints",
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "\n".join(_pdf_text(response.data))
    for name in ("Ana Marković", "Γιώργος Παπαδόπουλος", "Иван Петров", "Lena Vogel"):
        assert name in text
    with app.app_context():
        printed = set(db.session.scalars(select(PrintedAgenda.participant_id)))
        assert printed == set(world.people.values())
        assert _changed_ids(world) == set()


def test_email_updated_agendas_with_the_pdf_attached(organiser_client, world, app, mail_outbox):
    with app.app_context():
        record_printed(reprint_status(event_of(world)).statuses)
        _move(world, "ivan_eve", 3, 0)
        db.session.commit()
    mail_outbox.clear()  # the move's own notices
    response = organiser_client.submit(
        REPRINT.format(slug=world.slug) + "/email", form_url=REPRINT.format(slug=world.slug)
    )
    assert response.status_code == 302
    assert {mail.to for mail in mail_outbox} == {world.emails["ivan"], world.emails["eve"]}
    for mail in mail_outbox:
        assert mail.subject.startswith("Your updated agenda")
        [attachment] = mail.attachments
        assert attachment.content_type == "application/pdf"
        assert attachment.filename == f"agenda-{world.slug}.pdf"
        assert "11:15" in "\n".join(_pdf_text(attachment.data))
        assert "11:15" in mail.text
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "e-mailed to 2 participants" in page
    with app.app_context():
        emailed = set(
            db.session.scalars(
                select(PrintedAgenda.participant_id).where(PrintedAgenda.emailed_at.is_not(None))
            )
        )
        assert emailed == _ids(world, "ivan", "eve")
        assert _changed_ids(world) == set()


def test_emails_go_out_in_bounded_batches(organiser_client, world, app, mail_outbox, monkeypatch):
    from brokerage.agendas import print_views

    monkeypatch.setattr(print_views, "EMAIL_BATCH", 3)
    url = REPRINT.format(slug=world.slug) + "/email"
    first = organiser_client.submit(url, form_url=REPRINT.format(slug=world.slug))
    page = organiser_client.get(first.headers["Location"]).get_data(as_text=True)
    assert len(mail_outbox) == 3
    assert "1 more to send" in page
    assert "1</strong> of 6 agendas changed" in page
    organiser_client.submit(url, form_url=REPRINT.format(slug=world.slug))
    assert len(mail_outbox) == 4
    assert len({mail.to for mail in mail_outbox}) == 4
    with app.app_context():
        assert _changed_ids(world) == set()


def test_a_concurrent_first_print_is_a_message_not_a_500(organiser_client, world, app, monkeypatch):
    from brokerage.agendas import print_views

    real = print_views.record_printed

    def racing(statuses, **kwargs):
        real(statuses, **kwargs)
        # What a second organiser's request would have inserted meanwhile.
        db.session.add(PrintedAgenda(participant_id=world.people["ana"], fingerprint="0" * 64))

    monkeypatch.setattr(print_views, "record_printed", racing)
    response = organiser_client.submit(
        f"/events/{world.slug}/manage/prints/agendas.pdf",
        form_url=f"/events/{world.slug}/manage/prints",
    )
    assert response.status_code == 302
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "at the same moment" in page
    with app.app_context():
        assert db.session.scalars(select(PrintedAgenda)).all() == []


def test_printing_twice_in_one_session_keeps_the_latest(app_ctx):
    world = build_world()
    record_printed(reprint_status(event_of(world)).statuses)
    _move(world, "ivan_eve", 3, 0)
    status = reprint_status(event_of(world))
    [ivan] = [item for item in status.changed if item.participant.id == world.people["ivan"]]
    first_printed_at = ivan.printed.printed_at
    record_printed(status.changed)
    assert _changed_ids(world) == set()
    assert ivan.printed.printed_at >= first_printed_at
    assert ivan.printed.fingerprint == ivan.fingerprint
    record_printed(reprint_status(event_of(world)).statuses, emailed=True)
    assert ivan.printed.emailed_at is not None
