"""Badge settings: defaults without a row, saving, and the logo checked by content."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from brokerage.badges import services
from brokerage.badges.models import BadgeSettings
from brokerage.badges.services import BadgeError, check_logo
from brokerage.events.models import Event
from brokerage.extensions import db
from tests.badges.conftest import World
from tests.conftest import login
from tests.factories import PASSWORD

SAFE_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 100 50">'
    b"<title>Logo</title><defs><linearGradient id='g'><stop offset='0' stop-color='#036'/>"
    b"</linearGradient></defs><rect width='100' height='50' fill='url(#g)' inkscape:label='bg'/>"
    b"<use xlink:href='#g'/><text x='5' y='30' style='font-weight:bold'>IPD</text></svg>"
)


def png_bytes(size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b5ed7").save(buffer, format="PNG")
    return buffer.getvalue()


def svg(body: str, *, root_attributes: str = "") -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'{root_attributes} viewBox="0 0 10 10">{body}</svg>'
    ).encode()


def event_of(world: World) -> Event:
    return db.session.get(Event, world.event_id)


def test_without_a_row_the_defaults_show_everything(app_ctx, world):
    settings = services.settings_for(event_of(world))
    assert settings.id is None
    assert settings.show_organisation
    assert settings.show_country
    assert settings.show_job_title
    assert settings.show_participant_type
    assert settings.show_logo
    assert settings.logo is None
    assert db.session.query(BadgeSettings).count() == 0


def test_update_settings_creates_then_updates_one_row(app_ctx, world):
    event = event_of(world)
    services.update_settings(
        event,
        show_organisation=False,
        show_country=True,
        show_job_title=False,
        show_participant_type=True,
        show_logo=False,
    )
    services.update_settings(
        event,
        show_organisation=True,
        show_country=False,
        show_job_title=False,
        show_participant_type=True,
        show_logo=False,
    )
    rows = db.session.query(BadgeSettings).all()
    assert len(rows) == 1
    assert (rows[0].show_organisation, rows[0].show_country, rows[0].show_job_title) == (
        True,
        False,
        False,
    )


def test_a_png_and_a_safe_svg_are_accepted(app_ctx):
    assert check_logo(png_bytes()) == "image/png"
    assert check_logo(SAFE_SVG) == "image/svg+xml"
    embedded = "data:image/png;base64,iVBORw0KGgo="
    assert check_logo(svg(f'<image href="{embedded}" width="10" height="10"/>')) == (
        "image/svg+xml"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GIF89a\x01\x00\x01\x00", "PNG or SVG"),
        (b"<html><body><script>alert(1)</script></body></html>", "PNG or SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "PNG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a valid PNG"),
        (svg("<script>alert(1)</script>"), "<script>"),
        (svg("<rect/>", root_attributes='onload="alert(1)"'), "event handlers"),
        (svg('<rect onclick="alert(1)"/>'), "event handlers"),
        (svg("<foreignObject><p>hi</p></foreignObject>"), "<foreignObject>"),
        (svg('<a href="https://evil.example"><rect/></a>'), "<a>"),
        (svg('<set attributeName="href" to="javascript:alert(1)"/>'), "<set>"),
        (svg('<use href="https://evil.example/x.svg#a"/>'), "link only inside"),
        (svg('<use xlink:href="javascript:alert(1)"/>'), "link only inside"),
        (svg('<image href="file:///etc/passwd"/>'), "link only inside"),
        (svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'), "link only inside"),
        (svg('<rect style="fill: url(https://evil.example/a)"/>'), "from outside"),
        (svg("<style>@import url(https://evil.example/a.css);</style>"), "from outside"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE",
        ),
        (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "DOCTYPE",
        ),
        (b"<svg><rect/></svg>", "PNG or SVG"),  # no SVG namespace: not an SVG document
    ],
)
def test_unsafe_or_foreign_files_are_refused(app_ctx, data, message):
    with pytest.raises(BadgeError, match=message):
        check_logo(data)


def test_too_large_or_too_many_pixels_is_refused(app_ctx):
    with pytest.raises(BadgeError, match="larger than 1024 KB"):
        check_logo(png_bytes() + b"\x00" * services.LOGO_MAX_BYTES)
    with pytest.raises(BadgeError, match="too many pixels"):
        check_logo(png_bytes((5000, 4000)))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims another size (a decompression bomb's first step)."""
    data = bytearray(png_bytes((1, 1)))
    # IHDR: 8-byte signature, 4-byte length, "IHDR", then width and height, then the CRC.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("size", [(5000, 4000), (20_000, 20_000), (100_000, 100_000)])
def test_a_tiny_file_declaring_a_huge_image_is_refused(app_ctx, size):
    with pytest.raises(BadgeError, match="too many pixels"):
        check_logo(png_declaring(*size))


def logo_upload(client, world: World, data: bytes, filename: str):
    return client.submit(
        f"/events/{world.slug}/manage/badges/logo",
        {"logo": (io.BytesIO(data), filename)},
        form_url=f"/events/{world.slug}/manage/badges",
        content_type="multipart/form-data",
    )


def test_upload_judges_by_content_not_by_name(app, client, world):
    login(client, world.organiser, PASSWORD)
    # An SVG named .png is stored as the SVG it is.
    response = logo_upload(client, world, SAFE_SVG, "logo.png")
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.query(BadgeSettings).one()
        assert settings.logo == SAFE_SVG
        assert settings.logo_mime == "image/svg+xml"
    # HTML named .png is refused, and the stored logo stays.
    response = logo_upload(client, world, b"<html><script>alert(1)</script></html>", "x.png")
    assert response.status_code == 400
    assert "The logo must be a PNG or SVG image." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(BadgeSettings).one().logo == SAFE_SVG
    # A PNG named .svg is a PNG.
    assert logo_upload(client, world, png_bytes(), "logo.svg").status_code == 302
    with app.app_context():
        assert db.session.query(BadgeSettings).one().logo_mime == "image/png"


def test_the_logo_is_served_inert_and_removed_on_request(app, client, world):
    login(client, world.organiser, PASSWORD)
    logo_upload(client, world, SAFE_SVG, "logo.svg")
    response = client.get(f"/events/{world.slug}/manage/badges/logo")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(f"/events/{world.slug}/manage/badges").get_data(as_text=True)
    assert "Remove the logo" in page
    response = client.submit(
        f"/events/{world.slug}/manage/badges/logo/remove",
        form_url=f"/events/{world.slug}/manage/badges",
    )
    assert response.status_code == 302
    assert client.get(f"/events/{world.slug}/manage/badges/logo").status_code == 404
    with app.app_context():
        assert db.session.query(BadgeSettings).one().logo is None


def raw_logo_upload(client, world: World, data: bytes, filename: str):
    """A logo upload encoded by hand: the test client would spool a large body to a
    temporary file that it never closes (a ResourceWarning, an error under -W error)."""
    token = client.csrf_token(f"/events/{world.slug}/manage/badges")
    boundary = "----badge-test"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token}\r\n--{boundary}\r\n"
        f'Content-Disposition: form-data; name="logo"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        f"/events/{world.slug}/manage/badges/logo",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_upload_over_the_request_limit_is_refused_before_reading(client, world):
    login(client, world.organiser, PASSWORD)
    response = raw_logo_upload(client, world, b"\x89PNG" + b"\x00" * (1200 * 1024), "big.png")
    assert response.status_code == 413


def test_an_upload_just_over_the_logo_limit_gets_a_field_error(client, world):
    login(client, world.organiser, PASSWORD)
    data = png_bytes() + b"\x00" * services.LOGO_MAX_BYTES
    response = raw_logo_upload(client, world, data, "logo.png")
    assert response.status_code == 400
    assert "larger than 1024 KB" in response.get_data(as_text=True)


def test_no_file_is_a_field_error(client, world):
    login(client, world.organiser, PASSWORD)
    response = client.submit(
        f"/events/{world.slug}/manage/badges/logo", form_url=f"/events/{world.slug}/manage/badges"
    )
    assert response.status_code == 400
    assert "Choose a PNG or SVG file." in response.get_data(as_text=True)


def test_the_settings_form_saves_and_the_preview_follows(client, world):
    login(client, world.organiser, PASSWORD)
    url = f"/events/{world.slug}/manage/badges"
    preview = client.get(f"{url}/preview").get_data(as_text=True)
    assert "Example Research Institute" in preview
    assert "Head of Technology Transfer" in preview
    response = client.submit(url, {"show_country": "y", "show_participant_type": "y"})
    assert response.status_code == 302
    preview = client.get(f"{url}/preview").get_data(as_text=True)
    assert "Example Research Institute" not in preview
    assert "Head of Technology Transfer" not in preview
    assert "Greece" in preview
    assert "Company / SME" in preview  # the band of the first type
    page = client.get(url).get_data(as_text=True)
    assert 'title="Badge preview"' in page
    assert "/manage/types" in page  # where the colours are changed
