"""E-mail attachments: queued with the message, delivered to the outbox and through SMTP."""

from __future__ import annotations

from typing import ClassVar

import pytest

from brokerage import mail as mail_module
from brokerage.extensions import db
from brokerage.mail import Attachment, Mail, email_message, queue_mail

PDF = b"%PDF-1.7 tiny"


def test_existing_callers_send_no_attachments(app_ctx, mail_outbox):
    queued = queue_mail("a@example.org", "Hello", "reset_password", user=None, link="https://x")
    assert queued.attachments == ()
    db.session.commit()
    assert mail_outbox == [queued]


def test_attachments_ride_along_to_the_outbox(app_ctx, mail_outbox):
    attachment = Attachment("agenda.pdf", "application/pdf", PDF)
    queued = queue_mail(
        "a@example.org", "Agenda", "reset_password", attachments=[attachment], user=None, link="x"
    )
    db.session.commit()
    assert mail_outbox == [queued]
    assert mail_outbox[0].attachments == (attachment,)


def test_attachments_are_dropped_with_the_message_on_rollback(app_ctx, mail_outbox):
    queue_mail(
        "a@example.org",
        "Agenda",
        "reset_password",
        attachments=[Attachment("agenda.pdf", "application/pdf", PDF)],
        user=None,
        link="x",
    )
    db.session.rollback()
    assert mail_outbox == []


def test_the_mime_message_carries_text_html_and_the_file():
    mail = Mail(
        to="a@example.org",
        subject="Agenda",
        text="Your agenda is attached.",
        html="<p>Your agenda is attached.</p>",
        attachments=(Attachment("agenda-ü.pdf", "application/pdf", PDF),),
    )
    message = email_message(mail, "Brokerage <noreply@example.org>")
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    assert body.get_content().strip() == "Your agenda is attached."
    assert message.get_body(preferencelist=("html",)) is not None
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "agenda-ü.pdf"
    assert part.get_content() == PDF


def test_a_message_without_attachments_is_unchanged():
    message = email_message(Mail("a@example.org", "Hi", "Text"), "noreply@example.org")
    assert message.get_content_type() == "text/plain"
    assert list(message.iter_attachments()) == []


class FakeSMTP:
    sent: ClassVar[list] = []

    def __init__(self, host: str, port: int, timeout: int) -> None:
        self.host = host

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, message) -> None:
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(mail_module.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    return FakeSMTP


def test_smtp_delivery_sends_the_attachment(app, smtp, mail_outbox):
    mail = Mail(
        "a@example.org",
        "Agenda",
        "Attached.",
        attachments=(Attachment("agenda.pdf", "application/pdf", PDF),),
    )
    mail_module.deliver(app, mail)
    [message] = smtp.sent
    assert message["To"] == "a@example.org"
    [part] = list(message.iter_attachments())
    assert part.get_content() == PDF
    assert mail_outbox == []  # SMTP, not the outbox
