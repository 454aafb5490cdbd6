"""The check-in QR code on a badge: segno, vector SVG, embedded as a data: URL.

It encodes `badge_token(event id, participant id)` (35 to 47 characters: QR version 3 or 4
at level M, raised to Q by segno when that fits in the same size). Printed 30 mm wide with
the standard quiet zone of 4 modules, a module is 0.7 to 0.8 mm, well above what phone
cameras and USB scanners need. Level M (15 % of the symbol recoverable) is the usual choice
for print; it keeps the symbol one version smaller than Q, so the modules are bigger, which
helps more at arm's length than more error correction would, and the PDF draws faster.
"""

from __future__ import annotations

from functools import lru_cache

import segno

from brokerage.checkin.tokens import badge_token

ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules; the QR standard's minimum
PRINTED_SIZE_MM = 30


def badge_qr(token: str) -> segno.QRCode:
    # The smallest version at level M; segno raises the level when the data leaves room.
    return segno.make_qr(token, error=ERROR_LEVEL, boost_error=True)


@lru_cache(maxsize=4096)  # a reprint, or the other layout, skips segno's mask search
def qr_svg_data_url(token: str) -> str:
    """The QR code as a vector SVG data: URL, black on white including the quiet zone."""
    return badge_qr(token).svg_data_uri(border=QUIET_ZONE, dark="#000", light="#fff")


def participant_qr(event_id: int, participant_id: int) -> tuple[str, str]:
    """(token, SVG data: URL) for one participant's badge."""
    token = badge_token(event_id, participant_id)
    return token, qr_svg_data_url(token)
