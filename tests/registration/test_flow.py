"""The whole journey through the pages: sign up, verify, register, edit, approval, export."""

from __future__ import annotations

import csv
import io
import re

from brokerage.extensions import db
from brokerage.registration.models import Opportunity, OpportunityKind, ParticipantStatus
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_user
from tests.registration.helpers import changed, registration_form, the_participant


def _link_in(mail_text: str) -> str:
    match = re.search(r"http://localhost(/\S+)", mail_text)
    assert match, mail_text
    return match.group(1)


def test_sign_up_register_edit_approve_and_export(client, app, mail_outbox):
    with app.app_context():
        organiser = make_user("organiser@example.org")
        event = make_event("partnering", organiser=organiser)
        form = registration_form(event)
        other_topic = str(event.topics[2].id)
        commit()

    # Sign up and verify.
    client.submit(
        "/account/signup", {"email": "grace@example.org", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert client.get(_link_in(mail_outbox[0].text)).status_code == 302
    mail_outbox.clear()

    # Register with one opportunity.
    page = client.get("/events/partnering/register")
    assert page.status_code == 200
    assert "Register for" in page.get_data(as_text=True)
    response = client.submit("/events/partnering/register", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"] == "/events/partnering/registration"
    assert [mail.to for mail in mail_outbox] == ["grace@example.org"]
    assert "organisers review" in mail_outbox[0].text
    with app.app_context():
        participant = the_participant()
        assert participant.status is ParticipantStatus.PENDING
        assert participant.organisation.website == "https://compilers.example.org"
        assert participant.organisation.country == "BE"
        assert len(participant.topics) == 2
        assert [o.title for o in participant.opportunities] == ["Compiler consulting"]
        first_opportunity_id = participant.opportunities[0].id

    page = client.get("/events/partnering/registration").get_data(as_text=True)
    assert "Pending" in page
    assert "Compiler consulting" in page

    # Edit: change the name, keep and edit the first opportunity, add a second one.
    edit = changed(
        form,
        first_name="Grace B.",
        **{
            "opportunities-0-id": str(first_opportunity_id),
            "opportunities-0-title": "Compiler consulting and training",
            "opportunities-1-id": "",
            "opportunities-1-kind": "request",
            "opportunities-1-title": "Chip makers",
            "opportunities-1-topics": [other_topic],
        },
    )
    response = client.submit("/events/partnering/registration", edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        participant = the_participant()
        assert participant.first_name == "Grace B."
        titles = [(o.id, o.kind, o.title) for o in participant.opportunities]
        assert titles[0] == (
            first_opportunity_id,
            OpportunityKind.OFFER,
            "Compiler consulting and training",
        )
        assert titles[1][1:] == (OpportunityKind.REQUEST, "Chip makers")
        second_id = titles[1][0]

    # Edit again: remove the first opportunity by leaving it out.
    edit = changed(
        form,
        first_name="Grace B.",
        **{
            "opportunities-0-id": None,
            "opportunities-0-kind": None,
            "opportunities-0-title": None,
            "opportunities-0-description": None,
            "opportunities-0-topics": None,
            "opportunities-1-id": str(second_id),
            "opportunities-1-kind": "request",
            "opportunities-1-title": "Chip makers",
        },
    )
    assert client.submit("/events/partnering/registration", edit).status_code == 302
    with app.app_context():
        assert [o.id for o in db.session.scalars(db.select(Opportunity))] == [second_id]
        participant_id = the_participant().id

    # The organiser approves; the participant gets an e-mail.
    client.submit("/account/logout", form_url="/")
    login(client, "organiser@example.org", PASSWORD)
    listing = client.get("/events/partnering/manage/participants")
    assert listing.status_code == 200
    assert "Grace B. Hopper" in listing.get_data(as_text=True)
    mail_outbox.clear()
    response = client.submit(
        f"/events/partnering/manage/participants/{participant_id}/approve",
        form_url="/events/partnering/manage/participants",
    )
    assert response.status_code == 302
    assert [mail.to for mail in mail_outbox] == ["grace@example.org"]
    assert "approved" in mail_outbox[0].text
    with app.app_context():
        assert the_participant().status is ParticipantStatus.APPROVED

    # The export lists them.
    export = client.get("/events/partnering/manage/participants.csv")
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    body = export.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["E-mail"] == "grace@example.org"
    assert row["First name"] == "Grace B."
    assert row["Status"] == "approved"
    assert row["Organisation"] == "Compilers Ltd"
    assert row["Country"] == "Belgium"
    assert row["Phone"] == "'+32 2 123 45 67"  # a leading + would be a formula in Excel
    assert "request: Chip makers" in row["Opportunities"]
