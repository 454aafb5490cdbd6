"""The QR code carries the participant's check-in token, scans, and only for its own event."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
import segno

from brokerage.badges import documents, services
from brokerage.badges.qr import ERROR_LEVEL, QUIET_ZONE, badge_qr, qr_svg_data_url
from brokerage.badges.services import BadgeSelection
from brokerage.checkin.tokens import OtherEventToken, read_badge_token
from brokerage.events.models import Event
from brokerage.extensions import db
from tests.badges.conftest import World


def event_of(world: World, event_id: int | None = None) -> Event:
    return db.session.get(Event, event_id or world.event_id)


def test_the_symbol_encodes_the_token_at_level_m_or_better(app_ctx, world):
    event = event_of(world)
    participant_id = world.people["greek"]
    (badge,) = documents.badges_for(
        event,
        [
            p
            for p in services.selected_participants(event, BadgeSelection())
            if p.id == participant_id
        ],
        services.settings_for(event),
    )
    assert read_badge_token(badge.token, event.id) == participant_id
    with pytest.raises(OtherEventToken):
        read_badge_token(badge.token, world.other_event_id)
    # Decode-free check: the symbol segno made is exactly the one for this token.
    symbol = badge_qr(badge.token)
    reference = segno.make_qr(badge.token, error="m")
    assert symbol.matrix == reference.matrix
    assert symbol.error in ("M", "Q")
    assert ERROR_LEVEL == "m"
    assert symbol.version <= 4  # 37 to 41 modules with the quiet zone: 0.7 mm or more
    assert symbol.designator == reference.designator
    # The SVG on the badge is that symbol, with a quiet zone of four modules.
    assert badge.qr_data_url == qr_svg_data_url(badge.token)
    svg = unquote(badge.qr_data_url.removeprefix("data:image/svg+xml;charset=utf-8,"))
    side = symbol.symbol_size(border=QUIET_ZONE)[0]
    assert f"width='{side}'" in svg or f'width="{side}"' in svg
    assert side == len(symbol.matrix) + 2 * QUIET_ZONE


def test_the_badge_html_embeds_each_participants_code(app_ctx, world):
    event = event_of(world)
    participants = services.selected_participants(event, BadgeSelection())
    badges = documents.badges_for(event, participants, services.settings_for(event))
    html = documents.badges_html(event, badges, services.settings_for(event), "a4")
    for badge in badges:
        assert f'src="{badge.qr_data_url}"' in html.replace("&#39;", "'")
    assert len({badge.token for badge in badges}) == len(badges)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_scanner_reads_the_printed_code_and_it_checks_in_the_right_person(
    app_ctx, world, tmp_path: Path
):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    event = event_of(world)
    participants = [
        p
        for p in services.selected_participants(event, BadgeSelection())
        if p.id == world.people["cyrillic"]
    ]
    pdf = documents.badges_pdf(
        event,
        documents.badges_for(event, participants, services.settings_for(event)),
        services.settings_for(event),
        "a6",
    )
    (tmp_path / "badge.pdf").write_bytes(pdf)
    # 150 dpi, grey: about what a phone camera sees of a badge at arm's length.
    subprocess.run(  # noqa: S603 - a fixed command on our own temporary files
        [
            shutil.which("pdftoppm") or "pdftoppm",
            "-r",
            "150",
            "-gray",
            "-png",
            str(tmp_path / "badge.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (page,) = tmp_path.glob("p*.png")
    with Image.open(page) as image:
        results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert read_badge_token(results[0].text, event.id) == world.people["cyrillic"]
    with pytest.raises(OtherEventToken):
        read_badge_token(results[0].text, world.other_event_id)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_staff_check_in_with_the_code_scanned_from_the_printed_badge(app, client, world, tmp_path):
    """The whole path: print a badge, scan its picture, type the text into the desk."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from brokerage.checkin.models import CheckIn
    from tests.conftest import login
    from tests.factories import PASSWORD

    login(client, world.organiser, PASSWORD)
    pdf = client.get(f"/events/{world.slug}/manage/badges.pdf?type={world.type_ids[2]}").data
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    (tmp_path / "badge.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 - a fixed command on our own temporary files
        [shutil.which("pdftoppm") or "pdftoppm", "-r", "150", "-gray", "-png",
         str(tmp_path / "badge.pdf"), str(tmp_path / "p")],
        check=True,
    )  # fmt: skip
    (page,) = tmp_path.glob("p*.png")
    with Image.open(page) as image:
        (scanned,) = zxingcpp.read_barcodes(image)

    login(client, world.staff, PASSWORD)
    desk = f"/events/{world.slug}/checkin"
    assert client.submit(desk, {"token": scanned.text}).status_code == 302
    with app.app_context():
        (check_in,) = db.session.query(CheckIn).all()
        assert check_in.participant_id == world.people["czech"]
    # A replayed scan checks nobody in twice.
    client.submit(desk, {"token": scanned.text})
    with app.app_context():
        assert db.session.query(CheckIn).count() == 1
