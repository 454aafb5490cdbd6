"""End to end between the badge and the desk: the token in the QR code checks its holder in."""

from __future__ import annotations

import segno

from brokerage.badges.qr import ERROR_LEVEL, participant_qr
from brokerage.events.models import Event
from brokerage.extensions import db
from tests.checkin.conftest import as_user, scan


def test_the_token_printed_in_the_qr_code_checks_in_at_the_desk(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        token, data_url = participant_qr(event.id, world.people["bob"])
    assert data_url.startswith("data:image/svg+xml")
    # The symbol on the badge is exactly the one segno makes for this payload.
    printed = segno.make_qr(token, error=ERROR_LEVEL, boost_error=False)
    assert printed.svg_data_uri(border=4, dark="#000", light="#fff") == data_url
    as_user(client, world.staff)
    html = scan(client, world, token)
    assert 'data-outcome="checked_in"' in html
    assert "Bob Babbage" in html
