"""`flask --app brokerage ...` commands. Each calls services and commits once."""

from __future__ import annotations

import click
from flask import Flask

from brokerage.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(remind)
    app.cli.add_command(expire)


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, password: str) -> None:
    """Create a site admin with EMAIL, or make an existing account an admin."""
    from brokerage.auth import services
    from brokerage.db_types import utcnow

    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    user = services.find_user_by_email(email)
    if user is None:
        user = services.create_user(email, password, is_admin=True)
        message = f"Created admin {user.email}."
    else:
        user.is_admin = True
        user.set_password(password)
        message = f"{user.email} is now an admin; the password was updated."
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.commit()
    click.echo(message)


@click.command("demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed of the demo data.")
def demo(seed: int) -> None:
    """Load the realistic demo event `demo`. Safe to run twice."""
    from brokerage.demo import load_demo

    summary = load_demo(seed=seed)
    db.session.commit()
    click.echo(summary)


@click.command("remind")
def remind() -> None:
    """Remind recipients of pending meeting requests (at most once a day per request).

    Safe to run from cron every hour: a request reminded in the last 23 hours is skipped.
    """
    from brokerage.meetings.services import send_reminders

    count = send_reminders()
    db.session.commit()
    click.echo(f"Sent {count} reminder{'' if count == 1 else 's'}.")


@click.command("expire")
def expire() -> None:
    """Expire pending meeting requests past their event's expiry period or booking deadline.

    Safe to run from cron every hour: a request expires, and its sender is told, only once.
    """
    from brokerage.meetings.services import expire_requests

    count = expire_requests()
    db.session.commit()
    click.echo(f"Expired {count} meeting request{'' if count == 1 else 's'}.")
