"""Outgoing e-mail, sent only when the request's transaction commits.

Services call `queue_mail()`; the message waits on the database session and goes out after
a successful commit, or is dropped on rollback, so a failed request never sends a message
about something that did not happen. Without MAIL_SERVER the message is logged and kept in
the app's outbox (a list tests can read); with it, it goes through SMTP. A message may carry
file attachments (e.g. an agenda PDF), made by the caller as bytes.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

from brokerage.extensions import db

log = logging.getLogger(__name__)

_PENDING_KEY = "brokerage_pending_mail"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def queue_mail(
    to: str,
    subject: str,
    template: str,
    *,
    attachments: Sequence[Attachment] = (),
    **context: object,
) -> Mail:
    """Render `templates/mail/<template>.txt` (and `.html` if present) and queue it."""
    text = render_template(f"mail/{template}.txt", **context)
    try:
        html = render_template(f"mail/{template}.html", **context)
    except Exception:
        html = None
    mail = Mail(to=to, subject=subject, text=text, html=html, attachments=tuple(attachments))
    db.session().info.setdefault(_PENDING_KEY, []).append(mail)
    return mail


def discard_queued_mail() -> None:
    """Drop the messages queued in this transaction (e.g. a bulk import that must not mail)."""
    db.session().info.pop(_PENDING_KEY, None)


def outbox(app: Flask | None = None) -> list[Mail]:
    """Messages delivered without SMTP, oldest first (development and tests)."""
    return (app or current_app).extensions.setdefault("mail_outbox", [])


def email_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: text (and HTML alternative), then any attachments."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def deliver(app: Flask, mail: Mail) -> None:
    if not app.config.get("MAIL_SERVER"):
        outbox(app).append(mail)
        names = ", ".join(attachment.filename for attachment in mail.attachments)
        log.info(
            "mail to %s: %s%s\n%s",
            mail.to,
            mail.subject,
            f" [attached: {names}]" if names else "",
            mail.text,
        )
        return
    message = email_message(mail, app.config["MAIL_DEFAULT_SENDER"])
    with smtplib.SMTP(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=20) as smtp:
        if app.config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if app.config.get("MAIL_USERNAME"):
            smtp.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def init_mail(app: Flask) -> None:
    app.extensions.setdefault("mail_outbox", [])


# Registered once for every session; the app comes from the context the commit runs in.
@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for mail in pending:
        try:
            deliver(app, mail)
        except (OSError, smtplib.SMTPException):
            # The change is committed; a mail server hiccup must not turn it into a 500.
            log.exception("could not send mail to %s", mail.to)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
