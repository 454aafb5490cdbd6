"""`flask --app brokerage ...` commands. Each calls services and commits once."""

from __future__ import annotations

import click
from flask import Flask

from brokerage.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)


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
