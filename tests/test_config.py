"""Configuration from the environment, and error pages that keep the site's layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask, abort

import config
from brokerage import create_app
from config import (
    DevelopmentConfig,
    ProductionConfig,
    TestConfig,
    config_from_environment,
    normalise_database_url,
)

ROOT = Path(__file__).resolve().parent.parent


# --- Production refuses to start half-configured --------------------------------------------


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["SECRET_KEY", "DATABASE_URL"]),
        ({"SECRET_KEY": "s3cret-for-the-test"}, ["DATABASE_URL"]),
        ({"DATABASE_URL": "postgresql://db/brokerage"}, ["SECRET_KEY"]),
    ],
)
def test_production_refuses_to_start_without_secret_key_and_database_url(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: list[str]
) -> None:
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="Production configuration needs") as error:
        create_app(ProductionConfig)
    assert str(error.value).endswith(", ".join(missing))


def _read_config(env: dict[str, str], expression: str) -> str:
    """Evaluate `expression` after `import config` in a fresh interpreter with `env`.

    The Config classes read the environment when the module is imported, so only a new
    process shows what a deployment with these variables gets.
    """
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BROKERAGE_CONFIG"}}
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-c", f"import config; print({expression})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_production_starts_with_both_variables_in_a_fresh_process() -> None:
    env = {
        "BROKERAGE_CONFIG": "production",
        "SECRET_KEY": "s3cret-for-the-test",
        "DATABASE_URL": "sqlite://",
    }
    code = "__import__('brokerage').create_app().config['SECRET_KEY'] == 's3cret-for-the-test'"
    assert _read_config(env, code) == "True"


# --- DATABASE_URL ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/brokerage", "postgresql+psycopg://u:p@db:5432/brokerage"),
        ("postgresql://u@db/brokerage", "postgresql+psycopg://u@db/brokerage"),
        ("postgresql+psycopg://u@db/brokerage", "postgresql+psycopg://u@db/brokerage"),
        ("sqlite:////var/lib/brokerage.sqlite", "sqlite:////var/lib/brokerage.sqlite"),
    ],
)
def test_database_urls_are_normalised_to_psycopg_3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_database_url_from_the_environment_uses_psycopg_3() -> None:
    uri = _read_config(
        {"DATABASE_URL": "postgres://app@db.internal/brokerage"},
        "config.Config.SQLALCHEMY_DATABASE_URI",
    )
    assert uri == "postgresql+psycopg://app@db.internal/brokerage"


def test_default_database_is_sqlite_in_the_instance_folder() -> None:
    uri = _read_config({}, "config.Config.SQLALCHEMY_DATABASE_URI")
    assert uri == f"sqlite:///{ROOT / 'instance' / 'brokerage.sqlite'}"


# --- BROKERAGE_CONFIG -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, DevelopmentConfig),
        ("development", DevelopmentConfig),
        ("test", TestConfig),
        ("Production", ProductionConfig),
    ],
)
def test_brokerage_config_selects_the_class(
    monkeypatch: pytest.MonkeyPatch, name: str | None, expected: type[config.Config]
) -> None:
    if name is None:
        monkeypatch.delenv("BROKERAGE_CONFIG", raising=False)
    else:
        monkeypatch.setenv("BROKERAGE_CONFIG", name)
    assert config_from_environment() is expected


def test_unknown_brokerage_config_is_refused_with_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BROKERAGE_CONFIG", "staging")
    with pytest.raises(RuntimeError, match="development, production, test"):
        config_from_environment()


def test_create_app_without_a_class_uses_brokerage_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BROKERAGE_CONFIG", "test")
    assert create_app().config["TESTING"] is True


# --- Error pages ----------------------------------------------------------------------------


class ErrorPagesConfig(TestConfig):
    # Not TESTING, so Flask hands exceptions to the 500 handler as in production.
    TESTING = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"


@pytest.fixture
def error_app() -> Flask:
    """A fresh app with routes that fail on purpose (the shared app is already in use)."""
    app = create_app(ErrorPagesConfig)

    @app.route("/test-forbidden")
    def forbidden() -> str:
        abort(403)

    @app.route("/test-crash")
    def crash() -> str:
        raise RuntimeError("deliberate failure for the 500 page")

    return app


def _assert_site_layout(html: str) -> None:
    assert "<nav" in html
    assert 'class="navbar' in html
    assert "Brokerage" in html  # the site name in the navbar
    assert "Back to events" in html


@pytest.mark.parametrize(
    ("path", "code", "title"),
    [
        ("/test-forbidden", 403, "Not allowed"),
        ("/no-such-page", 404, "Not found"),
        ("/test-crash", 500, "Something went wrong"),
    ],
)
def test_error_pages_render_with_the_site_layout(
    error_app: Flask, caplog: pytest.LogCaptureFixture, path: str, code: int, title: str
) -> None:
    response = error_app.test_client().get(path)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    _assert_site_layout(html)
    assert title in html
    # The 500 page says what happened in general, never the exception itself; the log does.
    assert "deliberate failure" not in html
    if code == 500:
        assert "deliberate failure" in caplog.text


def test_expired_form_gives_a_friendly_400(error_app: Flask) -> None:
    response = error_app.test_client().post("/account/login", data={"email": "a@example.org"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    _assert_site_layout(html)
    assert "Please reload and try again" in html
