"""The check-in token printed as a QR code on each badge.

It is signed with the app's secret and scoped to one event: `[event id, participant id]`,
serialised and signed by itsdangerous. It cannot be guessed or forged, and a badge from one
event is refused at another. It does not expire: a badge printed weeks ahead must scan on
the day. Short on purpose, so the QR code stays small and easy to scan.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "badge-checkin"


class InvalidBadgeToken(ValueError):
    """The text is not a badge token of ours (mistyped, damaged, or forged)."""


class OtherEventToken(ValueError):
    """A genuine badge token, but for another event."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def badge_token(event_id: int, participant_id: int) -> str:
    return _serializer().dumps([event_id, participant_id])


def read_badge_token(token: str, event_id: int) -> int:
    """The participant id in a token for this event; raises if it is not one."""
    try:
        payload = _serializer().loads(token.strip())
    except BadSignature as error:
        raise InvalidBadgeToken("not a badge of this system") from error
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(type(part) is int for part in payload)
    ):
        raise InvalidBadgeToken("not a badge of this system")
    token_event_id, participant_id = payload
    if token_event_id != event_id:
        raise OtherEventToken("this badge belongs to another event")
    return participant_id
