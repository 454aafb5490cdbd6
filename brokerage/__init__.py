"""The brokerage scheduler web application.

Flask is imported inside create_app() so that `brokerage.scheduling.solver` and its CLI can
be imported and run without loading the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from config import Config


def create_app(config: type[Config] | None = None) -> Flask:
    from pathlib import Path

    from flask import Flask

    from brokerage import cli, errors, sqlite, templating  # noqa: F401 - sqlite: settings
    from brokerage.extensions import bootstrap, csrf, db, login_manager, migrate
    from brokerage.mail import init_mail
    from config import config_from_environment

    config = config or config_from_environment()
    validate = getattr(config, "validate", None)
    if validate is not None:
        validate()

    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        template_folder=str(root / "templates"),
        static_folder="static",
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    bootstrap.init_app(app)
    init_mail(app)

    from brokerage import models  # noqa: F401 - registers every model on the metadata
    from brokerage.agendas.print_views import bp as agenda_prints_bp
    from brokerage.agendas.views import bp as agendas_bp
    from brokerage.attendance.views import bp as attendance_bp
    from brokerage.auth.views import bp as auth_bp
    from brokerage.availability.views import bp as availability_bp
    from brokerage.badges.views import bp as badges_bp
    from brokerage.checkin.views import bp as checkin_bp
    from brokerage.events.views import bp as events_bp
    from brokerage.marketplace.views import bp as marketplace_bp
    from brokerage.meetings.views import bp as meetings_bp
    from brokerage.registration.views import bp as registration_bp
    from brokerage.scheduling.edit_views import bp as schedule_edit_bp
    from brokerage.scheduling.review_views import bp as schedule_review_bp
    from brokerage.scheduling.views import bp as schedule_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(marketplace_bp)
    app.register_blueprint(availability_bp)
    app.register_blueprint(schedule_bp)
    app.register_blueprint(schedule_review_bp)
    app.register_blueprint(schedule_edit_bp)
    app.register_blueprint(agendas_bp)
    app.register_blueprint(agenda_prints_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(attendance_bp)

    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
