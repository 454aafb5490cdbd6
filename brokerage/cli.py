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
    app.cli.add_command(schedule)
    app.cli.add_command(feedback_reminder)


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
@click.option(
    "--schedule-seconds",
    default=10.0,
    show_default=True,
    type=float,
    help="Solver time limit for the demo's published schedule (made once).",
)
def demo(seed: int, schedule_seconds: float) -> None:
    """Load the realistic demo event `demo` with a published schedule. Safe to run twice."""
    from brokerage.demo import load_demo

    summary = load_demo(seed=seed, schedule_seconds=schedule_seconds)
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


@click.command("schedule")
@click.argument("slug")
@click.option(
    "--time-limit", default=60, show_default=True, type=int, help="Seconds for the solver."
)
@click.option(
    "--mode",
    type=click.Choice(["full", "incremental"]),
    default="full",
    show_default=True,
    help="incremental keeps the published and locked meetings and places the rest.",
)
@click.option("--stability", is_flag=True, help="Stay close to the published (or latest) run.")
@click.option("--fairness-cap", type=int, default=None, help="Largest spread of breaks.")
@click.option("--publish", is_flag=True, help="Publish the run when it has a schedule.")
def schedule(
    slug: str,
    time_limit: int,
    mode: str,
    stability: bool,
    fairness_cap: int | None,
    publish: bool,
) -> None:
    """Run the scheduler for event SLUG here, in the terminal, and print the figures.

    The same services as the schedule page: one run at a time per event (a run started from
    the page blocks this one and the other way round), progress written to the run as it
    goes, the result saved in one transaction. Exits with status 1 when the run fails.
    """
    from brokerage.events.services import find_event_by_slug
    from brokerage.scheduling import jobs
    from brokerage.scheduling.models import RunMode, RunState
    from brokerage.scheduling.services import ScheduleError, whole_bound

    event = find_event_by_slug(slug)
    if event is None:
        raise click.BadParameter(f"no event {slug!r}", param_hint="SLUG")
    try:
        options = jobs.RunOptions(
            time_limit=time_limit,
            mode=RunMode(mode),
            stability=stability,
            fairness_cap=fairness_cap,
        )
        run = jobs.start_run(event, None, options)
    except ScheduleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Run #{run.id} of {event.slug}: {mode}, time limit {time_limit} s.")
    finished = jobs.execute_run(run.id, report=click.echo)
    if finished is None or finished.state is RunState.FAILED:
        raise click.ClickException(f"Run #{run.id} failed; its log is on the run's page.")
    figures = finished.figures
    click.echo(
        f"Run #{finished.id} {finished.state.value} ({finished.solver_status}): "
        f"{figures['scheduled_count']} of {figures['requested']} meetings scheduled, "
        f"weight {figures['scheduled_weight']} of {figures['requested_weight']} "
        f"(bound {whole_bound(figures['best_bound'])}), breaks {figures['breaks_total']} "
        f"(at most {figures['breaks_max']} for one participant), "
        f"{figures['unscheduled']} unscheduled, {figures['wall_time']:.1f} s."
    )
    if publish:
        from brokerage.scheduling.publishing import PublishError, publish_run
        from brokerage.urls import link_context

        try:
            with link_context():
                publication = publish_run(finished, None)
        except PublishError as error:
            db.session.rollback()
            raise click.ClickException(f"Not published: {error}") from None
        db.session.commit()
        click.echo(
            f"Published run #{finished.id}; {publication.notified} participants told by e-mail."
        )


@click.command("feedback-reminder")
@click.argument("slug")
def feedback_reminder(slug: str) -> None:
    """E-mail participants of event SLUG whose ended meetings still lack their feedback.

    Each e-mail lists those meetings and links to the agenda, where they are marked and
    rated. Not essential mail: participants who want essential e-mails only are skipped.
    Every run e-mails everyone still missing feedback, so run it by hand after the event.
    """
    from brokerage.attendance.services import send_feedback_reminders
    from brokerage.events.services import find_event_by_slug

    event = find_event_by_slug(slug)
    if event is None:
        raise click.BadParameter(f"no event {slug!r}", param_hint="SLUG")
    if event.published_run_id is None:
        raise click.ClickException(f"{event.slug} has no published schedule: no meetings to rate.")
    summary = send_feedback_reminders(event)
    db.session.commit()
    people = "participant" if summary.emailed == 1 else "participants"
    click.echo(
        f"E-mailed {summary.emailed} {people} about {summary.meetings} "
        f"meeting{'' if summary.meetings == 1 else 's'} without their feedback."
    )
    if summary.opted_out:
        click.echo(
            f"Skipped {summary.opted_out} who asked for essential e-mails only "
            "(a feedback reminder is not essential)."
        )
